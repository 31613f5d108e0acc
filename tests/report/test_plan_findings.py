"""`diff -o sarif|junit|github`, and render_plan across every format."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml

from kplan import __version__
from kplan.plan.model import Change, Finding, Location, ObjectId, Plan
from kplan.report import FORMATS, render_plan
from tests.paths import ROOT, SHARED
from tests.report.test_plan_samples import MANIFESTS, SECRETS, boutique_plan, failing_plan

SARIF_SCHEMA = SHARED / "external" / "sarif-schema-2.1.0.json"
TITLE = "title=kplan diff"


def _render(plan: Plan, fmt: str) -> str:
    stream = io.StringIO()
    render_plan(plan, fmt, stream)
    text = stream.getvalue()
    assert text.endswith("\n")
    return text


def two_errors_plan() -> Plan:
    """One object with two error findings and a warning; one finding about no object."""
    web = ObjectId("apps", "Deployment", "shop", "web")
    return Plan(
        "1.33",
        [Change("update", "apps/v1", web, location=Location("deploy/web.yaml", 1, 1))],
        findings=[
            Finding("rule-a", "error", web.ref(), "first, with 50%\nand a newline", path="/spec"),
            Finding("rule-b", "error", web.ref(), "second", Location("deploy/web.yaml", 9, 7)),
            Finding("rule-c", "warning", web.ref(), "careful", Location("deploy/web.yaml", 3)),
            Finding("rule-d", "warning", "", "about the whole input"),
        ],
    )


# SARIF --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("the SARIF 2.1.0 schema (shared/external) is not beside this checkout")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _sarif(validator: jsonschema.protocols.Validator, plan: Plan) -> dict[str, Any]:
    log = json.loads(_render(plan, "sarif"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors
    return log


@pytest.mark.parametrize("build", [boutique_plan, failing_plan, two_errors_plan, lambda: Plan("1")])
def test_sarif_is_valid(sarif_validator: jsonschema.protocols.Validator, build: Any) -> None:
    log = _sarif(sarif_validator, build())
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "kplan"
    assert run["tool"]["driver"]["version"] == __version__


def test_sarif_results(sarif_validator: jsonschema.protocols.Validator) -> None:
    (run,) = _sarif(sarif_validator, failing_plan())["runs"]
    assert run["properties"] == {
        "kubernetesVersion": "1.33",
        "summary": {"create": 1, "update": 0, "replace": 0, "delete": 0, "unschedulable": 0},
    }
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("yaml-syntax", "error"),
        ("unknown-field", "error"),
        ("pod-does-not-fit", "error"),
        ("service-selects-nothing", "note"),
    ]
    assert results[1] == {
        "ruleId": "unknown-field",
        "ruleIndex": 1,
        "level": "error",
        "message": {
            "text": 'Deployment/default/checkout: unknown field "spec.replica" (/spec/replica)'
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "checkout.yaml"},
                    "region": {"startLine": 9, "startColumn": 3},
                }
            }
        ],
        "properties": {"object": "Deployment/default/checkout", "path": "/spec/replica"},
    }
    # A finding without a position points at its object's manifest.
    assert results[3]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "release/kubernetes-manifests.yaml"},
        "region": {"startLine": 230, "startColumn": 1},
    }
    assert "properties" not in results[0]  # no object, no path


def test_sarif_rules(sarif_validator: jsonschema.protocols.Validator) -> None:
    (run,) = _sarif(sarif_validator, failing_plan())["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [
        "yaml-syntax",
        "unknown-field",
        "pod-does-not-fit",
        "service-selects-nothing",
    ]
    # Input errors carry validate's rule descriptions; plan rules their id and a name.
    assert rules[0] == {
        "id": "yaml-syntax",
        "name": "YamlSyntax",
        "shortDescription": {"text": "The document is not valid YAML or JSON."},
        "defaultConfiguration": {"level": "error"},
    }
    assert rules[2] == {"id": "pod-does-not-fit", "name": "PodDoesNotFit"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_finding_about_nothing_has_no_location(
    sarif_validator: jsonschema.protocols.Validator,
) -> None:
    results = _sarif(sarif_validator, two_errors_plan())["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
    }
    assert "locations" not in results[3]
    assert results[3]["message"]["text"] == "about the whole input"


# JUnit --------------------------------------------------------------------------------------


def test_junit_one_case_per_object_one_failure_per_error() -> None:
    text = _render(two_errors_plan(), "junit")
    xml = JUnitXml.fromstring(text)
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == ["deploy/web.yaml", "kplan diff"]
    web = suites["deploy/web.yaml"]
    assert (web.tests, web.failures, web.errors, web.skipped) == (1, 2, 0, 0)
    (case,) = list(web)
    assert case.name == "Deployment/shop/web"
    assert case.classname == "deploy/web.yaml"
    failures = [result for result in case.result if isinstance(result, Failure)]
    assert [(f.type, f.message) for f in failures] == [
        ("rule-a", "/spec: first, with 50%\nand a newline"),
        ("rule-b", "second"),
    ]
    assert failures[1].text == "deploy/web.yaml:9:7: error: Deployment/shop/web: second [rule-b]"
    assert case.system_out == ("deploy/web.yaml:3: warning: Deployment/shop/web: careful [rule-c]")
    # junitparser's own counting agrees with the attributes written.
    web.update_statistics()
    assert (web.tests, web.failures, web.errors) == (1, 2, 0)
    loose = list(suites["kplan diff"])
    assert [c.name for c in loose] == ["rule-d at file"]
    assert loose[0].is_passed


def test_junit_input_errors() -> None:
    xml = JUnitXml.fromstring(_render(failing_plan(), "junit"))
    cases = {case.name: case for suite in xml for case in suite}
    assert list(cases) == [
        "Namespace/boutique",
        "Service/default/frontend",
        "Deployment/default/checkout",
        "Pod/default/debug",
        "yaml-syntax at 4:5",
    ]
    (error,) = cases["yaml-syntax at 4:5"].result
    assert isinstance(error, Error) and error.type == "yaml-syntax"
    (failure,) = cases["Deployment/default/checkout"].result
    assert isinstance(failure, Failure) and failure.type == "unknown-field"
    assert cases["Namespace/boutique"].is_passed
    assert cases["Service/default/frontend"].is_passed  # an info finding is no failure
    assert cases["Service/default/frontend"].system_out == (
        f"{MANIFESTS}:230:1: info: Service/default/frontend: no pods yet [service-selects-nothing]"
    )
    root = ET.fromstring(_render(failing_plan(), "junit"))
    assert root.tag == "testsuites" and root.get("name") == "kplan diff"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "2", "1")


def test_junit_boutique_passes_with_a_warning() -> None:
    xml = JUnitXml.fromstring(_render(boutique_plan(), "junit"))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 8  # seven changes, and the Service only a finding names
    assert all(case.is_passed for case in cases)
    suites = {suite.name: [case.name for case in suite] for suite in xml}
    assert list(suites) == [MANIFESTS, "cluster/snapshot.yaml"]
    # The Service only a finding names joins its manifest's suite, after the changes.
    assert suites[MANIFESTS][-1] == "Service/default/cartservice"
    assert suites["cluster/snapshot.yaml"] == [
        "ConfigMap/default/legacy-flags",
        "Secret/default/old-token",
    ]


# GitHub -------------------------------------------------------------------------------------


def test_github_commands() -> None:
    assert _render(two_errors_plan(), "github").splitlines() == [
        f"::error file=deploy/web.yaml,line=1,col=1,{TITLE}::Deployment/shop/web: "
        "first, with 50%25%0Aand a newline (/spec) [rule-a]",
        f"::error file=deploy/web.yaml,line=9,col=7,{TITLE}::Deployment/shop/web: second [rule-b]",
        f"::warning file=deploy/web.yaml,line=3,{TITLE}::Deployment/shop/web: careful [rule-c]",
        f"::warning {TITLE}::about the whole input [rule-d]",
        "kplan: Plan: 0 to add, 1 to change, 0 to destroy. 2 errors, 2 warnings.",
    ]


def test_github_levels_and_summary() -> None:
    lines = _render(failing_plan(), "github").splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:-1]] == [
        "::error",
        "::error",
        "::error",
        "::notice",
    ]
    assert lines[0] == (
        f"::error file=broken.yaml,line=4,col=5,{TITLE}::YAML syntax error: mapping values are "
        "not allowed here [yaml-syntax]"
    )
    assert (
        lines[-1]
        == "kplan: Plan: 1 to add, 0 to change, 0 to destroy. 3 errors, 0 warnings, 1 info."
    )


def test_github_stdin_findings_carry_their_position_in_the_message() -> None:
    bad = Finding("yaml-syntax", "error", "", "bad", Location("<stdin>", 2, 3))
    plan = Plan("1.33", input_errors=[bad])
    assert _render(plan, "github").splitlines()[0] == (
        f"::error {TITLE}::<stdin>:2:3: bad [yaml-syntax]"
    )


# Every format ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_deterministically(fmt: str) -> None:
    for build in (boutique_plan, failing_plan, lambda: Plan("1.33")):
        assert _render(build(), fmt) == _render(build(), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_plaintext_in_any_format(fmt: str) -> None:
    text = _render(boutique_plan(), fmt)
    for secret in SECRETS:
        assert secret not in text
    plan = boutique_plan()
    # Findings carry messages, never values; still, a message may name a Secret's key.
    plan.findings.append(
        Finding("secret-unused", "warning", "Secret/default/redis-auth", "key password unused")
    )
    for secret in SECRETS:
        assert secret not in _render(plan, fmt)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown output format 'yaml'"):
        render_plan(Plan("1.33"), "yaml", io.StringIO())


@pytest.mark.parametrize("fmt", ["json", "github", "sarif", "junit"])
def test_machine_formats_do_not_import_rich(fmt: str) -> None:
    code = (
        "import io, sys\n"
        "from kplan.report import render_plan\n"
        "from tests.report.test_plan_samples import boutique_plan\n"
        f"render_plan(boutique_plan(), {fmt!r}, io.StringIO())\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
