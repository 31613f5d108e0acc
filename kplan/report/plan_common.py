"""What every plan renderer shares: masking, counts, finding positions.

Renderers only read the Plan, but they are the last line before a terminal or a CI log, so
they mask Secret values themselves as well: a stage that forgets to mark a field sensitive
must not leak a password into a pull-request comment.
"""

from __future__ import annotations

from typing import Any

from kplan.plan.model import (
    ABSENT,
    CREATE,
    DELETE,
    MASK,
    REPLACE,
    UPDATE,
    Change,
    FieldChange,
    Finding,
    Location,
    ObjectId,
    Plan,
)

SECRET_FIELDS = ("data", "stringData")
# kubectl apply keeps a copy of the whole applied object, Secret values included, here.
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_LAST_APPLIED_PATH = ["metadata", "annotations", LAST_APPLIED]


def pointer_segments(path: str) -> list[str]:
    """The unescaped reference tokens of a JSON Pointer ("" is the whole document)."""
    if not path:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in path.split("/")[1:]]


def is_secret(obj: ObjectId) -> bool:
    return obj.group == "" and obj.kind == "Secret"


def _secret_leaf(segments: list[str]) -> bool:
    if len(segments) == 2 and segments[0] in SECRET_FIELDS:
        return True
    return segments == _LAST_APPLIED_PATH


def _mask_within(segments: list[str], value: Any) -> Any:
    """`value`, found at `segments` of a Secret, with every secret-bearing leaf masked."""
    if _secret_leaf(segments):
        return MASK
    if isinstance(value, dict):
        return {key: _mask_within([*segments, key], item) for key, item in value.items()}
    return value


def mask_all(value: Any) -> Any:
    """A sensitive value: a map keeps its keys (which key changed is not secret)."""
    if value is ABSENT:
        return ABSENT
    if isinstance(value, dict):
        return {key: MASK for key in value}
    return MASK


def _inside_secret_leaf(segments: list[str]) -> bool:
    """The path is a Secret value or lies inside one (the last-applied copy)."""
    return any(_secret_leaf(segments[:n]) for n in range(1, len(segments) + 1))


def _may_hold_secret(segments: list[str]) -> bool:
    """The path is a map that can hold Secret values: the object, data, metadata, ..."""
    return any(segments == _LAST_APPLIED_PATH[:n] for n in range(3)) or (
        len(segments) == 1 and segments[0] in SECRET_FIELDS
    )


def shown_field(change: Change, field: FieldChange) -> tuple[Any, Any, bool]:
    """(before, after, sensitive) of a field as every output may show it."""
    if is_secret(change.object):
        segments = pointer_segments(field.path)
        if _inside_secret_leaf(segments):
            return _mask_leaf(field.before), _mask_leaf(field.after), True
        if _may_hold_secret(segments):
            before = _mask_side(segments, field.before)
            after = _mask_side(segments, field.after)
            changed = before != field.before or after != field.after
            if not field.sensitive or changed:
                return before, after, field.sensitive or changed
    if field.sensitive:
        return mask_all(field.before), mask_all(field.after), True
    return field.before, field.after, False


def _mask_leaf(value: Any) -> Any:
    return ABSENT if value is ABSENT else MASK


def _mask_side(segments: list[str], value: Any) -> Any:
    return ABSENT if value is ABSENT else _mask_within(segments, value)


def masked_body(change: Change, body: dict[str, Any] | None) -> dict[str, Any] | None:
    """A whole recorded or desired object as outputs may show it (Secret values masked)."""
    if body is None or not is_secret(change.object):
        return body
    return _mask_within([], body)


def all_findings(plan: Plan) -> list[Finding]:
    """Input errors first (they explain a partial plan), then the stages' findings."""
    return [*plan.input_errors, *plan.findings]


def object_locations(plan: Plan) -> dict[str, Location]:
    """Where each planned object was written, to point a finding without a position at it."""
    located: dict[str, Location] = {}
    for change in plan.changes:
        if change.location is not None:
            located.setdefault(change.object.ref(), change.location)
    return located


def finding_location(finding: Finding, located: dict[str, Location]) -> Location | None:
    if finding.location is not None:
        return finding.location
    return located.get(finding.object) if finding.object else None


def unschedulable(plan: Plan) -> int:
    """Planned pods that stay Pending (placements whose node is null)."""
    if not plan.scheduling:
        return 0
    placements = plan.scheduling.get("placements") or []
    return sum(1 for placement in placements if placement.get("node") is None)


def summary(plan: Plan) -> dict[str, int]:
    counts = plan.counts()
    return {
        "create": counts[CREATE],
        "update": counts[UPDATE],
        "replace": counts[REPLACE],
        "delete": counts[DELETE],
        "unschedulable": unschedulable(plan),
    }


def plan_line(plan: Plan) -> str:
    """terraform's summary: a replace is one add and one destroy."""
    counts = plan.counts()
    add = counts[CREATE] + counts[REPLACE]
    destroy = counts[DELETE] + counts[REPLACE]
    return f"Plan: {add} to add, {counts[UPDATE]} to change, {destroy} to destroy."


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def findings_line(plan: Plan) -> str:
    """`1 error, 2 warnings` (info findings counted only when there are some)."""
    found = all_findings(plan)
    errors = sum(1 for finding in found if finding.severity == "error")
    warnings = sum(1 for finding in found if finding.severity == "warning")
    infos = sum(1 for finding in found if finding.severity not in ("error", "warning"))
    text = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    return text + (f", {infos} info" if infos else "")
