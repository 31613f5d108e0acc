"""The volume plugins, as far as a recorded snapshot allows.

- VolumeRestrictions (plugins/volumerestrictions): in-tree disks that cannot be shared
  (same GCE PD not read-only on both sides, same AWS EBS volume, same RBD image, same iSCSI
  IQN+LUN not read-only) make a node unavailable, `node(s) had no available disk`; a
  ReadWriteOncePod claim already used by another pod blocks every node, `node has pod using
  PersistentVolumeClaim with the same name and ReadWriteOncePod access mode`.
- VolumeBinding (plugins/volumebinding): a missing claim rejects the pod in PreFilter
  (`persistentvolumeclaim "x" not found`), so does an unbound claim of an Immediate class
  (`pod has unbound immediate PersistentVolumeClaims`); a bound claim's PV node affinity must
  match the node (`node(s) had volume node affinity conflict`), a claim bound to a missing PV
  blocks every node (`node(s) unavailable due to one or more pvc(s) bound to non-existent
  pv(s)`); an unbound WaitForFirstConsumer claim needs an available matching PV for the node
  or a provisioner whose allowedTopologies admit it (`node(s) didn't find available
  persistent volumes to bind`).
- VolumeZone (plugins/volumezone): the zone/region labels of a bound PV must be satisfied by
  the node's labels, if the node has any such label (`node(s) had no available volume zone`).
- NodeVolumeLimits (CSI) needs CSINode objects and the in-tree *Limits plugins need in-tree
  volumes; snapshots have neither, so they accept every node.

Snapshots usually do not record claims, volumes or storage classes. When the caller says
they were not recorded (`Context.volumes_recorded` False), a claim that cannot be found is
assumed to exist and to be bindable anywhere, rather than reported missing. Generic
ephemeral volumes get their claim from the ephemeral-volume controller; kplan treats them as
dynamically provisioned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kplan.k8s.selectors import node_selector_matches
from kplan.plan.scheduling.framework import (
    SKIP,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Context,
    CycleState,
    Plugin,
    Status,
)
from kplan.plan.scheduling.matching import compile_selector, parse_label_selector
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate
from kplan.plan.scheduling.resources import quantity_value

__all__ = [
    "NoopFilter",
    "VolumeBinding",
    "VolumeRestrictions",
    "VolumeZone",
    "claim_names",
    "needs_volume_plugins",
]

REASON_DISK_CONFLICT = "node(s) had no available disk"
REASON_RWOP = (
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"
)
REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict"
REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
REASON_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
REASON_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
REASON_ZONE_CONFLICT = "node(s) had no available volume zone"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
_ZONE_LABELS = (
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
)
_GA = {
    "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
}
_IN_TREE_DISKS = ("gcePersistentDisk", "awsElasticBlockStore", "rbd", "iscsi")


def _map(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def claim_names(template: PodTemplate) -> list[str]:
    """The PersistentVolumeClaims the pod mounts (generic ephemeral volumes excluded)."""
    names = []
    for volume in template.volumes:
        claim = _map(volume.get("persistentVolumeClaim")).get("claimName")
        if isinstance(claim, str) and claim:
            names.append(claim)
    return names


def needs_volume_plugins(template: PodTemplate) -> bool:
    """Whether any volume plugin has something to check for this pod."""
    return any(
        "persistentVolumeClaim" in volume or any(kind in volume for kind in _IN_TREE_DISKS)
        for volume in template.volumes
    )


def _claim(context: Context, namespace: str, name: str) -> dict[str, Any] | None:
    return context.pvcs.get((namespace, name))


def _access_modes(obj: Mapping[str, Any]) -> list[str]:
    return [str(m) for m in _map(obj.get("spec")).get("accessModes") or []]


# -- VolumeRestrictions -------------------------------------------------------------------


def _disk_conflict(volume: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """isVolumeConflict for the in-tree disk types."""
    gce, other_gce = _map(volume.get("gcePersistentDisk")), _map(other.get("gcePersistentDisk"))
    if gce and other_gce and gce.get("pdName") == other_gce.get("pdName"):
        if not (gce.get("readOnly") and other_gce.get("readOnly")):
            return True
    ebs, other_ebs = (
        _map(volume.get("awsElasticBlockStore")),
        _map(other.get("awsElasticBlockStore")),
    )
    if ebs and other_ebs and ebs.get("volumeID") == other_ebs.get("volumeID"):
        return True
    iscsi, other_iscsi = _map(volume.get("iscsi")), _map(other.get("iscsi"))
    if iscsi and other_iscsi and iscsi.get("iqn") == other_iscsi.get("iqn"):
        if iscsi.get("lun") == other_iscsi.get("lun") and not (
            iscsi.get("readOnly") and other_iscsi.get("readOnly")
        ):
            return True
    rbd, other_rbd = _map(volume.get("rbd")), _map(other.get("rbd"))
    if rbd and other_rbd:
        monitors = set(rbd.get("monitors") or []) & set(other_rbd.get("monitors") or [])
        if (
            monitors
            and rbd.get("pool", "rbd") == other_rbd.get("pool", "rbd")
            and rbd.get("image") == other_rbd.get("image")
            and not (rbd.get("readOnly") and other_rbd.get("readOnly"))
        ):
            return True
    return False


class VolumeRestrictions(Plugin):
    name = "VolumeRestrictions"

    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status | None:
        template = pod.template
        disks = any(any(k in v for k in _IN_TREE_DISKS) for v in template.volumes)
        rwop: list[str] = []
        for name in claim_names(template):
            claim = _claim(self.context, template.namespace, name)
            if claim is None:
                if self.context.volumes_recorded:
                    return Status(
                        UNSCHEDULABLE_AND_UNRESOLVABLE, f'persistentvolumeclaim "{name}" not found'
                    )
                continue
            if "ReadWriteOncePod" in _access_modes(claim):
                rwop.append(name)
        conflicts = 0
        if rwop:
            wanted = set(rwop)
            for _node, other in self.context.cluster.all_pods():
                if other is pod or other.template.namespace != template.namespace:
                    continue
                if wanted & set(claim_names(other.template)):
                    conflicts += 1
        if not disks and conflicts == 0:
            return Status(SKIP)
        state.data[self.name] = conflicts
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        volumes = [v for v in pod.template.volumes if any(k in v for k in _IN_TREE_DISKS)]
        for volume in volumes:
            for other in node.pods:
                for other_volume in other.template.volumes:
                    if _disk_conflict(volume, other_volume):
                        return Status(UNSCHEDULABLE, REASON_DISK_CONFLICT)
        if state.data.get(self.name, 0) > 0:
            return Status(UNSCHEDULABLE, REASON_RWOP)
        return None


# -- VolumeBinding ------------------------------------------------------------------------


def _class_of(context: Context, claim: Mapping[str, Any]) -> dict[str, Any] | None:
    name = _map(claim.get("spec")).get("storageClassName")
    if not name:
        return None
    return context.storage_classes.get(str(name))


def _topology_allows(storage_class: Mapping[str, Any], node: NodeInfo) -> bool:
    """v1helper.MatchTopologySelectorTerms: no terms allow everything; terms are ORed, the
    expressions of a term ANDed."""
    terms = storage_class.get("allowedTopologies") or []
    if not terms:
        return True
    for term in terms:
        expressions = _map(term).get("matchLabelExpressions") or []
        if all(
            node.labels.get(str(_map(e).get("key"))) in (_map(e).get("values") or [])
            for e in expressions
        ):
            return True
    return False


def _pv_matches_claim(
    pv: Mapping[str, Any], claim: Mapping[str, Any], namespace: str, name: str, node: NodeInfo
) -> bool:
    """findMatchingVolume, reduced to what a snapshot has: available (or pre-bound to this
    claim), same class, access modes, size, volume mode, selector and node affinity."""
    spec, claim_spec = _map(pv.get("spec")), _map(claim.get("spec"))
    claim_ref = _map(spec.get("claimRef"))
    if claim_ref and (claim_ref.get("name") != name or claim_ref.get("namespace") != namespace):
        return False
    if (spec.get("storageClassName") or "") != (claim_spec.get("storageClassName") or ""):
        return False
    if not set(_access_modes(claim)) <= set(_access_modes(pv)):
        return False
    if (spec.get("volumeMode") or "Filesystem") != (claim_spec.get("volumeMode") or "Filesystem"):
        return False
    wanted = quantity_value(
        _map(_map(claim_spec.get("resources")).get("requests")).get("storage", 0)
    )
    if quantity_value(_map(spec.get("capacity")).get("storage", 0)) < wanted:
        return False
    selector = claim_spec.get("selector")
    if selector is not None:
        labels = _map(_map(pv.get("metadata")).get("labels"))
        if not compile_selector(parse_label_selector(selector))(labels):
            return False
    return _pv_affinity_matches(pv, node)


def _pv_affinity_matches(pv: Mapping[str, Any], node: NodeInfo) -> bool:
    required = _map(_map(_map(pv.get("spec")).get("nodeAffinity")).get("required"))
    if not required:
        return True
    return node_selector_matches(required, node.obj)


class VolumeBinding(Plugin):
    name = "VolumeBinding"

    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status | None:
        template = pod.template
        bound: list[dict[str, Any] | None] = []
        delayed: list[tuple[str, dict[str, Any]]] = []
        any_claim = False
        for name in claim_names(template):
            any_claim = True
            claim = _claim(self.context, template.namespace, name)
            if claim is None:
                if self.context.volumes_recorded:
                    return Status(
                        UNSCHEDULABLE_AND_UNRESOLVABLE, f'persistentvolumeclaim "{name}" not found'
                    )
                continue
            if _map(claim.get("metadata")).get("deletionTimestamp"):
                return Status(
                    UNSCHEDULABLE_AND_UNRESOLVABLE,
                    f'persistentvolumeclaim "{name}" is being deleted',
                )
            volume_name = _map(claim.get("spec")).get("volumeName")
            if volume_name:
                bound.append(self.context.pvs.get(str(volume_name)))
                continue
            storage_class = _class_of(self.context, claim)
            if storage_class is None:
                continue
            if storage_class.get("volumeBindingMode") != "WaitForFirstConsumer":
                return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_UNBOUND_IMMEDIATE)
            delayed.append((name, claim))
        if not any_claim:
            return Status(SKIP)
        state.data[self.name] = (bound, delayed)
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        bound, delayed = state.data[self.name]
        reasons = []
        pv_missing = any(pv is None for pv in bound)
        if any(pv is not None and not _pv_affinity_matches(pv, node) for pv in bound):
            reasons.append(REASON_NODE_CONFLICT)
        if delayed and not all(self._bindable(pod, name, claim, node) for name, claim in delayed):
            reasons.append(REASON_BIND_CONFLICT)
        if pv_missing and self.context.volumes_recorded:
            reasons.append(REASON_PV_NOT_EXIST)
        if reasons:
            return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, *reasons)
        return None

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo]
    ) -> Status | None:
        """Scoring needs StorageCapacityScoring (alpha): PreScore skips."""
        return Status(SKIP)

    def _bindable(self, pod: PodInfo, name: str, claim: dict[str, Any], node: NodeInfo) -> bool:
        namespace = pod.template.namespace
        for pv in self.context.pvs.values():
            phase = _map(pv.get("status")).get("phase")
            if phase not in (None, "Available") and not _map(_map(pv.get("spec")).get("claimRef")):
                continue
            if _pv_matches_claim(pv, claim, namespace, name, node):
                return True
        storage_class = _class_of(self.context, claim)
        if storage_class is None:
            return True
        if storage_class.get("provisioner") == NO_PROVISIONER:
            return False
        return _topology_allows(storage_class, node)


# -- VolumeZone ---------------------------------------------------------------------------


class VolumeZone(Plugin):
    name = "VolumeZone"

    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status | None:
        template = pod.template
        topologies: list[tuple[str, set[str]]] = []
        for name in claim_names(template):
            claim = _claim(self.context, template.namespace, name)
            volume_name = _map((claim or {}).get("spec")).get("volumeName")
            pv = self.context.pvs.get(str(volume_name)) if volume_name else None
            if pv is None:
                continue
            labels = _map(_map(pv.get("metadata")).get("labels"))
            for key in _ZONE_LABELS:
                if key in labels:
                    topologies.append((key, set(str(labels[key]).split("__"))))
        if not topologies:
            return Status(SKIP)
        state.data[self.name] = topologies
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        topologies: Sequence[tuple[str, set[str]]] = state.data[self.name]
        if not any(key in node.labels for key in _ZONE_LABELS):
            return None
        for key, values in topologies:
            value = node.labels.get(key)
            if value is None:
                value = node.labels.get(_GA.get(key, key))
            if value is None or value not in values:
                return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_ZONE_CONFLICT)
        return None


class NoopFilter(Plugin):
    """NodeVolumeLimits, the in-tree *Limits plugins and DynamicResources' filter: nothing a
    snapshot records lets them reject a node."""

    name = "Noop"
