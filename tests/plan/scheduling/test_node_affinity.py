"""NodeAffinity: TestNodeAffinity and TestNodeAffinityPriority,
plugins/nodeaffinity/node_affinity_test.go.

The plugin is driven like the upstream test: PreFilter (when the case runs it) and then
Filter on one node, whatever PreFilter returned; PreScore, Score and NormalizeScore for the
priority table. Nodes carry exactly the table's labels.
"""

from __future__ import annotations

import pytest

from kplan.plan.scheduling.framework import (
    SKIP,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Status,
)
from tests.plan.scheduling.helpers import Harness, make_node, make_pod

REASON = "node(s) didn't match Pod's node affinity/selector"
ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
CONFLICT = "pod affinity terms conflict"


def _node(name, labels=None):
    """A node with exactly `labels` (no kubernetes.io/hostname), like upstream's v1.Node."""
    node = make_node(name)
    node["metadata"]["labels"] = dict(labels or {})
    return node


def _expr(key, operator, *values):
    expression = {"key": key, "operator": operator}
    if values:
        expression["values"] = list(values)
    return expression


def _name_in(*names):
    return _expr("metadata.name", "In", *names)


def _required(*terms):
    return {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}


def _affinity(node_affinity):
    return {"affinity": {"nodeAffinity": node_affinity}}


def _config(added):
    return {
        "profiles": [{"pluginConfig": [{"name": "NodeAffinity", "args": {"addedAffinity": added}}]}]
    }


def _unresolvable(reason):
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, reason)


GPU_EXISTS_NOT_AMD = _affinity(
    _required({"matchExpressions": [_expr("GPU", "Exists"), _expr("GPU", "NotIn", "AMD", "INTER")]})
)


def _case(
    name, spec, labels=None, node="", added=None, pre=True, want_pre=None, names=None, want=None
):
    """One TestNodeAffinity case: the pod spec; the node's labels and name; the profile's
    addedAffinity; whether PreFilter runs; the PreFilter status (None success, SKIP, or the
    reason of an UnschedulableAndUnresolvable status), the PreFilterResult node names; the
    Filter status (None passes, else the reason of an UnschedulableAndUnresolvable status)."""
    return pytest.param(spec, labels or {}, node, added, pre, want_pre, names, want, id=name)


