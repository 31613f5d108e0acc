"""`-o junit`: JUnit XML, the de facto CI test report (Ant/Jenkins/Surefire shape).

One <testsuite> per source file, one <testcase> per resource (a <failure> when the API server
would reject it, <skipped/> when kplan has no schema for it) and one per document that could not
be read (an <error>: the check itself could not run). CI systems show these next to unit tests.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TextIO

from kplan.diagnostics import FieldProblem, SourceProblem
from kplan.report import display_path, object_ref, printable
from kplan.report.sarif import rule_id
from kplan.results import INVALID, SKIPPED, ResourceReport, ValidationReport

# XML 1.0 cannot carry most control characters, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: undecodable bytes and control characters shown escaped."""
    text = printable(text)
    if not _NOT_XML.search(text):
        return text
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _where(source: str, line: int | None, column: int | None) -> str:
    if line is None:
        return source
    if column is None:
        return f"{source}:{line}"
    return f"{source}:{line}:{column}"


def _problem_line(source: str, problem: FieldProblem, level: str) -> str:
    text = f"{_where(source, problem.line, problem.column)}: {level}: {problem.message}"
    return text + (f" ({problem.path})" if problem.path else "")


@dataclass
class _Suite:
    """The test cases of one source file, with the counts the <testsuite> must agree with."""

    name: str
    cases: list[ET.Element] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: int = 0
    errors: int = 0
    skipped: int = 0


def _resource_case(entry: ResourceReport, suite: _Suite) -> ET.Element:
    origin = entry.resource.origin
    source = display_path(origin.source)
    case = ET.Element(
        "testcase",
        {
            "classname": _xml_text(source),
            "name": _xml_text(object_ref(entry)),
            "file": _xml_text(source),
            "line": str(origin.line),
        },
    )
    if entry.status == INVALID:
        suite.failures += 1
        first = entry.errors[0] if entry.errors else None
        summary = _first_message(first, len(entry.errors))
        failure = ET.SubElement(
            case,
            "failure",
            {"message": _xml_text(summary), "type": rule_id(first) if first else "schema"},
        )
        failure.text = _xml_text(
            "\n".join(_problem_line(source, problem, "error") for problem in entry.errors)
        )
    elif entry.status == SKIPPED:
        suite.skipped += 1
        reasons = [w.message for w in entry.warnings if rule_id(w) == "unknown-kind"]
        reason = reasons[0] if reasons else "no schema for this kind"
        ET.SubElement(case, "skipped", {"message": _xml_text(reason)})
    if entry.warnings:
        out = ET.SubElement(case, "system-out")
        out.text = _xml_text(
            "\n".join(_problem_line(source, problem, "warning") for problem in entry.warnings)
        )
    return case


def _first_message(first: FieldProblem | None, count: int) -> str:
    if first is None:
        return "invalid"
    text = f"{first.path}: {first.message}" if first.path else first.message
    if count > 1:
        text += f" (and {count - 1} more)"
    return text


def _load_case(problem: SourceProblem, suite: _Suite) -> ET.Element:
    source = display_path(problem.source)
    rule = rule_id(problem)
    position = _where("", problem.line, problem.column).lstrip(":") or "file"
    case = ET.Element(
        "testcase",
        {
            "classname": _xml_text(source),
            "name": f"{rule} at {position}",
            "file": _xml_text(source),
        },
    )
    if problem.line is not None:
        case.set("line", str(problem.line))
    suite.errors += 1
    error = ET.SubElement(case, "error", {"message": _xml_text(problem.message), "type": rule})
    error.text = _xml_text(f"{_where(source, problem.line, problem.column)}: {problem.message}")
    return case


def _suites(report: ValidationReport) -> list[_Suite]:
    """Suites in order of each file's first appearance; within one, cases by line."""
    suites: dict[str, _Suite] = {}
    ordered: dict[str, list[tuple[int, int, ET.Element]]] = {}

    def suite_for(source: str) -> _Suite:
        if source not in suites:
            suites[source] = _Suite(source)
            ordered[source] = []
        return suites[source]

    for entry in report.resources:
        origin = entry.resource.origin
        suite = suite_for(origin.source)
        ordered[origin.source].append(
            (origin.line, len(ordered[origin.source]), _resource_case(entry, suite))
        )
    for problem in report.errors:
        suite = suite_for(problem.source)
        ordered[problem.source].append(
            (problem.line or 0, len(ordered[problem.source]), _load_case(problem, suite))
        )
    for problem in report.warnings:
        suite = suite_for(problem.source)
        suite.notes.append(
            f"{_where(display_path(problem.source), problem.line, problem.column)}: warning: "
            f"{problem.message}"
        )
    for source, suite in suites.items():
        suite.cases = [case for _, _, case in sorted(ordered[source], key=lambda c: c[:2])]
    return list(suites.values())


def _counts(element: ET.Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    element.set("skipped", str(skipped))


def document(report: ValidationReport) -> ET.Element:
    root = ET.Element("testsuites", {"name": "kplan validate"})
    totals = [0, 0, 0, 0]
    for suite in _suites(report):
        element = ET.SubElement(root, "testsuite", {"name": _xml_text(display_path(suite.name))})
        counts = (len(suite.cases), suite.failures, suite.errors, suite.skipped)
        _counts(element, *counts)
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
        element.extend(suite.cases)
        if suite.notes:
            out = ET.SubElement(element, "system-out")
            out.text = _xml_text("\n".join(suite.notes))
    _counts(root, *totals)
    return root


def dumps(report: ValidationReport) -> str:
    root = document(report)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def render(report: ValidationReport, stream: TextIO) -> None:
    stream.write(dumps(report))
