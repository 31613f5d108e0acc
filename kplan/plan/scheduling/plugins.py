"""The in-tree plugins kplan simulates, by their upstream names (pkg/scheduler/framework/
plugins/registry.go). Plugins that can never reject a node with what a snapshot records
(CSI and in-tree volume limits, DynamicResources' filter for pods without claims) are
no-ops; queue-sort, binding and PreEnqueue plugins have nothing to simulate."""

from __future__ import annotations

from kplan.plan.scheduling.balanced_allocation import BalancedAllocation
from kplan.plan.scheduling.framework import Context, Plugin
from kplan.plan.scheduling.image_locality import ImageLocality
from kplan.plan.scheduling.inter_pod_affinity import InterPodAffinity
from kplan.plan.scheduling.node_affinity import NodeAffinity
from kplan.plan.scheduling.node_name import NodeName
from kplan.plan.scheduling.node_ports import NodePorts
from kplan.plan.scheduling.node_resources_fit import NodeResourcesFit
from kplan.plan.scheduling.node_unschedulable import NodeUnschedulable
from kplan.plan.scheduling.pod_topology_spread import PodTopologySpread
from kplan.plan.scheduling.taint_toleration import TaintToleration
from kplan.plan.scheduling.volume import NoopFilter, VolumeBinding, VolumeRestrictions, VolumeZone

__all__ = ["REGISTRY", "instantiate"]

REGISTRY: dict[str, type[Plugin]] = {
    cls.name: cls
    for cls in (
        NodeUnschedulable,
        NodeName,
        TaintToleration,
        NodeAffinity,
        NodePorts,
        NodeResourcesFit,
        VolumeRestrictions,
        VolumeBinding,
        VolumeZone,
        PodTopologySpread,
        InterPodAffinity,
        BalancedAllocation,
        ImageLocality,
    )
}
_NOOP = (
    "NodeVolumeLimits",
    "EBSLimits",
    "GCEPDLimits",
    "AzureDiskLimits",
    "CinderLimits",
    "DynamicResources",
)


def instantiate(context: Context) -> dict[str, Plugin]:
    """One instance per plugin the profile uses at PreFilter, Filter or Score."""
    profile = context.profile
    names = set(profile.pre_filter) | set(profile.filter) | set(profile.score)
    plugins: dict[str, Plugin] = {}
    for name in names:
        cls = REGISTRY.get(name)
        if cls is None:
            if name not in _NOOP:
                continue
            noop = type(name, (NoopFilter,), {"name": name})
            plugins[name] = noop(context)
        else:
            plugins[name] = cls(context)
    return plugins
