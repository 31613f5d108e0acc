"""Workloads -> the pods their controllers would create, and the snapshot's recorded pods.

`expand_workload` builds the pods of one desired object the way each controller builds them
(kubernetes/kubernetes pkg/controller):

- Deployment: the ReplicaSet `<deployment>-<pod-template-hash>` (deployment/sync.go
  getNewReplicaSet), whose pods carry `pod-template-hash`; `spec.replicas` (default 1) pods.
- ReplicaSet, ReplicationController: `spec.replicas` (default 1) pods of the template.
- StatefulSet: pods `<name>-<ordinal>` from `spec.ordinals.start` (StatefulSetStartOrdinal,
  1.27+), with the labels updateIdentity sets (`statefulset.kubernetes.io/pod-name`,
  `apps.kubernetes.io/pod-index` from 1.28, PodIndexLabel), `controller-revision-hash`
  (`<name>-<hash>`, the ControllerRevision's name), hostname = pod name, subdomain =
  `spec.serviceName` (initIdentity), and one PVC volume per volumeClaimTemplate named
  `<claim>-<name>-<ordinal>` (updateStorage).
- DaemonSet: one pod per node given, with `controller-revision-hash`,
  `pod-template-generation`, the daemon tolerations (AddOrUpdateDaemonPodTolerations) and a
  required node affinity on `metadata.name` (ReplaceDaemonSetPodNodeNameNodeAffinity).
  Which nodes are eligible is the caller's choice; `daemonset_should_run_on` is the
  controller's own predicate (NodeShouldRunDaemonPod) for callers that want it.
- Job: min(parallelism, completions) pods at once (parallelism default 1; no completions
  means parallelism pods), none when suspended; labels `job-name` and (1.27+)
  `batch.kubernetes.io/job-name` unless `manualSelector`; Indexed jobs get the completion
  index annotation and (1.28+) label.
- CronJob: no pods until a schedule fires, so none.
- Pod: itself.

Every planned pod's spec is the template's spec with the API server's Pod defaults and
deterministic admission results applied (kplan.k8s.defaults.apply_defaults on a v1 Pod).

Names follow CONTRACT.md: `web-0` for StatefulSets, `<owner>-<template hash>-<suffix>` for
Deployments, ReplicaSets, DaemonSets and Jobs (`<owner>-<suffix>` for ReplicationControllers).
The template hash is FNV-32a of the canonical JSON of the defaulted pod template, printed as
ComputeHash prints its hash (the decimal value through rand.SafeEncodeString); the 5-character
suffix comes from the same alphabet, derived from owner, template hash and ordinal. Kubernetes
hashes the Go struct and picks the suffix at random, so names are plausible, not predictions.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kplan.k8s.defaults import apply_defaults
from kplan.k8s.jsoncopy import deep_copy
from kplan.k8s.labels import go_parse_int
from kplan.k8s.selectors import pod_matches_node_selector_and_affinity
from kplan.plan.model import Location
from kplan.plan.pod_model import PodView

__all__ = [
    "SAFE_ALPHABET",
    "WORKLOAD_KINDS",
    "compute_hash",
    "daemonset_should_run_on",
    "expand_workload",
    "fnv32a",
    "generate_name",
    "job_active_pods",
    "planned_pod_name",
    "recorded_pod",
    "recorded_pods",
    "safe_encode_string",
    "workload_replicas",
]

# k8s.io/apimachinery pkg/util/rand: "bcdfghjklmnpqrstvwxz2456789" (no vowels, no 0/1/3).
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
# apiserver/pkg/storage/names: generateName gets 5 random characters, the base is cut to 58.
RANDOM_LENGTH = 5
MAX_NAME_LENGTH = 63
MAX_GENERATED_BASE = MAX_NAME_LENGTH - RANDOM_LENGTH

WORKLOAD_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "ReplicaSet",
        "ReplicationController",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
    }
)

POD_TEMPLATE_HASH = "pod-template-hash"
CONTROLLER_REVISION_HASH = "controller-revision-hash"
STATEFULSET_POD_NAME = "statefulset.kubernetes.io/pod-name"
POD_INDEX = "apps.kubernetes.io/pod-index"
DAEMONSET_TEMPLATE_GENERATION = "pod-template-generation"
DEPRECATED_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"
JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_JOB_NAME = "job-name"
JOB_COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"

# Feature gates by the first minor version where they are on by default.
START_ORDINAL_FROM = (1, 27)  # StatefulSetStartOrdinal beta
POD_INDEX_LABEL_FROM = (1, 28)  # PodIndexLabel beta
JOB_NAME_LABEL_FROM = (1, 27)  # batch.kubernetes.io/ prefixed job labels
NEWEST = "1.37"

_DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
_NETWORK_UNAVAILABLE = ("node.kubernetes.io/network-unavailable", "NoSchedule")

_API_VERSIONS = {
    "Deployment": "apps/v1",
    "ReplicaSet": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "ReplicationController": "v1",
    "Pod": "v1",
}


# -- hashing and names ---------------------------------------------------------------------


def fnv32a(data: bytes) -> int:
    """hash/fnv New32a."""
    value = 0x811C9DC5
    for byte in data:
        value ^= byte
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def safe_encode_string(text: str) -> str:
    """rand.SafeEncodeString: each byte mapped onto the alphabet by its value modulo 27."""
    return "".join(SAFE_ALPHABET[byte % len(SAFE_ALPHABET)] for byte in text.encode())


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(template: Any, collision_count: int | None = None) -> str:
    """controller.ComputeHash's shape: FNV-32a, collision count appended, the decimal value
    safe-encoded. Kubernetes hashes the Go struct, which cannot be reproduced here; this hashes
    the SHA-256 digest of the canonical JSON of `template` (FNV over the whole text took
    about 100 µs per template in pure Python, a fifth of a second for a thousand of them)."""
    data = hashlib.sha256(_canonical(template)).digest()
    if collision_count is not None:
        data += str(collision_count).encode()
    return safe_encode_string(str(fnv32a(data)))


def _suffix(*parts: object) -> str:
    """RANDOM_LENGTH characters of SAFE_ALPHABET, a pure function of `parts`."""
    value = fnv32a("\x00".join(str(part) for part in parts).encode())
    characters = []
    for _ in range(RANDOM_LENGTH):
        value, index = divmod(value, len(SAFE_ALPHABET))
        characters.append(SAFE_ALPHABET[index])
    return "".join(characters)


def generate_name(base: str, *seed: object) -> str:
    """SimpleNameGenerator.GenerateName: `base` cut to 58 characters, then the suffix."""
    return base[:MAX_GENERATED_BASE] + _suffix(base, *seed)


def planned_pod_name(kind: str, owner_name: str, template_hash: str, replica: int) -> str:
    """The contract's name for the `replica`-th planned pod of a `kind` owner."""
    if kind == "StatefulSet":
        return f"{owner_name}-{replica}"
    if kind == "ReplicationController":
        return generate_name(f"{owner_name}-", template_hash, replica)
    return generate_name(f"{owner_name}-{template_hash}-", replica)


