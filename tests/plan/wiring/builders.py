"""Small builders for wiring tests: objects from plain dicts, pods from workloads.

`planned_pods` is a stand-in for workload expansion (kplan.plan.pods) that is enough for
wiring: N pods of the template with the owner's name, ready once running. Recorded pods
carry what a snapshot says.
"""

from __future__ import annotations

import copy
from typing import Any

from kplan.plan.model import Location
from kplan.plan.pod_model import PodView
from kplan.plan.wiring import WiredObject, plan_wiring

CLUSTER_SCOPED = {"Namespace", "IngressClass", "PriorityClass", "Node", "PersistentVolume"}


def obj(
    body: dict[str, Any],
    *,
    planned: bool = True,
    recorded_body: dict[str, Any] | None = None,
    namespace: str = "default",
) -> WiredObject:
    kind = body["kind"]
    metadata = body.setdefault("metadata", {})
    ns = "" if kind in CLUSTER_SCOPED else metadata.get("namespace", namespace)
    name = metadata["name"]
    ref = f"{kind}/{ns}/{name}" if ns else f"{kind}/{name}"
    return WiredObject(
        ref=ref,
        api_version=body.get("apiVersion", "v1"),
        kind=kind,
        namespace=ns,
        name=name,
        body=body,
        location=Location("test.yaml", 1, 1),
        planned=planned,
        recorded_body=recorded_body,
    )


def service(
    name: str,
    selector: dict[str, str] | None,
    ports: list[dict[str, Any]] | None = None,
    *,
    namespace: str = "default",
    planned: bool = True,
    **spec: Any,
) -> WiredObject:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": dict(spec),
    }
    if selector is not None:
        body["spec"]["selector"] = selector
    if ports is not None:
        body["spec"]["ports"] = ports
    return obj(body, planned=planned)


def deployment(
    name: str,
    labels: dict[str, str],
    containers: list[dict[str, Any]] | None = None,
    *,
    namespace: str = "default",
    replicas: int = 1,
    planned: bool = True,
    selector: dict[str, Any] | None = None,
    pod_spec: dict[str, Any] | None = None,
    kind: str = "Deployment",
) -> WiredObject:
    spec = dict(pod_spec or {})
    spec["containers"] = containers or [{"name": "app", "image": "app:1"}]
    body = {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": replicas,
            "selector": selector if selector is not None else {"matchLabels": dict(labels)},
            "template": {"metadata": {"labels": dict(labels)}, "spec": spec},
        },
    }
    if kind == "DaemonSet":
        del body["spec"]["replicas"]
    return obj(body, planned=planned)


def planned_pods(workload: WiredObject) -> list[PodView]:
    """Pods a workload would create: `<name>-0`, `<name>-1`, ... (names do not matter here)."""
    template = workload.spec["template"]
    count = workload.spec.get("replicas", 1)
    owner = f"{workload.kind}/{workload.namespace}/{workload.name}"
    return [
        PodView(
            namespace=workload.namespace,
            name=f"{workload.name}-{ordinal}",
            labels=dict(template["metadata"].get("labels") or {}),
            spec=copy.deepcopy(template["spec"]),
            owner=owner,
            replica=ordinal,
            planned=True,
        )
        for ordinal in range(count)
    ]


def recorded_pod(
    name: str,
    labels: dict[str, str],
    *,
    namespace: str = "default",
    ip: str | None = "10.244.0.5",
    ready: bool = True,
    phase: str = "Running",
    containers: list[dict[str, Any]] | None = None,
) -> PodView:
    return PodView(
        namespace=namespace,
        name=name,
        labels=labels,
        spec={"containers": containers or [{"name": "app", "image": "app:1"}]},
        planned=False,
        node="node-1",
        phase=phase,
        ready=ready,
        pod_ip=ip,
    )


def wire(objects: list[WiredObject], pods: list[PodView] | None = None, **options: Any):
    """plan_wiring with pods expanded from the planned workloads when not given."""
    if pods is None:
        pods = [
            pod
            for item in objects
            if item.planned and item.kind in ("Deployment", "StatefulSet", "ReplicaSet")
            for pod in planned_pods(item)
        ]
    return plan_wiring(objects, pods, **options)


def rules_of(findings) -> list[tuple[str, str]]:
    return [(finding.rule, finding.object) for finding in findings]
