"""Runs the plan stages over validated input and a snapshot, and assembles the Plan.

Invalid objects are not planned: they become input errors (exit 1), like terraform refusing
an invalid configuration, while every valid object is still planned so that one typo does
not hide the rest of the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kplan.diagnostics import ERROR
from kplan.plan.changes import ChangeOptions, plan_changes
from kplan.plan.model import Finding, Location, Plan
from kplan.resource import Resource
from kplan.results import INVALID, ValidationReport

if TYPE_CHECKING:
    from kplan.k8s.labels import Selector
    from kplan.load import Loaded
    from kplan.snapshot.load import Snapshot


@dataclass(frozen=True)
class PlanOptions:
    kubernetes_version: str
    namespace: str = "default"
    strict: bool = True
    prune_selector: Selector | None = None
    show_all: bool = False


def build_plan(
    loaded: Loaded,
    snapshot: Snapshot | None,
    options: PlanOptions,
    extra_crds: Sequence[Resource] = (),
) -> Plan:
    from kplan.validate import ValidateOptions, collect_crd_scopes, validate

    report = validate(
        loaded,
        ValidateOptions(
            kubernetes_version=options.kubernetes_version,
            strict=options.strict,
            namespace=options.namespace,
            check_duplicates=False,
        ),
        extra_crds,
    )
    plan = Plan(kubernetes_version=options.kubernetes_version)
    plan.input_errors = input_errors(report)
    plan.findings.extend(validation_warnings(report))
    if snapshot is not None:
        plan.findings.extend(snapshot_findings(snapshot))
    planned = [entry.resource for entry in report.resources if entry.status != INVALID]
    scopes = collect_crd_scopes([*extra_crds, *loaded.resources])
    if snapshot is not None:
        scopes = {**collect_crd_scopes(snapshot.resources()), **scopes}
    changes, findings = plan_changes(
        planned,
        snapshot,
        ChangeOptions(
            kubernetes_version=options.kubernetes_version,
            namespace=options.namespace,
            prune_selector=options.prune_selector,
            show_all=options.show_all,
            crd_scopes=scopes,
        ),
    )
    plan.changes = changes
    plan.findings.extend(findings)
    from kplan.plan.rollouts import plan_rollouts

    plan.rollouts = plan_rollouts(changes, snapshot, options.kubernetes_version)
    return plan


def input_errors(report: ValidationReport) -> list[Finding]:
    """Unparseable documents and objects the API server would reject."""
    from kplan.report import object_ref

    errors = [
        Finding(
            "invalid-input",
            ERROR,
            "",
            problem.message,
            Location(problem.source, problem.line, problem.column),
        )
        for problem in report.errors
    ]
    for entry in report.resources:
        for problem in entry.errors:
            errors.append(
                Finding(
                    "invalid-object",
                    ERROR,
                    object_ref(entry),
                    problem.message,
                    Location(entry.resource.origin.source, problem.line, problem.column),
                    problem.path,
                )
            )
    return errors


def validation_warnings(report: ValidationReport) -> list[Finding]:
    """Deprecated APIs, custom resources without a CRD, ...: worth saying in a plan."""
    from kplan.report import object_ref

    findings = []
    for entry in report.resources:
        for problem in entry.warnings:
            findings.append(
                Finding(
                    "validation-warning",
                    "warning",
                    object_ref(entry),
                    problem.message,
                    Location(entry.resource.origin.source, problem.line, problem.column),
                    problem.path,
                )
            )
    return findings


def snapshot_findings(snapshot: Snapshot) -> list[Finding]:
    return [
        Finding(
            "snapshot-problem",
            "warning",
            "",
            problem.message,
            Location(problem.source, problem.line, problem.column),
        )
        for problem in snapshot.problems
    ]
