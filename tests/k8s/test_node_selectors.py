"""Node selectors (required node affinity), after k8s.io/component-helpers
scheduling/corev1/nodeaffinity/nodeaffinity.go and its nodeaffinity_test.go tables
(TestNodeSelectorMatch, TestPreferredSchedulingTermsScore,
TestNodeSelectorRequirementsAsSelector, TestPodMatchesNodeSelectorAndAffinityTerms)."""

from __future__ import annotations

import pytest

from kplan.k8s.selectors import (
    NodeSelectorError,
    node_selector_errors,
    node_selector_matches,
    node_selector_requirement_matches,
    node_selector_requirements_as_selector,
    node_selector_term_matches,
    pod_matches_node_selector_and_affinity,
    preferred_node_affinity_score,
)


def node(name: str = "", **labels: str) -> dict:
    metadata: dict = {"labels": dict(labels)}
    if name:
        metadata["name"] = name
    return {"apiVersion": "v1", "kind": "Node", "metadata": metadata}


def expr(key: str, operator: str, *values: str) -> dict:
    requirement: dict = {"key": key, "operator": operator}
    if values:
        requirement["values"] = list(values)
    return requirement


def name_field(operator: str, *values: str) -> dict:
    return {"key": "metadata.name", "operator": operator, "values": list(values)}


def required(*terms: dict) -> dict:
    return {"nodeSelectorTerms": list(terms)}


def affinity(node_selector: dict | None) -> dict:
    return {
        "affinity": {
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": node_selector}
        }
    }


# -- TestNodeSelectorMatch ---------------------------------------------------------------


def test_nil_node_matches_nothing() -> None:
    """TestNodeSelectorMatch "nil node"."""
    assert not node_selector_matches(required({"matchExpressions": [expr("a", "Exists")]}), None)


def test_field_selector_matches_but_labels_do_not() -> None:
    """TestNodeSelectorMatch "node matches field selector, but not labels": one term ANDs its
    matchExpressions and matchFields."""
    term = {
        "matchExpressions": [expr("label_1", "In", "label_1_val")],
        "matchFields": [name_field("In", "host_1")],
    }
    assert not node_selector_matches(required(term), node("host_1"))
    assert node_selector_matches(required(term), node("host_1", label_1="label_1_val"))


def test_second_term_matches() -> None:
    """TestNodeSelectorMatch "second term matches": terms are ORed."""
    selector = required(
        {"matchExpressions": [expr("label_1", "In", "label_1_val")]},
        {"matchFields": [name_field("In", "host_1")]},
    )
    assert node_selector_matches(selector, node("host_1"))


def test_invalid_terms_are_reported_and_never_match() -> None:
    """TestNodeSelectorMatch "invalid field selector and label selector": a matchFields In with
    two values ("must have one element") and a key with a space are parse errors; with
    LazyErrorNodeSelector the bad terms count as not matching while a good term still can."""
    selector = required(
        {"matchFields": [name_field("In", "host_1", "host_2")]},
        {
            "matchExpressions": [expr("label_1", "In", "label_1_val")],
            "matchFields": [name_field("In", "host_1")],
        },
        {"matchExpressions": [expr("invalid key", "In", "label_value")]},
    )
    errors = node_selector_errors(selector)
    assert len(errors) == 2
    assert errors[0].startswith("nodeSelectorTerms[0].matchFields[0].values")
    assert "must have one element" in errors[0]
    assert errors[1].startswith("nodeSelectorTerms[2].matchExpressions[0]")
    assert "name part must consist of alphanumeric characters" in errors[1]
    assert not node_selector_matches(selector, node("host_1"))
    assert node_selector_matches(selector, node("host_1", label_1="label_1_val"))
    with pytest.raises(NodeSelectorError):
        node_selector_term_matches(selector["nodeSelectorTerms"][0], node("host_1"))


# -- TestNodeSelectorRequirementsAsSelector -----------------------------------------------


