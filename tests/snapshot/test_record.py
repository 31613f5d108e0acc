"""`kplan snapshot` against a fake kubectl: the exact invocations, what is kept and dropped,
Secret values never written, failures per type, and a round trip through the loader.

kubectl facts: `kubectl get a,b -o json` prints one List; `-A` and `-n` are ignored for
cluster-scoped types; `<plural>.<version>.<group>` names one version of a custom resource
(cli-runtime ResourceBuilder / schema.ParseResourceArg).
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from kplan.plan.model import ObjectId
from kplan.snapshot.load import load_snapshot
from kplan.snapshot.record import (
    KubectlFailed,
    KubectlNotFound,
    SnapshotOptions,
    record_snapshot,
)
from kplan.snapshot.write import format_for_path
from tests.snapshot import fake_kubectl
from tests.snapshot.conftest import PASSWORD, TOKEN, USER, b64, cluster_objects, scenario

CLUSTER = (
    "nodes,namespaces,persistentvolumes,storageclasses.storage.k8s.io,"
    "priorityclasses.scheduling.k8s.io,ingressclasses.networking.k8s.io,"
    "customresourcedefinitions.apiextensions.k8s.io"
)
NAMESPACED = (
    "pods,deployments.apps,replicasets.apps,statefulsets.apps,daemonsets.apps,jobs.batch,"
    "cronjobs.batch,services,endpointslices.discovery.k8s.io,ingresses.networking.k8s.io,"
    "configmaps,secrets,serviceaccounts,persistentvolumeclaims,poddisruptionbudgets.policy,"
    "horizontalpodautoscalers.autoscaling,networkpolicies.networking.k8s.io"
)
RECORDED_KINDS = (
    "ConfigMap,Namespace,Node,PersistentVolume,PersistentVolumeClaim,Pod,Secret,Service,"
    "ServiceAccount,apiextensions.k8s.io/CustomResourceDefinition,apps/DaemonSet,"
    "apps/Deployment,apps/ReplicaSet,apps/StatefulSet,autoscaling/HorizontalPodAutoscaler,"
    "batch/CronJob,batch/Job,discovery.k8s.io/EndpointSlice,networking.k8s.io/Ingress,"
    "networking.k8s.io/IngressClass,networking.k8s.io/NetworkPolicy,"
    "policy/PodDisruptionBudget,scheduling.k8s.io/PriorityClass,storage.k8s.io/StorageClass"
)


def hashed(raw: str) -> str:
    return "kplan-redacted:sha256:" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def expected_objects(custom_resources: bool = True) -> dict[ObjectId, dict[str, Any]]:
    """What the snapshot must hold, computed without kplan: Endpoints were not asked for,
    managedFields/selfLink dropped, Secret values hashed."""
    result = {}
    for item in cluster_objects():
        group = item["apiVersion"].rpartition("/")[0]
        if item["kind"] == "Endpoints" or (group == "example.com" and not custom_resources):
            continue
        item["metadata"].pop("managedFields", None)
        item["metadata"].pop("selfLink", None)
        if item["kind"] == "Secret":
            item["data"] = {
                "password": hashed(PASSWORD),
                "token": hashed(TOKEN),
                "user": hashed(USER),
            }
            annotations = item["metadata"]["annotations"]
            applied = json.loads(annotations["kubectl.kubernetes.io/last-applied-configuration"])
            applied["data"] = {"password": hashed(PASSWORD)}
            applied["stringData"] = {"token": hashed(TOKEN)}
            annotations["kubectl.kubernetes.io/last-applied-configuration"] = (
                json.dumps(applied, separators=(",", ":")) + "\n"
            )
        scoped = item["kind"] in {"Node", "Namespace", "CustomResourceDefinition", "Gadget"}
        namespace = "" if scoped else item["metadata"]["namespace"]
        result[ObjectId(group, item["kind"], namespace, item["metadata"]["name"])] = item
    return result


def record_to(tmp_path: Path, name: str, **options: Any) -> tuple[Path, Any]:
    output = tmp_path / name
    result = record_snapshot(SnapshotOptions(output_format=format_for_path(name), **options))
    output.write_text(result.text, encoding="utf-8")
    return output, result


@pytest.mark.parametrize("name", ["snap.yaml", "snap.json"])
def test_round_trip_gives_the_recorded_objects(kubectl_dir: Path, tmp_path: Path, name: str):
    output, result = record_to(tmp_path, name, custom_resources=True)
    assert result.warnings == []
    snapshot = load_snapshot([str(output)])
    assert snapshot.problems == []
    expected = expected_objects()
    assert result.objects == len(expected)
    assert set(snapshot.ids) == set(expected)
    for object_id, body in expected.items():
        assert snapshot.get(object_id).body == body, object_id
    kinds = {(t[0], t[1]) for t in fake_kubectl_types(kubectl_dir)}
    assert snapshot.recorded_kinds == kinds
    assert snapshot.recorded_namespaces is None
    assert not snapshot.is_recorded("", "Endpoints")
    assert snapshot.is_recorded("", "Secret") and snapshot.of_kind("", "ServiceAccount") == []
    assert snapshot.get(ObjectId("example.com", "Gadget", "", "g1")) is not None


def fake_kubectl_types(folder: Path) -> list[list[Any]]:
    return list(json.loads((folder / "scenario.json").read_text())["types"].values())


def test_kubectl_invocations_are_exact(kubectl_dir: Path):
    record_snapshot(SnapshotOptions(custom_resources=True))
    assert fake_kubectl.calls(kubectl_dir) == [
        ["config", "current-context"],
        ["get", CLUSTER, "-o", "json", "--context", "kind-kind"],
        ["get", NAMESPACED, "-o", "json", "--context", "kind-kind", "-A"],
        # the storage version when served (widgets), else the served one (gadgets)
        ["get", "gadgets.v1.example.com,widgets.v1.example.com", "-o", "json"]
        + ["--context", "kind-kind", "-A"],
    ]


def test_context_and_namespace_options(kubectl_dir: Path, tmp_path: Path):
    output, result = record_to(tmp_path, "snap.yaml", context="prod", namespace="kube-system")
    assert fake_kubectl.calls(kubectl_dir) == [
        ["get", CLUSTER, "-o", "json", "--context", "prod"],
        ["get", NAMESPACED, "-o", "json", "--context", "prod", "-n", "kube-system"],
    ]
    assert result.text.startswith(
        "# kplan snapshot\n# context: prod\n# scope: namespace kube-system\n"
    )
    assert any("only pods of namespace kube-system" in warning for warning in result.warnings)
    snapshot = load_snapshot([str(output)])
    assert snapshot.recorded_namespaces == frozenset({"kube-system"})
    assert {object_id.namespace for object_id in snapshot.ids} == {"", "kube-system"}
    assert snapshot.covers(ObjectId("apps", "Deployment", "kube-system", "absent"))
    assert not snapshot.covers(ObjectId("apps", "Deployment", "default", "web"))
    assert snapshot.covers(ObjectId("", "Node", "", "kind-worker"))
    assert not snapshot.covers(ObjectId("example.com", "Widget", "kube-system", "w"))


def test_header_lists_recorded_kinds_sorted(kubectl_dir: Path):
    result = record_snapshot(SnapshotOptions())
    lines = result.text.splitlines()
    assert lines[:5] == [
        "# kplan snapshot",
        "# context: kind-kind",
        "# scope: all namespaces",
        "# recorded-kinds: " + RECORDED_KINDS,
        "apiVersion: v1",
    ]
    assert lines[5:7] == ["kind: List", "items:"]


def test_json_header_is_the_first_key(kubectl_dir: Path):
    result = record_snapshot(SnapshotOptions(output_format="json"))
    document = json.loads(result.text)
    assert list(document)[:3] == ["kplanSnapshot", "apiVersion", "kind"]
    assert document["kplanSnapshot"] == {
        "context": "kind-kind",
        "scope": "all namespaces",
        "recordedKinds": RECORDED_KINDS.split(","),
        "notRecorded": [],
    }


def test_output_is_deterministic_and_sorted(kubectl_dir: Path):
    first = record_snapshot(SnapshotOptions(custom_resources=True)).text
    second = record_snapshot(SnapshotOptions(custom_resources=True)).text
    assert first == second
    items = json.loads(record_snapshot(SnapshotOptions(output_format="json")).text)["items"]
    keys = [(i["metadata"].get("namespace", ""), i["kind"], i["metadata"]["name"]) for i in items]
    assert keys == sorted(keys)
    assert "timestamp" not in first.split("apiVersion: v1", 1)[0]


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_secret_values_never_written(kubectl_dir: Path, output_format: str):
    text = record_snapshot(SnapshotOptions(output_format=output_format)).text
    for plain in (PASSWORD, TOKEN, USER):
        assert plain not in text
        assert b64(plain) not in text
        assert base64.b64encode(plain.encode()).decode().rstrip("=") not in text
    assert hashed(PASSWORD) in text


def test_managed_fields_and_self_link_dropped(kubectl_dir: Path):
    text = record_snapshot(SnapshotOptions()).text
    assert "managedFields" not in text and "selfLink" not in text
    assert "resourceVersion" in text and "ownerReferences" in text and "uid:" in text


def test_forbidden_secrets_are_left_out_with_a_warning(tmp_path: Path, monkeypatch):
    folder = tmp_path / "bin"
    fake_kubectl.install(folder, scenario(forbidden=["secrets"]))
    fake_kubectl.on_path(monkeypatch, folder)
    output, result = record_to(tmp_path, "snap.yaml")
    calls = fake_kubectl.calls(folder)
    assert calls[2] == ["get", NAMESPACED, "-o", "json", "--context", "kind-kind", "-A"]
    per_type = [call[1] for call in calls[3:]]
    assert per_type == NAMESPACED.split(",")
    assert result.warnings == [
        "Secret not recorded (kubectl get secrets): Error from server (Forbidden): secrets is "
        'forbidden: User "dev" cannot list resource "secrets" in API group "" at the cluster '
        "scope"
    ]
    assert "# not-recorded: Secret\n" in result.text
    snapshot = load_snapshot([str(output)])
    assert not snapshot.is_recorded("", "Secret")
    assert snapshot.is_recorded("", "ConfigMap") and snapshot.of_kind("", "Secret") == []
    assert len(snapshot.of_kind("", "Pod")) == 13


def test_type_the_server_does_not_serve(tmp_path: Path, monkeypatch):
    """An older cluster without a kind: the rest is recorded, the kind stays unknown."""
    types = {
        k: v for k, v in scenario()["types"].items() if k != "ingressclasses.networking.k8s.io"
    }
    folder = tmp_path / "bin"
    fake_kubectl.install(folder, scenario(types=types))
    fake_kubectl.on_path(monkeypatch, folder)
    result = record_snapshot(SnapshotOptions())
    assert result.warnings == [
        "IngressClass not recorded (kubectl get ingressclasses.networking.k8s.io): "
        'error: the server doesn\'t have a resource type "ingressclasses"'
    ]
    assert ("networking.k8s.io", "IngressClass") not in result.header.recorded_kinds
    assert ("", "Node") in result.header.recorded_kinds


def test_unknown_context_stops_recording(tmp_path: Path, monkeypatch):
    folder = tmp_path / "bin"
    fake_kubectl.install(folder, scenario())
    fake_kubectl.on_path(monkeypatch, folder)
    with pytest.raises(KubectlFailed) as raised:
        record_snapshot(SnapshotOptions(context="nope"))
    assert "context was not found for specified context: nope" in str(raised.value)
    # the namespaced types are not tried once no cluster-scoped type could be read
    assert all(call[1] != NAMESPACED for call in fake_kubectl.calls(folder))


def test_no_current_context_uses_kubectl_defaults(tmp_path: Path, monkeypatch):
    folder = tmp_path / "bin"
    fake_kubectl.install(folder, scenario(current=None))
    fake_kubectl.on_path(monkeypatch, folder)
    with pytest.raises(KubectlFailed) as raised:
        record_snapshot(SnapshotOptions())
    assert "localhost:8080 was refused" in str(raised.value)
    assert fake_kubectl.calls(folder)[1] == ["get", CLUSTER, "-o", "json"]


def test_kubectl_missing(tmp_path: Path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("KPLAN_KUBECTL", raising=False)
    with pytest.raises(KubectlNotFound, match="kubectl not found"):
        record_snapshot(SnapshotOptions())
    monkeypatch.setenv("KPLAN_KUBECTL", str(tmp_path / "no-such-kubectl"))
    with pytest.raises(KubectlNotFound, match="KPLAN_KUBECTL="):
        record_snapshot(SnapshotOptions())


def test_kplan_kubectl_overrides_path(tmp_path: Path, monkeypatch):
    folder = tmp_path / "elsewhere"
    executable = fake_kubectl.install(folder, scenario())
    monkeypatch.setenv("KPLAN_KUBECTL", str(executable))
    result = record_snapshot(SnapshotOptions())
    assert result.objects == len(expected_objects(custom_resources=False))
    assert fake_kubectl.calls(folder)[0] == ["config", "current-context"]


def test_format_for_path():
    assert format_for_path("snap.json") == "json"
    assert format_for_path("SNAP.JSON") == "json"
    assert format_for_path("snap.yaml") == "yaml"
    assert format_for_path(None) == "yaml"
