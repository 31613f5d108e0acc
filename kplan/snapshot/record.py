"""`kplan snapshot`: record a cluster with kubectl, the one place kplan talks to a cluster.

kubectl does the talking (kubeconfig, auth plugins, proxies all work as the user knows them):

1. `kubectl config current-context`, unless `--context` names one; every later call passes
   `--context` so that all of them read the same cluster;
2. `kubectl get <cluster-scoped types> -o json --context C`;
3. `kubectl get <namespaced types> -o json --context C (-A | -n NS)`;
4. with custom resources: `kubectl get <plural>.<version>.<group>,... -o json --context C
   (-A | -n NS)` for every kind the recorded CRDs define (storage version, if served).

When a combined call fails (a type the server does not serve, RBAC forbidding Secrets), each
type is asked alone and the ones that still fail are left out with a warning: they are then
not among the recorded kinds, so a plan treats them as unknown rather than absent. If no
cluster-scoped type can be read at all, the cluster is unreachable and recording stops.

Kept: everything plan stages read, including status, uid, ownerReferences,
last-applied-configuration and resourceVersion (harmless, and it tells which state was
recorded). Dropped: metadata.managedFields and metadata.selfLink (noise). Secret values are
hashed (kplan.snapshot.redact) before anything is written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kplan.snapshot.header import NO_CONTEXT, GroupKind, SnapshotHeader, scope_text
from kplan.snapshot.redact import redact_secret
from kplan.snapshot.write import YAML_FORMAT, dump

KUBECTL_ENV = "KPLAN_KUBECTL"
DROPPED_METADATA = ("managedFields", "selfLink")


class SnapshotError(Exception):
    """Recording failed; the CLI prints the message and exits 3."""


class KubectlNotFound(SnapshotError):
    """No kubectl executable to run."""


class KubectlFailed(SnapshotError):
    """kubectl ran and failed in a way that leaves nothing worth recording."""


@dataclass(frozen=True)
class ResourceType:
    """One `kubectl get` argument and the (group, kind) it lists."""

    name: str
    group: str
    kind: str
    namespaced: bool


def _t(name: str, group: str, kind: str, namespaced: bool = True) -> ResourceType:
    return ResourceType(name, group, kind, namespaced)


# Fully qualified names where another group serves the same plural (Knative has `services`,
# but kubectl resolves a bare core name to the core group first).
CLUSTER_TYPES: tuple[ResourceType, ...] = (
    _t("nodes", "", "Node", False),
    _t("namespaces", "", "Namespace", False),
    _t("persistentvolumes", "", "PersistentVolume", False),
    _t("storageclasses.storage.k8s.io", "storage.k8s.io", "StorageClass", False),
    _t("priorityclasses.scheduling.k8s.io", "scheduling.k8s.io", "PriorityClass", False),
    _t("ingressclasses.networking.k8s.io", "networking.k8s.io", "IngressClass", False),
    _t(
        "customresourcedefinitions.apiextensions.k8s.io",
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        False,
    ),
)
NAMESPACED_TYPES: tuple[ResourceType, ...] = (
    _t("pods", "", "Pod"),
    _t("deployments.apps", "apps", "Deployment"),
    _t("replicasets.apps", "apps", "ReplicaSet"),
    _t("statefulsets.apps", "apps", "StatefulSet"),
    _t("daemonsets.apps", "apps", "DaemonSet"),
    _t("jobs.batch", "batch", "Job"),
    _t("cronjobs.batch", "batch", "CronJob"),
    _t("services", "", "Service"),
    _t("endpointslices.discovery.k8s.io", "discovery.k8s.io", "EndpointSlice"),
    _t("ingresses.networking.k8s.io", "networking.k8s.io", "Ingress"),
    _t("configmaps", "", "ConfigMap"),
    _t("secrets", "", "Secret"),
    _t("serviceaccounts", "", "ServiceAccount"),
    _t("persistentvolumeclaims", "", "PersistentVolumeClaim"),
    _t("poddisruptionbudgets.policy", "policy", "PodDisruptionBudget"),
    _t("horizontalpodautoscalers.autoscaling", "autoscaling", "HorizontalPodAutoscaler"),
    _t("networkpolicies.networking.k8s.io", "networking.k8s.io", "NetworkPolicy"),
)
BUILTIN_KINDS = frozenset((t.group, t.kind) for t in CLUSTER_TYPES + NAMESPACED_TYPES)


@dataclass(frozen=True)
class SnapshotOptions:
    """What `kplan snapshot` was asked for. `namespace` None means all namespaces (-A)."""

    context: str | None = None
    namespace: str | None = None
    custom_resources: bool = False
    output_format: str = YAML_FORMAT
    kubectl: str | None = None  # executable; default $KPLAN_KUBECTL, then kubectl on PATH


@dataclass
class RecordResult:
    text: str  # the snapshot file's content
    header: SnapshotHeader
    objects: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: bytes
    stderr: str


Runner = Callable[[Sequence[str]], Completed]


def record_snapshot(options: SnapshotOptions, runner: Runner | None = None) -> RecordResult:
    """Run kubectl, and return the snapshot text with what it covered and what went wrong."""
    session = _Session(options, runner or _subprocess_runner(find_kubectl(options.kubectl)))
    return session.record()


def find_kubectl(explicit: str | None = None) -> str:
    """The kubectl executable: the option, $KPLAN_KUBECTL, or `kubectl` on PATH."""
    name = explicit or os.environ.get(KUBECTL_ENV) or "kubectl"
    found = shutil.which(name)
    if found is None:
        source = f"{KUBECTL_ENV}={name}" if not explicit and os.environ.get(KUBECTL_ENV) else name
        raise KubectlNotFound(
            f"kubectl not found ({source}): kplan snapshot runs kubectl to read the cluster; "
            f"install it, or set {KUBECTL_ENV} to its path"
        )
    return found


def _subprocess_runner(executable: str) -> Runner:
    def run(arguments: Sequence[str]) -> Completed:
        try:
            done = subprocess.run([executable, *arguments], capture_output=True, check=False)
        except OSError as error:
            raise KubectlNotFound(f"cannot run {executable}: {error.strerror or error}") from None
        stderr = done.stderr.decode("utf-8", "replace").strip()
        return Completed(done.returncode, done.stdout, stderr)

    return run


@dataclass
class _Fetched:
    items: list[dict[str, Any]] = field(default_factory=list)
    recorded: list[ResourceType] = field(default_factory=list)
    failed: list[tuple[ResourceType, str]] = field(default_factory=list)


class _Session:
    def __init__(self, options: SnapshotOptions, run: Runner) -> None:
        self.options = options
        self.run = run
        self.warnings: list[str] = []

    def record(self) -> RecordResult:
        context = self.options.context or self._current_context()
        context_args = ["--context", context] if context else []
        scope_args = ["-n", self.options.namespace] if self.options.namespace else ["-A"]
        cluster = self._fetch(CLUSTER_TYPES, context_args)
        if not cluster.recorded:
            raise KubectlFailed(_unreachable(cluster))
        fetched = [cluster, self._fetch(NAMESPACED_TYPES, context_args + scope_args)]
        if self.options.custom_resources:
            custom = custom_resource_types(cluster.items)
            if custom:
                fetched.append(self._fetch(custom, context_args + scope_args))
        return self._result(context or NO_CONTEXT, fetched)

    def _current_context(self) -> str | None:
        done = self.run(["config", "current-context"])
        if done.returncode != 0:
            self.warnings.append(
                f"no current kubectl context ({done.stderr or 'kubectl failed'}); "
                "recording with kubectl's default configuration"
            )
            return None
        return done.stdout.decode("utf-8", "replace").strip() or None

    def _fetch(self, types: Sequence[ResourceType], extra: list[str]) -> _Fetched:
        """One call for all types; on failure one call per type, keeping what succeeds."""
        fetched = _Fetched()
        done = self._get(types, extra)
        if done.returncode == 0:
            fetched.items.extend(_items(done))
            fetched.recorded.extend(types)
            return fetched
        if len(types) == 1:
            fetched.failed.append((types[0], done.stderr))
            return fetched
        for resource_type in types:
            alone = self._get([resource_type], extra)
            if alone.returncode == 0:
                fetched.items.extend(_items(alone))
                fetched.recorded.append(resource_type)
            else:
                fetched.failed.append((resource_type, alone.stderr))
        return fetched

    def _get(self, types: Sequence[ResourceType], extra: list[str]) -> Completed:
        names = ",".join(resource_type.name for resource_type in types)
        return self.run(["get", names, "-o", "json", *extra])

    def _result(self, context: str, fetched: list[_Fetched]) -> RecordResult:
        recorded: set[GroupKind] = set()
        failed: set[GroupKind] = set()
        items: list[dict[str, Any]] = []
        for part in fetched:
            recorded.update((t.group, t.kind) for t in part.recorded)
            failed.update((t.group, t.kind) for t, _ in part.failed)
            items.extend(clean(item) for item in part.items)
            for resource_type, stderr in part.failed:
                self.warnings.append(
                    f"{resource_type.kind} not recorded (kubectl get {resource_type.name}): "
                    f"{stderr or 'kubectl failed'}"
                )
        if self.options.namespace and ("", "Pod") in recorded:
            self.warnings.append(
                f"only pods of namespace {self.options.namespace} are recorded: scheduling "
                "will not count what pods of other namespaces request on each node"
            )
        items.sort(key=sort_key)
        header = SnapshotHeader(
            context=context,
            scope=scope_text(self.options.namespace),
            recorded_kinds=frozenset(recorded),
            not_recorded=frozenset(failed - recorded),
        )
        text = dump(header, items, self.options.output_format)
        return RecordResult(text, header, len(items), self.warnings)


def _items(done: Completed) -> list[dict[str, Any]]:
    try:
        document = json.loads(done.stdout)
    except ValueError as error:
        raise KubectlFailed(f"kubectl printed something that is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise KubectlFailed("kubectl printed JSON that is not an object")
    if isinstance(document.get("items"), list):
        return [item for item in document["items"] if isinstance(item, dict)]
    return [document] if document.get("kind") else []


def _unreachable(cluster: _Fetched) -> str:
    reasons = sorted({stderr for _, stderr in cluster.failed if stderr})
    detail = "\n".join(reasons) if reasons else "kubectl failed without a message"
    return f"kubectl could not list any cluster-scoped kind (nodes, namespaces, ...):\n{detail}"


def custom_resource_types(items: list[dict[str, Any]]) -> list[ResourceType]:
    """A `kubectl get` argument for every kind the recorded CRDs serve, in name order."""
    types: dict[str, ResourceType] = {}
    for item in items:
        if item.get("kind") != "CustomResourceDefinition":
            continue
        found = _crd_type(item)
        if found is not None and (found.group, found.kind) not in BUILTIN_KINDS:
            types.setdefault(found.name, found)
    return [types[name] for name in sorted(types)]


def _crd_type(crd: dict[str, Any]) -> ResourceType | None:
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return None
    names = spec.get("names")
    group = spec.get("group")
    if not isinstance(names, dict) or not isinstance(group, str):
        return None
    plural, kind = names.get("plural"), names.get("kind")
    version = _served_version(spec)
    if not (isinstance(plural, str) and isinstance(kind, str) and version):
        return None
    namespaced = spec.get("scope") != "Cluster"
    return ResourceType(f"{plural}.{version}.{group}", group, kind, namespaced)


def _served_version(spec: dict[str, Any]) -> str | None:
    """The storage version when served, else the first served one (what the cluster stores)."""
    versions = [v for v in spec.get("versions") or [] if isinstance(v, dict)]
    served = [v for v in versions if v.get("served") and isinstance(v.get("name"), str)]
    for version in served:
        if version.get("storage"):
            return version["name"]
    if served:
        return served[0]["name"]
    legacy = spec.get("version")  # apiextensions v1beta1
    return legacy if isinstance(legacy, str) else None


def clean(item: dict[str, Any]) -> dict[str, Any]:
    """An object as a snapshot keeps it: no managed fields or selfLink, Secret values hashed."""
    metadata = item.get("metadata")
    if isinstance(metadata, dict) and any(key in metadata for key in DROPPED_METADATA):
        kept = {key: value for key, value in metadata.items() if key not in DROPPED_METADATA}
        item = {**item, "metadata": kept}
    return redact_secret(item)


def sort_key(item: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """(namespace, kind, name), then group and apiVersion: a deterministic file."""
    metadata = item.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    api_version = item.get("apiVersion")
    api_version = api_version if isinstance(api_version, str) else ""
    return (
        _text(metadata.get("namespace")),
        _text(item.get("kind")),
        _text(metadata.get("name")),
        api_version.rpartition("/")[0],
        api_version,
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
