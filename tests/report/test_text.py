"""`-o text`: exact lines for people, colour rules, and byte-stable output off a terminal."""

from __future__ import annotations

import io
import re

import pytest

from kplan.diagnostics import FieldProblem
from kplan.report import render_validation
from kplan.report.text import wants_color
from kplan.resource import Origin
from kplan.results import INVALID, ValidationReport
from tests.report.samples import entry, resource, sample_report

ESC = "\x1b["


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def _render(report: ValidationReport, stream: io.StringIO | None = None, **options: bool) -> str:
    stream = stream if stream is not None else io.StringIO()
    render_validation(report, "text", stream, **options)
    return stream.getvalue()


PROBLEMS = [
    "deploy/web.yaml:9:13: error: Deployment/shop/web: expected integer, got string "
    "(/spec/replicas)",
    'deploy/web.yaml:21:28: error: Deployment/shop/web: Unsupported value: "Sometimes": '
    'supported values: "Always", "IfNotPresent", "Never" '
    "(/spec/template/spec/containers/0/imagePullPolicy)",
    "deploy/web.yaml:24:11: error: Deployment/shop/web: unknown field "
    '"spec.template.spec.containers[0].bogus" (/spec/template/spec/containers/0/bogus)',
    "",
    "deploy/legacy.yaml:1:13: warning: CronJob/default/nightly: batch/v1beta1 CronJob is "
    "deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJob (/apiVersion)",
    "deploy/legacy.yaml:14:13: error: Ingress/default/web: extensions/v1beta1 Ingress is no "
    "longer served: removed in Kubernetes v1.22; use networking.k8s.io/v1 Ingress (/apiVersion)",
    "",
    "cluster.yaml:8:3: error: ClusterRole/<unnamed>: Required value: name or generateName is "
    "required (/metadata/name)",
    'cluster.yaml:17:11: error: Pod/default/tricky: Invalid value: "50%,\\"a\\"\\nzwei: '
    'grüße ✓": a valid label must be 63 characters or less (/metadata/labels/tier)',
    "",
    "<stdin>:2:7: warning: Certificate/shop/web-tls: no schema for Certificate in "
    "cert-manager.io/v1: not a built-in kind of Kubernetes 1.30, and no "
    "CustomResourceDefinition for it was given (pass it with --crd or in the input); skipped "
    "(/kind)",
    "<stdin>:12:1: error: a Kubernetes object must be a mapping, found string",
    "",
    "manifests with space/bad file.yaml:4:5: error: YAML syntax error: mapping values are not "
    "allowed here",
    "",
    "9 resources: 4 valid, 4 invalid, 1 skipped; 2 load errors, 2 warnings",
]


def test_problems_grouped_by_file_then_a_summary() -> None:
    assert _render(sample_report()).splitlines() == PROBLEMS


def test_verbose_lists_every_object_with_its_status() -> None:
    lines = _render(sample_report(), verbose=True).splitlines()
    assert lines[:5] == [
        "deploy/web.yaml:1:1: invalid: Deployment/shop/web",
        PROBLEMS[0],
        PROBLEMS[1],
        PROBLEMS[2],
        "deploy/web.yaml:27:1: valid: Service/shop/web",
    ]
    assert "cluster.yaml:1:1: valid: Namespace/shop" in lines
    assert "cluster.yaml:6:1: invalid: ClusterRole/<unnamed>" in lines
    assert lines.index("cluster.yaml:6:1: invalid: ClusterRole/<unnamed>") + 1 == lines.index(
        PROBLEMS[7]
    )
    assert "<stdin>:2:5: skipped: Certificate/shop/web-tls" in lines
    assert "<stdin>:8:5: valid: ConfigMap/default/settings" in lines
    # Without -v the valid ones are only counted.
    assert not [line for line in PROBLEMS if ": valid: " in line]


def test_all_valid_prints_only_the_summary() -> None:
    namespace = resource("Namespace", "shop", origin=Origin("ns.yaml", 0, 1))
    report = ValidationReport("1.30", [entry(namespace, "")])
    summary = "1 resource: 1 valid, 0 invalid, 0 skipped; 0 load errors, 0 warnings\n"
    assert _render(report) == summary
    assert _render(report, verbose=True) == "ns.yaml:1:1: valid: Namespace/shop\n\n" + summary


def test_no_colour_off_a_terminal() -> None:
    assert ESC not in _render(sample_report(), verbose=True)


def test_colour_on_a_terminal() -> None:
    output = _render(sample_report(), FakeTerminal())
    assert ESC in output
    assert "\x1b[1;31merror\x1b[0m" in output
    assert "\x1b[33mwarning\x1b[0m" in output
    plain = _render(sample_report())
    assert _strip_ansi(output) == plain


def test_no_color_wins_over_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC not in _render(sample_report(), FakeTerminal())
    assert not wants_color(FakeTerminal())


def test_empty_no_color_does_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """no-color.org: only a non-empty value disables colour."""
    monkeypatch.setenv("NO_COLOR", "")
    assert wants_color(FakeTerminal())


def test_explicit_choice_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ESC in _render(sample_report(), color=True)
    assert ESC not in _render(sample_report(), FakeTerminal(), color=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC in _render(sample_report(), color=True)


def test_force_color_colours_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert wants_color(io.StringIO())


def test_long_lines_are_never_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    message = "Invalid value: " + "x" * 400 + ": must be no more than 63 characters"
    pod = resource("Pod", "long", origin=Origin("pod.yaml", 0, 1))
    problem = FieldProblem("/metadata/labels/app", message, line=6, column=10)
    report = ValidationReport("1.30", [entry(pod, "default", INVALID, [problem])])
    first = _render(report).splitlines()[0]
    assert first == f"pod.yaml:6:10: error: Pod/default/long: {message} (/metadata/labels/app)"
    monkeypatch.setenv("COLUMNS", "40")
    assert _render(report).splitlines()[0] == first


def test_control_characters_are_shown_escaped() -> None:
    """A message must not restyle the terminal or split into several lines."""
    pod = resource("Pod", "web", origin=Origin("pod.yaml", 0, 1))
    problem = FieldProblem("/data", "bad \x1b[31mred\x1b[0m\r\nnext\tcol", line=2, column=3)
    report = ValidationReport("1.30", [entry(pod, "default", INVALID, [problem])])
    first = _render(report, FakeTerminal(), color=False).splitlines()[0]
    assert first == (
        "pod.yaml:2:3: error: Pod/default/web: bad \\x1b[31mred\\x1b[0m\\r\\nnext\\tcol (/data)"
    )


def test_markup_and_emoji_codes_are_printed_as_written() -> None:
    pod = resource("Pod", "web", origin=Origin("pod.yaml", 0, 1))
    problem = FieldProblem("/x", "[bold]not markup[/bold] :smile: 1 None True", line=2, column=3)
    report = ValidationReport("1.30", [entry(pod, "default", INVALID, [problem])])
    output = _render(report, FakeTerminal())
    assert "Pod/default/web: [bold]not markup[/bold] :smile: 1 None True \x1b[2m(/x)" in output


def test_problem_without_position_is_shown_at_its_object() -> None:
    pod = resource("Pod", "web", origin=Origin("pods.yaml", 1, 12, column=3))
    problem = FieldProblem("", "cannot validate: internal")
    report = ValidationReport("1.30", [entry(pod, "default", INVALID, [problem])])
    assert _render(report).splitlines()[0] == (
        "pods.yaml:12:3: error: Pod/default/web: cannot validate: internal"
    )


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
