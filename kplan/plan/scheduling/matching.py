"""Fast label-selector matching for the scheduler's hot loops.

kplan.k8s.selectors parses LabelSelectors exactly as apimachinery does (and raises where the
conversion fails); the scheduler then matches the same selector against thousands of pods.
`compile_selector` turns a parsed Selector into a closure with the same answers: equality
requirements become one dict-items subset test, the rest keep Requirement.matches semantics
(`!=`/`notin` match a missing key, `>`/`<` defer to Requirement.matches).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kplan.k8s.labels import (
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    IN,
    NOT_EQUALS,
    NOT_IN,
    Requirement,
    Selector,
    SelectorError,
    selector_from_set,
)
from kplan.k8s.selectors import label_selector_to_selector

__all__ = ["Matcher", "compile_selector", "parse_label_selector", "set_selector"]

Matcher = Callable[[Mapping[str, Any]], bool]
_MISSING = object()


def _never(_labels: Mapping[str, Any]) -> bool:
    return False


def _always(_labels: Mapping[str, Any]) -> bool:
    return True


def parse_label_selector(selector: object) -> Selector:
    """LabelSelectorAsSelector; a selector that does not convert matches nothing, as the
    scheduler ignores terms it cannot parse (the API server validates them before)."""
    if selector is not None and not isinstance(selector, Mapping):
        return Selector(nothing=True)
    try:
        return label_selector_to_selector(selector)
    except SelectorError:
        return Selector(nothing=True)


def set_selector(labels: Mapping[str, str]) -> Selector:
    """labels.SelectorFromSet (a Service's selector map)."""
    return selector_from_set({str(k): str(v) for k, v in labels.items()})


def compile_selector(selector: Selector) -> Matcher:
    """A closure equivalent to `selector.matches(labels)`."""
    if selector.nothing:
        return _never
    if not selector.requirements:
        return _always
    equal: dict[str, Any] = {}
    others: list[Requirement] = []
    for requirement in selector.requirements:
        single = len(requirement.values) == 1
        if requirement.operator in (EQUALS, DOUBLE_EQUALS, IN) and single:
            key = requirement.key
            if key in equal and equal[key] != requirement.values[0]:
                return _never
            equal[key] = requirement.values[0]
        else:
            others.append(requirement)
    equal_items = equal.items()
    checks = [_compile_requirement(requirement) for requirement in others]
    if not checks:
        return lambda labels: equal_items <= labels.items()
    if not equal:
        return lambda labels: all(check(labels) for check in checks)
    return lambda labels: equal_items <= labels.items() and all(check(labels) for check in checks)


def _compile_requirement(requirement: Requirement) -> Matcher:
    key = requirement.key
    values = frozenset(requirement.values)
    operator = requirement.operator
    if operator in (EQUALS, DOUBLE_EQUALS, IN):
        return lambda labels: labels.get(key, _MISSING) in values
    if operator in (NOT_EQUALS, NOT_IN):
        return lambda labels: labels.get(key, _MISSING) not in values
    if operator == EXISTS:
        return lambda labels: key in labels
    if operator == DOES_NOT_EXIST:
        return lambda labels: key not in labels
    return requirement.matches
