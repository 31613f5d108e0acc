"""`diff -o json`: the plan document of CONTRACT.md, which users and policy tools script against.

The layout is validate's (`json_out.layout`): one top-level key per line and one change or
finding per line, so two runs diff clean and `grep` finds a whole change on one line.
`schemas/plan.schema.json` describes the document; additions are allowed, renames and
removals need a new format_version.

Decisions the contract leaves open, recorded in the schema too:
- `namespace` is "" for cluster-scoped objects, as in `validate -o json`.
- A field entry leaves out the side where the field is absent: no `before` means added, no
  `after` means removed (`null` is a value that is there). `sensitive: true` marks a value
  shown as "***"; `forces_replace: true` marks an immutable field.
- Input errors (objects that could not be planned) are findings, listed first.
"""

from __future__ import annotations

from typing import Any, TextIO

from kplan.plan.model import ABSENT, CREATE, DELETE, REPLACE, Change, FieldChange, Finding, Plan
from kplan.report.json_out import _escape_surrogates, layout
from kplan.report.plan_common import all_findings, masked_body, shown_field, summary

FORMAT_VERSION = "1"


def document(plan: Plan) -> dict[str, Any]:
    """The contract's document as plain data (insertion order is the output order)."""
    result: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "kubernetes_version": plan.kubernetes_version,
        "changes": [_change(change) for change in plan.changes],
    }
    if plan.scheduling is not None:
        result["scheduling"] = plan.scheduling
    if plan.wiring is not None:
        result["wiring"] = plan.wiring
    if plan.rollouts is not None:
        result["rollouts"] = plan.rollouts
    result["findings"] = [_finding(finding) for finding in all_findings(plan)]
    result["summary"] = summary(plan)
    return result


def dumps(plan: Plan) -> str:
    return _escape_surrogates(layout(document(plan)))


def render(plan: Plan, stream: TextIO) -> None:
    stream.write(dumps(plan))


def _change(change: Change) -> dict[str, Any]:
    obj = change.object
    result: dict[str, Any] = {
        "action": change.action,
        "apiVersion": change.api_version,
        "kind": obj.kind,
        "namespace": obj.namespace,
        "name": obj.name,
        "fields": [_field(change, field) for field in change.fields],
    }
    if change.action == REPLACE:
        result["replace_paths"] = list(change.replace_paths)
    if change.action == CREATE and change.after is not None:
        result["after"] = masked_body(change, change.after)
    if change.action == DELETE and change.before is not None:
        result["before"] = masked_body(change, change.before)
    if change.location is not None:
        result["source"] = change.location.source
        result["line"] = change.location.line
    return result


def _field(change: Change, field: FieldChange) -> dict[str, Any]:
    before, after, sensitive = shown_field(change, field)
    result: dict[str, Any] = {"path": field.path}
    if before is not ABSENT:
        result["before"] = before
    if after is not ABSENT:
        result["after"] = after
    if sensitive:
        result["sensitive"] = True
    if field.forces_replace:
        result["forces_replace"] = True
    return result


def _finding(finding: Finding) -> dict[str, Any]:
    location = finding.location
    result: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity,
        "object": finding.object,
        "message": finding.message,
        "source": location.source if location is not None else None,
        "line": location.line if location is not None else None,
    }
    if location is not None and location.column is not None:
        result["column"] = location.column
    if finding.path:
        result["path"] = finding.path
    return result
