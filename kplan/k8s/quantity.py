"""resource.Quantity, as k8s.io/apimachinery pkg/api/resource (quantity.go, suffix.go,
amount.go) parses and prints it.

Values are exact `decimal.Decimal`s: no float ever. `Quantity.parse` keeps what upstream keeps
(the value, its Format, and the input string when upstream re-emits it unchanged), so
`str(Quantity.parse(x))` is what the API server stores and prints for `x`. The diff planner
compares those strings to avoid reporting `1024Mi` -> `1Gi` as a change.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

__all__ = [
    "BINARY_SI",
    "DECIMAL_EXPONENT",
    "DECIMAL_SI",
    "Quantity",
    "QuantityError",
    "canonicalize",
    "canonicalize_resource",
    "format_quantity",
    "is_integral",
    "parse_quantity",
    "parse_quantity_string",
]

DECIMAL_EXPONENT = "DecimalExponent"  # 12e6
BINARY_SI = "BinarySI"  # 12Mi
DECIMAL_SI = "DecimalSI"  # 12M

SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_DECIMAL_SUFFIXES = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIX_OF = {exponent: suffix for suffix, exponent in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIX_OF = {exponent // 10: suffix for suffix, exponent in _BINARY_SUFFIXES.items()}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
_MAX_INT64_FACTORS = 18
_MAX_ALLOWED = Decimal(2**63 - 1)  # binarySI values are capped here, silently
_NANO = Decimal("1e-9")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# Exponents reach int32 range ("1e2000000000" is a valid quantity): no overflow traps.
_CONTEXT = decimal.Context(prec=60, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
# Go's unicode.IsSpace, which strings.TrimSpace uses.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


class QuantityError(ValueError):
    """A string the API server cannot decode as a quantity; str() is upstream's message."""


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity: exact value, the format it prints in, and upstream's cached string.

    `cached` is the input itself when ParseQuantity keeps it (it was already canonical as far
    as upstream checks, which lets "+1Mi" or "1.500" through unchanged); None otherwise.
    """

    value: Decimal
    format: str
    cached: str | None = None
    scale: int | None = None  # the int64Amount scale when upstream parsed it on the fast path

    @classmethod
    def parse(cls, value: object) -> Quantity:
        """A manifest value, decoded as the API server's JSON decoder does (see parse_quantity)."""
        if value is None:
            return Quantity(Decimal(0), "")
        return _parse_cached(_json_text(value))

    def round_up(self, scale: int) -> Quantity:
        """RoundUp: the value rounded away from zero to a multiple of 10^scale.

        The v1 defaults round every ResourceList entry up to milli (SetDefaults_ResourceList,
        `RoundUp(-3)`), so a container's "0.0001" cpu is stored as "1m". The cached string
        survives only when upstream keeps it (an int64 value already at that scale or coarser).
        """
        if self.scale is not None and self.scale >= scale:
            return self
        rounded = self.value
        _, digits, exponent = rounded.as_tuple()
        if isinstance(exponent, int) and exponent < scale:
            context = decimal.Context(
                prec=len(digits) + scale - exponent + 2,
                Emax=decimal.MAX_EMAX,
                Emin=decimal.MIN_EMIN,
            )
            step = Decimal(1).scaleb(scale, context)
            rounded = rounded.quantize(step, rounding=decimal.ROUND_UP, context=context)
        return Quantity(rounded, self.format, None, None)

    def __str__(self) -> str:
        if self.cached is not None:
            return self.cached
        return format_quantity(self.value, self.format)


def parse_quantity(value: object) -> Decimal:
    """The exact value of a manifest's quantity: a string, an int or a float.

    Like Quantity.UnmarshalJSON: surrounding whitespace is trimmed, numbers are read from
    their JSON text, null is zero. Raises QuantityError with upstream's message otherwise.
    """
    return Quantity.parse(value).value


def parse_quantity_string(text: str) -> Quantity:
    """ParseQuantity itself: no trimming, so " 1" is an error (TestQuantityParse)."""
    return _parse_cached(text)


def canonicalize(value: object) -> str:
    """What the API server stores and prints for this manifest value (Quantity.String)."""
    return str(Quantity.parse(value))


def canonicalize_resource(value: object) -> str:
    """What the API server stores for a ResourceList entry (container requests and limits,
    quota hard limits, PVC requests...): the defaults round those up to milli first."""
    return str(Quantity.parse(value).round_up(-3))


def _json_text(value: object) -> str:
    """The bytes UnmarshalJSON would see, as text, with TrimSpace applied."""
    if isinstance(value, str):
        return value.strip(_GO_SPACE)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_json_float(value)
    raise QuantityError(ERR_FORMAT_WRONG)


def _go_json_float(number: float) -> str:
    """encoding/json's float64 text: shortest digits, 'e' form below 1e-6 or from 1e21."""
    if math.isnan(number) or math.isinf(number):
        raise QuantityError(ERR_FORMAT_WRONG)
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    digits = Decimal(repr(number))
    magnitude = abs(number)
    if 1e-6 <= magnitude < 1e21:
        fixed = format(digits, "f")
        return fixed.rstrip("0").rstrip(".") if "." in fixed else fixed
    sign, coefficient, exponent = digits.as_tuple()
    text = "".join(map(str, coefficient)).rstrip("0") or "0"
    power = int(exponent) + len(coefficient) - 1
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    # strconv 'e' pads the exponent to two digits; encoding/json then drops "e-0X"'s zero.
    tail = f"e-{-power}" if power < 0 else f"e+{power:02d}"
    return ("-" if sign else "") + mantissa + tail


