"""A file's text -> resources, one document at a time, never letting one document hide another."""

from __future__ import annotations

import json
import mmap
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kplan.diagnostics import SourceProblem
from kplan.load.construct import DecodeError
from kplan.load.parse import parse_document
from kplan.load.scalars import json_number
from kplan.load.split import Chunk, split_documents
from kplan.resource import Origin, Position, Positions, Resource

# kube-apiserver refuses request bodies above 3 MiB (MaxRequestBodyBytes, the same
# kubernetes/kubernetes PR #83261 that limited YAML aliasing), so a bigger object can
# never be applied; refusing it also bounds the work spent on hostile input.
MAX_DOCUMENT_BYTES = 3 * 1024 * 1024
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass
class Loaded:
    resources: list[Resource] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)


def decode_bytes(data: bytes | mmap.mmap) -> str:
    """Text of a manifest. A UTF-8 BOM is dropped (go-yaml accepts it); UTF-16 with a BOM is
    read as such; bytes that are not UTF-8 survive as surrogate escapes so that only the
    document holding them is refused, with its position. `data` may be a memory map: it is
    decoded without a copy."""
    with memoryview(data) as whole:
        head = bytes(whole[:3])
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return str(whole, "utf-16")
            except UnicodeDecodeError:
                pass
        with whole[3 if head == b"\xef\xbb\xbf" else 0 :] as text:
            return str(text, "utf-8", "surrogateescape")


def load_text(text: str, source: str, *, recorded: bool = False) -> Loaded:
    """`recorded`: kubectl's output of a cluster (see kplan.load.load_paths)."""
    loaded = Loaded()
    if recorded and _one_json_document(text, source, loaded):
        return loaded
    for chunk in split_documents(text):
        _load_chunk(chunk, source, loaded, recorded)
    return loaded


def _one_json_document(text: str, source: str, loaded: Loaded) -> bool:
    """A recorded cluster as `kubectl get -o json` prints it, read whole. Decoding it proves
    there is no document separator (no JSON line starts with "---"), which splitting would
    otherwise look for in every line: 0.08 s of a 140 MB cluster. False (nothing read) for
    anything else, which is then split and read as usual."""
    if not text.startswith("{", _WHITESPACE.match(text).end()) or _undecodable(text):
        return False
    chunk = Chunk(0, text, 1)
    fast = _fast_json(chunk, recorded=True)
    if fast is None:
        return False
    _add_resources(fast[0], fast[1], source, chunk, loaded)
    return True


def _undecodable(text: str) -> re.Match[str] | None:
    return None if text.isascii() else _UNDECODABLE.search(text)


def _problem(
    source: str, chunk: Chunk, line: int | None, column: int | None, message: str
) -> SourceProblem:
    absolute = chunk.first_line + line - 1 if line is not None else chunk.first_line
    return SourceProblem(source, absolute, column if line is not None else 1, message)


def _load_chunk(chunk: Chunk, source: str, loaded: Loaded, recorded: bool) -> None:
    if chunk.separator_error is not None:
        loaded.problems.append(
            SourceProblem(source, chunk.first_line - 1, 1, chunk.separator_error)
        )
        return
    bad = _undecodable(chunk.text)
    if bad is not None:
        line = chunk.text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (chunk.text.rfind("\n", 0, bad.start()) + 1) + 1
        byte = ord(bad.group(0)) - 0xDC00
        loaded.problems.append(
            _problem(
                source,
                chunk,
                line,
                column,
                f"not valid UTF-8 (byte 0x{byte:02X}); Kubernetes reads manifests as UTF-8",
            )
        )
        return
    size = 0 if recorded else len(chunk.text.encode("utf-8", "surrogateescape"))
    if size > MAX_DOCUMENT_BYTES:
        loaded.problems.append(
            _problem(
                source,
                chunk,
                1,
                1,
                f"document is {size / 1048576:.1f} MiB; kube-apiserver accepts at most 3 MiB "
                "per request, so it cannot be applied (not parsed)",
            )
        )
        return
    fast = _fast_json(chunk, recorded)
    if fast is not None:
        _add_resources(fast[0], fast[1], source, chunk, loaded)
        return
    table: Table
    try:
        parsed = parse_document(chunk.text, chunk.first_line - 1, positions=False)
    except DecodeError as error:
        fallback = _json_fallback(chunk)
        if fallback is None:
            loaded.problems.append(_problem(source, chunk, error.line, error.column, error.message))
            return
        value, table = fallback
    else:
        if parsed is None:
            return
        value, table = parsed[0], _RereadTable(chunk, parsed[1][""])
    _add_resources(value, table, source, chunk, loaded)