# -- counts ------------------------------------------------------------------------------------


def _int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    return default


def workload_replicas(kind: str, body: Mapping[str, Any]) -> int:
    """The number of pods a controller keeps for `body` (DaemonSets: not known here)."""
    spec = body.get("spec") if isinstance(body.get("spec"), Mapping) else {}
    if kind in ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet"):
        return max(_int(spec.get("replicas"), 1), 0)
    if kind == "Job":
        return job_active_pods(spec)
    if kind == "Pod":
        return 1
    return 0


def job_active_pods(spec: Mapping[str, Any]) -> int:
    """Pods a new Job runs at once: parallelism (default 1) capped by completions; none when
    suspended (job_controller.go manageJob: wantActive)."""
    if spec.get("suspend") is True:
        return 0
    parallelism = max(_int(spec.get("parallelism"), 1), 0)
    completions = spec.get("completions")
    if isinstance(completions, int) and not isinstance(completions, bool):
        return max(min(parallelism, completions), 0)
    return parallelism


# -- expansion ---------------------------------------------------------------------------------


def _version_tuple(version: str) -> tuple[int, int]:
    match = re.match(r"v?(\d+)\.(\d+)", version or "")
    return (int(match.group(1)), int(match.group(2))) if match else (1, 37)


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _string_map(value: object) -> dict[str, str]:
    return (
        {str(k): v for k, v in value.items() if isinstance(v, str)}
        if isinstance(value, dict)
        else {}
    )


