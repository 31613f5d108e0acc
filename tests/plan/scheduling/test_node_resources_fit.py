"""NodeResourcesFit: filter and LeastAllocated/MostAllocated scores."""

from __future__ import annotations

import pytest

from tests.plan.scheduling.helpers import Harness, container, make_node, make_pod, reasons

EXT_A = "example.com/aaa"
EXT_B = "example.com/bbb"
K8S_A = "kubernetes.io/something"
K8S_B = "subdomain.kubernetes.io/something"
HUGE_A = "hugepages-2Mi"


def _usage(cpu: int = 0, memory: int = 0, storage: int = 0, **scalar: int) -> dict:
    extra = {name.replace("__", "/").replace("_", "-"): str(v) for name, v in scalar.items()}
    if storage:
        extra["ephemeral-storage"] = str(storage)
    return container(f"{cpu}m", str(memory), extra=extra)


def _fit_node(pods: int = 32) -> dict:
    """makeAllocatableResources(10, 20, 32, 5, 20, 5) of fit_test.go."""
    return make_node(
        "node",
        cpu="10m",
        memory="20",
        pods=pods,
        allocatable={EXT_A: "5", "ephemeral-storage": "20", HUGE_A: "5"},
    )


def _check(
    pod_containers,
    existing_containers,
    want,
    *,
    init=None,
    version="1.31",
    config=None,
    overhead=None,
    pods=32,
):
    existing = make_pod("existing", containers=existing_containers, node="node")
    spec = {}
    if init:
        spec["initContainers"] = init
    if overhead:
        spec["overhead"] = overhead
    pod = make_pod("pod", containers=pod_containers, **spec)
    harness = Harness([_fit_node(pods)], [existing], version=version, config=config)
    assert reasons(harness.filter("NodeResourcesFit", pod)["node"]) == want


ENOUGH_REQUESTS = [
    ("no resources requested always fits", [], [_usage(10, 20)], None, None),
    (
        "too many resources fails",
        [_usage(1, 1)],
        [_usage(10, 20)],
        None,
        ["Insufficient cpu", "Insufficient memory"],
    ),
    (
        "too many resources fails due to init container cpu",
        [_usage(1, 1)],
        [_usage(8, 19)],
        [_usage(3, 1)],
        ["Insufficient cpu"],
    ),
    (
        "too many resources fails due to highest init container cpu",
        [_usage(1, 1)],
        [_usage(8, 19)],
        [_usage(3, 1), _usage(2, 1)],
        ["Insufficient cpu"],
    ),
    (
        "too many resources fails due to init container memory",
        [_usage(1, 1)],
        [_usage(9, 19)],
        [_usage(1, 3)],
        ["Insufficient memory"],
    ),
    (
        "init container fits because it's the max, not sum",
        [_usage(1, 1)],
        [_usage(9, 19)],
        [_usage(1, 1)],
        None,
    ),
    ("both resources fit", [_usage(1, 1)], [_usage(5, 5)], None, None),
    ("one resource memory fits", [_usage(2, 1)], [_usage(9, 5)], None, ["Insufficient cpu"]),
    ("one resource cpu fits", [_usage(1, 2)], [_usage(5, 19)], None, ["Insufficient memory"]),
    ("equal edge case", [_usage(5, 1)], [_usage(5, 19)], None, None),
    ("equal edge case for init container", [_usage(4, 1)], [_usage(5, 19)], [_usage(5, 1)], None),
    ("extended resource fits", [_usage(**{"example.com__aaa": 1})], [_usage()], None, None),
    (
        "extended resource capacity enforced",
        [_usage(1, 1, **{"example.com__aaa": 10})],
        [_usage()],
        None,
        [f"Insufficient {EXT_A}"],
    ),
    (
        "extended resource allocatable enforced",
        [_usage(1, 1, **{"example.com__aaa": 1})],
        [_usage(**{"example.com__aaa": 5})],
        None,
        [f"Insufficient {EXT_A}"],
    ),
    (
        "extended resource allocatable enforced for multiple containers",
        [_usage(1, 1, **{"example.com__aaa": 3}), _usage(1, 1, **{"example.com__aaa": 3})],
        [_usage(**{"example.com__aaa": 2})],
        None,
        [f"Insufficient {EXT_A}"],
    ),
    (
        "extended resource allocatable admits multiple init containers",
        [_usage()],
        [_usage(**{"example.com__aaa": 2})],
        [_usage(1, 1, **{"example.com__aaa": 3}), _usage(1, 1, **{"example.com__aaa": 3})],
        None,
    ),
    (
        "extended resource allocatable enforced for unknown resource",
        [_usage(1, 1, **{"example.com__bbb": 1})],
        [_usage()],
        None,
        [f"Insufficient {EXT_B}"],
    ),
    (
        "kubernetes.io resource capacity enforced",
        [_usage(1, 1, **{"kubernetes.io__something": 10})],
        [_usage()],
        None,
        [f"Insufficient {K8S_A}"],
    ),
    (
        "hugepages resource capacity enforced",
        [_usage(1, 1, hugepages_2Mi=10)],
        [_usage()],
        None,
        [f"Insufficient {HUGE_A}"],
    ),
    (
        "skip checking extended resource request with quantity zero",
        [_usage(1, 1, **{"example.com__aaa": 0})],
        [_usage(**{"example.com__aaa": 6})],
        None,
        None,
    ),
    (
        "skip checking resource request with quantity zero",
        [_usage(**{"example.com__aaa": 1})],
        [_usage(20, 30, **{"example.com__aaa": 1})],
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "pod", "existing", "init", "want"),
    ENOUGH_REQUESTS,
    ids=[c[0] for c in ENOUGH_REQUESTS],
)
def test_enough_requests(name, pod, existing, init, want):
    """TestEnoughRequests, pkg/scheduler/framework/plugins/noderesources/fit_test.go: node
    allocatable cpu 10m, memory 20, pods 32, example.com/aaa 5, ephemeral 20, hugepages 5;
    one existing pod with the given usage."""
    _check(pod, existing, want, init=init)


