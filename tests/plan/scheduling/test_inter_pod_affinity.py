"""InterPodAffinity: required (anti-)affinity filter and preferred scoring."""

from __future__ import annotations

import pytest

from kplan.plan.scheduling.framework import SKIP, CycleState
from tests.plan.scheduling.helpers import Harness, make_node, make_pod, reasons

SECURITYSCAN = {"service": "securityscan"}
S1 = {"security": "S1"}
NODE1 = {"region": "r1", "zone": "z11"}


def _term(key, operator, values, topology, **extra):
    expression = {"key": key, "operator": operator}
    if values is not None:
        expression["values"] = values
    term = {"labelSelector": {"matchExpressions": [expression]}, "topologyKey": topology}
    term.update(extra)
    return term


def _affinity(required=(), anti=(), preferred=(), preferred_anti=()):
    affinity = {}
    if required or preferred:
        affinity["podAffinity"] = {}
        if required:
            affinity["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = list(
                required
            )
        if preferred:
            affinity["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = list(
                preferred
            )
    if anti or preferred_anti:
        affinity["podAntiAffinity"] = {}
        if anti:
            affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = list(
                anti
            )
        if preferred_anti:
            affinity["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = list(
                preferred_anti
            )
    return affinity


AFFINITY = "node(s) didn't match pod affinity rules"
ANTI = "node(s) didn't match pod anti-affinity rules"
EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules"
EXISTING_POD = make_pod("e", labels=SECURITYSCAN, node="node1")

SINGLE_NODE = [
    ("no required affinity", S1, {}, [], None),
    (
        "In matches the existing pod",
        S1,
        _affinity([_term("service", "In", ["securityscan", "value2"], "region")]),
        [EXISTING_POD],
        None,
    ),
    (
        "NotIn matches the existing pod",
        S1,
        _affinity([_term("service", "NotIn", ["securityscan3", "value3"], "region")]),
        [EXISTING_POD],
        None,
    ),
    (
        "different namespace",
        S1,
        _affinity(
            [
                _term(
                    "service",
                    "In",
                    ["securityscan", "value2"],
                    "region",
                    namespaces=["DiffNameSpace"],
                )
            ]
        ),
        [make_pod("e", namespace="ns", labels=SECURITYSCAN, node="node1")],
        [AFFINITY],
    ),
    (
        "unmatching labelSelector",
        SECURITYSCAN,
        _affinity([_term("service", "In", ["antivirusscan", "value2"], "")]),
        [EXISTING_POD],
        [AFFINITY],
    ),
    (
        "affinity and anti-affinity satisfied",
        S1,
        _affinity(
            [_term("service", "In", ["securityscan", "value2"], "region")],
            [_term("service", "In", ["antivirusscan", "value2"], "node")],
        ),
        [EXISTING_POD],
        None,
    ),
    (
        "affinity satisfied, anti-affinity not",
        S1,
        _affinity(
            [_term("service", "In", ["securityscan", "value2"], "region")],
            [_term("service", "In", ["securityscan", "value2"], "zone")],
        ),
        [EXISTING_POD],
        [ANTI],
    ),
    (
        "existing pod's anti-affinity symmetry",
        SECURITYSCAN,
        _affinity(
            [_term("service", "In", ["securityscan", "value2"], "region")],
            [_term("service", "In", ["antivirusscan", "value2"], "node")],
        ),
        [
            make_pod(
                "e",
                labels=SECURITYSCAN,
                node="node1",
                affinity=_affinity(
                    anti=[_term("service", "In", ["securityscan", "value2"], "zone")]
                ),
            )
        ],
        [EXISTING],
    ),
    (
        "pod matches its own label but no existing pod in the topology",
        SECURITYSCAN,
        _affinity([_term("service", "NotIn", ["securityscan", "value2"], "region")]),
        [make_pod("e", labels=SECURITYSCAN, node="node2")],
        [AFFINITY],
    ),
    (
        "existing anti-affinity respected without own constraints",
        SECURITYSCAN,
        {},
        [
            make_pod(
                "e",
                labels=SECURITYSCAN,
                node="node1",
                affinity=_affinity(
                    anti=[_term("service", "In", ["securityscan", "value2"], "zone")]
                ),
            )
        ],
        [EXISTING],
    ),
    (
        "anti-affinity symmetry a2",
        S1,
        _affinity(anti=[_term("security", "Exists", None, "zone")]),
        [
            make_pod(
                "e",
                labels=SECURITYSCAN,
                node="node1",
                affinity=_affinity(
                    anti=[
                        _term("service", "Exists", None, "zone"),
                        _term("security", "Exists", None, "zone"),
                    ]
                ),
            )
        ],
        [EXISTING],
    ),
]


