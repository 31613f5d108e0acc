"""Service rules: selection, ports, ClusterIPs, NodePorts, StatefulSet governing Services.

The wiring stage (kplan.plan.wiring) emits the port and address rules while it resolves
them; the checks below judge Services and StatefulSets against the final state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from kplan.plan.model import Finding
from kplan.rules import ERROR, INFO, WARNING, Rule, check, declare

if TYPE_CHECKING:
    from kplan.plan.wiring.index import WiringIndex
    from kplan.plan.wiring.objects import WiredObject

FAMILY = "services"

SERVICE_SELECTS_NOTHING = declare(
    "service-selects-nothing",
    WARNING,
    "A Service's selector matches no pod in its namespace: it has no endpoints.",
    FAMILY,
)
TARGET_PORT_UNRESOLVED = declare(
    "target-port-unresolved",
    WARNING,
    "A named targetPort matches no container port (name and protocol) of selected pods.",
    FAMILY,
)
NODEPORT_CONFLICT = declare(
    "nodeport-conflict",
    ERROR,
    "A requested nodePort is already allocated (cluster-wide, any namespace or protocol).",
    FAMILY,
)
NODEPORT_OUT_OF_RANGE = declare(
    "nodeport-out-of-range",
    ERROR,
    "A requested nodePort lies outside the service node port range (30000-32767).",
    FAMILY,
)
NODEPORT_ON_CLUSTERIP = declare(
    "nodeport-on-clusterip",
    ERROR,
    "A nodePort on a Service of type ClusterIP: the API server refuses it.",
    FAMILY,
)
DUPLICATE_SERVICE_PORT = declare(
    "duplicate-service-port",
    ERROR,
    "Two ports of one Service share port and protocol.",
    FAMILY,
)
CLUSTERIP_CONFLICT = declare(
    "clusterip-conflict",
    ERROR,
    "A requested clusterIP is already allocated to another Service.",
    FAMILY,
)
CLUSTERIP_OUT_OF_RANGE = declare(
    "clusterip-out-of-range",
    ERROR,
    "A requested clusterIP lies outside the cluster's service CIDR.",
    FAMILY,
)
SERVICE_CIDR_MISMATCH = declare(
    "service-cidr-mismatch",
    INFO,
    "Recorded ClusterIPs lie outside --service-cidr: planned addresses are not the cluster's.",
    FAMILY,
)
STATEFULSET_SERVICE_MISSING = declare(
    "statefulset-service-missing",
    WARNING,
    "A StatefulSet's serviceName names no Service: its pods get no DNS names.",
    FAMILY,
)
STATEFULSET_SERVICE_NOT_HEADLESS = declare(
    "statefulset-service-not-headless",
    WARNING,
    "A StatefulSet's governing Service is not headless: no per-pod DNS records.",
    FAMILY,
)


def _equality_matcher(selector: dict[str, str]) -> Callable[[Mapping[str, str]], bool]:
    """labels.SelectorFromSet: every pair must be present with that value."""
    return lambda labels: all(labels.get(k) == v for k, v in selector.items())


def _shown(refs: list[str]) -> str:
    return refs[0] if len(refs) == 1 else f"{refs[0]} and {len(refs) - 1} more"


def selects_nothing(
    rule: Rule, obj: WiredObject, message: str, path: str, index: WiringIndex
) -> Finding:
    """A "selects nothing" finding, softened to info when a workload of the final state may
    create pods in the namespace at run time (an operator's pods match no manifest)."""
    makers = index.pod_makers(obj.namespace)
    if makers:
        message += (
            f"; {_shown(makers)} may create pods there at run time (RBAC allows it), so "
            "this may change once they run"
        )
    return rule.finding(
        obj.ref,
        message,
        location=obj.where(path),
        path=path,
        severity=INFO if makers else None,
    )


@check
def service_selects_nothing(index: WiringIndex) -> Iterator[Finding]:
    """Planned Services with a selector that no pod matches (Kubernetes selects by equality
    on every pair, in the Service's namespace only)."""
    from kplan.plan.wiring.endpoints import EXTERNAL_NAME, service_selector, service_type

    for service in index.of_kind("Service", ""):
        if not service.planned or service_type(service.spec) == EXTERNAL_NAME:
            continue
        selector = service_selector(service.spec)
        if selector is None or index.pods_for_map(service.namespace, selector):
            continue
        note = index.empty_selection_note(service.namespace, _equality_matcher(selector))
        if note is None:
            continue
        shown = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
        yield selects_nothing(
            SERVICE_SELECTS_NOTHING,
            service,
            f"selector {shown} matches no pod in namespace {service.namespace}{note}: "
            "the Service has no endpoints",
            "/spec/selector",
            index,
        )


@check
def statefulset_service(index: WiringIndex) -> Iterator[Finding]:
    """spec.serviceName must name a headless Service in the StatefulSet's namespace for the
    pods' stable DNS names (<pod>.<service>): the StatefulSet API doc, and DNS for Services
    and Pods ("A/AAAA records" are only created for headless Services' pods)."""
    from kplan.plan.wiring.cluster_ip import NONE, requested_ip

    for statefulset in index.of_kind("StatefulSet"):
        if not statefulset.planned:
            continue
        name = statefulset.spec.get("serviceName")
        if not isinstance(name, str) or not name:
            continue
        service = index.find("Service", statefulset.namespace, name, "")
        path = "/spec/serviceName"
        if service is None:
            if index.knows_absence("", "Service", statefulset.namespace):
                yield STATEFULSET_SERVICE_MISSING.finding(
                    statefulset.ref,
                    f"serviceName {name!r}: no Service {statefulset.namespace}/{name} exists or "
                    "is created by the input",
                    location=statefulset.where(path),
                    path=path,
                )
            continue
        if requested_ip(service) != NONE:
            yield STATEFULSET_SERVICE_NOT_HEADLESS.finding(
                statefulset.ref,
                f"serviceName {name!r}: {service.ref} is not headless (clusterIP: None), so "
                "the pods get no per-pod DNS records",
                location=statefulset.where(path),
                path=path,
            )
