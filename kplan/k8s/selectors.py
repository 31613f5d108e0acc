"""Label selectors as the API server evaluates them.

`label_selector_matches` follows k8s.io/apimachinery pkg/apis/meta/v1/helpers.go
LabelSelectorAsSelector and pkg/labels/selector.go Requirement.Matches: matchLabels are
equality requirements, matchExpressions use In, NotIn, Exists and DoesNotExist, and all of
them must hold. A selector the conversion rejects raises SelectorError, as the conversion
returns an error upstream.
"""

from __future__ import annotations

from collections.abc import Mapping

from kplan.k8s.validation import is_qualified_name, is_valid_label_value

__all__ = ["SelectorError", "label_selector_is_empty", "label_selector_matches"]

_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


class SelectorError(ValueError):
    """The selector cannot be converted (bad operator, key, value or value count)."""


def label_selector_is_empty(selector: Mapping[str, object]) -> bool:
    """No matchLabels and no matchExpressions: it selects everything (labels.Everything)."""
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def label_selector_matches(selector: Mapping[str, object], labels: Mapping[str, object]) -> bool:
    """True when `labels` satisfy every requirement of the LabelSelector `selector`.

    An empty selector matches everything; a missing (None) selector is the caller's case
    (upstream: labels.Nothing(), which matches nothing).
    """
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not isinstance(match_labels, Mapping) or not isinstance(expressions, list):
        raise SelectorError("matchLabels must be a map and matchExpressions a list")
    for key, value in match_labels.items():
        _check_requirement(key, [value])
        if key not in labels or labels[key] != value:
            return False
    for expression in expressions:
        if not isinstance(expression, Mapping):
            raise SelectorError("a matchExpressions item must be a map")
        operator = expression.get("operator")
        if not isinstance(operator, str) or operator not in _OPERATORS:
            raise SelectorError(f'"{operator}" is not a valid label selector operator')
        key = expression.get("key")
        values = expression.get("values") or []
        if not isinstance(values, list):
            raise SelectorError("values must be a list")
        _check_requirement(key, values)
        if operator in ("In", "NotIn"):
            if not values:
                raise SelectorError("for 'in', 'notin' operators, values set can't be empty")
            present = key in labels and labels[key] in values
            if present != (operator == "In"):
                return False
        else:
            if values:
                raise SelectorError("values set must be empty for exists and does not exist")
            if (key in labels) != (operator == "Exists"):
                return False
    return True


def _check_requirement(key: object, values: list[object]) -> None:
    """NewRequirement's key and value checks."""
    if not isinstance(key, str) or is_qualified_name(key):
        raise SelectorError(f"invalid label key {key!r}")
    for value in values:
        if not isinstance(value, str) or is_valid_label_value(value):
            raise SelectorError(f"invalid label value {value!r}")
