"""TaintToleration, NodeUnschedulable, NodeAffinity, NodePorts, ImageLocality,
NodeResourcesBalancedAllocation."""

from __future__ import annotations

import pytest

from tests.plan.scheduling.helpers import Harness, container, make_node, make_pod, reasons

MB = 1024 * 1024


def _taint(key, value, effect):
    return {"key": key, "value": value, "effect": effect}


def _tol(key, value=None, effect=None, operator="Equal"):
    toleration = {"key": key, "operator": operator}
    if value is not None:
        toleration["value"] = value
    if effect is not None:
        toleration["effect"] = effect
    return toleration


FILTER_CASES = [
    (
        "no tolerations, NoSchedule taint",
        [],
        [_taint("dedicated", "user1", "NoSchedule")],
        ["node(s) had untolerated taint {dedicated: user1}"],
    ),
    (
        "toleration for user1",
        [_tol("dedicated", "user1", "NoSchedule")],
        [_taint("dedicated", "user1", "NoSchedule")],
        None,
    ),
    (
        "toleration for user2 only",
        [_tol("dedicated", "user2", "NoSchedule")],
        [_taint("dedicated", "user1", "NoSchedule")],
        ["node(s) had untolerated taint {dedicated: user1}"],
    ),
    (
        "Exists tolerates any value",
        [_tol("foo", effect="NoSchedule", operator="Exists")],
        [_taint("foo", "bar", "NoSchedule")],
        None,
    ),
    (
        "all taints tolerated",
        [
            _tol("dedicated", "user2", "NoSchedule"),
            _tol("foo", effect="NoSchedule", operator="Exists"),
        ],
        [_taint("dedicated", "user2", "NoSchedule"), _taint("foo", "bar", "NoSchedule")],
        None,
    ),
    (
        "effect mismatch",
        [_tol("foo", "bar", "PreferNoSchedule")],
        [_taint("foo", "bar", "NoSchedule")],
        ["node(s) had untolerated taint {foo: bar}"],
    ),
    (
        "empty toleration effect matches all effects",
        [_tol("foo", "bar")],
        [_taint("foo", "bar", "NoSchedule")],
        None,
    ),
    (
        "PreferNoSchedule taints do not filter",
        [_tol("dedicated", "user2", "NoSchedule")],
        [_taint("dedicated", "user1", "PreferNoSchedule")],
        None,
    ),
    (
        "no toleration, PreferNoSchedule taint",
        [],
        [_taint("dedicated", "user1", "PreferNoSchedule")],
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "tolerations", "taints", "want"), FILTER_CASES, ids=[c[0] for c in FILTER_CASES]
)
def test_taint_toleration_filter(name, tolerations, taints, want):
    """TestTaintTolerationFilter, plugins/tainttoleration/taint_toleration_test.go."""
    harness = Harness([make_node("nodeA", taints=taints)])
    pod = make_pod("pod1", tolerations=tolerations)
    assert reasons(harness.filter("TaintToleration", pod)["nodeA"]) == want


def test_taint_message_by_version():
    """Empty values print as `{key: }` (issue #116133's message); 1.35 stopped naming the
    taint (PR #134740)."""
    node = make_node(
        "cp", taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    )
    pod = make_pod("p")
    old = Harness([node], version="1.26").filter("TaintToleration", pod)["cp"]
    assert reasons(old) == [
        "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
    ]
    new = Harness([node], version="1.35").filter("TaintToleration", pod)["cp"]
    assert reasons(new) == ["node(s) had untolerated taint(s)"]


