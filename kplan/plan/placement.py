"""The plan's `scheduling` section: where the pods the plan creates land, by kube-scheduler's
rules (kplan.plan.scheduling), on the cluster after the plan.

Pods the plan keeps (recorded pods of unchanged workloads, bare pods) occupy their nodes;
pods of changed, replaced or new workloads are the ones to place, in the order of the
contract's model. Without recorded Nodes there is nothing to place on, and the section is
left out rather than reporting every pod as Pending on an imaginary empty cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kplan.plan.pod_model import PodView

if TYPE_CHECKING:
    from kplan.plan.wiring.objects import WiredObject
    from kplan.snapshot.load import Snapshot

# Objects whose selectors make PodTopologySpread's system-default constraints apply
# (pkg/scheduler/framework/plugins/helper DefaultSelector: Services, ReplicationControllers,
# ReplicaSets, StatefulSets). A Deployment stands for the ReplicaSet it will create.
_SPREADING_KINDS = ("Service", "ReplicationController", "ReplicaSet", "StatefulSet", "Deployment")


def plan_scheduling(
    objects: Sequence[WiredObject],
    pods: Sequence[PodView],
    snapshot: Snapshot | None,
    *,
    kubernetes_version: str,
    config: Mapping[str, Any] | None = None,
    explain: bool = False,
) -> dict[str, Any] | None:
    """The section (`{"placements": [...]}`), or None when no Nodes were recorded."""
    if snapshot is None or not snapshot.is_recorded("", "Node"):
        return None
    from kplan.plan.scheduling import schedule

    def bodies(group: str, kind: str) -> list[dict[str, Any]]:
        return [o.body for o in objects if o.kind == kind and o.group == group]

    new = [pod for pod in pods if pod.planned]
    existing = [pod for pod in pods if not pod.planned]
    result = schedule(
        new,
        existing,
        bodies("", "Node"),
        kubernetes_version=kubernetes_version,
        priority_classes=bodies("scheduling.k8s.io", "PriorityClass"),
        pvcs=bodies("", "PersistentVolumeClaim"),
        pvs=bodies("", "PersistentVolume"),
        storage_classes=bodies("storage.k8s.io", "StorageClass"),
        namespaces=bodies("", "Namespace"),
        config=config,
        explain=explain,
        default_spread_selectors=_spread_selectors(objects),
        volumes_recorded=snapshot.is_recorded("", "PersistentVolumeClaim"),
    )
    return {"placements": result.placements}


def _spread_selectors(objects: Sequence[WiredObject]) -> Any:
    """`pod -> selectors` of the objects of its namespace whose selector matches it."""
    from kplan.k8s.selectors import label_selector_matches

    by_namespace: dict[str, list[tuple[str, Any]]] = {}
    for obj in objects:
        if obj.kind not in _SPREADING_KINDS:
            continue
        spec = obj.body.get("spec")
        selector = spec.get("selector") if isinstance(spec, dict) else None
        if isinstance(selector, dict) and selector:
            by_namespace.setdefault(obj.namespace, []).append((obj.kind, selector))

    def selectors(pod: PodView) -> list[Any]:
        found = []
        for kind, selector in by_namespace.get(pod.namespace, []):
            plain = kind in ("Service", "ReplicationController")  # a map, not a LabelSelector
            if plain:
                matched = all(pod.labels.get(k) == v for k, v in selector.items())
            else:
                try:
                    matched = label_selector_matches(selector, pod.labels)
                except ValueError:
                    matched = False
            if matched:
                found.append(selector)
        return found

    return selectors
