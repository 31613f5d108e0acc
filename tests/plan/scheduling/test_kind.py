"""End to end on the kind-3node snapshot: a control plane tainted NoSchedule, two workers of
4 CPU / 8Gi with 3.9 CPU free, zone labels zone-a, zone-a, zone-b."""

from __future__ import annotations

from typing import Any

from kplan.plan.pod_model import PodView
from kplan.plan.scheduling import capacity, schedule
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES
from tests.plan.scheduling.helpers import container, make_pod


def _cluster() -> tuple[list[dict[str, Any]], list[PodView]]:
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "kind-3node.yaml")])
    nodes = [r.body for r in snapshot.of_kind("", "Node")]
    pods = []
    for resource in snapshot.of_kind("", "Pod"):
        body = resource.body
        metadata = body["metadata"]
        pods.append(
            PodView(
                namespace=metadata["namespace"],
                name=metadata["name"],
                labels=dict(metadata.get("labels") or {}),
                spec=body["spec"],
                node=body["spec"].get("nodeName"),
                phase=body["status"].get("phase", "Pending"),
            )
        )
    return nodes, pods


def test_control_plane_taint_and_insufficient_cpu() -> None:
    """The FailedScheduling message of a pod no node takes, with the control-plane taint in
    the pre-1.35 form (issue #116133's `{node-role.kubernetes.io/control-plane: }`)."""
    nodes, existing = _cluster()
    pod = make_pod("big", containers=[container("3950m")])
    [placement] = schedule([pod], existing, nodes, kubernetes_version="1.31").placements
    assert placement["message"] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes "
        "are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims "
        "found for incoming pod.."
    )
    [placement] = schedule(
        [make_pod("big", containers=[container("3950m")])],
        existing,
        nodes,
        kubernetes_version="1.35",
    ).placements
    assert placement["message"].startswith(
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu."
    )


def test_replicas_alternate_between_workers() -> None:
    """Two equal workers: the first replica ties and goes to the name that sorts first, then
    resources and spreading (system defaults through the ReplicaSet's selector) alternate."""
    nodes, existing = _cluster()
    pods = [
        make_pod(
            f"web-{i}",
            labels={"app": "web"},
            containers=[container("500m", "256Mi")],
            owner="Deployment/default/web",
            replica=i,
        )
        for i in range(4)
    ]
    placements = schedule(
        pods,
        existing,
        nodes,
        kubernetes_version="1.31",
        default_spread_selectors=lambda view: [{"app": "web"}],
    ).placements
    assert [p["node"] for p in placements] == [
        "kind-worker",
        "kind-worker2",
        "kind-worker",
        "kind-worker2",
    ]


def test_capacity_of_the_workers() -> None:
    """3.9 CPU free on each worker (the control plane is tainted): three 1-CPU pods each."""
    nodes, existing = _cluster()
    assert (
        capacity(
            make_pod("one-cpu", containers=[container("1")]),
            existing,
            nodes,
            kubernetes_version="1.31",
        )
        == 6
    )
