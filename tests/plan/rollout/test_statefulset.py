"""StatefulSet rollouts (kubernetes/kubernetes pkg/controller/statefulset
stateful_set_control.go; sequences checked against stateful_set_control_test.go) under the
contract's step model."""

from __future__ import annotations

from typing import Any

import pytest

from kplan.plan.rollout import plan_rollout
from kplan.plan.rollout.statefulset_control import Pod, SetConfig, max_unavailable_of, sync_once
from tests.plan.rollout.builders import controller_revision, pod, statefulset

V1, V2 = "registry/db:1", "registry/db:2"


def recorded_set(replicas: int, image: str = V1, revision: str = "db-aaa", **kw: Any):
    status = {
        "replicas": replicas,
        "readyReplicas": replicas,
        "currentReplicas": replicas,
        "updatedReplicas": replicas,
        "currentRevision": revision,
        "updateRevision": revision,
    }
    return statefulset(replicas, image, status=status, **kw)


def pods_of(count: int, revision: str = "db-aaa", start: int = 0, **kw: Any) -> list[dict]:
    return [
        pod(f"db-{i}", "StatefulSet", "db", labels={"controller-revision-hash": revision}, **kw)
        for i in range(start, start + count)
    ]


def plan(desired, recorded, pods=(), version: str = "1.31", **kw: Any) -> dict[str, Any]:
    result = plan_rollout(desired, recorded, [], list(pods), kubernetes_version=version, **kw)
    assert result is not None
    return result


def test_ordered_ready_rolling_update_goes_down_one_at_a_time():
    """TestStatefulSetControlRollingUpdate "monotonic image update": highest ordinal first,
    each replacement Running and Ready before the next deletion."""
    result = plan(statefulset(3, V2), recorded_set(3), pods_of(3))
    assert result["workload"] == "StatefulSet/shop/db"
    assert result["triggers_rollout"] is True
    assert result["order"] == ["db-2", "db-1", "db-0"]
    assert result["batches"] == [["db-2"], ["db-1"], ["db-0"]]
    assert "create_order" not in result and "maxUnavailable" not in result
    assert result["not_updated"] == [] and result["removed"] == []
    assert [(s.get("deleted"), s.get("created")) for s in result["steps"]] == [
        (["db-2"], None),
        (None, ["db-2"]),
        (["db-1"], None),
        (None, ["db-1"]),
        (["db-0"], None),
        (None, ["db-0"]),
    ]
    assert (result["peak_pods"], result["min_available"]) == (3, 2)


def test_parallel_does_not_speed_up_the_classic_rolling_update():
    """TestStatefulSetControlRollingUpdate "burst image update": without the
    MaxUnavailableStatefulSet gate the update is still one pod at a time."""
    result = plan(
        statefulset(3, V2, policy="Parallel"), recorded_set(3, policy="Parallel"), pods_of(3)
    )
    assert result["batches"] == [["db-2"], ["db-1"], ["db-0"]]


def test_scaling_takes_precedence_over_the_update():
    """ "monotonic image update and scale up": new ordinals come first (at the update
    revision), then the old pods are replaced from the top."""
    result = plan(statefulset(5, V2), recorded_set(3), pods_of(3))
    assert result["steps"][0]["created"] == ["db-3"] and result["steps"][1]["created"] == ["db-4"]
    assert result["order"] == ["db-2", "db-1", "db-0"]


def test_scale_down_with_update_removes_condemned_pods_first():
    """ "monotonic image update and scale down": condemned pods go one per sync, highest
    first; burst mode deletes them all and starts the update in the same sync."""
    ordered = plan(statefulset(3, V2), recorded_set(5), pods_of(5))
    assert ordered["removed"] == ["db-4", "db-3"]
    assert ordered["steps"][0]["deleted"] == ["db-4"]
    assert ordered["order"] == ["db-2", "db-1", "db-0"]
    burst = plan(
        statefulset(3, V2, policy="Parallel"), recorded_set(5, policy="Parallel"), pods_of(5)
    )
    assert burst["steps"][0]["deleted"] == ["db-4", "db-3", "db-2"]


def test_pure_scaling_order():
    """Scale up creates ascending, one per sync when OrderedReady; scale down deletes
    descending. Not a rollout."""
    up = plan(statefulset(5, V1), recorded_set(2), pods_of(2))
    assert (up["triggers_rollout"], up["reason"]) == (False, "replicas-only")
    assert up["order"] == ["db-2", "db-3", "db-4"]
    assert up["batches"] == [["db-2"], ["db-3"], ["db-4"]]
    parallel = plan(
        statefulset(5, V1, policy="Parallel"), recorded_set(2, policy="Parallel"), pods_of(2)
    )
    assert parallel["batches"] == [["db-2", "db-3", "db-4"]]
    down = plan(statefulset(1, V1), recorded_set(3), pods_of(3))
    assert down["removed"] == ["db-2", "db-1"] and down["batches"] == [["db-2"], ["db-1"]]


def test_partition_keeps_lower_ordinals():
    partitioned = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    result = plan(statefulset(4, V2, strategy=partitioned), recorded_set(4), pods_of(4))
    assert result["order"] == ["db-3", "db-2"]
    assert result["not_updated"] == ["db-0", "db-1"]
    beyond = {"type": "RollingUpdate", "rollingUpdate": {"partition": 4}}
    none = plan(statefulset(4, V2, strategy=beyond), recorded_set(4), pods_of(4))
    assert (none["triggers_rollout"], none["reason"], none["order"]) == (False, "partition", [])


