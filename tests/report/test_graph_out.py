"""`kplan graph -f dot|mermaid|json` (kplan.report.graph_out).

The JSON document is checked against schemas/graph.schema.json; the dot output is checked
structurally here and, when Graphviz's `dot` is installed, parsed by it; the Mermaid output is
checked for the flowchart syntax it uses.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import jsonschema
import pytest

from kplan.load import load_paths
from kplan.plan.pod_model import PodView
from kplan.plan.selection import cluster_view, relation_graph, snapshot_coverage
from kplan.report.graph_out import graph_document, render_graph
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES, ROOT

SCHEMA = json.loads((ROOT / "schemas" / "graph.schema.json").read_text())


def small_graph():
    objects = [
        {
            "ref": "Service/shop/web",
            "kind": "Service",
            "planned": False,
            "body": {"spec": {"selector": {"app": "web"}}},
        },
        {
            "ref": "Deployment/shop/web",
            "kind": "Deployment",
            "planned": True,
            "body": {"spec": {"selector": {"matchLabels": {"app": "web"}}}},
        },
        {
            "ref": "Ingress/shop/web",
            "kind": "Ingress",
            "planned": True,
            "body": {
                "spec": {
                    "rules": [
                        {
                            "http": {
                                "paths": [
                                    {
                                        "backend": {
                                            "service": {"name": "web", "port": {"number": 80}}
                                        }
                                    }
                                ]
                            }
                        }
                    ]
                }
            },
        },
        {"ref": "Namespace/shop", "kind": "Namespace", "planned": False, "body": {}},
    ]
    pod = PodView(
        namespace="shop",
        name="web-6f9d8c7b5-x2k4p",
        labels={"app": "web"},
        spec={"volumes": [{"name": "cfg", "configMap": {"name": "web-config"}}]},
        owner="Deployment/shop/web",
        planned=True,
    )
    return relation_graph(objects, [pod])


@pytest.fixture(scope="module")
def boutique_graph():
    resources = load_paths([str(FIXTURES / "manifests" / "online-boutique")]).resources
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])
    objects, pods = cluster_view(resources, snapshot)
    return relation_graph(objects, pods, covers=snapshot_coverage(snapshot))


def rendered(graph, fmt: str) -> str:
    stream = io.StringIO()
    render_graph(graph, fmt, stream)
    return stream.getvalue()


# -- json ----------------------------------------------------------------------------------------


def test_json_follows_the_contract() -> None:
    """CONTRACT.md's graph document: format_version "1", nodes {id, kind, planned}, edges
    {from, to, kind}; additions: `missing` on nodes, `port` on routes edges."""
    document = json.loads(rendered(small_graph(), "json"))
    jsonschema.validate(document, SCHEMA)
    assert document["format_version"] == "1"
    assert {
        "id": "Service/shop/web",
        "kind": "Service",
        "planned": False,
        "missing": False,
    } in document["nodes"]
    assert {
        "from": "Service/shop/web",
        "to": "Pod/shop/web-6f9d8c7b5-x2k4p",
        "kind": "selects",
    } in document["edges"]
    assert {
        "from": "Ingress/shop/web",
        "to": "Service/shop/web",
        "kind": "routes",
        "port": 80,
    } in document["edges"]
    assert {
        "id": "ConfigMap/shop/web-config",
        "kind": "ConfigMap",
        "planned": False,
        "missing": True,
    } in document["nodes"]
    ids = [node["id"] for node in document["nodes"]]
    assert ids == sorted(ids)
    keys = [(e["from"], e["to"], e["kind"]) for e in document["edges"]]
    assert keys == sorted(keys)


def test_boutique_json_validates_and_is_stable(boutique_graph) -> None:
    """The whole boutique-prod graph validates; rendering twice gives the same bytes."""
    text = rendered(boutique_graph, "json")
    jsonschema.validate(json.loads(text), SCHEMA)
    assert text == rendered(boutique_graph, "json")
    assert graph_document(boutique_graph) == json.loads(text)


# -- dot -----------------------------------------------------------------------------------------

QUOTED = r'"(?:[^"\\]|\\.)*"'


def check_dot_structure(text: str) -> set[str]:
    """A structural check of the subset of DOT we write: one digraph, balanced braces, every
    statement a quoted node or quoted edge, edges between declared nodes. Returns node ids."""
    lines = text.splitlines()
    assert lines[0] == "digraph kplan {" and lines[-1] == "}"
    depth = 0
    declared: set[str] = set()
    edge_ends: list[str] = []
    for line in lines:
        stripped = line.strip()
        depth += stripped.count("{") - stripped.count("}") if not stripped.startswith('"') else 0
        assert depth >= 0
        node = re.fullmatch(rf"({QUOTED}) \[(.*)\];", stripped)
        edge = re.fullmatch(rf"({QUOTED}) -> ({QUOTED}) \[label={QUOTED}\];", stripped)
        if edge:
            edge_ends += [edge.group(1), edge.group(2)]
        elif node:
            declared.add(node.group(1))
            assert re.fullmatch(rf"label={QUOTED}(, \w+={QUOTED})*", node.group(2))
        else:
            assert re.fullmatch(
                rf"(digraph kplan \{{|\}}|rankdir=LR;|(node|edge) \[.*\];|subgraph {QUOTED} \{{|"
                rf"label={QUOTED};|style={QUOTED};)",
                stripped,
            ), stripped
    assert depth == 0
    assert set(edge_ends) <= declared
    return declared


def test_dot_structure_and_styles() -> None:
    """Quoted ids, one cluster per namespace, edge labels are kinds (routes with the port),
    planned nodes dashed, missing ones dotted and red."""
    text = rendered(small_graph(), "dot")
    declared = check_dot_structure(text)
    assert '"Pod/shop/web-6f9d8c7b5-x2k4p"' in declared
    assert 'subgraph "cluster_shop" {' in text
    assert '"Namespace/shop" [label="Namespace\\nshop"];' in text  # cluster-scoped: top level
    assert '"Service/shop/web" -> "Pod/shop/web-6f9d8c7b5-x2k4p" [label="selects"];' in text
    assert '"Ingress/shop/web" -> "Service/shop/web" [label="routes 80"];' in text
    assert '"Deployment/shop/web" [label="Deployment\\nweb", style="dashed"];' in text
    missing = '"ConfigMap/shop/web-config" [label="ConfigMap\\nweb-config", color="red", '
    assert missing + 'fontcolor="red", style="dotted"];' in text


def test_dot_escapes_awkward_names() -> None:
    """Quotes and backslashes in ids are escaped inside the quoted strings."""
    objects = [{"ref": 'Widget/ns/we"ird\\name', "kind": "Widget", "planned": False, "body": {}}]
    text = rendered(relation_graph(objects, []), "dot")
    check_dot_structure(text)
    assert '"Widget/ns/we\\"ird\\\\name"' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_graphviz_parses_the_boutique_graph(boutique_graph) -> None:
    """Graphviz itself reads the output (dot -Tcanon re-prints a parsed graph)."""
    text = rendered(boutique_graph, "dot")
    check_dot_structure(text)
    result = subprocess.run(
        ["dot", "-Tcanon"], input=text, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    awkward = rendered(
        relation_graph([{"ref": 'W/n/a"b\\c', "kind": "W", "planned": True, "body": {}}], []), "dot"
    )
    assert (
        subprocess.run(["dot", "-Tcanon"], input=awkward, capture_output=True, text=True).returncode
        == 0
    )


# -- mermaid -------------------------------------------------------------------------------------


def test_mermaid_flowchart() -> None:
    """flowchart LR; ids n0.. in node order with the reference as a quoted label; edges
    labelled with their kind; planned and missing nodes styled by class."""
    text = rendered(small_graph(), "mermaid")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    labels = {}
    for line in lines[1:]:
        node = re.fullmatch(r'  (n\d+)\["([^"]*)"\]', line)
        edge = re.fullmatch(r"  (n\d+) (-->|-\.->)\|([a-z]+(?: \w+)?)\| (n\d+)", line)
        style = re.fullmatch(r"  (classDef \w+ .+;|class n\d+(,n\d+)* \w+;)", line)
        assert node or edge or style, line
        if node:
            labels[node.group(1)] = node.group(2)
        if edge:
            assert edge.group(1) in labels and edge.group(4) in labels
    assert list(labels.values()) == sorted(labels.values())
    short = {label: key for key, label in labels.items()}
    assert (
        f"  {short['Service/shop/web']} -->|selects| {short['Pod/shop/web-6f9d8c7b5-x2k4p']}"
        in lines
    )
    assert f"  {short['Ingress/shop/web']} -->|routes 80| {short['Service/shop/web']}" in lines
    assert "  classDef planned stroke-dasharray: 5 5;" in lines


def test_mermaid_escapes_quotes(boutique_graph) -> None:
    objects = [{"ref": 'W/n/a"b', "kind": "W", "planned": False, "body": {}}]
    assert '["W/n/a#quot;b"]' in rendered(relation_graph(objects, []), "mermaid")
    assert rendered(boutique_graph, "mermaid") == rendered(boutique_graph, "mermaid")


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown graph format"):
        render_graph(small_graph(), "svg", io.StringIO())