@lru_cache(maxsize=8192)
def _parse_cached(text: str) -> Quantity:
    return _parse(text)


def _scan(text: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, num, denom, suffix), or QuantityError."""
    positive = True
    pos = 0
    end = len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    while pos < end and text[pos] == "0":  # leading zeros
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    num = text[start:pos] or "0"
    if pos >= end:
        return positive, text, num, "", ""
    denom = ""
    if text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
        if pos >= end:
            return positive, text, num, denom, ""
    value = text[:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos >= end:
        return positive, value, num, denom, text[suffix_start:]
    if text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:  # something other than an exponent follows the suffix letters
        raise QuantityError(ERR_FORMAT_WRONG)
    return positive, value, num, denom, text[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, str] | None:
    """suffixHandler.interpret: (base, exponent, format), or None for an unknown suffix."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exponent = _go_parse_int64(suffix[1:])
        if exponent is None:
            return None
        # Go stores the exponent as int32, wrapping larger values.
        return 10, (exponent + 2**31) % 2**32 - 2**31, DECIMAL_EXPONENT
    return None


def _go_parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64): optional sign, ASCII digits, int64 range."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not all(char in _DIGITS for char in digits):
        return None
    number = int(text)
    return number if _INT64_MIN <= number <= _INT64_MAX else None


def _parse(text: str) -> Quantity:
    """ParseQuantity."""
    if not text:
        raise QuantityError(ERR_FORMAT_WRONG)
    if text == "0":
        return Quantity(Decimal(0), DECIMAL_SI, "0")
    positive, value_text, num, denom, suffix = _scan(text)
    interpreted = _interpret(suffix)
    if interpreted is None:
        raise QuantityError(ERR_SUFFIX)
    base, exponent, fmt = interpreted

    # The int64 fast path: it decides whether upstream keeps the input string as is.
    if fmt == BINARY_SI:
        if exponent >= 0 and not denom:
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1
        scale = 0
    else:
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
        scale = exponent
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = num + denom
            mantissa = int(shifted)
            result = mantissa << exponent if fmt == BINARY_SI else mantissa
            if result <= _INT64_MAX:
                signed = result if positive else -result
                amount = Decimal(signed).scaleb(scale, _CONTEXT)
                if fmt == BINARY_SI:
                    keep = mantissa & 0x07 != 0
                else:
                    keep = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
                return Quantity(amount, fmt, text if keep else None, scale)

    # The inf.Dec slow path: exact arithmetic, rounded up to nano, binary capped at 2^63-1.
    context = decimal.Context(prec=len(text) + 40, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    try:
        amount = Decimal(value_text if value_text not in ("", "+", "-") else "0")
    except decimal.InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise QuantityError(ERR_NUMERIC)
    if base == 10:
        amount = amount.scaleb(exponent, context)
    else:
        amount = context.multiply(amount, Decimal(2**exponent))
    negative = amount.is_signed()
    amount = amount.copy_abs()
    if amount != 0 and amount.as_tuple().exponent < -9:  # type: ignore[operator]
        amount = amount.quantize(_NANO, rounding=decimal.ROUND_UP, context=context)
    if fmt == BINARY_SI and amount > _MAX_ALLOWED:
        amount = _MAX_ALLOWED
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI
    return Quantity(amount.copy_negate() if negative else amount, fmt)


def is_integral(value: Decimal) -> bool:
    """Whether a finite Decimal is a whole number, exactly, whatever its size."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return True
    return not any(digits[exponent:]) if -exponent <= len(digits) else not any(digits)


def format_quantity(value: Decimal, fmt: str) -> str:
    """CanonicalizeBytes: no fractional digits, the largest suffix that loses nothing."""
    if value == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < value < 1024 or not is_integral(value):
            fmt = DECIMAL_SI  # upstream shows small or fractional binary values as decimal
        else:
            number = int(value)
            power = 0
            while number % 1024 == 0:
                number //= 1024
                power += 1
            suffix = _BINARY_SUFFIX_OF.get(power)
            if suffix is not None:
                return f"{number}{suffix}"
            return f"{number * 1024**power}"
    elif fmt not in (DECIMAL_SI, DECIMAL_EXPONENT):
        fmt = DECIMAL_EXPONENT
    sign, digits, exponent = value.as_tuple()
    text = "".join(map(str, digits))
    stripped = text.rstrip("0")
    exponent = int(exponent) + len(text) - len(stripped)  # type: ignore[arg-type]
    extra = exponent % 3  # move the exponent down to a multiple of 3
    mantissa = stripped + "0" * extra
    exponent -= extra
    if sign:
        mantissa = "-" + mantissa
    if fmt == DECIMAL_SI and exponent in _DECIMAL_SUFFIX_OF:
        return mantissa + _DECIMAL_SUFFIX_OF[exponent]
    # DecimalExponent, and DecimalSI beyond "E": upstream falls back to exponent notation.
    return mantissa if exponent == 0 else f"{mantissa}e{exponent}"
