"""A DaemonSet's rollout plan: which recorded pods run the desired template
(util.IsPodUpdated), which nodes should run one, and the controller's sync
(kplan.plan.rollout.daemon_update) run until nothing changes. Only the counts per wave are
reported: which nodes form a wave is not predictable offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kplan.plan.rollout.daemon_update import (
    ON_DELETE,
    ROLLING_UPDATE,
    DaemonConfig,
    DaemonPod,
    counts,
    simulate,
)
from kplan.plan.rollout.intstr import IntOrStringError
from kplan.plan.rollout.objects import (
    REVISION_HASH,
    TEMPLATE_GENERATION,
    annotations_of,
    as_dict,
    as_int,
    controlled_by,
    creation_time,
    labels_of,
    metadata,
    name_of,
    pod_is_ready,
    pod_is_terminal,
    pod_is_terminating,
    spec_of,
    template_of,
    templates_equal,
)
from kplan.plan.rollout.revisions import matching_revision, owned_revisions, revision_hash
from kplan.plan.rollout.stalls import Fits, pdb_notes, surge_stall

TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
WAVE_NOTE = (
    "which nodes form a wave is not predictable offline (the controller iterates a Go map); "
    "only the counts are"
)


def plan_daemonset(
    desired: dict[str, Any],
    recorded: dict[str, Any] | None,
    recorded_pods: Sequence[dict[str, Any]],
    *,
    controller_revisions: Sequence[dict[str, Any]] = (),
    eligible_nodes: list[str] | None = None,
    fits: Fits | None = None,
    pdbs: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    name = name_of(desired)
    namespace = metadata(desired).get("namespace") or ""
    result: dict[str, Any] = {"workload": f"DaemonSet/{namespace}/{name}"}
    strategy = as_dict(spec_of(desired).get("updateStrategy"))
    kind = strategy.get("type") if isinstance(strategy.get("type"), str) else ROLLING_UPDATE
    template = template_of(desired)
    template_changed = recorded is not None and not templates_equal(
        template_of(recorded), template, ignore_hash=False
    )
    pods = _recorded_pods(desired, recorded, recorded_pods, controller_revisions, namespace)
    eligible = _eligible(eligible_nodes, recorded, pods)
    try:
        surge, unavailable = counts(strategy, len(eligible))
    except IntOrStringError as error:
        result.update(strategy=kind, triggers_rollout=False, steps=[])
        result["reason"] = f"invalid-strategy: {error}"
        return result
    cfg = DaemonConfig.of(eligible, kind, surge, unavailable)
    old_pods = sum(1 for pod in pods if not pod.updated and not pod.terminating)
    stall = None
    if kind == ROLLING_UPDATE and surge > 0 and template_changed and old_pods:
        stall = surge_stall(0, fits, creates_pods=True)
    timeline = simulate(pods, cfg, frozen=stall is not None)

    result["strategy"] = kind
    replaced = sum(timeline.batches)
    result["triggers_rollout"] = template_changed and kind == ROLLING_UPDATE and replaced > 0
    if kind == ROLLING_UPDATE:
        result["maxSurge"], result["maxUnavailable"] = surge, unavailable
    result["desired"] = len(eligible)
    result["steps"] = timeline.steps
    result["batches"] = timeline.batches
    result["peak_pods"] = timeline.peak_pods
    result["min_available"] = timeline.min_available
    reason = _reason(recorded, kind, template_changed, old_pods, replaced, eligible_nodes)
    if reason is not None:
        result["reason"] = reason
    if stall is not None:
        result["stall"] = {"step": len(timeline.steps), "reason": stall}
    notes = [WAVE_NOTE] if timeline.batches and len(eligible) > 1 else []
    if timeline.truncated:
        notes.append("the simulation did not settle; the steps are cut short")
    notes.extend(pdb_notes(pdbs, namespace, template, len(eligible)))
    if notes:
        result["notes"] = notes
    return result


def _recorded_pods(
    desired: dict[str, Any],
    recorded: dict[str, Any] | None,
    bodies: Sequence[dict[str, Any]],
    revisions: Sequence[dict[str, Any]],
    namespace: str,
) -> list[DaemonPod]:
    """The DaemonSet's recorded pods, each marked updated or not (IsPodUpdated): with a
    changed template, updated only when its hash label names a recorded revision holding the
    desired template (a rollback); otherwise when its pod-template-generation label matches
    the recorded template generation or its hash label the recorded template's revision, and
    when the recording tells neither, every pod counts as updated."""
    if recorded is None:
        return []
    owned = owned_revisions(revisions, "DaemonSet", recorded)
    changed = not templates_equal(template_of(recorded), template_of(desired), ignore_hash=False)
    target = matching_revision(owned, template_of(desired if changed else recorded))
    target_hash = revision_hash(target) if target is not None else None
    generation = None if changed else annotations_of(recorded).get(TEMPLATE_GENERATION_ANNOTATION)
    mine = [
        body
        for body in bodies
        if isinstance(body, dict)
        and (metadata(body).get("namespace") or "") == namespace
        and controlled_by(body, "DaemonSet", recorded)
    ]
    mine.sort(key=lambda body: (creation_time(body), name_of(body)))
    pods = []
    for order, body in enumerate(mine, start=1):
        labels = labels_of(body)
        if changed:
            updated = target_hash is not None and labels.get(REVISION_HASH) == target_hash
        elif target_hash is None and generation is None:
            updated = True
        else:
            updated = (target_hash is not None and labels.get(REVISION_HASH) == target_hash) or (
                generation is not None and labels.get(TEMPLATE_GENERATION) == generation
            )
        node = as_dict(body.get("spec")).get("nodeName")
        pods.append(
            DaemonPod(
                node if isinstance(node, str) else f"<unscheduled-{order}>",
                updated,
                available=pod_is_ready(body),
                terminating=pod_is_terminating(body),
                failed=pod_is_terminal(body),
                order=order,
            )
        )
    return pods


def _eligible(
    eligible_nodes: list[str] | None, recorded: dict[str, Any] | None, pods: list[DaemonPod]
) -> list[str]:
    """The nodes that should run a daemon pod: the caller's list, else the recorded pods'
    nodes padded with placeholders up to status.desiredNumberScheduled."""
    if eligible_nodes is not None:
        return sorted(set(eligible_nodes))
    nodes = sorted({pod.node for pod in pods if not pod.terminating})
    if recorded is None:
        return nodes
    wanted = as_int(as_dict(recorded.get("status")).get("desiredNumberScheduled"), len(nodes))
    index = 0
    while len(nodes) < wanted:
        index += 1
        placeholder = f"<node-{index}>"
        if placeholder not in nodes:
            nodes.append(placeholder)
    return nodes


def _reason(
    recorded: dict[str, Any] | None,
    kind: str,
    template_changed: bool,
    old_pods: int,
    replaced: int,
    eligible_nodes: list[str] | None,
) -> str | None:
    if recorded is None:
        return "new-object" if eligible_nodes is not None else "new-object: eligible nodes unknown"
    if template_changed:
        if kind == ON_DELETE:
            return "on-delete"
        return None if replaced else "no-pods-to-replace"
    return "in-progress" if old_pods and replaced else "metadata-only"
