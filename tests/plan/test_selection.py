"""`kplan match` and the relation graph (kplan.plan.selection, kplan.report.match_out).

Selector semantics are apimachinery's (selector_test.go TestSelectorMatches,
helpers_test.go TestLabelSelectorAsSelector); which pods an object picks follows each kind's
API documentation (Service: same namespace, equality; NetworkPolicy/PDB: `{}` is every pod of
the namespace; ServiceMonitor: its namespaceSelector). kube-linter and kube-score get
matchExpressions, empty selectors and namespaces wrong; those cases are checked here.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import jsonschema
import pytest

from kplan.load import load_paths
from kplan.plan.pod_model import PodView
from kplan.plan.selection import (
    SelectorArgumentError,
    cluster_view,
    match_candidates,
    matching_objects,
    relation_graph,
    selector_from_argument,
    snapshot_coverage,
)
from kplan.report.graph_out import graph_document
from kplan.report.match_out import match_document, render_match
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES, ROOT

MATCH_SCHEMA = json.loads((ROOT / "schemas" / "match.schema.json").read_text())


@pytest.fixture(scope="module")
def boutique_on_prod():
    resources = load_paths([str(FIXTURES / "manifests" / "online-boutique")]).resources
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])
    objects, pods = cluster_view(resources, snapshot)
    graph = relation_graph(objects, pods, covers=snapshot_coverage(snapshot))
    return objects, pods, graph


def obj(
    kind: str, namespace: str, name: str, body: dict | None = None, *, planned: bool = True
) -> dict:
    body = dict(body or {})
    body.setdefault("kind", kind)
    body.setdefault("metadata", {"name": name, "namespace": namespace})
    ref = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
    return {"ref": ref, "kind": kind, "body": body, "planned": planned}


def pod(
    namespace: str, name: str, labels: dict, *, owner: str | None = None, spec: dict | None = None
) -> PodView:
    return PodView(
        namespace=namespace, name=name, labels=labels, spec=spec or {}, owner=owner, planned=True
    )


def edges(graph, kind: str) -> set[tuple[str, str]]:
    return {(s, t) for s, t, data in graph.edges(data=True) if data["kind"] == kind}


# -- the -l argument ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "canonical"),
    [
        ("tier in (web),env!=dev", "env!=dev,tier in (web)"),  # CONTRACT.md's example
        ('{"matchLabels": {"app": "web"}}', "app=web"),
        (
            '{"matchLabels": {"foo": "bar"}, "matchExpressions": '
            '[{"key": "baz", "operator": "In", "values": ["qux", "norf"]}]}',
            "baz in (norf,qux),foo=bar",  # TestLabelSelectorAsSelector
        ),
        ("matchExpressions:\n- {key: tier, operator: DoesNotExist}\n", "!tier"),
        ("{}", ""),
        ("", ""),
    ],
)
def test_selector_argument_forms(argument: str, canonical: str) -> None:
    """-l takes a selector string or a LabelSelector as JSON or YAML; the output names the
    canonical String() form."""
    assert str(selector_from_argument(argument)) == canonical


@pytest.mark.parametrize(
    ("argument", "position"),
    [
        ("app=web,,tier", 8),
        ("app in (a b)", 10),
        ("-bad=x", 0),
        ('{"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}', None),
        ('{"matchLabels": {"a": "b"}, "podSelector": {}}', None),
    ],
)
def test_invalid_selector_arguments(argument: str, position: int | None) -> None:
    """An invalid selector names the position of the problem (strings) or the field."""
    with pytest.raises(SelectorArgumentError) as caught:
        selector_from_argument(argument)
    assert caught.value.position == position


# -- match --------------------------------------------------------------------------------------


def test_match_on_boutique_prod(boutique_on_prod) -> None:
    """`app=frontend` over the cluster after applying the boutique manifests: the Deployment,
    its Services, the recorded ReplicaSets and the pods (the changed Deployment's pod is
    planned, with a template-hash name)."""
    objects, pods, _ = boutique_on_prod
    matches = matching_objects(
        selector_from_argument("app=frontend"), match_candidates(objects, pods)
    )
    assert "Deployment/default/frontend" in matches
    assert "Service/default/frontend" in matches
    assert "Service/default/frontend-external" in matches
    assert any(ref.startswith("Pod/default/frontend-") for ref in matches)
    assert matches == sorted(set(matches))
    assert all(not ref.startswith("Endpoints/") for ref in matches)


def test_match_expressions_linters_misjudge() -> None:
    """NotIn and != match objects without the key (Requirement.Matches); `!key` matches only
    objects without it; an empty selector matches everything, including unlabelled objects."""
    candidates = [
        ("Pod/a/canary", {"app": "web", "track": "canary"}),
        ("Pod/a/stable", {"app": "web", "track": "stable"}),
        ("Pod/a/unlabelled", {}),
        ("Service/a/web", {"app": "web"}),
    ]
    assert matching_objects(selector_from_argument("track notin (canary)"), candidates) == [
        "Pod/a/stable",
        "Pod/a/unlabelled",
        "Service/a/web",
    ]
    assert matching_objects(selector_from_argument("track!=canary,app"), candidates) == [
        "Pod/a/stable",
        "Service/a/web",
    ]
    assert matching_objects(selector_from_argument("!track"), candidates) == [
        "Pod/a/unlabelled",
        "Service/a/web",
    ]
    assert len(matching_objects(selector_from_argument("{}"), candidates)) == 4


def test_match_output_follows_the_contract() -> None:
    """`match -o json`: {"format_version": "1", "selector": canonical, "matches": [...]}."""
    selector = selector_from_argument("tier in (web),env!=dev")
    matches = ["Service/shop/web", "Pod/shop/web-6f9d8c7b5-x2k4p", "Service/shop/web"]
    document = match_document(str(selector), matches)
    assert document == {
        "format_version": "1",
        "selector": "env!=dev,tier in (web)",
        "matches": ["Pod/shop/web-6f9d8c7b5-x2k4p", "Service/shop/web"],
    }
    jsonschema.validate(document, MATCH_SCHEMA)
    stream = io.StringIO()
    render_match(str(selector), matches, "json", stream)
    assert json.loads(stream.getvalue()) == document
    text = io.StringIO()
    render_match(str(selector), matches, "text", text)
    assert text.getvalue() == "Pod/shop/web-6f9d8c7b5-x2k4p\nService/shop/web\n"
    with pytest.raises(ValueError):
        render_match("", [], "yaml", io.StringIO())


# -- the cluster after the plan --------------------------------------------------------------------


def test_cluster_view_replaces_only_changed_workloads(boutique_on_prod) -> None:
    """Desired workloads whose template or replicas differ from the recorded ones get planned
    pods; unchanged ones keep their recorded pods; pods of other workloads stay."""
    objects, pods, _ = boutique_on_prod
    planned_owners = {p.owner for p in pods if p.planned}
    recorded_owners = {p.owner for p in pods if not p.planned}
    assert planned_owners and planned_owners.isdisjoint(recorded_owners)
    assert all(owner.startswith("Deployment/default/") for owner in planned_owners)
    assert "StatefulSet/data/kafka" in recorded_owners
    assert not any(item.kind == "Pod" for item in objects)
    frontend = [p for p in pods if p.owner == "Deployment/default/frontend"]
    assert frontend and all(p.planned for p in frontend)


def test_cluster_view_without_snapshot_is_an_empty_cluster() -> None:
    """No snapshot: every workload is new; DaemonSets have no nodes, hence no pods."""
    resources = load_paths([str(FIXTURES / "manifests" / "node-exporter")]).resources
    objects, pods = cluster_view(resources, None)
    assert pods == []
    assert {item.ref for item in objects} >= {
        "DaemonSet/monitoring/node-exporter",
        "Service/monitoring/node-exporter",
    }


# -- the relation graph ---------------------------------------------------------------------------


def test_boutique_graph_edges(boutique_on_prod) -> None:
    """Services select their pods, the Ingress routes to frontend on port 80, StatefulSets
    serve their headless Services, Deployments own their ReplicaSets and the ReplicaSets own
    the recorded pods, pods use their ServiceAccounts."""
    objects, pods, graph = boutique_on_prod
    frontend_pods = {
        f"Pod/default/{p.name}" for p in pods if p.owner == "Deployment/default/frontend"
    }
    selects = edges(graph, "selects")
    assert {("Service/default/frontend", p) for p in frontend_pods} <= selects
    assert {("Deployment/default/frontend", p) for p in frontend_pods} <= selects
    routes = [(s, t, d.get("port")) for s, t, d in graph.edges(data=True) if d["kind"] == "routes"]
    assert routes == [("Ingress/default/frontend", "Service/default/frontend", 80)]
    assert ("StatefulSet/data/kafka", "Service/data/kafka") in edges(graph, "serves")
    owns = edges(graph, "owns")
    assert ("Deployment/data/schema-registry", "ReplicaSet/data/schema-registry-675fc7cd97") in owns
    assert any(
        s == "ReplicaSet/data/schema-registry-675fc7cd97" and t.startswith("Pod/data/")
        for s, t in owns
    )
    assert {("Deployment/default/frontend", p) for p in frontend_pods} <= owns
    uses = edges(graph, "uses")
    assert {(p, "ServiceAccount/default/frontend") for p in frontend_pods} <= uses
    # Node ids are contract references; derived Endpoints are left out.
    assert all(node.count("/") in (1, 2) for node in graph.nodes)
    assert not any(node.startswith("Endpoints/") for node in graph.nodes)
    assert graph.nodes["Deployment/default/frontend"]["planned"] is True
    assert graph.nodes["StatefulSet/data/kafka"]["planned"] is False
    # The snapshot recorded no PersistentVolumeClaims: the claims are not known to be missing.
    assert graph.nodes["PersistentVolumeClaim/data/data-kafka-0"]["missing"] is False


def test_graph_is_deterministic(boutique_on_prod) -> None:
    """Same input, same document; input order does not matter."""
    objects, pods, graph = boutique_on_prod
    again = relation_graph(list(reversed(objects)), list(reversed(pods)), covers=lambda ref: False)
    first = graph_document(graph)
    second = graph_document(again)
    assert first["edges"] == second["edges"]
    assert [n["id"] for n in first["nodes"]] == [n["id"] for n in second["nodes"]]
    assert list(graph.nodes) == sorted(graph.nodes)


def test_selection_respects_namespaces() -> None:
    """Endpoints controller: podLister.Pods(service.Namespace): a Service never selects pods
    of another namespace with the same labels; neither do workloads, PDBs or NetworkPolicies."""
    objects = [
        obj("Service", "a", "web", {"spec": {"selector": {"app": "web"}}}),
        obj("NetworkPolicy", "a", "all", {"spec": {"podSelector": {}}}),
        obj(
            "PodDisruptionBudget", "a", "pdb", {"apiVersion": "policy/v1", "spec": {"selector": {}}}
        ),
    ]
    pods = [
        pod("a", "web-1", {"app": "web"}),
        pod("b", "web-1", {"app": "web"}),
        pod("a", "db-0", {"app": "db"}),
    ]
    graph = relation_graph(objects, pods)
    assert edges(graph, "selects") == {
        ("Service/a/web", "Pod/a/web-1"),
        ("NetworkPolicy/a/all", "Pod/a/web-1"),
        ("NetworkPolicy/a/all", "Pod/a/db-0"),
        ("PodDisruptionBudget/a/pdb", "Pod/a/web-1"),
        ("PodDisruptionBudget/a/pdb", "Pod/a/db-0"),
    }


def test_empty_and_missing_selectors_by_kind() -> None:
    """A Service with no selector or `{}` selects nothing (endpoints managed elsewhere); a
    policy/v1 PDB with a null selector selects nothing, a policy/v1beta1 PDB with `{}` too; a
    NetworkPolicy without podSelector selects every pod of its namespace."""
    objects = [
        obj("Service", "a", "external", {"spec": {"ports": [{"port": 80}]}}),
        obj("Service", "a", "empty", {"spec": {"selector": {}}}),
        obj("PodDisruptionBudget", "a", "null", {"apiVersion": "policy/v1", "spec": {}}),
        obj(
            "PodDisruptionBudget",
            "a",
            "legacy",
            {"apiVersion": "policy/v1beta1", "spec": {"selector": {}}},
        ),
        obj("NetworkPolicy", "a", "default-deny", {"spec": {"policyTypes": ["Ingress"]}}),
    ]
    graph = relation_graph(objects, [pod("a", "x", {"app": "x"}), pod("a", "y", {})])
    assert edges(graph, "selects") == {
        ("NetworkPolicy/a/default-deny", "Pod/a/x"),
        ("NetworkPolicy/a/default-deny", "Pod/a/y"),
    }


def test_match_expressions_in_network_policy() -> None:
    """NotIn in a NetworkPolicy podSelector also selects pods without the key."""
    policy = obj(
        "NetworkPolicy",
        "a",
        "not-canary",
        {
            "spec": {
                "podSelector": {
                    "matchExpressions": [
                        {"key": "track", "operator": "NotIn", "values": ["canary"]}
                    ]
                }
            }
        },
    )
    pods = [
        pod("a", "c", {"track": "canary"}),
        pod("a", "s", {"track": "stable"}),
        pod("a", "u", {}),
    ]
    assert edges(relation_graph([policy], pods), "selects") == {
        ("NetworkPolicy/a/not-canary", "Pod/a/s"),
        ("NetworkPolicy/a/not-canary", "Pod/a/u"),
    }


def test_node_exporter_service_monitor_and_daemonset() -> None:
    """kube-prometheus node-exporter on the kind cluster: the ServiceMonitor selects the
    Service (not pods), the Service, DaemonSet and NetworkPolicy select the three pods, and the
    pods use the node-exporter ServiceAccount."""
    resources = load_paths([str(FIXTURES / "manifests" / "node-exporter")]).resources
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "kind-3node.yaml")])
    objects, pods = cluster_view(resources, snapshot)
    exporter = [p for p in pods if p.owner == "DaemonSet/monitoring/node-exporter"]
    assert len(exporter) == 3
    graph = relation_graph(objects, pods, covers=snapshot_coverage(snapshot))
    selects = edges(graph, "selects")
    assert (
        "ServiceMonitor/monitoring/node-exporter",
        "Service/monitoring/node-exporter",
    ) in selects
    for p in exporter:
        ref = f"Pod/monitoring/{p.name}"
        for source in ("Service", "DaemonSet", "NetworkPolicy"):
            assert (f"{source}/monitoring/node-exporter", ref) in selects
        assert ("ServiceMonitor/monitoring/node-exporter", ref) not in selects
        assert (ref, "ServiceAccount/monitoring/node-exporter") in edges(graph, "uses")
        assert ("DaemonSet/monitoring/node-exporter", ref) in edges(graph, "owns")


def test_service_monitor_namespace_selector() -> None:
    """prometheus-operator NamespaceSelector: `any: true` or `matchNames` reach other
    namespaces; without it only the monitor's own namespace counts."""
    service = {"metadata": {"labels": {"app": "api"}}, "spec": {"selector": {"app": "api"}}}
    objects = [
        obj("Service", "prod", "api", service),
        obj("Service", "monitoring", "api", service),
        obj(
            "ServiceMonitor",
            "monitoring",
            "own",
            {"spec": {"selector": {"matchLabels": {"app": "api"}}}},
        ),
        obj(
            "ServiceMonitor",
            "monitoring",
            "named",
            {
                "spec": {
                    "selector": {"matchLabels": {"app": "api"}},
                    "namespaceSelector": {"matchNames": ["prod"]},
                }
            },
        ),
        obj(
            "ServiceMonitor",
            "monitoring",
            "any",
            {
                "spec": {
                    "selector": {"matchLabels": {"app": "api"}},
                    "namespaceSelector": {"any": True},
                }
            },
        ),
    ]
    selects = edges(relation_graph(objects, []), "selects")
    assert selects == {
        ("ServiceMonitor/monitoring/own", "Service/monitoring/api"),
        ("ServiceMonitor/monitoring/named", "Service/prod/api"),
        ("ServiceMonitor/monitoring/any", "Service/monitoring/api"),
        ("ServiceMonitor/monitoring/any", "Service/prod/api"),
    }


