"""`kplan schedule --explain` for people: per pod a table of every node, with the filter that
rejected it or each score plugin's normalized score and the weighted total (the winner
first). Replicas of one owner whose tables are identical share one table.

A pure renderer of the contract's `scheduling.placements[]`; rich is imported inside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def render_placements(placements: list[dict[str, Any]], console: Console) -> None:
    from rich.table import Table

    for group in _groups(placements):
        first = group[0]
        names = ", ".join(p["pod"] for p in group)
        where = first["node"] or "Pending"
        console.print(f"[bold]{names}[/bold] -> {where}", highlight=False)
        if first.get("message"):
            console.print(f"  {first['message']}", highlight=False, markup=False)
        scores: dict[str, dict[str, int]] = first.get("scores") or {}
        filtered: dict[str, list[str]] = first.get("filtered") or {}
        if not scores and not filtered:
            console.print()
            continue
        plugins = sorted({p for table in scores.values() for p in table if p != "total"})
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column("node", no_wrap=True)
        for plugin in plugins:
            table.add_column(plugin, justify="right")
        table.add_column("total", justify="right")
        table.add_column("filtered out by")
        ranked = sorted(scores.items(), key=lambda item: (-item[1].get("total", 0), item[0]))
        for node, table_scores in ranked:
            table.add_row(
                node,
                *(str(table_scores.get(plugin, "")) for plugin in plugins),
                str(table_scores.get("total", "")),
                "",
            )
        for node, reasons in sorted(filtered.items()):
            table.add_row(node, *[""] * (len(plugins) + 1), "; ".join(reasons))
        console.print(table)
        console.print()


def _groups(placements: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Consecutive replicas of one owner with the same node verdicts, together."""
    groups: list[list[dict[str, Any]]] = []
    for placement in placements:
        last = groups[-1][0] if groups else None
        if last is not None and placement.get("owner") and _same(last, placement):
            groups[-1].append(placement)
        else:
            groups.append([placement])
    return groups


def _same(left: dict[str, Any], right: dict[str, Any]) -> bool:
    keys = ("owner", "node", "message", "scores", "filtered")
    return all(left.get(key) == right.get(key) for key in keys)
