"""NodePorts (plugins/nodeports): a pod's host ports must be free on the node.

A wanted (hostIP, protocol, hostPort) conflicts with a used one of the same protocol and port
when either IP is 0.0.0.0 or the IPs are equal (framework.HostPortInfo.CheckConflict). Ports
come from the containers and, with sidecar support, the restartable init containers
(schedutil.GetHostPorts). Reason: `node(s) didn't have free ports for the requested pod
ports` (Unschedulable: evicting the pod that holds the port would help).
"""

from __future__ import annotations

from collections.abc import Iterable

from kplan.plan.scheduling.framework import UNSCHEDULABLE, CycleState, Plugin, Status
from kplan.plan.scheduling.nodeinfo import ALL_IPS, NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo

__all__ = ["NodePorts", "REASON", "ports_conflict"]

REASON = "node(s) didn't have free ports for the requested pod ports"


def ports_conflict(
    used: dict[str, set[tuple[str, int]]], wanted: Iterable[tuple[str, str, int]]
) -> bool:
    for ip, protocol, port in wanted:
        pair = (protocol, port)
        if ip == ALL_IPS:
            if any(pair in pairs for pairs in used.values()):
                return True
        elif pair in used.get(ALL_IPS, ()) or pair in used.get(ip, ()):
            return True
    return False


class NodePorts(Plugin):
    name = "NodePorts"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        ports = pod.template.host_ports
        if ports and ports_conflict(node.used_ports, ports):
            return Status(UNSCHEDULABLE, REASON)
        return None
