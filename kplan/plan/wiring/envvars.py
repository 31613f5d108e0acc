"""Service environment variables, exactly as kubelet injects them.

Names and values: pkg/kubelet/envvars/envvars.go FromServices / makeLinkVariables (table
test envvars_test.go TestFromServices). Which Services: pkg/kubelet/kubelet_pods.go
getServiceEnvVarMap. Precedence: makeEnvironmentVariables (a variable the container
defines itself, through env or envFrom, replaces the service variable).

- Only Services with a ClusterIP count (IsServiceIPSet: not "", not "None").
- The `kubernetes` Service of `default` is always added, even with enableServiceLinks
  false, unless a Service of that name was added already; with links on, every Service of
  the pod's namespace is added and overwrites (a `kubernetes` Service in the pod's namespace
  wins over default/kubernetes). Other namespaces never count.
- kubelet fills the map from a Go map, so two Services producing one variable name give an
  undefined winner; kplan walks Services by name, the last one winning, to stay reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kplan.plan.wiring.ports import ServicePort

MASTER_NAMESPACE = "default"
MASTER_SERVICES = ("kubernetes",)


def env_name(name: str) -> str:
    """makeEnvVariableName: upper case, `-` -> `_` (Service names are DNS-1035 labels)."""
    return name.replace("-", "_").upper()


def _host_port(ip: str, port: int) -> str:
    """net.JoinHostPort: IPv6 addresses are bracketed inside the URL values."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def from_service(name: str, cluster_ip: str, ports: list[ServicePort]) -> list[tuple[str, str]]:
    """FromServices for one Service, in kubelet's order."""
    if not ports:
        return []  # kubelet indexes Ports[0]; a Service with an IP always has a port
    prefix = env_name(name)
    result = [(f"{prefix}_SERVICE_HOST", cluster_ip)]
    service_port = f"{prefix}_SERVICE_PORT"
    result.append((service_port, str(ports[0].port)))
    for port in ports:
        if port.name:
            result.append((f"{service_port}_{env_name(port.name)}", str(port.port)))
    for index, port in enumerate(ports):
        protocol = port.protocol or "TCP"
        url = f"{protocol.lower()}://{_host_port(cluster_ip, port.port)}"
        if index == 0:
            result.append((f"{prefix}_PORT", url))
        base = f"{prefix}_PORT_{port.port}_{protocol.upper()}"
        result.extend(
            [
                (base, url),
                (f"{base}_PROTO", protocol.lower()),
                (f"{base}_PORT", str(port.port)),
                (f"{base}_ADDR", cluster_ip),
            ]
        )
    return result


def is_ip_set(cluster_ip: str | None) -> bool:
    """IsServiceIPSet."""
    return bool(cluster_ip) and cluster_ip != "None"


ServiceLink = tuple[str, str, str, list[ServicePort]]  # (namespace, name, clusterIP, ports)


def service_env_map(
    namespace: str, enable_service_links: bool, services: Iterable[ServiceLink]
) -> dict[str, str]:
    """getServiceEnvVarMap: the service variables of a pod in `namespace`."""
    chosen: dict[str, ServiceLink] = {}
    for link in sorted(services, key=lambda s: (s[0] != MASTER_NAMESPACE, s[0], s[1])):
        service_namespace, name, cluster_ip, _ports = link
        if not is_ip_set(cluster_ip):
            continue
        if service_namespace == MASTER_NAMESPACE and name in MASTER_SERVICES:
            chosen.setdefault(name, link)
        elif service_namespace == namespace and enable_service_links:
            chosen[name] = link
    env: dict[str, str] = {}
    for name in sorted(chosen):
        _namespace, _name, cluster_ip, ports = chosen[name]
        env.update(from_service(name, cluster_ip, ports))
    return env


def container_defined(
    container: Mapping[str, Any], envfrom_keys: Mapping[tuple[str, str], Iterable[str]]
) -> set[str]:
    """Names a container defines itself: env[].name, and envFrom keys (prefixed) of the
    ConfigMaps and Secrets the input or snapshot holds (`envfrom_keys` maps (kind, name) to
    keys)."""
    names = {
        item["name"]
        for item in container.get("env") or []
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    }
    for source in container.get("envFrom") or []:
        if not isinstance(source, dict):
            continue
        prefix = source.get("prefix") or ""
        for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            ref = source.get(field)
            if isinstance(ref, dict) and isinstance(ref.get("name"), str):
                names.update(f"{prefix}{key}" for key in envfrom_keys.get((kind, ref["name"]), ()))
    return names


def pod_env(
    pod_spec: Mapping[str, Any],
    service_env: Mapping[str, str],
    envfrom_keys: Mapping[tuple[str, str], Iterable[str]],
) -> dict[str, str]:
    """The service variables the pod's containers see: those of `service_env` that not every
    container replaces with its own definition. Init containers get the same variables."""
    containers = [
        c
        for key in ("initContainers", "containers")
        for c in pod_spec.get(key) or []
        if isinstance(c, dict)
    ]
    if not containers:
        return dict(sorted(service_env.items()))
    shadowed = set.intersection(*(container_defined(c, envfrom_keys) for c in containers))
    return {name: value for name, value in sorted(service_env.items()) if name not in shadowed}
