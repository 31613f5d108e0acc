"""A StatefulSet's rollout plan: what the recording says about the set's pods and
revisions, run through the controller's sync (kplan.plan.rollout.statefulset_control) until
nothing changes, and described as the contract's `order`, `batches`, `create_order`,
`not_updated` and `removed`.

Feature gates follow their default for the planned version (pkg/features/kube_features.go):
MaxUnavailableStatefulSet alpha 1.24 (off), beta and on by default 1.35; StatefulSetStartOrdinal
beta and on by default 1.27.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kplan.k8s.defaults_base import Version, parse_version
from kplan.plan.rollout.intstr import IntOrStringError
from kplan.plan.rollout.objects import (
    REVISION_HASH,
    as_dict,
    as_int,
    controlled_by,
    labels_of,
    metadata,
    name_of,
    pod_is_running_and_ready,
    pod_is_terminal,
    pod_is_terminating,
    spec_of,
    template_of,
    templates_equal,
)
from kplan.plan.rollout.revisions import matching_revision, owned_revisions, revision_hash
from kplan.plan.rollout.stalls import pdb_notes
from kplan.plan.rollout.statefulset_control import (
    NEW_REVISION,
    ON_DELETE,
    ORDERED_READY,
    PARALLEL,
    RECORDED_REVISION,
    ROLLING_UPDATE,
    Pod,
    SetConfig,
    Timeline,
    max_unavailable_of,
    simulate,
)

# MaxUnavailableStatefulSet: alpha 1.24 (off), beta and on by default 1.35.
MAX_UNAVAILABLE_FROM: Version = (1, 35)
# StatefulSetStartOrdinal: alpha 1.26, beta and on by default 1.27, GA 1.31.
START_ORDINAL_FROM: Version = (1, 27)


def plan_statefulset(
    desired: dict[str, Any],
    recorded: dict[str, Any] | None,
    recorded_pods: Sequence[dict[str, Any]],
    *,
    kubernetes_version: str,
    controller_revisions: Sequence[dict[str, Any]] = (),
    pdbs: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    name = name_of(desired)
    namespace = metadata(desired).get("namespace") or ""
    result: dict[str, Any] = {"workload": f"StatefulSet/{namespace}/{name}"}
    version = parse_version(kubernetes_version)
    template = template_of(desired)
    template_changed = recorded is not None and not templates_equal(
        template_of(recorded), template, ignore_hash=False
    )
    try:
        cfg = _config(desired, recorded, version, controller_revisions, template_changed)
    except IntOrStringError as error:
        result.update(strategy=_strategy(desired), triggers_rollout=False)
        result["reason"] = f"invalid-strategy: {error}"
        return result
    pods = _recorded_pods(recorded, recorded_pods, cfg, namespace)
    timeline = simulate(pods, cfg)

    result["strategy"] = cfg.strategy
    result["podManagementPolicy"] = cfg.policy
    updates = [o for batch in timeline.update_batches for o in batch]
    result["triggers_rollout"] = template_changed and bool(updates)
    result["replicas"] = cfg.replicas
    if cfg.strategy == ROLLING_UPDATE:
        result["partition"] = cfg.partition
        if cfg.max_unavailable is not None:
            result["maxUnavailable"] = cfg.max_unavailable
    _describe_order(result, timeline, cfg)
    result["not_updated"] = [
        cfg.pod_name(o)
        for o, pod in sorted(timeline.final.items())
        if pod.revision != cfg.update_revision
    ]
    result["removed"] = [cfg.pod_name(o) for o in timeline.removed]
    result["steps"] = timeline.steps
    result["peak_pods"] = timeline.peak_pods
    result["min_available"] = timeline.min_available
    reason = _reason(recorded, cfg, template_changed, updates, timeline)
    if reason is not None:
        result["reason"] = reason
    notes = pdb_notes(pdbs, namespace, template, cfg.replicas)
    if timeline.truncated:
        notes.append("the simulation did not settle; the steps are cut short")
    if notes:
        result["notes"] = notes
    return result


def _strategy(desired: dict[str, Any]) -> str:
    kind = as_dict(spec_of(desired).get("updateStrategy")).get("type")
    return kind if isinstance(kind, str) and kind else ROLLING_UPDATE


def _config(
    desired: dict[str, Any],
    recorded: dict[str, Any] | None,
    version: Version,
    revisions: Sequence[dict[str, Any]],
    template_changed: bool,
) -> SetConfig:
    spec = spec_of(desired)
    replicas = as_int(spec.get("replicas"), 1)
    strategy = as_dict(spec.get("updateStrategy"))
    rolling = strategy.get("rollingUpdate")
    has_rolling = isinstance(rolling, dict)
    rolling = as_dict(rolling)
    kind = _strategy(desired)
    policy = spec.get("podManagementPolicy")
    start = (
        as_int(as_dict(spec.get("ordinals")).get("start")) if version >= START_ORDINAL_FROM else 0
    )
    max_unavailable = None
    if version >= MAX_UNAVAILABLE_FROM and kind == ROLLING_UPDATE:
        max_unavailable = max_unavailable_of(rolling.get("maxUnavailable"), replicas)
    status = as_dict(recorded.get("status")) if recorded else {}
    owned = owned_revisions(revisions, "StatefulSet", recorded)
    recorded_revision = _recorded_revision(status, owned, recorded)
    current = status.get("currentRevision")
    update = recorded_revision
    if template_changed:
        match = matching_revision(owned, template_of(desired))
        update = revision_hash(match) if match is not None else NEW_REVISION
    return SetConfig(
        name=name_of(desired),
        replicas=replicas,
        start=start,
        policy=policy if policy == PARALLEL else ORDERED_READY,
        strategy=kind,
        has_rolling_update=has_rolling and kind == ROLLING_UPDATE,
        partition=as_int(rolling.get("partition")),
        max_unavailable=max_unavailable,
        current_revision=current if isinstance(current, str) and current else recorded_revision,
        update_revision=update,
        current_replicas=as_int(status.get("currentReplicas")),
    )


def _recorded_revision(
    status: dict[str, Any], owned: list[dict[str, Any]], recorded: dict[str, Any] | None
) -> str:
    """The revision name of the recorded template: status.updateRevision, else the recorded
    ControllerRevision holding that template, else a placeholder."""
    update = status.get("updateRevision")
    if isinstance(update, str) and update:
        return update
    if recorded is not None:
        match = matching_revision(owned, template_of(recorded))
        if match is not None:
            return revision_hash(match)
    return RECORDED_REVISION


def _recorded_pods(
    recorded: dict[str, Any] | None,
    bodies: Sequence[dict[str, Any]],
    cfg: SetConfig,
    namespace: str,
) -> dict[int, Pod]:
    """The set's recorded pods by ordinal. Pod revisions come from their
    controller-revision-hash label when the recording names revisions at all; otherwise
    every pod runs the recorded template. Without recorded pods: the recorded
    status.replicas ordinals, healthy, the top status.updatedReplicas at the recorded update
    revision."""
    if recorded is None:
        return {}
    status = as_dict(recorded.get("status"))
    labelled = cfg.current_revision != RECORDED_REVISION or cfg.update_revision not in (
        RECORDED_REVISION,
        NEW_REVISION,
    )
    pods: dict[int, Pod] = {}
    prefix = f"{cfg.name}-"
    for body in bodies:
        if not isinstance(body, dict) or (metadata(body).get("namespace") or "") != namespace:
            continue
        if not controlled_by(body, "StatefulSet", recorded):
            continue
        suffix = name_of(body)[len(prefix) :] if name_of(body).startswith(prefix) else ""
        if not suffix.isdigit():
            continue  # getOrdinal fails: the controller ignores the pod
        label = labels_of(body).get(REVISION_HASH)
        revision = label if labelled and isinstance(label, str) else cfg.current_revision
        pods[int(suffix)] = Pod(
            int(suffix),
            revision,
            healthy=pod_is_running_and_ready(body),
            terminating=pod_is_terminating(body),
            failed=pod_is_terminal(body),
        )
    if pods or not _has_recorded_pods(status, recorded):
        return pods
    count = as_int(status.get("replicas"), as_int(spec_of(recorded).get("replicas"), 1))
    updated = as_int(status.get("updatedReplicas"))
    start = cfg.start
    for index in range(count):
        at_update = status.get("updateRevision") and index >= count - updated
        revision = status["updateRevision"] if at_update else cfg.current_revision
        pods[start + index] = Pod(start + index, revision)
    return pods


def _has_recorded_pods(status: dict[str, Any], recorded: dict[str, Any]) -> bool:
    """Whether the recording shows pods of this set (else a new or scaled-to-zero set)."""
    count = as_int(status.get("replicas"), as_int(spec_of(recorded).get("replicas"), 1))
    return count > 0


def _describe_order(result: dict[str, Any], timeline: Timeline, cfg: SetConfig) -> None:
    """`order` / `batches` / `create_order` (CONTRACT.md): the update's deletions when
    there are any, else the scaling's creations or deletions."""
    if timeline.update_batches:
        order = [o for batch in timeline.update_batches for o in batch]
        result["order"] = [cfg.pod_name(o) for o in order]
        result["batches"] = [[cfg.pod_name(o) for o in batch] for batch in timeline.update_batches]
        if cfg.monotonic and timeline.recreated != order:
            # Parallel brings a batch back at once: no order to tell
            result["create_order"] = [cfg.pod_name(o) for o in timeline.recreated]
        return
    if timeline.create_batches:
        batches = timeline.create_batches
    elif timeline.remove_batches:
        batches = timeline.remove_batches
    else:
        batches = []
    result["order"] = [cfg.pod_name(o) for batch in batches for o in batch]
    result["batches"] = [[cfg.pod_name(o) for o in batch] for batch in batches]


def _reason(
    recorded: dict[str, Any] | None,
    cfg: SetConfig,
    template_changed: bool,
    updates: list[int],
    timeline: Timeline,
) -> str | None:
    if recorded is None:
        return "new-object"
    if template_changed:
        if updates:
            return None
        if cfg.strategy == ON_DELETE:
            return "on-delete"
        if cfg.partition >= cfg.replicas:
            return "partition"
        return "no-pods-to-replace"
    if updates:
        return "in-progress"
    if as_int(spec_of(recorded).get("replicas"), 1) != cfg.replicas:
        return "replicas-only"
    return "metadata-only"
