"""LabelSelector matching, after k8s.io/apimachinery pkg/apis/meta/v1/helpers.go
LabelSelectorAsSelector (test: helpers_test.go TestLabelSelectorAsSelector) and
pkg/labels/selector.go Requirement.Matches."""

from __future__ import annotations

import pytest

from kplan.k8s.selectors import SelectorError, label_selector_is_empty, label_selector_matches

LABELS = {"app": "web", "tier": "frontend", "empty": ""}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ({}, True),
        ({"matchLabels": {"app": "web"}}, True),
        ({"matchLabels": {"app": "web", "tier": "backend"}}, False),
        ({"matchLabels": {"missing": "x"}}, False),
        ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["api"]}]}, False),
        ({"matchExpressions": [{"key": "nope", "operator": "In", "values": ["x"]}]}, False),
        ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}, False),
        ({"matchExpressions": [{"key": "nope", "operator": "NotIn", "values": ["x"]}]}, True),
        ({"matchExpressions": [{"key": "empty", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "nope", "operator": "Exists"}]}, False),
        ({"matchExpressions": [{"key": "nope", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, False),
        (
            {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["frontend"]}],
            },
            False,
        ),
    ],
)
def test_requirements(selector: dict, matches: bool) -> None:
    """Requirement.Matches: In needs the key, NotIn and DoesNotExist hold when it is
    absent, Exists holds for an empty value; all requirements are ANDed."""
    assert label_selector_matches(selector, LABELS) is matches


def test_empty_selector_matches_everything() -> None:
    """LabelSelectorAsSelector: no matchLabels and no matchExpressions is labels.Everything."""
    assert label_selector_is_empty({})
    assert label_selector_is_empty({"matchLabels": {}, "matchExpressions": []})
    assert label_selector_matches({}, {})


@pytest.mark.parametrize(
    "selector",
    [
        {"matchExpressions": [{"key": "app", "operator": "Gt", "values": ["1"]}]},
        {"matchExpressions": [{"key": "app", "operator": "In", "values": []}]},
        {"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["web"]}]},
        {"matchLabels": {"bad key!": "x"}},
        {"matchLabels": {"app": "not a label value"}},
    ],
)
def test_selectors_that_do_not_convert(selector: dict) -> None:
    """LabelSelectorAsSelector errors: Gt is not a LabelSelector operator ("\\"Gt\\" is not a
    valid label selector operator"); NewRequirement checks value counts, keys and values."""
    with pytest.raises(SelectorError):
        label_selector_matches(selector, LABELS)


# -- LabelSelectorAsSelector -------------------------------------------------------------------

from kplan.k8s.selectors import (  # noqa: E402
    label_errors,
    label_selector_to_selector,
    object_pod_selector,
    selects_all,
    selects_nothing,
)


@pytest.mark.parametrize(
    ("selector", "canonical"),
    [
        ({}, ""),
        ({"matchLabels": {"foo": "bar"}}, "foo=bar"),
        (
            {"matchExpressions": [{"key": "baz", "operator": "In", "values": ["qux", "norf"]}]},
            "baz in (norf,qux)",
        ),
        (
            {
                "matchLabels": {"foo": "bar"},
                "matchExpressions": [{"key": "baz", "operator": "In", "values": ["qux", "norf"]}],
            },
            "baz in (norf,qux),foo=bar",
        ),
        (
            {
                "matchLabels": {"b": "1", "a": "2"},
                "matchExpressions": [{"key": "a", "operator": "Exists"}],
            },
            "a=2,a,b=1",  # equal keys keep matchLabels first (Add's sort is stable for few items)
        ),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, "!tier"),
        (
            {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]},
            "env notin (dev)",
        ),
    ],
)
def test_label_selector_as_selector(selector: dict, canonical: str) -> None:
    """TestLabelSelectorAsSelector: the converted selector prints like labels.Parse's."""
    assert str(label_selector_to_selector(selector)) == canonical


def test_nil_is_nothing_and_empty_is_everything() -> None:
    """TestLabelSelectorAsSelector rows {in: nil, out: labels.Nothing()} and
    {in: &LabelSelector{}, out: labels.Everything()}."""
    assert label_selector_to_selector(None).nothing
    assert not label_selector_to_selector(None).matches({"any": "label"})
    assert label_selector_to_selector({}).empty
    assert label_selector_to_selector({}).matches({"any": "label"})
    assert not label_selector_matches(None, {"any": "label"})