def _fast_json(chunk: Chunk, recorded: bool = False) -> tuple[Any, _LazyTable] | None:
    """A JSON document (`kubectl get -o json`, generated manifests) read with the C JSON
    decoder, ten times faster than YAML; None when it is not plain valid JSON, and the YAML
    reader then gives the exact error. Values come out as the YAML reader gives them:
    duplicate keys refused, integral floats as integers, NaN/Infinity refused. Only where
    the document and each List item start is recorded; the full position table is built by
    the YAML reader if a message ever needs a field's position."""
    text = chunk.text
    start = _WHITESPACE.match(text).end()  # not lstrip(): a recorded cluster is 100+ MB
    if not text.startswith("{", start):
        return None
    try:
        value, starts = _decode_top_object(text, start, recorded)
    except (ValueError, RecursionError):
        return None
    return value, _LazyTable(chunk, starts)


def _decode_top_object(
    text: str, start: int, recorded: bool = False
) -> tuple[dict[str, Any], dict[str, int]]:
    """The top-level object, decoded key by key so that the offset of every `items` element
    is known; other values are decoded whole by the C decoder. A recorded cluster laid out
    as kubectl prints it is decoded whole (kplan.load.indented_list)."""
    if recorded:
        from kplan.load.indented_list import decode_indented_list

        whole = decode_indented_list(text, start)
        if whole is not None:
            return whole
    return _decode_item_by_item(text, start, recorded)


def _decode_item_by_item(
    text: str, start: int, recorded: bool
) -> tuple[dict[str, Any], dict[str, int]]:
    decoder = json.JSONDecoder(
        object_pairs_hook=None if recorded else _no_duplicates,
        parse_float=_json_float,
        parse_constant=_no_constant,
    )
    skip = _WHITESPACE.match
    starts = {"": start}
    result: dict[str, Any] = {}
    index = skip(text, start + 1).end()
    if text.startswith("}", index):
        index += 1
    else:
        while True:
            key, index = decoder.raw_decode(text, index)
            index = skip(text, index).end()
            if not isinstance(key, str) or not text.startswith(":", index):
                raise ValueError("expected a key and ':'")
            index = skip(text, index + 1).end()
            if key == "items" and text.startswith("[", index):
                value, index = _decode_items(decoder, text, index, starts)
            else:
                value, index = decoder.raw_decode(text, index)
            if key in result:
                raise ValueError("duplicate field")
            result[key] = value
            index = skip(text, index).end()
            if text.startswith("}", index):
                index += 1
                break
            if not text.startswith(",", index):
                raise ValueError("expected ',' or '}'")
            index = skip(text, index + 1).end()
    if text[index:].strip():
        raise ValueError("extra data after the object")
    return result, starts


def _decode_items(
    decoder: json.JSONDecoder, text: str, index: int, starts: dict[str, int]
) -> tuple[list[Any], int]:
    skip = _WHITESPACE.match
    items: list[Any] = []
    index = skip(text, index + 1).end()
    if text.startswith("]", index):
        return items, index + 1
    while True:
        prefix = f"/items/{len(items)}"
        starts[prefix] = index
        item, index = decoder.raw_decode(text, index)
        starts[prefix + "#end"] = index
        items.append(item)
        index = skip(text, index).end()
        if text.startswith("]", index):
            return items, index + 1
        if not text.startswith(",", index):
            raise ValueError("expected ',' or ']'")
        index = skip(text, index + 1).end()