def test_skip_ignored_extended_resource():
    """TestEnoughRequests "skip checking ignored extended resource" and "... via resource
    groups" (NodeResourcesFitArgs ignoredResources / ignoredResourceGroups)."""
    config = {
        "profiles": [
            {"pluginConfig": [{"name": "NodeResourcesFit", "args": {"ignoredResources": [EXT_B]}}]}
        ]
    }
    _check([_usage(1, 1, **{"example.com__bbb": 1})], [_usage()], None, config=config)
    config = {
        "profiles": [
            {
                "pluginConfig": [
                    {"name": "NodeResourcesFit", "args": {"ignoredResourceGroups": ["example.com"]}}
                ]
            }
        ]
    }
    _check(
        [_usage(1, 1, **{"example.com__bbb": 1, "kubernetes.io__something": 1})],
        [_usage()],
        [f"Insufficient {K8S_A}"],
        config=config,
    )


def test_pod_overhead():
    """TestEnoughRequests "resources + pod overhead fits" / "requests + overhead does not fit
    for memory"."""
    _check([_usage(1, 1)], [_usage(5, 5)], None, overhead={"cpu": "3m", "memory": "13"})
    _check(
        [_usage(1, 1)],
        [_usage(5, 5)],
        ["Insufficient memory"],
        overhead={"cpu": "1m", "memory": "15"},
    )


@pytest.mark.parametrize(
    ("pod", "existing", "init"),
    [
        ([], [_usage(10, 20)], None),
        ([_usage(1, 1)], [_usage(5, 5)], None),
        ([_usage(5, 1)], [_usage(5, 19)], None),
        ([_usage(5, 1)], [_usage(5, 19)], [_usage(5, 1)]),
    ],
)
def test_not_enough_requests(pod, existing, init):
    """TestNotEnoughRequests: with `pods: 1` allocatable and one pod on the node, even a pod
    that fits otherwise gets "Too many pods" (and only that)."""
    _check(pod, existing, ["Too many pods"], init=init, pods=1)


