"""Shared helpers for the API-server defaulting modules (kplan.k8s.defaults and friends).

Inputs are decoded manifests and may hold any JSON type anywhere, so every helper checks
types and silently skips what it cannot default. Go's "zero value" rules are mirrored:
a pointer field is defaulted when absent or null, a plain string when also "", a plain
integer when also 0 (upstream cannot tell 0 from unset there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Version = tuple[int, int]

# Used when the version text cannot be read: behave like the newest release.
NEWEST: Version = (1, 99)

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)")


def parse_version(text: object) -> Version:
    """ "1.33", "v1.33" or "1.33.4" as (1, 33), compared numerically; unreadable -> NEWEST."""
    match = _VERSION.match(text) if isinstance(text, str) else None
    if match is None:
        return NEWEST
    return int(match.group(1)), int(match.group(2))


def as_dict(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def dicts(value: object) -> Iterator[dict[str, Any]]:
    """The mapping items of a list (anything else in it, or a non-list, is skipped)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item


def child(obj: dict[str, Any], key: str) -> dict[str, Any] | None:
    """obj[key] when it is a mapping."""
    return as_dict(obj.get(key))


def ensure_child(obj: dict[str, Any], key: str) -> dict[str, Any] | None:
    """obj[key], created as {} when absent or null; None when it holds another type."""
    value = obj.get(key)
    if value is None:
        value = obj[key] = {}
    return as_dict(value)


def is_zero_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def set_if_nil(obj: dict[str, Any], key: str, value: Any) -> None:
    """Default a pointer field: absent or null."""
    if obj.get(key) is None:
        obj[key] = value


def set_if_empty_string(obj: dict[str, Any], key: str, value: Any) -> None:
    """Default a plain string field: absent, null or ""."""
    current = obj.get(key)
    if current is None or current == "":
        obj[key] = value


def set_if_zero(obj: dict[str, Any], key: str, value: Any) -> None:
    """Default a plain integer field: absent, null or 0."""
    current = obj.get(key)
    if current is None or is_zero_number(current):
        obj[key] = value


def non_empty(value: object) -> bool:
    """Go's len(x) > 0 for strings, lists and maps."""
    return isinstance(value, (str, list, dict)) and len(value) > 0