@pytest.mark.parametrize(
    ("name", "labels", "affinity", "existing", "want"), SINGLE_NODE, ids=[c[0] for c in SINGLE_NODE]
)
def test_required_affinity_single_node(name, labels, affinity, existing, want):
    """TestRequiredAffinitySingleNode, plugins/interpodaffinity/filtering_test.go (node1 with
    region=r1, zone=z11; the existing pod of node2 is not in the snapshot)."""
    harness = Harness([make_node("node1", labels=NODE1)], existing)
    pod = make_pod("p", labels=labels, affinity=affinity)
    assert reasons(harness.filter("InterPodAffinity", pod)["node1"]) == want


def test_first_pod_of_a_group():
    """satisfyPodAffinity: when no pod matches anywhere, a pod matching its own terms may go
    to any node with the topology keys (TestRequiredAffinityMultipleNodes "A pod can be
    scheduled onto all the nodes that have the same topology key & label value with one of
    them has an existing pod that matches the affinity rules")."""
    nodes = [make_node("n1", labels={"zone": "a"}), make_node("n2")]
    pod = make_pod(
        "p", labels={"app": "db"}, affinity=_affinity([_term("app", "In", ["db"], "zone")])
    )
    got = Harness(nodes).filter("InterPodAffinity", pod)
    assert got["n1"] is None and reasons(got["n2"]) == [AFFINITY]


def test_anti_affinity_spreads_by_hostname():
    """Required anti-affinity on kubernetes.io/hostname: one pod per node."""
    nodes = [make_node("n1"), make_node("n2")]
    term = _term("app", "In", ["web"], "kubernetes.io/hostname")
    existing = [make_pod("e", labels={"app": "web"}, node="n1", affinity=_affinity(anti=[term]))]
    pod = make_pod("p", labels={"app": "web"}, affinity=_affinity(anti=[term]))
    got = Harness(nodes, existing).filter("InterPodAffinity", pod)
    assert reasons(got["n1"]) == [ANTI] and got["n2"] is None


RG_CHINA = {"region": "China"}
RG_INDIA = {"region": "India"}
AZ1 = {"az": "az1"}
AZ2 = {"az": "az2"}
RG_CHINA_AZ1 = {"region": "China", "az": "az1"}
SEC_S1 = {"security": "S1"}
SEC_S2 = {"security": "S2"}
TEAM_NAMESPACES = [
    {"metadata": {"name": "subteam1.team1", "labels": {"team": "team1"}}},
    {"metadata": {"name": "subteam2.team1", "labels": {"team": "team1"}}},
    {"metadata": {"name": "subteam1.team2", "labels": {"team": "team2"}}},
    {"metadata": {"name": "subteam2.team2", "labels": {"team": "team2"}}},
]


def _weighted(weight, term):
    return {"weight": weight, "podAffinityTerm": term}


def _selector_term(expressions, topology, **extra):
    term = {"labelSelector": {"matchExpressions": expressions}, "topologyKey": topology}
    term.update(extra)
    return term


