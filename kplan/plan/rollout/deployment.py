"""A Deployment's rollout, sync by sync, under the plan's step model (CONTRACT.md).

One step is one deployment-controller sync in syncDeployment's order
(pkg/controller/deployment/deployment_controller.go): paused -> `sync` (proportional
scaling only, no new ReplicaSet); a scaling event -> `sync`; else Recreate or RollingUpdate.
RollingUpdate creates the new ReplicaSet when missing (creating is not "scaling", so the
same sync still reconciles the old ones), reconciles the new ReplicaSet and, only if that
did not scale it, the old ones (rolling.go rolloutRolling).

Availability: in step 1 every ReplicaSet has its recorded status.availableReplicas (its
spec.replicas without a status) and a ReplicaSet created in step 1 has none; from step 2
every existing pod is available, since pods created in a step are available at the start
of the next and scaled-down pods are gone at its end. `steps` lists the counts after every
step that changes a ReplicaSet; the plan ends at the first step after step 1 that changes
nothing (step 1 may only wait on unavailable recorded pods).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kplan.plan.rollout import replicasets as rsutil
from kplan.plan.rollout.intstr import IntOrStringError
from kplan.plan.rollout.objects import (
    annotations_of,
    as_dict,
    as_int,
    as_list,
    controlled_by,
    creation_time,
    metadata,
    name_of,
    pod_is_terminal,
    spec_of,
    template_of,
    templates_equal,
)
from kplan.plan.rollout.replicasets import DeploymentParams, ReplicaSet
from kplan.plan.rollout.stalls import Fits, first_wave_note, pdb_notes, surge_stall

# Far more than any converging plan needs (each step moves at least one pod); a guard
# against a model bug turning into an endless loop.
_STEP_LIMIT_FACTOR = 4


@dataclass
class _State:
    """The ReplicaSets of one Deployment during the simulation."""

    d: DeploymentParams
    rss: list[ReplicaSet]
    new_rs: ReplicaSet | None
    paused: bool
    planned_name: str
    step: int = 0
    # Step 1 only: recorded non-terminal pods per ReplicaSet name (recreate.go oldPodsRunning).
    recorded_pods: dict[str, int] = field(default_factory=dict)
    # New-template pods never become available (the surge stall).
    frozen: dict[int, int] | None = None

    @property
    def olds(self) -> list[ReplicaSet]:
        return [rs for rs in self.rss if rs is not self.new_rs]


def params_of(desired: dict[str, Any], recorded: dict[str, Any] | None) -> DeploymentParams:
    spec = spec_of(desired)
    strategy = as_dict(spec.get("strategy"))
    rolling = as_dict(strategy.get("rollingUpdate"))
    kind = strategy.get("type")
    status = as_dict(recorded.get("status")) if recorded else {}
    return DeploymentParams(
        replicas=as_int(spec.get("replicas"), 1),
        strategy=kind if isinstance(kind, str) and kind else rsutil.ROLLING_UPDATE,
        max_surge=rolling.get("maxSurge"),
        max_unavailable=rolling.get("maxUnavailable"),
        status_replicas=as_int(status.get("replicas")),
    )


def replica_set_record(body: dict[str, Any]) -> ReplicaSet:
    """A recorded ReplicaSet as the controller reads it; no status means "as specified"."""
    spec, status = spec_of(body), body.get("status")
    replicas = as_int(spec.get("replicas"), 1)
    annotations = annotations_of(body)
    has_status = isinstance(status, dict)
    status = as_dict(status)
    return ReplicaSet(
        name=name_of(body),
        replicas=replicas,
        available=as_int(status.get("availableReplicas")) if has_status else replicas,
        actual=as_int(status.get("replicas")) if has_status else replicas,
        created=creation_time(body),
        desired_annotation=rsutil.parse_replicas_annotation(
            annotations.get(rsutil.DESIRED_REPLICAS)
        ),
        max_annotation=rsutil.parse_replicas_annotation(annotations.get(rsutil.MAX_REPLICAS)),
    )


def plan_deployment(
    desired: dict[str, Any],
    recorded: dict[str, Any] | None,
    recorded_replicasets: Sequence[dict[str, Any]],
    recorded_pods: Sequence[dict[str, Any]],
    *,
    fits: Fits | None = None,
    pdbs: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    name = name_of(desired)
    namespace = metadata(desired).get("namespace") or ""
    result: dict[str, Any] = {"workload": f"Deployment/{namespace}/{name}"}
    try:
        d = params_of(desired, recorded)
        surge, unavailable = d.max_surge_count(), d.max_unavailable_count()
    except IntOrStringError as error:
        result.update(strategy=_strategy(desired), triggers_rollout=False, steps=[])
        result["reason"] = f"invalid-strategy: {error}"
        return result
    template = template_of(desired)
    owned = _owned(recorded, recorded_replicasets, namespace)
    notes: list[str] = []
    if recorded is not None and not owned and _recorded_size(recorded) > 0:
        owned = [_assumed_replica_set(recorded, name)]
        notes.append("no recorded ReplicaSet: assumed one with the Deployment's recorded pods")
    records = [replica_set_record(body) for body in owned]
    new_index = _find_new(owned, template)
    new_rs = records[new_index] if new_index is not None else None
    paused = spec_of(desired).get("paused") is True

    old_pods = sum(rs.replicas for rs in records if rs is not new_rs)
    template_changed = recorded is not None and not templates_equal(template_of(recorded), template)
    # pods of another template exist and will be replaced by pods of the desired one
    triggers = (
        recorded is not None and not paused and template_changed and old_pods > 0 and d.replicas > 0
    )

    state = _State(d, records, new_rs, paused, f"{name}-new")
    state.recorded_pods = _pods_per_replica_set(recorded_pods, owned)
    stall = None
    if triggers and d.rolling:
        stall = surge_stall(unavailable, fits, creates_pods=True)
        if stall is not None:
            initial = new_rs.available if new_rs is not None else 0
            state.frozen = {id(new_rs): initial} if new_rs is not None else {}
    timeline = simulate(state)

    result["strategy"] = d.strategy
    result["triggers_rollout"] = triggers
    if d.rolling:
        result["maxSurge"], result["maxUnavailable"] = surge, unavailable
    result["replicas"] = d.replicas
    result["steps"] = timeline.steps
    result["new_rs"] = new_rs.name if new_rs is not None else None
    result["peak_pods"] = timeline.peak_pods
    result["min_available"] = timeline.min_available
    reason = _reason(recorded, paused, template_changed, old_pods, d)
    if reason is not None:
        result["reason"] = reason
    if stall is not None:
        result["stall"] = {"step": len(timeline.steps), "reason": stall}
    elif triggers and d.rolling:
        note = first_wave_note(timeline.first_wave, fits)
        if note:
            notes.append(note)
    if timeline.truncated:
        notes.append("the simulation did not settle; the steps are cut short")
    notes.extend(pdb_notes(pdbs, namespace, template, d.replicas))
    if notes:
        result["notes"] = notes
    return result


def _strategy(desired: dict[str, Any]) -> str:
    kind = as_dict(spec_of(desired).get("strategy")).get("type")
    return kind if isinstance(kind, str) and kind else rsutil.ROLLING_UPDATE


def _owned(
    recorded: dict[str, Any] | None, replicasets: Sequence[dict[str, Any]], namespace: str
) -> list[dict[str, Any]]:
    """ListReplicaSets: the recorded ReplicaSets whose controller is this Deployment."""
    if recorded is None:
        return []
    return [
        rs
        for rs in replicasets
        if isinstance(rs, dict)
        and (metadata(rs).get("namespace") or "") == namespace
        and controlled_by(rs, "Deployment", recorded)
    ]


def _recorded_size(recorded: dict[str, Any]) -> int:
    status = as_dict(recorded.get("status"))
    if "replicas" in status:
        return as_int(status.get("replicas"))
    return as_int(spec_of(recorded).get("replicas"), 1)


def _assumed_replica_set(recorded: dict[str, Any], name: str) -> dict[str, Any]:
    """Without recorded ReplicaSets: one ReplicaSet running the recorded template, sized and
    annotated as a settled Deployment's would be."""
    status = as_dict(recorded.get("status"))
    replicas = as_int(spec_of(recorded).get("replicas"), 1)
    try:
        maximum = replicas + params_of(recorded, None).max_surge_count()
    except IntOrStringError:
        maximum = replicas
    return {
        "metadata": {
            "name": f"{name}-recorded",
            "annotations": {
                rsutil.DESIRED_REPLICAS: str(replicas),
                rsutil.MAX_REPLICAS: str(maximum),
            },
        },
        "spec": {"replicas": _recorded_size(recorded), "template": template_of(recorded)},
        "status": {
            "replicas": _recorded_size(recorded),
            "availableReplicas": as_int(status.get("availableReplicas"), _recorded_size(recorded)),
        },
    }


