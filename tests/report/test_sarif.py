"""`-o sarif`: SARIF 2.1.0 valid against the OASIS schema, with stable rule ids."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kplan import __version__
from kplan.diagnostics import WARNING, FieldProblem, SourceProblem
from kplan.report import render_validation
from kplan.report.sarif import FIELD_RULES, SOURCE_RULES, artifact_uri, rule_id
from kplan.resource import Origin
from kplan.results import INVALID, ValidationReport
from tests.report.samples import entry, resource, sample_report

SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "external" / "sarif-schema-2.1.0.json"
)


def _render(report: ValidationReport) -> str:
    stream = io.StringIO()
    render_validation(report, "sarif", stream)
    return stream.getvalue()


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("the SARIF 2.1.0 schema (shared/external) is not beside this checkout")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _check(validator: jsonschema.protocols.Validator, report: ValidationReport) -> dict[str, Any]:
    log = json.loads(_render(report))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors
    return log


def test_valid_against_the_oasis_schema(sarif_validator: jsonschema.protocols.Validator) -> None:
    log = _check(sarif_validator, sample_report())
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kplan"
    assert driver["version"] == __version__
    assert "informationUri" not in driver  # optional; the project has no public home yet
    assert len(run["results"]) == 10


def test_empty_report_is_valid(sarif_validator: jsonschema.protocols.Validator) -> None:
    log = _check(sarif_validator, ValidationReport("1.30"))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_results_carry_rule_level_message_and_location() -> None:
    (run,) = json.loads(_render(sample_report()))["runs"]
    first = run["results"][0]
    assert first == {
        "ruleId": "wrong-type",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "Deployment/shop/web: expected integer, got string (/spec/replicas)"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "deploy/web.yaml"},
                    "region": {"startLine": 9, "startColumn": 13},
                }
            }
        ],
        "properties": {"object": "Deployment/shop/web", "path": "/spec/replicas"},
    }
    by_rule = {result["ruleId"]: result for result in run["results"]}
    assert by_rule["deprecated-api"]["level"] == "warning"
    assert by_rule["unknown-kind"]["level"] == "warning"
    assert by_rule["removed-api"]["level"] == "error"
    stdin = by_rule["unknown-kind"]["locations"][0]["physicalLocation"]
    assert stdin == {
        "artifactLocation": {"uri": "<stdin>"},
        "region": {"startLine": 2, "startColumn": 7},
    }
    syntax = by_rule["yaml-syntax"]
    assert syntax["message"]["text"] == "YAML syntax error: mapping values are not allowed here"
    assert syntax["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "manifests%20with%20space/bad%20file.yaml"
    )
    assert by_rule["required"]["message"]["text"] == (
        "ClusterRole/<unnamed>: Required value: name or generateName is required (/metadata/name)"
    )
    assert by_rule["invalid-value"]["message"]["text"].startswith(
        'Pod/default/tricky: Invalid value: "50%,\\"a\\"\nzwei: grüße ✓"'
    )


def test_driver_lists_exactly_the_rules_used() -> None:
    (run,) = json.loads(_render(sample_report()))["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == [
        "wrong-type",
        "unsupported-value",
        "unknown-field",
        "deprecated-api",
        "removed-api",
        "required",
        "invalid-value",
        "unknown-kind",
        "yaml-syntax",
        "not-a-mapping",
    ]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")


def test_rule_ids_are_unique_per_kind_of_problem() -> None:
    for rules in (FIELD_RULES, SOURCE_RULES):
        ids = [rule.id for rule in rules]
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("message", "path", "severity", "expected"),
    [
        ('unknown field "spec.foo"', "/spec/foo", "error", "unknown-field"),
        (
            "expected string, got boolean (Kubernetes reads unquoted yes/no/on/off/y/n/true/false "
            "as booleans: quote the value)",
            "/data/x",
            "error",
            "wrong-type",
        ),
        ("expected integer or string, got array", "/spec/x", "error", "wrong-type"),
        ("Required value", "/spec/selector", "error", "required"),
        (
            'Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of ...',
            "/metadata/name",
            "error",
            "invalid-value",
        ),
        (
            'Unsupported value: "Cluster": supported values: "ClusterIP", "ExternalName"',
            "/spec/type",
            "error",
            "unsupported-value",
        ),
        (
            "Forbidden: may not be set for ExternalName services",
            "/spec/clusterIP",
            "error",
            "forbidden",
        ),
        ('Duplicate value: "http"', "/spec/ports/1/name", "error", "duplicate-value"),
        (
            "Too long: may not be more than 262144 bytes",
            "/metadata/annotations",
            "error",
            "too-long",
        ),
        ("illegal base64 data at input byte 4", "/data/key", "error", "invalid-value"),
        ("must be greater than or equal to 1", "/spec/replicas", "error", "schema"),
        (
            "extensions/v1beta1 Ingress is no longer served: removed in Kubernetes v1.22; use "
            "networking.k8s.io/v1 Ingress",
            "/apiVersion",
            "error",
            "removed-api",
        ),
        (
            "apps/v1beta2 Deployment is not served by Kubernetes v1.30: removed in v1.16; use "
            "apps/v1 Deployment",
            "/apiVersion",
            "error",
            "removed-api",
        ),
        (
            "batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 "
            "CronJob",
            "/apiVersion",
            "warning",
            "deprecated-api",
        ),
        (
            "stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab",
            "/apiVersion",
            "warning",
            "deprecated-api",
        ),
        (
            "the schema of CustomResourceDefinition crontabs.stable.example.com for "
            "stable.example.com/v1 cannot be compiled: bad regex",
            "/apiVersion",
            "error",
            "crd-schema",
        ),
        (
            "no schema for Widget in example.com/v1: not a built-in kind of Kubernetes 1.30, and "
            "no CustomResourceDefinition for it was given (pass it with --crd or in the input); "
            "skipped",
            "/kind",
            "warning",
            "unknown-kind",
        ),
        (
            "duplicate object: Service 'web' is already defined at a.yaml:1",
            "/metadata/name",
            "error",
            "duplicate-object",
        ),
        ("nesting deeper than 10000 levels: too deep to validate", "/spec", "error", "too-deep"),
        (
            "Invalid value: 70000: must be between 1 and 65535, inclusive (StatefulSet pod "
            "template: not checked on create)",
            "/spec/x",
            "warning",
            "invalid-value",
        ),
    ],
)
def test_field_rule_ids(message: str, path: str, severity: str, expected: str) -> None:
    assert rule_id(FieldProblem(path, message, severity)) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("YAML syntax error: mapping values are not allowed here", "yaml-syntax"),
        (
            "character '\\x07' (U+0007) is not allowed in YAML: special characters are not allowed",
            "yaml-syntax",
        ),
        ("invalid document separator: 'x' follows '---' on the same line; ...", "yaml-syntax"),
        ('duplicate key "name" (first set on line 3); Kubernetes rejects it', "duplicate-key"),
        ('merge key "<<" would override "a" set above it; Kubernetes ...', "merge-key"),
        ("merge key '<<' needs a mapping or a list of mappings", "merge-key"),
        (
            "document contains excessive aliasing (an alias bomb, CVE-2019-11253); Kubernetes "
            "refuses it",
            "alias-bomb",
        ),
        ("exceeded max depth of 10000", "too-deep"),
        ("cannot decode !!int 'abc'", "yaml-tag"),
        ("!!binary value is not valid base64", "yaml-tag"),
        ("not valid UTF-8 (byte 0xFF); Kubernetes reads manifests as UTF-8", "encoding"),
        (
            "document is 3.5 MiB; kube-apiserver accepts at most 3 MiB per request, so it cannot "
            "be applied (not parsed)",
            "too-large",
        ),
        ("a Kubernetes object must be a mapping, found list", "not-a-mapping"),
        ("item 2 of the List must be a mapping, found string", "not-a-mapping"),
        ("missing 'kind' key", "missing-type"),
        ("item 0: missing 'apiVersion' key", "missing-type"),
        ("'kind' must be a string, found integer", "missing-type"),
        ("cannot read: Permission denied", "unreadable"),
        (
            "1e400 is not a number JSON can carry (Kubernetes: json: unsupported value); ...",
            "unsupported-number",
        ),
        ("something new", "load"),
    ],
)
def test_source_rule_ids(message: str, expected: str) -> None:
    assert rule_id(SourceProblem("a.yaml", 1, 1, message)) == expected


def test_problems_without_positions(sarif_validator: jsonschema.protocols.Validator) -> None:
    """Code scanning needs a startLine: unreadable files point at line 1, field problems
    without a line at their object."""
    pod = resource("Pod", "web", origin=Origin("pods.yaml", 1, 12, column=3))
    report = ValidationReport(
        "1.30",
        [entry(pod, "default", INVALID, [FieldProblem("", "cannot validate: boom")])],
        errors=[SourceProblem("gone.yaml", None, None, "cannot read: Permission denied")],
        warnings=[SourceProblem("odd.yaml", 5, None, "a warning about a file", WARNING)],
    )
    results = _check(sarif_validator, report)["runs"][0]["results"]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results]
    assert regions == [{"startLine": 12, "startColumn": 3}, {"startLine": 1}, {"startLine": 5}]
    assert [r["level"] for r in results] == ["error", "error", "warning"]
    assert results[0]["message"]["text"] == "Pod/default/web: cannot validate: boom"


@pytest.mark.parametrize(
    ("source", "uri"),
    [
        ("deploy/web.yaml", "deploy/web.yaml"),
        ("<stdin>", "<stdin>"),
        ("my dir/a b.yaml", "my%20dir/a%20b.yaml"),
        ("100%/x#1?.yaml", "100%25/x%231%3F.yaml"),
        ("k8s:prod/app.yaml", "k8s%3Aprod/app.yaml"),
        ("/abs/path.yaml", "/abs/path.yaml"),
        ("über/grüße.yaml", "%C3%BCber/gr%C3%BC%C3%9Fe.yaml"),
        (b"bad-\xff.yaml".decode("utf-8", "surrogateescape"), "bad-%FF.yaml"),
    ],
)
def test_artifact_uris(source: str, uri: str) -> None:
    assert artifact_uri(source) == uri


def test_output_is_byte_stable() -> None:
    text = _render(sample_report())
    assert text == _render(sample_report())
    assert text.endswith("}\n")
