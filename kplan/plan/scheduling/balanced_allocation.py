"""NodeResourcesBalancedAllocation (plugins/noderesources/balanced_allocation.go).

Favours nodes whose resource usage stays balanced: for each configured resource (cpu and
memory by default) the fraction `min(1, (requested + pod request) / allocatable)` with the
plain requests (useRequested; no 100m/200Mi defaults), skipping resources the node lacks;
`std` is |f1 - f2| / 2 for two resources and the population standard deviation for more;
score = int((1 - std) * 100). No NormalizeScore. Since 1.33 PreScore skips pods that request
none of the resources (PR #130260), so best-effort pods do not pile up on one node.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from kplan.plan.scheduling.framework import (
    MAX_NODE_SCORE,
    SKIP,
    CycleState,
    Plugin,
    Status,
)
from kplan.plan.scheduling.node_resources_fit import ResourceScorer
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate

__all__ = ["BalancedAllocation", "balanced_resource_score"]


def balanced_resource_score(requested: Sequence[int], allocatable: Sequence[int]) -> int:
    """balancedResourceScorer."""
    fractions: list[float] = []
    total = 0.0
    for i in range(len(requested)):
        if allocatable[i] == 0:
            continue
        fraction = float(requested[i]) / float(allocatable[i])
        if fraction > 1:
            fraction = 1.0
        total += fraction
        fractions.append(fraction)
    std = 0.0
    if len(fractions) == 2:
        std = abs((fractions[0] - fractions[1]) / 2)
    elif len(fractions) > 2:
        mean = total / len(fractions)
        squares = 0.0
        for fraction in fractions:
            squares = squares + (fraction - mean) * (fraction - mean)
        std = math.sqrt(squares / len(fractions))
    return int((1 - std) * float(MAX_NODE_SCORE))


class BalancedAllocation(Plugin):
    name = "NodeResourcesBalancedAllocation"

    def __init__(self, context: object) -> None:
        super().__init__(context)  # type: ignore[arg-type]
        resources = self.context.profile.arg(self.name, "resources") or [
            {"name": "cpu", "weight": 1},
            {"name": "memory", "weight": 1},
        ]
        self.scorer = ResourceScorer(resources, use_requested=True)

    def skips(self, template: PodTemplate) -> bool:
        if not self.features.balanced_skips_best_effort:
            return False
        return all(
            self.scorer.pod_request(template, name) == 0 for name, _ in self.scorer.resources
        )

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo]
    ) -> Status | None:
        return Status(SKIP) if self.skips(pod.template) else None

    def node_score(self, template: PodTemplate, node: NodeInfo) -> int:
        requested, allocatable = self.scorer.vectors(template, node)
        return balanced_resource_score(requested, allocatable)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return self.node_score(pod.template, node)
