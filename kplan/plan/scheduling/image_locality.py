"""ImageLocality (plugins/imagelocality): favour nodes that already have the pod's images.

For each container image (and, since 1.30, init container image; names normalised with
`:latest` when untagged) present in the node's `status.images[].names`, add
`int(size * nodesWithImage / allNodes)` (scaledImageScore: widely spread images count less,
against the "node heating" problem); clamp the sum to [23MiB, 1000MiB * number of
containers] and scale to 0..100. No NormalizeScore.
"""

from __future__ import annotations

from kplan.plan.scheduling.framework import MAX_NODE_SCORE, CycleState, Plugin
from kplan.plan.scheduling.nodeinfo import Cluster, NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate

__all__ = ["ImageLocality", "image_locality_score"]

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def image_locality_score(template: PodTemplate, node: NodeInfo, cluster: Cluster) -> int:
    total_nodes = len(cluster.nodes)
    images = node.images
    total = 0
    for image in template.images:
        size = images.get(image)
        if size is None:
            continue
        spread = float(cluster.image_nodes.get(image, 0)) / float(total_nodes)
        total += int(float(size) * spread)
    max_threshold = MAX_CONTAINER_THRESHOLD * template.image_count
    if total < MIN_THRESHOLD:
        total = MIN_THRESHOLD
    elif total > max_threshold:
        total = max_threshold
    if max_threshold == MIN_THRESHOLD:
        return 0
    return MAX_NODE_SCORE * (total - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality(Plugin):
    name = "ImageLocality"

    def node_score(self, template: PodTemplate, node: NodeInfo) -> int:
        return image_locality_score(template, node, self.context.cluster)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return self.node_score(pod.template, node)
