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
