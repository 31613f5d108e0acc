"""ClusterIPs: the recorded or requested ones, planned ones for new Services, and conflicts.

The API server allocates a ClusterIP at random from the service CIDR
(pkg/registry/core/service/ipallocator). kplan must be reproducible, so a Service without
one gets a *deterministic* address instead: a hash of `namespace/name` picks the start in
the range's upper band, and the next free address wins. The upper band is where dynamic
allocation starts since KEP-3070 (ipallocator bitmap.go calculateRangeOffset: the lower
min(max(16, size/16), 256) addresses are kept for static requests). The network address,
the IPv4 broadcast address and the first address (the `kubernetes` Service's,
pkg/controlplane/services.go) are never handed out.

Conflicts are the allocator's errors, as `kubectl apply` prints them:
`spec.clusterIP: Invalid value: "10.96.0.10": provided IP is already allocated`.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from kplan.plan.model import Finding
from kplan.plan.wiring.endpoints import EXTERNAL_NAME, service_type
from kplan.plan.wiring.objects import WiredObject
from kplan.rules.services import CLUSTERIP_CONFLICT, CLUSTERIP_OUT_OF_RANGE, SERVICE_CIDR_MISMATCH

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
NONE = "None"
DEFAULT_SERVICE_CIDR = "10.96.0.0/12"
KUBERNETES_SERVICE = "Service/default/kubernetes"


def parse_cidr(text: str) -> IPNetwork:
    """The primary range of `--service-cidr` (the first of a dual-stack pair)."""
    return ipaddress.ip_network(text.split(",")[0].strip(), strict=False)


def first_address(network: IPNetwork) -> str:
    """The `kubernetes` Service's address: the first one after the network address."""
    return str(network.network_address + 1)


