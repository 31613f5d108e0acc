"""Field-by-field differences between two versions of one object, as JSON Pointers.

Equality is the API's, not Python's (kplan.k8s.equality: absent, null, `{}` and `[]` are
the same, booleans are not numbers, `80` is not `"80"`). Lists with a merge key are compared item by
item on that key, so a reordered `env` or a container inserted in the middle changes only
what really changed; other lists are compared whole.
"""

from __future__ import annotations

from typing import Any

from kplan.k8s.equality import is_empty, same
from kplan.plan.merge import keyed_items
from kplan.plan.model import ABSENT, FieldChange
from kplan.resource import json_pointer_escape
from kplan.schema.structure import Node, Structure, merge_key


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
