"""NodeResourcesBalancedAllocation: TestNodeResourcesBalancedAllocation,
plugins/noderesources/balanced_allocation_test.go.

Two upstream tables: the 1.32 one (best-effort pods are still scored) and the one after PR
#130260 (1.33: PreScore returns Skip for a pod requesting none of the resources, so the
best-effort cases left the table). Nodes are makeNode(name, milliCPU, memory[, scalar]); the
pods' specs are the table's cpuOnly, cpuAndMemory and cpuAndMemoryAndGPU. The DRA cases of
the newest table ("include DRA resource on a node ...") are not here: kplan does not model
DRA extended resources.
"""

from __future__ import annotations

import pytest

from kplan.plan.scheduling.balanced_allocation import balanced_resource_score
from kplan.plan.scheduling.framework import SKIP, CycleState
from tests.plan.scheduling.helpers import Harness, container, make_node, make_pod

GPU = "nvidia.com/gpu"

CPU_ONLY = [container("1000m", "0"), container("2000m", "0")]
CPU_AND_MEMORY = [container("1000m", "2000"), container("2000m", "3000")]
CPU_AND_MEMORY_AND_GPU = [container("1000m", "2000"), container("2000m", "3000", extra={GPU: "3"})]
NOTHING: list = []  # st.MakePod().Obj(): no containers at all

CPU_MEMORY = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
CPU_MEMORY_GPU = [*CPU_MEMORY, {"name": GPU, "weight": 1}]
CPU_GPU = [{"name": "cpu", "weight": 1}, {"name": GPU, "weight": 1}]


def _node(name, milli_cpu, memory, gpus=None):
    """makeNode(name, milliCPU, memory, scalar): allocatable only, no pod count limit issue."""
    return make_node(
        name,
        cpu=f"{milli_cpu}m",
        memory=str(memory),
        allocatable={GPU: str(gpus)} if gpus is not None else None,
    )


def _pod(name, containers, node=None):
    view = make_pod(name, node=node)
    view.spec["containers"] = [dict(c) for c in containers]
    return view


def _scores(version, nodes, existing, pod, resources, run_pre_score=True):
    config = {
        "profiles": [
            {
                "pluginConfig": [
                    {
                        "name": "NodeResourcesBalancedAllocation",
                        "args": {"resources": resources},
                    }
                ]
            }
        ]
    }
    pods = [_pod(f"e{i}", spec, node) for i, (node, spec) in enumerate(existing)]
    harness = Harness(nodes, pods, version=version, config=config)
    plugin = harness.plugin("NodeResourcesBalancedAllocation")
    info = harness.sim._pod_info(_pod("pod", pod))
    state = CycleState()
    if run_pre_score:
        status = plugin.pre_score(state, info, list(harness.cluster.nodes))
        if status is not None:
            assert status.code == SKIP
            return "Skip"
    # No NormalizeScore: the raw scores are the plugin's scores.
    return {n.name: plugin.score(state, info, n) for n in harness.cluster.nodes}


# The cases both tables share, by upstream name.
SHARED = {
    "nothing scheduled, resources requested, differently sized nodes": (
        CPU_AND_MEMORY,
        [_node("node1", 4000, 10000), _node("node2", 6000, 10000)],
        [],
        CPU_MEMORY,
        {"node1": 87, "node2": 100},
    ),
    "resources requested, pods scheduled with resources": (
        CPU_AND_MEMORY,
        [_node("node1", 10000, 20000), _node("node2", 10000, 20000)],
        [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)],
        CPU_MEMORY,
        {"node1": 82, "node2": 95},
    ),
    "resources requested, pods scheduled with resources, differently sized nodes": (
        CPU_AND_MEMORY,
        [_node("node1", 10000, 20000), _node("node2", 10000, 50000)],
        [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)],
        CPU_MEMORY,
        {"node1": 82, "node2": 80},
    ),
    "requested resources at node capacity": (
        CPU_ONLY,
        [_node("node1", 6000, 10000), _node("node2", 6000, 10000)],
        [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)],
        CPU_MEMORY,
        {"node1": 50, "node2": 75},
    ),
    "include scalar resource on a node for balanced resource allocation": (
        [container(memory="0", extra={GPU: "1"})],
        [_node("node1", 3500, 40000, gpus=8), _node("node2", 3500, 40000, gpus=8)],
        [("node2", CPU_AND_MEMORY), ("node1", CPU_AND_MEMORY_AND_GPU)],
        CPU_MEMORY_GPU,
        {"node1": 70, "node2": 65},
    ),
}

