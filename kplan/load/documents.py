"""A file's text -> resources, one document at a time, never letting one document hide another."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from kplan.diagnostics import SourceProblem
from kplan.load.construct import DecodeError
from kplan.load.parse import parse_document
from kplan.load.split import Chunk, split_documents
from kplan.resource import Origin, Position, Positions, Resource

# kube-apiserver refuses request bodies above 3 MiB (MaxRequestBodyBytes, the same
# kubernetes/kubernetes PR #83261 that limited YAML aliasing), so a bigger object can
# never be applied; refusing it also bounds the work spent on hostile input.
MAX_DOCUMENT_BYTES = 3 * 1024 * 1024
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass
class Loaded:
    resources: list[Resource] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)


def decode_bytes(data: bytes) -> str:
    """Text of a manifest. A UTF-8 BOM is dropped (go-yaml accepts it); UTF-16 with a BOM is
    read as such; bytes that are not UTF-8 survive as surrogate escapes so that only the
    document holding them is refused, with its position."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    return data.decode("utf-8", "surrogateescape")


def load_text(text: str, source: str) -> Loaded:
    loaded = Loaded()
    for chunk in split_documents(text):
        _load_chunk(chunk, source, loaded)
    return loaded


def _problem(
    source: str, chunk: Chunk, line: int | None, column: int | None, message: str
) -> SourceProblem:
    absolute = chunk.first_line + line - 1 if line is not None else chunk.first_line
    return SourceProblem(source, absolute, column if line is not None else 1, message)


def _load_chunk(chunk: Chunk, source: str, loaded: Loaded) -> None:
    if chunk.separator_error is not None:
        loaded.problems.append(
            SourceProblem(source, chunk.first_line - 1, 1, chunk.separator_error)
        )
        return
    bad = _UNDECODABLE.search(chunk.text)
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
    size = len(chunk.text.encode("utf-8", "surrogateescape"))
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
    try:
        parsed = parse_document(chunk.text, chunk.first_line - 1)
    except DecodeError as error:
        parsed = _json_fallback(chunk)
        if parsed is None:
            loaded.problems.append(_problem(source, chunk, error.line, error.column, error.message))
            return
    if parsed is None:
        return
    value, table = parsed
    _add_resources(value, table, source, chunk, loaded)


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
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate field {key!r}")
        result[key] = value
    return result


def _root_position(table: dict[str, Position], chunk: Chunk, prefix: str) -> tuple[int, int]:
    found = table.get(prefix)
    if found is None:
        return chunk.first_line, 1
    return found[0], found[1]


def _add_resources(
    value: Any, table: dict[str, Position], source: str, chunk: Chunk, loaded: Loaded
) -> None:
    line, column = _root_position(table, chunk, "")
    if not isinstance(value, dict):
        loaded.problems.append(
            SourceProblem(
                source,
                line,
                column,
                f"a Kubernetes object must be a mapping, found {_json_type(value)}",
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
    table: dict[str, Position],
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
                    f"item {index} of the {kind} must be a mapping, found {_json_type(item)}",
                )
            )
            continue
        if item_kind is not None:
            if "kind" not in item:
                item = {"kind": item_kind, **item}
            if "apiVersion" not in item and isinstance(list_api_version, str):
                item = {"apiVersion": list_api_version, **item}
        _add_object(item, table, prefix, index, source, chunk, loaded)


def _add_object(
    body: dict[str, Any],
    table: dict[str, Position],
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
                    f"{where}'{field_name}' must be a string, found {_json_type(found)}",
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
    loaded.resources.append(Resource(body, origin, Positions(table, prefix)))


def _json_type(value: Any) -> str:
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
