"""Where each kind keeps its pod template, and which selector picks its pods.

Checks that look at what pods *would* look like (references, probes, selector mismatches)
read the template; the JSON Pointer prefix lets findings point into the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kplan.plan.wiring.objects import WiredObject

# kind -> pointer of the pod template (metadata + spec) inside the object.
TEMPLATE_PATHS: dict[str, str] = {
    "Deployment": "/spec/template",
    "ReplicaSet": "/spec/template",
    "StatefulSet": "/spec/template",
    "DaemonSet": "/spec/template",
    "ReplicationController": "/spec/template",
    "Job": "/spec/template",
    "CronJob": "/spec/jobTemplate/spec/template",
    "PodTemplate": "/template",
}

# Controllers that keep a replica count of pods matching their selector alive. Jobs are left
# out: their selector is generated (controller-uid) and their pods finish.
CONTROLLERS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController")

# Kinds whose pods come and go by themselves: a selector that matches only their template is
# not "selecting nothing".
TRANSIENT = ("Job", "CronJob")


@dataclass(frozen=True)
class PodTemplate:
    """A pod template: labels, spec, and the pointer of the spec in the manifest."""

    owner: WiredObject
    labels: dict[str, str]
    spec: dict[str, Any]
    spec_path: str


def _walk(body: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    node: Any = body
    for token in pointer.strip("/").split("/"):
        if not isinstance(node, dict):
            return None
        node = node.get(token)
    return node if isinstance(node, dict) else None


def pod_template(obj: WiredObject) -> PodTemplate | None:
    """The object's pod template (a Pod is its own); None for kinds without pods."""
    if obj.kind == "Pod" and obj.group == "":
        spec = obj.spec
        return PodTemplate(obj, obj.labels, spec, "/spec")
    path = TEMPLATE_PATHS.get(obj.kind)
    if path is None or obj.group not in ("", "apps", "batch", "extensions"):
        return None
    template = _walk(obj.body, path)
    if template is None:
        return None
    metadata = template.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    spec = template.get("spec")
    return PodTemplate(
        obj,
        labels if isinstance(labels, dict) else {},
        spec if isinstance(spec, dict) else {},
        f"{path}/spec",
    )


def replicas(obj: WiredObject) -> int | None:
    """Desired replicas of a controller (defaults to 1); None when not a replica count
    (DaemonSets run one per node, Jobs until done)."""
    if obj.kind not in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"):
        return None
    value = obj.spec.get("replicas", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def controller_selector(obj: WiredObject) -> tuple[str, Any] | None:
    """("label", LabelSelector) for apps kinds, ("map", {k: v}) for a ReplicationController
    (its selector defaults to the template labels: core/v1 defaults.go
    SetDefaults_ReplicationController), None otherwise."""
    if obj.kind not in CONTROLLERS:
        return None
    spec = obj.spec
    if obj.kind == "ReplicationController":
        selector = spec.get("selector")
        if not selector:
            template = pod_template(obj)
            selector = template.labels if template else {}
        return ("map", selector if isinstance(selector, dict) else {})
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        return None
    return ("label", selector)


def controlled(obj: WiredObject) -> bool:
    """Whether another controller owns this object (a Deployment's ReplicaSet)."""
    owners = obj.metadata.get("ownerReferences")
    if not isinstance(owners, list):
        return False
    return any(isinstance(owner, dict) and owner.get("controller") for owner in owners)


def containers(spec: dict[str, Any], *, init: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """(pointer suffix, container) for every container of a pod spec; init containers too
    unless `init=False`. Ephemeral containers are added by `kubectl debug`, never by
    manifests, and are left out."""
    found: list[tuple[str, dict[str, Any]]] = []
    kinds = ("containers", "initContainers") if init else ("containers",)
    for kind in kinds:
        items = spec.get(kind)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if isinstance(container, dict):
                found.append((f"/{kind}/{index}", container))
    return found
