"""Desired objects vs a recorded cluster: create / update / replace / delete, field by field.

For each manifest object: find the recorded object with the same identity; if there is none
it is a create. Otherwise predict what the API server would store after `kubectl apply`
(kplan.plan.merge: three-way with the last-applied annotation, else only the fields the
manifest sets), fill in the server's defaults for what the merge removed, and compare the
prediction with the recorded object (kplan.plan.fielddiff). A changed immutable field makes
it a replace. Recorded objects that no manifest names are deleted only under --prune with a
label selector, as `kubectl apply --prune -l` would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.k8s.scope import group_of, is_cluster_scoped
from kplan.plan import secrets
from kplan.plan.fielddiff import field_changes
from kplan.plan.merge import three_way_merge
from kplan.plan.model import (
    ABSENT,
    CREATE,
    DELETE,
    NO_OP,
    REPLACE,
    UPDATE,
    Change,
    Finding,
    Location,
    ObjectId,
)
from kplan.plan.normalize import LAST_APPLIED, clean, last_applied, plain_claim_templates
from kplan.resource import Resource

if TYPE_CHECKING:
    from kplan.k8s.labels import Selector
    from kplan.snapshot.load import Snapshot

# kubectl apply --prune's default allowlist (k8s.io/kubectl pkg/cmd/apply/prune.go
# defaultNamespacedPruneResources and defaultNonNamespacedPruneResources).
PRUNABLE: frozenset[tuple[str, str]] = frozenset(
    {
        ("", "ConfigMap"),
        ("", "Endpoints"),
        ("", "PersistentVolumeClaim"),
        ("", "Pod"),
        ("", "ReplicationController"),
        ("", "Secret"),
        ("", "Service"),
        ("batch", "Job"),
        ("batch", "CronJob"),
        ("networking.k8s.io", "Ingress"),
        ("apps", "DaemonSet"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("apps", "StatefulSet"),
        ("", "Namespace"),
        ("", "PersistentVolume"),
    }
)
# apimachinery TotalAnnotationSizeLimitB: all annotations of an object together.
ANNOTATION_LIMIT = 256 * 1024


@dataclass(frozen=True)
class ChangeOptions:
    kubernetes_version: str
    namespace: str = "default"
    prune_selector: Selector | None = None
    show_all: bool = False
    crd_scopes: Mapping[tuple[str, str], str] = field(default_factory=dict)


def object_id(resource: Resource, options: ChangeOptions) -> ObjectId:
    cluster_scoped = is_cluster_scoped(resource.api_version, resource.kind, options.crd_scopes)
    namespace = "" if cluster_scoped else (resource.namespace or options.namespace)
    return ObjectId(group_of(resource.api_version), resource.kind, namespace, resource.name)


def plan_changes(
    desired: Sequence[Resource], snapshot: Snapshot | None, options: ChangeOptions
) -> tuple[list[Change], list[Finding]]:
    """Changes in input order (then prune deletes by identity), and the plan's findings."""
    planner = ChangePlanner(desired, snapshot, options)
    return planner.assemble(planner.compute(list(planner.chosen)))


# One object's result: its change and the findings about it.
Computed = tuple[ObjectId, Change, list[Finding]]


class ChangePlanner:
    """plan_changes in steps: the objects to plan (a later definition of an identity wins,
    as a second apply would), then changes for any subset of them, then the assembled
    result in input order. The plan computes the workloads' changes first (the later
    stages need them) and the others in a second process (kplan.parallel)."""

    def __init__(
        self, desired: Sequence[Resource], snapshot: Snapshot | None, options: ChangeOptions
    ) -> None:
        self._planner = _Planner(snapshot, options)
        self.options = options
        self.chosen: dict[ObjectId, Resource] = {}
        for resource in desired:
            identity = object_id(resource, options)
            if identity in self.chosen:
                self._planner.duplicate(resource, identity, self.chosen[identity])
            self.chosen[identity] = resource

    def compute(self, identities: Sequence[ObjectId]) -> list[Computed]:
        planner = self._planner
        computed = []
        for identity in identities:
            before = len(planner.findings)
            change = planner.change(identity, self.chosen[identity])
            computed.append((identity, change, planner.findings[before:]))
            del planner.findings[before:]
        return computed

    def assemble(self, computed: Sequence[Computed]) -> tuple[list[Change], list[Finding]]:
        """Changes in input order (no-ops only with show_all), then prune deletes; findings:
        duplicates, each object's in input order, then missing namespaces."""
        by_identity = {identity: (change, found) for identity, change, found in computed}
        findings = list(self._planner.findings)
        changes = []
        for identity in self.chosen:
            change, found = by_identity[identity]
            findings.extend(found)
            if change.action != NO_OP or self.options.show_all:
                changes.append(change)
        planner = _Planner(self._planner.snapshot, self.options)
        planner.check_namespaces(self.chosen)
        findings.extend(planner.findings)
        changes.extend(planner.prune(set(self.chosen)))
        return changes, findings


