"""TaintToleration and NodeUnschedulable. (NodeAffinity, NodePorts, ImageLocality and
NodeResourcesBalancedAllocation have their own test files.)"""

from __future__ import annotations

import pytest

from tests.plan.scheduling.helpers import Harness, make_node, make_pod, reasons


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
