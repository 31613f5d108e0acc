"""`kplan graph -f dot|mermaid|json`: the relation graph (kplan.plan.selection.relation_graph).

- `dot`: a Graphviz digraph. Every id is a quoted string; namespaced objects sit in one
  `cluster_<namespace>` subgraph per namespace; edge labels are the edge kinds (with the port
  for `routes`); planned objects and pods are dashed, objects referred to but missing are red
  and dotted.
- `mermaid`: `flowchart LR` with ids n0, n1, ... in node order (Kubernetes names contain
  `/` and `.`, which Mermaid ids cannot); the reference is the label; classes `planned` and
  `missing` style the nodes.
- `json`: CONTRACT.md's graph document (`format_version` "1", schemas/graph.schema.json):
  nodes sorted by id, edges sorted by (from, to, kind, port).

Rendering reads node and edge attributes only and never imports networkx itself.
"""

from __future__ import annotations

from typing import Any, TextIO

from kplan.report.json_out import _escape_surrogates, layout

FORMAT_VERSION = "1"
FORMATS = ("dot", "mermaid", "json")

__all__ = ["FORMATS", "FORMAT_VERSION", "graph_document", "render_graph"]


def _nodes(graph: Any) -> list[tuple[str, dict[str, Any]]]:
    return sorted(
        ((str(node), dict(data)) for node, data in graph.nodes(data=True)), key=lambda x: x[0]
    )


def _edges(graph: Any) -> list[tuple[str, str, dict[str, Any]]]:
    edges = [
        (str(source), str(target), dict(data)) for source, target, data in graph.edges(data=True)
    ]
    return sorted(
        edges, key=lambda e: (e[0], e[1], str(e[2].get("kind", "")), str(e[2].get("port", "")))
    )


def graph_document(graph: Any) -> dict[str, Any]:
    """The JSON document as plain data."""
    nodes = []
    for node_id, data in _nodes(graph):
        nodes.append(
            {
                "id": node_id,
                "kind": str(data.get("kind", node_id.split("/", 1)[0])),
                "planned": bool(data.get("planned", False)),
                "missing": bool(data.get("missing", False)),
            }
        )
    edges = []
    for source, target, data in _edges(graph):
        entry: dict[str, Any] = {"from": source, "to": target, "kind": str(data.get("kind", ""))}
        if data.get("port") is not None:
            entry["port"] = data["port"]
        edges.append(entry)
    return {"format_version": FORMAT_VERSION, "nodes": nodes, "edges": edges}


def render_graph(graph: Any, fmt: str, stream: TextIO) -> None:
    """Write `graph` to `stream` as `fmt` (one of FORMATS); ValueError for other formats."""
    if fmt == "json":
        stream.write(_escape_surrogates(layout(graph_document(graph))))
    elif fmt == "dot":
        stream.write(_dot(graph))
    elif fmt == "mermaid":
        stream.write(_mermaid(graph))
    else:
        raise ValueError(f"unknown graph format {fmt!r} (expected one of {', '.join(FORMATS)})")


def _edge_label(data: dict[str, Any]) -> str:
    kind = str(data.get("kind", ""))
    port = data.get("port")
    return f"{kind} {port}" if port is not None else kind


# -- dot ----------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    """A Graphviz double-quoted string: backslashes and quotes escaped, newlines as \\n."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def _dot_node(node_id: str, data: dict[str, Any]) -> str:
    kind = str(data.get("kind", ""))
    name = str(data.get("name") or node_id.rsplit("/", 1)[-1])
    attributes = [f"label={_quote(kind + chr(10) + name)}"]
    styles = []
    if data.get("planned"):
        styles.append("dashed")
    if data.get("missing"):
        styles.append("dotted")
        attributes.append('color="red"')
        attributes.append('fontcolor="red"')
    if styles:
        attributes.append(f"style={_quote(','.join(styles))}")
    return f"{_quote(node_id)} [{', '.join(attributes)}];"


def _dot(graph: Any) -> str:
    lines = [
        "digraph kplan {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    by_namespace: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for node_id, data in _nodes(graph):
        by_namespace.setdefault(str(data.get("namespace") or ""), []).append((node_id, data))
    for node_id, data in by_namespace.pop("", []):
        lines.append(f"  {_dot_node(node_id, data)}")
    for namespace in sorted(by_namespace):
        lines.append(f"  subgraph {_quote('cluster_' + namespace)} {{")
        lines.append(f"    label={_quote(namespace)};")
        lines.append('    style="rounded";')
        for node_id, data in by_namespace[namespace]:
            lines.append(f"    {_dot_node(node_id, data)}")
        lines.append("  }")
    for source, target, data in _edges(graph):
        label = _quote(_edge_label(data))
        lines.append(f"  {_quote(source)} -> {_quote(target)} [label={label}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- mermaid --------------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and markup characters as entity codes."""
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", " ")
    )


def _mermaid(graph: Any) -> str:
    lines = ["flowchart LR"]
    ids: dict[str, str] = {}
    planned: list[str] = []
    missing: list[str] = []
    for index, (node_id, data) in enumerate(_nodes(graph)):
        short = f"n{index}"
        ids[node_id] = short
        lines.append(f'  {short}["{_mermaid_text(node_id)}"]')
        if data.get("planned"):
            planned.append(short)
        if data.get("missing"):
            missing.append(short)
    for source, target, data in _edges(graph):
        label = _mermaid_text(_edge_label(data)).replace("|", "#124;")
        arrow = "-.->" if data.get("kind") == "owns" else "-->"
        lines.append(f"  {ids[source]} {arrow}|{label}| {ids[target]}")
    if planned:
        lines.append("  classDef planned stroke-dasharray: 5 5;")
        lines.append(f"  class {','.join(planned)} planned;")
    if missing:
        lines.append("  classDef missing stroke:#d00,color:#d00;")
        lines.append(f"  class {','.join(missing)} missing;")
    return "\n".join(lines) + "\n"
