"""`validate -o json`: the document of CONTRACT.md, which users script against.

Keys are written in a fixed order and the text is byte-stable (one top-level key per line,
one list item per line, trailing newline), so two runs over the same input diff clean and
`grep` finds a resource's whole verdict on one line. That layout also keeps the encoding on
json's C encoder: an `indent` switches it to the pure-Python one, 4x slower here on 20,000
resources. `schemas/validate.schema.json` describes
the document; additions are allowed, renames and removals need a new format_version.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from kplan.diagnostics import FieldProblem, SourceProblem
from kplan.results import ResourceReport, ValidationReport

FORMAT_VERSION = "1"


def document(report: ValidationReport) -> dict[str, Any]:
    """The contract's document as plain data (insertion order is the output order)."""
    result: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "kubernetes_version": report.kubernetes_version,
        "resources": [_resource(entry) for entry in report.resources],
        "errors": [_source_problem(problem) for problem in report.errors],
    }
    if report.warnings:
        # An addition to the contract, present only when a source has a warning.
        result["warnings"] = [_source_problem(problem) for problem in report.warnings]
    result["summary"] = report.summary()
    return result


def dumps(report: ValidationReport) -> str:
    return _escape_surrogates(layout(document(report)))


def layout(value: dict[str, Any]) -> str:
    """A top-level object: a key per line, lists an item per line, everything else compact."""
    from kplan.plan.encoded import EncodedSection

    lines = []
    for key, item in value.items():
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(item, list) and item:
            inner = ",\n".join(f"    {json.dumps(x, ensure_ascii=False)}" for x in item)
            lines.append(f"  {name}: [\n{inner}\n  ]")
        elif isinstance(item, EncodedSection):
            lines.append(f"  {name}: {item.text}")
        else:
            lines.append(f"  {name}: {json.dumps(item, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render(report: ValidationReport, stream: TextIO) -> None:
    stream.write(dumps(report))


def _resource(entry: ResourceReport) -> dict[str, Any]:
    resource = entry.resource
    origin = resource.origin
    result: dict[str, Any] = {
        "source": origin.source,
        "document": origin.document,
        "line": origin.line,
    }
    if origin.item is not None:
        result["item"] = origin.item
    if origin.helm_source is not None:
        result["helm_source"] = origin.helm_source
    result.update(
        {
            "apiVersion": resource.api_version,
            "kind": resource.kind,
            "namespace": entry.namespace,
            "name": resource.name,
            "status": entry.status,
            "errors": [_field_problem(problem) for problem in entry.errors],
            "warnings": [_field_problem(problem) for problem in entry.warnings],
        }
    )
    return result


def _field_problem(problem: FieldProblem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "message": problem.message,
        "line": problem.line,
        "column": problem.column,
    }


def _source_problem(problem: SourceProblem) -> dict[str, Any]:
    return {
        "source": problem.source,
        "line": problem.line,
        "column": problem.column,
        "message": problem.message,
    }


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str) -> str:
    """Lone surrogates (undecodable file names) can only sit inside JSON strings, where their
    `\\uXXXX` escape is the same value; written raw they would break a UTF-8 stream."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