def test_matchexpressions_that_linters_misread() -> None:
    """kube-linter and kube-score treat matchExpressions loosely. NotIn and DoesNotExist match
    pods without the key, and every requirement is ANDed with matchLabels."""
    selector = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [
            {"key": "track", "operator": "NotIn", "values": ["canary"]},
            {"key": "legacy", "operator": "DoesNotExist"},
        ],
    }
    assert label_selector_matches(selector, {"app": "web"})
    assert label_selector_matches(selector, {"app": "web", "track": "stable"})
    assert not label_selector_matches(selector, {"app": "web", "track": "canary"})
    assert not label_selector_matches(selector, {"app": "web", "legacy": ""})
    assert not label_selector_matches(selector, {"track": "stable"})


# -- empty vs null, per kind -------------------------------------------------------------------


def service(selector: dict | None, **spec: object) -> dict:
    body: dict = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": dict(spec),
    }
    if selector is not None:
        body["spec"]["selector"] = selector
    return body


@pytest.mark.parametrize(
    ("kind", "api_version", "body", "all_pods", "no_pods"),
    [
        ("Service", "v1", service(None), False, True),
        (
            "Service",
            "v1",
            service({}),
            False,
            True,
        ),  # "If empty or not present ... external process"
        ("Service", "v1", service({"app": "web"}), False, False),
        ("Service", "v1", service({"app": "web"}, type="ExternalName"), False, True),
        ("NetworkPolicy", "networking.k8s.io/v1", {"spec": {"podSelector": {}}}, True, False),
        ("NetworkPolicy", "networking.k8s.io/v1", {"spec": {}}, True, False),
        (
            "NetworkPolicy",
            "networking.k8s.io/v1",
            {"spec": {"podSelector": {"matchLabels": {"a": "b"}}}},
            False,
            False,
        ),
        ("PodDisruptionBudget", "policy/v1", {"spec": {"selector": {}}}, True, False),
        (
            "PodDisruptionBudget",
            "policy/v1",
            {"spec": {}},
            False,
            True,
        ),  # "A null selector will match no pods"
        ("PodDisruptionBudget", "policy/v1beta1", {"spec": {"selector": {}}}, False, True),
        ("Deployment", "apps/v1", {"spec": {}}, False, True),
        (
            "Deployment",
            "apps/v1",
            {"spec": {"selector": {"matchLabels": {"app": "x"}}}},
            False,
            False,
        ),
    ],
)
def test_empty_versus_null_by_kind(
    kind: str, api_version: str, body: dict, all_pods: bool, no_pods: bool
) -> None:
    """The empty-vs-null table: Service selector (kubernetes/api core/v1 ServiceSpec.selector),
    NetworkPolicy podSelector ("An empty selector matches all pods in the policy's
    namespace"), PDB policy/v1 and policy/v1beta1, workload selectors (nil: Nothing)."""
    assert selects_all(kind, body, api_version) is all_pods
    assert selects_nothing(kind, body, api_version) is no_pods


def test_service_selector_is_an_equality_map() -> None:
    """A Service selector is labels.Set(selector): equality on every entry."""
    selector = object_pod_selector("Service", service({"app": "web", "tier": "fe"}))
    assert str(selector) == "app=web,tier=fe"
    assert selector.matches({"app": "web", "tier": "fe", "extra": "x"})
    assert not selector.matches({"app": "web"})


def test_invalid_selector_selects_nothing() -> None:
    """A selector that does not convert selects nothing (the controllers log and skip it)."""
    bad = {
        "spec": {
            "podSelector": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}
        }
    }
    assert selects_nothing("NetworkPolicy", bad)
    assert not selects_all("NetworkPolicy", bad)


# -- label syntax --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "count"),
    [
        ({"app.kubernetes.io/name": "web", "Uppercase_Is_OK_123": "1234"}, 0),
        ({"/simple": "x"}, 1),  # empty prefix
        ({"Example.com/abc": "x"}, 1),  # prefix must be lower-case DNS subdomain
        ({"example_com/abc": "x"}, 1),
        ({"a" * 64: "x"}, 1),  # name part at most 63
        ({("p" * 254) + "/n": "x"}, 1),  # prefix at most 253
        ({"a/b/c": "x"}, 1),
        ({"app": "v" * 64}, 1),  # value at most 63
        ({"app": "-web"}, 1),  # value must start alphanumeric
        ({"app": ""}, 0),  # empty value is fine
    ],
)
def test_label_key_and_value_syntax(labels: dict, count: int) -> None:
    """content.IsLabelKey / IsValidLabelValue (kube_test.go), through ValidateLabels."""
    assert len(label_errors(labels)) == count