def _find_new(owned: list[dict[str, Any]], template: dict[str, Any]) -> int | None:
    """FindNewReplicaSet: the oldest ReplicaSet whose template equals the desired one,
    ignoring pod-template-hash (creation time, then name)."""
    order = sorted(range(len(owned)), key=lambda i: (creation_time(owned[i]), name_of(owned[i])))
    for index in order:
        if templates_equal(template_of(owned[index]), template):
            return index
    return None


def _pods_per_replica_set(
    pods: Sequence[dict[str, Any]], owned: list[dict[str, Any]]
) -> dict[str, int]:
    """Running pods per owned ReplicaSet name, in one pass over the namespace's pods: a pod
    has at most one controller reference (apimachinery ValidateOwnerReferences: "Only one
    reference can have Controller set to true"), so its first one decides."""
    by_name: dict[Any, dict[str, Any]] = {name_of(rs): rs for rs in owned}
    found: dict[str, int] = {}
    for pod in pods:
        if not isinstance(pod, dict) or pod_is_terminal(pod):
            continue
        for reference in as_list(metadata(pod).get("ownerReferences")):
            if isinstance(reference, dict) and reference.get("controller") is True:
                rs = by_name.get(reference.get("name"))
                if rs is not None and controlled_by(pod, "ReplicaSet", rs):
                    found[name_of(rs)] = found.get(name_of(rs), 0) + 1
                break
    return {name_of(rs): found[name_of(rs)] for rs in owned if found.get(name_of(rs))}


