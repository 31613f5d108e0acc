"""The StatefulSet controller's sync, on plain records (kubernetes/kubernetes
pkg/controller/statefulset/stateful_set_control.go updateStatefulSet, processReplica,
processCondemned, updateStatefulSetAfterInvariantEstablished; stateful_set_utils.go
newVersionedStatefulSetPod, getStatefulSetMaxUnavailable), and the step loop over it.

Order of one sync: replicas (ordinals [start, start + replicas)) in ascending order get
created when missing — OrderedReady ("monotonic") stops after each create and waits on any
pod that is not Running and Ready; Parallel creates them all — then condemned pods (higher
ordinals) are deleted in descending order, one per sync when monotonic; OnDelete stops
there; RollingUpdate then deletes pods not at the update revision from the highest ordinal
down to the partition: one at a time, waiting for the replacement to be healthy (also with
Parallel), or, with the MaxUnavailableStatefulSet gate, up to maxUnavailable (floor of the
percentage, at least 1) minus the unhealthy pods. Scaling therefore takes precedence over
updates.

Step model (CONTRACT.md): pods created in a step are Running and Ready at the next; deleted
pods are gone at the next; from step 2 every existing pod is healthy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kplan.plan.rollout.intstr import IntOrString, scaled_value

ORDERED_READY = "OrderedReady"
PARALLEL = "Parallel"
ROLLING_UPDATE = "RollingUpdate"
ON_DELETE = "OnDelete"
NEW_REVISION = "<new>"
RECORDED_REVISION = "<recorded>"
_STEP_LIMIT_FACTOR = 4


@dataclass
class Pod:
    ordinal: int
    revision: str
    healthy: bool = True
    terminating: bool = False
    failed: bool = False


@dataclass(frozen=True)
class SetConfig:
    """What one sync reads of the StatefulSet after the apply."""

    name: str
    replicas: int
    start: int = 0
    policy: str = ORDERED_READY
    strategy: str = ROLLING_UPDATE
    has_rolling_update: bool = True
    partition: int = 0
    # None: the MaxUnavailableStatefulSet path is off (classic one-at-a-time update).
    max_unavailable: int | None = None
    current_revision: str = RECORDED_REVISION
    update_revision: str = RECORDED_REVISION
    # status.currentReplicas: the creation rule for a RollingUpdate without rollingUpdate.
    current_replicas: int = 0

    @property
    def monotonic(self) -> bool:
        return self.policy != PARALLEL

    def pod_name(self, ordinal: int) -> str:
        return f"{self.name}-{ordinal}"

    def ordinals(self) -> range:
        return range(self.start, self.start + self.replicas)

    def creation_revision(self, ordinal: int) -> str:
        """newVersionedStatefulSetPod: the current revision below the partition (or, for a
        RollingUpdate without rollingUpdate, below status.currentReplicas), else the update
        revision. Upstream compares the ordinal itself with the partition here."""
        rolling = self.strategy == ROLLING_UPDATE
        if rolling and not self.has_rolling_update and ordinal < self.current_replicas:
            return self.current_revision
        if self.has_rolling_update and ordinal < self.partition:
            return self.current_revision
        return self.update_revision


@dataclass
class SyncResult:
    created: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)  # scale-down (condemned) deletions
    updated: list[int] = field(default_factory=list)  # deletions for the update
    cleaned: list[int] = field(default_factory=list)  # failed pods deleted


def sync_once(pods: dict[int, Pod], cfg: SetConfig) -> SyncResult:
    """One updateStatefulSet pass over `pods` (mutated: created pods added, deleted pods
    marked terminating)."""
    result = SyncResult()
    in_range = cfg.ordinals()
    replicas = list(in_range)
    condemned = sorted((o for o in pods if o not in in_range), reverse=True)
    # computed before any create or delete of this sync, as upstream does
    first_unhealthy = _first_unhealthy(pods, replicas, condemned) if condemned else None
    if _process_replicas(pods, cfg, replicas, result):
        return result
    if _process_condemned(pods, cfg, condemned, first_unhealthy, result):
        return result
    if cfg.strategy != ROLLING_UPDATE:
        return result
    if cfg.max_unavailable is not None:
        _update_with_max_unavailable(pods, cfg, replicas, result)
    else:
        _update_one_at_a_time(pods, cfg, replicas, result)
    return result


def _healthy(pod: Pod | None) -> bool:
    return pod is not None and pod.healthy and not pod.terminating


def _first_unhealthy(pods: dict[int, Pod], replicas: list[int], condemned: list[int]) -> int | None:
    for ordinal in replicas:
        if not _healthy(pods.get(ordinal)):
            return ordinal
    for ordinal in reversed(condemned):
        if not _healthy(pods[ordinal]):
            return ordinal
    return None


def _process_replicas(
    pods: dict[int, Pod], cfg: SetConfig, replicas: list[int], result: SyncResult
) -> bool:
    """processReplica for every replica; True when the sync ends here."""
    for ordinal in replicas:
        pod = pods.get(ordinal)
        if pod is not None and pod.failed:
            if not pod.terminating:
                pod.terminating = True
                result.cleaned.append(ordinal)
            if cfg.monotonic:
                return True
            continue
        if pod is None:
            pods[ordinal] = Pod(ordinal, cfg.creation_revision(ordinal), healthy=False)
            result.created.append(ordinal)
            if cfg.monotonic:
                return True
            continue
        if cfg.monotonic and (pod.terminating or not pod.healthy):
            return True
    return False


def _process_condemned(
    pods: dict[int, Pod],
    cfg: SetConfig,
    condemned: list[int],
    first_unhealthy: int | None,
    result: SyncResult,
) -> bool:
    """processCondemned in descending ordinal order; True when the sync ends here."""
    for ordinal in condemned:
        pod = pods[ordinal]
        if pod.terminating:
            if cfg.monotonic:
                return True
            continue
        if cfg.monotonic and not pod.healthy and ordinal != first_unhealthy:
            return True
        pod.terminating = True
        result.deleted.append(ordinal)
        if cfg.monotonic:
            return True
    return False


def _update_one_at_a_time(
    pods: dict[int, Pod], cfg: SetConfig, replicas: list[int], result: SyncResult
) -> None:
    """The classic RollingUpdate: the highest pod not at the update revision goes; an
    updated pod that is not healthy yet holds the update."""
    for index in range(len(replicas) - 1, cfg.partition - 1, -1):
        pod = pods[replicas[index]]
        if pod.revision != cfg.update_revision and not pod.terminating:
            pod.terminating = True
            result.updated.append(pod.ordinal)
            return
        if not _healthy(pod):
            return


def _update_with_max_unavailable(
    pods: dict[int, Pod], cfg: SetConfig, replicas: list[int], result: SyncResult
) -> None:
    """updateStatefulSetAfterInvariantEstablished: delete up to maxUnavailable minus the
    unhealthy replicas, highest ordinal first, down to the partition."""
    budget = cfg.max_unavailable or 1
    unavailable = sum(1 for ordinal in replicas if not _healthy(pods[ordinal]))
    if unavailable >= budget:
        return
    to_delete = budget - unavailable
    for index in range(len(replicas) - 1, cfg.partition - 1, -1):
        if len(result.updated) >= to_delete:
            break
        pod = pods[replicas[index]]
        if pod.revision != cfg.update_revision and not pod.terminating:
            pod.terminating = True
            result.updated.append(pod.ordinal)


def max_unavailable_of(value: IntOrString, replicas: int) -> int:
    """getStatefulSetMaxUnavailable: nil is 1, a percentage rounds down, at least 1."""
    count = scaled_value(1 if value is None else value, replicas, False)
    return max(count, 1)


# -- the simulation ---------------------------------------------------------------------------


@dataclass
class Timeline:
    steps: list[dict[str, Any]]
    update_batches: list[list[int]]
    create_batches: list[list[int]]
    remove_batches: list[list[int]]
    removed: list[int]
    recreated: list[int]
    final: dict[int, Pod]
    peak_pods: int
    min_available: int
    truncated: bool = False


def simulate(pods: dict[int, Pod], cfg: SetConfig) -> Timeline:
    """Run syncs until one after step 1 changes nothing."""
    steps: list[dict[str, Any]] = []
    update_batches: list[list[int]] = []
    create_batches: list[list[int]] = []
    remove_batches: list[list[int]] = []
    removed: list[int] = []
    replaced: set[int] = set()
    recreated: list[int] = []
    peak = len(pods)
    lowest = sum(1 for pod in pods.values() if _healthy(pod))
    limit = _STEP_LIMIT_FACTOR * (cfg.replicas + len(pods) + 1) + 10
    truncated, step = True, 0
    while step < limit:
        step += 1
        if step > 1:
            _settle(pods)
        healthy_before = {o for o, pod in pods.items() if _healthy(pod)}
        result = sync_once(pods, cfg)
        if not (result.created or result.deleted or result.updated or result.cleaned):
            if step > 1:
                truncated = False
                break
            continue
        peak = max(peak, len(pods))
        gone = set(result.deleted) | set(result.updated) | set(result.cleaned)
        lowest = min(lowest, len(healthy_before - gone))
        if result.updated:
            update_batches.append(list(result.updated))
            replaced.update(result.updated)
        if result.created:
            create_batches.append(list(result.created))
            recreated.extend(o for o in result.created if o in replaced)
        if result.deleted:
            remove_batches.append(list(result.deleted))
            removed.extend(result.deleted)
        steps.append(_step_entry(pods, cfg, result))
    _settle(pods)
    return Timeline(
        steps,
        update_batches,
        create_batches,
        remove_batches,
        removed,
        recreated,
        dict(pods),
        peak,
        lowest,
        truncated,
    )


def _settle(pods: dict[int, Pod]) -> None:
    """Between steps: deleted pods are gone, every other pod is Running and Ready."""
    for ordinal in [o for o, pod in pods.items() if pod.terminating]:
        del pods[ordinal]
    for pod in pods.values():
        pod.healthy = True


def _step_entry(pods: dict[int, Pod], cfg: SetConfig, result: SyncResult) -> dict[str, Any]:
    live = [pod for pod in pods.values() if not pod.terminating]
    entry: dict[str, Any] = {
        "new": sum(1 for pod in live if pod.revision == cfg.update_revision),
        "old": sum(1 for pod in live if pod.revision != cfg.update_revision),
    }
    if result.created:
        entry["created"] = [cfg.pod_name(o) for o in result.created]
    deleted = [*result.cleaned, *result.deleted, *result.updated]
    if deleted:
        entry["deleted"] = [cfg.pod_name(o) for o in deleted]
    return entry