TEAM1_NAMESPACES = {
    "namespaces": ["subteam2.team2"],
    "namespaceSelector": {
        "matchExpressions": [{"key": "team", "operator": "In", "values": ["team1"]}]
    },
}
STAY_WITH_S1_IN_REGION = _affinity(
    preferred=[_weighted(5, _term("security", "In", ["S1"], "region"))]
)
STAY_WITH_S2_IN_REGION = _affinity(
    preferred=[_weighted(6, _term("security", "In", ["S2"], "region"))]
)
AFFINITY3 = _affinity(
    preferred=[
        _weighted(
            8,
            _selector_term(
                [
                    {"key": "security", "operator": "NotIn", "values": ["S1"]},
                    {"key": "security", "operator": "In", "values": ["S2"]},
                ],
                "region",
            ),
        ),
        _weighted(
            2,
            _selector_term(
                [
                    {"key": "security", "operator": "Exists"},
                    {"key": "wrongkey", "operator": "DoesNotExist"},
                ],
                "region",
            ),
        ),
    ]
)
HARD_AFFINITY = _affinity(
    [
        _term("security", "In", ["S1", "value2"], "region"),
        _selector_term(
            [
                {"key": "security", "operator": "Exists"},
                {"key": "wrongkey", "operator": "DoesNotExist"},
            ],
            "region",
        ),
    ]
)
AWAY_FROM_S1_IN_AZ = _affinity(preferred_anti=[_weighted(5, _term("security", "In", ["S1"], "az"))])
AWAY_FROM_S2_IN_AZ = _affinity(preferred_anti=[_weighted(5, _term("security", "In", ["S2"], "az"))])
STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ = _affinity(
    preferred=[_weighted(8, _term("security", "In", ["S1"], "region"))],
    preferred_anti=[_weighted(5, _term("security", "In", ["S2"], "az"))],
)
AFFINITY_NAMESPACE_SELECTOR = _affinity(
    preferred=[_weighted(5, _term("security", "In", ["S1"], "region", **TEAM1_NAMESPACES))]
)
ANTI_AFFINITY_NAMESPACE_SELECTOR = _affinity(
    preferred_anti=[_weighted(5, _term("security", "In", ["S1"], "region", **TEAM1_NAMESPACES))]
)


def _p(node=None, labels=None, affinity=None, namespace="default"):
    """A pod of the table: (node, labels, affinity, namespace)."""
    return (node, labels or {}, affinity or {}, namespace)


