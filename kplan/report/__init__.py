"""Renderers of a ValidationReport: one module per output format, picked by name.

Each format module is imported only when it is used: a pre-commit run that prints json or
github annotations must not pay for importing rich. The helpers below are shared by the
formats so that every one of them names objects and counts results the same way.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, TextIO

from kplan.results import ResourceReport, ValidationReport

if TYPE_CHECKING:
    from kplan.plan.model import Plan

FORMATS = ("text", "json", "sarif", "junit", "github")

UNNAMED = "<unnamed>"


def render_validation(
    report: ValidationReport,
    fmt: str,
    stream: TextIO,
    *,
    color: bool | None = None,
    verbose: bool = False,
) -> None:
    """Write `report` to `stream` in format `fmt`; `color` (None: auto) and `verbose` only
    change the text format, the machine formats are always complete and uncoloured."""
    if fmt == "json":
        from kplan.report import json_out

        json_out.render(report, stream)
    elif fmt == "github":
        from kplan.report import github

        github.render(report, stream)
    elif fmt == "sarif":
        from kplan.report import sarif

        sarif.render(report, stream)
    elif fmt == "junit":
        from kplan.report import junit

        junit.render(report, stream)
    elif fmt == "text":
        from kplan.report import text

        text.render(report, stream, color=color, verbose=verbose)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")


def render_plan(
    plan: Plan,
    fmt: str,
    stream: TextIO,
    *,
    color: bool | None = None,
    verbose: bool = False,
) -> None:
    """Write `plan` to `stream` in format `fmt` (the names of render_validation). json is the
    whole plan; sarif, junit and github carry its findings; text is both, for people."""
    if fmt == "json":
        from kplan.report import plan_json

        plan_json.render(plan, stream)
    elif fmt == "github":
        from kplan.report import plan_findings

        plan_findings.render_github(plan, stream)
    elif fmt == "sarif":
        from kplan.report import plan_findings

        plan_findings.render_sarif(plan, stream)
    elif fmt == "junit":
        from kplan.report import plan_findings

        plan_findings.render_junit(plan, stream)
    elif fmt == "text":
        from kplan.report import plan_text

        plan_text.render(plan, stream, color=color, verbose=verbose)
    else:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")


def object_ref(entry: ResourceReport) -> str:
    """`Kind/namespace/name`, or `Kind/name` for cluster-scoped objects (CONTRACT.md's form)."""
    resource = entry.resource
    kind = resource.kind or "<no kind>"
    name = resource.name or UNNAMED
    return f"{kind}/{entry.namespace}/{name}" if entry.namespace else f"{kind}/{name}"


def display_path(source: str) -> str:
    """A source as the user gave it, with forward slashes on Windows (annotations and SARIF
    want repository-relative paths written the POSIX way)."""
    if os.sep != "/":
        source = source.replace(os.sep, "/")
    return source


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """Text that any UTF-8 stream accepts. File names that are not valid UTF-8 reach Python as
    lone surrogates (surrogateescape); show those bytes as `\\xNN` instead of crashing."""
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(_escape_surrogate, text)


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(report: ValidationReport) -> str:
    """One line of counts, the same for text and github output."""
    counts = report.summary()
    warnings = len(report.warnings) + sum(len(entry.warnings) for entry in report.resources)
    return (
        f"{_plural(counts['resources'], 'resource')}: {counts['valid']} valid, "
        f"{counts['invalid']} invalid, {counts['skipped']} skipped; "
        f"{_plural(counts['errors'], 'load error')}, {_plural(warnings, 'warning')}"
    )