def range_offset(size: int) -> int:
    """ipallocator calculateRangeOffset: where the dynamic (upper) band starts."""
    low, high, step = 16, 256, 16
    if size < low:
        return 0
    return max(low, min(high, size // step))


@dataclass(frozen=True)
class ServiceIP:
    """A Service's primary ClusterIP: an address, "None" (headless) or None (ExternalName or
    nothing free); `planned` when kplan allocated it."""

    address: str | None
    planned: bool = False


def requested_ip(service: WiredObject) -> str | None:
    """The address a Service has or asks for: spec.clusterIP (or clusterIPs[0]), else the
    recorded one (an apply that leaves the field out keeps the allocated address)."""
    for body in (service.body, service.recorded_body):
        if not isinstance(body, dict):
            continue
        spec = body.get("spec")
        if not isinstance(spec, dict) or service_type(spec) == EXTERNAL_NAME:
            continue
        value = spec.get("clusterIP")
        if not value:
            ips = spec.get("clusterIPs")
            value = ips[0] if isinstance(ips, list) and ips else None
        if isinstance(value, str) and value:
            return value
    return None


def recorded_ip(service: WiredObject) -> str | None:
    """The address the cluster has for this Service now (None for a new Service)."""
    if not service.planned:
        return requested_ip(service)
    if service.recorded_body is None:
        return None
    recorded = WiredObject(
        service.ref,
        service.api_version,
        service.kind,
        service.namespace,
        service.name,
        service.recorded_body,
    )
    return requested_ip(recorded)


class Allocator:
    """Deterministic free-address picker over one range."""

    def __init__(self, network: IPNetwork, used: set[str]) -> None:
        self.network = network
        self.used = {ipaddress.ip_address(ip) for ip in used if _is_ip(ip)}
        self.used.add(network.network_address + 1)
        self.size = network.num_addresses

    def _free(self, offset: int) -> bool:
        if offset <= 0 or offset >= self.size:
            return False
        if self.network.version == 4 and offset == self.size - 1:
            return False  # broadcast
        return self.network.network_address + offset not in self.used

    def allocate(self, key: str) -> str | None:
        """The first free address from the key's hash position in the upper band, then the
        rest of the range (as the allocator falls back to the lower band)."""
        band = range_offset(self.size)
        span = self.size - band
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
        start = digest % span
        for step in range(span):
            offset = band + (start + step) % span
            if self._free(offset):
                address = self.network.network_address + offset
                self.used.add(address)
                return str(address)
        for offset in range(1, band):
            if self._free(offset):
                address = self.network.network_address + offset
                self.used.add(address)
                return str(address)
        return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _order(service: WiredObject) -> tuple[Any, ...]:
    """Apply order among planned objects: input position, then name."""
    location = service.location
    if location is None:
        return ("", 0, service.ref)
    return (location.source, location.line or 0, service.ref)


def plan_cluster_ips(
    services: list[WiredObject], service_cidr: str
) -> tuple[dict[str, ServiceIP], list[Finding]]:
    """Every Service's ClusterIP by ref, and the conflicts planned Services run into."""
    network = parse_cidr(service_cidr)
    findings: list[Finding] = []
    holders: dict[str, list[WiredObject]] = {}
    result: dict[str, ServiceIP] = {}
    for service in services:
        if service_type(service.spec) == EXTERNAL_NAME:
            result[service.ref] = ServiceIP(None)
            continue
        address = requested_ip(service)
        if address is not None:
            result[service.ref] = ServiceIP(address)
            if address != NONE:
                holders.setdefault(address, []).append(service)
    kubernetes_ip = first_address(network)
    if not any(service.ref == KUBERNETES_SERVICE for service in services):
        holders.setdefault(kubernetes_ip, []).insert(0, _implicit_kubernetes(kubernetes_ip))
    findings.extend(_conflicts(holders))
    findings.extend(_out_of_range(services, network, service_cidr))
    allocator = Allocator(network, set(holders))
    for service in sorted(services, key=lambda s: s.ref):
        if service.ref not in result:
            address = allocator.allocate(f"{service.namespace}/{service.name}")
            result[service.ref] = ServiceIP(address, planned=address is not None)
    return result, findings


def _implicit_kubernetes(address: str) -> WiredObject:
    """The `kubernetes` Service every cluster has (the API server creates it)."""
    return WiredObject(
        KUBERNETES_SERVICE,
        "v1",
        "Service",
        "default",
        "kubernetes",
        implicit_kubernetes_body(address),
    )


def implicit_kubernetes_body(address: str) -> dict[str, Any]:
    """default/kubernetes as kube-apiserver creates it: 443/TCP named https."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default"},
        "spec": {
            "clusterIP": address,
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
            "type": "ClusterIP",
        },
    }


def _conflicts(holders: dict[str, list[WiredObject]]) -> list[Finding]:
    """Planned Services asking for an address another Service holds. The holder is the
    Service that has it now, else the first one applied."""
    findings: list[Finding] = []
    for address, owners in sorted(holders.items()):
        if len(owners) < 2:
            continue
        current = [s for s in owners if recorded_ip(s) == address or s.ref == KUBERNETES_SERVICE]
        newcomers = sorted((s for s in owners if s not in current), key=_order)
        holder = current[0] if current else newcomers.pop(0)
        for service in newcomers:
            if not service.planned:
                continue
            findings.append(
                CLUSTERIP_CONFLICT.finding(
                    service.ref,
                    f'spec.clusterIP: Invalid value: "{address}": provided IP is already '
                    f"allocated (to {holder.ref})",
                    location=service.where("/spec/clusterIP"),
                    path="/spec/clusterIP",
                )
            )
    return findings


def _out_of_range(
    services: list[WiredObject], network: IPNetwork, service_cidr: str
) -> list[Finding]:
    """Requested addresses outside the range, judged only when the recorded Services agree
    with the range; when they do not, the range given is not the cluster's, and one note
    says so instead."""
    recorded = [
        ip for s in services if (ip := recorded_ip(s)) is not None and ip != NONE and _is_ip(ip)
    ]
    outside = sorted({ip for ip in recorded if ipaddress.ip_address(ip) not in network})
    if outside:
        shown = ", ".join(outside[:3]) + (" ..." if len(outside) > 3 else "")
        return [
            SERVICE_CIDR_MISMATCH.finding(
                "",
                f"recorded ClusterIPs ({shown}) lie outside the service CIDR {network}; planned "
                "ClusterIPs come from that range: give the cluster's --service-cidr",
            )
        ]
    if not recorded:
        return []
    findings: list[Finding] = []
    for service in services:
        address = requested_ip(service)
        if not service.planned or address is None or address == NONE or not _is_ip(address):
            continue
        if address == recorded_ip(service) or ipaddress.ip_address(address) in network:
            continue
        findings.append(
            CLUSTERIP_OUT_OF_RANGE.finding(
                service.ref,
                f'spec.clusterIP: Invalid value: "{address}": provided IP is not in the valid '
                f"range. The range of valid IPs is {service_cidr}",
                location=service.where("/spec/clusterIP"),
                path="/spec/clusterIP",
            )
        )
    return findings