def _reason(
    recorded: dict[str, Any] | None,
    paused: bool,
    template_changed: bool,
    old_pods: int,
    d: DeploymentParams,
) -> str | None:
    if recorded is None:
        return "new-object"
    if paused:
        return "paused"
    if template_changed:
        return None if old_pods > 0 and d.replicas > 0 else "no-pods-to-replace"
    if old_pods > 0:
        return "in-progress"
    if as_int(spec_of(recorded).get("replicas"), 1) != d.replicas:
        return "replicas-only"
    return "metadata-only"


# -- the simulation ---------------------------------------------------------------------------


@dataclass
class Timeline:
    steps: list[dict[str, Any]]
    peak_pods: int
    min_available: int
    first_wave: int = 0
    truncated: bool = False


def simulate(state: _State) -> Timeline:
    """Run syncs until one after step 1 changes nothing (see the module docstring)."""
    involved = {rs.name for rs in state.olds if rs.replicas > 0}
    pods = sum(rs.actual for rs in state.rss)
    available = sum(min(rs.available, rs.replicas) for rs in state.rss)
    peak, lowest, first_wave = pods, available, 0
    snapshots: list[dict[str, int]] = []
    limit = _STEP_LIMIT_FACTOR * (state.d.replicas + pods + 1) + 10
    truncated = True
    while state.step < limit:
        state.step += 1
        if state.step > 1:
            _settle(state)
        before = {id(rs): rs.replicas for rs in state.rss}
        start_available = {id(rs): rs.available for rs in state.rss}
        count_before = len(state.rss)
        start_pods = sum(rs.actual for rs in state.rss)
        sync_once(state)
        changed = len(state.rss) != count_before or any(
            rs.replicas != before.get(id(rs), 0) for rs in state.rss
        )
        if not changed:
            if state.step > 1:
                truncated = False
                break
            continue
        created = sum(max(0, rs.replicas - before.get(id(rs), 0)) for rs in state.rss)
        if state.new_rs is not None and not first_wave:
            first_wave = state.new_rs.replicas - before.get(id(state.new_rs), 0)
        peak = max(peak, start_pods + created)
        after_available = sum(min(rs.replicas, start_available.get(id(rs), 0)) for rs in state.rss)
        lowest = min(lowest, after_available)
        involved.update(rs.name for rs in state.olds if rs.replicas > 0)
        snapshots.append(_counts(state))
    steps = [_step_entry(snapshot, state, involved) for snapshot in snapshots]
    return Timeline(steps, peak, lowest, max(first_wave, 0), truncated)


