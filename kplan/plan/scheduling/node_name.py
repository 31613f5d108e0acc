"""NodeName (plugins/nodename): a pod that names its node fits only that node. kplan does
not schedule such pods at all (kube-scheduler never sees them: they are bound already), so
this filter only matters when a caller schedules one anyway."""

from __future__ import annotations

from kplan.plan.scheduling.framework import (
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Plugin,
    Status,
)
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate

__all__ = ["NodeName", "REASON", "node_name_status"]

REASON = "node(s) didn't match the requested node name"


def node_name_status(template: PodTemplate, node: NodeInfo) -> Status | None:
    wanted = template.spec.get("nodeName")
    if not wanted or wanted == node.name:
        return None
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON)


class NodeName(Plugin):
    name = "NodeName"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        return node_name_status(pod.template, node)
