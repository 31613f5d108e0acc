"""Per-node aggregated state (framework.NodeInfo) and the cluster the scheduler sees.

A NodeInfo holds what the filters and scores read about a node: allocatable (cpu in
millicores, memory and ephemeral storage in bytes, the pod count, scalar resources), the sums
of its pods' requests (`Requested`) and of their non-zero requests (`NonZeroRequested`, for
LeastAllocated), its pods (and the subsets with pod affinity / required anti-affinity), the
host ports in use and the images it has. Adding or removing a pod updates all of it
incrementally (NodeInfo.AddPodInfo / RemovePod), as the scheduler cache does.

`Cluster` is the snapshot: nodes sorted by name (kplan breaks score ties by name, so the
first index wins), how many nodes hold each image (ImageStateSummary.NumNodes), namespace
labels, and an append-only log of pod additions and removals that incremental consumers
(the per-template caches of the fast path) replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kplan.plan.scheduling.podinfo import PodInfo, TermHook, pod_hooks
from kplan.plan.scheduling.resources import (
    CPU,
    EPHEMERAL_STORAGE,
    MEMORY,
    PODS,
    is_scalar_resource_name,
    quantity_milli,
    quantity_value,
)

__all__ = ["Cluster", "NodeInfo", "namespace_labels"]

ALL_IPS = "0.0.0.0"


def _map(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


class NodeInfo:
    """framework.NodeInfo for one node."""

    __slots__ = (
        "index",
        "name",
        "obj",
        "labels",
        "taints",
        "unschedulable",
        "alloc_cpu",
        "alloc_memory",
        "alloc_ephemeral",
        "alloc_pods",
        "alloc_scalar",
        "req_cpu",
        "req_memory",
        "req_ephemeral",
        "req_scalar",
        "nz_cpu",
        "nz_memory",
        "pods",
        "pods_with_affinity",
        "pods_with_required_anti_affinity",
        "used_ports",
        "images",
        "generation",
    )

    def __init__(self, index: int, obj: Mapping[str, Any]) -> None:
        metadata = _map(obj.get("metadata"))
        spec = _map(obj.get("spec"))
        status = _map(obj.get("status"))
        self.index = index
        self.name = str(metadata.get("name") or "")
        self.obj = obj
        self.labels: dict[str, str] = {str(k): v for k, v in _map(metadata.get("labels")).items()}
        self.taints: list[dict[str, Any]] = [
            dict(t) for t in spec.get("taints") or [] if isinstance(t, Mapping)
        ]
        self.unschedulable = spec.get("unschedulable") is True
        allocatable = _map(status.get("allocatable"))
        self.alloc_cpu = quantity_milli(allocatable.get(CPU, 0))
        self.alloc_memory = quantity_value(allocatable.get(MEMORY, 0))
        self.alloc_ephemeral = quantity_value(allocatable.get(EPHEMERAL_STORAGE, 0))
        self.alloc_pods = quantity_value(allocatable.get(PODS, 0))
        self.alloc_scalar: dict[str, int] = {
            str(name): quantity_value(value)
            for name, value in allocatable.items()
            if is_scalar_resource_name(str(name))
        }
        self.req_cpu = 0
        self.req_memory = 0
        self.req_ephemeral = 0
        self.req_scalar: dict[str, int] = {}
        self.nz_cpu = 0
        self.nz_memory = 0
        self.pods: list[PodInfo] = []
        self.pods_with_affinity: list[PodInfo] = []
        self.pods_with_required_anti_affinity: list[PodInfo] = []
        self.used_ports: dict[str, set[tuple[str, int]]] = {}
        self.images: dict[str, int] = {}
        for image in status.get("images") or []:
            if not isinstance(image, Mapping):
                continue
            size = image.get("sizeBytes")
            size = int(size) if isinstance(size, int) and not isinstance(size, bool) else 0
            for name in image.get("names") or []:
                self.images[str(name)] = size
        self.generation = 0

    def add_pod(self, pod: PodInfo) -> None:
        """NodeInfo.AddPodInfo."""
        template = pod.template
        self.pods.append(pod)
        if template.has_pod_affinity:
            self.pods_with_affinity.append(pod)
        if template.required_anti_affinity:
            self.pods_with_required_anti_affinity.append(pod)
        self._account(pod, 1)

    def remove_pod(self, pod: PodInfo) -> None:
        """NodeInfo.RemovePod."""
        self.pods.remove(pod)
        if pod in self.pods_with_affinity:
            self.pods_with_affinity.remove(pod)
        if pod in self.pods_with_required_anti_affinity:
            self.pods_with_required_anti_affinity.remove(pod)
        self._account(pod, -1)

    def _account(self, pod: PodInfo, sign: int) -> None:
        template = pod.template
        requests = template.requests
        self.req_cpu += sign * requests.milli_cpu
        self.req_memory += sign * requests.memory
        self.req_ephemeral += sign * requests.ephemeral_storage
        for name, amount in requests.scalar.items():
            self.req_scalar[name] = self.req_scalar.get(name, 0) + sign * amount
        self.nz_cpu += sign * template.non_zero_cpu
        self.nz_memory += sign * template.non_zero_memory
        for ip, protocol, port in template.host_ports:
            if sign > 0:
                self.used_ports.setdefault(ip, set()).add((protocol, port))
            else:
                self.used_ports.get(ip, set()).discard((protocol, port))
        self.generation += 1

    def requested(self, resource: str, use_requested: bool) -> int:
        """What a resource-allocation scorer sees as requested on this node: NonZeroRequested
        for cpu/memory unless `use_requested` (BalancedAllocation), Requested otherwise."""
        if resource == CPU:
            return self.req_cpu if use_requested else self.nz_cpu
        if resource == MEMORY:
            return self.req_memory if use_requested else self.nz_memory
        if resource == EPHEMERAL_STORAGE:
            return self.req_ephemeral
        return self.req_scalar.get(resource, 0)

    def allocatable(self, resource: str) -> int:
        if resource == CPU:
            return self.alloc_cpu
        if resource == MEMORY:
            return self.alloc_memory
        if resource == EPHEMERAL_STORAGE:
            return self.alloc_ephemeral
        return self.alloc_scalar.get(resource, 0)

    def has_allocatable(self, resource: str) -> bool:
        return resource in (CPU, MEMORY, EPHEMERAL_STORAGE) or resource in self.alloc_scalar

    def __repr__(self) -> str:
        return f"NodeInfo({self.name!r}, pods={len(self.pods)})"


def namespace_labels(namespaces: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Namespace name -> labels, with `kubernetes.io/metadata.name` as the API server sets it."""
    result: dict[str, dict[str, Any]] = {}
    for namespace in namespaces:
        metadata = _map(namespace.get("metadata"))
        name = metadata.get("name")
        if not isinstance(name, str) or not name:
            continue
        labels = {str(k): v for k, v in _map(metadata.get("labels")).items()}
        labels.setdefault("kubernetes.io/metadata.name", name)
        result[name] = labels
    return result


