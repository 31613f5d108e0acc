"""The deployment controller's single-sync arithmetic against the upstream unit-test tables
(kubernetes/kubernetes pkg/controller/deployment/util/deployment_util_test.go,
rolling_test.go, sync_test.go). Upstream fixtures not stated in a table are taken from the
test helpers: `newDeployment` / `deployment` default to maxSurge 0 and maxUnavailable 0
(resolving to unavailable 1) and `rs()` has no status (nothing available)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kplan.plan.rollout.replicasets import (
    RECREATE,
    DeploymentParams,
    ReplicaSet,
    by_size_newer,
    by_size_older,
    cleanup_unhealthy_replicas,
    find_active_or_latest,
    get_proportion,
    is_saturated,
    is_scaling_event,
    new_rs_new_replicas,
    parse_replicas_annotation,
    reconcile_new_replica_set,
    reconcile_old_replica_sets,
    replica_set_fraction,
    scale,
    scale_down_old_replica_sets_for_rolling_update,
)

NEWER = datetime(2016, 5, 20, 2, tzinfo=timezone.utc)
OLD = datetime(2016, 5, 20, 1, tzinfo=timezone.utc)
OLDER = datetime(2016, 5, 20, 0, tzinfo=timezone.utc)


def rs(name: str, replicas: int, created: datetime = OLD, available: int = 0) -> ReplicaSet:
    return ReplicaSet(name, replicas, available=available, actual=replicas, created=created)


# -- deployment_util_test.go ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strategy", "replicas", "new_replicas", "surge", "expected"),
    [
        ("RollingUpdate", 1, 5, 1, 5),  # can not scale up - to newRSReplicas
        ("RollingUpdate", 6, 2, 10, 6),  # scale up - to depReplicas
        (RECREATE, 3, 1, 1, 3),  # recreate - to depReplicas
    ],
)
def test_new_rs_new_replicas(strategy: str, replicas: int, new_replicas: int, surge: int, expected):
    """TestNewRSNewReplicas: all ReplicaSets = [rs5 (5 replicas)], the new one not among
    them; maxUnavailable 1."""
    d = DeploymentParams(replicas, strategy, max_surge=surge, max_unavailable=1)
    assert new_rs_new_replicas(d, [rs("rs5", 5)], rs("new", new_replicas)) == expected


@pytest.mark.parametrize(
    ("replicas", "max_unavailable", "expected"),
    [
        (10, 5, 5),
        (10, 10, 10),
        (5, 10, 5),
        (0, 10, 0),
        (10, "50%", 5),
        (10, "100%", 10),
        (5, "100%", 5),
    ],
)
def test_max_unavailable(replicas: int, max_unavailable: int | str, expected: int):
    """TestMaxUnavailable (maxSurge 1): capped at replicas, 0 when replicas is 0."""
    d = DeploymentParams(replicas, max_surge=1, max_unavailable=max_unavailable)
    assert d.max_unavailable_count() == expected


def test_max_unavailable_and_surge_are_zero_for_recreate():
    """TestMaxUnavailable "with Recreate deployment strategy"; MaxSurge likewise returns 0
    unless RollingUpdate (deployment_util.go MaxSurge)."""
    d = DeploymentParams(10, RECREATE, max_surge=3, max_unavailable=3)
    assert (d.max_unavailable_count(), d.max_surge_count(), d.min_available()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("replicas", "max_surge", "expected"),
    [(10, 5, 5), (10, "50%", 5), (10, "25%", 3), (1, "25%", 1), (0, "25%", 0), (10, 0, 0)],
)
def test_max_surge(replicas: int, max_surge: int | str, expected: int):
    """MaxSurge = ResolveFenceposts' surge (rounded up). kubernetes/kubernetes has no
    TestMaxSurge table; these rows follow the function and TestResolveFenceposts."""
    assert DeploymentParams(replicas, max_surge=max_surge, max_unavailable=1).max_surge_count() == (
        expected
    )


@pytest.mark.parametrize(
    ("replicas", "max_unavailable", "expected"),
    [
        (10, 5, 5),
        (10, 10, 0),
        (5, 10, 0),
        (0, 10, 0),
        (10, "60%", 4),
        (10, "100%", 0),
        (5, "100%", 0),
    ],
)
def test_min_available(replicas: int, max_unavailable: int | str, expected: int):
    """TestMinAvailable (maxSurge 1)."""
    d = DeploymentParams(replicas, max_surge=1, max_unavailable=max_unavailable)
    assert d.min_available() == expected


@pytest.mark.parametrize(
    ("replicas", "status_replicas", "surge", "rs_replicas", "annotation", "expected"),
    [
        (0, 0, 0, 10, None, -10),  # empty deployment always scales to 0
        (10, 0, 0, 5, None, 0),  # unsynced, annotation missing
        (10, 0, 0, 5, 0, 0),  # unsynced, annotation 0
        (120, 100, 0, 50, None, 10),  # 1/5 up, fallback to status.replicas
        (120, 100, 0, 50, 0, 10),
        (120, 0, 0, 50, 100, 10),
        (120, 0, 10, 50, 110, 9),  # surge pods scale proportionally too
        (10, 0, 0, 6, 12, -1),
        (100, 0, 10, 50, 130, -8),
    ],
)
def test_replica_set_fraction(
    replicas: int, status_replicas: int, surge: int, rs_replicas: int, annotation, expected: int
):
    """TestGetReplicaSetFraction (DeploymentPodReplacementPolicy off); maxUnavailable 1."""
    d = DeploymentParams(
        replicas, max_surge=surge, max_unavailable=1, status_replicas=status_replicas
    )
    replica_set = rs("rs", rs_replicas)
    replica_set.max_annotation = annotation
    assert replica_set_fraction(replica_set, d) == expected


def test_get_proportion_caps_by_what_is_left():
    """GetProportion: min(fraction, allowed) scaling up, max(...) scaling down, 0 for an
    empty ReplicaSet or nothing left."""
    d = DeploymentParams(20, max_surge=0, max_unavailable=1)
    big = rs("big", 10)
    big.max_annotation = 10
    assert get_proportion(big, d, 3, 0) == 3
    assert get_proportion(big, d, 3, 3) == 0
    assert get_proportion(rs("empty", 0), d, 3, 0) == 0
    down = DeploymentParams(5, max_surge=0, max_unavailable=1)
    assert get_proportion(big, down, -2, 0) == -2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("13", 13), ("0", 0), ("2147483647", 2147483647), ("-1", None), ("x", None), (None, None)]
    + [("2147483648", None), ("+3", None)],
)
def test_replicas_annotations_parse_as_non_negative_int32(value: object, expected: int | None):
    """TestGetNonNegativeInt32FromAnnotation: ParseUint(v, 10, 32), at most MaxInt32."""
    assert parse_replicas_annotation(value) == expected


def test_is_saturated():
    """TestAnnotationUtils "IsSaturated": replicas, desired-replicas and available all 1."""
    d = DeploymentParams(1, max_surge=1, max_unavailable=1)
    new = ReplicaSet("new", 1, available=1, desired_annotation=1)
    assert is_saturated(d, new)
    assert not is_saturated(d, ReplicaSet("new", 1, available=0, desired_annotation=1))
    assert not is_saturated(d, ReplicaSet("new", 1, available=1))
    assert not is_saturated(d, None)


def test_find_active_or_latest():
    """FindActiveOrLatest: the only active one; none active -> new, else newest old."""
    old, older = rs("v2", 0, OLD), rs("v1", 0, OLDER)
    new = rs("v3", 0, NEWER)
    assert find_active_or_latest(new, [older, old]) is new
    assert find_active_or_latest(None, [older, old]) is old
    older.replicas = 2
    assert find_active_or_latest(new, [older, old]) is older
    new.replicas = 1
    assert find_active_or_latest(new, [older, old]) is None


def test_size_orderings_break_ties_by_age():
    """controller_utils.go ReplicaSetsBySizeNewer / BySizeOlder."""
    a, b, c = rs("a", 3, OLDER), rs("b", 3, OLD), rs("c", 5, NEWER)
    assert [x.name for x in by_size_newer([a, b, c])] == ["c", "b", "a"]
    assert [x.name for x in by_size_older([a, b, c])] == ["c", "a", "b"]


def test_scaling_event_skips_replica_sets_without_the_annotation():
    """isScalingEvent (sync.go): only active ReplicaSets with desired-replicas count."""
    d = DeploymentParams(5)
    unannotated = rs("a", 3)
    assert not is_scaling_event(d, None, [unannotated])
    unannotated.desired_annotation = 3
    assert is_scaling_event(d, None, [unannotated])
    idle = rs("b", 0)
    idle.desired_annotation = 3
    assert not is_scaling_event(d, None, [idle])


# -- rolling_test.go --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("replicas", "surge", "old", "new", "expected"),
    [
        (10, 0, 10, 0, None),  # should not scale up
        (10, 2, 10, 0, 2),
        (10, 2, 5, 0, 7),
        (10, 2, 10, 2, None),
        (10, 2, 2, 11, 10),  # should scale down
    ],
)
def test_reconcile_new_replica_set(replicas: int, surge: int, old: int, new: int, expected):
    """TestDeploymentController_reconcileNewReplicaSet (maxUnavailable 0)."""
    d = DeploymentParams(replicas, max_surge=surge, max_unavailable=0)
    new_rs, old_rs = rs("foo-v2", new), rs("foo-v1", old)
    scaled = reconcile_new_replica_set(d, [new_rs, old_rs], new_rs)
    assert scaled == (expected is not None)
    assert new_rs.replicas == (new if expected is None else expected)


@pytest.mark.parametrize(
    ("replicas", "unavailable", "old", "new", "old_ready", "new_ready", "expected"),
    [
        (10, 0, 10, 0, 10, 0, 9),
        (10, 2, 10, 0, 10, 0, 8),
        (10, 2, 10, 0, 8, 0, 8),  # unhealthy old replicas cleaned up
        (10, 2, 10, 0, 9, 0, 8),  # 1 cleaned up, 1 ready pod scaled down
        (10, 2, 8, 2, 8, 0, None),  # unavailable new pods block further scale-down
    ],
)
def test_reconcile_old_replica_sets(
    replicas: int, unavailable: int, old: int, new: int, old_ready: int, new_ready: int, expected
):
    """TestDeploymentController_reconcileOldReplicaSets (maxSurge 0)."""
    d = DeploymentParams(replicas, max_surge=0, max_unavailable=unavailable)
    old_rs = rs("foo-old", old, available=old_ready)
    new_rs = rs("foo-new", new, available=new_ready)
    scaled = reconcile_old_replica_sets(d, [old_rs, new_rs], [old_rs], new_rs)
    assert scaled == (expected is not None)
    assert old_rs.replicas == (old if expected is None else expected)


@pytest.mark.parametrize(
    ("ready", "max_cleanup", "expected"), [(8, 1, 1), (8, 3, 2), (8, 0, 0), (10, 3, 0)]
)
def test_cleanup_unhealthy_replicas(ready: int, max_cleanup: int, expected: int):
    """TestDeploymentController_cleanupUnhealthyReplicas (old 10; deployment 10, 2, 2)."""
    d = DeploymentParams(10, max_surge=2, max_unavailable=2)
    old_rs = rs("foo-v2", 10, available=ready)
    assert cleanup_unhealthy_replicas(d, [old_rs], max_cleanup) == expected
    assert old_rs.replicas == 10 - expected


@pytest.mark.parametrize(
    ("replicas", "unavailable", "ready", "old", "expected"),
    [
        (10, 0, 10, 10, 9),
        (10, 2, 10, 10, 8),
        (10, 2, 8, 10, None),
        (10, 2, 10, 0, None),
        (10, 2, 1, 10, None),
    ],
)
def test_scale_down_old_replica_sets_for_rolling_update(
    replicas: int, unavailable: int, ready: int, old: int, expected
):
    """TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate (maxSurge 0)."""
    d = DeploymentParams(replicas, max_surge=0, max_unavailable=unavailable)
    old_rs = rs("foo-v2", old, available=ready)
    scaled = scale_down_old_replica_sets_for_rolling_update(d, [old_rs], [old_rs])
    assert (scaled > 0) == (expected is not None)
    assert old_rs.replicas == (old if expected is None else expected)


def test_old_replica_sets_scale_down_oldest_first():
    """scaleDownOldReplicaSetsForRollingUpdate sorts by creation: the older drains first."""
    d = DeploymentParams(10, max_surge=0, max_unavailable=4)
    older, old = rs("v1", 3, OLDER, available=3), rs("v2", 7, OLD, available=7)
    new = rs("v3", 0, NEWER)
    scale_down_old_replica_sets_for_rolling_update(d, [old, older, new], [old, older])
    assert (older.replicas, old.replicas) == (0, 6)


# -- sync_test.go TestScale -------------------------------------------------------------------


def _scale_case(
    replicas: int,
    old_replicas: int,
    new: ReplicaSet | None,
    olds: list[ReplicaSet],
    surge: int = 0,
    old_surge: int = 0,
) -> tuple[int | None, list[int]]:
    """Run scale() as TestScale does: every ReplicaSet annotated with the old Deployment's
    desired = old replicas and max = old replicas + old MaxSurge."""
    old_d = DeploymentParams(old_replicas, max_surge=old_surge, max_unavailable=0)
    for replica_set in [*olds, *([new] if new else [])]:
        replica_set.desired_annotation = old_replicas
        replica_set.max_annotation = old_replicas + old_d.max_surge_count()
    d = DeploymentParams(replicas, max_surge=surge, max_unavailable=0)
    scale(d, new, olds)
    return (new.replicas if new else None), [old.replicas for old in olds]


@pytest.mark.parametrize(
    ("replicas", "old_replicas", "new", "olds", "expected_new", "expected_olds"),
    [
        (12, 10, 10, [], 12, []),  # normal scaling event: 10 -> 12
        (5, 10, 10, [], 5, []),  # normal scaling event: 10 -> 5
        (10, 5, 2, [3], 4, [6]),  # proportional scaling: 5 -> 10
        (3, 5, 2, [3], 1, [2]),  # proportional scaling: 5 -> 3
        (4, 9, 8, [1], 4, [0]),  # proportional scaling: 9 -> 4
        (10, 7, 2, [3, 2], 3, [4, 3]),  # proportional scaling: 7 -> 10
        (8, 13, 2, [8, 3], 1, [5, 2]),  # proportional scaling: 13 -> 8
        (4, 3, 1, [1, 1], 2, [1, 1]),  # leftover distribution: 3 -> 4 (new first)
        (2, 3, 1, [1, 1], 1, [1, 0]),  # leftover distribution: 3 -> 2 (oldest first)
        (0, 6, 3, [2, 1], 0, [0, 0]),  # proportional scaling: 6 -> 0
        (6, 6, 0, [0, 0], 6, [0, 0]),  # proportional scaling: 0 -> 6
    ],
)
def test_scale(
    replicas: int,
    old_replicas: int,
    new: int,
    olds: list[int],
    expected_new: int,
    expected_olds: list[int],
):
    """sync_test.go TestScale; old ReplicaSets are foo-v2 (old) and foo-v1 (older)."""
    new_rs = rs("foo-v3" if len(olds) > 1 else "foo-v2" if olds else "foo-v1", new, NEWER)
    names_times = [("foo-v2", OLD), ("foo-v1", OLDER)] if len(olds) > 1 else [("foo-v1", OLD)]
    pairs = zip(names_times[: len(olds)], olds, strict=True)
    old_rss = [rs(name, size, time) for (name, time), size in pairs]
    assert _scale_case(replicas, old_replicas, new_rs, old_rss) == (expected_new, expected_olds)


def test_scale_without_new_replica_set():
    """TestScale "proportional scaling (no new rs): 4 -> 5": the newest old one grows."""
    olds = [rs("foo-v2", 2, OLD), rs("foo-v1", 2, OLDER)]
    assert _scale_case(5, 4, None, olds) == (None, [3, 2])


def test_scale_with_surge_pods():
    """TestScale "deployment with surge pods": maxSurge 2, 10 -> 20: 6/6 -> 11/11."""
    new, old = rs("foo-v2", 6, NEWER), rs("foo-v1", 6, OLD)
    assert _scale_case(20, 10, new, [old], surge=2, old_surge=2) == (11, [11])


def test_scale_changing_surge_and_size():
    """TestScale "change both surge and size": 10 (surge 3) -> 50 (surge 6): 5/8 -> 22/34."""
    new, old = rs("foo-v2", 5, NEWER), rs("foo-v1", 8, OLD)
    assert _scale_case(50, 10, new, [old], surge=6, old_surge=3) == (22, [34])


def test_scale_changing_size_and_template():
    """TestScale "change both size and template": no new ReplicaSet yet, 10 -> 14."""
    olds = [rs("foo-v2", 7, NEWER), rs("foo-v1", 3, OLD)]
    assert _scale_case(14, 10, None, olds) == (None, [10, 4])


def test_scale_annotates_every_active_replica_set():
    """scaleReplicaSet writes desired = replicas and max = replicas + maxSurge, so the next
    sync is no longer a scaling event."""
    new, old = rs("foo-v2", 2, NEWER), rs("foo-v1", 3, OLD)
    _scale_case(10, 5, new, [old])
    d = DeploymentParams(10, max_surge=0, max_unavailable=0)
    assert (new.desired_annotation, new.max_annotation, old.desired_annotation) == (10, 10, 10)
    assert not is_scaling_event(d, new, [old])


def test_saturated_new_replica_set_scales_old_ones_to_zero():
    """scale(): IsSaturated(new) -> every active old ReplicaSet to 0."""
    d = DeploymentParams(3, max_surge=1, max_unavailable=0)
    new = ReplicaSet("new", 3, available=3, desired_annotation=3, created=NEWER)
    old = rs("old", 2, OLD)
    scale(d, new, [old])
    assert (new.replicas, old.replicas) == (3, 0)
