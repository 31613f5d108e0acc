"""The deployment controller's ReplicaSet arithmetic, one function per upstream function.

Upstream (kubernetes/kubernetes): pkg/controller/deployment/rolling.go
(reconcileNewReplicaSet, reconcileOldReplicaSets, cleanupUnhealthyReplicas,
scaleDownOldReplicaSetsForRollingUpdate), sync.go (scale, scaleReplicaSet,
scaleReplicaSetAndRecordEvent, isScalingEvent), recreate.go, and
util/deployment_util.go (NewRSNewReplicas, MaxSurge, MaxUnavailable, GetProportion,
getReplicaSetFraction, FindActiveOrLatest, IsSaturated), plus the ReplicaSet orderings of
pkg/controller/controller_utils.go. Every function works on `ReplicaSet` records in place,
as the Go code works on the objects the API server returns; `status` (available, actual)
is never changed within a sync, because the controller does not re-read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cmp_to_key

from kplan.plan.rollout.intstr import (
    IntOrString,
    IntOrStringError,
    resolve_fenceposts,
    round_to_int32,
    scaled_value,
)

ROLLING_UPDATE = "RollingUpdate"
RECREATE = "Recreate"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
_ZERO_TIME = datetime.min.replace(tzinfo=timezone.utc)
_MAX_INT32 = 2**31 - 1


def parse_replicas_annotation(value: object) -> int | None:
    """getNonNegativeInt32FromAnnotation: strconv.ParseUint(v, 10, 32) and at most MaxInt32;
    anything else counts as missing."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= _MAX_INT32 else None


class InvalidScaleError(ValueError):
    """cleanupUnhealthyReplicas' "got invalid request to scale down" error."""


@dataclass
class ReplicaSet:
    """What the controller reads of one ReplicaSet: spec.replicas, status.availableReplicas
    and status.replicas (`actual`), creation order and the two replica annotations.
    `planned` marks a ReplicaSet this plan creates (it sorts as the newest)."""

    name: str
    replicas: int
    available: int = 0
    actual: int = 0
    created: datetime = _ZERO_TIME
    desired_annotation: int | None = None
    max_annotation: int | None = None
    planned: bool = False

    @property
    def active(self) -> bool:
        return self.replicas > 0


@dataclass(frozen=True)
class DeploymentParams:
    """The Deployment fields the arithmetic reads. maxSurge / maxUnavailable are the raw
    int-or-percent values; `status_replicas` is status.replicas (the fallback for a missing
    max-replicas annotation in getReplicaSetFraction)."""

    replicas: int
    strategy: str = ROLLING_UPDATE
    max_surge: IntOrString = "25%"
    max_unavailable: IntOrString = "25%"
    status_replicas: int = 0

    @property
    def rolling(self) -> bool:
        return self.strategy == ROLLING_UPDATE

    def max_surge_count(self) -> int:
        """MaxSurge: 0 unless RollingUpdate."""
        if not self.rolling:
            return 0
        return resolve_fenceposts(self.max_surge, self.max_unavailable, self.replicas)[0]

    def max_unavailable_count(self) -> int:
        """MaxUnavailable: 0 unless RollingUpdate or when replicas is 0; capped at replicas."""
        if not self.rolling or self.replicas == 0:
            return 0
        unavailable = resolve_fenceposts(self.max_surge, self.max_unavailable, self.replicas)[1]
        return min(unavailable, self.replicas)

    def min_available(self) -> int:
        """MinAvailable: replicas - MaxUnavailable (0 unless RollingUpdate)."""
        return self.replicas - self.max_unavailable_count() if self.rolling else 0


# -- orderings (pkg/controller/controller_utils.go) ------------------------------------------


def _created_key(rs: ReplicaSet) -> tuple[bool, datetime]:
    return (rs.planned, rs.created)


