"""Immutable fields (kplan.k8s.immutable): a recorded object from the boutique-prod snapshot
against a desired version of it. Upstream validation functions are cited per test (all
kubernetes/kubernetes)."""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest

from kplan.k8s.defaults import apply_defaults
from kplan.k8s.immutable import immutable_paths, replace_reason
from kplan.load import load_paths
from tests.paths import corpus_or_skip

SNAPSHOT = "snapshots/boutique-prod.yaml"


@functools.cache
def _snapshot() -> tuple[dict[str, Any], ...]:
    path = corpus_or_skip() / SNAPSHOT
    return tuple(resource.body for resource in load_paths([str(path)]).resources)


def recorded(kind: str, namespace: str, name: str) -> dict[str, Any]:
    for body in map(copy.deepcopy, _snapshot()):
        metadata = body["metadata"]
        if (body["kind"], metadata.get("namespace"), metadata["name"]) == (kind, namespace, name):
            return body
    raise AssertionError(f"{kind} {namespace}/{name} not recorded")


def boutique_pod(prefix: str) -> dict[str, Any]:
    for body in map(copy.deepcopy, _snapshot()):
        if body["kind"] == "Pod" and body["metadata"]["name"].startswith(prefix):
            return body
    raise AssertionError(prefix)


def test_workload_selectors_are_immutable() -> None:
    """ValidateDeploymentUpdate, ValidateReplicaSetUpdate, ValidateDaemonSetUpdate
    (pkg/apis/apps/validation/validation.go): apps/v1 selectors cannot change; the template
    can."""
    live = recorded("Deployment", "default", "frontend")
    desired = copy.deepcopy(live)
    desired["spec"]["template"]["spec"]["containers"][0]["image"] = "frontend:v0.10.6"
    assert replace_reason(live, desired) == []
    desired["spec"]["selector"]["matchLabels"]["tier"] = "web"
    assert replace_reason(live, desired) == ["/spec/selector"]
    daemon_set = recorded("DaemonSet", "observability", "node-exporter")
    changed = copy.deepcopy(daemon_set)
    changed["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    assert replace_reason(daemon_set, changed) == ["/spec/selector"]


def test_stateful_set_updatable_fields_only() -> None:
    """ValidateStatefulSetUpdate (pkg/apis/apps/validation/validation.go) allows only
    replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
    persistentVolumeClaimRetentionPolicy and minReadySeconds to change."""
    live = recorded("StatefulSet", "observability", "prometheus")
    desired = copy.deepcopy(live)
    desired["spec"]["replicas"] = 3
    desired["spec"]["minReadySeconds"] = 10
    desired["spec"]["template"]["spec"]["containers"][0]["image"] = "prom/prometheus:v3.0.0"
    desired["spec"]["updateStrategy"] = {"type": "OnDelete"}
    assert replace_reason(live, desired) == []
    desired["spec"]["serviceName"] = "prometheus-headless"
    desired["spec"]["podManagementPolicy"] = "Parallel"
    claim = desired["spec"]["volumeClaimTemplates"][0]
    claim["spec"]["resources"]["requests"]["storage"] = "500Gi"
    assert replace_reason(live, desired) == [
        "/spec/podManagementPolicy",
        "/spec/serviceName",
        "/spec/volumeClaimTemplates",
    ]


def test_stateful_set_claim_templates_ignore_server_added_fields() -> None:
    """The server adds `status.phase: Pending` to each volumeClaimTemplate
    (pkg/apis/core/v1/defaults.go SetDefaults_PersistentVolumeClaim) and prints the embedded
    apiVersion/kind and creationTimestamp: not a change of the template."""
    live = recorded("StatefulSet", "observability", "loki")
    desired = copy.deepcopy(live)
    for claim in desired["spec"]["volumeClaimTemplates"]:
        for key in ("apiVersion", "kind", "status"):
            claim.pop(key, None)
        claim["metadata"].pop("creationTimestamp", None)
    assert replace_reason(live, desired) == []


def test_service_cluster_ip() -> None:
    """ValidateServiceUpdate (pkg/apis/core/validation/validation.go): clusterIP and the
    primary clusterIPs entry are immutable once allocated; an empty desired value keeps the
    allocated one, and turning into ExternalName drops it."""
    live = recorded("Service", "default", "cartservice")
    desired = apply_defaults(copy.deepcopy(live), "1.31")
    desired["spec"]["clusterIP"] = ""
    desired["spec"].pop("clusterIPs")
    assert replace_reason(live, desired) == []
    desired["spec"]["clusterIP"] = "None"
    assert replace_reason(live, desired) == ["/spec/clusterIP"]
    desired["spec"]["clusterIP"] = live["spec"]["clusterIP"]
    desired["spec"]["clusterIPs"] = ["10.56.99.99"]
    assert replace_reason(live, desired) == ["/spec/clusterIPs/0"]
    external = {"apiVersion": "v1", "kind": "Service", "metadata": live["metadata"]}
    external["spec"] = {"type": "ExternalName", "externalName": "cart.example.com"}
    assert replace_reason(live, external) == []


def test_immutable_config_map() -> None:
    """ValidateConfigMapUpdate (pkg/apis/core/validation/validation.go): with `immutable:
    true` in the stored object, data, binaryData and the flag itself are frozen."""
    live = recorded("ConfigMap", "kube-system", "kube-dns-autoscaler")
    desired = copy.deepcopy(live)
    desired["data"]["linear"] = '{"coresPerReplica":128}'
    assert replace_reason(live, desired) == []
    live["immutable"] = True
    desired["immutable"] = True
    assert replace_reason(live, desired) == ["/data"]
    del desired["immutable"]
    assert replace_reason(live, desired) == ["/data", "/immutable"]


def test_secret_type_and_immutable_data() -> None:
    """ValidateSecretUpdate (pkg/apis/core/validation/validation.go): type never changes;
    data is frozen when the stored Secret is immutable (stringData lands in data)."""
    live = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "data"},
        "data": {"password": "c2VjcmV0"},
        "type": "Opaque",
    }
    desired = copy.deepcopy(live)
    del desired["type"]  # defaults to Opaque
    assert replace_reason(live, desired) == []
    desired["type"] = "kubernetes.io/basic-auth"
    assert replace_reason(live, desired) == ["/type"]
    live["immutable"] = True
    same_value = {**live, "data": {}, "stringData": {"password": "secret"}}
    assert replace_reason(live, same_value) == []
    assert replace_reason(live, {**live, "stringData": {"password": "other"}}) == ["/data"]


