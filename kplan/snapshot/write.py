"""Snapshot text: YAML or JSON that kplan (and kubectl) read back to exactly the same values.

YAML is written by a small block-style emitter for JSON values (what kubectl prints is JSON)
rather than ruamel.yaml's: ruamel wrote about 500 objects/s here, too slow for a large cluster,
and it also needs help with quoting. kplan reads YAML the way Kubernetes does (go-yaml v2 rules,
kplan.load.scalars), where `yes`, `y`, `0644`, `1_000` and `~` are not strings, so a string is
written plain only when that reader gives back the same string; otherwise it is double-quoted
with JSON escapes (valid YAML), or, for readable multi-line text, a literal block.
Key order is kept as kubectl printed it (apiVersion, kind, metadata, spec, status).
"""

from __future__ import annotations

import json
from typing import Any

from kplan.load.scalars import ScalarError, resolve_plain
from kplan.snapshot.header import JSON_KEY, SnapshotHeader, json_header, yaml_header

YAML_FORMAT = "yaml"
JSON_FORMAT = "json"
FORMATS = (YAML_FORMAT, JSON_FORMAT)
STEP = "  "
# A plain scalar may not start with these (YAML 1.2 c-indicator); "-" is fine before a non-space.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Written quoted whatever the resolver says: merge key, value key, document markers.
_ALWAYS_QUOTED = frozenset({"<<", "="})


def list_document(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "items": items}


def dump(header: SnapshotHeader, items: list[dict[str, Any]], output_format: str) -> str:
    if output_format == JSON_FORMAT:
        return dump_json(header, items)
    return dump_yaml(header, items)


def dump_json(header: SnapshotHeader, items: list[dict[str, Any]]) -> str:
    """kubectl's JSON layout (4-space indent) with the header as the first key."""
    document = {JSON_KEY: json_header(header), **list_document(items)}
    return json.dumps(document, indent=4, ensure_ascii=False) + "\n"


def dump_yaml(header: SnapshotHeader, items: list[dict[str, Any]]) -> str:
    out: list[str] = [yaml_header(header)]
    write_mapping(list_document(items), "", "", out)
    return "".join(out)


def to_yaml(value: dict[str, Any]) -> str:
    """One mapping as block YAML (used for tests and small documents)."""
    out: list[str] = []
    write_mapping(value, "", "", out)
    return "".join(out)


def format_for_path(path: str | None) -> str:
    """JSON for a `.json` output file, YAML otherwise (and on standard output)."""
    if path is not None and path.lower().endswith(".json"):
        return JSON_FORMAT
    return YAML_FORMAT


def write_mapping(mapping: dict[str, Any], indent: str, first: str, out: list[str]) -> None:
    """Keys at `indent`; the first line starts with `first` instead (a list item's "- ")."""
    prefix = first
    for key, value in mapping.items():
        head = f"{prefix}{_key(key)}:"
        prefix = indent
        if isinstance(value, dict) and value:
            out.append(head + "\n")
            write_mapping(value, indent + STEP, indent + STEP, out)
        elif isinstance(value, list) and value:
            out.append(head + "\n")
            write_sequence(value, indent, indent, out)  # kubectl style: dashes under the key
        else:
            out.append(f"{head} {_inline(value, indent + STEP)}\n")


def write_sequence(items: list[Any], indent: str, first: str, out: list[str]) -> None:
    prefix = first
    for item in items:
        dash = prefix + "- "
        prefix = indent
        if isinstance(item, dict) and item:
            write_mapping(item, indent + STEP, dash, out)
        elif isinstance(item, list) and item:
            write_sequence(item, indent + STEP, dash, out)
        else:
            out.append(f"{dash}{_inline(item, indent + STEP)}\n")


def _inline(value: Any, indent: str) -> str:
    if isinstance(value, str):
        if "\n" in value and _fits_block(value):
            return _literal_block(value, indent)
        return value if _plain_ok(value) else _double_quoted(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return json.dumps(value)  # int, float


def _key(key: Any) -> str:
    text = key if isinstance(key, str) else str(key)
    return text if _plain_ok(text) else _double_quoted(text)


def _plain_ok(text: str) -> bool:
    """Whether `text` written unquoted reads back, under Kubernetes' YAML rules, as itself."""
    if not text or not text.isprintable() or text in _ALWAYS_QUOTED:
        return False
    first = text[0]
    if first == " " or text[-1] in " :":
        return False
    if first in _INDICATORS and not (first == "-" and len(text) > 1 and text[1] != " "):
        return False
    if text.startswith(("---", "...")) or ": " in text or " #" in text:
        return False
    try:
        return resolve_plain(text) == text
    except ScalarError:
        return False


def _fits_block(text: str) -> bool:
    """A literal block keeps the text exactly when no line has edge whitespace it would lose."""
    if text[0] in " \n" or text.endswith("\n\n"):
        return False
    lines = text.split("\n")
    return all(line.isprintable() and line == line.rstrip(" ") for line in lines)


def _literal_block(text: str, indent: str) -> str:
    chomp = "" if text.endswith("\n") else "-"
    lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
    body = "".join(f"\n{indent}{line}" if line else "\n" for line in lines)
    return f"|{chomp}{body}"


def _double_quoted(text: str) -> str:
    """JSON string syntax is YAML double-quoted syntax; characters YAML would fold or refuse
    (NEL, line and paragraph separators, other non-printables) are escaped too."""
    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    return "".join(char if char.isprintable() else _escape(char) for char in quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
