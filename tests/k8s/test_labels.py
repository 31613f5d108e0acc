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
        ("x==a", "x==a"),  # DoubleEquals prints as written (TestToString "y==jkl")
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


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("\rx", "x"),  # TestSetSelectorParser: \r is whitespace
        ("x in (abc,)", "x in (,abc)"),  # the empty value sorts first
        ("x notin ( )", "x notin ()"),
        ("x notin (, a)", "x notin (,a)"),
        ("x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"),
        ("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"),  # keywords are values in a set
        ("notin=in", "notin=in"),  # TestSelectorMatches: in and notin in exactMatch
        ("in", "in"),  # a key named like the keyword
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)",
        ),
        ("x>1,z<5", "x>1,z<5"),
        ("x= ,z= ", "x=,z="),
        ("x=a,a=x", "a=x,x=a"),  # TestDeterministicParse
    ],
)
def test_set_selector_parser(text: str, canonical: str) -> None:
    """TestSetSelectorParser / TestToString: valid inputs and their String() form."""
    assert str(parse_selector(text)) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "x,,y",
        ",x,y",
        "x nott in (y)",
        "a in (xyz),",
        "a in (xyz)b notin ()",
        "a in (xyz abc)",
        "a notin(",
        "a (",
        "(",
        "x<a",
        "x>-1",  # an integer, but the bound must also be a label value
        "x>1_000",  # strconv.ParseInt rejects underscores
        "x>99999999999999999999",  # out of int64 range
        "x in (a b)",
        "example.com/a/b=c",  # two slashes
        "Example.com/a=b",  # upper-case prefix
        "x=" + "v" * 64,  # value longer than 63
    ],
)
def test_set_selector_parser_rejects(text: str) -> None:
    """TestSetSelectorParser / TestSelectorParse bad strings, plus NewRequirement's value checks."""
    with pytest.raises(SelectorSyntaxError):
        parse_selector(text)


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("x in ()", {"x": ""}, True),  # () is the set {""}
        ("x notin ()", {"x": ""}, False),
        ("x notin ()", {}, True),
        ("x=", {"x": ""}, True),
        ("x=", {}, False),
        ("notin=in", {"notin": "in"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("x<1", {"x": "0"}, True),
        ("x>1", {"x": "0"}, False),
        ("x>1", {"x": "v2"}, False),  # TestRequirementSelectorMatching: non-integer label
        ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
        ("x==a", {"x": "a"}, True),
    ],
)
def test_selector_matches_upstream_rows(text: str, labels: dict[str, str], expected: bool) -> None:
    """TestSelectorMatches and TestRequirementSelectorMatching rows."""
    assert parse_selector(text).matches(labels) is expected


def test_errors_use_upstream_wording() -> None:
    """Parser errors are wrapped as "unable to parse requirement: ..." with the expected tokens."""
    with pytest.raises(SelectorSyntaxError) as caught:
        parse_selector("x y")
    assert "found 'y', expected: in, notin, =, ==, !=, gt, lt" in str(caught.value)
    with pytest.raises(SelectorSyntaxError) as caught:
        parse_selector("x,,y")
    assert "expected: identifier after ','" in str(caught.value)
    assert caught.value.position == 2
