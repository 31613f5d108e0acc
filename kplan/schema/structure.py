"""The shape of built-in kinds as the diff needs it: which lists merge by key.

`kubectl apply` merges lists with a strategic merge patch: a list whose Go field carries
`patchStrategy:"merge"` and `patchMergeKey:"name"` (containers, env, volumes, ports...) is
matched item by item on that key; every other list is replaced whole. The OpenAPI schemas
carry both tags as `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`, so the
bundled definitions answer the question for every version. Custom resources are patched with
JSON merge patch (lists replaced whole): their nodes are None here.
"""

from __future__ import annotations

import functools
from typing import Any

from kplan.schema.catalog import resolve_version

# A schema node: one (transformed) definition or a sub-schema of it; None when unknown.
Node = dict[str, Any] | None
_REF_PREFIX = "#/$defs/"


class Structure:
    """Navigates one Kubernetes version's definitions along an object's fields."""

    def __init__(self, kubernetes_version: str) -> None:
        from kplan.schema.catalog import _bundle, _definitions

        self.version = resolve_version(kubernetes_version)
        self._kinds: dict[str, dict[str, str]] = _bundle(self.version)["kinds"]
        self._definitions = _definitions(self.version, False)
        # (id of node, key or None for items) -> (node, answer): a plan walks the same few
        # paths for thousands of objects; the node is kept so that its id is not reused
        self._walked: dict[tuple[int, str | None], tuple[Node, Node]] = {}

    def root(self, api_version: str, kind: str) -> Node:
        name = self._kinds.get(api_version, {}).get(kind)
        return self._definitions.get(name) if name is not None else None

    def _resolve(self, node: Node) -> Node:
        """The node a `$ref` points at, keeping the referring node's `x-kubernetes-*` keys
        (patch strategies are written next to the `$ref`, on the field)."""
        extensions: dict[str, Any] = {}
        while isinstance(node, dict):
            ref = node.get("$ref")
            if not (isinstance(ref, str) and ref.startswith(_REF_PREFIX)):
                return {**node, **extensions} if extensions else node
            extensions.update(
                (key, value) for key, value in node.items() if key.startswith("x-kubernetes-")
            )
            node = self._definitions.get(ref[len(_REF_PREFIX) :])
        return None

    def child(self, node: Node, key: str) -> Node:
        """Schema of field `key` of an object (a property, or a map's values)."""
        walked = self._walked.get((id(node), key))
        if walked is not None and walked[0] is node:
            return walked[1]
        resolved = self._resolve(node)
        found = None
        if resolved is not None:
            properties = resolved.get("properties")
            extra = resolved.get("additionalProperties")
            if isinstance(properties, dict) and key in properties:
                found = self._resolve(properties[key])
            elif isinstance(extra, dict):
                found = self._resolve(extra)
        self._walked[(id(node), key)] = (node, found)
        return found

    def item(self, node: Node) -> Node:
        """Schema of a list's items."""
        walked = self._walked.get((id(node), None))
        if walked is not None and walked[0] is node:
            return walked[1]
        resolved = self._resolve(node)
        items = resolved.get("items") if resolved is not None else None
        found = self._resolve(items) if isinstance(items, dict) else None
        self._walked[(id(node), None)] = (node, found)
        return found


def merge_key(node: Node) -> str | None:
    """The key a strategic merge patch matches this list's items by, or None (replace)."""
    if not isinstance(node, dict):
        return None
    strategy = node.get("x-kubernetes-patch-strategy")
    key = node.get("x-kubernetes-patch-merge-key")
    if isinstance(key, str) and isinstance(strategy, str) and "merge" in strategy.split(","):
        return key
    return None


def is_primitive_merge_list(node: Node) -> bool:
    """A merge-strategy list of scalars (finalizers): merged as a set, in order."""
    if not isinstance(node, dict):
        return False
    strategy = node.get("x-kubernetes-patch-strategy")
    merging = isinstance(strategy, str) and "merge" in strategy.split(",")
    return merging and "x-kubernetes-patch-merge-key" not in node


@functools.cache
def structure(kubernetes_version: str) -> Structure:
    return Structure(kubernetes_version)
