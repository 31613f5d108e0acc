"""What the API server would store after `kubectl apply`: a three-way merge, offline.

`kubectl apply` (client-side) sends a strategic merge patch computed from three objects: the
manifest, the last-applied configuration it stored in an annotation last time, and the live
object. Its rules, which this module reproduces on plain data:

- a field in the manifest is set to the manifest's value (maps merge key by key);
- a field in last-applied but not in the manifest is removed (the server then re-defaults it);
- a field only in the live object is kept: defaults, controllers' and other tools' fields;
- lists whose schema says `patchStrategy: merge` are merged item by item on their merge key
  (containers by name, ports by containerPort, ...); every other list is replaced whole;
- `retainKeys` maps (Deployment strategy, volume sources) drop the live keys the manifest does
  not set, when the manifest changed that map.

Without a last-applied annotation nothing is removed: only the fields the manifest sets are
compared (Argo CD's two-way diff, kubectl's behaviour for objects it did not create).
Source: kubernetes.io "Declarative Management of Kubernetes Objects Using Configuration Files"
(merge patch calculation) and k8s.io/apimachinery pkg/util/strategicpatch.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kplan.k8s.jsoncopy import deep_copy
from kplan.plan.model import ABSENT
from kplan.schema.structure import Node, Structure, is_primitive_merge_list, merge_key


def three_way_merge(
    live: dict[str, Any], desired: dict[str, Any], last: Any, structure: Structure, root: Node
) -> dict[str, Any]:
    """The live object after applying `desired`; `last` is last-applied or ABSENT."""
    merged = _Merger(structure).merge(live, desired, last, root)
    return merged if isinstance(merged, dict) else {}


def keyed_items(items: list[Any], key: str) -> dict[Hashable, int] | None:
    """Index of each item by its merge key, or None when the key does not identify the items
    (a non-mapping item, a missing or duplicate key): such a list is treated as atomic."""
    index: dict[Hashable, int] = {}
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            return None
        value = item.get(key)
        if value is None or not isinstance(value, Hashable) or value in index:
            return None
        index[value] = position
    return index


def _retains_keys(node: Node) -> bool:
    strategy = node.get("x-kubernetes-patch-strategy") if isinstance(node, dict) else None
    return isinstance(strategy, str) and "retainKeys" in strategy.split(",")


class _Merger:
    def __init__(self, structure: Structure) -> None:
        self.structure = structure

    def merge(self, live: Any, desired: Any, last: Any, node: Node) -> Any:
        if isinstance(desired, dict) and isinstance(live, dict):
            return self._merge_maps(live, desired, last, node, retain=False)
        if isinstance(desired, list) and isinstance(live, list):
            return self._merge_lists(live, desired, last, node)
        return deep_copy(desired)

    def _merge_maps(
        self, live: dict[str, Any], desired: dict[str, Any], last: Any, node: Node, retain: bool
    ) -> dict[str, Any]:
        last_map = last if isinstance(last, dict) else {}
        if retain and desired != last:
            merged = {key: value for key, value in live.items() if key in desired}
        else:
            merged = dict(live)
        for key, value in desired.items():
            if value is None:  # an explicit null in a manifest deletes the field
                merged.pop(key, None)
                continue
            child = self.structure.child(node, key)
            if isinstance(value, dict) and _retains_keys(child) and isinstance(live.get(key), dict):
                merged[key] = self._merge_maps(
                    live[key], value, last_map.get(key, ABSENT), child, retain=True
                )
            else:
                merged[key] = self.merge(
                    live.get(key, ABSENT), value, last_map.get(key, ABSENT), child
                )
        for key in last_map:
            if key not in desired:
                merged.pop(key, None)
        return merged

    def _merge_lists(self, live: list[Any], desired: list[Any], last: Any, node: Node) -> Any:
        key = merge_key(node)
        if key is None:
            if is_primitive_merge_list(node):
                return self._merge_sets(live, desired, last)
            return deep_copy(desired)
        live_index = keyed_items(live, key)
        desired_index = keyed_items(desired, key)
        if live_index is None or desired_index is None:
            return deep_copy(desired)
        last_items = last if isinstance(last, list) else []
        last_index = keyed_items(last_items, key) or {}
        item_node = self.structure.item(node)
        retain = _retains_keys(node)
        merged: list[Any] = []
        for item in desired:
            identity = item[key]
            last_item = last_items[last_index[identity]] if identity in last_index else ABSENT
            if identity in live_index:
                live_item = live[live_index[identity]]
                merged.append(self._merge_maps(live_item, item, last_item, item_node, retain))
            else:
                merged.append(deep_copy(item))
        for item in live:
            identity = item[key]
            if identity not in desired_index and identity not in last_index:
                merged.append(item)  # someone else's item: apply keeps it
        return merged

    @staticmethod
    def _merge_sets(live: list[Any], desired: list[Any], last: Any) -> list[Any]:
        """Merge lists of scalars (finalizers): desired items, then live-only ones that the
        manifest did not remove."""
        removed = [item for item in last if item not in desired] if isinstance(last, list) else []
        merged = list(desired)
        merged += [item for item in live if item not in desired and item not in removed]
        return merged