def unchanged_refs(
    desired: Sequence[Resource], changes: Sequence[Change], options: ChangeOptions
) -> set[str]:
    """Refs of the desired objects that applying leaves as they are (no change, or a no-op):
    their controllers have nothing to do, so their recorded pods stay."""
    changed = {change.object for change in changes if change.action != NO_OP}
    identities = (object_id(resource, options) for resource in desired)
    return {identity.ref() for identity in identities if identity not in changed}


def _location(resource: Resource) -> Location:
    return Location(resource.origin.source, resource.origin.line, resource.origin.column)


class _Planner:
    def __init__(self, snapshot: Snapshot | None, options: ChangeOptions) -> None:
        from kplan.schema.structure import structure

        self.snapshot = snapshot
        self.options = options
        self.structure = structure(options.kubernetes_version)
        self.findings: list[Finding] = []

    def change(self, identity: ObjectId, resource: Resource) -> Change:
        desired = clean(resource.body)
        if identity.namespace:
            # `kubectl apply -n NS` fills the namespace in before sending the object
            metadata = desired.setdefault("metadata", {})
            if isinstance(metadata, dict):
                metadata["namespace"] = identity.namespace
        self._check_annotation_size(identity, resource)
        recorded = self.snapshot.get(identity) if self.snapshot is not None else None
        base = Change(CREATE, resource.api_version, identity, location=_location(resource))
        if recorded is None:
            self._note_unrecorded(identity, resource)
            base.after = secrets.masked(desired)
            return base
        return self._compare(base, desired, recorded.body)

    def _compare(self, change: Change, desired: dict[str, Any], recorded: dict[str, Any]) -> Change:
        from kplan.k8s.defaults import apply_defaults
        from kplan.k8s.immutable import replace_reason

        live = clean(recorded)
        previous = last_applied(recorded)
        if secrets.is_secret(desired):
            secrets.align_with_redacted(desired, live)
            if previous is not None:
                secrets.align_with_redacted(previous, live)
        root = self.structure.root(change.api_version, change.object.kind)
        merged = three_way_merge(
            live, desired, previous if previous is not None else ABSENT, self.structure, root
        )
        predicted = apply_defaults(merged, self.options.kubernetes_version)
        if change.object.kind == "StatefulSet":
            plain_claim_templates(predicted)  # defaulting adds their status back
        fields = field_changes(live, predicted, self.structure, root)
        secrets.mask_changes(fields)
        change.fields = fields
        change.before = secrets.masked(live)
        change.after = secrets.masked(predicted)
        if not fields:
            change.action = NO_OP
            return change
        forced = replace_reason(live, predicted)
        if forced:
            change.action = REPLACE
            change.replace_paths = list(forced)
            for item in fields:
                item.forces_replace = any(_under(item.path, path) for path in forced)
        else:
            change.action = UPDATE
        return change

    # -- findings ---------------------------------------------------------------------------

    def duplicate(self, resource: Resource, identity: ObjectId, first: Resource) -> None:
        where = f"{first.origin.source}:{first.origin.line}"
        self.findings.append(
            Finding(
                "duplicate-object",
                "warning",
                identity.ref(),
                f"defined twice; the definition at {where} is overwritten by this one",
                _location(resource),
            )
        )

    def _note_unrecorded(self, identity: ObjectId, resource: Resource) -> None:
        recorded_kinds = self.snapshot.recorded_kinds if self.snapshot is not None else None
        if recorded_kinds is None or (identity.group, identity.kind) in recorded_kinds:
            return
        self.findings.append(
            Finding(
                "kind-not-recorded",
                "info",
                identity.ref(),
                f"the snapshot does not record {identity.kind} objects, so whether this one "
                "exists is unknown; planned as a create",
                _location(resource),
            )
        )

    def _check_annotation_size(self, identity: ObjectId, resource: Resource) -> None:
        """Client-side apply stores the whole manifest in an annotation; past 256 KiB of
        annotations the API server rejects the object (big CRDs hit this)."""
        annotations = resource.metadata.get("annotations")
        others = annotations if isinstance(annotations, dict) else {}
        size = applied_size(resource.body)
        size += sum(len(str(k).encode()) + len(str(v).encode()) for k, v in others.items())
        if size > ANNOTATION_LIMIT:
            self.findings.append(
                Finding(
                    "last-applied-too-large",
                    "warning",
                    identity.ref(),
                    f"kubectl apply would store {size:,} bytes of annotations (the limit is "
                    f"{ANNOTATION_LIMIT:,}): use `kubectl apply --server-side` or "
                    "`kubectl create`",
                    _location(resource),
                )
            )

    def check_namespaces(self, chosen: Mapping[ObjectId, Resource]) -> None:
        """A namespace that neither exists in the snapshot nor is created by the input."""
        snapshot = self.snapshot
        if snapshot is None:
            return
        recorded_kinds = snapshot.recorded_kinds
        if recorded_kinds is not None and ("", "Namespace") not in recorded_kinds:
            return
        existing = set(snapshot.namespaces()) | {
            identity.name for identity in chosen if identity.kind == "Namespace"
        }
        missing: dict[str, Resource] = {}
        for identity, resource in chosen.items():
            if identity.namespace and identity.namespace not in existing:
                missing.setdefault(identity.namespace, resource)
        for namespace, resource in sorted(missing.items()):
            self.findings.append(
                Finding(
                    "namespace-missing",
                    "warning",
                    f"Namespace/{namespace}",
                    f"namespace {namespace!r} does not exist in the snapshot and is not "
                    "created by the input: applying objects into it fails",
                    _location(resource),
                )
            )

    # -- prune ------------------------------------------------------------------------------

    def prune(self, desired: set[ObjectId]) -> list[Change]:
        """`kubectl apply --prune -l SELECTOR`: recorded objects of the allowlisted kinds that
        kubectl applied (last-applied annotation), match the selector, live in a namespace
        the input applies to (cluster-scoped ones always), and that no manifest names."""
        selector = self.options.prune_selector
        if selector is None or self.snapshot is None:
            return []
        namespaces = {identity.namespace for identity in desired if identity.namespace}
        deletes = []
        for identity, resource in self.snapshot.items():
            if identity in desired or (identity.group, identity.kind) not in PRUNABLE:
                continue
            if identity.namespace and identity.namespace not in namespaces:
                continue
            annotations = resource.metadata.get("annotations")
            if not isinstance(annotations, dict) or LAST_APPLIED not in annotations:
                continue
            labels = resource.metadata.get("labels")
            if not selector.matches(labels if isinstance(labels, dict) else {}):
                continue
            deletes.append(
                Change(
                    DELETE,
                    resource.api_version,
                    identity,
                    before=secrets.masked(clean(resource.body)),
                    location=_location(resource),
                )
            )
        deletes.sort(key=lambda change: change.object.sort_key())
        return deletes


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/") or prefix.startswith(path + "/")


def applied_size(body: Mapping[str, Any]) -> int:
    """Bytes of the last-applied annotation `kubectl apply` writes: the object as Go's
    encoding/json marshals it (compact, UTF-8, with `<`, `>`, `&`, U+2028 and U+2029 written
    as \\u escapes: encoding/json encodeState.string, HTML escaping on). msgspec encodes it
    a fifth of the time json.dumps takes; values msgspec does not encode (keys that are not
    strings, say) are measured with json.dumps."""
    from kplan.msgspec_codec import msgspec

    module = msgspec()
    encoded: bytes | None = None
    if module is not None:
        try:
            encoded = module.json.encode(body)
        except (TypeError, ValueError, UnicodeError, OverflowError):
            encoded = None
    if encoded is None:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
        encoded = text.encode("utf-8", "surrogateescape")
    escaped = encoded.count(b"<") + encoded.count(b">") + encoded.count(b"&")
    separators = encoded.count("\u2028".encode()) + encoded.count("\u2029".encode())
    return len(encoded) + 5 * escaped + 3 * separators