# (name, incoming pod, existing pods, nodes, ignorePreferredTermsOfExistingPods, want)
PREFERRED = [
    (
        "all nodes are same priority as Affinity is nil",
        _p(labels=SEC_S1),
        [],
        {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1},
        False,
        "Skip",
    ),
    (
        "Affinity: pod that matches topology key & pods in nodes will get high score comparing "
        "to otherswhich doesn't match either pods in nodes or in topology key",
        _p(labels=SEC_S1, affinity=STAY_WITH_S1_IN_REGION),
        [_p("node1", SEC_S1), _p("node2", SEC_S2), _p("node3", SEC_S1)],
        {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1},
        False,
        {"node1": 100, "node2": 0, "node3": 0},
    ),
    (
        "All the nodes that have the same topology key & label value with one of them has an "
        "existing pod that match the affinity rules, have the same score",
        _p(affinity=STAY_WITH_S1_IN_REGION),
        [_p("node1", SEC_S1)],
        {"node1": RG_CHINA, "node2": RG_CHINA_AZ1, "node3": RG_INDIA},
        False,
        {"node1": 100, "node2": 100, "node3": 0},
    ),
    (
        "Affinity: nodes in one region has more matching pods comparing to other region, so the "
        "region which has more matches will get high score",
        _p(labels=SEC_S1, affinity=STAY_WITH_S2_IN_REGION),
        [
            _p("node1", SEC_S2),
            _p("node1", SEC_S2),
            _p("node2", SEC_S2),
            _p("node3", SEC_S2),
            _p("node4", SEC_S2),
            _p("node5", SEC_S2),
        ],
        {
            "node1": RG_CHINA,
            "node2": RG_INDIA,
            "node3": RG_CHINA,
            "node4": RG_CHINA,
            "node5": RG_INDIA,
        },
        False,
        {"node1": 100, "node2": 0, "node3": 100, "node4": 100, "node5": 0},
    ),
    (
        "Affinity: different Label operators and values for pod affinity scheduling preference, "
        "including some match failures ",
        _p(labels=SEC_S1, affinity=AFFINITY3),
        [_p("node1", SEC_S1), _p("node2", SEC_S2), _p("node3", SEC_S1)],
        {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1},
        False,
        {"node1": 20, "node2": 100, "node3": 0},
    ),
    (
        "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution "
        "in pod affinity symmetry",
        _p(labels=SEC_S2),
        [
            _p("node1", SEC_S1, STAY_WITH_S1_IN_REGION),
            _p("node2", SEC_S2, STAY_WITH_S2_IN_REGION),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1},
        False,
        {"node1": 0, "node2": 100, "node3": 0},
    ),
    (
        "Affinity symmetry with namespace selector",
        _p(labels=SEC_S1, namespace="subteam1.team1"),
        [
            _p("node1", SEC_S1, AFFINITY_NAMESPACE_SELECTOR),
            _p("node2", SEC_S2, STAY_WITH_S2_IN_REGION),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1},
        False,
        {"node1": 100, "node2": 0, "node3": 0},
    ),
    (
        "AntiAffinity symmetry with namespace selector",
        _p(labels=SEC_S1, namespace="subteam1.team1"),
        [
            _p("node1", SEC_S1, ANTI_AFFINITY_NAMESPACE_SELECTOR),
            _p("node2", SEC_S2, STAY_WITH_S2_IN_REGION),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1},
        False,
        {"node1": 0, "node2": 100, "node3": 100},
    ),
    (
        "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod "
        "affinity symmetry",
        _p(labels=SEC_S1),
        [_p("node1", SEC_S1, HARD_AFFINITY), _p("node2", SEC_S2, HARD_AFFINITY)],
        {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1},
        False,
        {"node1": 100, "node2": 100, "node3": 0},
    ),
    (
        "Anti Affinity: pod that does not match existing pods in node will get high score ",
        _p(labels=SEC_S1, affinity=AWAY_FROM_S1_IN_AZ),
        [_p("node1", SEC_S1), _p("node2", SEC_S2)],
        {"node1": AZ1, "node2": RG_CHINA},
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Anti Affinity: pod that does not match topology key & match the pods in nodes will get "
        "higher score comparing to others ",
        _p(labels=SEC_S1, affinity=AWAY_FROM_S1_IN_AZ),
        [_p("node1", SEC_S1), _p("node2", SEC_S1)],
        {"node1": AZ1, "node2": RG_CHINA},
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Anti Affinity: one node has more matching pods comparing to other node, so the node "
        "which has more unmatches will get high score",
        _p(labels=SEC_S1, affinity=AWAY_FROM_S1_IN_AZ),
        [_p("node1", SEC_S1), _p("node1", SEC_S1), _p("node2", SEC_S2)],
        {"node1": AZ1, "node2": RG_INDIA},
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Anti Affinity symmetry: the existing pods in node which has anti affinity match will "
        "get high score",
        _p(labels=SEC_S2),
        [_p("node1", SEC_S1, AWAY_FROM_S2_IN_AZ), _p("node2", SEC_S2, AWAY_FROM_S1_IN_AZ)],
        {"node1": AZ1, "node2": AZ2},
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuring"
        "Execution in both pod affinity & anti affinity",
        _p(labels=SEC_S1, affinity=STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
        [_p("node1", SEC_S1), _p("node2", SEC_S1)],
        {"node1": RG_CHINA, "node2": AZ1},
        False,
        {"node1": 100, "node2": 0},
    ),
    (
        "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to "
        "schedule and existing pods have the same labels",
        _p(labels=SEC_S1, affinity=STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
        [
            _p("node1", SEC_S1),
            _p("node1", SEC_S1),
            _p("node2", SEC_S1),
            _p("node3", SEC_S1),
            _p("node3", SEC_S1),
            _p("node4", SEC_S1),
            _p("node5", SEC_S1),
        ],
        {
            "node1": RG_CHINA_AZ1,
            "node2": RG_INDIA,
            "node3": RG_CHINA,
            "node4": RG_CHINA,
            "node5": RG_INDIA,
        },
        False,
        {"node1": 100, "node2": 0, "node3": 100, "node4": 100, "node5": 0},
    ),
    (
        "Affinity and Anti Affinity and symmetry: considered only preferredDuringScheduling"
        "IgnoredDuringExecution in both pod affinity & anti affinity & symmetry",
        _p(labels=SEC_S1, affinity=STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
        [
            _p("node1", SEC_S1),
            _p("node2", SEC_S2),
            _p("node3", affinity=STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
            _p("node4", affinity=AWAY_FROM_S1_IN_AZ),
        ],
        {"node1": RG_CHINA, "node2": AZ1, "node3": RG_INDIA, "node4": AZ2},
        False,
        {"node1": 100, "node2": 0, "node3": 100, "node4": 0},
    ),
    (
        "Avoid panic when partial nodes in a topology don't have pods with affinity",
        _p(labels=SEC_S1),
        [_p("node1", SEC_S1), _p("node2", affinity=STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ)],
        {"node1": RG_CHINA, "node2": RG_CHINA},
        False,
        {"node1": 0, "node2": 0},
    ),
    (
        "Affinity with pods matching NamespaceSelector",
        _p(labels=SEC_S1, affinity=AFFINITY_NAMESPACE_SELECTOR, namespace="subteam1.team1"),
        [
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam1.team2"),
            _p("node2", SEC_S1, namespace="subteam2.team1"),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA},
        False,
        {"node1": 100, "node2": 0},
    ),
    (
        "Affinity with pods matching both NamespaceSelector and Namespaces fields",
        _p(labels=SEC_S1, affinity=AFFINITY_NAMESPACE_SELECTOR, namespace="subteam1.team1"),
        [
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam2.team2"),
            _p("node2", SEC_S1, namespace="subteam2.team1"),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA},
        False,
        {"node1": 100, "node2": 0},
    ),
    (
        # upstream reuses the name "Affinity with pods matching NamespaceSelector"
        "AntiAffinity with pods matching NamespaceSelector",
        _p(labels=SEC_S1, affinity=ANTI_AFFINITY_NAMESPACE_SELECTOR, namespace="subteam1.team1"),
        [
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam1.team2"),
            _p("node2", SEC_S1, namespace="subteam2.team1"),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA},
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        # upstream reuses "Affinity with pods matching both NamespaceSelector and Namespaces
        # fields"
        "AntiAffinity with pods matching both NamespaceSelector and Namespaces fields",
        _p(labels=SEC_S1, affinity=ANTI_AFFINITY_NAMESPACE_SELECTOR, namespace="subteam1.team1"),
        [
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam1.team1"),
            _p("node1", SEC_S1, namespace="subteam2.team2"),
            _p("node2", SEC_S1, namespace="subteam2.team1"),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA},
        False,
        {"node1": 0, "node2": 100},
    ),
    (
        "Ignore preferred terms of existing pods",
        _p(labels=SEC_S2),
        [
            _p("node1", SEC_S1, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
            _p("node2", SEC_S2, STAY_WITH_S2_IN_REGION),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA},
        True,
        "Skip",
    ),
    (
        "Do not ignore preferred terms of existing pods",
        _p(labels=SEC_S2),
        [
            _p("node1", SEC_S1, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
            _p("node2", SEC_S2, STAY_WITH_S2_IN_REGION),
        ],
        {"node1": RG_CHINA, "node2": RG_INDIA},
        False,
        {"node1": 0, "node2": 100},
    ),
    ("No nodes to score", _p(labels=SEC_S2), [], {}, False, "Skip"),
]


def _preferred_scores(pod, existing, nodes, args):
    """PreScore, Score and NormalizeScore of InterPodAffinity over all the nodes ("Skip" when
    PreScore skips), with the table's namespaces."""
    config = {"profiles": [{"pluginConfig": [{"name": "InterPodAffinity", "args": args}]}]}
    node_objs = []
    for name, labels in nodes.items():
        node = make_node(name)
        node["metadata"]["labels"] = dict(labels)
        node_objs.append(node)
    pods = [
        make_pod(f"e{i}", namespace=ns, labels=labels, node=node, affinity=affinity)
        for i, (node, labels, affinity, ns) in enumerate(existing)
    ]
    harness = Harness(node_objs, pods, config=config, namespaces=TEAM_NAMESPACES)
    plugin = harness.plugin("InterPodAffinity")
    _node, labels, affinity, namespace = pod
    info = harness.sim._pod_info(
        make_pod("pod", namespace=namespace, labels=labels, affinity=affinity)
    )
    feasible = list(harness.cluster.nodes)
    state = CycleState()
    status = plugin.pre_score(state, info, feasible)
    if status is not None:
        assert status.code == SKIP
        return "Skip"
    scores = [plugin.score(state, info, n) for n in feasible]
    plugin.normalize(state, info, feasible, scores)
    return {n.name: s for n, s in zip(feasible, scores, strict=True)}


@pytest.mark.parametrize(
    ("name", "pod", "existing", "nodes", "ignore", "want"),
    PREFERRED,
    ids=[c[0] for c in PREFERRED],
)
def test_preferred_affinity(name, pod, existing, nodes, ignore, want):
    """TestPreferredAffinity, plugins/interpodaffinity/scoring_test.go (hardPodAffinityWeight
    1). Pods without a namespace in the table are in "default" here. Not here: "invalid
    Affinity fails PreScore" and "invalid AntiAffinity fails PreScore" (a label value the API
    server would reject makes upstream's PreScore fail)."""
    args = {"hardPodAffinityWeight": 1, "ignorePreferredTermsOfExistingPods": ignore}
    assert _preferred_scores(pod, existing, nodes, args) == want


SERVICE_S1 = {"service": "S1"}
HARD_POD_AFFINITY = _affinity(
    [
        _term(
            "service",
            "In",
            ["S1"],
            "region",
            namespaces=["default", "subteam2.team2"],
            namespaceSelector=TEAM1_NAMESPACES["namespaceSelector"],
        )
    ]
)
HARD_WEIGHT_NODES = {"node1": RG_CHINA, "node2": RG_INDIA, "node3": AZ1}
HARD_WEIGHT_EXISTING = [
    _p("node1", affinity=HARD_POD_AFFINITY),
    _p("node2", affinity=HARD_POD_AFFINITY),
]


@pytest.mark.parametrize(
    ("name", "namespace", "weight", "want"),
    [
        ("with default weight", "default", 1, {"node1": 100, "node2": 100, "node3": 0}),
        ("with zero weight", "default", 0, "Skip"),
        ("with no matching namespace", "subteam1.team2", 1, "Skip"),
        (
            "with matching NamespaceSelector",
            "subteam1.team1",
            1,
            {"node1": 100, "node2": 100, "node3": 0},
        ),
        ("with matching Namespaces", "subteam2.team2", 1, {"node1": 100, "node2": 100, "node3": 0}),
    ],
)
def test_preferred_affinity_with_hard_pod_affinity_symmetric_weight(name, namespace, weight, want):
    """TestPreferredAffinityWithHardPodAffinitySymmetricWeight, scoring_test.go: an existing
    pod's required affinity term matching the incoming pod adds hardPodAffinityWeight. The
    term's namespaces are ["", "subteam2.team2"] upstream, where the pods have the empty
    namespace; "default" stands for it here."""
    pod = _p(labels=SERVICE_S1, namespace=namespace)
    args = {"hardPodAffinityWeight": weight}
    assert _preferred_scores(pod, HARD_WEIGHT_EXISTING, HARD_WEIGHT_NODES, args) == want


def test_preferred_anti_affinity_and_existing_terms():
    """processExistingPod: the incoming pod's preferred anti-affinity subtracts; an existing
    pod's required affinity matching the incoming pod adds hardPodAffinityWeight (1); raw
    -5, 1, 0 normalise over min..max to 0, 100, 83."""
    nodes = [
        make_node("n1", labels={"zone": "a"}),
        make_node("n2", labels={"zone": "b"}),
        make_node("n3", labels={"zone": "c"}),
    ]
    preferred_anti = [{"weight": 5, "podAffinityTerm": _term("app", "In", ["cache"], "zone")}]
    existing = [
        make_pod("cache", labels={"app": "cache"}, node="n1"),
        make_pod(
            "fan",
            labels={"app": "fan"},
            node="n2",
            affinity=_affinity([_term("app", "In", ["web"], "zone")]),
        ),
    ]
    pod = make_pod("p", labels={"app": "web"}, affinity=_affinity(preferred_anti=preferred_anti))
    harness = Harness(nodes, existing)
    assert harness.raw_score("InterPodAffinity", pod) == {"n1": -5, "n2": 1, "n3": 0}
    assert harness.score("InterPodAffinity", pod) == {"n1": 0, "n2": 100, "n3": 83}


def test_namespace_selector():
    """A term's namespaceSelector selects namespaces by label (kubernetes.io/metadata.name is
    always there); the incoming pod's selector is resolved to names in PreFilter."""
    nodes = [make_node("n1", labels={"zone": "a"}), make_node("n2", labels={"zone": "b"})]
    existing = [make_pod("db", namespace="data", labels={"app": "db"}, node="n1")]
    term = _term(
        "app", "In", ["db"], "zone", namespaceSelector={"matchLabels": {"team": "storage"}}
    )
    pod = make_pod("p", labels={"app": "web"}, affinity=_affinity([term]))
    namespaces = [
        {"metadata": {"name": "data", "labels": {"team": "storage"}}},
        {"metadata": {"name": "default"}},
    ]
    got = Harness(nodes, existing, namespaces=namespaces).filter("InterPodAffinity", pod)
    assert got["n1"] is None and reasons(got["n2"]) == [AFFINITY]
    got = Harness(nodes, existing).filter("InterPodAffinity", pod)
    assert reasons(got["n1"]) == [AFFINITY]
