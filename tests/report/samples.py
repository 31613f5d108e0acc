"""Hand-built validation reports with the messages and positions the real stages produce."""

from __future__ import annotations

from typing import Any

from kplan.diagnostics import WARNING, FieldProblem, SourceProblem
from kplan.resource import Origin, Resource
from kplan.results import INVALID, SKIPPED, VALID, ResourceReport, ValidationReport


def resource(
    kind: str,
    name: str | None,
    *,
    api_version: str = "v1",
    namespace: str | None = None,
    origin: Origin,
) -> Resource:
    metadata: dict[str, Any] = {}
    if name is not None:
        metadata["name"] = name
    if namespace is not None:
        metadata["namespace"] = namespace
    return Resource({"apiVersion": api_version, "kind": kind, "metadata": metadata}, origin)


def entry(
    res: Resource,
    namespace: str,
    status: str = VALID,
    errors: list[FieldProblem] | None = None,
    warnings: list[FieldProblem] | None = None,
) -> ResourceReport:
    return ResourceReport(res, namespace, status, errors or [], warnings or [])


WEB_ERRORS = [
    FieldProblem("/spec/replicas", "expected integer, got string", line=9, column=13),
    FieldProblem(
        "/spec/template/spec/containers/0/imagePullPolicy",
        'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        line=21,
        column=28,
    ),
]
UNKNOWN_FIELD = FieldProblem(
    "/spec/template/spec/containers/0/bogus",
    'unknown field "spec.template.spec.containers[0].bogus"',
    line=24,
    column=11,
)
DEPRECATED = FieldProblem(
    "/apiVersion",
    "batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJob",
    WARNING,
    line=1,
    column=13,
)
REMOVED = FieldProblem(
    "/apiVersion",
    "extensions/v1beta1 Ingress is no longer served: removed in Kubernetes v1.22; "
    "use networking.k8s.io/v1 Ingress",
    line=14,
    column=13,
)
UNKNOWN_KIND = FieldProblem(
    "/kind",
    "no schema for Certificate in cert-manager.io/v1: not a built-in kind of Kubernetes 1.30, "
    "and no CustomResourceDefinition for it was given (pass it with --crd or in the input); "
    "skipped",
    WARNING,
    line=2,
    column=7,
)
# Quotes, a newline, a percent sign, a comma, a colon and non-ASCII text in one message.
TRICKY = FieldProblem(
    "/metadata/labels/tier",
    'Invalid value: "50%,\\"a\\"\nzwei: grüße ✓": a valid label must be 63 characters or less',
    line=17,
    column=11,
)
NO_NAME = FieldProblem(
    "/metadata/name", "Required value: name or generateName is required", line=8, column=3
)
SYNTAX = SourceProblem(
    "manifests with space/bad file.yaml",
    4,
    5,
    "YAML syntax error: mapping values are not allowed here",
)
NOT_MAPPING = SourceProblem("<stdin>", 12, 1, "a Kubernetes object must be a mapping, found string")


def sample_report() -> ValidationReport:
    """Five files: invalid and valid objects, a deprecated and a removed API, a cluster-scoped
    object, one without a name, a skipped custom resource from stdin in a List, a Helm template,
    and two documents that never became objects."""
    web = resource(
        "Deployment",
        "web",
        api_version="apps/v1",
        namespace="shop",
        origin=Origin("deploy/web.yaml", 0, 1),
    )
    service = resource(
        "Service",
        "web",
        namespace="shop",
        origin=Origin("deploy/web.yaml", 1, 27, helm_source="shop/templates/service.yaml"),
    )
    cronjob = resource(
        "CronJob",
        "nightly",
        api_version="batch/v1beta1",
        origin=Origin("deploy/legacy.yaml", 0, 1),
    )
    ingress = resource(
        "Ingress",
        "web",
        api_version="extensions/v1beta1",
        origin=Origin("deploy/legacy.yaml", 1, 14),
    )
    namespace = resource("Namespace", "shop", origin=Origin("cluster.yaml", 0, 1))
    role = resource(
        "ClusterRole",
        None,
        api_version="rbac.authorization.k8s.io/v1",
        origin=Origin("cluster.yaml", 1, 6),
    )
    pod = resource("Pod", "tricky", origin=Origin("cluster.yaml", 2, 12))
    certificate = resource(
        "Certificate",
        "web-tls",
        api_version="cert-manager.io/v1",
        namespace="shop",
        origin=Origin("<stdin>", 0, 2, column=5, item=0),
    )
    config = resource(
        "ConfigMap",
        "settings",
        origin=Origin("<stdin>", 0, 8, column=5, item=1),
    )
    return ValidationReport(
        kubernetes_version="1.30",
        resources=[
            entry(web, "shop", INVALID, [WEB_ERRORS[0], WEB_ERRORS[1], UNKNOWN_FIELD]),
            entry(service, "shop"),
            entry(cronjob, "default", VALID, warnings=[DEPRECATED]),
            entry(ingress, "default", INVALID, [REMOVED]),
            entry(namespace, ""),
            entry(role, "", INVALID, [NO_NAME]),
            entry(pod, "default", INVALID, [TRICKY]),
            entry(certificate, "shop", SKIPPED, warnings=[UNKNOWN_KIND]),
            entry(config, "default"),
        ],
        errors=[SYNTAX, NOT_MAPPING],
    )
