"""NodeUnschedulable (plugins/nodeunschedulable): a cordoned node (`spec.unschedulable`)
takes no new pods, unless the pod tolerates the `node.kubernetes.io/unschedulable:NoSchedule`
taint (DaemonSet pods do)."""

from __future__ import annotations

from kplan.plan.scheduling.framework import (
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Plugin,
    Status,
)
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate
from kplan.plan.scheduling.taint_toleration import tolerations_tolerate_taint

__all__ = ["NodeUnschedulable", "REASON", "unschedulable_status"]

REASON = "node(s) were unschedulable"
_UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


def unschedulable_status(template: PodTemplate, node: NodeInfo) -> Status | None:
    if not node.unschedulable:
        return None
    if tolerations_tolerate_taint(template.tolerations, _UNSCHEDULABLE_TAINT):
        return None
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON)


class NodeUnschedulable(Plugin):
    name = "NodeUnschedulable"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        return unschedulable_status(pod.template, node)
