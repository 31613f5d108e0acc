"""Fields whose change makes the API server reject an update, so `kubectl apply` cannot
change them in place: the planner reports such a change as a replace.

Public API:

- `replace_reason(live, desired) -> list[str]`: the JSON pointers (sorted) of the immutable
  fields that differ between the recorded object and the desired (predicted) one. Empty
  when an in-place update would be accepted, or when the kind has no such rule.
- `immutable_paths(api_version, kind) -> list[str]`: the rules as JSON-pointer patterns
  (`*` = any key or index; `/spec/*` = every spec field but the exceptions documented for
  the kind). Several apply only under conditions, which replace_reason evaluates:

  * Service `/spec/clusterIP`: only a change from one non-empty value to another (an IP, or
    "None" for headless) is rejected; an empty or missing desired clusterIP means "keep the
    allocated one", and a Service turning ExternalName drops it legitimately.
    `/spec/clusterIPs/0` likewise (the secondary family may be added or removed).
  * ConfigMap and Secret `/data`, `/binaryData`, `/immutable`: only when the LIVE object has
    `immutable: true` (Secret `/type` always).
  * PersistentVolumeClaim `/spec/*` except `resources.requests.storage` growing (a shrink is
    rejected), `volumeAttributesClassName`, `volumeName` and `storageClassName` while unset
    in the live object.
  * Pod `/spec/*` except `containers[*].image`, `initContainers[*].image`,
    `activeDeadlineSeconds` (set or lowered), `tolerations` (additions only),
    `schedulingGates` (removals only) and `terminationGracePeriodSeconds` set to 1 from a
    negative value.
  * Job `/spec/template`, except that while the live Job is suspended the scheduling
    directives (nodeSelector, tolerations, node affinity, schedulingGates, template labels
    and annotations) may change; `/spec/completions`, except for an Indexed Job changing
    completions and parallelism together (ElasticIndexedJob).

Sources (kubernetes/kubernetes): pkg/apis/apps/validation/validation.go
ValidateDeploymentUpdate, ValidateReplicaSetUpdate, ValidateDaemonSetUpdate,
ValidateStatefulSetUpdate; pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate;
pkg/apis/core/validation/validation.go ValidatePodUpdate, ValidateServiceUpdate,
ValidateConfigMapUpdate, ValidateSecretUpdate, ValidatePersistentVolumeClaimUpdate,
ValidatePersistentVolumeUpdate; pkg/apis/rbac/validation ValidateRoleBindingUpdate;
pkg/apis/storage/validation ValidateStorageClassUpdate; pkg/apis/networking/validation
ValidateIngressClassUpdate; pkg/apis/scheduling/validation ValidatePriorityClassUpdate.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kplan.k8s.equality import ABSENT, is_empty, same
from kplan.k8s.jsoncopy import deep_copy
from kplan.k8s.quantity import QuantityError, parse_quantity

__all__ = ["IMMUTABLE_PATHS", "immutable_paths", "replace_reason"]

IMMUTABLE_PATHS: dict[tuple[str, str], tuple[str, ...]] = {
    ("apps", "Deployment"): ("/spec/selector",),
    ("apps", "ReplicaSet"): ("/spec/selector",),
    ("apps", "DaemonSet"): ("/spec/selector",),
    ("apps", "StatefulSet"): (
        "/spec/podManagementPolicy",
        "/spec/selector",
        "/spec/serviceName",
        "/spec/volumeClaimTemplates",
    ),
    ("batch", "Job"): (
        "/spec/backoffLimitPerIndex",
        "/spec/completionMode",
        "/spec/completions",
        "/spec/managedBy",
        "/spec/podFailurePolicy",
        "/spec/selector",
        "/spec/successPolicy",
        "/spec/template",
    ),
    ("", "Service"): ("/spec/clusterIP", "/spec/clusterIPs/0"),
    ("", "ConfigMap"): ("/binaryData", "/data", "/immutable"),
    ("", "Secret"): ("/data", "/immutable", "/type"),
    ("", "PersistentVolumeClaim"): ("/spec/*",),
    ("", "PersistentVolume"): ("/spec/nodeAffinity", "/spec/volumeMode", "/spec/<source>"),
    ("", "Pod"): ("/spec/*",),
    ("rbac.authorization.k8s.io", "RoleBinding"): ("/roleRef",),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): ("/roleRef",),
    ("storage.k8s.io", "StorageClass"): (
        "/parameters",
        "/provisioner",
        "/reclaimPolicy",
        "/volumeBindingMode",
    ),
    ("networking.k8s.io", "IngressClass"): ("/spec/controller",),
    ("scheduling.k8s.io", "PriorityClass"): ("/preemptionPolicy", "/value"),
}

# ValidateStatefulSetUpdate: "updates to statefulset spec for fields other than 'replicas',
# 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit',
# 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".
STATEFULSET_MUTABLE = frozenset(
    {
        "minReadySeconds",
        "ordinals",
        "persistentVolumeClaimRetentionPolicy",
        "replicas",
        "revisionHistoryLimit",
        "template",
        "updateStrategy",
    }
)
# The members of v1.PersistentVolumeSource.
PERSISTENT_VOLUME_SOURCES = frozenset(
    {
        "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "csi", "fc",
        "flexVolume", "flocker", "gcePersistentDisk", "glusterfs", "hostPath", "iscsi",
        "local", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO",
        "storageos", "vsphereVolume",
    }
)  # fmt: skip
# pkg/registry/batch/job/strategy.go generateSelector: uid-based, never in a manifest.
JOB_GENERATED_LABELS = (
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "job-name",
)
# Pod spec fields the server fills in (kplan.k8s.defaults.ALLOCATED_PATHS).
POD_ALLOCATED = frozenset({"nodeName", "priority", "priorityClassName"})


def immutable_paths(api_version: str, kind: str) -> list[str]:
    """The immutable-field patterns of a built-in kind ([] for others; see module doc)."""
    return list(IMMUTABLE_PATHS.get((_group(api_version), kind), ()))


def replace_reason(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    """Sorted JSON pointers of immutable fields `desired` changes (see the module doc)."""
    if not isinstance(live, dict) or not isinstance(desired, dict):
        return []
    api_version = desired.get("apiVersion", live.get("apiVersion"))
    kind = desired.get("kind", live.get("kind"))
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return []
    check = _CHECKS.get((_group(api_version), kind))
    if check is None:
        return []
    return sorted(set(check(live, desired)))


# -- equality ------------------------------------------------------------------------------


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return ABSENT
        obj = obj.get(key, ABSENT)
    return obj


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def _changed(live: Any, desired: Any, *path: str) -> list[str]:
    """[pointer] when the field at `path` differs."""
    if same(_get(live, *path), _get(desired, *path)):
        return []
    return ["/" + "/".join(_escape(key) for key in path)]


def _changed_keys(live: Any, desired: Any, prefix: str, keys: set[str]) -> list[str]:
    return [
        f"{prefix}/{_escape(key)}"
        for key in sorted(keys)
        if not same(_dict(live).get(key, ABSENT), _dict(desired).get(key, ABSENT))
    ]


def _all_keys(*objects: Any) -> set[str]:
    keys: set[str] = set()
    for obj in objects:
        keys |= set(_dict(obj))
    return keys


# -- per kind ------------------------------------------------------------------------------


def _selector(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    return _changed(live, desired, "spec", "selector")


def _stateful_set(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    live_spec, desired_spec = _get(live, "spec"), _get(desired, "spec")
    keys = _all_keys(live_spec, desired_spec) - STATEFULSET_MUTABLE - {"volumeClaimTemplates"}
    paths = _changed_keys(live_spec, desired_spec, "/spec", keys)
    claims = [_claim_template(item) for item in _list(_get(live_spec, "volumeClaimTemplates"))]
    wanted = [_claim_template(item) for item in _list(_get(desired_spec, "volumeClaimTemplates"))]
    if not same(claims, wanted):
        paths.append("/spec/volumeClaimTemplates")
    return paths


def _claim_template(item: Any) -> Any:
    """A volumeClaimTemplate without what the server adds to it (status, the embedded
    apiVersion/kind, metadata.creationTimestamp)."""
    if not isinstance(item, dict):
        return item
    result = {k: v for k, v in item.items() if k not in ("apiVersion", "kind", "status")}
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        result["metadata"] = {k: v for k, v in metadata.items() if k != "creationTimestamp"}
    return result


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _service(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    if _get(desired, "spec", "type") == "ExternalName":
        return []
    paths = []
    live_ip, desired_ip = _get(live, "spec", "clusterIP"), _get(desired, "spec", "clusterIP")
    if _set(live_ip) and _set(desired_ip) and live_ip != desired_ip:
        paths.append("/spec/clusterIP")
    live_ips, desired_ips = _get(live, "spec", "clusterIPs"), _get(desired, "spec", "clusterIPs")
    if _list(live_ips) and _list(desired_ips) and _set(desired_ips[0]):
        if live_ips[0] != desired_ips[0]:
            paths.append("/spec/clusterIPs/0")
    return paths


def _set(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _config_map(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    if live.get("immutable") is not True:
        return []
    paths = _changed(live, desired, "data") + _changed(live, desired, "binaryData")
    if desired.get("immutable") is not True:
        paths.append("/immutable")
    return paths


def _secret(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    paths = []
    if (live.get("type") or "Opaque") != (desired.get("type") or "Opaque"):
        paths.append("/type")
    if live.get("immutable") is True:
        merged = _secret_data(desired)
        if not same(_get(live, "data"), merged):
            paths.append("/data")
        if desired.get("immutable") is not True:
            paths.append("/immutable")
    return paths


def _secret_data(secret: dict[str, Any]) -> Any:
    """`data` with `stringData` folded in, as the server stores it (base64)."""
    data = _get(secret, "data")
    string_data = _get(secret, "stringData")
    if not isinstance(string_data, dict):
        return data
    merged = dict(_dict(data))
    for key, value in string_data.items():
        if isinstance(value, str):
            merged[key] = base64.b64encode(value.encode("utf-8")).decode("ascii")
    return merged


def _persistent_volume_claim(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    live_spec, desired_spec = _dict(_get(live, "spec")), _dict(_get(desired, "spec"))
    keys = _all_keys(live_spec, desired_spec) - {"resources", "volumeAttributesClassName"}
    for once in ("volumeName", "storageClassName"):
        # Set once (PV controller binding, retroactive default class); unset in desired
        # means "keep the server's value" (allocated, see kplan.k8s.defaults).
        if is_empty(live_spec.get(once, ABSENT)) or is_empty(desired_spec.get(once, ABSENT)):
            keys.discard(once)
    paths = _changed_keys(live_spec, desired_spec, "/spec", keys)
    live_res, desired_res = _dict(live_spec.get("resources")), _dict(desired_spec.get("resources"))
    other_resources = _all_keys(live_res, desired_res) - {"requests"}
    paths += _changed_keys(live_res, desired_res, "/spec/resources", other_resources)
    live_req, desired_req = _dict(live_res.get("requests")), _dict(desired_res.get("requests"))
    others = _all_keys(live_req, desired_req) - {"storage"}
    paths += _changed_keys(live_req, desired_req, "/spec/resources/requests", others)
    if _shrinks(live_req.get("storage"), desired_req.get("storage")):
        paths.append("/spec/resources/requests/storage")
    return paths


def _shrinks(before: Any, after: Any) -> bool:
    """A storage request lowered (or removed); unreadable quantities count as a change."""
    if same(before, after) or before is None:
        return False
    if after is None:
        return True
    old, new = _quantity(before), _quantity(after)
    if old is None or new is None:
        return True
    return new < old


def _quantity(value: Any) -> Decimal | None:
    try:
        return parse_quantity(value)
    except (QuantityError, TypeError, ValueError):
        return None


def _persistent_volume(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    live_spec, desired_spec = _get(live, "spec"), _get(desired, "spec")
    keys = (_all_keys(live_spec, desired_spec) & PERSISTENT_VOLUME_SOURCES) | {"volumeMode"}
    if not is_empty(_get(live_spec, "nodeAffinity")):
        keys.add("nodeAffinity")  # may be set once when it was unset
    return _changed_keys(live_spec, desired_spec, "/spec", keys)


def _job(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    live_spec, desired_spec = _get(live, "spec"), _get(desired, "spec")
    fixed = {"backoffLimitPerIndex", "completionMode", "managedBy", "podFailurePolicy"}
    paths = _changed_keys(live_spec, desired_spec, "/spec", fixed | {"selector", "successPolicy"})
    if not _elastic_indexed(desired_spec):
        paths += _changed(live, desired, "spec", "completions")
    suspended = _get(live_spec, "suspend") is True
    live_template = _job_template(_get(live_spec, "template"), suspended)
    desired_template = _job_template(_get(desired_spec, "template"), suspended)
    for label in JOB_GENERATED_LABELS:  # the registry's labels: only ever on the live side
        if _get(desired_template, "metadata", "labels", label) is ABSENT:
            _dict(_get(live_template, "metadata", "labels")).pop(label, None)
    if not same(live_template, desired_template):
        paths.append("/spec/template")
    return paths


def _elastic_indexed(spec: Any) -> bool:
    """ElasticIndexedJob: an Indexed Job may change completions together with parallelism."""
    return _get(spec, "completionMode") == "Indexed" and same(
        _get(spec, "completions"), _get(spec, "parallelism")
    )


def _job_template(template: Any, suspended: bool) -> Any:
    """A copy without what a suspended Job may change (JobMutableNodeSchedulingDirectives)."""
    template = deep_copy(template)
    if not suspended or not isinstance(template, dict):
        return template
    metadata = _dict(template.get("metadata"))
    metadata.pop("labels", None)
    metadata.pop("annotations", None)
    spec = _dict(template.get("spec"))
    for key in ("nodeSelector", "tolerations", "schedulingGates"):
        spec.pop(key, None)
    affinity = _dict(spec.get("affinity"))
    affinity.pop("nodeAffinity", None)
    return template


def _pod(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    live_spec, desired_spec = _dict(_get(live, "spec")), _dict(_get(desired, "spec"))
    special = {"containers", "initContainers", "activeDeadlineSeconds", "tolerations"}
    special |= {"schedulingGates", "terminationGracePeriodSeconds"}
    # Set by the scheduler / priority admission: unset in desired means "keep".
    special |= {key for key in POD_ALLOCATED if is_empty(desired_spec.get(key, ABSENT))}
    paths = _changed_keys(
        live_spec, desired_spec, "/spec", _all_keys(live_spec, desired_spec) - special
    )
    for key in ("containers", "initContainers"):
        paths += _containers_except_image(live_spec.get(key), desired_spec.get(key), key)
    paths += _pod_update_rules(live_spec, desired_spec)
    return paths


def _containers_except_image(live: Any, desired: Any, key: str) -> list[str]:
    """Containers matched by name; only `image` may differ."""
    live_items, desired_items = _list(live), _list(desired)
    live_names = [_get(item, "name") for item in live_items]
    desired_names = [_get(item, "name") for item in desired_items]
    if sorted(map(str, live_names)) != sorted(map(str, desired_names)):
        return [] if same(live, desired) else [f"/spec/{key}"]
    by_name = dict(zip(map(str, live_names), live_items, strict=True))
    paths = []
    for index, item in enumerate(desired_items):
        before = by_name.get(str(_get(item, "name")))
        if not same(_without_image(before), _without_image(item)):
            paths.append(f"/spec/{key}/{index}")
    return paths


def _without_image(container: Any) -> Any:
    if not isinstance(container, dict):
        return container
    return {k: v for k, v in container.items() if k != "image"}


def _pod_update_rules(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    paths = []
    before, after = live.get("activeDeadlineSeconds"), desired.get("activeDeadlineSeconds")
    if before is not None and not same(before, after):
        if not (_number(after) and _number(before) and after <= before):
            paths.append("/spec/activeDeadlineSeconds")
    if not _contains_all(desired.get("tolerations"), live.get("tolerations")):
        paths.append("/spec/tolerations")
    if not _contains_all(live.get("schedulingGates"), desired.get("schedulingGates")):
        paths.append("/spec/schedulingGates")
    before = live.get("terminationGracePeriodSeconds")
    after = desired.get("terminationGracePeriodSeconds")
    negative_to_one = _number(before) and before < 0 and after == 1
    if not same(before, after) and not negative_to_one:
        paths.append("/spec/terminationGracePeriodSeconds")
    return paths


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _contains_all(container: Any, items: Any) -> bool:
    """Every item of `items` is in `container` (additions-only / removals-only lists)."""
    return all(any(same(item, have) for have in _list(container)) for item in _list(items))


def _fields(*path: str) -> Callable[[dict[str, Any], dict[str, Any]], list[str]]:
    def check(live: dict[str, Any], desired: dict[str, Any]) -> list[str]:
        return [pointer for key in path for pointer in _changed(live, desired, *key.split("."))]

    return check


_CHECKS: dict[tuple[str, str], Callable[[dict[str, Any], dict[str, Any]], list[str]]] = {
    ("apps", "Deployment"): _selector,
    ("apps", "ReplicaSet"): _selector,
    ("apps", "DaemonSet"): _selector,
    ("apps", "StatefulSet"): _stateful_set,
    ("batch", "Job"): _job,
    ("", "Service"): _service,
    ("", "ConfigMap"): _config_map,
    ("", "Secret"): _secret,
    ("", "PersistentVolumeClaim"): _persistent_volume_claim,
    ("", "PersistentVolume"): _persistent_volume,
    ("", "Pod"): _pod,
    ("rbac.authorization.k8s.io", "RoleBinding"): _fields("roleRef"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _fields("roleRef"),
    ("storage.k8s.io", "StorageClass"): _fields(
        "parameters", "provisioner", "reclaimPolicy", "volumeBindingMode"
    ),
    ("networking.k8s.io", "IngressClass"): _fields("spec.controller"),
    ("scheduling.k8s.io", "PriorityClass"): _fields("preemptionPolicy", "value"),
}
