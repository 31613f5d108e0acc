"""The wiring stage: how Services, pods and Ingresses connect once the plan is applied.

Input is the final state (recorded objects the input leaves alone, plus the desired ones)
and the pods that would exist (planned ones from workload expansion, recorded ones from
the snapshot). Output is the contract's `wiring` section (CONTRACT.md) and findings:

- services: every planned Service, and every recorded one whose endpoints include a planned
  pod, with its type, ClusterIP (`clusterIP_planned` when kplan allocated it) and endpoints;
- env: the service variables kubelet gives each planned pod;
- ingresses: every planned Ingress's routes to Service ports.

Findings come from the modules that resolve things (ports, addresses, references, Ingress
backends) and from the rule checks of kplan.rules; `kplan.io/ignore` annotations and the
project config (kplan.rules.config) then filter them. Everything is sorted: the same input
gives the same output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kplan.plan.model import Finding
from kplan.plan.pod_model import PodView
from kplan.plan.wiring.cluster_ip import (
    DEFAULT_SERVICE_CIDR,
    KUBERNETES_SERVICE,
    ServiceIP,
    first_address,
    implicit_kubernetes_body,
    parse_cidr,
    plan_cluster_ips,
)
from kplan.plan.wiring.endpoints import service_endpoints, service_type, unresolved_findings
from kplan.plan.wiring.envvars import ServiceLink, pod_env, service_env_map
from kplan.plan.wiring.index import GroupKind, WiringIndex
from kplan.plan.wiring.ingress import plan_ingress
from kplan.plan.wiring.node_ports import check_node_ports
from kplan.plan.wiring.objects import WiredObject, final_state, wired
from kplan.plan.wiring.ports import service_ports
from kplan.plan.wiring.references import check_references, produced_secrets
from kplan.plan.wiring.templates import pod_template
from kplan.rules import run_checks
from kplan.rules.config import RulesConfig, annotation_ignores, apply_config

__all__ = [
    "DEFAULT_SERVICE_CIDR",
    "DEFAULT_NODE_PORT_RANGE",
    "WiredObject",
    "WiringIndex",
    "final_state",
    "plan_wiring",
    "wired",
]

DEFAULT_NODE_PORT_RANGE = (30000, 32767)
INGRESS_GROUPS = ("networking.k8s.io", "extensions")


def plan_wiring(
    objects: list[WiredObject],
    pods: list[PodView],
    *,
    service_cidr: str = DEFAULT_SERVICE_CIDR,
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE,
    recorded_kinds: Iterable[GroupKind] | None = None,
    recorded_namespaces: Iterable[str] | None = None,
    config: RulesConfig | None = None,
) -> tuple[dict[str, Any], list[Finding]]:
    """The wiring section and its findings.

    `recorded_kinds` / `recorded_namespaces` say what the snapshot covered (None: no
    snapshot, an empty cluster where everything absent is known to be absent); a reference
    to a kind the snapshot did not record is never called missing.
    """
    index = WiringIndex(
        objects,
        pods,
        recorded_kinds=None if recorded_kinds is None else frozenset(recorded_kinds),
        recorded_namespaces=None if recorded_namespaces is None else frozenset(recorded_namespaces),
    )
    services = index.of_kind("Service", "")
    ips, findings = plan_cluster_ips(services, service_cidr)
    findings.extend(check_node_ports(services, node_port_range))
    planned_pods = {pod.ref for pod in index.pods if pod.planned}
    entries = []
    for service in services:
        result = service_endpoints(service, index)
        findings.extend(unresolved_findings(result))
        if service.planned or any(e["pod"] in planned_pods for e in result.endpoints):
            entries.append(_service_entry(service, ips[service.ref], result.endpoints))
    env = _plan_env(index, services, ips, service_cidr)
    ingresses = []
    for ingress in index.of_kind("Ingress"):
        if ingress.group not in INGRESS_GROUPS or not ingress.planned:
            continue
        entry, ingress_findings = plan_ingress(ingress, index)
        ingresses.append(entry)
        findings.extend(ingress_findings)
    findings.extend(_references(index))
    findings.extend(run_checks(index))
    ignores = {
        obj.ref: annotation_ignores(obj.annotations)
        for obj in index.objects
        if "kplan.io/ignore" in obj.annotations
    }
    findings = apply_config(findings, config, ignores)
    findings.sort(key=lambda f: (f.object, f.rule, f.path, f.message))
    wiring = {
        "services": sorted(entries, key=lambda e: e["service"]),
        "env": dict(sorted(env.items())),
        "ingresses": sorted(ingresses, key=lambda e: e["ingress"]),
    }
    return wiring, findings


def _service_entry(
    service: WiredObject, ip: ServiceIP, endpoints: list[dict[str, Any]]
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "service": f"{service.namespace}/{service.name}",
        "type": service_type(service.spec),
        "clusterIP": ip.address,
    }
    if ip.planned:
        entry["clusterIP_planned"] = True
    entry["endpoints"] = endpoints
    return entry


def _plan_env(
    index: WiringIndex, services: list[WiredObject], ips: dict[str, ServiceIP], service_cidr: str
) -> dict[str, dict[str, str]]:
    """kubelet's service variables for every planned pod."""
    links: list[ServiceLink] = []
    for service in services:
        address = ips[service.ref].address
        if address:
            links.append((service.namespace, service.name, address, service_ports(service.spec)))
    if not any(s.ref == KUBERNETES_SERVICE for s in services):
        body = implicit_kubernetes_body(first_address(parse_cidr(service_cidr)))
        links.append(
            ("default", "kubernetes", body["spec"]["clusterIP"], service_ports(body["spec"]))
        )
    by_namespace: dict[str, list[ServiceLink]] = {}
    masters = [link for link in links if link[0] == "default" and link[1] == "kubernetes"]
    for link in links:
        by_namespace.setdefault(link[0], []).append(link)
    cache: dict[tuple[str, bool], dict[str, str]] = {}
    keys_cache: dict[str, dict[tuple[str, str], list[str]]] = {}
    env: dict[str, dict[str, str]] = {}
    for pod in index.pods:
        if not pod.planned:
            continue
        enabled = pod.spec.get("enableServiceLinks") is not False
        key = (pod.namespace, enabled)
        if key not in cache:
            candidates = by_namespace.get(pod.namespace, []) + masters if enabled else masters
            cache[key] = service_env_map(pod.namespace, enabled, candidates)
        keys = keys_cache.get(pod.namespace)
        if keys is None:
            keys = keys_cache[pod.namespace] = _envfrom_keys(index, pod.namespace)
        env[pod.ref] = pod_env(pod.spec, cache[key], keys)
    return env


def _envfrom_keys(index: WiringIndex, namespace: str) -> dict[tuple[str, str], list[str]]:
    """(kind, name) -> keys of the namespace's ConfigMaps and Secrets."""
    keys: dict[tuple[str, str], list[str]] = {}
    for obj in index.in_namespace(namespace):
        if obj.group != "" or obj.kind not in ("ConfigMap", "Secret"):
            continue
        fields = ("data", "binaryData") if obj.kind == "ConfigMap" else ("data", "stringData")
        names: list[str] = []
        for field in fields:
            value = obj.body.get(field)
            if isinstance(value, dict):
                names.extend(str(k) for k in value)
        keys[(obj.kind, obj.name)] = names
    return keys


def _references(index: WiringIndex) -> list[Finding]:
    findings: list[Finding] = []
    produced: dict[str, set[str]] = {}
    for obj in index.objects:
        if not obj.planned or obj.kind == "PodTemplate":
            continue
        template = pod_template(obj)
        if template is None:
            continue
        if obj.namespace not in produced:
            produced[obj.namespace] = produced_secrets(index, obj.namespace)
        findings.extend(check_references(template, index, produced[obj.namespace]))
    return findings