@pytest.mark.parametrize(
    ("requirements", "canonical"),
    [
        ([expr("foo", "In", "bar", "baz")], "foo in (bar,baz)"),
        ([expr("foo", "Gt", "1")], "foo>1"),
        ([expr("bar", "Lt", "7")], "bar<7"),
        ([expr("b", "Exists"), expr("a", "DoesNotExist")], "!a,b"),
    ],
)
def test_requirements_as_selector(requirements: list, canonical: str) -> None:
    """TestNodeSelectorRequirementsAsSelector: the converted selector prints like labels.Parse."""
    assert str(node_selector_requirements_as_selector(requirements)) == canonical


def test_empty_requirements_are_nothing() -> None:
    """TestNodeSelectorRequirementsAsSelector: nil and [] are labels.Nothing()."""
    assert node_selector_requirements_as_selector([]).nothing


@pytest.mark.parametrize(
    "requirement",
    [
        expr("foo", "Exists", "bar", "baz"),  # values set must be empty for exists
        expr("foo", "In"),  # values set can't be empty
        expr("foo", "Gt", "1", "2"),  # exactly one value
        expr("foo", "Gt", "a"),  # must be an integer
        expr("foo", "Gt", "-1"),  # an integer but not a label value
        expr("foo", "Gt", "1_000"),  # strconv.ParseInt rejects underscores
        expr("foo", "Equals", "x"),  # not a NodeSelectorOperator
    ],
)
def test_requirements_that_do_not_convert(requirement: dict) -> None:
    """TestNodeSelectorRequirementsAsSelector's error row and NewRequirement's checks."""
    with pytest.raises(NodeSelectorError):
        node_selector_requirements_as_selector([requirement])


# -- TestPodMatchesNodeSelectorAndAffinityTerms -------------------------------------------


