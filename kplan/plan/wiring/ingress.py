"""Ingress -> Service -> port, and the checks the API server leaves to the controller.

networking.k8s.io/v1 (kubernetes/api networking/v1/types.go): a backend is `service`
(`name`, and `port` with `number` or `name`, the name of a *Service* port) or `resource`;
"The service must exist in the same namespace as the Ingress object". `defaultBackend`
takes traffic no rule matches. The removed v1beta1 shape (`serviceName`, `servicePort`) is
read too, for recorded objects. IngressClass names are checked only when the snapshot
records IngressClasses; TLS Secrets only when it records Secrets (or with no snapshot), and
not when cert-manager issues them (a `cert-manager.io/*issuer` annotation, or a Certificate
whose secretName matches).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kplan.plan.model import Finding
from kplan.plan.wiring.index import WiringIndex
from kplan.plan.wiring.objects import WiredObject
from kplan.plan.wiring.ports import service_ports
from kplan.plan.wiring.references import produced_secrets
from kplan.rules.ingress import (
    INGRESS_PORT_MISSING,
    INGRESS_SERVICE_MISSING,
    INGRESS_TLS_SECRET_MISSING,
    INGRESSCLASS_MISSING,
)

CERT_MANAGER_ANNOTATIONS = (
    "cert-manager.io/issuer",
    "cert-manager.io/cluster-issuer",
    "certmanager.k8s.io/issuer",
    "certmanager.k8s.io/cluster-issuer",
    "kubernetes.io/tls-acme",
)


@dataclass(frozen=True)
class Backend:
    """One backend with where it is written; `port` is an int, a Service port name, or
    None; `resource` is set instead of `service` for resource backends."""

    path: str
    service: str | None
    port: int | str | None
    resource: str | None = None


def _backend(value: Any, path: str, namespace: str) -> Backend | None:
    if not isinstance(value, dict):
        return None
    service = value.get("service")
    if isinstance(service, dict):
        port = service.get("port")
        number = name = None
        if isinstance(port, dict):
            number, name = port.get("number"), port.get("name")
        chosen = number if isinstance(number, int) else name if isinstance(name, str) else None
        return Backend(path, service.get("name"), chosen)
    if "serviceName" in value:  # extensions/v1beta1, networking.k8s.io/v1beta1
        port = value.get("servicePort")
        return Backend(
            path, value.get("serviceName"), port if isinstance(port, (int, str)) else None
        )
    resource = value.get("resource")
    if isinstance(resource, dict):
        return Backend(
            path, None, None, f"{resource.get('kind')}/{namespace}/{resource.get('name')}"
        )
    return None


def routes(ingress: WiredObject) -> Iterator[tuple[str | None, str | None, Backend]]:
    """(host, path, backend) for every rule path, then the default backend (host and path
    None)."""
    spec = ingress.spec
    for rule_index, rule in enumerate(spec.get("rules") or []):
        if not isinstance(rule, dict):
            continue
        host = rule.get("host") if isinstance(rule.get("host"), str) else None
        http = rule.get("http")
        paths = http.get("paths") if isinstance(http, dict) else None
        for path_index, item in enumerate(paths or []):
            if not isinstance(item, dict):
                continue
            pointer = f"/spec/rules/{rule_index}/http/paths/{path_index}/backend"
            backend = _backend(item.get("backend"), pointer, ingress.namespace)
            if backend is not None:
                path = item.get("path") if isinstance(item.get("path"), str) else None
                yield host, path, backend
    for field in ("defaultBackend", "backend"):
        backend = _backend(spec.get(field), f"/spec/{field}", ingress.namespace)
        if backend is not None:
            yield None, None, backend


def _resolve_port(service: WiredObject, port: int | str | None) -> int | None:
    """The Service port number a backend reaches (a name is a Service port's name)."""
    for service_port in service_ports(service.spec):
        if isinstance(port, int) and service_port.port == port:
            return service_port.port
        if isinstance(port, str) and service_port.name == port:
            return service_port.port
    return None


def plan_ingress(ingress: WiredObject, index: WiringIndex) -> tuple[dict[str, Any], list[Finding]]:
    """The ingress entry of the wiring section, and its findings (planned Ingresses only)."""
    findings: list[Finding] = []
    rules: list[dict[str, Any]] = []
    namespace = ingress.namespace
    for host, path, backend in routes(ingress):
        entry: dict[str, Any] = {"host": host, "path": path}
        if not backend.path.startswith("/spec/rules/"):
            entry["default"] = True
        if backend.resource is not None:
            entry["resource"] = backend.resource
            rules.append(entry)
            continue
        name = backend.service
        entry["service"] = f"{namespace}/{name}"
        service = index.find("Service", namespace, name, "") if isinstance(name, str) else None
        number = _resolve_port(service, backend.port) if service is not None else None
        entry["port"] = number if number is not None else backend.port
        rules.append(entry)
        if not ingress.planned:
            continue
        if service is None:
            if isinstance(name, str) and index.knows_absence("", "Service", namespace):
                findings.append(
                    INGRESS_SERVICE_MISSING.finding(
                        ingress.ref,
                        f"backend Service {namespace}/{name} does not exist and is not created "
                        "by the input",
                        location=ingress.where(f"{backend.path}/service/name"),
                        path=f"{backend.path}/service/name",
                    )
                )
        elif number is None and backend.port is not None:
            have = ", ".join(
                f"{p.name}={p.port}" if p.name else str(p.port) for p in service_ports(service.spec)
            )
            findings.append(
                INGRESS_PORT_MISSING.finding(
                    ingress.ref,
                    f"backend port {backend.port!r} is not a port of {service.ref} "
                    f"(ports: {have or 'none'})",
                    location=ingress.where(f"{backend.path}/service/port"),
                    path=f"{backend.path}/service/port",
                )
            )
    if ingress.planned:
        findings.extend(_tls(ingress, index))
        findings.extend(_ingress_class(ingress, index))
    return {"ingress": f"{namespace}/{ingress.name}", "rules": rules}, findings


def _tls(ingress: WiredObject, index: WiringIndex) -> Iterator[Finding]:
    annotations = ingress.annotations
    if any(key in annotations for key in CERT_MANAGER_ANNOTATIONS):
        return
    namespace = ingress.namespace
    issued = produced_secrets(index, namespace)
    for position, entry in enumerate(ingress.spec.get("tls") or []):
        if not isinstance(entry, dict):
            continue
        name = entry.get("secretName")
        if not isinstance(name, str) or not name or name in issued:
            continue
        if index.exists("", "Secret", namespace, name) is False:
            path = f"/spec/tls/{position}/secretName"
            yield INGRESS_TLS_SECRET_MISSING.finding(
                ingress.ref,
                f"TLS Secret {namespace}/{name} does not exist and is not created by the input",
                location=ingress.where(path),
                path=path,
            )


def _ingress_class(ingress: WiredObject, index: WiringIndex) -> Iterator[Finding]:
    name = ingress.spec.get("ingressClassName")
    if not isinstance(name, str) or not name:
        return
    group = "networking.k8s.io"
    recorded = index.recorded_kinds
    if recorded is None or (group, "IngressClass") not in recorded:
        return  # only a snapshot that lists IngressClasses can tell one is missing
    if index.find("IngressClass", "", name, group) is None:
        yield INGRESSCLASS_MISSING.finding(
            ingress.ref,
            f"IngressClass {name!r} does not exist in the cluster nor in the input",
            location=ingress.where("/spec/ingressClassName"),
            path="/spec/ingressClassName",
        )