def _claim(storage: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data-kafka-0", "namespace": "data"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": storage}},
            "volumeMode": "Filesystem",
            **spec,
        },
    }


def test_persistent_volume_claim() -> None:
    """ValidatePersistentVolumeClaimUpdate (pkg/apis/core/validation/validation.go): the spec
    is immutable except a growing resources.requests.storage, volumeAttributesClassName, and
    volumeName / storageClassName set once."""
    live = _claim("100Gi", storageClassName="standard-rwo", volumeName="pvc-1234")
    assert replace_reason(live, _claim("200Gi", storageClassName="standard-rwo")) == []
    assert replace_reason(live, _claim("102400Mi", storageClassName="standard-rwo")) == []
    assert replace_reason(live, _claim("50Gi", storageClassName="standard-rwo")) == [
        "/spec/resources/requests/storage"
    ]
    changed = _claim("100Gi", storageClassName="premium-rwo", accessModes=["ReadWriteMany"])
    assert replace_reason(live, changed) == ["/spec/accessModes", "/spec/storageClassName"]
    unbound = _claim("100Gi")
    assert replace_reason(unbound, _claim("100Gi", storageClassName="standard")) == []
    limits = _claim("100Gi", storageClassName="standard-rwo")
    limits["spec"]["resources"]["limits"] = {"storage": "200Gi"}
    assert replace_reason(live, limits) == ["/spec/resources/limits"]


def test_persistent_volume_source() -> None:
    """ValidatePersistentVolumeUpdate (pkg/apis/core/validation/validation.go): the volume
    source and volumeMode are immutable; nodeAffinity may be set once; capacity may change."""
    live = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}}
    live["spec"] = {"capacity": {"storage": "10Gi"}, "nfs": {"server": "nfs1", "path": "/x"}}
    desired = copy.deepcopy(live)
    desired["spec"]["capacity"]["storage"] = "20Gi"
    desired["spec"]["nodeAffinity"] = {"required": {"nodeSelectorTerms": []}}
    assert replace_reason(live, desired) == []
    desired["spec"]["nfs"]["path"] = "/y"
    desired["spec"]["volumeMode"] = "Block"
    assert replace_reason(live, desired) == ["/spec/nfs", "/spec/volumeMode"]


def test_pod_updates() -> None:
    """ValidatePodUpdate (pkg/apis/core/validation/validation.go): "pod updates may not change
    fields other than spec.containers[*].image, spec.initContainers[*].image,
    spec.activeDeadlineSeconds, spec.tolerations (only additions to existing tolerations),
    spec.terminationGracePeriodSeconds (allow it to be set to 1 if it was previously
    negative)"."""
    live = boutique_pod("frontend-")
    desired = copy.deepcopy(live)
    desired["spec"]["containers"][0]["image"] = "frontend:v0.10.7"
    desired["spec"]["tolerations"].append({"key": "spot", "operator": "Exists"})
    desired["spec"]["activeDeadlineSeconds"] = 3600
    assert replace_reason(live, desired) == []
    desired["spec"]["containers"][0]["env"].append({"name": "DEBUG", "value": "1"})
    desired["spec"]["tolerations"] = desired["spec"]["tolerations"][1:]
    desired["spec"]["terminationGracePeriodSeconds"] = 5
    desired["spec"]["hostname"] = "shop"
    assert replace_reason(live, desired) == [
        "/spec/containers/0",
        "/spec/hostname",
        "/spec/terminationGracePeriodSeconds",
        "/spec/tolerations",
    ]
    live["spec"]["terminationGracePeriodSeconds"] = -1
    grace = copy.deepcopy(live)
    grace["spec"]["terminationGracePeriodSeconds"] = 1
    assert replace_reason(live, grace) == []