@pytest.mark.parametrize(
    ("pod", "want"),
    [
        ([_usage(1, 1)], None),
        ([_usage(storage=25)], ["Insufficient ephemeral-storage"]),
        ([_usage(storage=10)], None),
    ],
)
def test_storage_requests(pod, want):
    """TestStorageRequests: ephemeral-storage is checked against allocatable 20."""
    _check(pod, [_usage(2, 2)], want)


def test_zero_request_on_overcommitted_node_by_version():
    """PR #116408 (1.27): a zero cpu request is not insufficient on an over-committed node;
    before, `0 > allocatable - requested` failed."""
    existing = [_usage(20, 1)]
    _check([_usage(0, 1)], existing, None, version="1.27")
    _check([_usage(0, 1)], existing, ["Insufficient cpu"], version="1.26")


def test_sidecar_requests():
    """resource.PodRequests with restartable init containers (TestRestartableInitContainers'
    accounting): sidecars add to the containers; an init container runs next to the sidecars
    started before it."""
    sidecar = dict(_usage(3, 1), restartPolicy="Always")
    # containers 2, sidecar 3 -> 5; a later init container of 4 runs with the sidecar -> 7
    _check([_usage(2, 1)], [_usage()], None, init=[sidecar, _usage(4, 1)])
    _check([_usage(2, 1)], [_usage(4, 1)], ["Insufficient cpu"], init=[sidecar, _usage(4, 1)])
    # before 1.29 restartPolicy is dropped: max(2, 3, 4) = 4 fits next to 4 used
    _check([_usage(2, 1)], [_usage(4, 1)], None, init=[sidecar, _usage(4, 1)], version="1.28")


def _score_nodes(*specs):
    return [make_node(name, cpu=cpu, memory=memory, pods=110) for name, cpu, memory in specs]


LEAST_ALLOCATED = [
    (
        "nothing scheduled, nothing requested",
        [],
        _score_nodes(("node1", "4000", "10000"), ("node2", "4000", "10000")),
        [],
        {"node1": 100, "node2": 100},
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes",
        [container("1000", "2000"), container("2000", "3000")],
        _score_nodes(("node1", "4000", "10000"), ("node2", "6000", "10000")),
        [],
        {"node1": 37, "node2": 50},
    ),
    (
        "no resources requested, pods scheduled with resources",
        [],
        _score_nodes(("node1", "10000", "20000"), ("node2", "10000", "20000")),
        [
            ("node1", "3000", "0"),
            ("node1", "3000", "0"),
            ("node2", "3000", "0"),
            ("node2", "3000", "5000"),
        ],
        {"node1": 70, "node2": 57},
    ),
    (
        "resources requested, pods scheduled with resources",
        [container("1000", "2000"), container("2000", "3000")],
        _score_nodes(("node1", "10000", "20000"), ("node2", "10000", "20000")),
        [("node1", "3000", "0"), ("node2", "3000", "5000")],
        {"node1": 57, "node2": 45},
    ),
    (
        "resources requested, pods scheduled with resources, differently sized nodes",
        [container("1000", "2000"), container("2000", "3000")],
        _score_nodes(("node1", "10000", "20000"), ("node2", "10000", "50000")),
        [("node1", "3000", "0"), ("node2", "3000", "5000")],
        {"node1": 57, "node2": 60},
    ),
    (
        "requested resources exceed node capacity",
        [container("3000", "0")],
        _score_nodes(("node1", "4000", "10000"), ("node2", "4000", "10000")),
        [("node1", "3000", "0"), ("node2", "3000", "5000")],
        {"node1": 50, "node2": 25},
    ),
    (
        "zero node resources, pods scheduled with resources",
        [],
        [make_node("node1", cpu=None, memory=None), make_node("node2", cpu=None, memory=None)],
        [("node1", "3000", "0"), ("node2", "3000", "5000")],
        {"node1": 0, "node2": 0},
    ),
]


