"""`-o sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Code scanning matches alerts across runs by rule id, so every problem gets a stable rule id
derived from the shape of its message (the stages produce messages, not ids). The ids follow
Kubernetes' own field error types where a message is one of those ("Required value",
"Invalid value: ...", ...), so a rule reads the same as the API server's rejection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO, TypeVar
from urllib.parse import quote

from kplan import __version__
from kplan.diagnostics import ERROR, WARNING, FieldProblem, SourceProblem
from kplan.report import display_path, object_ref, printable
from kplan.results import ValidationReport

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "kplan"
STDIN_NAME = "<stdin>"

P = TypeVar("P", FieldProblem, SourceProblem)


@dataclass(frozen=True)
class Rule:
    """One stable rule id, what it means, and which messages it covers."""

    id: str
    name: str
    description: str
    level: str
    matches: Callable[[FieldProblem | SourceProblem], bool]


def _starts(*prefixes: str) -> Callable[[FieldProblem | SourceProblem], bool]:
    return lambda problem: problem.message.startswith(prefixes)


def _contains(pattern: str) -> Callable[[FieldProblem | SourceProblem], bool]:
    compiled = re.compile(pattern)
    return lambda problem: compiled.search(problem.message) is not None


def _api_version(
    test: Callable[[FieldProblem | SourceProblem], bool], severity: str
) -> Callable[[FieldProblem | SourceProblem], bool]:
    """Problems the schema catalog reports on /apiVersion with the given severity."""
    return lambda problem: (
        isinstance(problem, FieldProblem)
        and problem.path == "/apiVersion"
        and problem.severity == severity
        and test(problem)
    )


def _always(problem: FieldProblem | SourceProblem) -> bool:
    return True


# Problems that keep a document from becoming a resource, first match wins.
SOURCE_RULES: tuple[Rule, ...] = (
    Rule(
        "yaml-syntax",
        "YamlSyntax",
        "The document is not valid YAML or JSON.",
        ERROR,
        _contains(
            r"^(YAML syntax error|character .* is not allowed in YAML|"
            r"invalid document separator)"
        ),
    ),
    Rule("unreadable", "Unreadable", "The file cannot be read.", ERROR, _starts("cannot read")),
    Rule(
        "encoding",
        "Encoding",
        "The document is not valid UTF-8.",
        ERROR,
        _starts("not valid UTF-8"),
    ),
    Rule(
        "too-large",
        "TooLarge",
        "The document is larger than kube-apiserver accepts.",
        ERROR,
        _contains(r"^document is .* MiB"),
    ),
    Rule(
        "duplicate-key",
        "DuplicateKey",
        "A mapping sets the same key twice.",
        ERROR,
        _starts("duplicate key"),
    ),
    Rule(
        "merge-key",
        "MergeKey",
        "A YAML merge key that Kubernetes would read differently.",
        ERROR,
        _contains(r"^merge key"),
    ),
    Rule(
        "alias-bomb",
        "AliasBomb",
        "Excessive YAML aliasing, refused by Kubernetes.",
        ERROR,
        _contains("excessive aliasing"),
    ),
    Rule(
        "too-deep",
        "TooDeep",
        "Nesting deeper than Kubernetes decodes.",
        ERROR,
        _contains(r"exceeded max depth|^nesting deeper than"),
    ),
    Rule(
        "yaml-tag",
        "YamlTag",
        "A YAML tag whose value cannot be decoded.",
        ERROR,
        _contains(r"^cannot decode !!|^!!binary"),
    ),
    Rule(
        "unsupported-number",
        "UnsupportedNumber",
        "A number JSON cannot carry.",
        ERROR,
        _contains("is not a number JSON can carry"),
    ),
    Rule(
        "not-a-mapping",
        "NotAMapping",
        "A document or List item that is not an object.",
        ERROR,
        _contains("must be a mapping"),
    ),
    Rule(
        "missing-type",
        "MissingType",
        "apiVersion or kind is missing or not a string.",
        ERROR,
        _contains(
            r"^(item [0-9]+: )?(missing '(apiVersion|kind)' key|"
            r"'(apiVersion|kind)' must be a string)"
        ),
    ),
)
SOURCE_FALLBACK = Rule(
    "load", "Load", "The document cannot be read as a Kubernetes object.", ERROR, _always
)

# Problems with one field of a resource, first match wins.
FIELD_RULES: tuple[Rule, ...] = (
    Rule(
        "unknown-kind",
        "UnknownKind",
        "No schema for this kind: not built in, no CRD given.",
        WARNING,
        _starts("no schema for "),
    ),
    Rule(
        "crd-schema",
        "CrdSchema",
        "A CustomResourceDefinition schema that cannot be used.",
        ERROR,
        _api_version(_contains("cannot be compiled"), ERROR),
    ),
    Rule(
        "removed-api",
        "RemovedApi",
        "An apiVersion this Kubernetes version does not serve.",
        ERROR,
        _api_version(_contains("not served|no longer served"), ERROR),
    ),
    Rule(
        "deprecated-api",
        "DeprecatedApi",
        "A deprecated apiVersion: plan the migration.",
        WARNING,
        _api_version(_always, WARNING),
    ),
    Rule(
        "duplicate-object",
        "DuplicateObject",
        "The same object is defined twice.",
        ERROR,
        _starts("duplicate object"),
    ),
    Rule(
        "unknown-field",
        "UnknownField",
        "A field the schema does not define (strict mode).",
        ERROR,
        _starts("unknown field"),
    ),
    Rule(
        "too-deep",
        "TooDeep",
        "Nesting deeper than Kubernetes decodes.",
        ERROR,
        _starts("nesting deeper than"),
    ),
    Rule(
        "wrong-type",
        "WrongType",
        "A value of the wrong JSON type.",
        ERROR,
        _contains(r"^expected [a-z]+( or [a-z]+)*, got "),
    ),
    Rule("required", "Required", "A required value is missing.", ERROR, _starts("Required value")),
    Rule(
        "unsupported-value",
        "UnsupportedValue",
        "A value outside the allowed set.",
        ERROR,
        _starts("Unsupported value"),
    ),
    Rule(
        "invalid-value",
        "InvalidValue",
        "A value the API server rejects.",
        ERROR,
        _starts("Invalid value", "illegal base64"),
    ),
    Rule(
        "forbidden", "Forbidden", "A field that may not be set here.", ERROR, _starts("Forbidden")
    ),
    Rule(
        "duplicate-value",
        "DuplicateValue",
        "A value that must be unique appears twice.",
        ERROR,
        _starts("Duplicate value"),
    ),
    Rule(
        "not-found",
        "NotFound",
        "A reference to something that does not exist.",
        ERROR,
        _starts("Not found"),
    ),
    Rule("too-long", "TooLong", "A value longer than allowed.", ERROR, _starts("Too long")),
    Rule("too-many", "TooMany", "More items than allowed.", ERROR, _starts("Too many")),
)
FIELD_FALLBACK = Rule(
    "schema", "Schema", "The object does not match its API schema.", ERROR, _always
)


def find_rule(problem: FieldProblem | SourceProblem) -> Rule:
    """The rule covering a problem: the first whose pattern matches, else the fallback."""
    if isinstance(problem, SourceProblem):
        rules, fallback = SOURCE_RULES, SOURCE_FALLBACK
    else:
        rules, fallback = FIELD_RULES, FIELD_FALLBACK
    for rule in rules:
        if rule.matches(problem):
            return rule
    return fallback


def rule_id(problem: FieldProblem | SourceProblem) -> str:
    """Stable id of the rule a problem breaks, e.g. "unknown-field" or "yaml-syntax"."""
    return find_rule(problem).id


def artifact_uri(source: str) -> str:
    """A source path as a URI reference: forward slashes, characters URIs cannot hold
    (spaces, %, #, ?) percent-encoded; `<stdin>` stays as it is, as no file stands behind it."""
    if source == STDIN_NAME:
        return source
    path = display_path(source)
    if re.match(r"^[A-Za-z]:/", path):  # a Windows drive path would parse as a URI scheme
        return "file:///" + quote(path, safe="/:", errors="surrogateescape")
    # Undecodable bytes of a file name (lone surrogates) become their own %XX escapes.
    return quote(path, safe="/@!$&'()*+,;=-._~", errors="surrogateescape")


def _region(line: int | None, column: int | None) -> dict[str, int]:
    """Code scanning needs startLine, so problems without a position point at line 1."""
    region = {"startLine": line if line is not None and line >= 1 else 1}
    if line is not None and column is not None and column >= 1:
        region["startColumn"] = column
    return region


def _location(source: str, line: int | None, column: int | None) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(source)},
            "region": _region(line, column),
        }
    }


