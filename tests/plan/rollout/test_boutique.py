"""End to end on the recorded production-like cluster: the Online Boutique manifests
(v0.10.6) against boutique-prod.yaml, where an older edition was applied (the snapshot
generator's README lists what differs: frontend, cartservice and checkoutservice run
v0.10.5; frontend had 3 replicas from last-applied, which a new apply removes; loadgenerator
was scaled to 0 by hand; recommendationservice was scaled to 2 with `kubectl scale`).

The desired Deployments are what the API server would store after `kubectl apply`
(kplan.plan.changes: three-way merge, then server defaults), as the plan stage passes them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kplan.k8s.defaults import apply_defaults
from kplan.load import load_paths
from kplan.plan.changes import ChangeOptions, plan_changes
from kplan.plan.model import ObjectId
from kplan.plan.rollout import plan_rollout
from kplan.snapshot.load import Snapshot, load_snapshot
from tests.paths import FIXTURES

MANIFESTS = FIXTURES / "manifests" / "online-boutique"
SNAPSHOT = FIXTURES / "snapshots" / "boutique-prod.yaml"
VERSION = "1.31"


@lru_cache(maxsize=1)
def _snapshot() -> Snapshot:
    return load_snapshot([str(SNAPSHOT)])


@lru_cache(maxsize=1)
def rollouts() -> dict[str, dict[str, Any]]:
    snapshot = _snapshot()
    changes, _ = plan_changes(
        load_paths([str(MANIFESTS)]).resources,
        snapshot,
        ChangeOptions(kubernetes_version=VERSION, show_all=True),
    )
    replicasets = [r.body for r in snapshot.of_kind("apps", "ReplicaSet")]
    pods = [r.body for r in snapshot.of_kind("", "Pod")]
    result: dict[str, dict[str, Any]] = {}
    for change in changes:
        if change.object.kind != "Deployment":
            continue
        recorded = snapshot.get(change.object)
        assert change.after is not None
        desired = change.after if recorded else apply_defaults(change.after, VERSION)
        rollout = plan_rollout(
            desired,
            recorded.body if recorded else None,
            replicasets,
            pods,
            kubernetes_version=VERSION,
        )
        assert rollout is not None
        result[change.object.name] = rollout
    return result


def test_image_changes_roll_out():
    """cartservice and checkoutservice (1 replica, default 25%/25% -> maxSurge 1,
    maxUnavailable 0): surge one new pod, then remove the old one."""
    for name in ("cartservice", "checkoutservice"):
        rollout = rollouts()[name]
        assert rollout["workload"] == f"Deployment/default/{name}"
        assert rollout["triggers_rollout"] is True
        assert (rollout["maxSurge"], rollout["maxUnavailable"]) == (1, 0)
        assert [(s["new"], s["old"]) for s in rollout["steps"]] == [(1, 1), (1, 0)]
        assert rollout["new_rs"] is None


def test_frontend_scales_down_before_rolling_out():
    """frontend: replicas 3 -> 1 (removed from the manifest) with a new image. The old
    ReplicaSet's desired-replicas annotation (3) makes the first sync a scaling event that
    shrinks it to 1; the rollout follows. The revision-1 ReplicaSet (v0.10.4, 0 replicas)
    stays untouched."""
    rollout = rollouts()["frontend"]
    assert rollout["triggers_rollout"] is True
    assert rollout["replicas"] == 1
    assert [(s["new"], s["old"]) for s in rollout["steps"]] == [(0, 1), (1, 1), (1, 0)]
    assert all("old_rs" not in step for step in rollout["steps"])
    assert rollout["peak_pods"] == 3


def test_loadgenerator_is_scaled_up_not_rolled_out():
    """loadgenerator: 0 -> 1 with an unchanged template: its existing ReplicaSet is the new
    one and simply grows (no active ReplicaSet, so not a scaling event)."""
    rollout = rollouts()["loadgenerator"]
    assert (rollout["triggers_rollout"], rollout["reason"]) == (False, "replicas-only")
    assert rollout["new_rs"] == "loadgenerator-9b87f776c"
    assert [(s["new"], s["old"]) for s in rollout["steps"]] == [(1, 0)]


def test_unchanged_deployments_do_nothing():
    """recommendationservice keeps its 2 replicas (not in last-applied) and its template:
    the recorded ReplicaSet matches the defaulted manifest template, so nothing happens.
    The same holds for every other unchanged service."""
    for name in ("recommendationservice", "currencyservice", "emailservice", "redis-cart"):
        rollout = rollouts()[name]
        assert (rollout["triggers_rollout"], rollout["reason"], rollout["steps"]) == (
            False,
            "metadata-only",
            [],
        )
    assert rollouts()["recommendationservice"]["replicas"] == 2


def test_new_adservice_is_created_at_full_size():
    rollout = rollouts()["adservice"]
    assert (rollout["reason"], rollout["steps"]) == ("new-object", [{"new": 1, "old": 0}])


def test_surge_stall_uses_the_callers_fit_check():
    """With maxUnavailable 0, a cartservice surge pod that fits nowhere stalls the rollout
    after its first step."""
    snapshot = _snapshot()
    recorded = snapshot.get(ObjectId("apps", "Deployment", "default", "cartservice"))
    assert recorded is not None
    desired = apply_defaults(recorded.body, VERSION)
    container = desired["spec"]["template"]["spec"]["containers"][0]
    container["image"] = container["image"].replace("v0.10.5", "v0.10.6")
    replicasets = [r.body for r in snapshot.of_kind("apps", "ReplicaSet")]
    rollout = plan_rollout(
        desired, recorded.body, replicasets, [], kubernetes_version=VERSION, fits=lambda n: False
    )
    assert rollout is not None
    assert rollout["stall"]["step"] == 1
    assert [(s["new"], s["old"]) for s in rollout["steps"]] == [(1, 1)]


def test_recorded_statefulsets_and_daemonsets_plan_without_changes():
    """Every recorded StatefulSet and DaemonSet, re-applied as recorded: no rollout, and the
    recorded revisions and pods are read without surprises."""
    snapshot = _snapshot()
    pods = [r.body for r in snapshot.of_kind("", "Pod")]
    for kind in ("StatefulSet", "DaemonSet"):
        for resource in snapshot.of_kind("apps", kind):
            desired = apply_defaults(resource.body, VERSION)
            rollout = plan_rollout(desired, resource.body, [], pods, kubernetes_version=VERSION)
            assert rollout is not None
            assert rollout["triggers_rollout"] is False, rollout
            assert rollout["reason"] == "metadata-only", rollout