SCORE_CASES = [
    (
        "tolerated taint beats intolerable one",
        [_tol("foo", "bar", "PreferNoSchedule")],
        {
            "nodeA": [_taint("foo", "bar", "PreferNoSchedule")],
            "nodeB": [_taint("foo", "blah", "PreferNoSchedule")],
        },
        {"nodeA": 100, "nodeB": 0},
    ),
    (
        "number of tolerated taints does not matter",
        [
            _tol("cpu-type", "arm64", "PreferNoSchedule"),
            _tol("disk-type", "ssd", "PreferNoSchedule"),
        ],
        {
            "nodeA": [],
            "nodeB": [_taint("cpu-type", "arm64", "PreferNoSchedule")],
            "nodeC": [
                _taint("cpu-type", "arm64", "PreferNoSchedule"),
                _taint("disk-type", "ssd", "PreferNoSchedule"),
            ],
        },
        {"nodeA": 100, "nodeB": 100, "nodeC": 100},
    ),
    (
        "more intolerable taints, lower score",
        [_tol("foo", "bar", "PreferNoSchedule")],
        {
            "nodeA": [],
            "nodeB": [_taint("cpu-type", "arm64", "PreferNoSchedule")],
            "nodeC": [
                _taint("cpu-type", "arm64", "PreferNoSchedule"),
                _taint("disk-type", "ssd", "PreferNoSchedule"),
            ],
        },
        {"nodeA": 100, "nodeB": 50, "nodeC": 0},
    ),
    (
        "only PreferNoSchedule counts",
        [_tol("cpu-type", "arm64", "NoSchedule"), _tol("disk-type", "ssd", "NoSchedule")],
        {
            "nodeA": [],
            "nodeB": [_taint("cpu-type", "arm64", "NoSchedule")],
            "nodeC": [
                _taint("cpu-type", "arm64", "PreferNoSchedule"),
                _taint("disk-type", "ssd", "PreferNoSchedule"),
            ],
        },
        {"nodeA": 100, "nodeB": 100, "nodeC": 0},
    ),
]


@pytest.mark.parametrize(
    ("name", "tolerations", "taints", "want"), SCORE_CASES, ids=[c[0] for c in SCORE_CASES]
)
def test_taint_toleration_score(name, tolerations, taints, want):
    """TestTaintTolerationScore, plugins/tainttoleration/taint_toleration_test.go."""
    nodes = [make_node(n, taints=t) for n, t in taints.items()]
    assert (
        Harness(nodes).score("TaintToleration", make_pod("pod1", tolerations=tolerations)) == want
    )


def test_node_unschedulable():
    """TestNodeUnschedulable, plugins/nodeunschedulable/node_unschedulable_test.go: a cordoned
    node rejects pods unless they tolerate node.kubernetes.io/unschedulable:NoSchedule."""
    harness = Harness([make_node("n", unschedulable=True)])
    assert reasons(harness.filter("NodeUnschedulable", make_pod("p"))["n"]) == [
        "node(s) were unschedulable"
    ]
    tolerant = make_pod(
        "p",
        tolerations=[
            _tol("node.kubernetes.io/unschedulable", effect="NoSchedule", operator="Exists")
        ],
    )
    assert harness.filter("NodeUnschedulable", tolerant)["n"] is None


def _required(*terms):
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}
        }
    }


def _expr(key, operator, *values):
    expression = {"key": key, "operator": operator}
    if values:
        expression["values"] = list(values)
    return expression


