"""Which revision the recorded pods of a StatefulSet or DaemonSet run, offline.

Both controllers snapshot `spec.template` into ControllerRevisions
(pkg/controller/history; statefulset getPatch, daemon update.go getPatch: the data is
`{"spec": {"template": <template with "$patch": "replace">}}`) and label their pods with
`controller-revision-hash`. The hash is an fnv32a of a Go spew dump and cannot be computed
here, so a revision is found by comparing templates: the recorded object's own template,
the desired one, and the template each recorded ControllerRevision holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kplan.plan.rollout.objects import (
    REVISION_HASH,
    as_dict,
    controlled_by,
    labels_of,
    name_of,
    templates_equal,
)


def revision_template(revision: dict[str, Any]) -> dict[str, Any] | None:
    """The pod template a ControllerRevision recorded, without the `$patch` directive."""
    template = as_dict(as_dict(as_dict(revision.get("data")).get("spec")).get("template"))
    if not template:
        return None
    return {key: value for key, value in template.items() if key != "$patch"}


def owned_revisions(
    revisions: Sequence[dict[str, Any]], kind: str, owner: dict[str, Any] | None
) -> list[dict[str, Any]]:
    if owner is None:
        return []
    return [r for r in revisions if isinstance(r, dict) and controlled_by(r, kind, owner)]


def matching_revision(
    revisions: Sequence[dict[str, Any]], template: dict[str, Any]
) -> dict[str, Any] | None:
    """The newest (highest `revision`) recorded ControllerRevision holding `template`."""
    found = [r for r in revisions if _holds(r, template)]
    if not found:
        return None
    return max(found, key=lambda r: (_number(r), name_of(r)))


def revision_hash(revision: dict[str, Any]) -> str:
    """The `controller-revision-hash` value pods of this revision carry: the revision's own
    label when present (DaemonSet), else its name (StatefulSet pods carry the name)."""
    label = labels_of(revision).get(REVISION_HASH)
    return label if isinstance(label, str) and label else name_of(revision)


def _holds(revision: dict[str, Any], template: dict[str, Any]) -> bool:
    recorded = revision_template(revision)
    return recorded is not None and templates_equal(recorded, template, ignore_hash=False)


def _number(revision: dict[str, Any]) -> int:
    value = revision.get("revision")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
