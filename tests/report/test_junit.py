"""`-o junit`: JUnit XML as CI systems read it (junitparser and a plain XML parser)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from junitparser import Error, Failure, JUnitXml, Skipped

from kplan.diagnostics import FieldProblem, SourceProblem
from kplan.report import render_validation
from kplan.resource import Origin
from kplan.results import INVALID, ValidationReport
from tests.report.samples import entry, resource, sample_report


def _render(report: ValidationReport) -> str:
    stream = io.StringIO()
    render_validation(report, "junit", stream)
    return stream.getvalue()


def test_counts_with_junitparser() -> None:
    xml = JUnitXml.fromstring(_render(sample_report()))
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == [
        "deploy/web.yaml",
        "deploy/legacy.yaml",
        "cluster.yaml",
        "<stdin>",
        "manifests with space/bad file.yaml",
    ]
    counts = {
        name: (suite.tests, suite.failures, suite.errors, suite.skipped)
        for name, suite in suites.items()
    }
    assert counts == {
        "deploy/web.yaml": (2, 1, 0, 0),
        "deploy/legacy.yaml": (2, 1, 0, 0),
        "cluster.yaml": (3, 2, 0, 0),
        "<stdin>": (3, 0, 1, 1),
        "manifests with space/bad file.yaml": (1, 0, 1, 0),
    }
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (11, 4, 2, 1)
    # The counts junitparser recomputes from the children agree with the attributes.
    for suite in xml:
        before = (suite.tests, suite.failures, suite.errors, suite.skipped)
        suite.update_statistics()
        assert (suite.tests, suite.failures, suite.errors, suite.skipped) == before


def test_cases_with_junitparser() -> None:
    xml = JUnitXml.fromstring(_render(sample_report()))
    cases = {(case.classname, case.name): case for suite in xml for case in suite}
    web = cases["deploy/web.yaml", "Deployment/shop/web"]
    (failure,) = web.result
    assert isinstance(failure, Failure)
    assert failure.type == "wrong-type"
    assert failure.message == "/spec/replicas: expected integer, got string (and 2 more)"
    assert failure.text.splitlines() == [
        "deploy/web.yaml:9:13: error: expected integer, got string (/spec/replicas)",
        'deploy/web.yaml:21:28: error: Unsupported value: "Sometimes": supported values: '
        '"Always", "IfNotPresent", "Never" (/spec/template/spec/containers/0/imagePullPolicy)',
        'deploy/web.yaml:24:11: error: unknown field "spec.template.spec.containers[0].bogus" '
        "(/spec/template/spec/containers/0/bogus)",
    ]
    assert cases["deploy/web.yaml", "Service/shop/web"].is_passed
    assert cases["cluster.yaml", "Namespace/shop"].is_passed
    assert cases["cluster.yaml", "ClusterRole/<unnamed>"].is_failure
    cronjob = cases["deploy/legacy.yaml", "CronJob/default/nightly"]
    assert cronjob.is_passed
    assert cronjob.system_out == (
        "deploy/legacy.yaml:1:13: warning: batch/v1beta1 CronJob is deprecated in v1.21+, "
        "unavailable in v1.25+; use batch/v1 CronJob (/apiVersion)"
    )
    (skipped,) = cases["<stdin>", "Certificate/shop/web-tls"].result
    assert isinstance(skipped, Skipped)
    assert skipped.message.startswith("no schema for Certificate in cert-manager.io/v1")
    (error,) = cases["<stdin>", "not-a-mapping at 12:1"].result
    assert isinstance(error, Error)
    assert error.type == "not-a-mapping"
    assert error.text == "<stdin>:12:1: a Kubernetes object must be a mapping, found string"
    syntax = cases["manifests with space/bad file.yaml", "yaml-syntax at 4:5"]
    assert syntax.is_error


def test_structure_with_elementtree() -> None:
    text = _render(sample_report())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert {key: root.get(key) for key in ("tests", "failures", "errors", "skipped")} == {
        "tests": "11",
        "failures": "4",
        "errors": "2",
        "skipped": "1",
    }
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(1 for c in cases if c.find("failure") is not None))
        assert suite.get("errors") == str(sum(1 for c in cases if c.find("error") is not None))
        assert suite.get("skipped") == str(sum(1 for c in cases if c.find("skipped") is not None))
        for case in cases:
            assert case.get("classname") == suite.get("name") == case.get("file")
    cluster = root.find("testsuite[@name='cluster.yaml']")
    assert cluster is not None
    # Cases in file order: Namespace (line 1), ClusterRole (line 6), Pod (line 12).
    assert [(c.get("name"), c.get("line")) for c in cluster.findall("testcase")] == [
        ("Namespace/shop", "1"),
        ("ClusterRole/<unnamed>", "6"),
        ("Pod/default/tricky", "12"),
    ]


def test_quotes_newlines_and_unicode_survive() -> None:
    root = ET.fromstring(_render(sample_report()).encode("utf-8"))
    failure = root.find("testsuite/testcase[@name='Pod/default/tricky']/failure")
    assert failure is not None
    message = (
        'Invalid value: "50%,\\"a\\"\nzwei: grüße ✓": a valid label must be 63 characters or less'
    )
    # Attribute newlines are written as character references, so they are not normalised away.
    assert failure.get("message") == f"/metadata/labels/tier: {message}"
    assert failure.text == f"cluster.yaml:17:11: error: {message} (/metadata/labels/tier)"


def test_characters_xml_cannot_hold_are_escaped() -> None:
    pod = resource("Pod", "web", origin=Origin("pod.yaml", 0, 1))
    problem = FieldProblem("/data", "bad \x1b[31m\x00 value", line=2, column=3)
    name = b"bad-\xff.yaml".decode("utf-8", "surrogateescape")
    report = ValidationReport(
        "1.30",
        [entry(pod, "default", INVALID, [problem])],
        errors=[SourceProblem(name, 1, 1, "YAML syntax error: x")],
    )
    root = ET.fromstring(_render(report).encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "/data: bad \\x1b[31m\\x00 value"
    assert root.findall("testsuite")[1].get("name") == "bad-\\xff.yaml"


def test_unreadable_file_and_empty_report() -> None:
    report = ValidationReport(
        "1.30", errors=[SourceProblem("gone.yaml", None, None, "cannot read: Permission denied")]
    )
    xml = JUnitXml.fromstring(_render(report))
    (suite,) = xml
    (case,) = suite
    assert (case.name, case.is_error) == ("unreadable at file", True)
    empty = ET.fromstring(_render(ValidationReport("1.30")).encode("utf-8"))
    assert (empty.get("tests"), list(empty)) == ("0", [])


def test_output_is_byte_stable() -> None:
    assert _render(sample_report()) == _render(sample_report())
