"""Deployment rollouts as whole sequences under the contract's step model (CONTRACT.md
"Models the plan assumes"), built from the controller's own arithmetic
(kubernetes/kubernetes pkg/controller/deployment: deployment_controller.go syncDeployment,
sync.go, rolling.go, recreate.go)."""

from __future__ import annotations

from typing import Any

from kplan.plan.rollout import plan_rollout
from tests.plan.rollout.builders import deployment, pod, replica_set, rolling

V1, V2, V3 = "registry/web:1", "registry/web:2", "registry/web:3"


def plan(desired: dict[str, Any], recorded: dict[str, Any] | None, rss=(), pods=(), **kw: Any):
    result = plan_rollout(desired, recorded, list(rss), list(pods), kubernetes_version="1.31", **kw)
    assert result is not None
    return result


def steps(result: dict[str, Any]) -> list[tuple[int, int]]:
    return [(step["new"], step["old"]) for step in result["steps"]]


def test_contract_example_four_replicas_surge_one_unavailable_one():
    """CONTRACT.md `diff -o json` example: 4 replicas, maxSurge 1, maxUnavailable 1."""
    old = deployment(4, V1, strategy=rolling(1, 1))
    result = plan(deployment(4, V2, strategy=rolling(1, 1)), old, [replica_set(old, "a", 4)])
    assert result["workload"] == "Deployment/shop/web"
    assert result["triggers_rollout"] is True
    assert (result["maxSurge"], result["maxUnavailable"]) == (1, 1)
    assert steps(result) == [(1, 3), (2, 3), (2, 1), (4, 1), (4, 0)]


def test_ten_replicas_at_default_25_percent():
    """The worked example (reference rollout.md 4.1 and rolling.go's comment "newRS is
    created with 3 replicas, oldRS is scaled down to 8"): the sync that creates the new
    ReplicaSet also scales the old one, because creating is not scaling."""
    old = deployment(10, V1)
    result = plan(deployment(10, V2), old, [replica_set(old, "a", 10, max_replicas=13)])
    assert (result["maxSurge"], result["maxUnavailable"]) == (3, 2)
    assert steps(result) == [(3, 8), (5, 8), (5, 3), (10, 3), (10, 0)]
    assert (result["peak_pods"], result["min_available"]) == (13, 8)
    assert "reason" not in result and "old_rs" not in result["steps"][0]


def test_replicas_and_template_change_scale_the_old_replica_set_first():
    """syncDeployment: a changed replicas count is a scaling event (isScalingEvent), handled
    by sync()/scale() before any rollout: 3 -> 5 with a new image."""
    old = deployment(3, V1)
    result = plan(deployment(5, V2), old, [replica_set(old, "a", 3, max_replicas=4)])
    assert steps(result) == [(0, 5), (2, 4), (3, 4), (3, 1), (5, 1), (5, 0)]


def test_recreate_scales_the_old_replica_set_up_before_down():
    """The same change with Recreate: scale() still resizes the only active ReplicaSet,
    then rolloutRecreate empties it and creates the new one at full size."""
    old = deployment(3, V1, strategy={"type": "Recreate"})
    new = deployment(5, V2, strategy={"type": "Recreate"})
    result = plan(new, old, [replica_set(old, "a", 3, max_replicas=3)])
    assert steps(result) == [(0, 5), (0, 0), (5, 0)]
    assert "maxSurge" not in result and result["min_available"] == 0


def test_recreate_waits_for_recorded_old_pods():
    """recreate.go oldPodsRunning: an old ReplicaSet already at 0 whose recorded status
    still counts pods (or whose pods are recorded running) holds step 1."""
    old = deployment(2, V1, strategy={"type": "Recreate"})
    recorded_rs = replica_set(old, "a", 0, desired=2, max_replicas=2)
    recorded_rs["status"] = {"replicas": 2, "availableReplicas": 0}
    result = plan(deployment(2, V2, strategy={"type": "Recreate"}), old, [recorded_rs])
    assert steps(result) == [(2, 0)]
    recorded_rs["status"] = {"replicas": 0}
    running = pod("web-a-1", "ReplicaSet", "web-a")
    result = plan(deployment(2, V2, strategy={"type": "Recreate"}), old, [recorded_rs], [running])
    assert steps(result) == [(2, 0)]


