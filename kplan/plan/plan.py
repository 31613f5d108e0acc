"""Runs the plan stages over validated input and a snapshot, and assembles the Plan.

Invalid objects are not planned: they become input errors (exit 1), like terraform refusing
an invalid configuration, while every valid object is still planned so that one typo does
not hide the rest of the plan.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.diagnostics import ERROR
from kplan.plan.changes import ChangeOptions, ChangePlanner, Computed, object_id, unchanged_refs
from kplan.plan.model import Change, Finding, Location, ObjectId, Plan
from kplan.plan.pods import WORKLOAD_KINDS
from kplan.resource import Resource
from kplan.results import INVALID, ValidationReport

if TYPE_CHECKING:
    from kplan.k8s.labels import Selector
    from kplan.load import Loaded
    from kplan.parallel import Deferred
    from kplan.plan.rollouts import Drafted
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
    report: ValidationReport | None = None,
) -> Plan:
    """The plan; `report` is validate_manifests' report when the caller has it already."""
    from kplan.lifetime import retain
    from kplan.validate import collect_crd_scopes

    if report is None:
        report = validate_manifests(
            loaded, extra_crds, options.kubernetes_version, options.strict, options.namespace
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
    planner = ChangePlanner(
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
    # Workloads first: which pods exist, where they run and how they roll out depend on
    # their changes only. The other objects' changes are planned in a second process while
    # the later stages run here.
    first = [identity for identity in planner.chosen if identity.kind in WORKLOAD_KINDS]
    rest = [identity for identity in planner.chosen if identity.kind not in WORKLOAD_KINDS]
    from kplan.plan.rollouts import confirm_rollouts, draft_rollouts

    draft = None
    if ROLLOUTS in options.sections:
        draft = functools.partial(
            draft_rollouts, snapshot=snapshot, kubernetes_version=options.kubernetes_version
        )
    shared = _changes_in_two(
        planner, first, rest, later_stages=bool(options.sections & ALL_SECTIONS), draft=draft
    )
    workload_changes = [change for _, change, _ in shared.computed]
    wiring_findings: list[Finding] = []
    fits = None
    drafts = None
    if draft is not None:  # the rollouts of the workloads planned here; the others' come along
        drafts = functools.partial(
            draft,
            [workload_changes[position] for position in shared.ours],
            positions=shared.ours,
        )
    later = Later(None, None)
    if options.sections & ALL_SECTIONS:
        plan.scheduling, later, fits = _cluster_sections(
            planned, snapshot, workload_changes, scopes, options, drafts, shared.collect
        )
    if later.drafts is not None:  # while the second process still builds the wiring
        drafted = later.drafts.result()
        if shared.drafts is not None:
            drafted = sorted(drafted + shared.drafts.result(), key=lambda item: item.index)
        plan.rollouts = confirm_rollouts(
            drafted, workload_changes, snapshot, options.kubernetes_version, fits=fits
        )
    plan.changes, findings = planner.assemble(shared.computed + shared.other_changes.result())
    plan.findings.extend(findings)
    if later.wiring is not None:
        plan.wiring, wiring_findings = later.wiring.result()
    plan.findings = _suppressed(plan.findings, planned, options) + wiring_findings
    retain(planner, shared, fits)  # the stages' working state (kplan.lifetime)
    return plan


def validate_manifests(
    loaded: Loaded,
    extra_crds: Sequence[Resource],
    kubernetes_version: str,
    strict: bool,
    namespace: str,
) -> ValidationReport:
    """The manifests checked as the API server would (objects defined twice are the plan's
    `duplicate-object` warning, not a validation error)."""
    from kplan.validate import ValidateOptions, validate

    options = ValidateOptions(
        kubernetes_version=kubernetes_version,
        strict=strict,
        namespace=namespace,
        check_duplicates=False,
    )
    return validate(loaded, options, extra_crds)


def _cluster_sections(
    planned: list[Resource],
    snapshot: Snapshot | None,
    workload_changes: list[Change],
    scopes: dict[tuple[str, str], str],
    options: PlanOptions,
    drafts: Callable[[], list[Drafted]] | None,
    before_fork: Callable[[], None],
) -> tuple[dict[str, Any] | None, Later, Any]:
    """Scheduling over the cluster after the plan, the surge check the rollouts use (it
    needs the same cluster), and, deferred (`Later`), the rollouts' `drafts()` and the
    wiring section with its findings. Workloads the plan leaves alone keep their recorded
    pods; the others get planned pods, placed by the scheduler."""
    from kplan.parallel import in_background_each
    from kplan.plan.placement import plan_scheduling, scheduling_cluster, surge_check
    from kplan.plan.wiring import plan_wiring
    from kplan.plan.wiring.stage import snapshot_pod_views, wiring_inputs

    change_options = ChangeOptions(
        kubernetes_version=options.kubernetes_version,
        namespace=options.namespace,
        crd_scopes=scopes,
    )
    unchanged = unchanged_refs(planned, workload_changes, change_options)
    recorded_pods = snapshot_pod_views(snapshot)
    objects, pods = wiring_inputs(
        planned,
        snapshot,
        namespace=options.namespace,
        kubernetes_version=options.kubernetes_version,
        crd_scopes=scopes,
        unchanged=unchanged,
        recorded_pod_views=recorded_pods,
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
    wiring = None
    if WIRING in options.sections:
        wiring = functools.partial(
            plan_wiring,
            objects,
            pods,
            service_cidr=options.service_cidr,
            recorded_kinds=snapshot.recorded_kinds if snapshot is not None else None,
            recorded_namespaces=snapshot.recorded_namespaces if snapshot is not None else None,
            config=options.rules_config,
        )
    # A second process builds what does not need the scheduling while this one schedules:
    # the rollouts' drafts (all but their surge checks), sent first, so that the rollouts
    # are confirmed here while it builds the wiring section (which does not read where pods
    # run: endpoints list every pod a Service selects, and a planned pod counts as ready).
    cluster_work = SCHEDULING in options.sections or ROLLOUTS in options.sections
    before_fork()
    computes: list[Callable[[], Any]] = [] if drafts is None else [drafts]
    if wiring is not None:
        computes.append(functools.partial(_encoded, wiring))
    jobs = in_background_each(computes, worth_it=cluster_work and bool(computes))
    later = Later(jobs[0] if drafts is not None else None, jobs[-1] if wiring is not None else None)

    cluster = None
    if cluster_work:
        cluster = scheduling_cluster(
            objects, snapshot, recorded_pods, options.kubernetes_version, options.scheduler_config
        )
    scheduling = None
    if SCHEDULING in options.sections:
        scheduling = plan_scheduling(
            cluster, pods, explain=options.explain, capacity=options.capacity
        )
    fits = None
    if ROLLOUTS in options.sections:
        fits = surge_check(cluster, pods)
    return scheduling, later, fits


@dataclass(frozen=True)
class Later:
    """The deferred part of a plan, each part when it was asked for: the rollouts' drafts
    and the wiring section with its findings."""

    drafts: Deferred[list[Drafted]] | None
    wiring: Deferred[tuple[Mapping[str, Any], list[Finding]]] | None


def _encoded(
    wiring: Callable[[], tuple[dict[str, Any], list[Finding]]],
) -> tuple[Mapping[str, Any], list[Finding]]:
    from kplan.plan.encoded import EncodedSection

    section, findings = wiring()
    return EncodedSection(section), findings  # see kplan.plan.encoded


# Below this many workloads a second process costs more than half their changes take.
SHARED_COMPUTE_MINIMUM = 8
# The workloads the second process plans: positions 1, 3, 5, 7 of every 9. Its share takes
# it longer than the same share takes this process (memory pages copied on write, then its
# results pickled and read here: 0.1 s on the benchmark plan), so it gets less than half
# (measured there: halves kept this process waiting 0.06-0.23 s for the other's).
SECOND_SHARE = (frozenset({1, 3, 5, 7}), 9)


@dataclass
class _Shared:
    """The changes as _changes_in_two plans them."""

    computed: list[Computed]  # the workloads' changes, in order
    ours: list[int]  # positions among them of those planned (and drafted) in this process
    other_changes: Deferred[list[Computed]]
    drafts: Deferred[list[Drafted]] | None  # the rollouts' drafts of the others

    def collect(self) -> None:
        """Take the second process's last results if it has sent them: once it has exited,
        this process's later writes to memory it shared with it are no longer copies
        (copy-on-write). If it is still planning, they are taken at the end, when they are
        needed: waiting here would hold the later stages back for longer than the copies
        cost (measured on the benchmark plan)."""
        if self.drafts is not None:
            if not self.drafts.ready():
                return
            self.drafts.result()
        if self.other_changes.ready():
            self.other_changes.result()


def _changes_in_two(
    planner: ChangePlanner,
    first: list[ObjectId],
    rest: list[ObjectId],
    later_stages: bool,
    draft: Callable[..., list[Drafted]] | None,
) -> _Shared:
    """The changes of `first` (in that order), needed now, and of `rest`, needed at the end.
    A second process plans 4 of every 9 of `first` meanwhile (SECOND_SHARE), then drafts
    their rollouts (`draft(changes, positions=...)`), then plans `rest` while the later
    stages run here."""
    from kplan.parallel import in_background_each

    share_first = len(first) >= SHARED_COMPUTE_MINIMUM
    taken_of, every = SECOND_SHARE
    theirs = [index for index in range(len(first)) if share_first and index % every in taken_of]
    taken = set(theirs)
    ours = [index for index in range(len(first)) if index not in taken]
    share = functools.cache(functools.partial(planner.compute, [first[i] for i in theirs]))

    def share_drafts() -> list[Drafted]:
        assert draft is not None
        return draft([change for _, change, _ in share()], positions=theirs)

    computes: list[Callable[[], Any]] = [share] if theirs else []
    if theirs and draft is not None:
        computes.append(share_drafts)
    computes.append(functools.partial(planner.compute, rest))
    *jobs, other_changes = in_background_each(
        computes, worth_it=bool(theirs) or (bool(rest) and later_stages)
    )
    found = planner.compute([first[i] for i in ours])
    if theirs:
        found += jobs[0].result()
    by_identity = {computed[0]: computed for computed in found}
    computed = [by_identity[identity] for identity in first]
    return _Shared(computed, ours, other_changes, jobs[1] if len(jobs) > 1 else None)


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
