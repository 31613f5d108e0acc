"""Go's float64 functions where Python's differ in the last bit.

PodTopologySpread weighs each constraint by math.Log(domains + 2). Go computes Log with its
own port of FreeBSD's e_log.c, which is not always bit-identical to the C library's log that
Python calls (they differ for about 1% of integers, log(3) among them); a last-bit difference
could flip a math.Round. `go_log` is that algorithm, operation for operation. `go_round` is
math.Round (half away from zero; Python's round() rounds half to even).
"""

from __future__ import annotations

import math

__all__ = ["go_log", "go_round"]

_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_L1 = 6.666666666666735130e-01
_L2 = 3.999999999940941908e-01
_L3 = 2.857142874366239149e-01
_L4 = 2.222219843214978396e-01
_L5 = 1.818357216161805012e-01
_L6 = 1.531383769920937332e-01
_L7 = 1.479819860511658591e-01
_SQRT2_HALF = 1.41421356237309504880168872420969808 / 2


def go_log(x: float) -> float:
    """math.Log for finite x > 0."""
    if x <= 0 or math.isinf(x) or math.isnan(x):
        return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)
    f1, exponent = math.frexp(x)
    if f1 < _SQRT2_HALF:
        f1 *= 2
        exponent -= 1
    f = f1 - 1
    k = float(exponent)
    s = f / (2 + f)
    s2 = s * s
    s4 = s2 * s2
    t1 = s2 * (_L1 + s4 * (_L3 + s4 * (_L5 + s4 * _L7)))
    t2 = s4 * (_L2 + s4 * (_L4 + s4 * _L6))
    r = t1 + t2
    hfsq = 0.5 * f * f
    return k * _LN2_HI - ((hfsq - (s * (hfsq + r) + k * _LN2_LO)) - f)


def go_round(x: float) -> int:
    """math.Round to an int: halves away from zero."""
    if x >= 0:
        floor = math.floor(x)
        return int(floor + 1 if x - floor >= 0.5 else floor)
    return -go_round(-x)
