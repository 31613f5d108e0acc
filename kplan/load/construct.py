"""One YAML document -> plain JSON-like data plus the file position of every value.

ruamel.yaml's C parser (ruamel.yaml.clib) scans and composes nodes in C; we build plain
dicts/lists from the nodes ourselves, because ruamel's own constructors read YAML 1.2 (or 1.1
with different rules) and are 20x slower in round-trip mode. Construction is iterative, so
depth never raises RecursionError, and it applies the limits go-yaml v2 enforces for Kubernetes
(kubernetes-sigs/yaml goyaml.v2): at most 10,000 levels of nesting (scannerc.go max_flow_level /
max_indents) and no "excessive aliasing" (decode.go allowedAliasRatio, the CVE-2019-11253 fix).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.tag import Tag

from kplan.load.scalars import ScalarError, json_key, resolve_plain
from kplan.resource import Position, json_pointer_escape

MAX_DEPTH = 10_000
PLAIN_TAG = Tag(suffix="?")
QUOTED_TAG = Tag(suffix="tag:yaml.org,2002:str")
COLLECTION_TAG = Tag(suffix="!")
_TAG_PREFIX = "tag:yaml.org,2002:"

# go-yaml v2 decode.go: aliasing is refused once more than 100 aliased decodes make up more
# than this share of all decodes; the share allowed falls from 0.99 (up to 400,000 decodes)
# linearly to 0.10 (4,000,000 decodes and more).
_ALIAS_RATIO_LOW = 400_000
_ALIAS_RATIO_HIGH = 4_000_000


def allowed_alias_ratio(decodes: int) -> float:
    if decodes <= _ALIAS_RATIO_LOW:
        return 0.99
    if decodes >= _ALIAS_RATIO_HIGH:
        return 0.10
    span = _ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW
    return 0.99 - 0.89 * ((decodes - _ALIAS_RATIO_LOW) / span)


class DecodeError(Exception):
    """A document that cannot become JSON; line/column are 1-based and relative to the
    document's text (the caller adds the document's offset in the file)."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _mark(node: Any) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


# A key set by a merge ('<<'): a key written after it may override it.
_MERGED = object()


