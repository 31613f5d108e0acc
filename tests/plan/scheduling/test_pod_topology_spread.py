"""PodTopologySpread: filter (DoNotSchedule) and score (ScheduleAnyway, system defaults)."""

from __future__ import annotations

import pytest

from tests.plan.scheduling.helpers import Harness, make_node, make_pod

HOST = "kubernetes.io/hostname"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
U, UU = 2, 3


def _constraint(max_skew, key, when, selector=FOO, **extra):
    constraint = {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when}
    if selector is not None:
        constraint["labelSelector"] = selector
    constraint.update(extra)
    return constraint


def _zone_nodes():
    return [
        make_node("node-a", labels={"zone": "zone1", "node": "node-a"}),
        make_node("node-b", labels={"zone": "zone1", "node": "node-b"}),
        make_node("node-x", labels={"zone": "zone2", "node": "node-x"}),
        make_node("node-y", labels={"zone": "zone2", "node": "node-y"}),
    ]


def _pods(*placements, namespace="default", labels=None):
    return [
        make_pod(
            f"p{i}-{node}",
            node=node,
            namespace=namespace,
            labels=labels if labels is not None else {"foo": ""},
        )
        for i, node in enumerate(placements)
    ]


SPREAD_2103 = ("node-a", "node-a", "node-b", "node-y", "node-y", "node-y")

SINGLE = [
    (
        "no existing pods",
        _constraint(1, "zone", "DoNotSchedule"),
        {"foo": ""},
        _zone_nodes(),
        [],
        {"node-a": None, "node-b": None, "node-x": None, "node-y": None},
    ),
    (
        "no existing pods, incoming pod doesn't match itself",
        _constraint(
            1, "zone", "DoNotSchedule", {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}
        ),
        {"foo": ""},
        _zone_nodes(),
        [],
        {"node-a": None, "node-b": None, "node-x": None, "node-y": None},
    ),
    (
        "existing pods in a different namespace do not count",
        _constraint(1, "zone", "DoNotSchedule"),
        {"foo": ""},
        _zone_nodes(),
        _pods("node-a", namespace="ns1")
        + _pods("node-a", namespace="ns2")
        + _pods("node-x", "node-y"),
        {"node-a": None, "node-b": None, "node-x": U, "node-y": U},
    ),
    (
        "pods spread across zones as 3/3, all nodes fit",
        _constraint(1, "zone", "DoNotSchedule"),
        {"foo": ""},
        _zone_nodes(),
        _pods(*SPREAD_2103),
        {"node-a": None, "node-b": None, "node-x": None, "node-y": None},
    ),
    (
        "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
        _constraint(1, "zone", "DoNotSchedule"),
        {"foo": ""},
        [
            make_node("node-a", labels={"zone": "zone1"}),
            make_node("node-b", labels={"zon": "zone1"}),
            make_node("node-x", labels={"zone": "zone2"}),
            make_node("node-y", labels={"zone": "zone2"}),
        ],
        _pods("node-a", "node-b", "node-x", "node-y"),
        {"node-a": None, "node-b": UU, "node-x": U, "node-y": U},
    ),
    (
        "pod cannot be scheduled as all nodes don't have label 'rack'",
        _constraint(1, "rack", "DoNotSchedule"),
        {"foo": ""},
        [
            make_node("node-a", labels={"zone": "zone1"}),
            make_node("node-x", labels={"zone": "zone2"}),
        ],
        [],
        {"node-a": UU, "node-x": UU},
    ),
    (
        "pods spread across nodes as 2/1/0/3, only node-x fits",
        _constraint(1, "node", "DoNotSchedule"),
        {"foo": ""},
        _zone_nodes(),
        _pods(*SPREAD_2103),
        {"node-a": U, "node-b": U, "node-x": None, "node-y": U},
    ),
    (
        "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
        _constraint(2, "node", "DoNotSchedule"),
        {"foo": ""},
        _zone_nodes(),
        _pods(*SPREAD_2103),
        {"node-a": U, "node-b": None, "node-x": None, "node-y": U},
    ),
    (
        "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
        _constraint(1, "node", "DoNotSchedule"),
        {"bar": ""},
        _zone_nodes(),
        _pods(*SPREAD_2103),
        {"node-a": U, "node-b": None, "node-x": None, "node-y": U},
    ),
]