FILTER_CASES = [
    _case("missing labels", {"nodeSelector": {"foo": "bar"}}, want=REASON),
    _case("same labels", {"nodeSelector": {"foo": "bar"}}, labels={"foo": "bar"}),
    _case(
        "node labels are superset",
        {"nodeSelector": {"foo": "bar"}},
        labels={"foo": "bar", "baz": "blah"},
    ),
    _case(
        "node labels are subset",
        {"nodeSelector": {"foo": "bar", "baz": "blah"}},
        labels={"foo": "bar"},
        want=REASON,
    ),
    _case(
        "Pod with matchExpressions using In operator that matches the existing node",
        _affinity(_required({"matchExpressions": [_expr("foo", "In", "bar", "value2")]})),
        labels={"foo": "bar"},
    ),
    _case(
        "Pod with matchExpressions using Gt operator that matches the existing node",
        _affinity(_required({"matchExpressions": [_expr("kernel-version", "Gt", "0204")]})),
        labels={"kernel-version": "0206"},
    ),
    _case(
        "Pod with matchExpressions using NotIn operator that matches the existing node",
        _affinity(_required({"matchExpressions": [_expr("mem-type", "NotIn", "DDR", "DDR2")]})),
        labels={"mem-type": "DDR3"},
    ),
    _case(
        "Pod with matchExpressions using Exists operator that matches the existing node",
        _affinity(_required({"matchExpressions": [_expr("GPU", "Exists")]})),
        labels={"GPU": "NVIDIA-GRID-K1"},
    ),
    _case(
        "Pod with affinity that don't match node's labels won't schedule onto the node",
        _affinity(_required({"matchExpressions": [_expr("foo", "In", "value1", "value2")]})),
        labels={"foo": "bar"},
        want=REASON,
    ),
    _case(
        "Pod with empty MatchExpressions is not a valid value will match no objects and won't "
        "schedule onto the node",
        _affinity(_required({"matchExpressions": []})),
        labels={"foo": "bar"},
        want=REASON,
    ),
    _case(
        "Pod with no Affinity will schedule onto a node", {}, labels={"foo": "bar"}, want_pre=SKIP
    ),
    _case(
        "Pod with Affinity but nil NodeSelector will schedule onto a node",
        _affinity({}),
        labels={"foo": "bar"},
        want_pre=SKIP,
    ),
    _case(
        "Pod with multiple matchExpressions ANDed that matches the existing node",
        GPU_EXISTS_NOT_AMD,
        labels={"GPU": "NVIDIA-GRID-K1"},
    ),
    _case(
        "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
        _affinity(
            _required(
                {"matchExpressions": [_expr("GPU", "Exists"), _expr("GPU", "In", "AMD", "INTER")]}
            )
        ),
        labels={"GPU": "NVIDIA-GRID-K1"},
        want=REASON,
    ),
    _case(
        "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and "
        "will schedule onto the node",
        _affinity(
            _required(
                {"matchExpressions": [_expr("foo", "In", "bar", "value2")]},
                {"matchExpressions": [_expr("diffkey", "In", "wrong", "value2")]},
            )
        ),
        labels={"foo": "bar"},
    ),
    _case(
        "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) "
        "both are satisfied, will schedule onto the node",
        {
            "nodeSelector": {"foo": "bar"},
            **_affinity(_required({"matchExpressions": [_expr("foo", "Exists")]})),
        },
        labels={"foo": "bar"},
    ),
    _case(
        "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing "
        "that we are deprecating) is not satisfied, won't schedule onto the node",
        {
            "nodeSelector": {"foo": "bar"},
            **_affinity(_required({"matchExpressions": [_expr("foo", "Exists")]})),
        },
        labels={"foo": "barrrrrr"},
        want=REASON,
    ),
    _case(
        "Pod with an invalid value in Affinity term won't be scheduled onto the node",
        _affinity(
            _required({"matchExpressions": [_expr("foo", "NotIn", "invalid value: ___@#$%^")]})
        ),
        labels={"foo": "bar"},
        want=REASON,
    ),
    _case(
        "Pod with matchFields using In operator that matches the existing node",
        _affinity(_required({"matchFields": [_name_in("node1")]})),
        node="node1",
        names={"node1"},
    ),
    _case(
        "Pod with matchFields using In operator that does not match the existing node",
        _affinity(_required({"matchFields": [_name_in("node1")]})),
        node="node2",
        names={"node1"},
        want=REASON,
    ),
    _case(
        "Pod with two terms: matchFields does not match, but matchExpressions matches",
        _affinity(
            _required(
                {"matchFields": [_name_in("node1"), _name_in("node2")]},
                {"matchExpressions": [_expr("foo", "In", "bar")]},
            )
        ),
        labels={"foo": "bar"},
        node="node2",
    ),
    _case(
        "Pod with one term: matchFields does not match, but matchExpressions matches",
        _affinity(
            _required(
                {
                    "matchFields": [_name_in("node1")],
                    "matchExpressions": [_expr("foo", "In", "bar")],
                }
            )
        ),
        labels={"foo": "bar"},
        node="node2",
        names={"node1"},
        want=REASON,
    ),
    _case(
        "Pod with one term: both matchFields and matchExpressions match",
        _affinity(
            _required(
                {
                    "matchFields": [_name_in("node1")],
                    "matchExpressions": [_expr("foo", "In", "bar")],
                }
            )
        ),
        labels={"foo": "bar"},
        node="node1",
        names={"node1"},
    ),
    _case(
        "Pod with two terms: both matchFields and matchExpressions do not match",
        _affinity(
            _required(
                {"matchFields": [_name_in("node1")]},
                {"matchExpressions": [_expr("foo", "In", "not-match-to-bar")]},
            )
        ),
        labels={"foo": "bar"},
        node="node2",
        want=REASON,
    ),
    _case(
        "Pod with two terms of node.Name affinity",
        _affinity(
            _required({"matchFields": [_name_in("node1")]}, {"matchFields": [_name_in("node2")]})
        ),
        node="node2",
        names={"node1", "node2"},
    ),
    _case(
        "Pod with two conflicting mach field requirements",
        _affinity(_required({"matchFields": [_name_in("node1"), _name_in("node2")]})),
        labels={"foo": "bar"},
        node="node2",
        want_pre=CONFLICT,
        want=REASON,
    ),
    _case(
        "Matches added affinity and Pod's node affinity",
        _affinity(_required({"matchExpressions": [_expr("zone", "In", "foo")]})),
        labels={"zone": "foo"},
        node="node2",
        added=_required({"matchFields": [_name_in("node2")]}),
    ),
    _case(
        "Matches added affinity but not Pod's node affinity",
        _affinity(_required({"matchExpressions": [_expr("zone", "In", "bar")]})),
        labels={"zone": "foo"},
        node="node2",
        added=_required({"matchFields": [_name_in("node2")]}),
        want=REASON,
    ),
    _case(
        "Doesn't match added affinity",
        {},
        labels={"zone": "foo"},
        node="node2",
        added=_required({"matchExpressions": [_expr("zone", "In", "bar")]}),
        want=ENFORCED,
    ),
    _case(
        "Matches node selector correctly even if PreFilter is not called",
        {"nodeSelector": {"foo": "bar"}},
        labels={"foo": "bar", "baz": "blah"},
        pre=False,
    ),
    _case(
        "Matches node affinity correctly even if PreFilter is not called",
        GPU_EXISTS_NOT_AMD,
        labels={"GPU": "NVIDIA-GRID-K1"},
        pre=False,
    ),
]


