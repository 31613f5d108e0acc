"""The wiring stage from loaded input and a snapshot: what the CLI and plan runner call.

It assembles plan_wiring's inputs: the final state (kplan.plan.wiring.objects.final_state)
and the pods that would exist. A desired workload's pods are its planned ones
(kplan.plan.pods.expand_workload) and replace the recorded pods it owns, unless the caller
names it among `unchanged` (its template did not change, so its recorded pods stay). A
DaemonSet runs on the recorded Nodes its controller would pick (daemonset_should_run_on).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from kplan.plan.ahead import POD_VIEWS, recorded_objects_key, take
from kplan.plan.model import Finding
from kplan.plan.pod_model import PodView
from kplan.plan.pods import (
    WORKLOAD_KINDS,
    daemonset_should_run_on,
    expand_workload,
    keeps_recorded_pods,
    recorded_pods,
)
from kplan.plan.wiring import DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR, plan_wiring
from kplan.plan.wiring.objects import WiredObject, final_state, wired_recorded
from kplan.resource import Resource

if TYPE_CHECKING:
    from kplan.rules.config import RulesConfig
    from kplan.snapshot.load import Snapshot


def wiring_inputs(
    desired: Sequence[Resource],
    snapshot: Snapshot | None = None,
    *,
    namespace: str = "default",
    kubernetes_version: str | None = None,
    crd_scopes: dict[tuple[str, str], str] | None = None,
    unchanged: Collection[str] = (),
    recorded_pod_views: Sequence[PodView] | None = None,
) -> tuple[list[WiredObject], list[PodView]]:
    """(final-state objects, pods). `unchanged` holds refs (`Kind/namespace/name`) of desired
    workloads whose recorded pods stay as they are; `recorded_pod_views` are the snapshot's
    pods as `snapshot_pod_views` gives them, when the caller has them already."""
    recorded = snapshot.resources() if snapshot is not None else []
    scopes = dict(snapshot.crd_scopes) if snapshot is not None else {}
    scopes.update(crd_scopes or {})
    recorded_objects = take(snapshot, recorded_objects_key(namespace, scopes))
    if recorded_objects is None:
        recorded_objects = wired_recorded(recorded, default_namespace=namespace, crd_scopes=scopes)
    objects = final_state(desired, recorded_objects, default_namespace=namespace, crd_scopes=scopes)
    nodes = [r.body for r in recorded if r.kind == "Node" and r.group == ""]
    pods_by_ref: dict[str, PodView] = {}
    if recorded_pod_views is None:
        recorded_pod_views = snapshot_pod_views(snapshot)
    for pod in recorded_pod_views:
        pods_by_ref[pod.ref] = pod
    replaced: set[str] = set()
    planned: list[PodView] = []
    for obj in objects:
        if not obj.planned or obj.kind not in WORKLOAD_KINDS or obj.ref in unchanged:
            continue
        if obj.group not in ("", "apps", "batch"):
            continue
        if obj.recorded_body is not None and keeps_recorded_pods(
            obj.kind, obj.body, obj.recorded_body, kubernetes_version
        ):
            continue
        replaced.add(obj.ref)
        chosen_nodes: list[Any] | None = None
        if obj.kind == "DaemonSet":
            chosen_nodes = [
                node
                for node in nodes
                if daemonset_should_run_on(obj.body, node, kubernetes_version=kubernetes_version)
            ]
        planned.extend(
            expand_workload(
                obj.body,
                obj.namespace,
                location=obj.location,
                nodes=chosen_nodes,
                kubernetes_version=kubernetes_version,
            )
        )
    kept = [
        pod
        for pod in pods_by_ref.values()
        if pod.owner not in replaced and f"Pod/{pod.ref}" not in replaced
    ]
    return objects, kept + planned


def snapshot_pod_views(snapshot: Snapshot | None) -> list[PodView]:
    """The recorded pods, owners resolved through their ReplicaSets (kplan.plan.pods); taken
    from the work done ahead (kplan.plan.ahead) when it has them."""
    if snapshot is None:
        return []
    views = take(snapshot, POD_VIEWS)
    return views if views is not None else recorded_pod_views(snapshot)


def recorded_pod_views(snapshot: Snapshot) -> list[PodView]:
    return recorded_pods(snapshot.of_kind("", "Pod"), snapshot.of_kind("apps", "ReplicaSet"))


def run_wiring(
    desired: Sequence[Resource],
    snapshot: Snapshot | None = None,
    *,
    namespace: str = "default",
    kubernetes_version: str | None = None,
    crd_scopes: dict[tuple[str, str], str] | None = None,
    unchanged: Collection[str] = (),
    service_cidr: str = DEFAULT_SERVICE_CIDR,
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE,
    config: RulesConfig | None = None,
) -> tuple[dict[str, Any], list[Finding]]:
    """The `wiring` section and its findings for desired objects against a snapshot (None:
    an empty cluster)."""
    objects, pods = wiring_inputs(
        desired,
        snapshot,
        namespace=namespace,
        kubernetes_version=kubernetes_version,
        crd_scopes=crd_scopes,
        unchanged=unchanged,
    )
    return plan_wiring(
        objects,
        pods,
        service_cidr=service_cidr,
        node_port_range=node_port_range,
        recorded_kinds=snapshot.recorded_kinds if snapshot is not None else None,
        recorded_namespaces=snapshot.recorded_namespaces if snapshot is not None else None,
        config=config,
    )