@pytest.mark.parametrize(
    ("name", "pod", "nodes", "existing", "want"),
    LEAST_ALLOCATED,
    ids=[c[0] for c in LEAST_ALLOCATED],
)
def test_least_allocated(name, pod, nodes, existing, want):
    """TestLeastAllocatedScoringStrategy, noderesources/least_allocated_test.go (capacities in
    whole cpus as st.MakeNode().Capacity writes them; a pod without containers requests
    nothing, so the 100m/200Mi defaults do not apply)."""
    pods = [
        make_pod(f"e{i}", containers=[container(c, m)], node=n)
        for i, (n, c, m) in enumerate(existing)
    ]
    view = make_pod("pod", containers=pod)
    view.spec["containers"] = pod
    assert Harness(nodes, pods).score("NodeResourcesFit", view) == want


def test_least_allocated_weights():
    """TestLeastAllocatedScoringStrategy "nothing scheduled, resources requested with
    different weight on CPU and memory": memory weight 2, cpu 1 -> 41 and 50."""
    config = {
        "profiles": [
            {
                "pluginConfig": [
                    {
                        "name": "NodeResourcesFit",
                        "args": {
                            "scoringStrategy": {
                                "type": "LeastAllocated",
                                "resources": [
                                    {"name": "memory", "weight": 2},
                                    {"name": "cpu", "weight": 1},
                                ],
                            }
                        },
                    }
                ]
            }
        ]
    }
    nodes = _score_nodes(("node1", "4000", "10000"), ("node2", "6000", "10000"))
    view = make_pod("pod", containers=[container("1000", "2000"), container("2000", "3000")])
    assert Harness(nodes, config=config).score("NodeResourcesFit", view) == {
        "node1": 41,
        "node2": 50,
    }


def test_non_zero_defaults_for_containers_without_requests():
    """resource_allocation.go: LeastAllocated counts 100m / 200Mi for a container without a
    cpu / memory request (NonMissingContainerRequests), on the node and for the pod; an
    explicit "0" stays 0."""
    nodes = [make_node("n1", cpu="1", memory="1Gi"), make_node("n2", cpu="1", memory="1Gi")]
    existing = [make_pod("e", containers=[container()], node="n1")]
    view = make_pod("pod", containers=[container()])
    # n1: cpu (1000-200)*100/1000=80, memory (1024-400)*100/1024=60 -> 70
    # n2: cpu 90, memory (1024-200)*100/1024=80 -> 85
    assert Harness(nodes, existing).score("NodeResourcesFit", view) == {"n1": 70, "n2": 85}
    explicit = make_pod("pod", containers=[container("0", "0")])
    assert Harness(nodes, existing).score("NodeResourcesFit", explicit) == {"n1": 85, "n2": 100}


EXT_XYZ = "abc.com/xyz"
DEFAULT_RESOURCES = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
EXTENDED_RESOURCES = [*DEFAULT_RESOURCES, {"name": EXT_XYZ, "weight": 1}]

