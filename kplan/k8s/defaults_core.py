"""Defaults of the core (v1) kinds other than the pod spec itself.

Upstream: kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Pod,
SetDefaults_Service, SetDefaults_ReplicationController, SetDefaults_PersistentVolume(Claim),
SetDefaults_Secret, SetDefaults_Namespace, SetDefaults_NamespaceStatus, SetDefaults_Endpoints,
SetDefaults_LimitRangeItem) and, for bare Pods and Namespaces, the deterministic admission
and registry steps: plugin/pkg/admission/serviceaccount (serviceAccountName "default"),
plugin/pkg/admission/defaulttolerationseconds, plugin/pkg/admission/priority and
pkg/registry/core/namespace/strategy.go PrepareForCreate.
"""

from __future__ import annotations

from typing import Any

from kplan.k8s.defaults_base import (
    Version,
    as_dict,
    child,
    dicts,
    ensure_child,
    non_empty,
    set_if_empty_string,
    set_if_nil,
)
from kplan.k8s.defaults_pod import (
    default_claim_spec,
    default_persistent_volume_source,
    default_pod_spec,
    default_pod_template,
)

# plugin/pkg/admission/priority: the built-in classes' values (scheduling.SystemCriticalPriority).
SYSTEM_PRIORITIES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
# defaulttolerationseconds: --default-not-ready-toleration-seconds and
# --default-unreachable-toleration-seconds both default to 300.
DEFAULT_TOLERATION_SECONDS = 300
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"


def default_pod(pod: dict[str, Any], version: Version) -> None:
    spec = child(pod, "spec")
    if spec is None:
        return
    _requests_from_limits(spec)
    set_if_nil(spec, "enableServiceLinks", True)
    default_pod_spec(spec, version, bare_pod=True)
    _pod_admission(spec)


def _requests_from_limits(spec: dict[str, Any]) -> None:
    """SetDefaults_Pod: a limit without a request sets the request (containers and init
    containers; values are copied as written, canonical form is another module's job)."""
    for key in ("containers", "initContainers"):
        for container in dicts(spec.get(key)):
            resources = child(container, "resources")
            limits = child(resources, "limits") if resources is not None else None
            if resources is None or limits is None:
                continue
            requests = ensure_child(resources, "requests")
            if requests is None:
                continue
            for name in sorted(limits):
                requests.setdefault(name, limits[name])


def _pod_admission(spec: dict[str, Any]) -> None:
    """What admission adds to every Pod deterministically. Not the kube-api-access-<random>
    token volume and mounts (random name), nor LimitRange or PodPreset results."""
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = "default"
        spec["serviceAccount"] = "default"
    _default_tolerations(spec)
    _priority(spec)


def _default_tolerations(spec: dict[str, Any]) -> None:
    tolerations = spec.get("tolerations")
    if tolerations is None:
        tolerations = []
    if not isinstance(tolerations, list):
        return
    present = list(dicts(tolerations))
    added = [
        {
            "effect": "NoExecute",
            "key": key,
            "operator": "Exists",
            "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
        }
        for key in (NOT_READY, UNREACHABLE)
        if not any(_tolerates(toleration, key) for toleration in present)
    ]
    if added:
        spec["tolerations"] = tolerations + added


def _tolerates(toleration: dict[str, Any], key: str) -> bool:
    """The plugin's test: same key or no key, and effect NoExecute or none."""
    return toleration.get("key") in (key, "", None) and toleration.get("effect") in (
        "NoExecute",
        "",
        None,
    )


def _priority(spec: dict[str, Any]) -> None:
    """No priorityClassName: priority 0 and PreemptLowerPriority, assuming the cluster has no
    globalDefault PriorityClass. A system class has a known value; other classes are left."""
    name = spec.get("priorityClassName")
    if name in (None, ""):
        set_if_nil(spec, "priority", 0)
        set_if_nil(spec, "preemptionPolicy", "PreemptLowerPriority")
    elif name in SYSTEM_PRIORITIES:
        set_if_nil(spec, "priority", SYSTEM_PRIORITIES[name])
        set_if_nil(spec, "preemptionPolicy", "PreemptLowerPriority")


def default_pod_template_object(body: dict[str, Any], version: Version) -> None:
    """kind: PodTemplate (SetObjectDefaults_PodTemplate)."""
    template = child(body, "template")
    if template is not None:
        default_pod_template(template, version)