def _defaulted_template(
    kind: str, body: Mapping[str, Any], version: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(defaulted workload body, its pod template). Older group versions (extensions/v1beta1,
    apps/v1beta2) are defaulted as the current one."""
    workload = dict(body)
    workload["apiVersion"] = _API_VERSIONS[kind]
    workload["kind"] = kind
    defaulted = apply_defaults(workload, version)
    spec = _mapping(defaulted.get("spec"))
    return defaulted, _mapping(spec.get("template"))


def _pod_spec(template_spec: Mapping[str, Any], metadata: Mapping[str, Any], version: str) -> dict:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": dict(metadata), "spec": template_spec}
    return _mapping(apply_defaults(pod, version).get("spec"))


def expand_workload(
    resource_body: Mapping[str, Any],
    namespace: str,
    *,
    location: Location | None = None,
    nodes: Sequence[Mapping[str, Any]] | None = None,
    kubernetes_version: str | None = None,
) -> list[PodView]:
    """The pods `resource_body` makes its controller create, in replica order.

    `namespace` is the object's namespace (already resolved by the caller); `nodes` are the
    Node objects a DaemonSet runs on (one pod each, in the order given; none without nodes);
    `kubernetes_version` picks version-dependent defaults and labels (default: newest).
    Kinds that own no pods give [].
    """
    kind = resource_body.get("kind")
    if not isinstance(kind, str) or kind not in WORKLOAD_KINDS or kind == "CronJob":
        return []
    version = kubernetes_version or NEWEST
    version_tuple = _version_tuple(version)
    metadata = _mapping(resource_body.get("metadata"))
    name = metadata.get("name") if isinstance(metadata.get("name"), str) else ""
    if kind == "Pod":
        return [_bare_pod(resource_body, namespace, version, location)]
    defaulted, template = _defaulted_template(kind, resource_body, version)
    spec = _mapping(defaulted.get("spec"))
    template_metadata = _mapping(template.get("metadata"))
    labels = _string_map(template_metadata.get("labels"))
    annotations = _string_map(template_metadata.get("annotations"))
    template_spec = _mapping(template.get("spec"))
    owner = f"{kind}/{namespace}/{name}"
    collision = _collision_count(defaulted) if kind in ("Deployment", "StatefulSet") else None
    template_hash = compute_hash(template, collision)

    plans: list[tuple[int, str, dict[str, str], dict[str, str], dict[str, Any]]] = []
    if kind == "DaemonSet":
        generation = _template_generation(metadata)
        for replica, node in enumerate(nodes or []):
            node_name = _mapping(node.get("metadata")).get("name")
            if not isinstance(node_name, str) or not node_name:
                continue
            pod_labels = dict(labels)
            if generation is not None:
                pod_labels[DAEMONSET_TEMPLATE_GENERATION] = str(generation)
            pod_labels[CONTROLLER_REVISION_HASH] = template_hash
            pod_spec = deep_copy(template_spec)
            _add_daemon_tolerations(pod_spec)
            _replace_node_name_affinity(pod_spec, node_name)
            pod_name = planned_pod_name(kind, name, template_hash, replica)
            plans.append((replica, pod_name, pod_labels, dict(annotations), pod_spec))
    elif kind == "StatefulSet":
        start = 0
        if version_tuple >= START_ORDINAL_FROM:
            start = max(_int(_mapping(spec.get("ordinals")).get("start"), 0), 0)
        revision = f"{name}-{template_hash}"
        service_name = spec.get("serviceName")
        claims = [c for c in spec.get("volumeClaimTemplates") or [] if isinstance(c, dict)]
        for ordinal in range(start, start + workload_replicas(kind, _spec_only(spec))):
            pod_name = planned_pod_name(kind, name, template_hash, ordinal)
            pod_labels = dict(labels)
            pod_labels[CONTROLLER_REVISION_HASH] = revision
            pod_labels[STATEFULSET_POD_NAME] = pod_name
            if version_tuple >= POD_INDEX_LABEL_FROM:
                pod_labels[POD_INDEX] = str(ordinal)
            pod_spec = deep_copy(template_spec)
            pod_spec["hostname"] = pod_name
            if isinstance(service_name, str) and service_name:
                pod_spec["subdomain"] = service_name
            _add_claim_volumes(pod_spec, claims, name, ordinal)
            plans.append((ordinal, pod_name, pod_labels, dict(annotations), pod_spec))
    else:
        count = workload_replicas(kind, _spec_only(spec))
        job_labels: dict[str, str] = {}
        if kind == "Job" and spec.get("manualSelector") is not True:
            job_labels[LEGACY_JOB_NAME] = name
            if version_tuple >= JOB_NAME_LABEL_FROM:
                job_labels[JOB_NAME] = name
        indexed = kind == "Job" and spec.get("completionMode") == "Indexed"
        for replica in range(count):
            pod_labels = dict(labels)
            for key, value in job_labels.items():
                pod_labels.setdefault(key, value)
            pod_annotations = dict(annotations)
            if kind == "Deployment":
                pod_labels[POD_TEMPLATE_HASH] = template_hash
            if indexed:
                pod_annotations[JOB_COMPLETION_INDEX] = str(replica)
                if version_tuple >= POD_INDEX_LABEL_FROM:
                    pod_labels[JOB_COMPLETION_INDEX] = str(replica)
            pod_name = planned_pod_name(kind, name, template_hash, replica)
            pod_spec = deep_copy(template_spec)
            plans.append((replica, pod_name, pod_labels, pod_annotations, pod_spec))

    pods: list[PodView] = []
    for replica, pod_name, pod_labels, pod_annotations, pod_spec in plans:
        pod_metadata = {"name": pod_name, "namespace": namespace, "labels": pod_labels}
        if pod_annotations:
            pod_metadata["annotations"] = pod_annotations
        pods.append(
            PodView(
                namespace=namespace,
                name=pod_name,
                labels=pod_labels,
                spec=_pod_spec(pod_spec, pod_metadata, version),
                owner=owner,
                replica=replica,
                planned=True,
                annotations=pod_annotations,
                template_hash=template_hash,
                location=location,
            )
        )
    return pods


def _spec_only(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A body holding just `spec`, for workload_replicas."""
    return {"spec": dict(spec)}


def _collision_count(body: Mapping[str, Any]) -> int | None:
    """`status.collisionCount`, which ComputeHash folds into the hash when set."""
    value = _mapping(body.get("status")).get("collisionCount")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _template_generation(metadata: Mapping[str, Any]) -> int | None:
    """GetTemplateGeneration: the deprecated annotation; a new DaemonSet gets 1 (the registry
    strategy's PrepareForCreate sets TemplateGeneration 1 and the annotation)."""
    annotations = _mapping(metadata.get("annotations"))
    value = annotations.get(DEPRECATED_TEMPLATE_GENERATION)
    if value is None:
        return 1
    return go_parse_int(value)


def _bare_pod(
    body: Mapping[str, Any], namespace: str, version: str, location: Location | None
) -> PodView:
    metadata = _mapping(body.get("metadata"))
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        generate = metadata.get("generateName")
        name = generate_name(generate if isinstance(generate, str) else "", namespace)
    pod = dict(body)
    pod["apiVersion"] = "v1"
    defaulted = apply_defaults(pod, version)
    owner = _controller_ref(metadata, namespace)
    return PodView(
        namespace=namespace,
        name=name,
        labels=_string_map(metadata.get("labels")),
        spec=_mapping(defaulted.get("spec")),
        owner=owner,
        planned=True,
        annotations=_string_map(metadata.get("annotations")),
        location=location,
    )


def _add_daemon_tolerations(spec: dict[str, Any]) -> None:
    """AddOrUpdateDaemonPodTolerations: each toleration replaces one with the same key,
    operator, value and effect (MatchToleration), or is appended."""
    tolerations = spec.get("tolerations")
    if not isinstance(tolerations, list):
        tolerations = []
    wanted = list(_DAEMON_TOLERATIONS)
    if spec.get("hostNetwork") is True:
        wanted.append(_NETWORK_UNAVAILABLE)
    for key, effect in wanted:
        toleration = {"key": key, "operator": "Exists", "effect": effect}
        for index, existing in enumerate(tolerations):
            if (
                isinstance(existing, dict)
                and existing.get("key", "") == key
                and existing.get("operator", "") == "Exists"
                and existing.get("value", "") == ""
                and existing.get("effect", "") == effect
            ):
                tolerations[index] = toleration
                break
        else:
            tolerations.append(toleration)
    spec["tolerations"] = tolerations


def _replace_node_name_affinity(spec: dict[str, Any], node_name: str) -> None:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes one term
    with matchFields metadata.name In [node]; preferred terms and pod affinities stay."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    affinity = spec.get("affinity")
    if not isinstance(affinity, dict):
        affinity = {}
    node_affinity = affinity.get("nodeAffinity")
    if not isinstance(node_affinity, dict):
        node_affinity = {}
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(required, dict):
        required = {}
    required["nodeSelectorTerms"] = [term]
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = required
    affinity["nodeAffinity"] = node_affinity
    spec["affinity"] = affinity


def _add_claim_volumes(
    spec: dict[str, Any], claims: list[dict[str, Any]], set_name: str, ordinal: int
) -> None:
    """updateStorage: a persistentVolumeClaim volume per claim template (claim name
    `<template>-<set>-<ordinal>`), then the template's volumes not named like a claim."""
    claim_volumes = []
    names = set()
    for claim in claims:
        claim_name = _mapping(claim.get("metadata")).get("name")
        if not isinstance(claim_name, str) or not claim_name or claim_name in names:
            continue
        names.add(claim_name)
        claim_volumes.append(
            {
                "name": claim_name,
                "persistentVolumeClaim": {"claimName": f"{claim_name}-{set_name}-{ordinal}"},
            }
        )
    if not claim_volumes:
        return
    current = spec.get("volumes") if isinstance(spec.get("volumes"), list) else []
    kept = [v for v in current if not (isinstance(v, dict) and v.get("name") in names)]
    spec["volumes"] = claim_volumes + kept


def daemonset_should_run_on(
    body: Mapping[str, Any], node: Mapping[str, Any], *, kubernetes_version: str | None = None
) -> bool:
    """NodeShouldRunDaemonPod's `shouldRun` (daemon_controller.go): the template's nodeSelector
    and required node affinity match the node, and every NoSchedule/NoExecute taint of the
    node is tolerated by the template's tolerations plus the daemon tolerations."""
    _, template = _defaulted_template("DaemonSet", body, kubernetes_version or NEWEST)
    spec = deep_copy(_mapping(template.get("spec")))
    node_name = _mapping(node.get("metadata")).get("name")
    if spec.get("nodeName") and spec.get("nodeName") != node_name:
        return False
    if not pod_matches_node_selector_and_affinity(spec, node):
        return False
    _add_daemon_tolerations(spec)
    tolerations = [t for t in spec.get("tolerations") or [] if isinstance(t, dict)]
    taints = _mapping(node.get("spec")).get("taints") or []
    for taint in taints if isinstance(taints, list) else []:
        if not isinstance(taint, dict) or taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(_tolerates_taint(toleration, taint) for toleration in tolerations):
            return False
    return True


def _tolerates_taint(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    """Toleration.ToleratesTaint (k8s.io/api core/v1 toleration.go)."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


# -- recorded pods -----------------------------------------------------------------------------


def _body(item: Any) -> dict[str, Any]:
    body = getattr(item, "body", item)
    return body if isinstance(body, dict) else {}


def _controller_ref(metadata: Mapping[str, Any], namespace: str) -> str | None:
    """The controlling ownerReference as a contract reference (`Node/<name>` for mirror pods)."""
    references = metadata.get("ownerReferences")
    for reference in references if isinstance(references, list) else []:
        if isinstance(reference, dict) and reference.get("controller") is True:
            kind, name = reference.get("kind"), reference.get("name")
            if isinstance(kind, str) and isinstance(name, str):
                if kind == "Node":
                    return f"Node/{name}"
                return f"{kind}/{namespace}/{name}"
    return None


def _is_ready(status: Mapping[str, Any]) -> bool:
    """podutil.IsPodReady: the Ready condition is True."""
    conditions = status.get("conditions")
    for condition in conditions if isinstance(conditions, list) else []:
        if isinstance(condition, dict) and condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def _pod_ip(status: Mapping[str, Any]) -> str | None:
    ip = status.get("podIP")
    if isinstance(ip, str) and ip:
        return ip
    ips = status.get("podIPs")
    for entry in ips if isinstance(ips, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("ip"), str) and entry["ip"]:
            return entry["ip"]
    return None


def _location(item: Any) -> Location | None:
    origin = getattr(item, "origin", None)
    if origin is None:
        return None
    return Location(origin.source, origin.line, origin.column)


def recorded_pod(resource_body: Any, *, owner: str | None = None) -> PodView:
    """A snapshot Pod as a PodView. `owner` overrides the controlling ownerReference (used to
    name the Deployment instead of its ReplicaSet). `replica` is the StatefulSet ordinal
    (pod-index label, else the name's number) and 0 for other pods (see recorded_pods)."""
    body = _body(resource_body)
    metadata = _mapping(body.get("metadata"))
    namespace = metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else ""
    namespace = namespace or "default"
    name = metadata.get("name") if isinstance(metadata.get("name"), str) else ""
    spec = _mapping(body.get("spec"))
    status = _mapping(body.get("status"))
    labels = _string_map(metadata.get("labels"))
    controller = _controller_ref(metadata, namespace)
    replica = 0
    if controller and controller.startswith("StatefulSet/"):
        index = go_parse_int(labels.get(POD_INDEX))
        if index is None:
            index = go_parse_int(name.rpartition("-")[2])
        replica = index if index is not None and index >= 0 else 0
    phase = status.get("phase")
    node = spec.get("nodeName")
    return PodView(
        namespace=namespace,
        name=name,
        labels=labels,
        spec=spec,
        owner=owner if owner is not None else controller,
        replica=replica,
        planned=False,
        node=node if isinstance(node, str) and node else None,
        phase=phase if isinstance(phase, str) and phase else "Pending",
        ready=_is_ready(status),
        pod_ip=_pod_ip(status),
        annotations=_string_map(metadata.get("annotations")),
        template_hash=labels.get(POD_TEMPLATE_HASH) or labels.get(CONTROLLER_REVISION_HASH),
        location=_location(resource_body),
    )


def recorded_pods(snapshot_pods: Iterable[Any], replicasets: Iterable[Any] = ()) -> list[PodView]:
    """The snapshot's pods (Resources or bodies), sorted by namespace and name. A pod of a
    ReplicaSet that a Deployment controls names the Deployment as its owner. Pods of the same
    owner that are not StatefulSet pods are numbered 0..N-1 in name order."""
    deployments: dict[tuple[str, str], str] = {}
    for replicaset in replicasets:
        metadata = _mapping(_body(replicaset).get("metadata"))
        namespace = metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else ""
        namespace = namespace or "default"
        controller = _controller_ref(metadata, namespace)
        name = metadata.get("name")
        if controller and controller.startswith("Deployment/") and isinstance(name, str):
            deployments[(namespace, name)] = controller
    pods = []
    for item in snapshot_pods:
        pod = recorded_pod(item)
        if pod.owner and pod.owner.startswith("ReplicaSet/"):
            replicaset = pod.owner.split("/", 2)[2]
            pod.owner = deployments.get((pod.namespace, replicaset), pod.owner)
        pods.append(pod)
    pods.sort(key=lambda pod: (pod.namespace, pod.name))
    counters: dict[str, int] = {}
    for pod in pods:
        if pod.owner and not pod.owner.startswith("StatefulSet/"):
            pod.replica = counters.get(pod.owner, 0)
            counters[pod.owner] = pod.replica + 1
    return pods


# Template labels the API server or controllers add, which a manifest does not carry.
_CONTROLLER_LABELS = (
    "pod-template-hash",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "job-name",
    "batch.kubernetes.io/job-name",
)


def keeps_recorded_pods(
    kind: str, desired: Mapping[str, Any], recorded: Mapping[str, Any], version: str | None
) -> bool:
    """The desired workload keeps the recorded pods: same defaulted pod template (ignoring the
    labels controllers add) and same replica count; its controller then has nothing to do."""
    from kplan.k8s.defaults import apply_defaults

    def template(body: Mapping[str, Any]) -> object:
        body = dict(body)
        body["apiVersion"] = {"ReplicationController": "v1", "Job": "batch/v1"}.get(kind, "apps/v1")
        defaulted = apply_defaults(body, version or NEWEST)
        found = _mapping(_mapping(defaulted.get("spec")).get("template"))
        labels = dict(_mapping(_mapping(found.get("metadata")).get("labels")))
        for key in _CONTROLLER_LABELS:
            labels.pop(key, None)
        metadata = {k: v for k, v in _mapping(found.get("metadata")).items() if k != "labels"}
        metadata.pop("creationTimestamp", None)
        return json.dumps([labels, metadata, found.get("spec")], sort_keys=True)

    if kind != "DaemonSet" and workload_replicas(kind, desired) != workload_replicas(
        kind, recorded
    ):
        return False
    return template(desired) == template(recorded)
