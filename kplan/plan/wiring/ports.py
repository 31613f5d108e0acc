"""Service ports with their defaults, and targetPort resolution against a pod.

Defaults (kubernetes/api core/v1 ServicePort docs; pkg/apis/core/v1/defaults.go): protocol
TCP, targetPort = port. Resolution is pkg/api/v1/pod/util.go FindPort: a number is used as
is (the pod need not declare it); a name is looked up in the pod's containers' ports, in
order, and matches only a port of that name *and* the Service port's protocol. Newer
FindPort also looks at restartable (sidecar) init containers, after the regular ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TCP = "TCP"


@dataclass(frozen=True)
class ServicePort:
    """One entry of spec.ports with defaults applied; `index` is its position."""

    index: int
    name: str
    port: int
    protocol: str
    target: int | str
    node_port: int | None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def service_ports(spec: dict[str, Any]) -> list[ServicePort]:
    """spec.ports, defaulted; malformed entries (no numeric port) are skipped."""
    ports = spec.get("ports")
    if not isinstance(ports, list):
        return []
    result: list[ServicePort] = []
    for index, item in enumerate(ports):
        if not isinstance(item, dict):
            continue
        port = _int(item.get("port"))
        if port is None:
            continue
        name = item.get("name")
        protocol = item.get("protocol") or TCP
        target = item.get("targetPort")
        if target is None or target == 0 or target == "":
            target = port
        # A quoted number ("8080") stays a string, a name, as intstr decodes it upstream.
        result.append(
            ServicePort(
                index=index,
                name=name if isinstance(name, str) else "",
                port=port,
                protocol=protocol if isinstance(protocol, str) else TCP,
                target=target if isinstance(target, (int, str)) else port,
                node_port=_int(item.get("nodePort")) or None,  # 0 means unset
            )
        )
    return result


def _port_containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Containers FindPort searches: regular ones, then sidecars (restartPolicy Always)."""
    found = [c for c in pod_spec.get("containers") or [] if isinstance(c, dict)]
    for container in pod_spec.get("initContainers") or []:
        if isinstance(container, dict) and container.get("restartPolicy") == "Always":
            found.append(container)
    return found


def find_port(pod_spec: dict[str, Any], port: ServicePort) -> int | None:
    """The container port a Service port reaches on this pod, or None (FindPort's error)."""
    if isinstance(port.target, int):
        return port.target
    for container in _port_containers(pod_spec):
        for declared in container.get("ports") or []:
            if not isinstance(declared, dict):
                continue
            protocol = declared.get("protocol") or TCP
            if declared.get("name") == port.target and protocol == port.protocol:
                number = _int(declared.get("containerPort"))
                if number is not None:
                    return number
    return None


def container_port_names(container: dict[str, Any]) -> dict[str, int]:
    """name -> containerPort of one container (probes resolve names per container)."""
    names: dict[str, int] = {}
    for declared in container.get("ports") or []:
        if isinstance(declared, dict):
            name, number = declared.get("name"), _int(declared.get("containerPort"))
            if isinstance(name, str) and name and number is not None:
                names.setdefault(name, number)
    return names