BEFORE_133 = {
    "nothing scheduled, nothing requested": (
        NOTHING,
        [_node("node1", 4000, 10000), _node("node2", 4000, 10000)],
        [],
        CPU_MEMORY,
        {"node1": 100, "node2": 100},
    ),
    **{k: v for k, v in SHARED.items() if k.startswith("nothing scheduled")},
    "no resources requested, pods without container scheduled": (
        NOTHING,
        [_node("node1", 4000, 10000), _node("node2", 4000, 10000)],
        [("node1", NOTHING), ("node1", NOTHING), ("node2", NOTHING), ("node2", NOTHING)],
        CPU_MEMORY,
        {"node1": 100, "node2": 100},
    ),
    "no resources requested, pods with container scheduled": (
        NOTHING,
        [_node("node1", 250, 1000 * 1024 * 1024), _node("node2", 250, 1000 * 1024 * 1024)],
        [("node1", NOTHING), ("node1", NOTHING)],
        CPU_MEMORY,
        {"node1": 100, "node2": 100},
    ),
    "no resources requested, pods scheduled with resources": (
        NOTHING,
        [_node("node1", 10000, 20000), _node("node2", 10000, 20000)],
        [
            ("node1", CPU_ONLY),
            ("node1", CPU_ONLY),
            ("node2", CPU_ONLY),
            ("node2", CPU_AND_MEMORY),
        ],
        CPU_MEMORY,
        {"node1": 70, "node2": 82},
    ),
    **{k: v for k, v in SHARED.items() if not k.startswith("nothing scheduled")},
    "zero node resources, pods scheduled with resources": (
        NOTHING,
        [_node("node1", 0, 0), _node("node2", 0, 0)],
        [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)],
        CPU_MEMORY,
        {"node1": 100, "node2": 100},
    ),
    "node without the scalar resource results to a higher score": (
        NOTHING,
        [_node("node1", 3500, 40000, gpus=8), _node("node2", 3500, 40000)],
        [("node1", CPU_ONLY), ("node2", CPU_ONLY)],
        CPU_GPU,
        {"node1": 100, "node2": 100},
    ),
}

FROM_133 = {
    "nothing scheduled, nothing requested, skip in PreScore": (
        NOTHING,
        [_node("node1", 4000, 10000), _node("node2", 4000, 10000)],
        [],
        CPU_MEMORY,
        "Skip",
    ),
    **SHARED,
    "node without the scalar resource should skip the scalar resource": (
        CPU_AND_MEMORY,
        [_node("node1", 3500, 40000, gpus=8), _node("node2", 3500, 40000)],
        [],
        CPU_MEMORY_GPU,
        {"node1": 63, "node2": 63},
    ),
}


@pytest.mark.parametrize(("name", "case"), BEFORE_133.items(), ids=list(BEFORE_133))
def test_balanced_allocation_before_133(name, case):
    """The 1.32 table of TestNodeResourcesBalancedAllocation (std-dev formula since 1.23):
    best-effort pods get PreScore success and a score."""
    pod, nodes, existing, resources, want = case
    assert _scores("1.32", nodes, existing, pod, resources) == want


@pytest.mark.parametrize(("name", "case"), FROM_133.items(), ids=list(FROM_133))
@pytest.mark.parametrize("version", ["1.33", "1.35"])
def test_balanced_allocation(version, name, case):
    """The current table of TestNodeResourcesBalancedAllocation (after PR #130260)."""
    pod, nodes, existing, resources, want = case
    assert _scores(version, nodes, existing, pod, resources) == want


@pytest.mark.parametrize("version", ["1.32", "1.35"])
def test_balanced_allocation_without_pre_score(version):
    """TestNodeResourcesBalancedAllocation "resources requested, pods scheduled with resources
    if PreScore not called": Score works from the pod alone."""
    pod, nodes, existing, resources, want = SHARED[
        "resources requested, pods scheduled with resources"
    ]
    assert _scores(version, nodes, existing, pod, resources, run_pre_score=False) == want


def test_fraction_capped_at_one():
    """balancedResourceScorer caps a fraction at 1 (not an upstream table case): 6000m of
    4000m cpu and 0 of 10000 memory is |1 - 0| / 2 = 0.5 -> 50."""
    assert balanced_resource_score([6000, 0], [4000, 10000]) == 50