@pytest.mark.parametrize(
    ("name", "constraint", "labels", "nodes", "existing", "want"),
    SINGLE,
    ids=[c[0] for c in SINGLE],
)
def test_single_constraint(name, constraint, labels, nodes, existing, want):
    """TestSingleConstraint, plugins/podtopologyspread/filtering_test.go (status codes)."""
    pod = make_pod("p", labels=labels, topologySpreadConstraints=[constraint])
    got = Harness(nodes, existing).filter("PodTopologySpread", pod)
    assert {name: (s.code if s else None) for name, s in got.items()} == want


def test_single_constraint_node_affinity_narrows_domains():
    """TestSingleConstraint "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3": only
    nodes the pod's required affinity admits count (nodeAffinityPolicy Honor), so the global
    minimum is node-a's 2 and node-a fits."""
    pod = make_pod(
        "p",
        labels={"foo": ""},
        topologySpreadConstraints=[_constraint(1, "node", "DoNotSchedule")],
        affinity={
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": "node", "operator": "In", "values": ["node-a", "node-y"]}
                            ]
                        }
                    ]
                }
            }
        },
    )
    got = Harness(_zone_nodes(), _pods(*SPREAD_2103)).filter("PodTopologySpread", pod)
    assert {n: (s.code if s else None) for n, s in got.items()} == {
        "node-a": None,
        "node-b": None,
        "node-x": None,
        "node-y": U,
    }


def test_terminating_pods_excluded():
    """TestSingleConstraint "terminating Pods should be excluded"."""
    nodes = [
        make_node("node-a", labels={"node": "node-a"}),
        make_node("node-b", labels={"node": "node-b"}),
    ]
    existing = _pods("node-a", "node-b")
    existing[0].terminating = True  # type: ignore[attr-defined]
    pod = make_pod(
        "p", labels={"foo": ""}, topologySpreadConstraints=[_constraint(1, "node", "DoNotSchedule")]
    )
    got = Harness(nodes, existing).filter("PodTopologySpread", pod)
    assert {n: (s.code if s else None) for n, s in got.items()} == {"node-a": None, "node-b": U}


def test_missing_label_message():
    """ErrReasonNodeLabelNotMatch."""
    pod = make_pod(
        "p", labels={"foo": ""}, topologySpreadConstraints=[_constraint(1, "rack", "DoNotSchedule")]
    )
    got = Harness([make_node("n")]).filter("PodTopologySpread", pod)["n"]
    assert list(got.reasons) == [
        "node(s) didn't match pod topology spread constraints (missing required label)"
    ]


def test_min_domains():
    """TestMinDomains-style: 2 domains < minDomains 3 makes the global minimum 0, so a domain
    with one matching pod rejects a self-matching pod at maxSkew 1."""
    nodes = [make_node("n1", labels={"zone": "z1"}), make_node("n2", labels={"zone": "z2"})]
    existing = _pods("n1", "n2")
    pod = make_pod(
        "p",
        labels={"foo": ""},
        topologySpreadConstraints=[_constraint(1, "zone", "DoNotSchedule", minDomains=3)],
    )
    got = Harness(nodes, existing).filter("PodTopologySpread", pod)
    assert {n: (s.code if s else None) for n, s in got.items()} == {"n1": U, "n2": U}
    got = Harness(nodes, existing, version="1.26").filter("PodTopologySpread", pod)
    assert {n: (s.code if s else None) for n, s in got.items()} == {"n1": None, "n2": None}


def _host_nodes(*names):
    return [make_node(n) for n in names]


SCORE = [
    (
        "one constraint on node, no existing pods",
        1,
        [],
        ("node-a", "node-b"),
        None,
        {"node-a": 100, "node-b": 100},
    ),
    (
        "one constraint on node, only one node is candidate",
        1,
        ("node-a", "node-a", "node-b"),
        ("node-a", "node-b"),
        ["node-a"],
        {"node-a": 100},
    ),
    (
        "one constraint on node, all nodes have the same number of matching pods",
        1,
        ("node-a", "node-b"),
        ("node-a", "node-b"),
        None,
        {"node-a": 100, "node-b": 100},
    ),
    (
        "one constraint on node, all 4 nodes are candidates",
        1,
        ("node-a", "node-a", "node-b", "node-d", "node-d", "node-d"),
        ("node-a", "node-b", "node-c", "node-d"),
        None,
        {"node-a": 20, "node-b": 60, "node-c": 100, "node-d": 0},
    ),
    (
        "one constraint on node, all 4 nodes are candidates, maxSkew=2",
        2,
        ("node-a", "node-a", "node-b", "node-d", "node-d", "node-d"),
        ("node-a", "node-b", "node-c", "node-d"),
        None,
        {"node-a": 33, "node-b": 66, "node-c": 100, "node-d": 16},
    ),
    (
        "one constraint on node, all 4 nodes are candidates, maxSkew=3",
        3,
        ("node-a",) * 4 + ("node-b",) * 3 + ("node-c",) * 2 + ("node-d",),
        ("node-a", "node-b", "node-c", "node-d"),
        None,
        {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100},
    ),
]


