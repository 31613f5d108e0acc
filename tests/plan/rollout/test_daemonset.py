"""DaemonSet rollouts (kubernetes/kubernetes pkg/controller/daemon update.go,
daemon_controller.go; sequences from update_test.go) under the contract's step model."""

from __future__ import annotations

from typing import Any

import pytest

from kplan.plan.rollout import plan_rollout
from kplan.plan.rollout.daemon_update import DaemonConfig, DaemonPod, counts, simulate
from tests.plan.rollout.builders import controller_revision, daemonset, pod

V1, V2 = "registry/agent:1", "registry/agent:2"
NODES = [f"node-{i}" for i in range(5)]


def strategy(max_unavailable: int | str, max_surge: int | str = 0) -> dict[str, Any]:
    return {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": max_unavailable, "maxSurge": max_surge},
    }


def node_pods(nodes: list[str], generation: str = "1", ready: bool = True) -> list[dict]:
    return [
        pod(
            f"agent-{node}",
            "DaemonSet",
            "agent",
            labels={"pod-template-generation": generation, "controller-revision-hash": "h1"},
            node=node,
            ready=ready,
        )
        for node in nodes
    ]


def plan(desired, recorded, pods=(), **kw: Any) -> dict[str, Any]:
    result = plan_rollout(desired, recorded, [], list(pods), kubernetes_version="1.31", **kw)
    assert result is not None
    return result


def _pairs(pods: list[DaemonPod], cfg: DaemonConfig, frozen: bool = False) -> list[tuple[int, int]]:
    """(pods created, pods deleted) per step, as update_test.go's expectSyncDaemonSets."""
    return simulate(pods, cfg, frozen=frozen).syncs


def fleet(count: int, available: bool = True) -> list[DaemonPod]:
    return [
        DaemonPod(f"node-{i}", updated=False, available=available, order=i) for i in range(count)
    ]


def test_updates_pods_with_max_unavailable():
    """TestDaemonSetUpdatesPods (5 nodes, maxUnavailable 2):
    (0,2)(2,0)(0,2)(2,0)(0,1)(1,0)."""
    cfg = DaemonConfig.of(NODES, unavailable=2)
    assert _pairs(fleet(5), cfg) == [(0, 2), (2, 0), (0, 2), (2, 0), (0, 1), (1, 0)]


def test_updates_pods_with_max_surge():
    """TestDaemonSetUpdatesPodsWithMaxSurge (5 nodes, maxSurge 2): (2,0)(2,2)(1,2)(0,1)."""
    cfg = DaemonConfig.of(NODES, surge=2, unavailable=0)
    assert _pairs(fleet(5), cfg) == [(2, 0), (2, 2), (1, 2), (0, 1)]


def test_surge_with_a_node_that_no_longer_qualifies():
    """TestDaemonSetUpdatesPodsNotMatchTainstWithMaxSurge: node-0 gets a NoSchedule taint the
    new template does not tolerate; its pod goes only while more than 4 are available."""
    cfg = DaemonConfig.of(NODES[1:], surge=1, unavailable=0)
    assert _pairs(fleet(5), cfg) == [(1, 1), (1, 1), (1, 1), (1, 1), (0, 1)]


def test_new_pods_that_never_become_ready_hold_the_update():
    """TestDaemonSetUpdatesWhenNewPodIsNotReady (maxUnavailable 3): (0,3)(3,0), then
    nothing while the new pods stay unavailable."""
    cfg = DaemonConfig.of(NODES, unavailable=3)
    assert _pairs(fleet(5), cfg, frozen=True) == [(0, 3), (3, 0)]


def test_all_old_pods_not_ready_are_replaced_at_once():
    """TestDaemonSetUpdatesAllOldPodsNotReady (maxUnavailable 3): unavailable old pods are
    always replaced, beyond the budget: (0,5)(5,0)."""
    cfg = DaemonConfig.of(NODES, unavailable=3)
    assert _pairs(fleet(5, available=False), cfg) == [(0, 5), (5, 0)]


@pytest.mark.parametrize(
    ("rolling", "desired", "expected"),
    [
        ({"maxUnavailable": "25%", "maxSurge": 0}, 10, (0, 3)),  # rounds UP
        ({"maxUnavailable": 0, "maxSurge": "25%"}, 10, (3, 0)),
        ({"maxUnavailable": 0, "maxSurge": 0}, 10, (0, 1)),  # both 0 -> unavailable 1
        ({"maxUnavailable": "10%"}, 5, (0, 1)),
    ],
)
def test_counts_round_up(rolling: dict[str, Any], desired: int, expected: tuple[int, int]):
    """updatedDesiredNodeCounts with util.UnavailableCount / SurgeCount (roundUp = true)."""
    assert counts({"type": "RollingUpdate", "rollingUpdate": rolling}, desired) == expected


def test_plan_a_template_change():
    result = plan(
        daemonset(V2, strategy=strategy(2)),
        daemonset(V1, strategy=strategy(2)),
        node_pods(NODES),
        eligible_nodes=NODES,
    )
    assert result["workload"] == "DaemonSet/shop/agent"
    assert result["triggers_rollout"] is True
    assert (result["maxUnavailable"], result["maxSurge"], result["desired"]) == (2, 0, 5)
    assert [(s["new"], s["old"]) for s in result["steps"]] == [
        (0, 3),
        (2, 3),
        (2, 1),
        (4, 1),
        (4, 0),
        (5, 0),
    ]
    assert result["batches"] == [2, 2, 1]
    assert any("not predictable" in note for note in result["notes"])
    assert result["min_available"] == 3