def _by_creation(left: ReplicaSet, right: ReplicaSet) -> int:
    """ReplicaSetsByCreationTimestamp.Less as a comparison: older first, then by name."""
    if _created_key(left) == _created_key(right):
        return (left.name > right.name) - (left.name < right.name)
    return -1 if _created_key(left) < _created_key(right) else 1


def by_creation(rss: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    return sorted(rss, key=cmp_to_key(_by_creation))


def by_size_newer(rss: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """ReplicaSetsBySizeNewer: bigger first; on a tie the newer one first."""

    def compare(left: ReplicaSet, right: ReplicaSet) -> int:
        if left.replicas == right.replicas:
            return _by_creation(right, left)
        return -1 if left.replicas > right.replicas else 1

    return sorted(rss, key=cmp_to_key(compare))


def by_size_older(rss: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """ReplicaSetsBySizeOlder: bigger first; on a tie the older one first."""

    def compare(left: ReplicaSet, right: ReplicaSet) -> int:
        if left.replicas == right.replicas:
            return _by_creation(left, right)
        return -1 if left.replicas > right.replicas else 1

    return sorted(rss, key=cmp_to_key(compare))


def active(rss: Iterable[ReplicaSet | None]) -> list[ReplicaSet]:
    """FilterActiveReplicaSets: non-nil with spec.replicas > 0, order kept."""
    return [rs for rs in rss if rs is not None and rs.replicas > 0]


def replica_count(rss: Iterable[ReplicaSet | None]) -> int:
    return sum(rs.replicas for rs in rss if rs is not None)


def available_count(rss: Iterable[ReplicaSet | None]) -> int:
    return sum(rs.available for rs in rss if rs is not None)


# -- scaling one ReplicaSet (sync.go) ---------------------------------------------------------


def scale_replica_set(d: DeploymentParams, rs: ReplicaSet, new_scale: int) -> bool:
    """scaleReplicaSet: write the size and the desired/max-replicas annotations when either
    differs; True when the size changed."""
    desired, maximum = d.replicas, d.replicas + d.max_surge_count()
    size_changed = rs.replicas != new_scale
    if size_changed or rs.desired_annotation != desired or rs.max_annotation != maximum:
        rs.replicas = new_scale
        rs.desired_annotation = desired
        rs.max_annotation = maximum
    return size_changed


def scale_replica_set_and_record_event(d: DeploymentParams, rs: ReplicaSet, new_scale: int) -> bool:
    """scaleReplicaSetAndRecordEvent: nothing at all (not even annotations) when the size
    is already right."""
    if rs.replicas == new_scale:
        return False
    return scale_replica_set(d, rs, new_scale)


# -- util/deployment_util.go ------------------------------------------------------------------


def new_rs_new_replicas(
    d: DeploymentParams, all_rss: Iterable[ReplicaSet], new_rs: ReplicaSet
) -> int:
    """NewRSNewReplicas: RollingUpdate grows the new ReplicaSet up to replicas + maxSurge
    pods in total (maxSurge resolved alone, rounded up) without passing replicas; Recreate
    jumps to replicas."""
    if not d.rolling:
        return d.replicas
    surge = scaled_value(0 if d.max_surge is None else d.max_surge, d.replicas, True)
    current = replica_count(all_rss)
    max_total = d.replicas + surge
    if current >= max_total:
        return new_rs.replicas
    return new_rs.replicas + min(max_total - current, d.replicas - new_rs.replicas)


def is_saturated(d: DeploymentParams, rs: ReplicaSet | None) -> bool:
    """IsSaturated: the new ReplicaSet holds all replicas, says so in its desired-replicas
    annotation, and all of them are available."""
    if rs is None or rs.desired_annotation is None:
        return False
    return rs.replicas == d.replicas == rs.desired_annotation and rs.available == d.replicas


def find_active_or_latest(
    new_rs: ReplicaSet | None, old_rss: list[ReplicaSet]
) -> ReplicaSet | None:
    """FindActiveOrLatest: the only active ReplicaSet; with none active, the new one or else
    the newest old one; None when several are active."""
    if new_rs is None and not old_rss:
        return None
    newest_first = list(reversed(by_creation(old_rss)))
    running = active([*newest_first, new_rs])
    if not running:
        return new_rs if new_rs is not None else newest_first[0]
    return running[0] if len(running) == 1 else None


def replica_set_fraction(rs: ReplicaSet, d: DeploymentParams) -> int:
    """getReplicaSetFraction: this ReplicaSet's share of the new maximum (replicas +
    maxSurge) in proportion to the maximum it was sized for, rounded half away from zero,
    minus its size. The old maximum is the max-replicas annotation; when that is missing or
    0 (edited by a third party), deployment status.replicas; when that is 0 too, the
    ReplicaSet does not scale (upstream TestGetReplicaSetFraction, "unsynced deployment")."""
    if d.replicas == 0:
        return -rs.replicas
    new_max = d.replicas + d.max_surge_count()
    old_max = rs.max_annotation or d.status_replicas
    if old_max == 0:
        return 0
    return round_to_int32(rs.replicas * new_max / old_max) - rs.replicas


def get_proportion(rs: ReplicaSet | None, d: DeploymentParams, to_add: int, added: int) -> int:
    """GetProportion: the fraction, capped by what is still left to add (or remove)."""
    if rs is None or rs.replicas == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


# -- sync.go ----------------------------------------------------------------------------------


def is_scaling_event(
    d: DeploymentParams, new_rs: ReplicaSet | None, old_rss: list[ReplicaSet]
) -> bool:
    """isScalingEvent: an active ReplicaSet whose desired-replicas annotation is not
    spec.replicas (ReplicaSets without the annotation are skipped)."""
    for rs in active([*old_rss, new_rs]):
        if rs.desired_annotation is not None and rs.desired_annotation != d.replicas:
            return True
    return False


def scale(d: DeploymentParams, new_rs: ReplicaSet | None, old_rss: list[ReplicaSet]) -> None:
    """scale (proportional scaling, for scaling events and paused Deployments)."""
    target = find_active_or_latest(new_rs, old_rss)
    if target is not None:
        if target.replicas != d.replicas:
            scale_replica_set_and_record_event(d, target, d.replicas)
        return
    if is_saturated(d, new_rs):
        for old in active(old_rss):
            scale_replica_set_and_record_event(d, old, 0)
        return
    if not d.rolling:
        return
    running = active([*old_rss, new_rs])
    allowed_size = d.replicas + d.max_surge_count() if d.replicas > 0 else 0
    to_add = allowed_size - replica_count(running)
    if to_add > 0:
        running = by_size_newer(running)
    elif to_add < 0:
        running = by_size_older(running)
    added = 0
    sizes: dict[int, int] = {}
    for rs in running:
        if to_add != 0:
            proportion = get_proportion(rs, d, to_add, added)
            sizes[id(rs)] = rs.replicas + proportion
            added += proportion
        else:
            sizes[id(rs)] = rs.replicas
    for index, rs in enumerate(running):
        if index == 0 and to_add != 0:
            # leftovers go to the largest ReplicaSet, never below zero
            sizes[id(rs)] = max(0, sizes[id(rs)] + to_add - added)
        scale_replica_set(d, rs, sizes[id(rs)])


# -- rolling.go -------------------------------------------------------------------------------


def reconcile_new_replica_set(
    d: DeploymentParams, all_rss: list[ReplicaSet], new_rs: ReplicaSet
) -> bool:
    """reconcileNewReplicaSet: True when the new ReplicaSet's size changed."""
    if new_rs.replicas == d.replicas:
        return False
    if new_rs.replicas > d.replicas:
        return scale_replica_set_and_record_event(d, new_rs, d.replicas)
    return scale_replica_set_and_record_event(d, new_rs, new_rs_new_replicas(d, all_rss, new_rs))


def reconcile_old_replica_sets(
    d: DeploymentParams, all_rss: list[ReplicaSet], old_rss: list[ReplicaSet], new_rs: ReplicaSet
) -> bool:
    """reconcileOldReplicaSets (old_rss are the active old ReplicaSets): remove unhealthy
    old pods first, then available ones down to minAvailable, never counting on new pods
    that are not available yet. True when anything was scaled down."""
    if replica_count(old_rss) == 0:
        return False
    all_pods = replica_count(all_rss)
    min_available = d.replicas - d.max_unavailable_count()
    new_unavailable = new_rs.replicas - new_rs.available
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    try:
        cleaned = cleanup_unhealthy_replicas(d, old_rss, max_scaled_down)
    except InvalidScaleError:
        return False  # upstream swallows the error and reports "not scaled"
    scaled = scale_down_old_replica_sets_for_rolling_update(d, [*old_rss, new_rs], old_rss)
    return cleaned + scaled > 0


def cleanup_unhealthy_replicas(
    d: DeploymentParams, old_rss: list[ReplicaSet], max_cleanup: int
) -> int:
    """cleanupUnhealthyReplicas: oldest first, each old ReplicaSet loses up to its
    unavailable pods (the ReplicaSet controller deletes not-ready pods first)."""
    total = 0
    for rs in by_creation(old_rss):
        if total >= max_cleanup:
            break
        if rs.replicas == 0 or rs.replicas == rs.available:
            continue
        count = min(max_cleanup - total, rs.replicas - rs.available)
        if count < 0:
            # more available than specified (a recorded status that lags a scale-down):
            # upstream refuses to "scale down" upwards and returns an error
            raise InvalidScaleError(f"invalid request to scale down {rs.name}")
        scale_replica_set_and_record_event(d, rs, rs.replicas - count)
        total += count
    return total


def scale_down_old_replica_sets_for_rolling_update(
    d: DeploymentParams, all_rss: list[ReplicaSet], old_rss: list[ReplicaSet]
) -> int:
    """scaleDownOldReplicaSetsForRollingUpdate: remove (available - minAvailable) pods from
    the old ReplicaSets, oldest first."""
    min_available = d.replicas - d.max_unavailable_count()
    available = available_count(all_rss)
    if available <= min_available:
        return 0
    total, wanted = 0, available - min_available
    for rs in by_creation(old_rss):
        if total >= wanted:
            break
        if rs.replicas == 0:
            continue
        count = min(rs.replicas, wanted - total)
        scale_replica_set_and_record_event(d, rs, rs.replicas - count)
        total += count
    return total


# -- recreate.go ------------------------------------------------------------------------------


def scale_down_old_replica_sets_for_recreate(
    d: DeploymentParams, old_rss: list[ReplicaSet]
) -> bool:
    """scaleDownOldReplicaSetsForRecreate: every active old ReplicaSet to 0."""
    scaled = False
    for rs in active(old_rss):
        scaled = scale_replica_set_and_record_event(d, rs, 0) or scaled
    return scaled


__all__ = [
    "DESIRED_REPLICAS",
    "MAX_REPLICAS",
    "RECREATE",
    "ROLLING_UPDATE",
    "DeploymentParams",
    "IntOrStringError",
    "InvalidScaleError",
    "ReplicaSet",
    "active",
    "available_count",
    "by_creation",
    "by_size_newer",
    "by_size_older",
    "cleanup_unhealthy_replicas",
    "find_active_or_latest",
    "get_proportion",
    "is_saturated",
    "is_scaling_event",
    "new_rs_new_replicas",
    "parse_replicas_annotation",
    "reconcile_new_replica_set",
    "reconcile_old_replica_sets",
    "replica_count",
    "replica_set_fraction",
    "scale",
    "scale_down_old_replica_sets_for_recreate",
    "scale_down_old_replica_sets_for_rolling_update",
    "scale_replica_set",
    "scale_replica_set_and_record_event",
]
