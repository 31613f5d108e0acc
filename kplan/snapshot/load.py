"""A recorded cluster, read back: objects by identity, and which kinds the recording covered.

A snapshot is what `kubectl get ... -o yaml|json` prints (a `v1 List`), several such files, or
a folder; `kplan snapshot` writes the same plus a header (kplan.snapshot.header). Objects that
cannot be identified (no name, wrong types in metadata, a namespaced object without its
namespace) are reported as problems with their position and skipped; the rest still load.

Which kinds count as recorded, so that a plan can tell "absent" from "unknown":
- a file written by `kplan snapshot`: the kinds its header lists;
- any other file: the kinds it holds objects of. A kind with no object in such a file counts
  as not recorded (unknown), since nothing says the recording asked for it;
- several files: the union. No snapshot at all (`Snapshot.empty()`) is an empty cluster in
  which every kind is recorded and absent (`recorded_kinds` is None).
"""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from kplan.diagnostics import SourceProblem
from kplan.k8s.scope import crd_scope, group_of, is_cluster_scoped
from kplan.load import load_paths
from kplan.load.documents import json_type
from kplan.load.sources import STDIN, SourceFile, expand_paths
from kplan.plan.model import ObjectId
from kplan.resource import Resource, json_pointer_escape
from kplan.snapshot.header import HEADER_BYTES, GroupKind, SnapshotHeader, read_header

# API groups served by kube-apiserver itself: a kind of these groups that is not cluster-scoped
# (kplan.k8s.scope) is namespaced. Custom resources take their scope from a recorded CRD, or,
# when the CRD is not in the snapshot, from whether the object carries a namespace.
BUILTIN_GROUPS = frozenset(
    {
        "",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "apps",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "extensions",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "storagemigration.k8s.io",
    }
)
CRD_KIND = ("apiextensions.k8s.io", "CustomResourceDefinition")


@dataclass
class Snapshot:
    """Recorded objects by identity (kplan.plan.model.ObjectId), in (namespace, kind, name,
    group) order, plus what the recording covered and the problems met reading it."""

    by_id: dict[ObjectId, Resource] = field(default_factory=dict)
    # None: every kind counts as recorded (an empty cluster). See the module docstring.
    recorded_kinds: frozenset[GroupKind] | None = None
    # None: all namespaces were recorded; otherwise only these (`kplan snapshot -n`).
    recorded_namespaces: frozenset[str] | None = None
    problems: list[SourceProblem] = field(default_factory=list)
    headers: list[SnapshotHeader] = field(default_factory=list)
    # (group, kind) -> "Namespaced" | "Cluster", from the CRDs in the snapshot.
    crd_scopes: dict[GroupKind, str] = field(default_factory=dict)
    _by_kind: dict[GroupKind, list[Resource]] = field(default_factory=dict, repr=False)
    # Results of later stages computed ahead from this snapshot alone (kplan.plan.ahead),
    # each taken once by the stage that needs it.
    ahead: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_id = dict(sorted(self.by_id.items(), key=lambda pair: pair[0].sort_key()))
        by_kind: dict[GroupKind, list[Resource]] = {}
        for object_id, resource in self.by_id.items():
            by_kind.setdefault((object_id.group, object_id.kind), []).append(resource)
        self._by_kind = by_kind

    @classmethod
    def empty(cls) -> Snapshot:
        """No snapshot given: an empty cluster, where every kind is known to be absent."""
        return cls()

    @property
    def objects(self) -> list[Resource]:
        return list(self.by_id.values())

    def resources(self) -> list[Resource]:
        """The recorded objects, in order (the same list as `objects`)."""
        return list(self.by_id.values())

    def items(self) -> list[tuple[ObjectId, Resource]]:
        return list(self.by_id.items())

    @property
    def ids(self) -> list[ObjectId]:
        return list(self.by_id)

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, object_id: ObjectId) -> Resource | None:
        return self.by_id.get(object_id)

    def of_kind(self, group: str, kind: str) -> list[Resource]:
        return list(self._by_kind.get((group, kind), ()))

    def namespaces(self) -> list[str]:
        """Names of the recorded Namespace objects, sorted."""
        return [resource.metadata["name"] for resource in self._by_kind.get(("", "Namespace"), ())]

    def is_recorded(self, group: str, kind: str) -> bool:
        """Whether the recording covered this kind: if False, its objects are unknown."""
        return self.recorded_kinds is None or (group, kind) in self.recorded_kinds

    def covers(self, object_id: ObjectId) -> bool:
        """Whether this object would be in the snapshot if it existed in the cluster."""
        if not self.is_recorded(object_id.group, object_id.kind):
            return False
        if not object_id.namespace or self.recorded_namespaces is None:
            return True
        return object_id.namespace in self.recorded_namespaces


