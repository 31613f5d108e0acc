"""Selector strings: k8s.io/apimachinery pkg/labels/selector.go (Parse, Requirement.Matches,
Requirement.String) and its selector_test.go (TestSelectorParse, TestSelectorMatches,
TestRequirementSelectorMatching, TestSetSelectorParser)."""

from __future__ import annotations

import pytest

from kplan.k8s.labels import SelectorSyntaxError, parse_selector


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("", ""),
        ("x=a,y=b,z=c", "x=a,y=b,z=c"),
        ("z=c,x=a", "x=a,z=c"),  # sorted by key
        ("x==a", "x=a"),
        ("x!=a,y=b", "x!=a,y=b"),
        ("x=", "x="),
        ("x= ,z= ", "x=,z="),
        ("!x", "!x"),
        ("x", "x"),
        ("x in (b,a)", "x in (a,b)"),  # values sorted
        ("x in ()", "x in ()"),
        ("x notin (a)", "x notin (a)"),
        ("x>1", "x>1"),
        ("env!=dev,tier in (web)", "env!=dev,tier in (web)"),
        ("app.kubernetes.io/name=web", "app.kubernetes.io/name=web"),
    ],
)
def test_parse_and_canonical_string(text: str, canonical: str) -> None:
    """TestSelectorParse / TestSetSelectorParser: accepted forms and String() output."""
    assert str(parse_selector(text)) == canonical


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("x=a||y=b", 2),
        ("x==a==b", 4),
        ("!x=a", 2),
        ("x in (a", 7),
        ("x>a", 2),
        ("-x=a", 0),
        ("x=a b", 4),
        ("x in a", 5),
    ],
)
def test_errors_name_their_position(text: str, position: int) -> None:
    """Parse errors (TestSelectorParse's error cases) report where they are."""
    with pytest.raises(SelectorSyntaxError) as caught:
        parse_selector(text)
    assert caught.value.position == position


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("x=y", {"x": "y"}, True),
        ("x=y", {"x": "z"}, False),
        ("x!=y", {}, True),  # != matches objects without the key
        ("x notin (a)", {}, True),
        ("x in (a)", {}, False),
        ("x", {"x": ""}, True),
        ("!x", {"x": ""}, False),
        ("x>1", {"x": "2"}, True),
        ("x>1", {"x": "a"}, False),
        ("x<1", {}, False),
        ("", {"any": "thing"}, True),
        ("x in ()", {"x": "a"}, False),
        ("app=web,tier!=db", {"app": "web", "tier": "fe"}, True),
    ],
)
def test_matching(text: str, labels: dict[str, str], expected: bool) -> None:
    """TestSelectorMatches / TestRequirementSelectorMatching."""
    assert parse_selector(text).matches(labels) is expected
