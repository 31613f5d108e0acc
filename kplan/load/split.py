"""Split a YAML stream into documents the way Kubernetes does, keeping file line numbers.

k8s.io/apimachinery pkg/util/yaml YAMLReader.Read splits at lines that start with "---" and
allows only spaces or a comment after the marker; anything else is refused with
"invalid Yaml document separator". We split first and parse each document on its own so one
broken document never hides the others, and we remember each document's first line so every
position is counted from the top of the FILE (kubectl counts per document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATOR = re.compile(r"^---([^\n]*)$", re.MULTILINE)
_HELM_SOURCE = re.compile(r"^#\s*Source:\s*(\S[^\n]*?)\s*$", re.MULTILINE)
_LEADING_COMMENTS = re.compile(r"(?:[ \t\r]*(?:#[^\n]*)?(?:\n|\Z))*")
_CONTENT = re.compile(r"\S")  # searched for, not strip(): a recorded cluster is 100+ MB
_CONTENT = re.compile(r"\S")  # searched for, not strip(): a recorded cluster is 100+ MB


@dataclass(frozen=True)
class Chunk:
    """The text of one document and where it starts in the file (1-based line)."""

    index: int
    text: str
    first_line: int
    separator_error: str | None = None
    helm_source: str | None = None


def split_documents(text: str) -> list[Chunk]:
    """Documents with content, numbered from 0; blank and comment-only ones are skipped,
    as kubectl skips them."""
    chunks: list[Chunk] = []
    if "\n---" not in text and not text.startswith("---"):
        _append(chunks, text, 1, None)  # one document (a recorded cluster): no regex scan
        return chunks
    start = 0
    start_line = 1
    pending_error: str | None = None
    line = 1
    position = 0
    for match in _SEPARATOR.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        _append(chunks, text[start : match.start()], start_line, pending_error)
        rest = match.group(1).strip()
        pending_error = None
        if rest and not rest.startswith("#"):
            pending_error = (
                f"invalid document separator: {rest!r} follows '---' on the same line; "
                "Kubernetes allows only a comment there (put the content on the next line)"
            )
        start = match.end() + 1
        start_line = line + 1
    _append(chunks, text[start:], start_line, pending_error)
    return chunks


def _append(chunks: list[Chunk], text: str, first_line: int, error: str | None) -> None:
    leading = _LEADING_COMMENTS.match(text)
    header = leading.group(0) if leading else ""
    if error is None and not _CONTENT.search(text, len(header)):
        return
    helm = _HELM_SOURCE.search(header)
    chunks.append(
        Chunk(
            index=len(chunks),
            text=text,
            first_line=first_line,
            separator_error=error,
            helm_source=helm.group(1) if helm else None,
        )
    )