def load_snapshot(paths: Sequence[str], stdin: BinaryIO | None = None) -> Snapshot:
    """Read a snapshot from files, folders or `-`; MissingPath for a path that is not there.

    No paths give `Snapshot.empty()`. The garbage collector is paused, as kplan.load does:
    every object read is kept, so its scans only cost time (a quarter of the indexing time).
    """
    if not paths:
        return Snapshot.empty()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(paths, stdin)
    finally:
        if enabled:
            gc.enable()


def _load(paths: Sequence[str], stdin: BinaryIO | None) -> Snapshot:
    if STDIN in paths:
        stream = stdin if stdin is not None else sys.stdin.buffer
        stdin = io.BytesIO(stream.read())
    headers = _read_headers(paths, stdin)
    loaded = load_paths(paths, stdin, recorded=True)
    problems = list(loaded.problems)
    resources = [resource for resource in loaded.resources if _well_formed(resource, problems)]
    crd_scopes = _crd_scopes(resources)
    by_id: dict[ObjectId, Resource] = {}
    present: dict[str, set[GroupKind]] = {}
    for resource in resources:
        object_id = _identify(resource, crd_scopes, problems)
        if object_id is None:
            continue
        first = by_id.get(object_id)
        if first is not None:
            problems.append(_duplicate(resource, first, object_id))
            continue
        by_id[object_id] = resource
        present.setdefault(resource.origin.source, set()).add((object_id.group, object_id.kind))
    return Snapshot(
        by_id=by_id,
        recorded_kinds=_recorded_kinds(headers, present),
        recorded_namespaces=_recorded_namespaces(headers),
        problems=problems,
        headers=[header for header in headers.values() if header is not None],
        crd_scopes=crd_scopes,
    )


def _read_headers(paths: Sequence[str], stdin: BinaryIO | None) -> dict[str, SnapshotHeader | None]:
    """Each file's header (None for a plain kubectl List), read from its first bytes only."""
    headers: dict[str, SnapshotHeader | None] = {}
    for source in expand_paths(paths):
        headers[source.name] = read_header(_head(source, stdin))
    return headers


def _head(source: SourceFile, stdin: BinaryIO | None) -> bytes:
    if source.path is None:
        if stdin is None:
            return b""
        head = stdin.read(HEADER_BYTES)
        stdin.seek(0)
        return head
    try:
        with open(source.path, "rb") as handle:
            return handle.read(HEADER_BYTES)
    except OSError:
        return b""  # the loader reports the unreadable file


def _recorded_kinds(
    headers: dict[str, SnapshotHeader | None], present: dict[str, set[GroupKind]]
) -> frozenset[GroupKind]:
    kinds: set[GroupKind] = set()
    for header in headers.values():
        if header is not None:
            kinds.update(header.recorded_kinds)
    for found in present.values():
        kinds.update(found)
    return frozenset(kinds)


def _recorded_namespaces(headers: dict[str, SnapshotHeader | None]) -> frozenset[str] | None:
    namespaces: set[str] = set()
    for header in headers.values():
        if header is None or header.namespace is None:
            return None
        namespaces.add(header.namespace)
    return frozenset(namespaces)