def default_replication_controller(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    template = child(spec, "template")
    template_metadata = child(template, "metadata") if template is not None else None
    labels = child(template_metadata, "labels") if template_metadata is not None else None
    if labels is not None:
        if not non_empty(spec.get("selector")):
            spec["selector"] = dict(labels)
        metadata = ensure_child(body, "metadata")
        if metadata is not None and not non_empty(metadata.get("labels")):
            metadata["labels"] = dict(labels)
    set_if_nil(spec, "replicas", 1)  # declarative +default=1
    if template is not None:
        default_pod_template(template, version)


def default_service(body: dict[str, Any], version: Version) -> None:
    """SetDefaults_Service. Allocated fields (clusterIP(s), ipFamilies, ipFamilyPolicy,
    nodePort, healthCheckNodePort) are left to the live object: see allocated_fields."""
    spec = child(body, "spec")
    if spec is None:
        return
    set_if_empty_string(spec, "sessionAffinity", "None")
    if spec.get("sessionAffinity") == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec.get("sessionAffinity") == "ClientIP":
        _client_ip_timeout(spec)
    set_if_empty_string(spec, "type", "ClusterIP")
    for port in dicts(spec.get("ports")):
        set_if_empty_string(port, "protocol", "TCP")
        if port.get("targetPort") in (None, 0, "") and _is_int(port.get("port")):
            port["targetPort"] = port["port"]
    kind = spec.get("type")
    externally_accessible = kind in ("LoadBalancer", "NodePort") or (
        kind == "ClusterIP" and non_empty(spec.get("externalIPs"))
    )
    if externally_accessible:
        set_if_empty_string(spec, "externalTrafficPolicy", "Cluster")
    if kind in ("ClusterIP", "NodePort", "LoadBalancer"):
        set_if_nil(spec, "internalTrafficPolicy", "Cluster")
    if kind == "LoadBalancer":
        set_if_nil(spec, "allocateLoadBalancerNodePorts", True)


def _client_ip_timeout(spec: dict[str, Any]) -> None:
    config = as_dict(spec.get("sessionAffinityConfig"))
    client_ip = child(config, "clientIP") if config is not None else None
    if client_ip is None or client_ip.get("timeoutSeconds") is None:
        # v1.DefaultClientIPServiceAffinitySeconds; upstream replaces the whole config.
        spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def default_persistent_volume_claim(
    body: dict[str, Any], version: Version, *, status: bool = False
) -> None:
    spec = child(body, "spec")
    if spec is not None:
        default_claim_spec(spec)
    if status:
        _status_phase(body, "Pending")


def default_persistent_volume(
    body: dict[str, Any], version: Version, *, status: bool = False
) -> None:
    spec = child(body, "spec")
    if spec is not None:
        set_if_empty_string(spec, "persistentVolumeReclaimPolicy", "Retain")
        set_if_nil(spec, "volumeMode", "Filesystem")
        default_persistent_volume_source(spec)
    if status:
        _status_phase(body, "Pending")


def default_secret(body: dict[str, Any], version: Version) -> None:
    set_if_empty_string(body, "type", "Opaque")


def default_namespace(body: dict[str, Any], version: Version, *, status: bool = False) -> None:
    """SetDefaults_Namespace (the name label, always overwritten) and the registry's
    PrepareForCreate (`kubernetes` finalizer appended; on update the live value is kept)."""
    metadata = child(body, "metadata")
    name = metadata.get("name") if metadata is not None else None
    if metadata is not None and isinstance(name, str) and name:
        labels = ensure_child(metadata, "labels")
        if labels is not None:
            labels["kubernetes.io/metadata.name"] = name
    spec = ensure_child(body, "spec")
    if spec is not None:
        finalizers = spec.get("finalizers")
        if finalizers is None:
            spec["finalizers"] = ["kubernetes"]
        elif isinstance(finalizers, list) and "kubernetes" not in finalizers:
            spec["finalizers"] = finalizers + ["kubernetes"]
    if status:
        _status_phase(body, "Active")


def default_endpoints(body: dict[str, Any], version: Version) -> None:
    for subset in dicts(body.get("subsets")):
        for port in dicts(subset.get("ports")):
            set_if_empty_string(port, "protocol", "TCP")


def default_limit_range(body: dict[str, Any], version: Version) -> None:
    """SetDefaults_LimitRangeItem for `type: Container` items: default <- max,
    defaultRequest <- default, then <- min (values copied as written)."""
    spec = child(body, "spec")
    if spec is None:
        return
    for item in dicts(spec.get("limits")):
        if item.get("type") != "Container":
            continue
        default = _fill(item, "default", child(item, "max"))
        _fill(item, "defaultRequest", default)
        _fill(item, "defaultRequest", child(item, "min"))


def _fill(item: dict[str, Any], key: str, source: dict[str, Any] | None) -> dict[str, Any] | None:
    """Copy the keys of `source` missing from item[key]; item[key] is created only when
    something is copied (an empty map is not serialised)."""
    target = item.get(key)
    if target is not None and not isinstance(target, dict):
        return None
    missing = {name: value for name, value in (source or {}).items() if name not in (target or {})}
    if missing:
        target = item[key] = {**(target or {}), **missing}
    return target


def _status_phase(body: dict[str, Any], phase: str) -> None:
    status = ensure_child(body, "status")
    if status is not None:
        set_if_empty_string(status, "phase", phase)
