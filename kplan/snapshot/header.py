"""The few facts `kplan snapshot` writes beside the objects: what the recording covered.

A plan needs to tell "this kind was not recorded" (unknown) from "recorded, and there is none"
(absent), and "recorded in namespace X only" from "recorded everywhere". kubectl's List has no
place for that, so:

- YAML: comment lines before the document (kubectl and every YAML reader skip them)::

    # kplan snapshot
    # context: kind-kind
    # scope: all namespaces            (or: namespace shop)
    # recorded-kinds: Namespace,Node,Pod,apps/Deployment
    # not-recorded: Secret              (only when some kinds failed)

- JSON (no comments): a first top-level key of the List, which kubectl ignores::

    {"kplanSnapshot": {"context": "kind-kind", "scope": "all namespaces",
                       "recordedKinds": ["Namespace", "Node"], "notRecorded": []},
     "apiVersion": "v1", "kind": "List", "items": [...]}

Kinds are `Kind` for the core group and `group/Kind` otherwise, sorted by (group, kind). The
header is read from the start of the file only, so a tool that reorders JSON keys (`jq -S`)
drops it; the file then reads as a plain kubectl List.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MAGIC = "kplan snapshot"
JSON_KEY = "kplanSnapshot"
ALL_NAMESPACES = "all namespaces"
NAMESPACE_SCOPE = "namespace "
NO_CONTEXT = "(none)"
# The header is small; reading this much of a file is enough even with thousands of kinds.
HEADER_BYTES = 1 << 20
_JSON_START = re.compile(r'\A\s*\{\s*"' + JSON_KEY + r'"\s*:\s*')

GroupKind = tuple[str, str]


@dataclass(frozen=True)
class SnapshotHeader:
    context: str
    scope: str  # ALL_NAMESPACES or "namespace <name>"
    recorded_kinds: frozenset[GroupKind]
    not_recorded: frozenset[GroupKind] = field(default_factory=frozenset)

    @property
    def namespace(self) -> str | None:
        """The one namespace recorded, or None when the recording covered all of them."""
        if self.scope.startswith(NAMESPACE_SCOPE):
            return self.scope[len(NAMESPACE_SCOPE) :].strip()
        return None


def scope_text(namespace: str | None) -> str:
    return ALL_NAMESPACES if namespace is None else NAMESPACE_SCOPE + namespace


def format_kind(group_kind: GroupKind) -> str:
    group, kind = group_kind
    return f"{group}/{kind}" if group else kind


def parse_kind(text: str) -> GroupKind:
    group, _, kind = text.strip().rpartition("/")
    return group, kind


def sorted_kinds(kinds: Iterable[GroupKind]) -> list[str]:
    return [format_kind(kind) for kind in sorted(set(kinds))]


def yaml_header(header: SnapshotHeader) -> str:
    lines = [
        f"# {MAGIC}",
        f"# context: {header.context}",
        f"# scope: {header.scope}",
        f"# recorded-kinds: {','.join(sorted_kinds(header.recorded_kinds))}",
    ]
    if header.not_recorded:
        lines.append(f"# not-recorded: {','.join(sorted_kinds(header.not_recorded))}")
    return "".join(line + "\n" for line in lines)


def json_header(header: SnapshotHeader) -> dict[str, object]:
    return {
        "context": header.context,
        "scope": header.scope,
        "recordedKinds": sorted_kinds(header.recorded_kinds),
        "notRecorded": sorted_kinds(header.not_recorded),
    }


def read_header(head: bytes) -> SnapshotHeader | None:
    """The header at the start of a file's bytes, or None for any other file."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    if text.startswith("#"):
        return _from_comments(text)
    match = _JSON_START.match(text)
    if match is None:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, match.end())
    except ValueError:
        return None
    return _from_json(value)


def _from_comments(text: str) -> SnapshotHeader | None:
    fields: dict[str, str] = {}
    lines = iter(text.split("\n", 32))
    if next(lines, "").strip() != f"# {MAGIC}":
        return None
    for line in lines:
        if not line.startswith("#"):
            break
        key, colon, value = line[1:].partition(":")
        if colon:
            fields[key.strip()] = value.strip()
    if "recorded-kinds" not in fields:
        return None
    return SnapshotHeader(
        context=fields.get("context", NO_CONTEXT),
        scope=fields.get("scope", ALL_NAMESPACES),
        recorded_kinds=_kinds(fields["recorded-kinds"].split(",")),
        not_recorded=_kinds(fields.get("not-recorded", "").split(",")),
    )


def _from_json(value: object) -> SnapshotHeader | None:
    if not isinstance(value, dict) or not isinstance(value.get("recordedKinds"), list):
        return None
    context = value.get("context")
    scope = value.get("scope")
    not_recorded = value.get("notRecorded")
    return SnapshotHeader(
        context=context if isinstance(context, str) else NO_CONTEXT,
        scope=scope if isinstance(scope, str) else ALL_NAMESPACES,
        recorded_kinds=_kinds(value["recordedKinds"]),
        not_recorded=_kinds(not_recorded if isinstance(not_recorded, list) else []),
    )


def _kinds(texts: Iterable[object]) -> frozenset[GroupKind]:
    return frozenset(parse_kind(text) for text in texts if isinstance(text, str) and text.strip())
