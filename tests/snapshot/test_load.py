"""Reading snapshots: the corpus clusters, identities, recorded kinds, and bad objects
reported with file:line:column while the rest still loads."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from kplan.plan.model import ObjectId
from kplan.snapshot.header import SnapshotHeader
from kplan.snapshot.load import Snapshot, load_snapshot
from kplan.snapshot.write import dump_yaml
from tests.paths import FIXTURES, corpus_or_skip

SNAPSHOTS = FIXTURES / "snapshots"

# The table in the corpus snapshots README.
KIND_3NODE = {
    "Node": 3,
    "Pod": 13,
    "Deployment": 2,
    "ReplicaSet": 2,
    "DaemonSet": 2,
    "Service": 2,
    "Endpoints": 2,
    "ConfigMap": 13,
    "Namespace": 5,
}
BOUTIQUE = {
    "Node": 6,
    "Pod": 68,
    "Deployment": 21,
    "ReplicaSet": 23,
    "StatefulSet": 6,
    "DaemonSet": 4,
    "Service": 25,
    "Endpoints": 25,
    "ConfigMap": 11,
    "Ingress": 1,
    "Namespace": 6,
}


def kinds(snapshot: Snapshot) -> dict[str, int]:
    return dict(Counter(object_id.kind for object_id in snapshot.ids))


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("kind-3node.yaml", KIND_3NODE),
        ("kind-3node.json", KIND_3NODE),
        ("boutique-prod.yaml", BOUTIQUE),
    ],
)
def test_corpus_snapshots(name: str, counts: dict[str, int]):
    snapshot = load_snapshot([str(corpus_or_skip() / "snapshots" / name)])
    assert snapshot.problems == []
    assert kinds(snapshot) == counts


def test_fixtures_are_byte_exact_copies_of_the_corpus():
    corpus = corpus_or_skip() / "snapshots"
    for name in ("kind-3node.yaml", "kind-3node.json", "boutique-prod.yaml"):
        assert (SNAPSHOTS / name).read_bytes() == (corpus / name).read_bytes(), name


def test_yaml_and_json_of_one_cluster_agree():
    from_yaml = load_snapshot([str(SNAPSHOTS / "kind-3node.yaml")])
    from_json = load_snapshot([str(SNAPSHOTS / "kind-3node.json")])
    assert from_yaml.ids == from_json.ids
    assert [r.body for r in from_yaml.objects] == [r.body for r in from_json.objects]


def test_identity_scope_and_lookup():
    snapshot = load_snapshot([str(SNAPSHOTS / "boutique-prod.yaml")])
    node = snapshot.get(ObjectId("", "Node", "", "gke-boutique-prod-default-pool-6e0c1f8a-0k7m"))
    assert node is not None and node.body["spec"]["unschedulable"] is True
    frontend = snapshot.get(ObjectId("apps", "Deployment", "default", "frontend"))
    assert frontend.body["spec"]["replicas"] == 3
    assert snapshot.get(ObjectId("apps", "Deployment", "default", "adservice")) is None
    ingress = snapshot.get(ObjectId("networking.k8s.io", "Ingress", "default", "frontend"))
    assert ingress is not None
    assert snapshot.namespaces() == [
        "data",
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "observability",
    ]


def test_objects_are_in_namespace_kind_name_order():
    snapshot = load_snapshot([str(SNAPSHOTS / "kind-3node.yaml")])
    keys = [object_id.sort_key() for object_id in snapshot.ids]
    assert keys == sorted(keys)
    assert snapshot.resources() == snapshot.objects
    assert [pair[0] for pair in snapshot.items()] == snapshot.ids
    first = [(r.kind, r.metadata["name"]) for r in snapshot.objects[:8]]
    assert first[5:] == [
        ("Node", "kind-control-plane"),
        ("Node", "kind-worker"),
        ("Node", "kind-worker2"),
    ]  # cluster-scoped first (namespace ""), and Namespace before Node
    pods = snapshot.of_kind("", "Pod")
    assert len(pods) == 13
    assert [p.metadata["name"] for p in pods] == sorted(
        p.metadata["name"] for p in pods if p.namespace == "kube-system"
    ) + sorted(p.metadata["name"] for p in pods if p.namespace == "local-path-storage")


def test_plain_kubectl_list_records_the_kinds_present():
    """Without a kplan header, a kind with no objects in the file counts as not recorded."""
    snapshot = load_snapshot([str(SNAPSHOTS / "kind-3node.yaml")])
    assert snapshot.recorded_kinds == {
        ("", "Node"),
        ("", "Pod"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("apps", "DaemonSet"),
        ("", "Service"),
        ("", "Endpoints"),
        ("", "ConfigMap"),
        ("", "Namespace"),
    }
    assert snapshot.is_recorded("apps", "Deployment")
    assert not snapshot.is_recorded("", "ServiceAccount")
    assert not snapshot.is_recorded("apps", "StatefulSet")
    assert snapshot.covers(ObjectId("apps", "Deployment", "shop", "web"))
    assert not snapshot.covers(ObjectId("", "Secret", "default", "db"))
    assert snapshot.recorded_namespaces is None


def test_no_snapshot_is_an_empty_cluster_where_every_kind_is_known():
    for snapshot in (Snapshot.empty(), load_snapshot([])):
        assert len(snapshot) == 0 and snapshot.objects == [] and snapshot.items() == []
        assert snapshot.recorded_kinds is None
        assert snapshot.is_recorded("", "Secret")
        assert snapshot.covers(ObjectId("apps", "Deployment", "default", "web"))
        assert snapshot.get(ObjectId("", "Node", "", "n")) is None


MALFORMED = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: node-a
- apiVersion: v1
  kind: Pod
  metadata:
    namespace: shop
- apiVersion: v1
  kind: Pod
  metadata:
    name: no-namespace
- apiVersion: v1
  kind: ConfigMap
  metadata: [not, a, mapping]
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: labels
    namespace: shop
    labels:
      replicas: 3
- kind: Service
  metadata:
    name: no-api-version
    namespace: shop
- just a string
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: [list]
    namespace: shop
- apiVersion: v1
  kind: Node
  metadata:
    name: node-a
- apiVersion: v1
  kind: Pod
  metadata:
    name: good
    namespace: shop
    ownerReferences: {not: a list}
- apiVersion: v1
  kind: Pod
  metadata:
    name: good
    namespace: shop
"""


