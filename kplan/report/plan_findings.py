"""`diff -o sarif|junit|github`: a plan's findings where CI systems show them.

These formats carry verdicts, not changes: the findings of the plan stages and the input
errors that kept objects out of the plan (listed first). They follow validate's outputs
(kplan.report.sarif, .junit, .github) so that one CI setup reads both commands:
- SARIF 2.1.0: one result per finding, rule ids as the rules name them;
- JUnit: one test case per object of the plan, a <failure> per error finding (an <error> for
  an input that could not be read at all), warnings in <system-out>;
- GitHub: one workflow command per finding, then the plan's summary line.

A finding without a position points at its object's manifest when the plan has one.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, TextIO

from kplan import __version__
from kplan.plan.model import Finding, Location, Plan
from kplan.report import display_path, printable
from kplan.report.github import command
from kplan.report.junit import _xml_text
from kplan.report.plan_common import (
    all_findings,
    finding_location,
    findings_line,
    object_locations,
    plan_line,
    summary,
)
from kplan.report.sarif import (
    FIELD_FALLBACK,
    FIELD_RULES,
    SARIF_SCHEMA,
    SARIF_VERSION,
    SOURCE_FALLBACK,
    SOURCE_RULES,
    TOOL_NAME,
    _location,
)

TITLE = "kplan diff"
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _located(plan: Plan) -> list[tuple[Finding, Location | None, bool]]:
    """Every finding with the position to show it at, and whether it is an input error."""
    located = object_locations(plan)
    input_errors = {id(finding) for finding in plan.input_errors}
    return [
        (finding, finding_location(finding, located), id(finding) in input_errors)
        for finding in all_findings(plan)
    ]


def _text(finding: Finding) -> str:
    """`object: message (path)`, the message validate's formats give a field problem."""
    text = f"{finding.object}: {finding.message}" if finding.object else finding.message
    return text + (f" ({finding.path})" if finding.path else "")


# SARIF -------------------------------------------------------------------------------------


def _rule_descriptor(rule_id: str) -> dict[str, Any]:
    """Validate's rules (input errors use their ids) come with their description."""
    descriptor: dict[str, Any] = {"id": rule_id, "name": _camel(rule_id)}
    for known in (*SOURCE_RULES, *FIELD_RULES, SOURCE_FALLBACK, FIELD_FALLBACK):
        if known.id == rule_id:
            descriptor["name"] = known.name
            descriptor["shortDescription"] = {"text": known.description}
            descriptor["defaultConfiguration"] = {"level": known.level}
            break
    return descriptor


def _camel(rule_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in rule_id.replace("_", "-").split("-"))


def sarif_document(plan: Plan) -> dict[str, Any]:
    rules: list[str] = []
    index: dict[str, int] = {}
    results = []
    for finding, location, _ in _located(plan):
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append(finding.rule)
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": SARIF_LEVELS.get(finding.severity, "warning"),
            "message": {"text": printable(_text(finding))},
        }
        if location is not None:
            result["locations"] = [_location(location.source, location.line, location.column)]
        properties = {"object": finding.object, "path": finding.path}
        properties = {key: printable(value) for key, value in properties.items() if value}
        if properties:
            result["properties"] = properties
        results.append(result)
    driver = {
        "name": TOOL_NAME,
        "version": __version__,
        "rules": [_rule_descriptor(rule) for rule in rules],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "properties": {
                    "kubernetesVersion": plan.kubernetes_version,
                    "summary": summary(plan),
                },
                "results": results,
            }
        ],
    }


def render_sarif(plan: Plan, stream: TextIO) -> None:
    stream.write(json.dumps(sarif_document(plan), indent=2, ensure_ascii=False) + "\n")


# JUnit -------------------------------------------------------------------------------------

NO_FILE = "kplan diff"


@dataclass
class _Case:
    """One object of the plan (or one unreadable input) and the findings about it."""

    name: str
    location: Location | None
    # Each finding with where it points and whether it is an input error.
    findings: list[tuple[Finding, Location | None, bool]] = field(default_factory=list)


def _where(location: Location | None) -> str:
    if location is None:
        return ""
    where = display_path(location.source)
    if location.line is not None:
        where += f":{location.line}"
        if location.column is not None:
            where += f":{location.column}"
    return where