class Cluster:
    """The scheduler's snapshot: nodes (sorted by name), placed pods, image spread."""

    def __init__(
        self,
        nodes: Iterable[Mapping[str, Any]],
        namespaces: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        named = [n for n in nodes if isinstance(n, Mapping)]
        named.sort(key=lambda n: str(_map(n.get("metadata")).get("name") or ""))
        self.nodes: list[NodeInfo] = [NodeInfo(i, obj) for i, obj in enumerate(named)]
        self.index: dict[str, int] = {}
        for node in self.nodes:
            self.index.setdefault(node.name, node.index)
        self.namespaces: dict[str, dict[str, Any]] = dict(namespaces or {})
        self.image_nodes: dict[str, int] = {}
        for node in self.nodes:
            for image in node.images:
                self.image_nodes[image] = self.image_nodes.get(image, 0) + 1
        # (node index, pod, +1 added / -1 removed)
        self.events: list[tuple[int, PodInfo, int]] = []
        self._unique_keys: frozenset[str] | None = None
        # indexes over the placed pods, for PreFilter work that need not visit every node
        self.priorities: dict[int, int] = {}
        self.affinity_pods: dict[int, PodInfo] = {}
        self.anti_affinity_pods: dict[int, PodInfo] = {}
        # the pods with (anti-)affinity terms by hook (PodTemplate.term_hooks): the
        # namespaces and labels of the pods their terms may match
        self.term_pods: dict[TermHook, dict[int, PodInfo]] = {}
        self.namespace_pods: dict[str, dict[int, PodInfo]] = {}
        self.label_index: dict[tuple[str, str, Any], dict[int, PodInfo]] = {}
        self.image_index: dict[str, list[int]] = {}
        self._key_masks: dict[tuple[str, ...], list[bool]] = {}
        self._label_columns: dict[str, list[tuple[str, Any] | None]] = {}
        self._zero_columns: dict[str, list[tuple[str, int] | None]] = {}
        # derived masks by (operation, id of the sources): (sources..., result)
        self._derived_masks: dict[
            tuple[str, int, int], tuple[list[bool], list[bool], list[bool]]
        ] = {}
        for node in self.nodes:
            for image in node.images:
                self.image_index.setdefault(image, []).append(node.index)

    def namespace_labels(self, namespace: str) -> dict[str, Any]:
        """GetNamespaceLabelsSnapshot: the labels, or none for an unknown namespace."""
        return self.namespaces.get(namespace, {})

    def add_pod(self, pod: PodInfo, index: int) -> None:
        pod.node = index
        self.nodes[index].add_pod(pod)
        self.events.append((index, pod, 1))
        self._index(pod, True)

    def remove_pod(self, pod: PodInfo) -> None:
        index = pod.node
        self.nodes[index].remove_pod(pod)
        pod.node = -1
        self.events.append((index, pod, -1))
        self._index(pod, False)

    def detach(self, pod: PodInfo) -> None:
        """Take a pod off its node for a what-if (preemption's dry run): node state and
        indexes follow, the event log does not; attach() must put it back."""
        self.nodes[pod.node].remove_pod(pod)
        self._index(pod, False)

    def attach(self, pod: PodInfo) -> None:
        """Undo detach()."""
        self.nodes[pod.node].add_pod(pod)
        self._index(pod, True)

    def _index(self, pod: PodInfo, add: bool) -> None:
        key = id(pod)
        template = pod.template
        namespace = template.namespace
        count = self.priorities.get(pod.priority, 0) + (1 if add else -1)
        if count:
            self.priorities[pod.priority] = count
        else:
            self.priorities.pop(pod.priority, None)
        targets = [self.namespace_pods.setdefault(namespace, {})]
        if template.has_pod_affinity:
            targets.append(self.affinity_pods)
        if template.required_anti_affinity:
            targets.append(self.anti_affinity_pods)
        for hook in template.term_hooks:
            targets.append(self.term_pods.setdefault(hook, {}))
        for label, value in template.labels.items():
            try:
                targets.append(self.label_index.setdefault((namespace, label, value), {}))
            except TypeError:
                continue
        for target in targets:
            if add:
                target[key] = pod
            else:
                target.pop(key, None)

    def key_mask(self, keys: Iterable[str]) -> list[bool]:
        """Per node, whether it has all these label keys (memoised: node labels are fixed)."""
        wanted = tuple(sorted(set(keys)))
        mask = self._key_masks.get(wanted)
        if mask is None:
            mask = [all(k in node.labels for k in wanted) for node in self.nodes]
            self._key_masks[wanted] = mask
        return mask

    def label_column(self, key: str) -> list[tuple[str, Any] | None]:
        """Per node, ("=", its value of the label) or None without it (memoised: node labels
        are fixed); equal values share one tuple."""
        column = self._label_columns.get(key)
        if column is None:
            parts: dict[Any, tuple[str, Any]] = {}
            column = []
            for node in self.nodes:
                if key in node.labels:
                    value = node.labels[key]
                    part = parts.get(value)
                    if part is None:
                        part = parts[value] = ("=", value)
                    column.append(part)
                else:
                    column.append(None)
            self._label_columns[key] = column
        return column

    def mask_and(self, first: list[bool], second: list[bool]) -> list[bool]:
        """[a and b] of two per-node masks that are never changed (memoised by identity)."""
        key = ("and", id(first), id(second))
        entry = self._derived_masks.get(key)
        if entry is None or entry[0] is not first or entry[1] is not second:
            combined = [a and b for a, b in zip(first, second, strict=True)]
            entry = self._derived_masks[key] = (first, second, combined)
        return entry[2]

    def mask_not(self, mask: list[bool]) -> list[bool]:
        """[not a] of a per-node mask that is never changed (memoised by identity)."""
        key = ("not", id(mask), 0)
        entry = self._derived_masks.get(key)
        if entry is None or entry[0] is not mask:
            entry = self._derived_masks[key] = (mask, mask, [not a for a in mask])
        return entry[2]

    def zero_column(self, key: str) -> list[tuple[str, int] | None]:
        """Per node, ("#", 0) or None without the label (memoised)."""
        column = self._zero_columns.get(key)
        if column is None:
            zero = ("#", 0)
            column = [zero if key in node.labels else None for node in self.nodes]
            self._zero_columns[key] = column
        return column

    def has_lower_priority(self, priority: int) -> bool:
        """Whether any placed pod has a lower priority (a preemption victim could exist)."""
        return any(p < priority for p in self.priorities)

    def candidates(
        self, namespaces: Iterable[str] | None, selector_pairs: Iterable[tuple[str, Any]]
    ) -> Iterable[PodInfo]:
        """Pods that may match a selector with these equality requirements, in the given
        namespaces (None: all): the smallest label-index bucket, else the namespaces' pods."""
        pairs = list(selector_pairs)
        spaces = list(self.namespace_pods) if namespaces is None else list(namespaces)
        result: list[PodInfo] = []
        for namespace in spaces:
            best: dict[int, PodInfo] | None = None
            for label, value in pairs:
                try:
                    bucket = self.label_index.get((namespace, label, value), {})
                except TypeError:
                    continue
                if best is None or len(bucket) < len(best):
                    best = bucket
            source = best if best is not None else self.namespace_pods.get(namespace, {})
            result.extend(source.values())
        return result

    def term_candidates(
        self, namespace: str, labels: Mapping[str, Any]
    ) -> list[dict[int, PodInfo]]:
        """Placed pods (by id) whose (anti-)affinity terms may match a pod with this
        namespace and labels: a superset of those with a term that does."""
        if not self.term_pods:
            return []
        found = []
        for hook in pod_hooks(namespace, labels):
            bucket = self.term_pods.get(hook)
            if bucket:
                found.append(bucket)
        return found

    def all_pods(self) -> Iterable[tuple[NodeInfo, PodInfo]]:
        for node in self.nodes:
            for pod in node.pods:
                yield node, pod

    @property
    def unique_label_keys(self) -> frozenset[str]:
        """Label keys every node has, each with its own value (typically
        kubernetes.io/hostname): their topology domains are single nodes, which the fast path
        keeps per node."""
        if self._unique_keys is None:
            seen: dict[str, set[Any]] = {}
            shared: set[str] = set()
            for node in self.nodes:
                for key, value in node.labels.items():
                    values = seen.setdefault(key, set())
                    try:
                        if value in values:
                            shared.add(key)
                        values.add(value)
                    except TypeError:
                        shared.add(key)
            total = len(self.nodes)
            self._unique_keys = frozenset(
                key for key, values in seen.items() if key not in shared and len(values) == total
            )
        return self._unique_keys
