"""Equality of Kubernetes values as the API sees them: an absent field, null, `{}` and `[]`
are the same (omitempty serialisation prints none of them), booleans are not numbers, `1`
equals `1.0`, and `80` is not `"80"` (int-or-string fields keep their type). The plan's
field diff and the immutable-field checks both ask this question.
"""

from __future__ import annotations

from typing import Any


class _Absent:
    """A field that is not there (distinct from a field set to null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()


def is_empty(value: Any) -> bool:
    return value is ABSENT or value is None or value == {} or value == []


def same(left: Any, right: Any) -> bool:
    """API equality (see the module docstring). Written as a type dispatch without
    generators: plans call it on every subtree of every updated object."""
    if left is right:
        return True
    if isinstance(left, dict):
        if not isinstance(right, dict):
            return not left and is_empty(right)
        for key, value in left.items():
            if not same(value, right.get(key, ABSENT)):
                return False
        for key, value in right.items():
            if key not in left and not is_empty(value):
                return False
        return True
    if isinstance(right, dict):
        return not right and is_empty(left)
    if isinstance(left, list):
        if not isinstance(right, list):
            return not left and is_empty(right)
        return len(left) == len(right) and all(map(same, left, right))
    if isinstance(right, list):
        return not right and is_empty(left)
    if left is None or left is ABSENT:
        return right is None or right is ABSENT
    if right is None or right is ABSENT:
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return type(left) is type(right) and left == right or _same_number(left, right)


def _same_number(left: Any, right: Any) -> bool:
    numbers = (int, float)
    return isinstance(left, numbers) and isinstance(right, numbers) and left == right