def _json_float(text: str) -> Any:
    return json_number(float(text))


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


class _LazyTable:
    """The position table of a fast-read JSON document, built by the YAML reader on first
    use; document and item starts are known at once. A List item's table is built from that
    item's text alone, so a message about one object of a recorded cluster does not re-read
    the whole cluster."""

    def __init__(self, chunk: Chunk, starts: dict[str, int]) -> None:
        self._chunk = chunk
        self._starts = starts
        self._table: dict[str, Position] | None = None
        self._cursor = (0, 0)  # (offset, lines before it) of the last position asked for

    def start(self, prefix: str) -> tuple[int, int] | None:
        offset = self._starts.get(prefix)
        if offset is None:
            return None
        return self._line_column(offset)

    def _line_column(self, offset: int) -> tuple[int, int]:
        """Items are asked for in order, so lines are counted from the previous answer."""
        text = self._chunk.text
        last_offset, last_line = self._cursor
        if offset < last_offset:
            last_offset, last_line = 0, 0
        line = last_line + text.count("\n", last_offset, offset)
        self._cursor = (offset, line)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return self._chunk.first_line + line, column

    def get(self, pointer: str, default: Any = None) -> Any:
        return self.load().get(pointer, default)

    def load(self) -> dict[str, Position]:
        if self._table is None:
            self._table = self._parse(self._chunk.text, self._chunk.first_line - 1, "")
        return self._table

    def item_loader(
        self, prefix: str, where: tuple[int, int] | None = None
    ) -> Callable[[], dict[str, Position]]:
        """Loader of the positions of one List item (keys carry the item's prefix); `where`
        is the item's start (line, column) when the caller has it."""
        start, end = self._starts.get(prefix), self._starts.get(prefix + "#end")
        if start is None or end is None:
            return self.load
        line, column = where or self._line_column(start)
        return _ItemLoader(self._chunk, start, end, line, column, prefix)

    @staticmethod
    def _parse(text: str, line_offset: int, prefix: str) -> dict[str, Position]:
        try:
            parsed = parse_document(text, line_offset)
        except DecodeError:
            parsed = None
        if parsed is None:
            return {}
        if not prefix:
            return parsed[1]
        return {prefix + pointer: position for pointer, position in parsed[1].items()}


class _RereadTable:
    """The position table of a YAML document read without one (kplan.load.construct): the
    root's position at once, the others by reading the document again on first use (a
    message about a field, a List item's start)."""

    def __init__(self, chunk: Chunk, root: Position) -> None:
        self.reread = _Reread(chunk)
        self._root = root
        self._table: dict[str, Position] | None = None

    def get(self, pointer: str, default: Any = None) -> Any:
        if pointer == "":
            return self._root
        if self._table is None:
            self._table = self.reread()
        return self._table.get(pointer, default)


Table = dict[str, Position] | _LazyTable | _RereadTable


def _json_fallback(chunk: Chunk) -> tuple[Any, dict[str, Position]] | None:
    """JSON that YAML cannot read (tab-indented, mostly): kubectl decodes JSON with a JSON
    decoder, so do the same; positions then point at the document start."""
    stripped = chunk.text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(chunk.text, object_pairs_hook=_no_duplicates)
    except ValueError:
        return None
    return value, {}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate field")
    return result


def _root_position(table: Table, chunk: Chunk, prefix: str) -> tuple[int, int]:
    if isinstance(table, _LazyTable):
        return table.start(prefix) or (chunk.first_line, 1)
    found = table.get(prefix)
    if found is None:
        return chunk.first_line, 1
    return found[0], found[1]