@pytest.mark.parametrize(
    ("spec", "labels", "node_name", "added", "run_pre_filter", "want_pre", "want_names", "want"),
    FILTER_CASES,
)
def test_node_affinity_filter(
    spec, labels, node_name, added, run_pre_filter, want_pre, want_names, want
):
    """TestNodeAffinity. Upstream's node is unnamed unless the case names it ("node" here).
    PreFilter: None is success, SKIP is Skip, a reason is UnschedulableAndUnresolvable; the
    PreFilterResult is CycleState.node_names. Filter: None passes, else the reason of an
    UnschedulableAndUnresolvable status."""
    harness = Harness(
        [_node(node_name or "node", labels)], config=_config(added) if added else None
    )
    plugin = harness.plugin("NodeAffinity")
    pod = make_pod("pod")
    pod.spec.update(spec)
    info = harness.sim._pod_info(pod)
    state = CycleState()
    if run_pre_filter:
        status = plugin.pre_filter(state, info)
        if want_pre is None:
            assert status is None
        elif want_pre == SKIP:
            assert status is not None and status.code == SKIP
        else:
            assert status == _unresolvable(want_pre)
        assert state.node_names == want_names
    status = plugin.filter(state, info, harness.cluster.nodes[0])
    assert status == (None if want is None else _unresolvable(want))


LABEL1 = {"foo": "bar"}
LABEL2 = {"key": "value"}
LABEL3 = {"az": "az1"}
LABEL4 = {"abc": "az11", "def": "az22"}
LABEL5 = {"foo": "bar", "key": "value", "az": "az1"}

AFFINITY1 = {
    "preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 2, "preference": {"matchExpressions": [_expr("foo", "In", "bar")]}}
    ]
}
AFFINITY2 = {
    "preferredDuringSchedulingIgnoredDuringExecution": [
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
}
ADDED_KEY_VALUE = {
    "preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 3, "preference": {"matchExpressions": [_expr("key", "In", "value")]}}
    ]
}

# (name, pod node affinity, nodes, addedAffinity, run PreScore, want scores or "Skip")
SCORE_CASES = [
    (
        "all nodes are same priority as NodeAffinity is nil",
        None,
        {"node1": LABEL1, "node2": LABEL2, "node3": LABEL3},
        None,
        False,
        {"node1": 0, "node2": 0, "node3": 0},
    ),
    (
        "Skip is returned in PreScore when NodeAffinity is nil",
        None,
        {"node1": LABEL1},
        None,
        True,
        "Skip",
    ),
    (
        "no node matches preferred scheduling requirements in NodeAffinity of pod so all "
        "nodes' priority is zero",
        AFFINITY1,
        {"node1": LABEL4, "node2": LABEL2, "node3": LABEL3},
        None,
        True,
        {"node1": 0, "node2": 0, "node3": 0},
    ),
    (
        "only node1 matches the preferred scheduling requirements of pod",
        AFFINITY1,
        {"node1": LABEL1, "node2": LABEL2, "node3": LABEL3},
        None,
        True,
        {"node1": 100, "node2": 0, "node3": 0},
    ),
    (
        "all nodes matches the preferred scheduling requirements of pod but with different "
        "priorities ",
        AFFINITY2,
        {"node1": LABEL1, "node5": LABEL5, "node2": LABEL2},
        None,
        True,
        {"node1": 18, "node5": 100, "node2": 36},
    ),
    (
        "added affinity",
        None,
        {"node1": LABEL1, "node2": LABEL2},
        AFFINITY1,
        True,
        {"node1": 100, "node2": 0},
    ),
    (
        "added affinity and pod has default affinity",
        AFFINITY1,
        {"node1": LABEL1, "node2": LABEL2, "node3": LABEL5},
        ADDED_KEY_VALUE,
        True,
        {"node1": 40, "node2": 60, "node3": 100},
    ),
    (
        "calculate the priorities correctly even if PreScore is not called",
        AFFINITY2,
        {"node1": LABEL1, "node5": LABEL5, "node2": LABEL2},
        None,
        True,
        {"node1": 18, "node5": 100, "node2": 36},
    ),
]


@pytest.mark.parametrize(
    ("name", "node_affinity", "nodes", "added", "run_pre_score", "want"),
    SCORE_CASES,
    ids=[c[0] for c in SCORE_CASES],
)
def test_node_affinity_score(name, node_affinity, nodes, added, run_pre_score, want):
    """TestNodeAffinityPriority (the runPreScore flags are upstream's: its "even if PreScore is
    not called" case does run PreScore). Not here: "PreScore returns error when an incoming
    Pod has a broken affinity" -- kplan scores a preferred term it cannot parse as 0 instead
    of failing the cycle (the API server rejects such a pod anyway)."""
    harness = Harness(
        [_node(n, labels) for n, labels in nodes.items()],
        config=_config(added) if added else None,
    )
    plugin = harness.plugin("NodeAffinity")
    pod = make_pod("pod")
    if node_affinity is not None:
        pod.spec.update(_affinity(node_affinity))
    info = harness.sim._pod_info(pod)
    feasible = list(harness.cluster.nodes)
    state = CycleState()
    if run_pre_score:
        status = plugin.pre_score(state, info, feasible)
        if want == "Skip":
            assert status is not None and status.code == SKIP
            return
        assert status is None
    scores = [plugin.score(state, info, n) for n in feasible]
    plugin.normalize(state, info, feasible, scores)
    assert {n.name: s for n, s in zip(feasible, scores, strict=True)} == want
