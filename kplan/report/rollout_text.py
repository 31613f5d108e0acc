"""The rollouts section for people: one block per workload, a table of the controller's
steps and the facts around it (order, batches, pods left behind, stalls, notes).

A pure renderer of the contract's `rollouts[]` entries (kplan.plan.rollout): it computes
nothing and reads only keys the planner writes, so the text never disagrees with the JSON.
rich is imported inside the function, as in the other text reports, so that callers that
never print text do not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

REASONS = {
    "new-object": "new workload, created at full size",
    "paused": "paused: only scaled until resumed",
    "replicas-only": "only the replica count changes: scaled, no pod replaced",
    "metadata-only": "the pod template does not change",
    "in-progress": "continues a rollout already under way in the recording",
    "on-delete": "OnDelete: pods are replaced only when deleted by hand",
    "partition": "the partition covers every replica",
    "no-pods-to-replace": "no running pod to replace",
}


def render_rollouts(rollouts: list[dict[str, Any]], console: Console) -> None:
    """Print every rollout entry on `console`."""
    from rich.text import Text

    for index, rollout in enumerate(rollouts):
        if index:
            console.print()
        console.print(_heading(rollout))
        if rollout.get("steps"):
            console.print(_steps_table(rollout))
        for label, value in _facts(rollout):
            line = Text("  ")
            line.append(f"{label}: ", style="bold")
            line.append(value)
            console.print(line)


def _heading(rollout: dict[str, Any]) -> Any:
    from rich.text import Text

    heading = Text(str(rollout.get("workload", "?")), style="bold")
    strategy = rollout.get("strategy")
    if strategy:
        heading.append(f"  {strategy}")
    limits = [f"{key} {rollout[key]}" for key in ("maxSurge", "maxUnavailable") if key in rollout]
    if "partition" in rollout:
        limits.append(f"partition {rollout['partition']}")
    if limits:
        heading.append(f" ({', '.join(limits)})", style="dim")
    if rollout.get("triggers_rollout"):
        heading.append("  replaces pods", style="yellow")
    reason = rollout.get("reason")
    if isinstance(reason, str):
        heading.append(f"  {REASONS.get(reason, reason)}", style="dim")
    return heading


def _steps_table(rollout: dict[str, Any]) -> Any:
    from rich import box
    from rich.table import Table

    steps = rollout["steps"]
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("step", justify="right")
    table.add_column("new", justify="right")
    table.add_column("old", justify="right")
    old_names = sorted({name for step in steps for name in step.get("old_rs", {})})
    for name in old_names:
        table.add_column(name, justify="right", style="dim")
    pod_lists = any("created" in step or "deleted" in step for step in steps)
    if pod_lists:
        table.add_column("changes")
    stall = rollout.get("stall") if isinstance(rollout.get("stall"), dict) else None
    for number, step in enumerate(steps, start=1):
        row = [str(number), str(step.get("new", "")), str(step.get("old", ""))]
        row += [str(step.get("old_rs", {}).get(name, "")) for name in old_names]
        if pod_lists:
            row.append(_changes(step))
        stalled = stall is not None and stall.get("step") == number
        table.add_row(*row, style="red" if stalled else None)
    return table


def _changes(step: dict[str, Any]) -> str:
    parts = [f"-{name}" for name in step.get("deleted", [])]
    parts += [f"+{name}" for name in step.get("created", [])]
    return " ".join(parts)


def _facts(rollout: dict[str, Any]) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    for key, label in (
        ("order", "order"),
        ("create_order", "comes back in"),
        ("not_updated", "not updated"),
        ("removed", "removed"),
    ):
        if rollout.get(key):
            facts.append((label, ", ".join(str(item) for item in rollout[key])))
    batches = rollout.get("batches")
    if batches and any(isinstance(batch, list) and len(batch) > 1 for batch in batches):
        facts.append(("batches", " | ".join(", ".join(batch) for batch in batches)))
    elif batches and all(isinstance(batch, int) for batch in batches):
        facts.append(("nodes per wave", ", ".join(str(batch) for batch in batches)))
    if "peak_pods" in rollout:
        facts.append(
            (
                "pods",
                f"at most {rollout['peak_pods']}, at least {rollout['min_available']} available",
            )
        )
    stall = rollout.get("stall")
    if isinstance(stall, dict):
        facts.append(("stalls after step", f"{stall.get('step')}: {stall.get('reason')}"))
    facts.extend(("note", str(note)) for note in rollout.get("notes", []))
    return facts
