"""The Plan as plain data: what every plan stage fills in and every renderer reads.

Stages build these objects and never print; renderers read them and never compute. The JSON
form (kplan.report.plan_json, schemas/plan.schema.json) is the contract users script against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kplan.k8s.equality import ABSENT

CREATE = "create"
UPDATE = "update"
REPLACE = "replace"
DELETE = "delete"
NO_OP = "no-op"
ACTIONS = (CREATE, UPDATE, REPLACE, DELETE, NO_OP)


# What a Secret value is shown as, in every output (kubectl diff prints the same).
MASK = "***"


@dataclass(frozen=True)
class ObjectId:
    """Identity of an object in a cluster: (group, kind, namespace, name). `namespace` is ""
    for cluster-scoped kinds. The apiVersion's version is not part of it: apps/v1 and
    apps/v1beta2 Deployments with one name are the same object."""

    group: str
    kind: str
    namespace: str
    name: str

    def ref(self) -> str:
        """`Kind/namespace/name`, or `Kind/name` when cluster-scoped (CONTRACT.md)."""
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.namespace, self.kind, self.name, self.group)


@dataclass(frozen=True)
class Location:
    """Where something was written: file and 1-based line/column (line None: unknown)."""

    source: str
    line: int | None = None
    column: int | None = None


@dataclass
class FieldChange:
    """One changed field: JSON Pointer, value before (in the cluster) and after (planned).

    ABSENT means the field is not there on that side. `sensitive` values (Secret data) are
    never shown: renderers print MASK instead, and JSON carries MASK too."""

    path: str
    before: Any = ABSENT
    after: Any = ABSENT
    sensitive: bool = False
    # Set when this field alone forces a replace (an immutable field).
    forces_replace: bool = False


@dataclass
class Change:
    """What happens to one object. `before` is the recorded object (update/replace/delete),
    `after` the desired one as the API server would read it (create/update/replace), both
    with Secret values masked. `location` is the manifest (or, for a delete, the snapshot)
    position of the object."""

    action: str
    api_version: str
    object: ObjectId
    fields: list[FieldChange] = field(default_factory=list)
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    location: Location | None = None
    # Why a replace: the immutable paths that changed, in order.
    replace_paths: list[str] = field(default_factory=list)


@dataclass
class Finding:
    """A rule's verdict on one object. `rule` ids are stable (README lists them)."""

    rule: str
    severity: str  # "error" | "warning" | "info"
    object: str  # ObjectId.ref() form, or "" for a finding about the input as a whole
    message: str
    location: Location | None = None
    path: str = ""


@dataclass
class Plan:
    kubernetes_version: str
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Sections filled by later stages, as plain JSON-ready data (None: stage did not run).
    scheduling: dict[str, Any] | None = None
    wiring: Mapping[str, Any] | None = None  # kplan.plan.encoded: may arrive as JSON text
    rollouts: list[dict[str, Any]] | None = None
    # Problems that kept input from being planned (unparseable, schema-invalid objects).
    input_errors: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {action: 0 for action in (CREATE, UPDATE, REPLACE, DELETE)}
        for change in self.changes:
            if change.action in counts:
                counts[change.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(change.action != NO_OP for change in self.changes)

    @property
    def failed(self) -> bool:
        """Exit 1 territory: invalid input or an error-severity finding."""
        return bool(self.input_errors) or any(f.severity == "error" for f in self.findings)
