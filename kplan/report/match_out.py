"""`kplan match -o text|json`: the objects whose labels match a selector.

Text: one reference per line. JSON: CONTRACT.md's document
`{"format_version": "1", "selector": <canonical>, "matches": [...]}` (schemas/match.schema.json),
where `selector` is the canonical string of what was parsed (labels.Selector.String()).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from kplan.report.json_out import _escape_surrogates

FORMAT_VERSION = "1"
FORMATS = ("text", "json")

__all__ = ["FORMATS", "FORMAT_VERSION", "match_document", "render_match"]


def match_document(selector: str, matches: Sequence[str]) -> dict[str, Any]:
    """The JSON document as plain data; `matches` sorted and without duplicates."""
    return {"format_version": FORMAT_VERSION, "selector": selector, "matches": sorted(set(matches))}


def render_match(selector: str, matches: Sequence[str], fmt: str, stream: TextIO) -> None:
    """Write the matches as `fmt` (one of FORMATS); ValueError for other formats."""
    if fmt == "json":
        document = match_document(selector, matches)
        stream.write(_escape_surrogates(json.dumps(document, ensure_ascii=False)) + "\n")
    elif fmt == "text":
        for ref in sorted(set(matches)):
            stream.write(_escape_surrogates(ref) + "\n")
    else:
        raise ValueError(f"unknown match format {fmt!r} (expected one of {', '.join(FORMATS)})")
