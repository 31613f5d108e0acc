"""Ingress routes and their checks.

Sources: kubernetes/api networking/v1/types.go (IngressBackend, IngressServiceBackend:
"The service must exist in the same namespace as the Ingress object"; ServiceBackendPort
name is "the name of the port on the Service"), kubernetes/kubernetes
pkg/apis/networking/validation/validation.go validateIngressBackend (shape only: the API
server never checks that the Service or port exists).
"""

from __future__ import annotations

from typing import Any

from tests.plan.wiring.builders import obj, service, wire

NETWORKING = "networking.k8s.io/v1"


def ingress(spec: dict[str, Any], name: str = "web", **metadata: Any):
    return obj(
        {
            "apiVersion": NETWORKING,
            "kind": "Ingress",
            "metadata": {"name": name, "namespace": "shop", **metadata},
            "spec": spec,
        }
    )


def backend(name: str, port: dict[str, Any]) -> dict[str, Any]:
    return {"service": {"name": name, "port": port}}


def rule(host: str | None, path: str, back: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "http": {"paths": [{"path": path, "pathType": "Prefix", "backend": back}]}
    }
    if host:
        item["host"] = host
    return item


WEB = service(
    "web",
    {"app": "web"},
    [{"name": "http", "port": 80, "targetPort": 8080}],
    namespace="shop",
    planned=False,
)


def test_routes_resolve_port_names_to_service_port_numbers():
    """A port name is a Service port's name, not a container port's."""
    ing = ingress(
        {
            "rules": [rule("a.example", "/", backend("web", {"name": "http"}))],
            "defaultBackend": backend("web", {"number": 80}),
        }
    )
    wiring, findings = wire([WEB, ing], [])
    assert wiring["ingresses"] == [
        {
            "ingress": "shop/web",
            "rules": [
                {"host": "a.example", "path": "/", "service": "shop/web", "port": 80},
                {"host": None, "path": None, "default": True, "service": "shop/web", "port": 80},
            ],
        }
    ]
    assert not [f for f in findings if f.rule.startswith("ingress")]


def test_missing_service_missing_port_and_other_namespace():
    other = service("api", {"app": "api"}, [{"port": 80}], namespace="elsewhere")
    ing = ingress(
        {
            "rules": [
                rule(None, "/a", backend("web", {"name": "https"})),
                rule(None, "/b", backend("web", {"number": 8080})),
                rule(None, "/c", backend("api", {"number": 80})),
            ]
        }
    )
    _, findings = wire([WEB, other, ing], [])
    got = [(f.rule, f.path) for f in findings if f.rule.startswith("ingress")]
    assert got == [
        ("ingress-port-missing", "/spec/rules/0/http/paths/0/backend/service/port"),
        ("ingress-port-missing", "/spec/rules/1/http/paths/0/backend/service/port"),
        ("ingress-service-missing", "/spec/rules/2/http/paths/0/backend/service/name"),
    ]
    port = next(f for f in findings if f.rule == "ingress-port-missing")
    assert port.message == "backend port 'https' is not a port of Service/shop/web (ports: http=80)"


def test_missing_service_not_said_when_services_are_not_recorded():
    ing = ingress({"rules": [rule(None, "/", backend("gone", {"number": 80}))]})
    _, findings = wire([ing], [], recorded_kinds={("", "Pod")})
    assert not findings


def test_tls_secret_missing_unless_cert_manager_issues_it():
    spec = {
        "tls": [{"hosts": ["a.example"], "secretName": "web-tls"}],
        "rules": [rule("a.example", "/", backend("web", {"number": 80}))],
    }
    _, findings = wire([WEB, ingress(spec)], [])
    assert [f.rule for f in findings] == ["ingress-tls-secret-missing"]
    annotated = ingress(spec, annotations={"cert-manager.io/cluster-issuer": "letsencrypt"})
    _, findings = wire([WEB, annotated], [])
    assert findings == []
    certificate = obj(
        {
            "apiVersion": "cert-manager.io/v1",
            "kind": "Certificate",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"secretName": "web-tls"},
        }
    )
    _, findings = wire([WEB, ingress(spec), certificate], [])
    assert findings == []


def test_ingress_class_checked_only_when_the_snapshot_records_ingress_classes():
    spec = {"ingressClassName": "nginx", "rules": [rule(None, "/", backend("web", {"number": 80}))]}
    _, findings = wire([WEB, ingress(spec)], [])
    assert findings == []
    recorded = {("", "Service"), ("networking.k8s.io", "IngressClass")}
    _, findings = wire([WEB, ingress(spec)], [], recorded_kinds=recorded)
    assert [f.rule for f in findings] == ["ingressclass-missing"]
    nginx = obj(
        {
            "apiVersion": NETWORKING,
            "kind": "IngressClass",
            "metadata": {"name": "nginx"},
            "spec": {"controller": "k8s.io/ingress-nginx"},
        },
        planned=False,
    )
    _, findings = wire([WEB, ingress(spec), nginx], [], recorded_kinds=recorded)
    assert findings == []