def _job(**spec: Any) -> dict[str, Any]:
    labels = {"app": "migrate"}
    template = {
        "metadata": {"labels": labels},
        "spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "migrate", "image": "postgres:16"}],
        },
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate", "namespace": "data"},
        "spec": {"template": template, **spec},
    }


def test_job_template_and_completions() -> None:
    """ValidateJobSpecUpdate (pkg/apis/batch/validation/validation.go): completions,
    selector, template, completionMode, podFailurePolicy, backoffLimitPerIndex, managedBy
    and successPolicy are immutable; a suspended Job may change its scheduling directives
    (validatePodTemplateUpdate) and an Indexed Job completions with parallelism
    (validateCompletions). The registry's uid labels exist only on the live side."""
    live = apply_defaults(_job(), "1.31")
    uid = "5f1b2c3d-0000-4000-8000-000000000001"
    live["spec"]["template"]["metadata"]["labels"] |= {
        "batch.kubernetes.io/controller-uid": uid,
        "controller-uid": uid,
    }
    desired = apply_defaults(_job(), "1.31")
    assert replace_reason(live, desired) == []
    desired["spec"]["template"]["spec"]["containers"][0]["image"] = "postgres:17"
    desired["spec"]["completions"] = 3
    assert replace_reason(live, desired) == ["/spec/completions", "/spec/template"]
    suspended = apply_defaults(_job(suspend=True), "1.31")
    moved = apply_defaults(_job(suspend=True), "1.31")
    moved["spec"]["template"]["spec"]["nodeSelector"] = {"pool": "batch"}
    assert replace_reason(suspended, moved) == []
    indexed = apply_defaults(_job(completionMode="Indexed", completions=2, parallelism=2), "1.31")
    wider = apply_defaults(_job(completionMode="Indexed", completions=4, parallelism=4), "1.31")
    assert replace_reason(indexed, wider) == []


def test_other_immutable_fields() -> None:
    """ValidateRoleBindingUpdate (pkg/apis/rbac/validation), ValidateStorageClassUpdate
    (pkg/apis/storage/validation), ValidateIngressClassUpdate (pkg/apis/networking/
    validation), ValidatePriorityClassUpdate (pkg/apis/scheduling/validation)."""
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "read", "namespace": "default"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "frontend"}],
    }
    more_subjects = {**binding, "subjects": [*binding["subjects"], {"kind": "User", "name": "a"}]}
    assert replace_reason(binding, more_subjects) == []
    other_role = {**binding, "roleRef": {**binding["roleRef"], "name": "writer"}}
    assert replace_reason(binding, other_role) == ["/roleRef"]
    storage = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "provisioner": "x"}
    assert replace_reason(storage, {**storage, "parameters": {"type": "pd-ssd"}}) == ["/parameters"]


def test_immutable_paths_and_unknown_kinds() -> None:
    """The patterns per kind; kinds without update validation rules have none (Namespace:
    ValidateNamespaceUpdate only checks metadata)."""
    assert immutable_paths("apps/v1", "Deployment") == ["/spec/selector"]
    assert "/spec/volumeClaimTemplates" in immutable_paths("apps/v1", "StatefulSet")
    assert immutable_paths("v1", "Pod") == ["/spec/*"]
    assert immutable_paths("v1", "Namespace") == []
    assert immutable_paths("example.com/v1", "Deployment") == []
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"selector": 1}}
    assert replace_reason(widget, {**widget, "spec": {"selector": 2}}) == []


@pytest.mark.parametrize("junk", [None, 3, "x", [], {}, [1, "a"], True])
def test_malformed_inputs_never_raise(junk: Any) -> None:
    """Inputs may hold any JSON type anywhere: replace_reason must still answer.
    The API server would refuse such a body at decoding (kubernetes/kubernetes
    staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json), but kplan reports that
    elsewhere and must keep planning the other objects."""
    objects = [
        recorded("Deployment", "default", "frontend"),
        recorded("StatefulSet", "observability", "prometheus"),
        recorded("Service", "default", "frontend-external"),
        boutique_pod("frontend-"),
        _claim("1Gi"),
        apply_defaults(_job(), "1.31"),
    ]
    for live in objects:
        for key in ("spec", "data", "immutable", "type"):
            broken = {**copy.deepcopy(live), key: junk}
            assert isinstance(replace_reason(live, broken), list)
            assert isinstance(replace_reason(broken, live), list)
        spec = live.get("spec", {})
        for key in list(spec):
            broken = copy.deepcopy(live)
            broken["spec"][key] = junk
            assert isinstance(replace_reason(live, broken), list)
    assert replace_reason(junk, junk) == []  # type: ignore[arg-type]
