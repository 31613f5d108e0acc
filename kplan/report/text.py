"""`-o text`: the report for people, grouped by file, one `file:line:column:` line per problem
so that editors and terminals can jump to it.

Colour only on a terminal and never with NO_COLOR set; off a terminal the output is plain and
byte-stable (no wrapping at any width), so it can be diffed, grepped and pinned in tests.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from kplan.diagnostics import FieldProblem, SourceProblem
from kplan.report import display_path, object_ref, printable, summary_line
from kplan.results import INVALID, SKIPPED, VALID, ResourceReport, ValidationReport

if TYPE_CHECKING:
    from rich.console import Console

# A line is a list of (text, style) pieces; rich is imported only to colour them, so the plain
# output of a pre-commit run or a pipe does not pay for importing it.
Line = list[tuple[str, str]]

STYLES = {
    "error": "bold red",
    "warning": "yellow",
    VALID: "green",
    INVALID: "red",
    SKIPPED: "yellow",
}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def clean(text: str) -> str:
    """One problem, one line: control characters (newlines, escape sequences that would
    restyle the terminal) are shown escaped."""
    text = printable(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def wants_color(stream: TextIO, color: bool | None = None) -> bool:
    """An explicit choice wins; otherwise NO_COLOR (non-empty) turns colour off, FORCE_COLOR
    (non-empty) on, and else colour follows whether the stream is a terminal."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except ValueError:  # a closed stream
        return False


def _console(stream: TextIO) -> Console:
    from rich.console import Console

    # Every environment-dependent choice of rich is pinned, so that the same report always
    # gives the same bytes: no terminal detection, no highlighting, no markup or emoji codes.
    return Console(
        file=stream,
        force_terminal=True,
        force_jupyter=False,
        force_interactive=False,
        color_system="standard",
        no_color=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        legacy_windows=False,
    )


def _where(source: str, line: int | None, column: int | None) -> str:
    where = clean(display_path(source))
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where


def _line(where: str, level: str, subject: str, message: str = "", path: str = "") -> Line:
    """`where: level: subject: message (path)`, styled by level."""
    line = [(f"{where}:", "bold"), (" ", ""), (level, STYLES.get(level, "")), (": ", "")]
    line.append((clean(subject), ""))
    if message:
        line += [(": ", ""), (clean(message), "")]
    if path:
        line += [(" ", ""), (f"({clean(path)})", "dim")]
    return line


@dataclass
class _Block:
    """The lines of one resource or one load problem, kept together and ordered by line."""

    line: int
    order: int
    lines: list[Line]


def _resource_block(entry: ResourceReport, order: int, verbose: bool) -> _Block:
    origin = entry.resource.origin
    ref = object_ref(entry)
    lines = []
    if verbose:
        lines.append(_line(_where(origin.source, origin.line, origin.column), entry.status, ref))
    problems = [("error", problem) for problem in entry.errors]
    problems += [("warning", problem) for problem in entry.warnings]
    # Errors and warnings of one object interleaved in file order (the sort is stable).
    problems.sort(key=lambda pair: _position(pair[1], entry))
    for level, problem in problems:
        line, column = _position(problem, entry)
        where = _where(origin.source, line, column)
        lines.append(_line(where, level, ref, problem.message, problem.path))
    return _Block(origin.line, order, lines)


def _position(problem: FieldProblem, entry: ResourceReport) -> tuple[int, int | None]:
    """Where a problem is; one without a line is shown at the start of its object."""
    if problem.line is None:
        return entry.resource.origin.line, entry.resource.origin.column
    return problem.line, problem.column


def _source_block(problem: SourceProblem, level: str, order: int) -> _Block:
    where = _where(problem.source, problem.line, problem.column)
    return _Block(problem.line or 0, order, [_line(where, level, problem.message)])


def _files(report: ValidationReport, verbose: bool) -> list[list[Line]]:
    """Lines per file, files in order of first appearance."""
    blocks: dict[str, list[_Block]] = {}
    order = 0
    for entry in report.resources:
        block = _resource_block(entry, order, verbose)
        blocks.setdefault(entry.resource.origin.source, []).append(block)
        order += 1
    for level, problems in (("error", report.errors), ("warning", report.warnings)):
        for problem in problems:
            blocks.setdefault(problem.source, []).append(_source_block(problem, level, order))
            order += 1
    files = []
    for found in blocks.values():
        lines = [
            line for block in sorted(found, key=lambda b: (b.line, b.order)) for line in block.lines
        ]
        if lines:
            files.append(lines)
    return files


def render(
    report: ValidationReport, stream: TextIO, *, color: bool | None = None, verbose: bool = False
) -> None:
    lines: list[Line] = []
    for file_lines in _files(report, verbose):
        lines += file_lines
        lines.append([])
    style = "bold red" if report.failed else "bold green"
    lines.append([(clean(summary_line(report)), style)])
    if wants_color(stream, color):
        _print_styled(lines, _console(stream))
    else:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))


def _print_styled(lines: list[Line], console: Console) -> None:
    from rich.text import Text

    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style=style)
        console.print(text)