@pytest.mark.parametrize(
    ("name", "skew", "placements", "nodes", "feasible", "want"), SCORE, ids=[c[0] for c in SCORE]
)
def test_pod_topology_spread_score(name, skew, placements, nodes, feasible, want):
    """TestPodTopologySpreadScore, plugins/podtopologyspread/scoring_test.go."""
    pod = make_pod(
        "p",
        labels={"foo": ""},
        topologySpreadConstraints=[_constraint(skew, HOST, "ScheduleAnyway")],
    )
    harness = Harness(_host_nodes(*nodes), _pods(*placements))
    assert harness.score("PodTopologySpread", pod, feasible) == want


def test_score_null_selector():
    """TestPodTopologySpreadScore "one constraint on node, null selector": a nil selector
    matches nothing, every node scores 100."""
    pod = make_pod(
        "p",
        labels={"foo": ""},
        topologySpreadConstraints=[_constraint(1, HOST, "ScheduleAnyway", None)],
    )
    harness = Harness(
        _host_nodes("node-a", "node-b", "node-c"), _pods("node-a", "node-a", "node-b")
    )
    assert harness.score("PodTopologySpread", pod) == {"node-a": 100, "node-b": 100, "node-c": 100}


def test_system_default_constraints():
    """buildDefaultConstraints: without its own constraints a pod selected by a Service or
    ReplicaSet spreads by hostname (maxSkew 3) and zone (maxSkew 5) with their selector;
    nodes without a zone label are not ignored (requireAllTopologies is false). Without a
    selecting object there is nothing to score."""
    nodes = [
        make_node("n1", labels={"topology.kubernetes.io/zone": "a"}),
        make_node("n2", labels={"topology.kubernetes.io/zone": "a"}),
        make_node("n3", labels={"topology.kubernetes.io/zone": "b"}),
        make_node("n4"),
    ]
    existing = [
        make_pod(f"e{i}", labels={"app": "web"}, node=n)
        for i, n in enumerate(["n1", "n1", "n2", "n3"])
    ]
    pod = make_pod("p", labels={"app": "web"})
    # hostname weight ln(4+2), zone domains {a, b, ""} -> ln(5)
    # n1: 2*1.79+2 + 3*1.61+4 = 14.41 -> 14; n2: 1.79+2+4.83+4 = 12.62 -> 13;
    # n3: 1.79+2 + 1.61+4 = 9.40 -> 9; n4 (no zone label): 0+2 = 2
    # normalised 100*(max+min-s)/max with max 14, min 2
    harness = Harness(nodes, existing, default_spread_selectors=lambda view: [{"app": "web"}])
    assert harness.raw_score("PodTopologySpread", pod) == {"n1": 14, "n2": 13, "n3": 9, "n4": 2}
    assert harness.score("PodTopologySpread", pod) == {"n1": 14, "n2": 21, "n3": 50, "n4": 100}
    assert Harness(nodes, existing).score("PodTopologySpread", pod) == {
        "n1": 0,
        "n2": 0,
        "n3": 0,
        "n4": 0,
    }


def test_explicit_constraints_ignore_nodes_without_keys():
    """scoring.go: with the pod's own constraints, feasible nodes missing a key are ignored
    (score 0) and do not count towards the domains."""
    nodes = [
        make_node("n1", labels={"zone": "a"}),
        make_node("n2", labels={"zone": "b"}),
        make_node("n3"),
    ]
    existing = _pods("n1")
    pod = make_pod(
        "p",
        labels={"foo": ""},
        topologySpreadConstraints=[_constraint(1, "zone", "ScheduleAnyway")],
    )
    assert Harness(nodes, existing).score("PodTopologySpread", pod) == {"n1": 0, "n2": 100, "n3": 0}