def _position(location: Location | None) -> str:
    """`line:column` within a file, `line`, or `file` when the line is unknown."""
    if location is None or location.line is None:
        return "file"
    if location.column is None:
        return str(location.line)
    return f"{location.line}:{location.column}"


def _cases(plan: Plan) -> list[_Case]:
    """Objects in plan order, then objects only findings name; an input error about no
    object is a case of its own."""
    cases: dict[str, _Case] = {}
    for change in plan.changes:
        ref = change.object.ref()
        cases.setdefault(ref, _Case(ref, change.location))
    loose: list[_Case] = []
    for finding, location, is_input in _located(plan):
        if finding.object:
            case = cases.setdefault(finding.object, _Case(finding.object, location))
            case.findings.append((finding, location, is_input))
        else:
            # Named as validate names an unreadable document: the file is the classname.
            position = _position(location)
            case = _Case(f"{finding.rule} at {position}", location, [(finding, location, is_input)])
            loose.append(case)
    return [*cases.values(), *loose]


def _case_element(case: _Case, counts: list[int]) -> ET.Element:
    source = display_path(case.location.source) if case.location is not None else NO_FILE
    attributes = {"classname": _xml_text(source), "name": _xml_text(case.name)}
    if case.location is not None:
        attributes["file"] = _xml_text(source)
        if case.location.line is not None:
            attributes["line"] = str(case.location.line)
    element = ET.Element("testcase", attributes)
    notes = []
    for finding, location, is_input in case.findings:
        line = f"{_where(location) or source}: {finding.severity}: {_text(finding)}"
        line += f" [{finding.rule}]"
        if finding.severity != "error":
            notes.append(line)
            continue
        # An input nobody could read is an error of the check; anything else a failure.
        tag = "error" if is_input and not finding.object else "failure"
        counts[1 if tag == "failure" else 2] += 1
        message = f"{finding.path}: {finding.message}" if finding.path else finding.message
        result = ET.SubElement(
            element, tag, {"message": _xml_text(message), "type": _xml_text(finding.rule)}
        )
        result.text = _xml_text(line)
    if notes:
        out = ET.SubElement(element, "system-out")
        out.text = _xml_text("\n".join(notes))
    return element


def _set_counts(element: ET.Element, counts: list[int]) -> None:
    for name, count in zip(("tests", "failures", "errors", "skipped"), counts, strict=True):
        element.set(name, str(count))


def junit_document(plan: Plan) -> ET.Element:
    """<testsuites> with one <testsuite> per manifest file, in order of first appearance.
    `failures` and `errors` count <failure> and <error> elements, as junitparser does."""
    suites: dict[str, list[_Case]] = {}
    for case in _cases(plan):
        source = display_path(case.location.source) if case.location is not None else NO_FILE
        suites.setdefault(source, []).append(case)
    root = ET.Element("testsuites", {"name": TITLE})
    totals = [0, 0, 0, 0]
    for source, cases in suites.items():
        suite = ET.SubElement(root, "testsuite", {"name": _xml_text(source)})
        counts = [len(cases), 0, 0, 0]
        elements = [_case_element(case, counts) for case in cases]
        _set_counts(suite, counts)
        suite.extend(elements)
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
    _set_counts(root, totals)
    return root


def junit_dumps(plan: Plan) -> str:
    root = junit_document(plan)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def render_junit(plan: Plan, stream: TextIO) -> None:
    stream.write(junit_dumps(plan))


# GitHub ------------------------------------------------------------------------------------


def github_lines(plan: Plan) -> list[str]:
    """One workflow command per finding (notice for info), then a plain summary line."""
    out = []
    for finding, location, _ in _located(plan):
        level = GITHUB_LEVELS.get(finding.severity, "warning")
        message = f"{_text(finding)} [{finding.rule}]"
        if location is None:
            out.append(command(level, None, None, None, message, title=TITLE))
        else:
            out.append(
                command(
                    level, location.source, location.line, location.column, message, title=TITLE
                )
            )
    out.append(f"kplan: {plan_line(plan)} {findings_line(plan)}.")
    return out


def render_github(plan: Plan, stream: TextIO) -> None:
    stream.write("".join(line + "\n" for line in github_lines(plan)))
