"""The plan's `scheduling` section: where the pods the plan creates land, by kube-scheduler's
rules (kplan.plan.scheduling), on the cluster after the plan.

Pods the plan keeps (recorded pods of unchanged workloads, bare pods) occupy their nodes;
pods of changed, replaced or new workloads are the ones to place, in the order of the
contract's model. Without recorded Nodes there is nothing to place on, and the section is
left out rather than reporting every pod as Pending on an imaginary empty cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.plan.pod_model import PodView

if TYPE_CHECKING:
    from kplan.plan.scheduling import Simulation
    from kplan.plan.wiring.objects import WiredObject
    from kplan.snapshot.load import Snapshot

# Objects whose selectors make PodTopologySpread's system-default constraints apply
# (pkg/scheduler/framework/plugins/helper DefaultSelector: Services, ReplicationControllers,
# ReplicaSets, StatefulSets). A Deployment stands for the ReplicaSet it will create.
_SPREADING_KINDS = ("Service", "ReplicationController", "ReplicaSet", "StatefulSet", "Deployment")


@dataclass
class SchedulingCluster:
    """What the scheduler reads of the cluster after the plan, built once for the plan's
    placement, capacity and surge simulations: `nodes` plus the rest of schedule()'s
    keyword arguments. One template factory serves them all, so each recorded pod's
    scheduling template is built once, not once per simulation."""

    nodes: list[dict[str, Any]]
    options: dict[str, Any]
    # the snapshot's pods (kplan.plan.wiring.stage.snapshot_pod_views)
    recorded_pods: Sequence[PodView]
    # the plan's simulation once it has placed the plan's pods (surge checks ask it)
    placed: Simulation | None = None


def scheduling_cluster(
    objects: Sequence[WiredObject],
    snapshot: Snapshot | None,
    recorded_pods: Sequence[PodView],
    kubernetes_version: str,
    config: Mapping[str, Any] | None = None,
) -> SchedulingCluster | None:
    """None without recorded Nodes: there is nothing to place on."""
    if snapshot is None or not snapshot.is_recorded("", "Node"):
        return None
    from kplan.plan.ahead import TEMPLATES, take
    from kplan.plan.scheduling import TemplateFactory, default_profile

    by_kind: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for obj in objects:
        by_kind.setdefault((obj.group, obj.kind), []).append(obj.body)

    def bodies(group: str, kind: str) -> list[dict[str, Any]]:
        return list(by_kind.get((group, kind), ()))

    options = {
        "kubernetes_version": kubernetes_version,
        "priority_classes": bodies("scheduling.k8s.io", "PriorityClass"),
        "pvcs": bodies("", "PersistentVolumeClaim"),
        "pvs": bodies("", "PersistentVolume"),
        "storage_classes": bodies("storage.k8s.io", "StorageClass"),
        "namespaces": bodies("", "Namespace"),
        "config": config,
        "default_spread_selectors": _spread_selectors(objects),
        "volumes_recorded": snapshot.is_recorded("", "PersistentVolumeClaim"),
        "templates": take(snapshot, (TEMPLATES, kubernetes_version))
        or TemplateFactory(default_profile(kubernetes_version).features),
    }
    return SchedulingCluster(bodies("", "Node"), options, recorded_pods)


def plan_scheduling(
    cluster: SchedulingCluster | None,
    pods: Sequence[PodView],
    *,
    explain: bool = False,
    capacity: bool = False,
) -> dict[str, Any] | None:
    """The section (`{"placements": [...]}`, with `capacity` when asked), or None when no
    Nodes were recorded."""
    if cluster is None:
        return None
    from kplan.plan.scheduling import schedule

    new = [pod for pod in pods if pod.planned]
    existing = [pod for pod in pods if not pod.planned]
    result = schedule(new, existing, cluster.nodes, explain=explain, **cluster.options)
    cluster.placed = result.simulation if not explain else None  # explain: slow engine
    section: dict[str, Any] = {"placements": result.placements}
    if capacity:
        section["capacity"] = workload_capacity(cluster, pods)
    return section


def workload_capacity(cluster: SchedulingCluster, pods: Sequence[PodView]) -> list[dict[str, Any]]:
    """cluster-capacity's question per planned workload: how many more replicas of its pod
    would fit once the plan is applied (every placed pod counted, no preemption)."""
    from kplan.plan.scheduling import capacity

    placed = [pod for pod in pods if not pod.planned or pod.node is not None]
    result = []
    seen: set[str] = set()
    for pod in pods:
        if not pod.planned or pod.owner is None or pod.owner in seen:
            continue
        seen.add(pod.owner)
        more = capacity(pod, placed, cluster.nodes, limit=CAPACITY_LIMIT, **cluster.options)
        result.append({"workload": pod.owner, "more_replicas": more})
    return sorted(result, key=lambda entry: entry["workload"])


# Counting stops here: "at least 1000 more" answers the question without a long simulation.
CAPACITY_LIMIT = 1000


def surge_check(cluster: SchedulingCluster | None, pods: Sequence[PodView]) -> SurgeCheck | None:
    """`fits(workload_body, n)` for the rollouts (SurgeCheck); None without recorded Nodes."""
    return SurgeCheck(cluster, pods) if cluster is not None else None


class SurgeCheck:
    """Can n surge pods of a workload's new template be placed while its old pods still run
    (the peak of a rolling update)? The cluster is the plan's, with the workload's recorded
    pods back in place of its planned ones. Checks are made in the order asked while their
    count stays within SURGE_BUDGET; later ones are assumed to fit and listed in
    `unchecked`."""

    def __init__(self, cluster: SchedulingCluster, pods: Sequence[PodView]) -> None:
        self.cluster = cluster
        self.pods = pods
        self.checked: list[str] = []
        self.unchecked: list[str] = []

    def __call__(self, body: dict[str, Any], count: int) -> bool:
        owner = _owner_of(body)
        if (len(self.checked) + 1) * max(len(self.pods), 1) > SURGE_BUDGET:
            self.unchecked.append(owner)
            return True
        self.checked.append(owner)
        return self._fits(body, count)

    def _fits(self, body: dict[str, Any], count: int) -> bool:
        from kplan.plan.pods import expand_workload
        from kplan.plan.scheduling import capacity

        cluster = self.cluster
        owner = _owner_of(body)
        namespace = str((body.get("metadata") or {}).get("namespace") or "default")
        version = cluster.options["kubernetes_version"]
        template = expand_workload(body, namespace, kubernetes_version=version)
        if not template:
            return True
        returning = [pod for pod in cluster.recorded_pods if pod.owner == owner]
        if cluster.placed is not None and template[0].owner == owner:  # the same answer
            return cluster.placed.capacity_instead(template[0], count, returning) >= count
        running = [
            pod
            for pod in self.pods
            if pod.owner != owner and (not pod.planned or pod.node is not None)
        ]
        running += returning
        return (
            capacity(template[0], running, cluster.nodes, limit=count, **cluster.options) >= count
        )


def _owner_of(body: dict[str, Any]) -> str:
    metadata = body.get("metadata") or {}
    namespace = str(metadata.get("namespace") or "default")
    return f"{body.get('kind')}/{namespace}/{metadata.get('name')}"


# Each surge check simulates the whole cluster once (≈0.2 ms per pod on it): a plan checks
# rollouts in order while checks × pods stays within this budget (a few seconds at most); the
# rest are assumed to fit and say so. Small clusters get every rollout checked.
SURGE_BUDGET = 20_000


def _spread_selectors(objects: Sequence[WiredObject]) -> Any:
    """`pod -> selectors` of the objects of its namespace whose selector matches it, in the
    objects' order. Each selector is parsed once and filed under one label pair it requires
    (when it requires one): the scheduler asks for every pod it places, and a namespace may
    hold hundreds of Services."""
    from kplan.k8s.labels import Selector
    from kplan.k8s.selectors import label_selector_to_selector

    # (namespace, key, value) -> entries requiring that label; namespace -> the others
    required: dict[tuple[str, str, Any], list[_SpreadEntry]] = {}
    unindexed: dict[str, list[_SpreadEntry]] = {}
    for position, obj in enumerate(objects):
        if obj.kind not in _SPREADING_KINDS:
            continue
        spec = obj.body.get("spec")
        selector = spec.get("selector") if isinstance(spec, dict) else None
        if not isinstance(selector, dict) or not selector:
            continue
        parsed: Selector | None = None
        pairs = selector  # a plain map: every pair must be there
        if obj.kind not in ("Service", "ReplicationController"):  # a LabelSelector
            try:
                parsed = label_selector_to_selector(selector)
            except ValueError:
                continue
            labels = selector.get("matchLabels")
            pairs = labels if isinstance(labels, dict) else {}
        entry = _SpreadEntry(position, selector, parsed)
        pair = next((item for item in sorted(pairs.items()) if isinstance(item[1], str)), None)
        if pair is None:
            unindexed.setdefault(obj.namespace, []).append(entry)
        else:
            required.setdefault((obj.namespace, *pair), []).append(entry)

    def selectors(pod: PodView) -> list[Any]:
        candidates = list(unindexed.get(pod.namespace, ()))
        for key, value in pod.labels.items():
            candidates.extend(required.get((pod.namespace, key, value), ()))
        candidates.sort(key=lambda entry: entry.position)
        found = []
        for entry in candidates:
            if entry.parsed is None:
                matched = all(pod.labels.get(k) == v for k, v in entry.selector.items())
            else:
                matched = entry.parsed.matches(pod.labels)
            if matched:
                found.append(entry.selector)
        return found

    return selectors


@dataclass(frozen=True)
class _SpreadEntry:
    position: int  # in the objects, for the order of the matches
    selector: dict[str, Any]
    parsed: Any  # the parsed LabelSelector, None for a plain map
