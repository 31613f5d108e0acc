"""Field-by-field differences between two versions of one object, as JSON Pointers.

Equality is the API's, not Python's: an absent field, null, `{}` and `[]` are the same
(omitempty serialisation prints none of them), booleans are not numbers, and `80` is not
`"80"` (int-or-string fields keep their type). Lists with a merge key are compared item by
item on that key, so a reordered `env` or a container inserted in the middle changes only
what really changed; other lists are compared whole.
"""

from __future__ import annotations

from typing import Any

from kplan.plan.merge import keyed_items
from kplan.plan.model import ABSENT, FieldChange
from kplan.resource import json_pointer_escape
from kplan.schema.structure import Node, Structure, merge_key


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


def field_changes(
    before: Any, after: Any, structure: Structure, node: Node, path: str = ""
) -> list[FieldChange]:
    changes: list[FieldChange] = []
    _diff(before, after, structure, node, path, changes)
    return changes


def _diff(
    before: Any, after: Any, structure: Structure, node: Node, path: str, out: list[FieldChange]
) -> None:
    if same(before, after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            _diff(
                before.get(key, ABSENT),
                after.get(key, ABSENT),
                structure,
                structure.child(node, key),
                f"{path}/{json_pointer_escape(key)}",
                out,
            )
        return
    if isinstance(before, list) and isinstance(after, list):
        key = merge_key(node)
        if key is not None and _diff_keyed(before, after, key, structure, node, path, out):
            return
    out.append(FieldChange(path, _shown(before), _shown(after)))


def _shown(value: Any) -> Any:
    return ABSENT if is_empty(value) else value


def _diff_keyed(
    before: list[Any],
    after: list[Any],
    key: str,
    structure: Structure,
    node: Node,
    path: str,
    out: list[FieldChange],
) -> bool:
    """Items matched on the merge key; False when the key does not identify the items."""
    before_index = keyed_items(before, key)
    after_index = keyed_items(after, key)
    if before_index is None or after_index is None:
        return False
    item_node = structure.item(node)
    for position, item in enumerate(after):
        previous = before_index.get(item[key])
        old = before[previous] if previous is not None else ABSENT
        _diff(old, item, structure, item_node, f"{path}/{position}", out)
    for identity, position in before_index.items():
        if identity not in after_index:
            out.append(FieldChange(f"{path}/{position}", before[position], ABSENT))
    return True