class _Run:
    """Collects results and the rules they use, in order of first use."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.index: dict[str, int] = {}
        self.results: list[dict[str, Any]] = []

    def add(
        self,
        problem: FieldProblem | SourceProblem,
        level: str,
        text: str,
        location: dict[str, Any],
        properties: dict[str, str] | None = None,
    ) -> None:
        rule = find_rule(problem)
        if rule.id not in self.index:
            self.index[rule.id] = len(self.rules)
            self.rules.append(rule)
        result: dict[str, Any] = {
            "ruleId": rule.id,
            "ruleIndex": self.index[rule.id],
            "level": level,
            "message": {"text": printable(text)},
            "locations": [location],
        }
        if properties:
            result["properties"] = properties
        self.results.append(result)


def _leveled(errors: list[P], warnings: list[P]) -> list[tuple[str, P]]:
    """SARIF levels by the list a problem is in: the pipeline sorts problems by severity."""
    return [("error", problem) for problem in errors] + [
        ("warning", problem) for problem in warnings
    ]


def document(report: ValidationReport) -> dict[str, Any]:
    run = _Run()
    for entry in report.resources:
        ref = printable(object_ref(entry))
        origin = entry.resource.origin
        for level, problem in _leveled(entry.errors, entry.warnings):
            line = problem.line if problem.line is not None else origin.line
            column = problem.column if problem.line is not None else origin.column
            text = f"{ref}: {problem.message}"
            if problem.path:
                text += f" ({problem.path})"
            properties = {"object": ref, "path": printable(problem.path)}
            run.add(problem, level, text, _location(origin.source, line, column), properties)
    for level, problem in _leveled(report.errors, report.warnings):
        location = _location(problem.source, problem.line, problem.column)
        run.add(problem, level, problem.message, location)
    driver = {
        "name": TOOL_NAME,
        "version": __version__,
        "rules": [_rule_descriptor(rule) for rule in run.rules],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                # Columns count characters (code points), as the YAML reader counts them.
                "columnKind": "unicodeCodePoints",
                "properties": {"kubernetesVersion": report.kubernetes_version},
                "results": run.results,
            }
        ],
    }


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.description},
        "defaultConfiguration": {"level": rule.level},
    }


def render(report: ValidationReport, stream: TextIO) -> None:
    stream.write(json.dumps(document(report), indent=2, ensure_ascii=False) + "\n")