AFFINITY_CASES = [
    ("no selector", {}, {}, {"foo": "bar"}, True),
    ("missing labels", {"nodeSelector": {"foo": "bar"}}, {}, {}, False),
    ("same labels", {"nodeSelector": {"foo": "bar"}}, {}, {"foo": "bar"}, True),
    (
        "node labels are superset",
        {"nodeSelector": {"foo": "bar"}},
        {},
        {"foo": "bar", "baz": "blah"},
        True,
    ),
    (
        "node labels are subset",
        {"nodeSelector": {"foo": "bar", "baz": "blah"}},
        {},
        {"foo": "bar"},
        False,
    ),
    (
        "In matches",
        {"affinity": _required({"matchExpressions": [_expr("foo", "In", "bar", "value2")]})},
        {},
        {"foo": "bar"},
        True,
    ),
    (
        "Gt matches",
        {"affinity": _required({"matchExpressions": [_expr("kernel-version", "Gt", "0204")]})},
        {},
        {"kernel-version": "0206"},
        True,
    ),
    (
        "NotIn mismatch",
        {"affinity": _required({"matchExpressions": [_expr("mem-type", "NotIn", "DDR", "DDR2")]})},
        {},
        {"mem-type": "DDR3"},
        True,
    ),
    (
        "Exists",
        {"affinity": _required({"matchExpressions": [_expr("GPU", "Exists")]})},
        {},
        {"GPU": "NVIDIA-GRID-K1"},
        True,
    ),
    (
        "In with no match",
        {"affinity": _required({"matchExpressions": [_expr("foo", "In", "value1", "value2")]})},
        {},
        {"foo": "bar"},
        False,
    ),
    ("empty nodeSelectorTerms match nothing", {"affinity": _required()}, {}, {"foo": "bar"}, False),
    ("empty term matches nothing", {"affinity": _required({})}, {}, {"foo": "bar"}, False),
    (
        "terms ORed",
        {
            "affinity": _required(
                {"matchExpressions": [_expr("foo", "In", "x")]},
                {"matchExpressions": [_expr("diffkey", "In", "wrong", "value2")]},
            )
        },
        {},
        {"diffkey": "value2"},
        True,
    ),
    (
        "nodeSelector and affinity ANDed",
        {
            "nodeSelector": {"foo": "bar"},
            "affinity": _required({"matchExpressions": [_expr("foo", "Exists")]}),
        },
        {},
        {"foo": "bar"},
        True,
    ),
    (
        "nodeSelector and affinity ANDed, selector fails",
        {
            "nodeSelector": {"foo": "bar"},
            "affinity": _required({"matchExpressions": [_expr("foo", "Exists")]}),
        },
        {},
        {"foo": "barrrrrr"},
        False,
    ),
    (
        "matchFields metadata.name",
        {"affinity": _required({"matchFields": [_expr("metadata.name", "In", "node1")]})},
        {},
        {},
        True,
    ),
    (
        "matchFields other name",
        {"affinity": _required({"matchFields": [_expr("metadata.name", "In", "node2")]})},
        {},
        {},
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "spec", "_unused", "labels", "fits"),
    AFFINITY_CASES,
    ids=[c[0] for c in AFFINITY_CASES],
)
def test_node_affinity_filter(name, spec, _unused, labels, fits):
    """TestNodeAffinity, plugins/nodeaffinity/node_affinity_test.go (node "node1"). A pod
    whose required terms only name other nodes is rejected in PreFilter: nodes outside the
    PreFilterResult are not evaluated (None here: the framework reports them as absent)."""
    harness = Harness([make_node("node1", labels=labels)])
    pod = make_pod("pod", **spec)
    status = harness.filter("NodeAffinity", pod)["node1"]
    if fits is None:
        plugin = harness.plugin("NodeAffinity")
        from kplan.plan.scheduling.framework import CycleState

        state = CycleState()
        plugin.pre_filter(state, harness.sim._pod_info(pod))
        assert state.node_names == {"node2"}
        return
    assert (status is None) == fits
    if not fits:
        assert reasons(status) == ["node(s) didn't match Pod's node affinity/selector"]


def test_node_affinity_score():
    """TestNodeAffinityPriority, plugins/nodeaffinity/node_affinity_test.go: terms weighted 2
    (foo=bar), 4 (key=value) and 5 (foo=bar, key=value, az=az1); raw 2, 11, 4 normalise to
    18, 100, 36; a node matching nothing scores 0."""
    preferred = [
        {"weight": 2, "preference": {"matchExpressions": [_expr("foo", "In", "bar")]}},
        {"weight": 4, "preference": {"matchExpressions": [_expr("key", "In", "value")]}},
        {
            "weight": 5,
            "preference": {
                "matchExpressions": [
                    _expr("foo", "In", "bar"),
                    _expr("key", "In", "value"),
                    _expr("az", "In", "az1"),
                ]
            },
        },
    ]
    nodes = [
        make_node("node1", labels={"foo": "bar"}),
        make_node("node2", labels={"foo": "bar", "key": "value", "az": "az1"}),
        make_node("node3", labels={"key": "value"}),
        make_node("node4", labels={"other": "x"}),
    ]
    pod = make_pod(
        "p",
        affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": preferred}},
    )
    assert Harness(nodes).score("NodeAffinity", pod) == {
        "node1": 18,
        "node2": 100,
        "node3": 36,
        "node4": 0,
    }


def _port(host_port, protocol="TCP", host_ip=""):
    port = {"containerPort": host_port, "hostPort": host_port, "protocol": protocol}
    if host_ip:
        port["hostIP"] = host_ip
    return port


