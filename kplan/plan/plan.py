"""Runs the plan stages over validated input and a snapshot, and assembles the Plan.

Invalid objects are not planned: they become input errors (exit 1), like terraform refusing
an invalid configuration, while every valid object is still planned so that one typo does
not hide the rest of the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.diagnostics import ERROR
from kplan.plan.changes import ChangeOptions, object_id, plan_changes, unchanged_refs
from kplan.plan.model import Change, Finding, Location, Plan
from kplan.resource import Resource
from kplan.results import INVALID, ValidationReport

if TYPE_CHECKING:
    from kplan.k8s.labels import Selector
    from kplan.load import Loaded
    from kplan.rules.config import RulesConfig
    from kplan.snapshot.load import Snapshot


SCHEDULING, WIRING, ROLLOUTS = "scheduling", "wiring", "rollouts"
ALL_SECTIONS = frozenset({SCHEDULING, WIRING, ROLLOUTS})


@dataclass(frozen=True)
class PlanOptions:
    kubernetes_version: str
    namespace: str = "default"
    strict: bool = True
    prune_selector: Selector | None = None
    show_all: bool = False
    service_cidr: str = "10.96.0.0/12"
    rules_config: RulesConfig | None = None
    # A KubeSchedulerConfiguration (as kube-scheduler reads it) and per-node score detail.
    scheduler_config: Mapping[str, Any] | None = None
    explain: bool = False
    capacity: bool = False  # how many more replicas of each planned workload would fit
    # The sections to compute: `diff` wants them all, a section command only its own.
    sections: frozenset[str] = ALL_SECTIONS


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

    wiring_findings: list[Finding] = []
    fits = None
    if options.sections & ALL_SECTIONS:
        plan.scheduling, plan.wiring, wiring_findings, fits = _cluster_sections(
            planned, snapshot, changes, scopes, options
        )
    if ROLLOUTS in options.sections:
        plan.rollouts = plan_rollouts(changes, snapshot, options.kubernetes_version, fits=fits)
    plan.findings = _suppressed(plan.findings, planned, options) + wiring_findings
    return plan


def _cluster_sections(
    planned: list[Resource],
    snapshot: Snapshot | None,
    changes: list[Change],
    scopes: dict[tuple[str, str], str],
    options: PlanOptions,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[Finding], Any]:
    """Scheduling, then wiring, over the cluster after the plan, and the surge check the
    rollouts use (it needs the same cluster). Workloads the plan leaves
    alone keep their recorded pods; the others get planned pods, placed by the scheduler
    (so that wiring sees where they run)."""
    from kplan.plan.placement import plan_scheduling, surge_check
    from kplan.plan.wiring import plan_wiring
    from kplan.plan.wiring.stage import wiring_inputs

    change_options = ChangeOptions(
        kubernetes_version=options.kubernetes_version,
        namespace=options.namespace,
        crd_scopes=scopes,
    )
    unchanged = unchanged_refs(planned, changes, change_options)
    objects, pods = wiring_inputs(
        planned,
        snapshot,
        namespace=options.namespace,
        kubernetes_version=options.kubernetes_version,
        crd_scopes=scopes,
        unchanged=unchanged,
    )
    # The contract's order: priority (the scheduler's queue), then input order, then replica.
    rank = {
        object_id(resource, change_options).ref(): index for index, resource in enumerate(planned)
    }
    pods = sorted(
        pods,
        key=lambda pod: (
            pod.planned,
            rank.get(pod.owner or f"Pod/{pod.ref}", len(rank)) if pod.planned else 0,
            pod.replica if pod.planned else 0,
        ),
    )
    scheduling = None
    if SCHEDULING in options.sections:
        scheduling = plan_scheduling(
            objects,
            pods,
            snapshot,
            kubernetes_version=options.kubernetes_version,
            config=options.scheduler_config,
            explain=options.explain,
            capacity=options.capacity,
        )
    fits = None
    if ROLLOUTS in options.sections:
        fits = surge_check(
            objects, pods, snapshot, options.kubernetes_version, options.scheduler_config
        )
    if WIRING not in options.sections:
        return scheduling, None, [], fits
    wiring, findings = plan_wiring(
        objects,
        pods,
        service_cidr=options.service_cidr,
        recorded_kinds=snapshot.recorded_kinds if snapshot is not None else None,
        recorded_namespaces=snapshot.recorded_namespaces if snapshot is not None else None,
        config=options.rules_config,
    )
    return scheduling, wiring, findings, fits


def _suppressed(
    findings: list[Finding], planned: list[Resource], options: PlanOptions
) -> list[Finding]:
    """The plan's own findings after the rules config and `kplan.io/ignore` annotations
    (the wiring stage applies both to its findings itself)."""
    from kplan.rules.config import annotation_ignores, apply_config

    change_options = ChangeOptions(
        kubernetes_version=options.kubernetes_version, namespace=options.namespace
    )
    ignores = {
        object_id(resource, change_options).ref(): annotation_ignores(
            resource.metadata.get("annotations")
            if isinstance(resource.metadata.get("annotations"), dict)
            else None
        )
        for resource in planned
    }
    return apply_config(findings, options.rules_config, ignores)


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