def test_malformed_objects_are_reported_with_positions(tmp_path: Path):
    path = tmp_path / "snap.yaml"
    path.write_text(MALFORMED)
    snapshot = load_snapshot([str(path)])
    assert snapshot.ids == [ObjectId("", "Node", "", "node-a"), ObjectId("", "Pod", "shop", "good")]
    found = [(p.location().replace(str(path), "snap.yaml"), p.message) for p in snapshot.problems]
    assert found == [
        ("snap.yaml:26:3", "item 5: missing 'apiVersion' key"),
        ("snap.yaml:30:3", "item 6 of the List must be a mapping, found a string"),
        ("snap.yaml:10:3", "Pod object: missing metadata.name; skipped"),
        ("snap.yaml:18:13", "ConfigMap object has no metadata mapping (found a list); skipped"),
        (
            "snap.yaml:25:17",
            "ConfigMap object: metadata.labels.replicas must be a string, found a number; skipped",
        ),
        (
            "snap.yaml:34:11",
            "ConfigMap object: metadata.name must be a string, found a list; skipped",
        ),
        (
            "snap.yaml:45:22",
            "Pod object: metadata.ownerReferences must be a list of mappings; skipped",
        ),
        (
            "snap.yaml:14:3",
            "Pod 'no-namespace' has no metadata.namespace: a recorded namespaced object always "
            "carries its namespace; skipped",
        ),
        (
            "snap.yaml:36:3",
            f"duplicate object Node/node-a (first at {path}:4); this one is ignored",
        ),
    ]


def test_custom_resources_take_scope_from_recorded_crds(tmp_path: Path):
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [{"name": "v1", "served": True}],
        },
    }
    items = [
        crd,
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
        {
            "apiVersion": "example.com/v1",
            "kind": "Widget",
            "metadata": {"name": "w", "namespace": "a"},
        },
        {"apiVersion": "other.io/v1", "kind": "Thing", "metadata": {"name": "t"}},
        {"apiVersion": "other.io/v1", "kind": "Thing", "metadata": {"name": "t", "namespace": "b"}},
    ]
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    snapshot = load_snapshot([str(path)])
    assert snapshot.crd_scopes == {("example.com", "Widget"): "Namespaced"}
    assert ObjectId("example.com", "Widget", "a", "w") in snapshot.ids
    assert ObjectId("other.io", "Thing", "", "t") in snapshot.ids  # no CRD: as written
    assert ObjectId("other.io", "Thing", "b", "t") in snapshot.ids
    assert [p.message for p in snapshot.problems] == [
        "Widget 'w' has no metadata.namespace: a recorded namespaced object always carries its "
        "namespace; skipped"
    ]


def test_folder_and_several_files_union(tmp_path: Path):
    header = SnapshotHeader("prod", "namespace shop", frozenset({("", "Secret"), ("", "Pod")}))
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}}
    (tmp_path / "a.yaml").write_text(dump_yaml(header, [pod]))
    (tmp_path / "b.yaml").write_text(dump_yaml(header, [pod]))
    snapshot = load_snapshot([str(tmp_path)])
    assert snapshot.ids == [ObjectId("", "Pod", "shop", "p")]
    assert snapshot.recorded_kinds == {("", "Secret"), ("", "Pod")}
    assert snapshot.recorded_namespaces == {"shop"}
    assert [p.message.split(" (")[0] for p in snapshot.problems] == ["duplicate object Pod/shop/p"]
    assert [h.context for h in snapshot.headers] == ["prod", "prod"]
    both = load_snapshot([str(tmp_path / "a.yaml"), str(SNAPSHOTS / "kind-3node.json")])
    assert both.recorded_namespaces is None  # the plain List covers all namespaces
    assert ("", "Secret") in both.recorded_kinds and ("apps", "Deployment") in both.recorded_kinds


def test_stdin():
    data = (SNAPSHOTS / "kind-3node.json").read_bytes()
    snapshot = load_snapshot(["-"], stdin=io.BytesIO(data))
    assert kinds(snapshot) == KIND_3NODE
    assert snapshot.objects[0].origin.source == "<stdin>"


def test_json_header_is_read(tmp_path: Path):
    document = {
        "kplanSnapshot": {"context": "c", "scope": "all namespaces", "recordedKinds": ["Secret"]},
        "apiVersion": "v1",
        "kind": "List",
        "items": [],
    }
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(document, indent=2))
    snapshot = load_snapshot([str(path)])
    assert snapshot.recorded_kinds == {("", "Secret")}
    assert snapshot.problems == []


def test_snapshot_above_three_mebibytes_loads(tmp_path: Path):
    items = json.loads((SNAPSHOTS / "kind-3node.json").read_text())["items"]
    many = []
    for copy_index in range(40):
        for item in items:
            clone = json.loads(json.dumps(item))
            clone["metadata"]["name"] += f"-{copy_index}"
            many.append(clone)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": many}))
    assert path.stat().st_size > 3 * 1024 * 1024
    snapshot = load_snapshot([str(path)])
    assert snapshot.problems == [] and len(snapshot) == len(many)
