"""Ingress rules: what an Ingress routes to must exist. The API server checks none of it
(pkg/apis/networking/validation validateIngressBackend checks shapes only); the ingress
controller finds out at run time and serves 503s or its default certificate. The wiring
stage (kplan.plan.wiring.ingress) emits these findings."""

from __future__ import annotations

from kplan.rules import WARNING, declare

FAMILY = "ingress"

INGRESS_SERVICE_MISSING = declare(
    "ingress-service-missing",
    WARNING,
    "An Ingress backend names a Service that does not exist in the Ingress's namespace.",
    FAMILY,
)
INGRESS_PORT_MISSING = declare(
    "ingress-port-missing",
    WARNING,
    "An Ingress backend's port (number or Service port name) is not a port of the Service.",
    FAMILY,
)
INGRESS_TLS_SECRET_MISSING = declare(
    "ingress-tls-secret-missing",
    WARNING,
    "An Ingress TLS entry names a Secret that does not exist: the default certificate is served.",
    FAMILY,
)
INGRESSCLASS_MISSING = declare(
    "ingressclass-missing",
    WARNING,
    "An Ingress names an IngressClass the cluster does not have: no controller serves it.",
    FAMILY,
)