def _crd_scopes(resources: list[Resource]) -> dict[GroupKind, str]:
    scopes: dict[GroupKind, str] = {}
    for resource in resources:
        if resource.kind == CRD_KIND[1] and resource.group == CRD_KIND[0]:
            found = crd_scope(resource.body)
            if found is not None:
                scopes.setdefault(found[0], found[1])
    return scopes


def _identify(
    resource: Resource, crd_scopes: dict[GroupKind, str], problems: list[SourceProblem]
) -> ObjectId | None:
    api_version = resource.api_version
    kind = resource.kind
    group = group_of(api_version)
    metadata = resource.body["metadata"]
    name = metadata["name"]
    namespace = metadata.get("namespace")
    if is_cluster_scoped(api_version, kind, crd_scopes):
        return ObjectId(group, kind, "", name)
    if namespace:
        return ObjectId(group, kind, namespace, name)
    if (group, kind) in crd_scopes or group in BUILTIN_GROUPS:
        problems.append(
            _problem(
                resource,
                "/metadata",
                f"{kind} {name!r} has no metadata.namespace: a recorded namespaced object "
                "always carries its namespace; skipped",
                key=True,
            )
        )
        return None
    return ObjectId(group, kind, "", name)  # a custom resource of unknown scope, cluster-wide


def _well_formed(resource: Resource, problems: list[SourceProblem]) -> bool:
    """Metadata a snapshot object must have to be identified and linked; reports the first
    thing wrong."""
    metadata = resource.body.get("metadata")
    if not isinstance(metadata, dict):
        found = "nothing" if metadata is None else json_type(metadata)
        message = f"{resource.kind} object has no metadata mapping (found {found}); skipped"
        problems.append(_problem(resource, "/metadata", message))
        return False
    message = _metadata_problem(metadata)
    if message is None:
        return True
    pointer, text = message
    problems.append(
        _problem(
            resource, pointer, f"{resource.kind} object: {text}; skipped", pointer == "/metadata"
        )
    )
    return False


_STRING = frozenset({str})


def _metadata_problem(metadata: dict[str, Any]) -> tuple[str, str] | None:
    name = metadata.get("name")
    if name is None or name == "":
        return "/metadata", "missing metadata.name"
    if not isinstance(name, str):
        return "/metadata/name", f"metadata.name must be a string, found {json_type(name)}"
    for key in ("namespace", "uid", "resourceVersion"):
        value = metadata.get(key)
        if value is not None and not isinstance(value, str):
            return f"/metadata/{key}", f"metadata.{key} must be a string, found {json_type(value)}"
    for key in ("labels", "annotations"):
        value = metadata.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            return (
                f"/metadata/{key}",
                f"metadata.{key} must be a mapping, found {json_type(value)}",
            )
        if set(map(type, value.values())) <= _STRING:  # the usual case, without a loop
            continue
        for entry, text in value.items():
            if not isinstance(text, str):
                pointer = f"/metadata/{key}/{json_pointer_escape(entry)}"
                return pointer, f"metadata.{key}.{entry} must be a string, found {json_type(text)}"
    owners = metadata.get("ownerReferences")
    if owners is not None and not (
        isinstance(owners, list) and all(isinstance(owner, dict) for owner in owners)
    ):
        return "/metadata/ownerReferences", "metadata.ownerReferences must be a list of mappings"
    return None


def _duplicate(resource: Resource, first: Resource, object_id: ObjectId) -> SourceProblem:
    where = f"{first.origin.source}:{first.origin.line}"
    return _problem(
        resource,
        "",
        f"duplicate object {object_id.ref()} (first at {where}); this one is ignored",
    )


def _problem(resource: Resource, pointer: str, message: str, key: bool = False) -> SourceProblem:
    line, column = resource.locate(pointer, key=key)
    return SourceProblem(resource.origin.source, line, column, message)
