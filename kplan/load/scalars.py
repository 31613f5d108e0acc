"""Plain YAML scalars read the way Kubernetes reads them.

kubectl and the API server decode YAML with sigs.k8s.io/yaml, which runs go-yaml v2's resolver
(kubernetes-sigs/yaml goyaml.v2/resolve.go) and then converts the result to JSON
(kubernetes-sigs/yaml yaml.go). That is YAML 1.1-ish and differs from both ruamel.yaml's YAML 1.2
default and PyYAML:

- booleans: y Y yes Yes YES true True TRUE on On ON, and n N no No NO false False FALSE off Off OFF;
- nulls: the empty scalar, ~, null, Null, NULL;
- integers: Go's strconv.ParseInt(s, 0, 64) after removing every "_" (so 0644 is octal 420,
  0o644 and 0x1F work), then ParseUint for values above int64;
- floats: the regex below (1e3 is a float), plus .inf/.nan which JSON cannot carry;
- everything else, including 1:30 and timestamps, stays the original text.

A float that holds an integer is written by Go's JSON encoder without a fraction (1e3 -> 1000),
so the API server then decodes it into an integer field; we return an int for it.
"""

from __future__ import annotations

import re

_TRUE = frozenset("y Y yes Yes YES true True TRUE on On ON".split())
_FALSE = frozenset("n N no No NO false False FALSE off Off OFF".split())
_NULL = frozenset(["", "~", "null", "Null", "NULL"])
_SPECIAL_FLOATS = frozenset(
    ".inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF .nan .NaN .NAN".split()
)
# go-yaml v2 only tries numbers when the first character can start one.
_NUMBER_START = frozenset("+-.0123456789")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DECIMAL = re.compile(r"[0-9]+\Z")
_HEX = re.compile(r"[0-9a-fA-F]+\Z")
_OCTAL = re.compile(r"[0-7]+\Z")
_BINARY = re.compile(r"[01]+\Z")

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1
# Go's encoding/json switches to exponent notation from 1e21 on; below that an integral
# float64 is printed as an integer.
_JSON_INTEGRAL_LIMIT = 1e21


class ScalarError(ValueError):
    """A plain scalar Kubernetes cannot turn into JSON (.inf, .nan)."""


def go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) / ParseUint fallback; None when Go would fail."""
    sign = 1
    body = text
    signed = False
    if body[:1] in ("+", "-"):
        signed = True
        if body[0] == "-":
            sign = -1
        body = body[1:]
    if not body:
        return None
    lowered = body[:2].lower()
    if lowered == "0x":
        digits, base, pattern = body[2:], 16, _HEX
    elif lowered == "0o":
        digits, base, pattern = body[2:], 8, _OCTAL
    elif lowered == "0b":
        digits, base, pattern = body[2:], 2, _BINARY
    elif body[0] == "0" and len(body) > 1:
        digits, base, pattern = body[1:], 8, _OCTAL
    else:
        digits, base, pattern = body, 10, _DECIMAL
    if not digits or not pattern.match(digits):
        return None
    value = sign * int(digits, base)
    if INT64_MIN <= value <= INT64_MAX:
        return value
    if not signed and value <= UINT64_MAX:
        return value  # ParseUint accepts it
    return None


def json_number(value: float) -> int | float:
    """The number the API server sees after Go's JSON round trip."""
    if value.is_integer() and abs(value) < _JSON_INTEGRAL_LIMIT:
        return int(value)
    return value


def resolve_plain(text: str) -> object:
    """Value of an unquoted scalar under go-yaml v2's rules (see module docstring)."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[0] not in _NUMBER_START:
        return text
    if text in _SPECIAL_FLOATS:
        raise ScalarError(
            f"{text} is not a number JSON can carry (Kubernetes: json: unsupported value); "
            "quote it if you meant a string"
        )
    plain = text.replace("_", "")
    as_int = go_parse_int(plain)
    if as_int is not None:
        return as_int
    if _FLOAT.match(plain):
        try:
            return json_number(float(plain))
        except OverflowError:  # pragma: no cover - float() returns inf instead of raising
            return text
    return text


def json_key(value: object) -> str | None:
    """A resolved mapping key as sigs.k8s.io/yaml turns it into a JSON object key.

    Non-string keys are printed (5 -> "5", true -> "true", 1.5 -> "1.5"); a null key has no
    JSON form and returns None.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_format_float(value)
    return str(value)


def go_format_float(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 64): shortest digits; exponent form when the decimal
    exponent is below -4 or at least 6 (Go uses precision 6 for that choice when shortest)."""
    if value == 0:
        return "0"
    from decimal import Decimal  # rare (float map keys); kept off the start-up path

    sign = "-" if value < 0 else ""
    shape = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, shape.digits))
    point = len(digits) + int(shape.exponent)
    exponent = point - 1
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"
