"""`-o github`: GitHub Actions workflow commands, which the runner turns into annotations on
the run and on the pull request's diff.

One command per problem, escaped as the runner unescapes them (actions/toolkit's command
encoding): in the message `%`, CR and LF; in properties also `:` and `,`, which would otherwise
end a property. A plain summary line closes the output.
"""

from __future__ import annotations

from typing import TextIO

from kplan.diagnostics import FieldProblem, SourceProblem
from kplan.report import display_path, object_ref, printable, summary_line
from kplan.results import ValidationReport

TITLE = "kplan validate"
STDIN_NAME = "<stdin>"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str,
    source: str | None,
    line: int | None,
    column: int | None,
    message: str,
    *,
    title: str = TITLE,
) -> str:
    """`::error file=...,line=...,col=...,title=...::message`; unknown positions are left out,
    which annotates the file as a whole (no source: the run as a whole). Standard input is no
    file in the repository: its annotations name no file and carry the position in the
    message instead."""
    properties = []
    if source == STDIN_NAME:
        message = f"{_where(source, line, column)}: {message}"
    elif source is not None:
        properties.append(f"file={escape_property(printable(display_path(source)))}")
        if line is not None:
            properties.append(f"line={line}")
            if column is not None:
                properties.append(f"col={column}")
    properties.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(properties)}::{escape_data(printable(message))}"


def _where(source: str, line: int | None, column: int | None) -> str:
    if line is None:
        return source
    return f"{source}:{line}" if column is None else f"{source}:{line}:{column}"


def _field_message(ref: str, problem: FieldProblem) -> str:
    text = f"{ref}: {problem.message}"
    return text + (f" ({problem.path})" if problem.path else "")


def lines(report: ValidationReport) -> list[str]:
    out = []
    for entry in report.resources:
        ref = object_ref(entry)
        origin = entry.resource.origin
        for level, problems in (("error", entry.errors), ("warning", entry.warnings)):
            for problem in problems:
                line, column = problem.line, problem.column
                if line is None:
                    line, column = origin.line, origin.column
                out.append(
                    command(level, origin.source, line, column, _field_message(ref, problem))
                )
    source_problems: tuple[tuple[str, list[SourceProblem]], ...] = (
        ("error", report.errors),
        ("warning", report.warnings),
    )
    for level, found in source_problems:
        for problem in found:
            out.append(
                command(level, problem.source, problem.line, problem.column, problem.message)
            )
    out.append(f"kplan: {summary_line(report)}")
    return out


def render(report: ValidationReport, stream: TextIO) -> None:
    stream.write("".join(line + "\n" for line in lines(report)))
