"""Int-or-percent resolution (kplan.plan.rollout.intstr)."""

from __future__ import annotations

import pytest

from kplan.plan.rollout.intstr import (
    IntOrStringError,
    resolve_fenceposts,
    round_to_int32,
    scaled_value,
)


@pytest.mark.parametrize(
    ("surge", "unavailable", "desired", "expected"),
    [
        ("0%", "0%", 0, (0, 1)),
        ("39%", "39%", 10, (4, 3)),
        (None, "39%", 10, (0, 3)),
        ("39%", None, 10, (4, 0)),
        (None, None, 10, (0, 1)),
    ],
)
def test_resolve_fenceposts(surge: str | None, unavailable: str | None, desired: int, expected):
    """kubernetes/kubernetes pkg/controller/deployment/util/deployment_util_test.go
    TestResolveFenceposts: surge rounds up, unavailable down, nil is 0, both 0 -> 1."""
    assert resolve_fenceposts(surge, unavailable, desired) == expected


@pytest.mark.parametrize(("surge", "unavailable"), [("oops", "39%"), ("55%", "urg")])
def test_resolve_fenceposts_rejects_non_percent_strings(surge: str, unavailable: str):
    """TestResolveFenceposts error rows: "oops" and "urg" are not `<int>%`."""
    with pytest.raises(IntOrStringError):
        resolve_fenceposts(surge, unavailable, 10)


@pytest.mark.parametrize(
    ("value", "total", "round_up", "expected"),
    [
        (5, 10, True, 5),
        ("25%", 10, True, 3),
        ("25%", 10, False, 2),
        ("25%", 1, True, 1),
        ("25%", 1, False, 0),
        ("100%", 7, False, 7),
        ("0%", 7, True, 0),
        ("1%", 101, True, 2),
    ],
)
def test_scaled_value(value: int | str, total: int, round_up: bool, expected: int):
    """apimachinery intstr GetScaledValueFromIntOrPercent: ceil / floor of p * total / 100."""
    assert scaled_value(value, total, round_up) == expected


@pytest.mark.parametrize("value", [None, "5", "5 %", "abc%", "1.5%", True, 1.5])
def test_scaled_value_errors(value: object):
    """Only ints and `<int>%` strings resolve; "5" without % is "not a percentage"."""
    with pytest.raises(IntOrStringError):
        scaled_value(value, 10, True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"), [(2.5, 3), (3.5, 4), (2.4999, 2), (-2.5, -3), (-2.4, -2), (9.8, 10)]
)
def test_round_to_int32_rounds_half_away_from_zero(value: float, expected: int):
    """k8s.io/utils/integer RoundToInt32; Python's round(2.5) would give 2."""
    assert round_to_int32(value) == expected