def test_plan_uses_recorded_desired_number_without_eligible_nodes():
    recorded = daemonset(V1, status={"desiredNumberScheduled": 3})
    result = plan(daemonset(V2), recorded, node_pods(NODES[:3]))
    assert result["desired"] == 3 and result["batches"] == [1, 1, 1]


def test_on_delete_and_unchanged_template():
    on_delete = {"type": "OnDelete"}
    recorded = daemonset(V1, strategy=on_delete)
    result = plan(
        daemonset(V2, strategy=on_delete), recorded, node_pods(NODES), eligible_nodes=NODES
    )
    assert (result["triggers_rollout"], result["reason"], result["steps"]) == (
        False,
        "on-delete",
        [],
    )
    same = plan(daemonset(V1), daemonset(V1), node_pods(NODES), eligible_nodes=NODES)
    assert (same["triggers_rollout"], same["reason"], same["steps"]) == (False, "metadata-only", [])


def test_recorded_rollout_in_progress_is_read_from_pod_template_generation():
    """util.IsPodUpdated: pod-template-generation equal to the DaemonSet's
    deprecated.daemonset.template.generation marks an updated pod."""
    recorded = daemonset(V1, generation=2, strategy=strategy(1))
    pods = node_pods(NODES[:2], generation="2") + node_pods(NODES[2:], generation="1")
    result = plan(daemonset(V1, strategy=strategy(1)), recorded, pods, eligible_nodes=NODES)
    assert result["reason"] == "in-progress"
    assert result["batches"] == [1, 1, 1]


def test_rollback_to_a_recorded_revision_keeps_matching_pods():
    recorded = daemonset(V2)
    desired = daemonset(V1)
    revisions = [controller_revision(recorded, "agent-h1", 1, desired["spec"]["template"], "h1")]
    pods = node_pods(NODES[:2]) + [
        pod(f"agent-{n}", "DaemonSet", "agent", labels={"controller-revision-hash": "h2"}, node=n)
        for n in NODES[2:]
    ]
    result = plan(desired, recorded, pods, eligible_nodes=NODES, controller_revisions=revisions)
    assert sum(result["batches"]) == 3


def test_new_node_gets_a_pod_in_step_one():
    result = plan(daemonset(V1), daemonset(V1), node_pods(NODES[:4]), eligible_nodes=NODES)
    assert [(s["new"], s["old"]) for s in result["steps"]] == [(5, 0)]
    assert result["triggers_rollout"] is False


def test_surge_that_fits_nowhere_stalls():
    surge = strategy(0, 1)
    result = plan(
        daemonset(V2, strategy=surge),
        daemonset(V1, strategy=surge),
        node_pods(NODES),
        eligible_nodes=NODES,
        fits=lambda n: False,
    )
    assert result["stall"]["step"] == 1
    assert [(s["new"], s["old"]) for s in result["steps"]] == [(1, 5)]


def test_new_daemonset():
    result = plan(daemonset(V1), None, eligible_nodes=NODES)
    assert (result["reason"], result["steps"]) == ("new-object", [{"new": 5, "old": 0}])


def test_bucketed_nodes_give_the_same_plan_as_visiting_every_node():
    """daemon_update.Fleet skips nodes whose only pod is available (see its docstring); on
    200 seeded random fleets (mixed old/new, unavailable, failed, terminating and doubled
    pods, ineligible nodes, surge or not, new pods that never become ready) the steps are
    exactly those of visiting every node as upstream does."""
    import copy
    import random

    rng = random.Random(20240607)
    for _ in range(200):
        nodes = [f"n{i}" for i in range(rng.randint(1, 12))]
        eligible = [n for n in nodes if rng.random() < 0.85] + ["spare"] * rng.randint(0, 1)
        fleet_pods, order = [], 0
        for node in nodes:
            for _ in range(rng.choice([0, 1, 1, 1, 1, 2])):
                order += 1
                fleet_pods.append(
                    DaemonPod(
                        node,
                        updated=rng.random() < 0.3,
                        available=rng.random() < 0.8,
                        terminating=rng.random() < 0.05,
                        failed=rng.random() < 0.05,
                        order=order,
                    )
                )
        surge = rng.choice([0, 0, 1, 2, 3])
        cfg = DaemonConfig.of(
            eligible, surge=surge, unavailable=0 if surge else rng.choice([1, 2, 3])
        )
        frozen = rng.random() < 0.2
        fast = simulate(copy.deepcopy(fleet_pods), cfg, frozen=frozen, fast=True)
        slow = simulate(copy.deepcopy(fleet_pods), cfg, frozen=frozen, fast=False)
        assert fast == slow


def test_a_thousand_nodes_at_max_unavailable_one():
    """The default DaemonSet strategy on a large cluster: 2000 steps of one node each."""
    nodes = [f"node-{i:04}" for i in range(1000)]
    timeline = simulate(
        [DaemonPod(node, updated=False, order=i) for i, node in enumerate(nodes)],
        DaemonConfig.of(nodes, unavailable=1),
    )
    assert len(timeline.steps) == 2000 and timeline.batches == [1] * 1000
    assert timeline.steps[-1] == {"new": 1000, "old": 0}