@pytest.mark.parametrize(
    ("name", "pod_spec", "the_node", "want"),
    [
        ("no selector", {}, node(), True),
        ("missing labels", {"nodeSelector": {"foo": "bar"}}, node(), False),
        ("same labels", {"nodeSelector": {"foo": "bar"}}, node(foo="bar"), True),
        (
            "node labels are superset",
            {"nodeSelector": {"foo": "bar"}},
            node(foo="bar", baz="blah"),
            True,
        ),
        (
            "node labels are subset",
            {"nodeSelector": {"foo": "bar", "baz": "blah"}},
            node(foo="bar"),
            False,
        ),
        (
            "In operator that matches the existing node",
            affinity(required({"matchExpressions": [expr("foo", "In", "bar", "value2")]})),
            node(foo="bar"),
            True,
        ),
        (
            "Gt operator that matches the existing node (integers: 0206 > 0204)",
            affinity(required({"matchExpressions": [expr("kernel-version", "Gt", "0204")]})),
            node(**{"kernel-version": "0206"}),
            True,
        ),
        (
            "NotIn operator that matches the existing node",
            affinity(required({"matchExpressions": [expr("mem-type", "NotIn", "DDR", "DDR2")]})),
            node(**{"mem-type": "DDR3"}),
            True,
        ),
        (
            "Exists operator that matches the existing node",
            affinity(required({"matchExpressions": [expr("GPU", "Exists")]})),
            node(GPU="NVIDIA-GRID-K1"),
            True,
        ),
        (
            "affinity that don't match node's labels won't schedule onto the node",
            affinity(required({"matchExpressions": [expr("foo", "In", "value1", "value2")]})),
            node(foo="bar"),
            False,
        ),
        (
            "a nil []NodeSelectorTerm in affinity",
            affinity({"nodeSelectorTerms": None}),
            node(foo="bar"),
            False,
        ),
        ("an empty []NodeSelectorTerm in affinity", affinity(required()), node(foo="bar"), False),
        (
            "empty MatchExpressions will match no objects",
            affinity(required({"matchExpressions": []})),
            node(foo="bar"),
            False,
        ),
        ("no Affinity will schedule onto a node", {}, node(foo="bar"), True),
        ("Affinity but nil NodeSelector", affinity(None), node(foo="bar"), True),
        (
            "multiple matchExpressions ANDed that matches the existing node",
            affinity(
                required(
                    {
                        "matchExpressions": [
                            expr("GPU", "Exists"),
                            expr("GPU", "NotIn", "AMD", "INTER"),
                        ]
                    }
                )
            ),
            node(GPU="NVIDIA-GRID-K1"),
            True,
        ),
        (
            "multiple matchExpressions ANDed that doesn't match the existing node",
            affinity(
                required(
                    {"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "In", "AMD", "INTER")]}
                )
            ),
            node(GPU="NVIDIA-GRID-K1"),
            False,
        ),
        (
            "multiple NodeSelectorTerms ORed in affinity",
            affinity(
                required(
                    {"matchExpressions": [expr("foo", "In", "bar", "value2")]},
                    {"matchExpressions": [expr("diffkey", "In", "wrong", "value2")]},
                )
            ),
            node(foo="bar"),
            True,
        ),
        (
            "an Affinity and a PodSpec.NodeSelector both are satisfied",
            {
                "nodeSelector": {"foo": "bar"},
                **affinity(required({"matchExpressions": [expr("foo", "Exists")]})),
            },
            node(foo="bar"),
            True,
        ),
        (
            "an Affinity matches node's labels but the PodSpec.NodeSelector is not satisfied",
            {
                "nodeSelector": {"foo": "bar"},
                **affinity(required({"matchExpressions": [expr("foo", "Exists")]})),
            },
            node(foo="barrrrrr"),
            False,
        ),
        (
            "an invalid value in Affinity term won't be scheduled onto the node",
            affinity(
                required({"matchExpressions": [expr("foo", "NotIn", "invalid value: ___@#$%^")]})
            ),
            node(foo="bar"),
            False,
        ),
        (
            "matchFields using In operator that matches the existing node",
            affinity(required({"matchFields": [name_field("In", "node_1")]})),
            node("node_1"),
            True,
        ),
        (
            "matchFields using In operator that does not match the existing node",
            affinity(required({"matchFields": [name_field("In", "node_1")]})),
            node("node_2"),
            False,
        ),
        (
            "two terms: matchFields does not match, but matchExpressions matches",
            affinity(
                required(
                    {"matchFields": [name_field("In", "node_1")]},
                    {"matchExpressions": [expr("foo", "In", "bar")]},
                )
            ),
            node("node_2", foo="bar"),
            True,
        ),
        (
            "one term: matchFields does not match, but matchExpressions matches",
            affinity(
                required(
                    {
                        "matchFields": [name_field("In", "node_1")],
                        "matchExpressions": [expr("foo", "In", "bar")],
                    }
                )
            ),
            node("node_2", foo="bar"),
            False,
        ),
        (
            "one term: both matchFields and matchExpressions match",
            affinity(
                required(
                    {
                        "matchFields": [name_field("In", "node_1")],
                        "matchExpressions": [expr("foo", "In", "bar")],
                    }
                )
            ),
            node("node_1", foo="bar"),
            True,
        ),
        (
            "two terms: both matchFields and matchExpressions do not match",
            affinity(
                required(
                    {"matchFields": [name_field("In", "node_1")]},
                    {"matchExpressions": [expr("foo", "In", "not-match-to-bar")]},
                )
            ),
            node("node_2", foo="bar"),
            False,
        ),
    ],
)
def test_pod_matches_node_selector_and_affinity_terms(
    name: str, pod_spec: dict, the_node: dict, want: bool
) -> None:
    """TestPodMatchesNodeSelectorAndAffinityTerms (GetRequiredNodeAffinity(pod).Match)."""
    assert pod_matches_node_selector_and_affinity(pod_spec, the_node) is want, name


# -- Gt/Lt, NotIn, DoesNotExist, matchFields details ---------------------------------------


@pytest.mark.parametrize(
    ("requirement", "labels", "want"),
    [
        (expr("cpu", "Gt", "4"), {"cpu": "8"}, True),
        (expr("cpu", "Gt", "4"), {"cpu": "4"}, False),
        (expr("cpu", "Lt", "4"), {"cpu": "-2"}, True),  # label value parsed with ParseInt
        (expr("cpu", "Gt", "4"), {"cpu": "8x"}, False),  # non-integer label: no match, no error
        (expr("cpu", "Gt", "4"), {"cpu": " 8"}, False),  # ParseInt takes no spaces
        (expr("cpu", "Gt", "4"), {}, False),  # Gt needs the key
        (expr("cpu", "Lt", "4"), {}, False),
        (expr("zone", "NotIn", "a"), {}, True),  # NotIn holds without the key
        (expr("zone", "DoesNotExist"), {}, True),
        (expr("zone", "DoesNotExist"), {"zone": ""}, False),
        (expr("zone", "Exists"), {"zone": ""}, True),
        (expr("zone", "In", "a"), {"zone": "A"}, False),  # case-sensitive
    ],
)
def test_requirement_operators(requirement: dict, labels: dict, want: bool) -> None:
    """Requirement.Matches through nodeSelectorRequirementsAsSelector (selector_test.go
    TestRequirementSelectorMatching: "z>1" vs "v2" gives false)."""
    assert node_selector_requirement_matches(requirement, node("n1", **labels)) is want


def test_match_fields_name_not_in_and_unknown_field() -> None:
    """nodeSelectorRequirementsAsFieldSelector: NotIn is OneTermNotEqualSelector; a field other
    than metadata.name reads as "" (fields.Set.Get), so In never matches and NotIn always does;
    operators other than In/NotIn are NotSupported."""
    assert node_selector_requirement_matches(name_field("NotIn", "n1"), node("n2"), field=True)
    assert not node_selector_requirement_matches(name_field("NotIn", "n1"), node("n1"), field=True)
    other_in = {"key": "spec.unschedulable", "operator": "In", "values": ["true"]}
    other_not_in = {"key": "spec.unschedulable", "operator": "NotIn", "values": ["true"]}
    assert not node_selector_requirement_matches(other_in, node("n1"), field=True)
    assert node_selector_requirement_matches(other_not_in, node("n1"), field=True)
    with pytest.raises(NodeSelectorError):
        node_selector_requirement_matches(name_field("Exists"), node("n1"), field=True)


def test_empty_term_is_skipped_not_everything() -> None:
    """ "A null or empty node selector term matches no objects" (isEmptyNodeSelectorTerm), but
    another term can still match."""
    assert not node_selector_matches(required({}), node("n1"))
    assert node_selector_matches(
        required({}, {"matchExpressions": [expr("a", "Exists")]}), node("n1", a="1")
    )


# -- TestPreferredSchedulingTermsScore ------------------------------------------------------


def test_preferred_first_and_third_term_match() -> None:
    """TestPreferredSchedulingTermsScore "first and third term match": 5 + 11 = 16."""
    terms = [
        {"weight": 5, "preference": {"matchFields": [name_field("In", "host_1")]}},
        {
            "weight": 7,
            "preference": {"matchExpressions": [expr("unknown_label", "In", "unknown_label_val")]},
        },
        {"weight": 11, "preference": {"matchExpressions": [expr("label_1", "In", "label_1_val")]}},
    ]
    assert preferred_node_affinity_score(terms, node("host_1", label_1="label_1_val")) == 16


def test_preferred_zero_weight_is_not_parsed() -> None:
    """TestPreferredSchedulingTermsScore "invalid field selector but no weight, error not
    reported"; with weight the same term is an error."""
    bad = {"matchFields": [name_field("In", "host_1", "host_2")]}
    assert preferred_node_affinity_score([{"weight": 0, "preference": bad}], node("host_1")) == 0
    with pytest.raises(NodeSelectorError):
        preferred_node_affinity_score([{"weight": 1, "preference": bad}], node("host_1"))


# -- a recorded cluster ----------------------------------------------------------------------


def test_kind_cluster_nodes() -> None:
    """The kind snapshot's nodes: the control plane carries node-role.kubernetes.io/
    control-plane (value ""), workers do not; Exists/DoesNotExist split them."""
    from kplan.snapshot.load import load_snapshot
    from tests.paths import FIXTURES

    snapshot = load_snapshot([FIXTURES / "snapshots" / "kind-3node.yaml"])
    nodes = snapshot.of_kind("", "Node")
    control_plane = required(
        {"matchExpressions": [expr("node-role.kubernetes.io/control-plane", "Exists")]}
    )
    workers = required(
        {"matchExpressions": [expr("node-role.kubernetes.io/control-plane", "DoesNotExist")]}
    )
    names = lambda selector: sorted(  # noqa: E731
        n.body["metadata"]["name"] for n in nodes if node_selector_matches(selector, n.body)
    )
    assert len(names(control_plane)) == 1
    assert len(names(workers)) == len(nodes) - 1
    assert not set(names(control_plane)) & set(names(workers))