PORT_CASES = [
    ("nothing running", [], [_port(8080)], True),
    ("other port", [_port(9090, host_ip="127.0.0.1")], [_port(8080, host_ip="127.0.0.1")], True),
    ("same udp port", [_port(8080, "UDP", "127.0.0.1")], [_port(8080, "UDP", "127.0.0.1")], False),
    ("same tcp port", [_port(8080, "TCP", "127.0.0.1")], [_port(8080, "TCP", "127.0.0.1")], False),
    (
        "different host ip",
        [_port(8080, "TCP", "127.0.0.2")],
        [_port(8080, "TCP", "127.0.0.1")],
        True,
    ),
    (
        "different protocol",
        [_port(8080, "TCP", "127.0.0.1")],
        [_port(8080, "UDP", "127.0.0.1")],
        True,
    ),
    (
        "wanted 0.0.0.0 conflicts with any ip",
        [_port(8001, "TCP", "127.0.0.1")],
        [_port(8001, "TCP", "0.0.0.0")],
        False,
    ),
    (
        "used 0.0.0.0 conflicts with any ip",
        [_port(8001, "TCP", "0.0.0.0")],
        [_port(8001, "TCP", "127.0.0.1")],
        False,
    ),
    (
        "0.0.0.0 other protocol",
        [_port(8001, "UDP", "0.0.0.0")],
        [_port(8001, "TCP", "127.0.0.1")],
        True,
    ),
]


@pytest.mark.parametrize(
    ("name", "used", "wanted", "fits"), PORT_CASES, ids=[c[0] for c in PORT_CASES]
)
def test_node_ports(name, used, wanted, fits):
    """TestNodePorts, plugins/nodeports/node_ports_test.go."""
    existing = [make_pod("e", containers=[container(ports=used)], node="n")] if used else []
    harness = Harness([make_node("n")], existing)
    status = harness.filter("NodePorts", make_pod("p", containers=[container(ports=wanted)]))["n"]
    assert (status is None) == fits
    if not fits:
        assert reasons(status) == ["node(s) didn't have free ports for the requested pod ports"]


def test_node_ports_sidecars_only():
    """GetHostPorts: restartable init containers' ports count, other init containers' not."""
    harness = Harness(
        [make_node("n")], [make_pod("e", containers=[container(ports=[_port(80)])], node="n")]
    )
    init = make_pod("p", initContainers=[container(ports=[_port(80)])])
    assert harness.filter("NodePorts", init)["n"] is None
    sidecar = make_pod("p", initContainers=[container(ports=[_port(80)], restartPolicy="Always")])
    assert harness.filter("NodePorts", sidecar)["n"] is not None


def test_image_locality():
    """TestImageLocalityPriority, plugins/imagelocality/image_locality_test.go (1.30+, init
    containers counted): two nodes, images gcr.io/40:latest 40MB, gcr.io/300:latest 300MB on
    node1; gcr.io/250:latest 250MB and gcr.io/10:v1 10MB on node2.

    Pod with 40 + 250: node1 int(40MB*1/2)=20MB -> below 23MB -> 0; node2 125MB:
    100*(125-23)/(2000-23)=5.  Pod with 40 + 300 (init 10:v1): node1 20+150=170MB -> 100 *
    (170-23)/(3000-23) = 4; node2 5MB -> 0."""
    nodes = [
        make_node(
            "node1",
            images=[
                (["gcr.io/40:latest", "gcr.io/40:v1"], 40 * MB),
                (["gcr.io/300:latest", "gcr.io/300:v1"], 300 * MB),
            ],
        ),
        make_node(
            "node2",
            images=[
                (["gcr.io/250:latest"], 250 * MB),
                (["gcr.io/10:latest", "gcr.io/10:v1"], 10 * MB),
            ],
        ),
    ]
    harness = Harness(nodes)
    pod = make_pod("p", containers=[container(image="gcr.io/40"), container(image="gcr.io/250")])
    assert harness.score("ImageLocality", pod) == {"node1": 0, "node2": 5}
    pod = make_pod(
        "p",
        containers=[container(image="gcr.io/40"), container(image="gcr.io/300")],
        initContainers=[container(image="gcr.io/10:v1")],
    )
    assert harness.score("ImageLocality", pod) == {"node1": 4, "node2": 0}


