"""`-o github`: workflow commands as the Actions runner parses them."""

from __future__ import annotations

import io
import re

from kplan.diagnostics import FieldProblem, SourceProblem
from kplan.report import render_validation
from kplan.report.github import command, escape_data, escape_property
from kplan.resource import Origin
from kplan.results import INVALID, ValidationReport
from tests.report.samples import entry, resource, sample_report

TITLE = "title=kplan validate"


def _render(report: ValidationReport) -> list[str]:
    stream = io.StringIO()
    render_validation(report, "github", stream)
    text = stream.getvalue()
    assert text.endswith("\n")
    return text.splitlines()


def test_every_problem_is_one_command_in_file_order() -> None:
    assert _render(sample_report()) == [
        f"::error file=deploy/web.yaml,line=9,col=13,{TITLE}::Deployment/shop/web: "
        "expected integer, got string (/spec/replicas)",
        f"::error file=deploy/web.yaml,line=21,col=28,{TITLE}::Deployment/shop/web: "
        'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never" '
        "(/spec/template/spec/containers/0/imagePullPolicy)",
        f"::error file=deploy/web.yaml,line=24,col=11,{TITLE}::Deployment/shop/web: "
        'unknown field "spec.template.spec.containers[0].bogus" '
        "(/spec/template/spec/containers/0/bogus)",
        f"::warning file=deploy/legacy.yaml,line=1,col=13,{TITLE}::CronJob/default/nightly: "
        "batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; "
        "use batch/v1 CronJob (/apiVersion)",
        f"::error file=deploy/legacy.yaml,line=14,col=13,{TITLE}::Ingress/default/web: "
        "extensions/v1beta1 Ingress is no longer served: removed in Kubernetes v1.22; "
        "use networking.k8s.io/v1 Ingress (/apiVersion)",
        f"::error file=cluster.yaml,line=8,col=3,{TITLE}::ClusterRole/<unnamed>: "
        "Required value: name or generateName is required (/metadata/name)",
        f"::error file=cluster.yaml,line=17,col=11,{TITLE}::Pod/default/tricky: "
        'Invalid value: "50%25,\\"a\\"%0Azwei: grüße ✓": '
        "a valid label must be 63 characters or less (/metadata/labels/tier)",
        f"::warning {TITLE}::<stdin>:2:7: Certificate/shop/web-tls: no schema for Certificate "
        "in cert-manager.io/v1: not a built-in kind of Kubernetes 1.30, and no "
        "CustomResourceDefinition for it was given (pass it with --crd or in the input); "
        "skipped (/kind)",
        f"::error file=manifests with space/bad file.yaml,line=4,col=5,{TITLE}::"
        "YAML syntax error: mapping values are not allowed here",
        f"::error {TITLE}::<stdin>:12:1: a Kubernetes object must be a mapping, found string",
        "kplan: 9 resources: 4 valid, 4 invalid, 1 skipped; 2 load errors, 2 warnings",
    ]


def test_escaping_follows_the_runner() -> None:
    """actions/toolkit command.ts: escapeData (% CR LF) and escapeProperty (also : and ,)."""
    assert escape_data("100%\r\nnext: a,b") == "100%25%0D%0Anext: a,b"
    assert escape_property("100%\r\nnext: a,b") == "100%25%0D%0Anext%3A a%2Cb"
    # Escaping % first: an already-escaped-looking sequence survives the runner's unescaping.
    assert escape_data("%0A") == "%250A"


def test_properties_with_separators_are_escaped() -> None:
    line = command("error", "dir:1/a,b 100%.yaml", 3, 5, "bad: value, really")
    assert line == (
        "::error file=dir%3A1/a%2Cb 100%25.yaml,line=3,col=5,title=kplan validate::"
        "bad: value, really"
    )


def test_unknown_positions_are_left_out() -> None:
    report = ValidationReport(
        "1.30",
        errors=[
            SourceProblem("gone.yaml", None, None, "cannot read: Permission denied"),
            SourceProblem("<stdin>", None, None, "cannot read: Bad file descriptor"),
        ],
    )
    assert _render(report)[:2] == [
        "::error file=gone.yaml,title=kplan validate::cannot read: Permission denied",
        "::error title=kplan validate::<stdin>: cannot read: Bad file descriptor",
    ]


def test_a_problem_without_a_line_points_at_its_object() -> None:
    pod = resource("Pod", "web", origin=Origin("pods.yaml", 2, 31, column=3, item=1))
    problem = FieldProblem("/spec", "Required value")
    report = ValidationReport("1.30", [entry(pod, "default", INVALID, [problem])])
    assert _render(report)[0] == (
        "::error file=pods.yaml,line=31,col=3,title=kplan validate::"
        "Pod/default/web: Required value (/spec)"
    )


def test_messages_never_break_the_command_line() -> None:
    """A newline in a message would end the command and print the rest as a log line."""
    for line in _render(sample_report()):
        assert "\n" not in line and "\r" not in line
        assert re.fullmatch(r"::(error|warning) [^:]*::.*|kplan: .*", line), line


def test_undecodable_file_names_do_not_break_the_stream() -> None:
    name = b"bad-\xff.yaml".decode("utf-8", "surrogateescape")
    report = ValidationReport("1.30", errors=[SourceProblem(name, 1, 1, "YAML syntax error: x")])
    line = _render(report)[0]
    line.encode("utf-8")
    assert line.startswith("::error file=bad-\\xff.yaml,line=1,col=1,")
