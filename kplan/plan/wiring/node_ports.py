"""NodePorts: requested ports against the range, against each other, and against the type.

Facts (kubernetes/kubernetes):
- The range is `--service-node-port-range`, default 30000-32767
  (pkg/kubeapiserver/options/options.go DefaultServiceNodePortRange).
- Allocation is cluster-wide: namespaces and protocols do not matter
  (pkg/registry/core/service/portallocator). Within one Service, initNodePorts
  (pkg/registry/core/service/storage/alloc.go) allocates one nodePort per distinct `port`
  number, so TCP and UDP on the same `port` share one nodePort, while one nodePort asked for
  two different `port` numbers is allocated twice and fails.
- Validation (pkg/apis/core/validation ValidateService) forbids a nodePort on type ClusterIP
  and duplicate (protocol, port) pairs.
- An apply that leaves nodePort out keeps the allocated one; an update that turns a NodePort
  Service into ClusterIP wipes the nodePorts the manifest merely kept (ServicePort.nodePort
  doc: "This field will be wiped when updating a Service to no longer need it").
Messages are the API server's.
"""

from __future__ import annotations

from typing import Any

from kplan.plan.model import Finding
from kplan.plan.wiring.endpoints import CLUSTER_IP, service_type
from kplan.plan.wiring.objects import WiredObject
from kplan.plan.wiring.ports import ServicePort, service_ports
from kplan.rules.services import (
    DUPLICATE_SERVICE_PORT,
    NODEPORT_CONFLICT,
    NODEPORT_ON_CLUSTERIP,
    NODEPORT_OUT_OF_RANGE,
)

NODE_PORT_TYPES = ("NodePort", "LoadBalancer")


def _recorded_ports(service: WiredObject) -> list[ServicePort]:
    body = service.body if not service.planned else service.recorded_body
    if not isinstance(body, dict) or not isinstance(body.get("spec"), dict):
        return []
    return service_ports(body["spec"])


def _recorded_type(service: WiredObject) -> str | None:
    body = service.recorded_body if service.planned else service.body
    if not isinstance(body, dict) or not isinstance(body.get("spec"), dict):
        return None
    return service_type(body["spec"])


def allocated(service: WiredObject) -> dict[int, int]:
    """Service port index -> nodePort the Service ends up holding: the requested one, else
    the recorded one of the same port (kept by an apply that does not mention it)."""
    if service_type(service.spec) not in NODE_PORT_TYPES:
        return {}
    recorded = {(p.port, p.protocol): p.node_port for p in _recorded_ports(service) if p.node_port}
    result: dict[int, int] = {}
    for port in service_ports(service.spec):
        node_port = port.node_port or recorded.get((port.port, port.protocol))
        if node_port:
            result[port.index] = node_port
    return result


def check_node_ports(
    services: list[WiredObject], node_port_range: tuple[int, int]
) -> list[Finding]:
    """Findings for planned Services; recorded ones only hold ports."""
    findings: list[Finding] = []
    holders: dict[int, list[WiredObject]] = {}
    for service in services:
        for node_port in sorted(set(allocated(service).values())):
            holders.setdefault(node_port, []).append(service)
    for service in services:
        if service.planned:
            findings.extend(_check_service(service, node_port_range, holders))
    return findings


def _holds_now(service: WiredObject, node_port: int) -> bool:
    """Whether the cluster has this nodePort allocated to the Service already."""
    if not service.planned:
        return node_port in allocated(service).values()
    return any(p.node_port == node_port for p in _recorded_ports(service))


def _order(service: WiredObject) -> tuple[Any, ...]:
    location = service.location
    if location is None:
        return ("", 0, service.ref)
    return (location.source, location.line or 0, service.ref)


def _holder(
    node_port: int, service: WiredObject, holders: dict[int, list[WiredObject]]
) -> WiredObject | None:
    """The other Service that gets this nodePort first: one holding it now, else a planned
    one applied earlier (input order)."""
    others = [s for s in holders.get(node_port, []) if s.ref != service.ref]
    for other in others:
        if _holds_now(other, node_port):
            return other
    earlier = [s for s in others if _order(s) < _order(service)]
    return min(earlier, key=_order) if earlier else None


def _where(service: WiredObject, index: int, field: str = "") -> tuple[str, Any]:
    path = f"/spec/ports/{index}" + (f"/{field}" if field else "")
    return path, service.where(path)


def _check_service(
    service: WiredObject, node_port_range: tuple[int, int], holders: dict[int, list[WiredObject]]
) -> list[Finding]:
    findings: list[Finding] = []
    ports = service_ports(service.spec)
    kind = service_type(service.spec)
    recorded = {(p.port, p.protocol): p.node_port for p in _recorded_ports(service) if p.node_port}
    seen_pairs: dict[tuple[str, int], int] = {}
    for port in ports:
        pair = (port.protocol, port.port)
        if pair in seen_pairs:
            path, where = _where(service, port.index)
            findings.append(
                DUPLICATE_SERVICE_PORT.finding(
                    service.ref,
                    f"spec.ports[{port.index}]: Duplicate value: {port.port}/{port.protocol} "
                    f"(also spec.ports[{seen_pairs[pair]}])",
                    location=where,
                    path=path,
                )
            )
        seen_pairs.setdefault(pair, port.index)
    if kind == CLUSTER_IP:
        was_node_port = _recorded_type(service) in NODE_PORT_TYPES
        for port in ports:
            if port.node_port is None:
                continue
            if was_node_port and recorded.get((port.port, port.protocol)) == port.node_port:
                continue  # wiped by the type change
            path, where = _where(service, port.index, "nodePort")
            findings.append(
                NODEPORT_ON_CLUSTERIP.finding(
                    service.ref,
                    f"spec.ports[{port.index}].nodePort: Forbidden: may not be used when "
                    "`type` is 'ClusterIP'",
                    location=where,
                    path=path,
                )
            )
        return findings
    if kind not in NODE_PORT_TYPES:
        return findings
    low, high = node_port_range
    by_number: dict[int, int] = {}  # nodePort -> the `port` number it was first asked for
    for port in ports:
        node_port = port.node_port
        if node_port is None:
            continue
        path, where = _where(service, port.index, "nodePort")
        kept = recorded.get((port.port, port.protocol)) == node_port
        if not kept and not low <= node_port <= high:
            findings.append(
                NODEPORT_OUT_OF_RANGE.finding(
                    service.ref,
                    f"spec.ports[{port.index}].nodePort: Invalid value: {node_port}: provided "
                    f"port is not in the valid range. The range of valid ports is {low}-{high}",
                    location=where,
                    path=path,
                )
            )
            continue
        first = by_number.setdefault(node_port, port.port)
        holder = None if kept else _holder(node_port, service, holders)
        if first != port.port:
            message = f"also requested for port {first} of this Service"
        elif holder is not None:
            message = f"held by {holder.ref}"
        else:
            continue
        findings.append(
            NODEPORT_CONFLICT.finding(
                service.ref,
                f"spec.ports[{port.index}].nodePort: Invalid value: {node_port}: provided port "
                f"is already allocated ({message})",
                location=where,
                path=path,
            )
        )
    return findings