def test_rollover_cleans_up_the_crashlooping_replica_set_first():
    """rolling.go reconcileOldReplicaSets comment, case 2 ("roll over"): A 8 available,
    B 5 crashlooping, a third template C; C starts with 0 because 13 pods already exist,
    and cleanupUnhealthyReplicas removes B's 5 unavailable pods."""
    a_template = deployment(10, V1)["spec"]["template"]
    old = deployment(10, V2, strategy=rolling(3, 2))
    rss = [
        replica_set(
            old, "a", 8, template=a_template, created="2025-01-01T00:00:00Z", max_replicas=13
        ),
        replica_set(old, "b", 5, available=0, created="2025-02-01T00:00:00Z", max_replicas=13),
    ]
    result = plan(deployment(10, V3, strategy=rolling(3, 2)), old, rss)
    assert steps(result) == [(0, 8), (5, 8), (5, 3), (10, 3), (10, 0)]
    assert result["steps"][0]["old_rs"] == {"web-a": 8, "web-b": 0}
    assert result["new_rs"] is None


def test_rollback_reuses_the_matching_replica_set():
    """rolling.go comment, case 1 (rollback to A, 8 pods with 7 available): FindNewReplicaSet
    picks A by template (EqualIgnoreHash), maxScaledDown 13 - 8 - 1 = 4 cleans B 5 -> 1."""
    a_template = deployment(10, V1)["spec"]["template"]
    old = deployment(10, V2, strategy=rolling(3, 2))
    rss = [
        replica_set(old, "a", 8, available=7, template=a_template, max_replicas=13),
        replica_set(old, "b", 5, available=0, created="2025-02-01T00:00:00Z", max_replicas=13),
    ]
    result = plan(deployment(10, V1, strategy=rolling(3, 2)), old, rss)
    assert result["new_rs"] == "web-a"
    assert result["triggers_rollout"] is True
    assert steps(result) == [(8, 1), (10, 1), (10, 0)]


def test_replicas_only_change_scales_without_rollout():
    old = deployment(3, V1)
    result = plan(deployment(5, V1), old, [replica_set(old, "a", 3, max_replicas=4)])
    assert result["triggers_rollout"] is False
    assert result["reason"] == "replicas-only"
    assert steps(result) == [(5, 0)]
    assert result["new_rs"] == "web-a"


def test_metadata_only_change_does_nothing():
    old = deployment(3, V1)
    desired = deployment(3, V1)
    desired["metadata"]["annotations"] = {"team": "shop"}
    result = plan(desired, old, [replica_set(old, "a", 3)])
    assert (result["triggers_rollout"], result["reason"], result["steps"]) == (
        False,
        "metadata-only",
        [],
    )


def test_paused_deployment_only_scales():
    """syncDeployment: paused -> sync() (scale only, no new ReplicaSet)."""
    old = deployment(3, V1)
    result = plan(deployment(3, V2, paused=True), old, [replica_set(old, "a", 3)])
    assert (result["triggers_rollout"], result["reason"], result["steps"]) == (False, "paused", [])
    result = plan(deployment(6, V2, paused=True), old, [replica_set(old, "a", 3)])
    assert steps(result) == [(0, 6)]


def test_new_deployment():
    result = plan(deployment(4, V1), None)
    assert (result["triggers_rollout"], result["reason"]) == (False, "new-object")
    assert steps(result) == [(4, 0)]


def test_step_one_waits_on_unavailable_new_pods_of_the_recording():
    """A recorded rollout in progress whose new pod is not available yet: step 1 changes
    nothing (maxScaledDown = 5 - 4 - 1 = 0); from step 2 the pod is available."""
    old_template = deployment(4, V1)["spec"]["template"]
    recorded = deployment(4, V2, strategy=rolling(1, 0))
    rss = [
        replica_set(recorded, "a", 4, template=old_template, max_replicas=5),
        replica_set(recorded, "b", 1, available=0, created="2025-02-01T00:00:00Z", max_replicas=5),
    ]
    result = plan(deployment(4, V2, strategy=rolling(1, 0)), recorded, rss)
    assert result["reason"] == "in-progress" and result["triggers_rollout"] is False
    assert steps(result)[0] == (1, 3)
    assert steps(result)[-1] == (4, 0)


def test_surge_that_fits_nowhere_stalls_with_max_unavailable_zero():
    """maxUnavailable 0: no old pod goes before a new one is available, so an unplaceable
    surge pod stalls the rollout for good."""
    old = deployment(3, V1, strategy=rolling(1, 0))
    desired = deployment(3, V2, strategy=rolling(1, 0))
    result = plan(desired, old, [replica_set(old, "a", 3)], fits=lambda n: False)
    assert steps(result) == [(1, 3)]
    assert result["stall"]["step"] == 1
    assert "maxUnavailable is 0" in result["stall"]["reason"]
    fine = plan(desired, old, [replica_set(old, "a", 3)], fits=lambda n: True)
    assert "stall" not in fine and steps(fine)[-1] == (3, 0)


