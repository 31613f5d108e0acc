"""What happens to a pod before and after the scheduler: admission and kubelet.

- The Priority admission plugin resolves `priorityClassName` to `spec.priority` (the two
  system classes always exist; a `globalDefault` class applies to pods without a class; an
  unknown class makes the API server refuse the pod) and copies the class's
  `preemptionPolicy`.
- kubelet admits a pod bound to its node directly (`spec.nodeName`) with
  lifecycle/predicate.go: GeneralPredicates (resources, host ports, node name, required
  node affinity) and the NoExecute taints; a pod it rejects ends Failed (OutOfcpu, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kplan.plan.scheduling.node_affinity import node_affinity_status
from kplan.plan.scheduling.node_ports import ports_conflict
from kplan.plan.scheduling.node_resources_fit import fits_request
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo
from kplan.plan.scheduling.taint_toleration import find_untolerated_taint

__all__ = [
    "SYSTEM_PRIORITY_CLASSES",
    "kubelet_admission",
    "pod_priority",
    "preempt_never",
    "resolve_priority_classes",
]

SYSTEM_PRIORITY_CLASSES = {
    "system-cluster-critical": 2000000000,
    "system-node-critical": 2000001000,
}


def resolve_priority_classes(
    classes: Iterable[Mapping[str, Any]],
) -> tuple[dict[str, int], int, set[str]]:
    """PriorityClass name -> value (the two system classes always exist), the globalDefault
    value (0 without one) and the classes with `preemptionPolicy: Never`."""
    values = dict(SYSTEM_PRIORITY_CLASSES)
    never: set[str] = set()
    global_default: tuple[int, str] | None = None
    for item in classes:
        metadata = item.get("metadata") if isinstance(item.get("metadata"), Mapping) else {}
        name = metadata.get("name") if isinstance(metadata, Mapping) else None
        value = item.get("value")
        if not isinstance(name, str) or not isinstance(value, int) or isinstance(value, bool):
            continue
        values[name] = value
        if item.get("preemptionPolicy") == "Never":
            never.add(name)
        if item.get("globalDefault") is True:
            # the API server allows one; with several, the lowest value (admission picks it)
            if global_default is None or value < global_default[0]:
                global_default = (value, name)
    return values, global_default[0] if global_default else 0, never


def kubelet_admission(pod: PodInfo, node: NodeInfo, skip_zero: bool) -> str | None:
    """kubelet's admission (lifecycle/predicate.go GeneralPredicates plus NoExecute taints):
    why kubelet would reject a pod bound to this node, or None."""
    template = pod.template
    reasons = fits_request(template, node, skip_zero=skip_zero)
    if reasons:
        first = reasons[0]
        resource = "pods" if first == "Too many pods" else first.removeprefix("Insufficient ")
        return f"kubelet would reject the pod: OutOf{resource} ({', '.join(reasons)})"
    if template.host_ports and ports_conflict(node.used_ports, template.host_ports):
        return "kubelet would reject the pod: NodePorts (host port already in use)"
    if node_affinity_status(template, node) is not None:
        return "kubelet would reject the pod: NodeAffinity (node affinity/selector mismatch)"
    taint = find_untolerated_taint(node.taints, template.tolerations, ("NoExecute",))
    if taint is not None:
        return f"kubelet would reject the pod: untolerated NoExecute taint {taint.get('key')}"
    return None


def pod_priority(spec: Mapping[str, Any], classes: Mapping[str, int], default: int) -> int | None:
    """spec.priority (recorded pods carry it), else the class value, else the default;
    None for an unknown class."""
    priority = spec.get("priority")
    if isinstance(priority, int) and not isinstance(priority, bool):
        return priority
    name = spec.get("priorityClassName")
    if isinstance(name, str) and name:
        return classes.get(name)
    return default


def preempt_never(spec: Mapping[str, Any], never: set[str]) -> bool:
    """spec.preemptionPolicy, which admission copies from the PriorityClass when unset."""
    policy = spec.get("preemptionPolicy")
    if policy:
        return policy == "Never"
    return spec.get("priorityClassName") in never
