"""Int-or-percent fields (maxSurge, maxUnavailable, partition budgets) as the controllers
resolve them.

Upstream: k8s.io/apimachinery pkg/util/intstr/intstr.go `GetScaledValueFromIntOrPercent`
(an int is itself; "p%" is ceil or floor of p * total / 100; any other string is an error)
and kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go
`ResolveFenceposts` (maxSurge rounds up, maxUnavailable rounds down, an unset value counts
as 0, and when both resolve to 0 maxUnavailable becomes 1 "on the theory that surge might
not work due to quota"). Integer arithmetic replaces Go's float64 ceil/floor: identical for
every int32 input the API accepts, and exact.
"""

from __future__ import annotations

__all__ = [
    "IntOrStringError",
    "resolve_fenceposts",
    "round_to_int32",
    "scaled_value",
]

IntOrString = int | str | None


class IntOrStringError(ValueError):
    """A value GetScaledValueFromIntOrPercent rejects (a string that is not `<int>%`)."""


def scaled_value(value: IntOrString, total: int, round_up: bool) -> int:
    """GetScaledValueFromIntOrPercent. None is an error upstream ("nil value for
    IntOrString"); callers that default it (ValueOrDefault) must do so first."""
    if value is None:
        raise IntOrStringError("nil value for IntOrString")
    if isinstance(value, bool):
        raise IntOrStringError(f"invalid type: {value!r} is neither int nor percentage")
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        raise IntOrStringError(f"invalid type: {value!r} is neither int nor percentage")
    if not value.endswith("%"):
        raise IntOrStringError(
            f"invalid value for IntOrString: invalid type: string is not a percentage: {value!r}"
        )
    digits = value[:-1]
    try:
        percent = _go_atoi(digits)
    except ValueError as error:
        raise IntOrStringError(f"invalid value {value!r}: {error}") from None
    product = percent * total
    return -(-product // 100) if round_up else product // 100


def _go_atoi(text: str) -> int:
    """strconv.Atoi: optional sign, ASCII digits only (no spaces, no underscores)."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError(f'parsing "{text}": invalid syntax')
    return int(text)


def resolve_fenceposts(
    max_surge: IntOrString, max_unavailable: IntOrString, desired: int
) -> tuple[int, int]:
    """ResolveFenceposts: (surge, unavailable) for `desired` replicas."""
    surge = scaled_value(0 if max_surge is None else max_surge, desired, True)
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def round_to_int32(value: float) -> int:
    """k8s.io/utils/integer RoundToInt32: round half away from zero (`int32(math.Round(a))`);
    Python's round() would round half to even and give 2 for 2.5."""
    if value < 0:
        return -int(-value + 0.5)
    return int(value + 0.5)
