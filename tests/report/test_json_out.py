"""`-o json`: the CONTRACT.md document, checked against schemas/validate.schema.json."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kplan.diagnostics import WARNING, FieldProblem, SourceProblem
from kplan.report import render_validation
from kplan.resource import Origin
from kplan.results import INVALID, ValidationReport
from tests.paths import FIXTURES, ROOT
from tests.report.samples import entry, resource, sample_report

SCHEMA = ROOT / "schemas" / "validate.schema.json"


def _render(report: ValidationReport) -> str:
    stream = io.StringIO()
    render_validation(report, "json", stream)
    return stream.getvalue()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _check(validator: jsonschema.Draft202012Validator, text: str) -> dict[str, Any]:
    document = json.loads(text)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return document


def test_document_shape_and_key_order(validator: jsonschema.Draft202012Validator) -> None:
    document = _check(validator, _render(sample_report()))
    assert list(document) == [
        "format_version",
        "kubernetes_version",
        "resources",
        "errors",
        "summary",
    ]
    assert document["format_version"] == "1"
    assert document["kubernetes_version"] == "1.30"
    web = document["resources"][0]
    assert web == {
        "source": "deploy/web.yaml",
        "document": 0,
        "line": 1,
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": "shop",
        "name": "web",
        "status": "invalid",
        "errors": [
            {
                "path": "/spec/replicas",
                "message": "expected integer, got string",
                "line": 9,
                "column": 13,
            },
            {
                "path": "/spec/template/spec/containers/0/imagePullPolicy",
                "message": 'Unsupported value: "Sometimes": supported values: "Always", '
                '"IfNotPresent", "Never"',
                "line": 21,
                "column": 28,
            },
            {
                "path": "/spec/template/spec/containers/0/bogus",
                "message": 'unknown field "spec.template.spec.containers[0].bogus"',
                "line": 24,
                "column": 11,
            },
        ],
        "warnings": [],
    }
    assert list(web) == [
        "source",
        "document",
        "line",
        "apiVersion",
        "kind",
        "namespace",
        "name",
        "status",
        "errors",
        "warnings",
    ]
    assert list(web["errors"][0]) == ["path", "message", "line", "column"]
    assert document["errors"] == [
        {
            "source": "manifests with space/bad file.yaml",
            "line": 4,
            "column": 5,
            "message": "YAML syntax error: mapping values are not allowed here",
        },
        {
            "source": "<stdin>",
            "line": 12,
            "column": 1,
            "message": "a Kubernetes object must be a mapping, found string",
        },
    ]
    assert list(document["errors"][0]) == ["source", "line", "column", "message"]
    assert document["summary"] == {
        "resources": 9,
        "valid": 4,
        "invalid": 4,
        "skipped": 1,
        "errors": 2,
    }
    assert list(document["summary"]) == ["resources", "valid", "invalid", "skipped", "errors"]


def test_item_and_helm_source_only_when_present(
    validator: jsonschema.Draft202012Validator,
) -> None:
    resources = _check(validator, _render(sample_report()))["resources"]
    by_name = {(r["kind"], r["name"]): r for r in resources}
    service = by_name["Service", "web"]
    assert list(service)[:4] == ["source", "document", "line", "helm_source"]
    assert service["helm_source"] == "shop/templates/service.yaml"
    assert "item" not in service
    certificate = by_name["Certificate", "web-tls"]
    assert (certificate["source"], certificate["item"], certificate["line"]) == ("<stdin>", 0, 2)
    assert certificate["status"] == "skipped"
    assert certificate["warnings"][0]["path"] == "/kind"
    assert by_name["ConfigMap", "settings"]["item"] == 1
    assert [r for r in resources if "item" in r or "helm_source" in r] == [
        service,
        certificate,
        by_name["ConfigMap", "settings"],
    ]


def test_cluster_scoped_and_unnamed(validator: jsonschema.Draft202012Validator) -> None:
    resources = _check(validator, _render(sample_report()))["resources"]
    namespace = next(r for r in resources if r["kind"] == "Namespace")
    role = next(r for r in resources if r["kind"] == "ClusterRole")
    assert (namespace["namespace"], namespace["name"]) == ("", "shop")
    assert (role["namespace"], role["name"], role["status"]) == ("", "", "invalid")


def test_byte_stable_text() -> None:
    text = _render(sample_report())
    assert text == _render(sample_report())
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.splitlines()[1] == '  "format_version": "1",'
    # Unicode is written as itself; quotes and newlines as JSON escapes.
    assert "grüße ✓" in text
    assert '"Invalid value: \\"50%,\\\\\\"a\\\\\\"\\nzwei: grüße ✓\\"' in text


def test_messages_round_trip(validator: jsonschema.Draft202012Validator) -> None:
    document = _check(validator, _render(sample_report()))
    pod = next(r for r in document["resources"] if r["name"] == "tricky")
    assert pod["errors"][0]["message"] == (
        'Invalid value: "50%,\\"a\\"\nzwei: grüße ✓": a valid label must be 63 characters or less'
    )


def test_missing_positions_are_null(validator: jsonschema.Draft202012Validator) -> None:
    pod = resource("Pod", "web", origin=Origin("pod.yaml", 0, 1))
    report = ValidationReport(
        "1.30",
        [entry(pod, "default", INVALID, [FieldProblem("", "cannot validate: boom")])],
        errors=[SourceProblem("gone.yaml", None, None, "cannot read: Permission denied")],
    )
    document = _check(validator, _render(report))
    assert document["resources"][0]["errors"] == [
        {"path": "", "message": "cannot validate: boom", "line": None, "column": None}
    ]
    assert document["errors"][0]["line"] is None


def test_source_warnings_are_an_addition(validator: jsonschema.Draft202012Validator) -> None:
    report = ValidationReport(
        "1.30", warnings=[SourceProblem("a.yaml", 1, 1, "empty file", WARNING)]
    )
    document = _check(validator, _render(report))
    assert list(document) == [
        "format_version",
        "kubernetes_version",
        "resources",
        "errors",
        "warnings",
        "summary",
    ]
    assert document["warnings"] == [
        {"source": "a.yaml", "line": 1, "column": 1, "message": "empty file"}
    ]


def test_undecodable_source_names_are_escaped(validator: jsonschema.Draft202012Validator) -> None:
    name = b"bad-\xff.yaml".decode("utf-8", "surrogateescape")
    report = ValidationReport("1.30", errors=[SourceProblem(name, 1, 1, "YAML syntax error: x")])
    text = _render(report)
    text.encode("utf-8")
    assert '"source": "bad-\\udcff.yaml"' in text
    assert _check(validator, text)["errors"][0]["source"] == name


def test_schema_rejects_what_the_contract_does_not_allow(
    validator: jsonschema.Draft202012Validator,
) -> None:
    document = json.loads(_render(sample_report()))
    document["resources"][0]["status"] = "broken"
    assert not validator.is_valid(document)
    document = json.loads(_render(sample_report()))
    del document["summary"]["skipped"]
    assert not validator.is_valid(document)
    document = json.loads(_render(sample_report()))
    document["resources"][0]["errors"][0]["path"] = "spec.replicas"
    assert not validator.is_valid(document)


def test_real_pipeline_output_matches_the_schema(
    validator: jsonschema.Draft202012Validator, tmp_path: Path
) -> None:
    """The loader and validator on real manifests plus a broken one, end to end."""
    from kplan.load import load_paths
    from kplan.schema import newest_version
    from kplan.validate import ValidateOptions, validate

    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - kind: ConfigMap\n    apiVersion: v1\n    metadata: {name: a}\n    data: {k: 1}\n"
        "  - kind: Namespace\n    apiVersion: v1\n    metadata: {name: shop}\n"
        "---\nkey: [\n",
        encoding="utf-8",
    )
    loaded = load_paths([str(FIXTURES / "examples" / "guestbook"), str(broken)])
    report = validate(loaded, ValidateOptions(kubernetes_version=newest_version()))
    document = _check(validator, _render(report))
    assert document["summary"]["resources"] == 8
    listed = [r for r in document["resources"] if r["source"] == str(broken)]
    assert [(r["kind"], r["item"], r["namespace"], r["status"]) for r in listed] == [
        ("ConfigMap", 0, "default", "invalid"),
        ("Namespace", 1, "", "valid"),
    ]
    assert document["errors"][0]["source"] == str(broken)