def test_on_delete_replaces_nothing():
    """OnDelete: the controller never deletes pods for an update (updateStatefulSet returns
    after scaling)."""
    on_delete = {"type": "OnDelete"}
    result = plan(
        statefulset(3, V2, strategy=on_delete), recorded_set(3, strategy=on_delete), pods_of(3)
    )
    assert (result["triggers_rollout"], result["reason"], result["steps"]) == (
        False,
        "on-delete",
        [],
    )
    assert result["not_updated"] == ["db-0", "db-1", "db-2"]


def test_max_unavailable_with_the_gate_on():
    """TestStatefulSetControlRollingUpdateWithMaxUnavailable (6 pods, partition 3,
    maxUnavailable 2): 4 and 5 go together; OrderedReady brings them back one per sync in
    ascending order, then 3 goes. The gate is on by default from 1.35."""
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"partition": 3, "maxUnavailable": 2}}
    desired = statefulset(6, V2, strategy=strategy, version="1.35")
    recorded = recorded_set(6, strategy=strategy, version="1.35")
    result = plan(desired, recorded, pods_of(6), version="1.35")
    assert result["maxUnavailable"] == 2
    assert result["batches"] == [["db-5", "db-4"], ["db-3"]]
    assert result["create_order"] == ["db-4", "db-5", "db-3"]
    assert result["not_updated"] == ["db-0", "db-1", "db-2"]
    older = plan(
        statefulset(6, V2, strategy=strategy, version="1.34"), recorded, pods_of(6), version="1.34"
    )
    assert older["batches"] == [["db-5"], ["db-4"], ["db-3"]] and "maxUnavailable" not in older


@pytest.mark.parametrize(
    ("terminating", "deleted"), [([], 2), ([5], 1), ([3], 1), ([5, 4], 0), ([2], 1)]
)
def test_max_unavailable_counts_unhealthy_pods(terminating: list[int], deleted: int):
    """TestStatefulSetControlRollingUpdateWithMaxUnavailableInOrderedModeVerifyInvariant:
    terminating pods (even below the partition) use up the budget."""
    pods = {i: Pod(i, "old", terminating=i in terminating) for i in range(6)}
    cfg = SetConfig(
        "db", 6, policy="Parallel", partition=3, max_unavailable=2, update_revision="new"
    )
    assert len(sync_once(pods, cfg).updated) == deleted


@pytest.mark.parametrize(
    ("value", "replicas", "expected"), [(None, 5, 1), ("10%", 5, 1), ("50%", 5, 2), (3, 5, 3)]
)
def test_statefulset_max_unavailable_rounds_down_with_a_floor_of_one(
    value, replicas: int, expected: int
):
    """getStatefulSetMaxUnavailable (stateful_set_utils.go)."""
    assert max_unavailable_of(value, replicas) == expected


def test_revisions_from_status_and_labels():
    """A rollout already in progress in the recording continues even without a template
    change: pods whose controller-revision-hash is not status.updateRevision are old."""
    recorded = statefulset(
        4,
        V1,
        status={"replicas": 4, "currentRevision": "db-aaa", "updateRevision": "db-bbb"},
    )
    pods = pods_of(2, "db-aaa") + pods_of(2, "db-bbb", start=2)
    result = plan(statefulset(4, V1), recorded, pods)
    assert (result["triggers_rollout"], result["reason"]) == (False, "in-progress")
    assert result["order"] == ["db-1", "db-0"]


def test_rollback_to_a_recorded_revision():
    """getStatefulSetRevisions reuses an equal ControllerRevision: pods already at it are
    not replaced."""
    recorded = statefulset(
        3, V2, status={"replicas": 3, "currentRevision": "db-aaa", "updateRevision": "db-bbb"}
    )
    desired = statefulset(3, V1)
    revisions = [
        controller_revision(recorded, "db-aaa", 1, desired["spec"]["template"]),
        controller_revision(recorded, "db-bbb", 2, recorded["spec"]["template"]),
    ]
    pods = pods_of(2, "db-aaa") + pods_of(1, "db-bbb", start=2)
    result = plan(desired, recorded, pods, controller_revisions=revisions)
    assert result["order"] == ["db-2"]


def test_without_revision_information_a_template_change_replaces_every_pod():
    recorded = statefulset(2, V1)
    unlabelled = [pod(f"db-{i}", "StatefulSet", "db") for i in range(2)]
    result = plan(statefulset(2, V2), recorded, unlabelled)
    assert result["order"] == ["db-1", "db-0"]
    assert plan(statefulset(2, V1), recorded, unlabelled)["reason"] == "metadata-only"


def test_without_recorded_pods_status_replicas_are_assumed():
    result = plan(statefulset(3, V2), recorded_set(3), [])
    assert result["order"] == ["db-2", "db-1", "db-0"]


def test_start_ordinal():
    """spec.ordinals.start (StatefulSetStartOrdinal, on by default from 1.27)."""
    desired = statefulset(2, V2)
    desired["spec"]["ordinals"] = {"start": 5}
    recorded = recorded_set(2)
    recorded["spec"]["ordinals"] = {"start": 5}
    result = plan(desired, recorded, pods_of(2, start=5))
    assert result["order"] == ["db-6", "db-5"]


def test_unready_recorded_pod_blocks_step_one():
    """OrderedReady waits on a pod that is not Running and Ready; from step 2 it is."""
    pods = pods_of(2) + [
        pod("db-2", "StatefulSet", "db", labels={"controller-revision-hash": "db-aaa"}, ready=False)
    ]
    result = plan(statefulset(3, V2), recorded_set(3), pods)
    assert result["order"] == ["db-2", "db-1", "db-0"]
    assert result["min_available"] == 2


def test_new_statefulset():
    result = plan(statefulset(2, V1), None)
    assert (result["reason"], result["order"]) == ("new-object", ["db-0", "db-1"])
