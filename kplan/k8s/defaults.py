"""The defaults the Kubernetes API server fills in, applied offline to a desired object.

A manifest that omits a defaulted field sees it in the live object (`kubectl get -o yaml`
right after `kubectl apply`); comparing the two without defaulting the manifest first would
report every such field as a change. Public API:

- `apply_defaults(body, kubernetes_version, *, status=False) -> dict`: a deep copy of `body`
  with the defaults of its apiVersion/kind applied; the input is never modified. Unknown
  kinds come back as an unchanged copy; wrong types anywhere are skipped, never raised on.
  Top-level `status` defaults (PersistentVolume(Claim) phase Pending, Namespace phase
  Active) are added only with `status=True`, since planners strip status from both sides.
- `allocated_fields(kind, api_version=None) -> list[str]`: JSON-pointer patterns (`*` = any
  list index or map key) of fields the server allocates or controls: when the desired
  object leaves them unset, the live value stands and is never a change.
- `ALLOCATED_PATHS`: the table behind allocated_fields, keyed by (API group, kind).
- `is_known(api_version, kind) -> bool`: whether kplan defaults this kind at all.

Sources, all kubernetes/kubernetes: the defaulting functions of pkg/apis/{core,apps,batch,
networking,storage,autoscaling}/v*/defaults.go and the declarative `+default` markers of
staging/src/k8s.io/api/core/v1/types.go (see the defaults_* modules for each function), and
for bare Pods the deterministic admission results (service account "default", the two
NoExecute tolerations, priority 0). Feature-gated defaults follow the gate's default in the
given minor version (1.25 .. 1.37 compared numerically; unreadable text means the newest).

Deliberately not applied: resource quantity canonicalisation (kplan.k8s.quantity), the random
kube-api-access-<x> volume of a Pod, the uid-based Job selector and labels, the cluster's
default StorageClass, Service IP families, and serialisation artefacts such as
`resources: {}` or `creationTimestamp: null` (a canonical diff treats them as absent).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kplan.k8s import defaults_core as core
from kplan.k8s import defaults_other as other
from kplan.k8s import defaults_workloads as workloads
from kplan.k8s.defaults_base import Version, parse_version
from kplan.k8s.jsoncopy import deep_copy

__all__ = ["ALLOCATED_PATHS", "allocated_fields", "apply_defaults", "is_known"]

Defaulter = Callable[[dict[str, Any], Version], None]
StatusDefaulter = Callable[..., None]

_DEFAULTERS: dict[tuple[str, str], Defaulter] = {
    ("v1", "Pod"): core.default_pod,
    ("v1", "PodTemplate"): core.default_pod_template_object,
    ("v1", "ReplicationController"): core.default_replication_controller,
    ("v1", "Service"): core.default_service,
    ("v1", "Secret"): core.default_secret,
    ("v1", "Endpoints"): core.default_endpoints,
    ("v1", "LimitRange"): core.default_limit_range,
    ("apps/v1", "Deployment"): workloads.default_deployment,
    ("apps/v1", "ReplicaSet"): workloads.default_replica_set,
    ("apps/v1", "StatefulSet"): workloads.default_stateful_set,
    ("apps/v1", "DaemonSet"): workloads.default_daemon_set,
    ("batch/v1", "Job"): workloads.default_job,
    ("batch/v1", "CronJob"): workloads.default_cron_job,
    ("networking.k8s.io/v1", "NetworkPolicy"): other.default_network_policy,
    ("networking.k8s.io/v1", "IngressClass"): other.default_ingress_class,
    ("storage.k8s.io/v1", "StorageClass"): other.default_storage_class,
    ("autoscaling/v1", "HorizontalPodAutoscaler"): other.default_hpa_v1,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): other.default_hpa_v2,
    # Served until 1.25; same defaulting function as v2.
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): other.default_hpa_v2,
}
# Kinds with top-level status defaults.
_STATUS_DEFAULTERS: dict[tuple[str, str], StatusDefaulter] = {
    ("v1", "PersistentVolumeClaim"): core.default_persistent_volume_claim,
    ("v1", "PersistentVolume"): core.default_persistent_volume,
    ("v1", "Namespace"): core.default_namespace,
}

_JOB_LABELS = ("batch.kubernetes.io~1controller-uid", "batch.kubernetes.io~1job-name")
_LEGACY_JOB_LABELS = ("controller-uid", "job-name")

ALLOCATED_PATHS: dict[tuple[str, str], tuple[str, ...]] = {
    # pkg/registry/core/service/storage: IP and port allocators, IP family defaulting.
    ("", "Service"): (
        "/spec/clusterIP",
        "/spec/clusterIPs",
        "/spec/healthCheckNodePort",
        "/spec/ipFamilies",
        "/spec/ipFamilyPolicy",
        "/spec/ports/*/nodePort",
    ),
    # Scheduler binding; priority admission (a globalDefault class may exist).
    ("", "Pod"): ("/spec/nodeName", "/spec/priority", "/spec/priorityClassName"),
    # PV controller binding; DefaultStorageClass admission.
    ("", "PersistentVolumeClaim"): ("/spec/storageClassName", "/spec/volumeName"),
    ("", "PersistentVolume"): ("/spec/claimRef",),
    # Namespace finalizers change only through the finalize subresource.
    ("", "Namespace"): ("/spec/finalizers",),
    # pkg/registry/batch/job/strategy.go generateSelector: uid-based selector and labels.
    ("batch", "Job"): (
        "/spec/selector",
        *(f"/spec/template/metadata/labels/{label}" for label in _JOB_LABELS),
        *(f"/spec/template/metadata/labels/{label}" for label in _LEGACY_JOB_LABELS),
    ),
}


def apply_defaults(
    body: dict[str, Any], kubernetes_version: str, *, status: bool = False
) -> dict[str, Any]:
    """A defaulted deep copy of `body` (see the module docstring)."""
    result = deep_copy(body)
    if not isinstance(result, dict):
        return result
    api_version, kind = result.get("apiVersion"), result.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return result
    key = (api_version, kind)
    version = parse_version(kubernetes_version)
    defaulter = _DEFAULTERS.get(key)
    if defaulter is not None:
        defaulter(result, version)
    status_defaulter = _STATUS_DEFAULTERS.get(key)
    if status_defaulter is not None:
        status_defaulter(result, version, status=status)
    return result


def is_known(api_version: str, kind: str) -> bool:
    """Whether apply_defaults has defaulting functions for this apiVersion/kind."""
    return (api_version, kind) in _DEFAULTERS or (api_version, kind) in _STATUS_DEFAULTERS


def allocated_fields(kind: str, api_version: str | None = None) -> list[str]:
    """Server-allocated fields of a built-in kind; [] for other kinds. Without api_version
    the kind is taken as a built-in one (a CRD may reuse a name such as Service)."""
    group = "" if api_version is None else _group(api_version)
    if api_version is None:
        groups = {key_group for key_group, key_kind in ALLOCATED_PATHS if key_kind == kind}
        group = sorted(groups)[0] if groups else ""
    return list(ALLOCATED_PATHS.get((group, kind), ()))


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""
