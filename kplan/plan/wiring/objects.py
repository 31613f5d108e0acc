"""The objects the wiring stage reads: the cluster as it would be after the plan.

A `WiredObject` is one object of that final state: a desired object from the input
(`planned=True`, carrying the recorded version it replaces, if any) or a recorded object the
input does not name. The stage never mutates bodies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kplan.k8s.scope import group_of, is_cluster_scoped
from kplan.plan.model import Location
from kplan.resource import Resource


@dataclass(frozen=True)
class WiredObject:
    """One object of the final state.

    `namespace` is "" for cluster-scoped kinds. `recorded_body` is the snapshot's version of
    a planned object that already exists: fields the server allocated (clusterIP, nodePorts)
    survive an apply that leaves them out, so wiring reads them from there. `resource`, when
    known, locates fields inside the manifest for findings.
    """

    ref: str
    api_version: str
    kind: str
    namespace: str
    name: str
    body: dict[str, Any]
    location: Location | None = None
    planned: bool = False
    recorded_body: dict[str, Any] | None = None
    resource: Resource | None = field(default=None, compare=False, repr=False)
    # The API group, from api_version (computed once: identity lookups use it constantly).
    group: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "group", group_of(self.api_version))

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.body.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def metadata(self) -> dict[str, Any]:
        metadata = self.body.get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    @property
    def labels(self) -> dict[str, str]:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def annotations(self) -> dict[str, str]:
        annotations = self.metadata.get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    def where(self, path: str = "") -> Location | None:
        """The position of a field (JSON Pointer) in the manifest, else the object's start."""
        if self.resource is None or not path or self.location is None:
            return self.location
        line, column = self.resource.locate(path)
        return Location(self.location.source, line, column)


def wired(
    resource: Resource,
    *,
    planned: bool,
    default_namespace: str = "default",
    crd_scopes: Mapping[tuple[str, str], str] | None = None,
    recorded_body: dict[str, Any] | None = None,
) -> WiredObject:
    """A WiredObject of a loaded resource; namespaced objects without a namespace go to
    `default_namespace` (CONTRACT.md: `--namespace`)."""
    api_version, kind = resource.api_version, resource.kind
    cluster = is_cluster_scoped(api_version, kind, crd_scopes or {})
    namespace = "" if cluster else (resource.namespace or default_namespace)
    name = resource.name
    ref = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
    origin = resource.origin
    return WiredObject(
        ref=ref,
        api_version=api_version,
        kind=kind,
        namespace=namespace,
        name=name,
        body=resource.body,
        location=Location(origin.source, origin.line, origin.column),
        planned=planned,
        recorded_body=recorded_body,
        resource=resource,
    )


def final_state(
    desired: Iterable[Resource],
    recorded_objects: Iterable[WiredObject] = (),
    *,
    default_namespace: str = "default",
    crd_scopes: Mapping[tuple[str, str], str] | None = None,
) -> list[WiredObject]:
    """The recorded objects (`wired_recorded`) overlaid with the desired ones (same group,
    kind, namespace and name: the desired one wins and keeps the recorded body). A name
    defined twice in the input keeps its last definition, as `kubectl apply` leaves it."""
    scopes = dict(crd_scopes or {})
    by_id = {identity(item): item for item in recorded_objects}
    for resource in desired:
        item = wired(resource, planned=True, default_namespace=default_namespace, crd_scopes=scopes)
        key = identity(item)
        previous = by_id.get(key)
        if previous is not None:
            before = previous.body if not previous.planned else previous.recorded_body
            item = wired(
                resource,
                planned=True,
                default_namespace=default_namespace,
                crd_scopes=scopes,
                recorded_body=before,
            )
        by_id[key] = item
    return list(by_id.values())


def wired_recorded(
    recorded: Iterable[Resource],
    *,
    default_namespace: str = "default",
    crd_scopes: Mapping[tuple[str, str], str] | None = None,
) -> list[WiredObject]:
    """The recorded objects as they stay where the input does not name them."""
    scopes = dict(crd_scopes or {})
    return [
        wired(resource, planned=False, default_namespace=default_namespace, crd_scopes=scopes)
        for resource in recorded
    ]


def identity(item: WiredObject) -> tuple[str, str, str, str]:
    """(group, kind, namespace, name); apps/v1 and extensions/v1beta1 Deployments with one
    name are the same object, so only the group counts, never the version."""
    return (item.group, item.kind, item.namespace, item.name)