class Builder:
    """Builds one document. `line_offset` turns document lines into file lines. With
    `track=False` only the root's position is recorded: the rest costs a third of the
    building, and a document's table can be built again when a message needs it."""

    def __init__(self, line_offset: int, track: bool = True) -> None:
        self.line_offset = line_offset
        self.track = track
        self.positions: dict[str, Position] = {}
        self.decodes = 0
        self.aliased = 0
        self._seen: set[int] = set()

    # -- scalars -------------------------------------------------------------------------

    def scalar(self, node: Any) -> Any:
        tag = node.ctag
        value = node.value
        if tag is QUOTED_TAG:
            return value
        if tag is PLAIN_TAG:
            try:
                return resolve_plain(value)
            except ScalarError as error:
                raise self.error(str(error), node) from None
        return self._tagged(node, str(tag), value)

    def _tagged(self, node: Any, tag: str, value: str) -> Any:
        """Explicit tags (!!str 12, !!int "3"...) as go-yaml v2 applies them."""
        short = tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag
        if short in ("str", "timestamp"):
            return value
        if short == "binary":
            import base64  # rare; kept off the start-up path
            import binascii

            try:
                return base64.b64decode(value, validate=False).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                raise self.error("!!binary value is not valid base64", node) from None
        resolved = resolve_plain(value) if value else None
        wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}.get(short)
        if wanted is None:
            return resolved  # local tags (!foo) carry no meaning for Kubernetes
        if isinstance(resolved, bool) and short != "bool" or not isinstance(resolved, wanted):
            raise self.error(f"cannot decode !!{short} {value!r}", node)
        return resolved

    def error(self, message: str, node: Any) -> DecodeError:
        line, column = _mark(node)
        return DecodeError(message, line, column)

    # -- collections ---------------------------------------------------------------------

    def _count(self, in_alias: bool) -> None:
        self.decodes += 1
        if in_alias:
            self.aliased += 1
            if (
                self.aliased > 100
                and self.decodes > 1000
                and self.aliased / self.decodes > allowed_alias_ratio(self.decodes)
            ):
                raise DecodeError(
                    "document contains excessive aliasing (an alias bomb, CVE-2019-11253); "
                    "Kubernetes refuses it",
                    None,
                    None,
                )

    def build(self, root: Any, pointer: str = "", depth: int = 0, in_alias: bool = False) -> Any:
        """Value of `root`, recording positions under `pointer`."""
        offset = self.line_offset
        positions = self.positions
        track = self.track
        seen = self._seen
        if pointer not in positions:
            line, column = _mark(root)
            positions[pointer] = (line + offset, column, line + offset, column)
        holder: list[Any] = [None]
        # Frames: (node, container, slot, pointer, depth, in_alias).
        stack: list[tuple[Any, Any, Any, str, int, bool]] = [
            (root, holder, 0, pointer, depth, in_alias)
        ]
        scalar = self.scalar
        while stack:
            node, container, slot, path, level, aliased = stack.pop()
            if not isinstance(node.value, list):
                self._count(aliased)
                container[slot] = scalar(node)
                continue
            if level > MAX_DEPTH:
                raise self.error(f"exceeded max depth of {MAX_DEPTH}", node)
            key_id = id(node)
            if key_id in seen:
                aliased = True
            else:
                seen.add(key_id)
            self._count(aliased)
            children = node.value
            if type(node) is SequenceNode:
                items: list[Any] = [None] * len(children)
                container[slot] = items
                for index, child in enumerate(children):
                    child_path = ""
                    if track:
                        child_path = f"{path}/{index}"
                        cline, ccol = _mark(child)
                        cline += offset
                        positions[child_path] = (cline, ccol, cline, ccol)
                    stack.append((child, items, index, child_path, level + 1, aliased))
                continue
            mapping: dict[str, Any] = {}
            container[slot] = mapping
            key_nodes: dict[str, Any] = {}  # key -> its node, or _MERGED
            for key_node, value_node in children:
                if key_node.ctag is PLAIN_TAG and key_node.value == "<<":
                    self._merge(mapping, key_nodes, value_node, path, level, aliased)
                    continue
                if isinstance(key_node.value, list):
                    raise self.error("a mapping key must be a scalar", key_node)
                key = json_key(scalar(key_node))
                if key is None:
                    raise self.error(
                        "a null mapping key has no JSON form (Kubernetes: unsupported map key)",
                        key_node,
                    )
                first = key_nodes.get(key)
                if first is not None and first is not _MERGED:
                    kline, kcol = _mark(key_node)
                    raise DecodeError(
                        f'duplicate key "{key}" (first set on line {_mark(first)[0] + offset}); '
                        "Kubernetes' strict decoding refuses it",
                        kline,
                        kcol,
                    )
                key_nodes[key] = key_node
                child_path = ""
                if track:
                    child_path = f"{path}/{json_pointer_escape(key)}"
                    kline, kcol = _mark(key_node)
                    vline, vcol = _mark(value_node)
                    positions[child_path] = (vline + offset, vcol, kline + offset, kcol)
                mapping[key] = None
                stack.append((value_node, mapping, key, child_path, level + 1, aliased))
        return holder[0]

    def _merge(
        self,
        mapping: dict[str, Any],
        key_nodes: dict[str, Any],
        value_node: Any,
        path: str,
        level: int,
        aliased: bool,
    ) -> None:
        """`<<: *base` or `<<: [*a, *b]`, merged as go-yaml v2 does (decode.go merge):
        earlier maps in a list win, and keys written after the merge override it. A merge
        that would override a key written before it is refused: go-yaml v2 lets the merge win
        there while the YAML spec lets the explicit key win, so the result is ambiguous."""
        if type(value_node) is SequenceNode:
            sources = list(reversed(value_node.value))
        else:
            sources = [value_node]
        for source in sources:
            if type(source) is not MappingNode:
                raise self.error("merge key '<<' needs a mapping or a list of mappings", source)
            merged = self.build(source, path, level + 1, aliased)
            for key, value in merged.items():
                if key_nodes.get(key, _MERGED) is not _MERGED:
                    raise self.error(
                        f'merge key "<<" would override "{key}" set above it; Kubernetes '
                        "(go-yaml) and the YAML spec disagree on the result: put '<<' first",
                        source,
                    )
                key_nodes[key] = _MERGED  # a later explicit key may override it
                mapping[key] = value