def _settle(state: _State) -> None:
    """Between steps: every existing pod is available, scaled-down pods are gone."""
    for rs in state.rss:
        rs.actual = rs.replicas
        if state.frozen is not None and rs is state.new_rs:
            rs.available = min(rs.replicas, state.frozen.get(id(rs), 0))
        else:
            rs.available = rs.replicas


def _counts(state: _State) -> dict[str, int]:
    counts = {rs.name: rs.replicas for rs in state.olds}
    counts[""] = state.new_rs.replicas if state.new_rs is not None else 0
    return counts


def _step_entry(counts: dict[str, int], state: _State, involved: set[str]) -> dict[str, Any]:
    new = counts.get("", 0)
    olds = {name: replicas for name, replicas in counts.items() if name}
    entry: dict[str, Any] = {"new": new, "old": sum(olds.values())}
    if len(involved) > 1:
        entry["old_rs"] = {name: olds.get(name, 0) for name in sorted(involved)}
    return entry


def sync_once(state: _State) -> None:
    """syncDeployment, from `paused` on (deployment_controller.go)."""
    d, new_rs, olds = state.d, state.new_rs, state.olds
    if state.paused or rsutil.is_scaling_event(d, new_rs, olds):
        rsutil.scale(d, new_rs, olds)
        return
    if d.rolling:
        _rollout_rolling(state)
    else:
        _rollout_recreate(state)


def _create_new(state: _State) -> ReplicaSet:
    """getNewReplicaSet with createIfNotExisted: sized by NewRSNewReplicas, annotated with
    desired = replicas and max = replicas + maxSurge."""
    d = state.d
    new_rs = ReplicaSet(name=state.planned_name, replicas=0, planned=True)
    new_rs.replicas = rsutil.new_rs_new_replicas(d, [*state.olds, new_rs], new_rs)
    new_rs.desired_annotation = d.replicas
    new_rs.max_annotation = d.replicas + d.max_surge_count()
    state.rss.append(new_rs)
    state.new_rs = new_rs
    if state.frozen is not None:
        state.frozen[id(new_rs)] = 0
    return new_rs


def _rollout_rolling(state: _State) -> None:
    """rolloutRolling (rolling.go)."""
    new_rs = state.new_rs if state.new_rs is not None else _create_new(state)
    olds = state.olds
    all_rss = [*olds, new_rs]
    if rsutil.reconcile_new_replica_set(state.d, all_rss, new_rs):
        return
    rsutil.reconcile_old_replica_sets(state.d, all_rss, rsutil.active(olds), new_rs)


def _rollout_recreate(state: _State) -> None:
    """rolloutRecreate (recreate.go): old ReplicaSets to 0, wait until no old pod runs,
    then create / scale the new ReplicaSet to replicas."""
    d, olds = state.d, state.olds
    if rsutil.scale_down_old_replica_sets_for_recreate(d, rsutil.active(olds)):
        return
    if _old_pods_running(state):
        return
    new_rs = state.new_rs if state.new_rs is not None else _create_new(state)
    rsutil.scale_replica_set_and_record_event(d, new_rs, d.replicas)


def _old_pods_running(state: _State) -> bool:
    """oldPodsRunning: an old ReplicaSet with status.replicas > 0, or (from the recording)
    a non-terminal pod of an old ReplicaSet."""
    if any(rs.actual > 0 for rs in state.olds):
        return True
    if state.step == 1:
        return any(state.recorded_pods.get(rs.name, 0) > 0 for rs in state.olds)
    return False
