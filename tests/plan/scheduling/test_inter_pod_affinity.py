"""InterPodAffinity: required (anti-)affinity filter and preferred scoring."""

from __future__ import annotations

import pytest

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


def test_preferred_affinity_scores():
    """TestPreferredAffinity, plugins/interpodaffinity/scoring_test.go: "Affinity: pod that
    matches topology key & pods in nodes will get high score comparing to others which
    doesn't match either pods in nodes or in topology key" (100/0/0) and "All the nodes that
    have the same topology key & label value with one of them has an existing pod that match
    the affinity rules, have the same score" (100/100/0)."""
    region_china = {"region": "China"}
    region_india = {"region": "India"}
    az1 = {"az": "az1"}
    pod_label_a = {"security": "S1"}
    preferred = [{"weight": 5, "podAffinityTerm": _term("security", "In", ["S1"], "region")}]
    pod = make_pod("p", labels={"security": "S1"}, affinity=_affinity(preferred=preferred))
    nodes = [
        make_node("node1", labels=region_china),
        make_node("node2", labels=region_india),
        make_node("node3", labels=az1),
    ]
    existing = [
        make_pod("e1", labels=pod_label_a, node="node1"),
        make_pod("e2", labels={"security": "S2"}, node="node2"),
        make_pod("e3", labels={"security": "S2"}, node="node3"),
    ]
    assert Harness(nodes, existing).score("InterPodAffinity", pod) == {
        "node1": 100,
        "node2": 0,
        "node3": 0,
    }
    nodes = [
        make_node("node1", labels=region_china),
        make_node("node2", labels=region_china),
        make_node("node3", labels=region_india),
    ]
    existing = [make_pod("e1", labels=pod_label_a, node="node1")]
    assert Harness(nodes, existing).score("InterPodAffinity", pod) == {
        "node1": 100,
        "node2": 100,
        "node3": 0,
    }


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