def test_uses_scales_serves_and_missing_targets() -> None:
    """uses: env valueFrom, envFrom, volumes, projected sources, imagePullSecrets,
    serviceAccountName, priorityClassName; scales: HPA scaleTargetRef; serves: StatefulSet
    serviceName. Targets in neither input nor snapshot are `missing` nodes, except objects every
    cluster has (ServiceAccount default, ConfigMap kube-root-ca.crt)."""
    spec = {
        "serviceAccountName": "default",
        "priorityClassName": "high",
        "imagePullSecrets": [{"name": "registry"}],
        "containers": [
            {
                "name": "c",
                "envFrom": [
                    {"configMapRef": {"name": "settings"}},
                    {"secretRef": {"name": "env-secret"}},
                ],
                "env": [
                    {
                        "name": "A",
                        "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "a"}},
                    },
                    {"name": "B", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
                    {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                ],
            }
        ],
        "volumes": [
            {"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}},
            {"name": "cfg", "configMap": {"name": "files"}},
            {"name": "tls", "secret": {"secretName": "tls"}},
            {
                "name": "token",
                "projected": {
                    "sources": [
                        {"configMap": {"name": "kube-root-ca.crt"}},
                        {"secret": {"name": "extra"}},
                    ]
                },
            },
        ],
    }
    objects = [
        obj("ConfigMap", "a", "settings"),
        obj(
            "StatefulSet",
            "a",
            "db",
            {"spec": {"serviceName": "db-headless", "selector": {"matchLabels": {"app": "db"}}}},
        ),
        obj(
            "HorizontalPodAutoscaler",
            "a",
            "db",
            {
                "spec": {
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db"}
                }
            },
        ),
        obj(
            "HorizontalPodAutoscaler",
            "a",
            "gone",
            {"spec": {"scaleTargetRef": {"kind": "Deployment", "name": "gone"}}},
        ),
    ]
    graph = relation_graph(
        objects, [pod("a", "db-0", {"app": "db"}, owner="StatefulSet/a/db", spec=spec)]
    )
    uses = {target for _, target in edges(graph, "uses")}
    assert uses == {
        "PriorityClass/high",
        "Secret/a/registry",
        "ConfigMap/a/settings",
        "Secret/a/env-secret",
        "Secret/a/db",
        "PersistentVolumeClaim/a/data-db-0",
        "ConfigMap/a/files",
        "Secret/a/tls",
        "Secret/a/extra",
    }
    assert edges(graph, "scales") == {
        ("HorizontalPodAutoscaler/a/db", "StatefulSet/a/db"),
        ("HorizontalPodAutoscaler/a/gone", "Deployment/a/gone"),
    }
    assert edges(graph, "serves") == {("StatefulSet/a/db", "Service/a/db-headless")}
    assert edges(graph, "owns") == {("StatefulSet/a/db", "Pod/a/db-0")}
    assert graph.nodes["Deployment/a/gone"]["missing"] is True
    assert graph.nodes["Service/a/db-headless"]["missing"] is True
    assert graph.nodes["ConfigMap/a/settings"]["missing"] is False
    assert "ServiceAccount/a/default" not in graph.nodes
    assert "ConfigMap/a/kube-root-ca.crt" not in graph.nodes
    # A recording that did not cover a kind cannot say the object is missing.
    unknown = relation_graph(
        objects, [pod("a", "db-0", {"app": "db"}, spec=spec)], covers=lambda ref: False
    )
    assert unknown.nodes["Secret/a/db"]["missing"] is False


def test_ingress_and_route_backends() -> None:
    """Ingress rules and defaultBackend (port number or Service port name), the v1beta1
    serviceName/servicePort form, and Gateway API backendRefs (other namespaces allowed)."""
    objects = [
        obj(
            "Ingress",
            "web",
            "site",
            {
                "spec": {
                    "defaultBackend": {"service": {"name": "fallback", "port": {"name": "http"}}},
                    "rules": [
                        {
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "backend": {
                                            "service": {"name": "app", "port": {"number": 8080}}
                                        },
                                    }
                                ]
                            }
                        },
                        {
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "backend": {
                                            "service": {"name": "app", "port": {"number": 8080}}
                                        },
                                    }
                                ]
                            }
                        },
                    ],
                }
            },
        ),
        obj(
            "Ingress",
            "web",
            "legacy",
            {"spec": {"backend": {"serviceName": "old", "servicePort": 80}}},
        ),
        obj(
            "HTTPRoute",
            "web",
            "route",
            {
                "spec": {
                    "rules": [
                        {"backendRefs": [{"name": "api", "namespace": "backend", "port": 9000}]}
                    ]
                }
            },
        ),
    ]
    graph = relation_graph(objects, [])
    routes = sorted(
        (s, t, d.get("port")) for s, t, d in graph.edges(data=True) if d["kind"] == "routes"
    )
    assert routes == [
        ("HTTPRoute/web/route", "Service/backend/api", 9000),
        ("Ingress/web/legacy", "Service/web/old", 80),
        ("Ingress/web/site", "Service/web/app", 8080),
        ("Ingress/web/site", "Service/web/fallback", "http"),
    ]


def test_networkx_is_imported_lazily() -> None:
    """A pre-commit run imports these modules; networkx must load only when a graph is built."""
    code = (
        "import sys, kplan.plan.selection, kplan.plan.pods, kplan.report.graph_out, "
        "kplan.report.match_out, kplan.k8s.selectors; print('networkx' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