def test_tight_first_wave_is_a_note_not_a_stall():
    old = deployment(10, V1)
    result = plan(deployment(10, V2), old, [replica_set(old, "a", 10)], fits=lambda n: n <= 1)
    assert "stall" not in result
    assert any("first 3 new pods" in note for note in result["notes"])


def test_pod_disruption_budgets_are_notes():
    """PDBs never block the controller's own deletions; a budget allowing no disruption is
    reported for evictions (node drains)."""
    old = deployment(3, V1)
    blocking = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"minAvailable": "100%", "selector": {"matchLabels": {"app": "web"}}},
    }
    lenient = {**blocking, "spec": {"maxUnavailable": 1, "selector": blocking["spec"]["selector"]}}
    result = plan(deployment(3, V2), old, [replica_set(old, "a", 3)], pdbs=[blocking, lenient])
    assert "stall" not in result
    assert len(result["notes"]) == 1 and "PodDisruptionBudget shop/web" in result["notes"][0]


def test_without_recorded_replica_sets_one_is_assumed():
    old = deployment(4, V1, status={"replicas": 4, "availableReplicas": 4})
    result = plan(deployment(4, V2), old, [])
    assert steps(result) == [(1, 3), (2, 3), (2, 1), (4, 1), (4, 0)]
    assert any("no recorded ReplicaSet" in note for note in result["notes"])


def test_template_equality_is_semantic():
    """EqualIgnoreHash uses Semantic.DeepEqual: `1` and `1000m` are one quantity, but a
    reordered env list is a different template."""
    old = deployment(2, V1, resources={"requests": {"cpu": "1000m"}}, env=_env("A", "B"))
    rss = [replica_set(old, "a", 2)]
    same = plan(
        deployment(2, V1, resources={"requests": {"cpu": "1"}}, env=_env("A", "B")), old, rss
    )
    assert same["reason"] == "metadata-only"
    moved = plan(
        deployment(2, V1, resources={"requests": {"cpu": "1"}}, env=_env("B", "A")), old, rss
    )
    assert moved["triggers_rollout"] is True


def _env(*names: str) -> list[dict[str, str]]:
    return [{"name": name, "value": "1"} for name in names]


def test_only_owned_replica_sets_count():
    """ListReplicaSets keeps ReplicaSets whose controller reference is this Deployment."""
    old = deployment(2, V1)
    foreign = replica_set(old, "z", 5)
    foreign["metadata"]["ownerReferences"][0]["uid"] = "someone-else"
    result = plan(deployment(2, V2), old, [replica_set(old, "a", 2), foreign])
    assert steps(result)[-1] == (2, 0)
    assert all(step["old"] <= 2 for step in result["steps"])


def test_scaling_during_a_recorded_rollout_is_proportional():
    """A replicas change while two ReplicaSets are active: scale() splits the new maximum
    (R + maxSurge) by the max-replicas annotations, leftovers to the largest."""
    old_template = deployment(10, V1)["spec"]["template"]
    recorded = deployment(10, V2)
    rss = [
        replica_set(recorded, "a", 8, template=old_template, desired=10, max_replicas=13),
        replica_set(recorded, "b", 5, available=0, created="2025-02-01T00:00:00Z", max_replicas=13),
    ]
    result = plan(deployment(20, V2), recorded, rss)
    assert steps(result)[0] == (10, 15)


def test_not_a_workload():
    assert (
        plan_rollout(
            {"apiVersion": "v1", "kind": "Service"}, None, [], [], kubernetes_version="1.31"
        )
        is None
    )
    job = {"apiVersion": "batch/v1", "kind": "Job"}
    assert plan_rollout(job, None, [], [], kubernetes_version="1.31") is None


def test_pdb_min_available_above_replicas_is_named():
    old = deployment(2, V1)
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"minAvailable": 3, "selector": {"matchLabels": {"app": "web"}}},
    }
    result = plan(deployment(2, V2), old, [replica_set(old, "a", 2)], pdbs=[pdb])
    assert "more healthy pods than there are replicas" in result["notes"][0]
    other = {**pdb, "metadata": {"name": "web", "namespace": "elsewhere"}}
    assert "notes" not in plan(deployment(2, V2), old, [replica_set(old, "a", 2)], pdbs=[other])


def test_scaling_to_zero_with_a_new_template_replaces_nothing():
    old = deployment(3, V1)
    result = plan(deployment(0, V2), old, [replica_set(old, "a", 3)])
    assert (result["triggers_rollout"], result["reason"]) == (False, "no-pods-to-replace")
    assert steps(result) == [(0, 0), (0, 0)]
