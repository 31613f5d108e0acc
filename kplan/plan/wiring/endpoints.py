"""Service -> endpoints, as the EndpointSlice controller computes them.

Sources (kubernetes/kubernetes): pkg/controller/endpointslice/endpointslice_controller.go
syncService, staging/src/k8s.io/endpointslice/utils.go podToEndpoint / getEndpointPorts,
staging/src/k8s.io/endpointslice/util/controller_utils.go ShouldPodBeInEndpoints.

- ExternalName Services and Services without a selector (nil or {}) get no managed
  endpoints; candidate pods are the Service's namespace only.
- Terminal pods (Succeeded, Failed) and pods without an IP are left out. Planned pods count
  as they will be once running: with an IP, and ready.
- ready = publishNotReadyAddresses or the pod's Ready condition.
- Each Service port resolves its targetPort per pod (kplan.plan.wiring.ports.find_port); a
  pod that cannot resolve one port is left out of that port only.
- A headless Service without ports publishes every pod with no port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kplan.plan.model import Finding
from kplan.plan.pod_model import PodView
from kplan.plan.wiring.index import WiringIndex
from kplan.plan.wiring.objects import WiredObject
from kplan.plan.wiring.ports import ServicePort, find_port, service_ports
from kplan.rules.services import TARGET_PORT_UNRESOLVED

EXTERNAL_NAME = "ExternalName"
CLUSTER_IP = "ClusterIP"


def service_type(spec: dict[str, Any]) -> str:
    kind = spec.get("type")
    return kind if isinstance(kind, str) and kind else CLUSTER_IP


def service_selector(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The selector the controller acts on; None for nil and for {} (the API doc: "If empty
    or not present, the service is assumed to have an external process managing its
    endpoints, which Kubernetes will not modify")."""
    selector = spec.get("selector")
    return selector if isinstance(selector, dict) and selector else None


@dataclass
class ServiceEndpoints:
    """The endpoints of one Service, and the pods that dropped out of a port."""

    service: WiredObject
    ports: list[ServicePort]
    selected: list[PodView] | None  # None: no managed endpoints (no selector, ExternalName)
    endpoints: list[dict[str, Any]] = field(default_factory=list)
    # Service port index -> selected pods whose named targetPort does not resolve.
    unresolved: dict[int, list[PodView]] = field(default_factory=dict)


def _eligible(pod: PodView) -> bool:
    """ShouldPodBeInEndpoints: not terminal, and has an IP (planned pods will)."""
    return not pod.terminal and (pod.planned or bool(pod.pod_ip))


def service_endpoints(service: WiredObject, index: WiringIndex) -> ServiceEndpoints:
    spec = service.spec
    ports = service_ports(spec)
    selector = service_selector(spec)
    if service_type(spec) == EXTERNAL_NAME or selector is None:
        return ServiceEndpoints(service, ports, None)
    selected = [pod for pod in index.pods_for_map(service.namespace, selector) if not pod.terminal]
    result = ServiceEndpoints(service, ports, selected)
    publish_not_ready = spec.get("publishNotReadyAddresses") is True
    for pod in selected:
        if not _eligible(pod):
            continue
        ready = publish_not_ready or pod.planned or pod.ready
        if not ports:
            result.endpoints.append(
                {"pod": pod.ref, "name": None, "port": None, "protocol": None, "ready": ready}
            )
            continue
        for port in ports:
            number = find_port(pod.spec, port)
            if number is None:
                result.unresolved.setdefault(port.index, []).append(pod)
                continue
            result.endpoints.append(
                {
                    "pod": pod.ref,
                    "name": port.name,
                    "port": number,
                    "protocol": port.protocol,
                    "ready": ready,
                }
            )
    result.endpoints.sort(
        key=lambda e: (e["pod"], e["name"] or "", e["port"] or 0, e["protocol"] or "")
    )
    return result


def unresolved_findings(result: ServiceEndpoints) -> list[Finding]:
    """target-port-unresolved, per Service port, when the plan is involved: the Service is
    planned or a pod that drops out is."""
    findings: list[Finding] = []
    service = result.service
    by_index = {port.index: port for port in result.ports}
    for index_, pods in sorted(result.unresolved.items()):
        if not service.planned and not any(pod.planned for pod in pods):
            continue
        port = by_index[index_]
        owners = sorted({pod.owner or f"Pod/{pod.ref}" for pod in pods})
        total = sum(1 for pod in result.selected or () if _eligible(pod))
        label = f"spec.ports[{index_}]" + (f" ({port.name})" if port.name else "")
        path = f"/spec/ports/{index_}/targetPort"
        findings.append(
            TARGET_PORT_UNRESOLVED.finding(
                service.ref,
                f"{label}: targetPort {port.target!r} matches no {port.protocol} container port "
                f"of {len(pods)} of {total} selected pod(s), of {', '.join(owners)}: they get "
                "no traffic on this port",
                location=service.where(path),
                path=path,
            )
        )
    return findings