# (name, pod containers, nodes, existing (node, containers), resources, want)
MOST_ALLOCATED = [
    (
        "nothing scheduled, nothing requested",
        [],
        _score_nodes(("node1", "4000", "10000"), ("node2", "4000", "10000")),
        [],
        DEFAULT_RESOURCES,
        {"node1": 0, "node2": 0},
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes",
        [container("1000", "2000"), container("2000", "3000")],
        _score_nodes(("node1", "4000", "10000"), ("node2", "6000", "10000")),
        [],
        DEFAULT_RESOURCES,
        {"node1": 62, "node2": 50},
    ),
    (
        "no resources requested, pods scheduled with resources",
        [],
        _score_nodes(("node1", "10000", "20000"), ("node2", "10000", "20000")),
        [
            ("node1", [container("3000", "0")]),
            ("node1", [container("3000", "0")]),
            ("node2", [container("3000", "0")]),
            ("node2", [container("3000", "5000")]),
        ],
        DEFAULT_RESOURCES,
        {"node1": 30, "node2": 42},
    ),
    (
        "resources requested, pods scheduled with resources",
        [container("1000", "2000"), container("2000", "3000")],
        _score_nodes(("node1", "10000", "20000"), ("node2", "10000", "20000")),
        [("node1", [container("3000", "0")]), ("node2", [container("3000", "5000")])],
        DEFAULT_RESOURCES,
        {"node1": 42, "node2": 55},
    ),
    (
        "resources requested equal node capacity",
        [container("2000", "4000"), container("3000", "5000")],
        _score_nodes(("node1", "5000", "10000"), ("node2", "10000", "9000")),
        [],
        DEFAULT_RESOURCES,
        {"node1": 95, "node2": 75},
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes (memory weight 2)",
        [container("1000", "2000"), container("2000", "3000")],
        _score_nodes(("node1", "4000", "10000"), ("node2", "6000", "10000")),
        [],
        [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}],
        {"node1": 58, "node2": 50},
    ),
    (
        "no resources requested, pods scheduled, nonzero request for resource",
        [container()],
        _score_nodes(("node1", "250m", "1000Mi"), ("node2", "250m", "1000Mi")),
        [("node1", [container()]), ("node1", [container()])],
        DEFAULT_RESOURCES,
        {"node1": 80, "node2": 30},
    ),
    (
        "bypass extended resource if the pod does not request",
        [container("1000", "2000"), container("2000", "3000")],
        [
            make_node("node1", cpu="6000", memory="10000"),
            make_node("node2", cpu="6000", memory="10000", allocatable={EXT_XYZ: "4"}),
        ],
        [],
        EXTENDED_RESOURCES,
        {"node1": 50, "node2": 50},
    ),
    (
        "honor extended resource if the pod request",
        [container("3000", "5000", extra={EXT_XYZ: "2"})],
        [
            make_node("node1", cpu="6000", memory="10000", allocatable={EXT_XYZ: "4"}),
            make_node("node2", cpu="6000", memory="10000", allocatable={EXT_XYZ: "10"}),
        ],
        [],
        EXTENDED_RESOURCES,
        {"node1": 50, "node2": 40},
    ),
    (
        "if the node doesn't have a resource",
        [container("3000", "4000")],
        [
            make_node("node1", cpu="6000", memory="10000"),
            make_node("node2", cpu="6000", memory="10000", allocatable={EXT_XYZ: "4"}),
        ],
        [],
        [
            {"name": EXT_XYZ, "weight": 2},
            {"name": "cpu", "weight": 1},
            {"name": "memory", "weight": 1},
        ],
        {"node1": 45, "node2": 45},
    ),
]


@pytest.mark.parametrize(
    ("name", "pod", "nodes", "existing", "resources", "want"),
    MOST_ALLOCATED,
    ids=[c[0] for c in MOST_ALLOCATED],
)
def test_most_allocated(name, pod, nodes, existing, resources, want):
    """TestMostAllocatedScoringStrategy, noderesources/most_allocated_test.go (capacities as
    st.MakeNode().Capacity writes them: "4000" cpus; st.MakePod() without Req has no
    containers; a Container("container") without requests counts the 100m/200Mi defaults).
    The second case named "nothing scheduled, resources requested, differently sized nodes"
    is suffixed with its weights here. Not here: "Resources not set, pods scheduled with
    error" (the config API defaults the resources, the test bypasses that) and the three
    weight validation cases."""
    config = {
        "profiles": [
            {
                "pluginConfig": [
                    {
                        "name": "NodeResourcesFit",
                        "args": {
                            "scoringStrategy": {"type": "MostAllocated", "resources": resources}
                        },
                    }
                ]
            }
        ]
    }
    pods = [
        make_pod(f"e{i}", containers=containers, node=n)
        for i, (n, containers) in enumerate(existing)
    ]
    view = make_pod("pod", containers=pod)
    view.spec["containers"] = pod
    assert Harness(nodes, pods, config=config).score("NodeResourcesFit", view) == want
