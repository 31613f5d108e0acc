"""ImageLocality: TestImageLocalityPriority, plugins/imagelocality/image_locality_test.go.

The table since 1.30 (PR #123366 added the init container case); the threshold is 1000MB times
the number of containers (init containers included), each image counts
size * nodesWithImage / allNodes. Nodes carry only the table's images (makeImageNode); the
score is computed without PreScore and there is no NormalizeScore.
"""

from __future__ import annotations

import pytest

from tests.plan.scheduling.helpers import Harness, container, make_node, make_pod

MB = 1024 * 1024

NODE_40_300_2000 = [
    (["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40 * MB),
    (["gcr.io/300:latest", "gcr.io/300:v1"], 300 * MB),
    (["gcr.io/2000:latest"], 2000 * MB),
]
NODE_250_10 = [
    (["gcr.io/250:latest"], 250 * MB),
    (["gcr.io/10:latest", "gcr.io/10:v1"], 10 * MB),
]
NODE_600_40_900 = [
    (["gcr.io/600:latest"], 600 * MB),
    (["gcr.io/40:latest"], 40 * MB),
    (["gcr.io/900:latest"], 900 * MB),
]
NODE_300_600_900 = [
    (["gcr.io/300:latest"], 300 * MB),
    (["gcr.io/600:latest"], 600 * MB),
    (["gcr.io/900:latest"], 900 * MB),
]
NODE_4000_30 = [
    (["gcr.io/4000:latest"], 4000 * MB),
    (["gcr.io/30:latest"], 30 * MB),
]
NODE_20_30_40 = [
    (["gcr.io/20:latest"], 20 * MB),
    (["gcr.io/30:latest"], 30 * MB),
    (["gcr.io/40:latest"], 40 * MB),
]
NO_IMAGES: list = []


def _spec(*images, init=()):
    spec = {"containers": [container(image=i, name=f"c{n}") for n, i in enumerate(images)]}
    if init:
        spec["initContainers"] = [container(image=i, name=f"i{n}") for n, i in enumerate(init)]
    return spec


CASES = [
    (
        # node2: 100 * (250M * 1/2 - 23M) / (1000M * 2 - 23M) = 5
        "two images spread on two nodes, prefer the larger image one",
        _spec("gcr.io/40", "gcr.io/250"),
        {"node1": NODE_40_300_2000, "node2": NODE_250_10},
        {"node1": 0, "node2": 5},
    ),
    (
        # node1: 100 * ((40M + 300M) / 2 - 23M) / (1000M * 2 - 23M) = 7
        "two images on one node, prefer this node",
        _spec("gcr.io/40", "gcr.io/300"),
        {"node1": NODE_40_300_2000, "node2": NODE_250_10},
        {"node1": 7, "node2": 0},
    ),
    (
        # node1: 4000M * 1/2 >= 1000M * 2, max threshold
        "if exceed limit, use limit",
        _spec("gcr.io/10", "gcr.io/4000"),
        {"node1": NODE_4000_30, "node2": NODE_250_10},
        {"node1": 100, "node2": 0},
    ),
    (
        # node1: 100 * (4000M / 3 - 23M) / (1000M * 2 - 23M) = 66
        "if exceed limit, use limit (with node which has no images present)",
        _spec("gcr.io/10", "gcr.io/4000"),
        {"node1": NODE_4000_30, "node2": NODE_250_10, "node3": NO_IMAGES},
        {"node1": 66, "node2": 0, "node3": 0},
    ),
    (
        # node1: 100 * (600M * 2/3 + 900M * 2/3 - 23M) / (1000M * 3 - 23M) = 32
        # node2: 100 * (300M * 1/3 + 600M * 2/3 + 900M * 2/3 - 23M) / (1000M * 3 - 23M) = 36
        "pod with multiple large images, node2 is preferred",
        _spec("gcr.io/300", "gcr.io/600", "gcr.io/900"),
        {"node1": NODE_600_40_900, "node2": NODE_300_600_900, "node3": NO_IMAGES},
        {"node1": 32, "node2": 36, "node3": 0},
    ),
    (
        # node1: 100 * (30M + 40M * 1/2 - 23M) / (1000M * 2 - 23M) = 1
        "pod with multiple small images",
        _spec("gcr.io/30", "gcr.io/40"),
        {"node1": NODE_20_30_40, "node2": NODE_4000_30},
        {"node1": 1, "node2": 0},
    ),
    (
        # node1: 100 * (300M * 1/2 - 23M) / (1000M * 2 - 23M) = 6
        "include InitContainers: two images spread on two nodes, prefer the larger image one",
        _spec("gcr.io/30", init=["gcr.io/300"]),
        {"node1": NODE_40_300_2000, "node2": NODE_20_30_40},
        {"node1": 6, "node2": 0},
    ),
]


def _scores(spec, images, version="1.31"):
    nodes = [make_node(name, images=node_images) for name, node_images in images.items()]
    harness = Harness(nodes, version=version)
    plugin = harness.plugin("ImageLocality")
    pod = make_pod("pod")
    pod.spec.update(spec)
    info = harness.sim._pod_info(pod)
    return {n.name: plugin.score(None, info, n) for n in harness.cluster.nodes}


@pytest.mark.parametrize(("name", "spec", "images", "want"), CASES, ids=[c[0] for c in CASES])
def test_image_locality(name, spec, images, want):
    """TestImageLocalityPriority (1.30+ table); the cases without init containers are the
    same before 1.30."""
    for version in ["1.31"] if "initContainers" in spec else ["1.29", "1.31"]:
        assert _scores(spec, images, version) == want


def test_image_locality_init_containers_before_130():
    """Not an upstream case: before PR #123366 (1.30) init containers neither add image
    scores nor raise the threshold. The table's init container pod then sees gcr.io/30 only:
    30M * 1/2 on node2 is below 23M -> 0 on both nodes; with a bigger image the threshold is
    one container's: 300M on one of two nodes, 100 * (150M - 23M) / (1000M - 23M) = 12."""
    init_case = CASES[-1]
    assert _scores(init_case[1], init_case[2], version="1.29") == {"node1": 0, "node2": 0}
    spec = _spec("gcr.io/300", init=["gcr.io/10:v1"])
    images = {"node1": [(["gcr.io/300:latest"], 300 * MB)], "node2": NODE_250_10}
    assert _scores(spec, images, version="1.29") == {"node1": 12, "node2": 0}
