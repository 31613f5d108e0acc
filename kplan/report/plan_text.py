"""`diff -o text`: the plan for people, in terraform's shape so that it reads at a glance.

    Resource actions are indicated with the following symbols:
      + create
      ~ update in-place
      - destroy
    -/+ destroy and then create replacement

    kplan will perform the following actions:

      # Deployment/default/frontend will be updated in-place
        ~ /spec/replicas: 3 -> 1

    Plan: 0 to add, 1 to change, 0 to destroy.

Fields are JSON Pointers, as in the JSON plan and validate's messages; `~` is a changed value
(`before -> after`), `+` an added one, `-` a removed one. A create or destroy lists only the
fields that tell objects apart (replicas, images, selectors, ports, data keys, ...) and counts
the rest; `verbose` lists every field, shows where each object is written, and never
abbreviates a value. Secret values are `***` (`*** (changed)` when one changed), as kubectl
diff prints them. The sections of the later stages (scheduling, wiring, rollouts) and the
findings follow the summary line. Colour only on a terminal (see text.wants_color); off one
the output is plain and byte-stable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from kplan.plan.model import (
    ABSENT,
    CREATE,
    DELETE,
    MASK,
    NO_OP,
    REPLACE,
    UPDATE,
    Change,
    FieldChange,
    Finding,
    Location,
    Plan,
)
from kplan.report import display_path
from kplan.report.plan_common import (
    all_findings,
    finding_location,
    findings_line,
    is_secret,
    masked_body,
    object_locations,
    plan_line,
    plural,
    shown_field,
    unschedulable,
)
from kplan.report.rollout_text import REASONS
from kplan.report.text import STYLES, Line, clean, wants_color

NO_CHANGES = "No changes. The manifests match the cluster."
HEADING = "kplan will perform the following actions:"

# terraform's legend, in terraform's order; only the actions a plan uses are listed.
LEGEND = (
    (CREATE, "create"),
    (UPDATE, "update in-place"),
    (DELETE, "destroy"),
    (REPLACE, "destroy and then create replacement"),
)
PHRASES = {
    CREATE: "will be created",
    UPDATE: "will be updated in-place",
    REPLACE: "must be replaced",
    DELETE: "will be destroyed",
    NO_OP: "has no changes",
}
ADD, CHANGE, REMOVE = "+", "~", "-"
SYMBOL_STYLES = {ADD: "green", CHANGE: "yellow", REMOVE: "red"}
ACTION_SYMBOLS = {CREATE: ADD, UPDATE: CHANGE, DELETE: REMOVE}

# Values longer than this are abbreviated (unless verbose).
MAX_VALUE = 100
HEAD, TAIL = 60, 30

# The fields a create or destroy shows: what tells one object from another at a glance.
# `*` is one path segment (a list index or a map key).
KEY_FIELDS = tuple(
    re.compile("^" + pattern.replace("*", "[^/]+") + "$")
    for pattern in (
        "/spec/replicas",
        "/spec/type",
        "/spec/selector",
        "/spec/ports",
        "/spec/schedule",
        "/spec/nodeName",
        "/spec/containers/*/image",
        "/spec/initContainers/*/image",
        "/spec/template/spec/containers/*/image",
        "/spec/template/spec/initContainers/*/image",
        "/spec/jobTemplate/spec/template/spec/containers/*/image",
        "/spec/rules",
        "/spec/scaleTargetRef",
        "/spec/minReplicas",
        "/spec/maxReplicas",
        "/spec/storageClassName",
        "/spec/resources/requests/storage",
        "/data/*",
        "/stringData/*",
        "/binaryData/*",
        "/roleRef",
        "/subjects",
        "/rules",
    )
)
# Shown in the block's header already, never counted as hidden fields.
IDENTITY = {"/apiVersion", "/kind", "/metadata/name", "/metadata/namespace"}


def render(plan: Plan, stream: TextIO, *, color: bool | None = None, verbose: bool = False) -> None:
    lines = plan_lines(plan, verbose=verbose)
    if wants_color(stream, color):
        from kplan.report.text import _console, _print_styled

        _print_styled(lines, _console(stream))
    else:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))


def plan_lines(plan: Plan, *, verbose: bool = False) -> list[Line]:
    """The whole text as styled lines; rendering only joins or colours them."""
    lines: list[Line] = []
    if plan.has_changes:
        lines += legend(plan)
        lines += [[(HEADING, "")], []]
    # Without changes, the only blocks are the no-op ones that --all asked for.
    for change in plan.changes:
        lines += change_block(change, verbose=verbose)
        lines.append([])
    if plan.has_changes:
        lines.append([(plan_line(plan), "bold")])
    else:
        lines.append([(NO_CHANGES, "bold green")])
    sections: tuple[Callable[[Plan], list[Line]], ...] = (
        scheduling_section,
        wiring_section,
        rollouts_section,
        lambda plan: findings_section(plan, verbose=verbose),
    )
    for section in sections:
        found = section(plan)
        if found:
            lines.append([])
            lines += found
    return [[(clean(text), style) for text, style in line] for line in lines]


def legend(plan: Plan) -> list[Line]:
    used = {change.action for change in plan.changes}
    lines: list[Line] = [[("Resource actions are indicated with the following symbols:", "")]]
    for action, text in LEGEND:
        if action in used:
            lines.append([*_action_symbol(action, width=3), (f" {text}", "")])
    lines.append([])
    return lines


def _action_symbol(action: str, width: int = 0) -> Line:
    if action == REPLACE:
        return [(REMOVE, SYMBOL_STYLES[REMOVE]), ("/", ""), (ADD, SYMBOL_STYLES[ADD])]
    symbol = ACTION_SYMBOLS[action]
    return [(symbol.rjust(width), SYMBOL_STYLES[symbol])]


def change_block(change: Change, *, verbose: bool = False) -> list[Line]:
    """`  # Kind/namespace/name will be ...` and the fields under it."""
    lines: list[Line] = [[(f"  # {change.object.ref()} {PHRASES[change.action]}", "bold")]]
    if verbose and change.location is not None:
        lines.append([(f"    # {_where(change.location)}", "dim")])
    if change.action == CREATE:
        lines += _object_lines(change, masked_body(change, change.after), ADD, verbose)
    elif change.action == DELETE:
        lines += _object_lines(change, masked_body(change, change.before), REMOVE, verbose)
    elif change.action in (UPDATE, REPLACE):
        forcing = set(change.replace_paths)
        for field in change.fields:
            lines.append(_field_line(change, field, field.path in forcing, verbose))
    return lines


def _field_line(change: Change, field: FieldChange, forcing: bool, verbose: bool) -> Line:
    before, after, sensitive = shown_field(change, field)
    if before is ABSENT:
        symbol, text = ADD, _value(after, sensitive, verbose)
    elif after is ABSENT:
        symbol, text = REMOVE, _value(before, sensitive, verbose)
    elif sensitive and not isinstance(before, dict) and not isinstance(after, dict):
        symbol, text = CHANGE, f"{MASK} (changed)"
    else:
        symbol = CHANGE
        text = f"{_value(before, sensitive, verbose)} -> {_value(after, sensitive, verbose)}"
    line = [("    ", ""), (symbol, SYMBOL_STYLES[symbol]), (f" {field.path}: {text}", "")]
    if forcing or field.forces_replace:
        line.append((" # forces replacement", "red"))
    return line


def _object_lines(
    change: Change, body: dict[str, Any] | None, symbol: str, verbose: bool
) -> list[Line]:
    """A created or destroyed object: its key fields (verbose: all of them), then how many
    more it has."""
    if body is None:
        # No whole object recorded: the fields the planner listed are all there is.
        return [_field_line(change, field, False, verbose) for field in change.fields]
    lines: list[Line] = []
    shown = hidden = 0
    for path, value, leaves in _walk(body, "", verbose):
        if path in IDENTITY:
            continue
        if value is ABSENT:
            hidden += leaves
            continue
        shown += leaves
        sensitive = is_secret(change.object) and value == MASK
        text = f" {path}: {_value(value, sensitive, verbose)}"
        lines.append([("    ", ""), (symbol, SYMBOL_STYLES[symbol]), (text, "")])
    if hidden:
        lines.append([(f"    # ({plural(hidden, 'more field')})", "dim")])
    return lines


def _walk(value: Any, path: str, everything: bool) -> Iterator[tuple[str, Any, int]]:
    """(path, value, leaf count) of each field to show; ABSENT for the subtrees not shown.
    Empty maps and lists count as one leaf, as they are one line when listed."""
    if not everything and any(pattern.match(path) for pattern in KEY_FIELDS):
        yield path, value, _leaves(value)
        return
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict) and value:
        items = [(_escape(str(key)), item) for key, item in value.items()]
    elif isinstance(value, list) and value:
        items = [(str(index), item) for index, item in enumerate(value)]
    else:
        yield (path, value if everything else ABSENT, 1)
        return
    for key, item in items:
        yield from _walk(item, f"{path}/{key}", everything)


def _leaves(value: Any) -> int:
    if isinstance(value, dict) and value:
        return sum(_leaves(item) for item in value.values())
    if isinstance(value, list) and value:
        return sum(_leaves(item) for item in value)
    return 1


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _value(value: Any, sensitive: bool, verbose: bool) -> str:
    """A value on one line: JSON scalars, compact JSON maps and lists, long text abbreviated."""
    if sensitive:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{_json(key)}: {MASK}" for key in value) + "}"
        return MASK
    if isinstance(value, str) and not verbose:
        return _short_string(value)
    text = _json(value)
    if verbose or len(text) <= MAX_VALUE:
        return text
    if isinstance(value, dict):
        return f"{{...}} ({plural(len(value), 'key')})"
    if isinstance(value, list):
        return f"[...] ({plural(len(value), 'item')})"
    return text


def _short_string(text: str) -> str:
    lines = text.splitlines()
    if len(lines) > 1:
        first = lines[0] if len(lines[0]) <= HEAD else lines[0][:HEAD]
        return f"{_json(first)} ... ({len(lines)} lines)"
    if len(text) <= MAX_VALUE:
        return _json(text)
    return f"{_json(text[:HEAD])} ... {_json(text[-TAIL:])} ({len(text)} chars)"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _where(location: Location) -> str:
    where = display_path(location.source)
    if location.line is not None:
        where += f":{location.line}"
        if location.column is not None:
            where += f":{location.column}"
    return where


def scheduling_section(plan: Plan) -> list[Line]:
    """`Scheduling: N new pods[, M pending]` and one line per planned pod."""
    placements = (plan.scheduling or {}).get("placements") or []
    if not placements:
        return []
    heading = f"Scheduling: {plural(len(placements), 'new pod')}"
    pending = unschedulable(plan)
    if pending:
        heading += f", {pending} pending"
    lines: list[Line] = [[(heading, "bold")]]
    for placement in placements:
        pod = str(placement.get("pod"))
        node = placement.get("node")
        if node is None:
            message = placement.get("message") or "no node fits"
            lines.append([(f"  {pod} -> ", ""), (f"pending: {message}", "red")])
        else:
            lines.append([(f"  {pod} -> {node}", "")])
        preemption = placement.get("preemption")
        if isinstance(preemption, dict) and preemption.get("victims"):
            victims = ", ".join(str(victim) for victim in preemption["victims"])
            lines.append(
                [(f"    after preempting on {preemption.get('node')}: {victims}", "yellow")]
            )
    for entry in (plan.scheduling or {}).get("capacity") or []:
        more = entry.get("more_replicas")
        lines.append([(f"  capacity: {entry.get('workload')}: {more} more replicas fit", "dim")])
    return lines


def wiring_section(plan: Plan) -> list[Line]:
    """One line per Service (its endpoints) and per Ingress (its routes)."""
    wiring = plan.wiring or {}
    services = wiring.get("services") or []
    ingresses = wiring.get("ingresses") or []
    if not services and not ingresses:
        return []
    lines: list[Line] = [[("Wiring:", "bold")]]
    for service in services:
        lines.append([(f"  {_service_line(service)}", "")])
    for ingress in ingresses:
        routes = "; ".join(_route(rule) for rule in ingress.get("rules") or []) or "no rules"
        lines.append([(f"  Ingress {ingress.get('ingress')}: {routes}", "")])
    return lines


def _service_line(service: dict[str, Any]) -> str:
    kind = str(service.get("type") or "ClusterIP")
    address = service.get("clusterIP")
    about = f"{kind} {address}" if address else kind
    endpoints = service.get("endpoints") or []
    text = f"Service {service.get('service')} ({about}): "
    if not endpoints:
        return text + "no endpoints"
    text += plural(len(endpoints), "endpoint")
    not_ready = sum(1 for endpoint in endpoints if not endpoint.get("ready", True))
    return text + (f", {not_ready} not ready" if not_ready else "")


def _route(rule: dict[str, Any]) -> str:
    where = f"{rule.get('host') or '*'}{rule.get('path') or ''}"
    target = f"{rule.get('service')}:{rule.get('port')}" if rule.get("service") else "?"
    return f"{where} -> {target}"


def rollouts_section(plan: Plan) -> list[Line]:
    """One line per workload: its strategy and how long the rollout takes."""
    if not plan.rollouts:
        return []
    lines: list[Line] = [[("Rollouts:", "bold")]]
    for rollout in plan.rollouts:
        lines.append([(f"  {_rollout_line(rollout)}", "")])
    return lines


def _rollout_line(rollout: dict[str, Any]) -> str:
    """`workload: strategy, steps (new,old) ..., peak and minimum available`, or why there
    is no rollout; the numbers a reviewer checks before applying."""
    text = f"{rollout.get('workload')}: {rollout.get('strategy') or 'update'}"
    limits = [f"{key} {rollout[key]}" for key in ("maxSurge", "maxUnavailable") if key in rollout]
    if limits:
        text += f" ({', '.join(limits)})"
    if not rollout.get("triggers_rollout"):
        reason = str(rollout.get("reason") or "")
        return f"{text}: {REASONS.get(reason, reason or 'existing pods are not replaced')}"
    steps = rollout.get("steps") or []
    if steps and "new" in steps[0]:
        counts = " ".join(f"({step.get('new')},{step.get('old')})" for step in steps)
        text += f", {plural(len(steps), 'step')} (new,old): {counts}"
    elif rollout.get("order"):
        text += f", order {', '.join(str(pod) for pod in rollout['order'])}"
    extremes = [
        f"{label} {rollout[key]}"
        for key, label in (("peak_pods", "peak pods"), ("min_available", "min available"))
        if key in rollout
    ]
    if extremes:
        text += f"; {', '.join(extremes)}"
    stall = rollout.get("stall")
    if isinstance(stall, dict):
        text += f"; STALLS at step {stall.get('step')}: {stall.get('reason')}"
    return text


SEVERITIES = ("error", "warning", "info")


# Info findings shown per rule before the rest are summed up (all of them with -v).
INFO_SHOWN = 3


def findings_section(plan: Plan, *, verbose: bool = False) -> list[Line]:
    """`Findings: N errors, M warnings`, then one `file:line:column:` line per finding,
    errors first, so that editors and terminals can jump to each. Past INFO_SHOWN info
    findings of one rule, one line counts the rest unless `verbose`."""
    found = all_findings(plan)
    if not found:
        return []
    style = "bold red" if plan.failed else "bold yellow"
    lines: list[Line] = [[(f"Findings: {findings_line(plan)}", style)]]
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    ordered = sorted(found, key=lambda finding: rank.get(finding.severity, len(SEVERITIES)))
    located = object_locations(plan)
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for finding in ordered:
        if finding.severity == "info" and not verbose:
            shown[finding.rule] = shown.get(finding.rule, 0) + 1
            if shown[finding.rule] > INFO_SHOWN:
                hidden[finding.rule] = hidden.get(finding.rule, 0) + 1
                continue
        lines.append(finding_line(finding, finding_location(finding, located)))
    for rule, count in sorted(hidden.items()):
        lines.append([(f"... and {count} more info ({rule}); -v shows them", "dim")])
    return lines


def finding_line(finding: Finding, location: Location | None = None) -> Line:
    """`file:line:column: severity: object: path: message (rule)`; unknown parts left out.
    `location` is where to point when the finding has no position of its own."""
    line: Line = []
    location = finding.location or location
    if location is not None:
        line += [(f"{_where(location)}:", "bold"), (" ", "")]
    line += [(finding.severity, STYLES.get(finding.severity, "")), (": ", "")]
    subject = ": ".join(part for part in (finding.object, finding.path) if part)
    if subject:
        line.append((f"{subject}: ", ""))
    line += [(finding.message, ""), (" ", ""), (f"({finding.rule})", "dim")]
    return line