def test_image_locality_threshold_before_130():
    """Before 1.30 init containers neither add image scores nor raise the threshold."""
    nodes = [
        make_node("node1", images=[(["gcr.io/300:latest"], 300 * MB)]),
        make_node("node2", images=[(["gcr.io/10:v1"], 10 * MB)]),
    ]
    pod = make_pod(
        "p",
        containers=[container(image="gcr.io/300")],
        initContainers=[container(image="gcr.io/10:v1")],
    )
    # 150MB of a 1000MB threshold: 100*(150-23)/(1000-23) = 12
    assert Harness(nodes, version="1.29").score("ImageLocality", pod) == {"node1": 12, "node2": 0}


def _cpu_mem(cpu, memory):
    return container(cpu, memory)


BALANCED = [
    (
        "nothing scheduled, nothing requested",
        [],
        [("m1", "4000", "10000"), ("m2", "4000", "10000")],
        [],
        {"m1": 100, "m2": 100},
    ),
    (
        "nothing scheduled, resources requested, differently sized machines",
        [_cpu_mem("1000", "2000"), _cpu_mem("2000", "3000")],
        [("m1", "4000", "10000"), ("m2", "6000", "10000")],
        [],
        {"m1": 87, "m2": 100},
    ),
    (
        "no resources requested, pods scheduled with resources",
        [],
        [("m1", "10000", "20000"), ("m2", "10000", "20000")],
        [
            ("m1", [("1000", "0"), ("2000", "0")]),
            ("m1", [("1000", "0"), ("2000", "0")]),
            ("m2", [("1000", "0"), ("2000", "0")]),
            ("m2", [("1000", "2000"), ("2000", "3000")]),
        ],
        {"m1": 70, "m2": 82},
    ),
    (
        "resources requested, pods scheduled with resources",
        [_cpu_mem("1000", "2000"), _cpu_mem("2000", "3000")],
        [("m1", "10000", "20000"), ("m2", "10000", "20000")],
        [("m1", [("1000", "0"), ("2000", "0")]), ("m2", [("1000", "2000"), ("2000", "3000")])],
        {"m1": 82, "m2": 95},
    ),
    (
        "requested resources exceed node capacity",
        [_cpu_mem("1000", "0"), _cpu_mem("2000", "0")],
        [("m1", "4000", "10000"), ("m2", "4000", "10000")],
        [("m1", [("1000", "0"), ("2000", "0")]), ("m2", [("1000", "2000"), ("2000", "3000")])],
        {"m1": 50, "m2": 75},
    ),
    (
        "zero node resources",
        [],
        [("m1", "0", "0"), ("m2", "0", "0")],
        [("m1", [("1000", "0")])],
        {"m1": 100, "m2": 100},
    ),
]


@pytest.mark.parametrize(
    ("name", "pod", "nodes", "existing", "want"), BALANCED, ids=[c[0] for c in BALANCED]
)
def test_balanced_allocation(name, pod, nodes, existing, want):
    """TestNodeResourcesBalancedAllocation, noderesources/balanced_allocation_test.go, with the
    standard-deviation formula (1.23+): score = (1 - |f_cpu - f_mem| / 2) * 100, fractions
    capped at 1, plain requests. Version 1.32 keeps scoring best-effort pods; nodes with no
    allocatable skip the resource (no fraction: std 0 -> 100)."""
    node_objs = [make_node(n, cpu=c, memory=m) for n, c, m in nodes]
    pods = [
        make_pod(f"e{i}", node=n, containers=[container(c, m) for c, m in reqs])
        for i, (n, reqs) in enumerate(existing)
    ]
    view = make_pod("pod", containers=pod)
    view.spec["containers"] = pod
    assert (
        Harness(node_objs, pods, version="1.32").score("NodeResourcesBalancedAllocation", view)
        == want
    )


def test_balanced_allocation_skips_best_effort_from_133():
    """PR #130260 (1.33): PreScore returns Skip for pods requesting no cpu and no memory."""
    nodes = [make_node("m1", cpu="10", memory="10Gi")]
    existing = [make_pod("e", node="m1", containers=[container("6", "1Gi")])]
    pod = make_pod("p", containers=[container()])
    assert Harness(nodes, existing, version="1.32").score(
        "NodeResourcesBalancedAllocation", pod
    ) == {"m1": 75}
    harness = Harness(nodes, existing, version="1.33")
    plugin = harness.plugin("NodeResourcesBalancedAllocation")
    assert plugin.skips(harness.sim._pod_info(pod).template)