def _add_resources(value: Any, table: Table, source: str, chunk: Chunk, loaded: Loaded) -> None:
    line, column = _root_position(table, chunk, "")
    if not isinstance(value, dict):
        loaded.problems.append(
            SourceProblem(
                source,
                line,
                column,
                f"a Kubernetes object must be a mapping, found {json_type(value)}",
            )
        )
        return
    kind = value.get("kind")
    items = value.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        _add_list_items(value, kind, items, table, source, chunk, loaded)
        return
    _add_object(value, table, "", None, source, chunk, loaded)


def _add_list_items(
    value: dict[str, Any],
    kind: str,
    items: list[Any],
    table: Table,
    source: str,
    chunk: Chunk,
    loaded: Loaded,
) -> None:
    """kubectl and kubeconform expand `kind: List` (and typed lists such as PodList);
    items of a typed list may leave apiVersion/kind to the list."""
    list_api_version = value.get("apiVersion")
    item_kind = kind[: -len("List")] if kind != "List" else None
    for index, item in enumerate(items):
        prefix = f"/items/{index}"
        if not isinstance(item, dict):
            line, column = _root_position(table, chunk, prefix)
            loaded.problems.append(
                SourceProblem(
                    source,
                    line,
                    column,
                    f"item {index} of the {kind} must be a mapping, found {json_type(item)}",
                )
            )
            continue
        if item_kind is not None:
            if "kind" not in item:
                item = {"kind": item_kind, **item}
            if "apiVersion" not in item and isinstance(list_api_version, str):
                item = {"apiVersion": list_api_version, **item}
        _add_object(item, table, prefix, index, source, chunk, loaded)


class _Reread:
    """The position table of a YAML document, parsed again from its text (a class, not a
    closure, so that manifests can be pickled: kplan.parallel)."""

    def __init__(self, chunk: Chunk) -> None:
        self.text, self.first_line = chunk.text, chunk.first_line

    def __call__(self) -> dict[str, Position]:
        return _LazyTable._parse(self.text, self.first_line - 1, "")


class _ItemLoader:
    """The position table of one List item, read from that item's text alone (a class, not
    a closure, so that the manifests can be pickled: kplan.parallel)."""

    def __init__(
        self, chunk: Chunk, start: int, end: int, line: int, column: int, prefix: str
    ) -> None:
        self.chunk, self.start, self.end, self.prefix = chunk, start, end, prefix
        self.line, self.column = line, column

    def __call__(self) -> dict[str, Position]:
        text = " " * (self.column - 1) + self.chunk.text[self.start : self.end]
        return _LazyTable._parse(text, self.line - 1, self.prefix)


def _add_object(
    body: dict[str, Any],
    table: Table,
    prefix: str,
    item: int | None,
    source: str,
    chunk: Chunk,
    loaded: Loaded,
) -> None:
    line, column = _root_position(table, chunk, prefix)
    where = f"item {item}: " if item is not None else ""
    for field_name in ("apiVersion", "kind"):
        found = body.get(field_name)
        if found is None or found == "":
            loaded.problems.append(
                SourceProblem(source, line, column, f"{where}missing '{field_name}' key")
            )
            return
        if not isinstance(found, str):
            at = table.get(f"{prefix}/{field_name}")
            loaded.problems.append(
                SourceProblem(
                    source,
                    at[0] if at else line,
                    at[1] if at else column,
                    f"{where}'{field_name}' must be a string, found {json_type(found)}",
                )
            )
            return
    origin = Origin(
        source=source,
        document=chunk.index,
        line=line,
        column=column,
        item=item,
        helm_source=chunk.helm_source,
    )
    if isinstance(table, _LazyTable):
        loader = table.item_loader(prefix, (line, column)) if prefix else table.load
        positions = Positions(prefix=prefix, loader=loader)
    elif isinstance(table, _RereadTable):
        positions = Positions(prefix=prefix, loader=table.reread)
    else:
        positions = Positions(table, prefix)
    loaded.resources.append(Resource(body, origin, positions))


def json_type(value: Any) -> str:
    """How messages name the type of a decoded value ("a list", "null", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"
