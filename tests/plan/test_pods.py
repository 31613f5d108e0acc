"""Workload -> planned pods (kplan.plan.pods), after the controllers of kubernetes/kubernetes
pkg/controller: deployment/sync.go (getNewReplicaSet, pod-template-hash), controller_utils.go
(ComputeHash, GetPodFromTemplate), statefulset/stateful_set_utils.go (newStatefulSetPod,
initIdentity, updateIdentity, updateStorage), daemon/util/daemonset_util.go (CreatePodTemplate,
AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity), job/job_controller.go
(manageJob), and the recorded pods of a snapshot."""

from __future__ import annotations

import copy
import re

import pytest

from kplan.k8s.selectors import node_selector_matches, pod_matches_node_selector_and_affinity
from kplan.load import load_paths
from kplan.plan.model import Location
from kplan.plan.pods import (
    SAFE_ALPHABET,
    compute_hash,
    daemonset_should_run_on,
    expand_workload,
    fnv32a,
    generate_name,
    job_active_pods,
    recorded_pod,
    recorded_pods,
    safe_encode_string,
)
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES

SUFFIX = f"[{SAFE_ALPHABET}]{{5}}"
# ComputeHash prints the decimal uint32 through SafeEncodeString: digits map onto 10 letters.
HASH = "[456789bcdf]{1,10}"


def manifests(*parts: str) -> dict[tuple[str, str], object]:
    loaded = load_paths([str(FIXTURES / "manifests" / part) for part in parts])
    return {(r.kind, r.name): r for r in loaded.resources}


@pytest.fixture(scope="module")
def boutique() -> dict:
    return manifests("online-boutique")


@pytest.fixture(scope="module")
def kind_nodes() -> list[dict]:
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "kind-3node.yaml")])
    return [node.body for node in snapshot.of_kind("", "Node")]


@pytest.fixture(scope="module")
def boutique_prod():
    return load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])


def deployment(name: str = "web", replicas: int | None = None, **spec_extra: object) -> dict:
    spec: dict = {
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
        **spec_extra,
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": spec}


# -- hashing -------------------------------------------------------------------------------------


def test_fnv32a_reference_values() -> None:
    """hash/fnv New32a: the FNV-1a offset basis for no input, and the published vector for "a"."""
    assert fnv32a(b"") == 0x811C9DC5
    assert fnv32a(b"a") == 0xE40C292C
    assert fnv32a(b"foobar") == 0xBF9CF968


def test_safe_encode_string_alphabet() -> None:
    """rand.SafeEncodeString maps each byte by value modulo 27: "0".."9" become 4..f."""
    assert safe_encode_string("0123456789") == "456789bcdf"
    assert all(char in SAFE_ALPHABET for char in safe_encode_string("any text"))


def test_compute_hash_shape_and_collision_count() -> None:
    """controller.ComputeHash: a safe-encoded uint32 (at most 10 characters); the collision
    count changes it."""
    template = {"metadata": {"labels": {"app": "x"}}}
    assert re.fullmatch(HASH, compute_hash(template))
    assert compute_hash(template) != compute_hash(template, 1)
    assert compute_hash({"a": 1, "b": 2}) == compute_hash({"b": 2, "a": 1})


def test_generated_names_stay_within_63_characters() -> None:
    """names.SimpleNameGenerator: the base is cut to 58 characters, then 5 random ones."""
    name = generate_name("x" * 70 + "-", 0)
    assert len(name) == 63
    assert name.startswith("x" * 58)
    pods = expand_workload(deployment("d" * 60, replicas=2), "default")
    assert all(len(pod.name) == 63 for pod in pods)
    assert pods[0].name != pods[1].name


# -- Deployment ----------------------------------------------------------------------------------


def test_boutique_frontend_deployment(boutique: dict) -> None:
    """One pod (replicas defaults to 1) named <deployment>-<pod-template-hash>-<suffix>, with
    the template labels plus pod-template-hash and the server-defaulted spec."""
    resource = boutique[("Deployment", "frontend")]
    location = Location(resource.origin.source, resource.origin.line)
    pods = expand_workload(resource.body, "default", location=location)
    assert len(pods) == 1
    pod = pods[0]
    assert re.fullmatch(f"frontend-{HASH}-{SUFFIX}", pod.name)
    assert pod.name.startswith(f"frontend-{pod.template_hash}-")
    assert pod.labels == {"app": "frontend", "pod-template-hash": pod.template_hash}
    assert pod.owner == "Deployment/default/frontend"
    assert (pod.replica, pod.planned, pod.phase, pod.node) == (0, True, "Pending", None)
    assert pod.ref == f"default/{pod.name}"
    assert pod.location == location
    # SetDefaults_PodSpec and admission, through kplan.k8s.defaults.apply_defaults.
    assert pod.spec["serviceAccountName"] == "frontend"
    assert pod.spec["restartPolicy"] == "Always"
    assert pod.spec["dnsPolicy"] == "ClusterFirst"
    assert pod.spec["enableServiceLinks"] is True
    assert pod.spec["priority"] == 0
    assert pod.spec["containers"][0]["ports"][0]["protocol"] == "TCP"
    not_ready = [t for t in pod.spec["tolerations"] if t["key"] == "node.kubernetes.io/not-ready"]
    assert not_ready == [
        {
            "effect": "NoExecute",
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "tolerationSeconds": 300,
        }
    ]
    # The input is never modified.
    assert "pod-template-hash" not in resource.body["spec"]["template"]["metadata"]["labels"]


def test_every_boutique_workload_expands(boutique: dict) -> None:
    """The 12 boutique Deployments give one pod each; Services give none."""
    pods = [
        pod
        for resource in boutique.values()
        for pod in expand_workload(resource.body, resource.namespace or "default")
    ]
    assert len(pods) == 12
    assert len({pod.name for pod in pods}) == 12
    assert {pod.owner.split("/")[0] for pod in pods} == {"Deployment"}


def test_names_are_deterministic_and_follow_the_template() -> None:
    """Same template, same names; a changed template is a new ReplicaSet, so a new hash."""
    first = [pod.name for pod in expand_workload(deployment(replicas=3), "shop")]
    assert first == [pod.name for pod in expand_workload(deployment(replicas=3), "shop")]
    assert len(set(first)) == 3
    changed = deployment(replicas=3)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    second = expand_workload(changed, "shop")
    assert {pod.template_hash for pod in second} != {first[0].split("-")[1]}
    assert [pod.replica for pod in second] == [0, 1, 2]


def test_hash_ignores_spelled_out_defaults() -> None:
    """The hash is over the defaulted template, as the API server stores it: writing a default
    out does not make a new ReplicaSet."""
    explicit = deployment()
    container = explicit["spec"]["template"]["spec"]["containers"][0]
    container["terminationMessagePath"] = "/dev/termination-log"
    container["imagePullPolicy"] = "IfNotPresent"
    explicit["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    assert (
        expand_workload(explicit, "default")[0].template_hash
        == expand_workload(deployment(), "default")[0].template_hash
    )


@pytest.mark.parametrize(("replicas", "count"), [(None, 1), (0, 0), (1, 1), (4, 4)])
def test_replicas_default_to_one(replicas: int | None, count: int) -> None:
    """DeploymentSpec.replicas: "Defaults to 1"."""
    assert len(expand_workload(deployment(replicas=replicas), "default")) == count


# -- ReplicaSet, ReplicationController, Pod, CronJob ---------------------------------------------


def test_replicaset_and_replication_controller() -> None:
    """ReplicaSet pods carry only the template's labels (pod-template-hash comes from the
    Deployment); ReplicationController pods are <rc>-<suffix>."""
    rs = copy.deepcopy(deployment(replicas=2))
    rs["kind"] = "ReplicaSet"
    pods = expand_workload(rs, "default")
    assert [pod.labels for pod in pods] == [{"app": "web"}, {"app": "web"}]
    assert all(re.fullmatch(f"web-{HASH}-{SUFFIX}", pod.name) for pod in pods)
    assert pods[0].owner == "ReplicaSet/default/web"
    rc = {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": "redis"},
        "spec": {
            "replicas": 2,
            "template": {
                "metadata": {"labels": {"app": "redis"}},
                "spec": {"containers": [{"name": "r", "image": "redis"}]},
            },
        },
    }
    names = [pod.name for pod in expand_workload(rc, "default")]
    assert all(re.fullmatch(f"redis-{SUFFIX}", name) for name in names)


def test_bare_pod_and_cronjob() -> None:
    """A Pod is itself (defaults and admission applied); generateName gets a suffix; a
    CronJob has no pods until its schedule fires."""
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "debug", "labels": {"run": "debug"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    }
    [view] = expand_workload(pod, "tools")
    assert (view.name, view.owner, view.labels) == ("debug", None, {"run": "debug"})
    assert view.spec["containers"][0]["imagePullPolicy"] == "Always"  # untagged image
    assert view.spec["serviceAccountName"] == "default"
    generated = copy.deepcopy(pod)
    del generated["metadata"]["name"]
    generated["metadata"]["generateName"] = "debug-"
    assert re.fullmatch(f"debug-{SUFFIX}", expand_workload(generated, "tools")[0].name)
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "c"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": pod}}},
    }
    assert expand_workload(cronjob, "default") == []
    assert expand_workload({"apiVersion": "v1", "kind": "Service"}, "default") == []


# -- StatefulSet ---------------------------------------------------------------------------------


def test_cassandra_statefulset() -> None:
    """newStatefulSetPod: names cassandra-0..2, statefulset.kubernetes.io/pod-name and
    apps.kubernetes.io/pod-index labels, controller-revision-hash = <set>-<hash>, hostname =
    pod name, subdomain = serviceName, and the claim volume cassandra-data-cassandra-<i>."""
    resource = manifests("cassandra")[("StatefulSet", "cassandra")]
    pods = expand_workload(resource.body, "default")
    assert [pod.name for pod in pods] == ["cassandra-0", "cassandra-1", "cassandra-2"]
    assert [pod.replica for pod in pods] == [0, 1, 2]
    for ordinal, pod in enumerate(pods):
        assert pod.labels["app"] == "cassandra"
        assert pod.labels["statefulset.kubernetes.io/pod-name"] == pod.name
        assert pod.labels["apps.kubernetes.io/pod-index"] == str(ordinal)
        assert pod.labels["controller-revision-hash"] == f"cassandra-{pod.template_hash}"
        assert pod.spec["hostname"] == pod.name
        assert pod.spec["subdomain"] == "cassandra"
        claims = [v for v in pod.spec["volumes"] if "persistentVolumeClaim" in v]
        assert claims == [
            {
                "name": "cassandra-data",
                "persistentVolumeClaim": {"claimName": f"cassandra-data-cassandra-{ordinal}"},
            }
        ]
        assert pod.owner == "StatefulSet/default/cassandra"


def test_statefulset_versions_and_start_ordinal() -> None:
    """PodIndexLabel is on from 1.28; spec.ordinals.start (StatefulSetStartOrdinal) from 1.27."""
    body = manifests("cassandra")[("StatefulSet", "cassandra")].body
    old = expand_workload(body, "default", kubernetes_version="1.27")
    assert "apps.kubernetes.io/pod-index" not in old[0].labels
    shifted = copy.deepcopy(body)
    shifted["spec"]["ordinals"] = {"start": 5}
    shifted["spec"]["replicas"] = 2
    assert [p.name for p in expand_workload(shifted, "default")] == ["cassandra-5", "cassandra-6"]
    assert [p.replica for p in expand_workload(shifted, "default")] == [5, 6]
    assert [p.name for p in expand_workload(shifted, "default", kubernetes_version="1.26")] == [
        "cassandra-0",
        "cassandra-1",
    ]


# -- DaemonSet -----------------------------------------------------------------------------------


def test_node_exporter_daemonset_on_kind(kind_nodes: list[dict]) -> None:
    """CreatePodTemplate + ReplaceDaemonSetPodNodeNameNodeAffinity: one pod per node, pinned by
    matchFields metadata.name, with pod-template-generation 1, controller-revision-hash and the
    daemon tolerations (network-unavailable too: node-exporter uses hostNetwork)."""
    body = manifests("node-exporter")[("DaemonSet", "node-exporter")].body
    pods = expand_workload(body, "monitoring", nodes=kind_nodes)
    names = [node["metadata"]["name"] for node in kind_nodes]
    assert len(pods) == len(kind_nodes) == 3
    assert len({pod.name for pod in pods}) == 3
    for pod, node in zip(pods, kind_nodes, strict=True):
        assert re.fullmatch(f"node-exporter-{HASH}-{SUFFIX}", pod.name)
        assert pod.labels["pod-template-generation"] == "1"
        assert pod.labels["controller-revision-hash"] == pod.template_hash
        required = pod.spec["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"
        ]
        assert required == {
            "nodeSelectorTerms": [
                {
                    "matchFields": [
                        {
                            "key": "metadata.name",
                            "operator": "In",
                            "values": [node["metadata"]["name"]],
                        }
                    ]
                }
            ]
        }
        # The pinned affinity matches exactly its node.
        assert [
            n["metadata"]["name"] for n in kind_nodes if node_selector_matches(required, n)
        ] == [node["metadata"]["name"]]
        assert pod_matches_node_selector_and_affinity(pod.spec, node)
        keys = [(t.get("key"), t.get("effect")) for t in pod.spec["tolerations"]]
        assert keys[0] == (None, None)  # the template's own `operator: Exists`
        assert ("node.kubernetes.io/not-ready", "NoExecute") in keys
        assert ("node.kubernetes.io/unschedulable", "NoSchedule") in keys
        assert ("node.kubernetes.io/network-unavailable", "NoSchedule") in keys
    assert sorted(names) == sorted(
        t["values"][0]
        for pod in pods
        for t in pod.spec["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"
        ]["nodeSelectorTerms"][0]["matchFields"]
    )
    assert expand_workload(body, "monitoring") == []


def test_daemon_tolerations_replace_matching_ones() -> None:
    """AddOrUpdateTolerationInPodSpec: a toleration with the same key, operator, value and
    effect is replaced (its tolerationSeconds dropped), not duplicated; NoExecute defaults from
    admission are then not added again."""
    ds = copy.deepcopy(deployment("agent"))
    ds["kind"] = "DaemonSet"
    ds["spec"]["template"]["spec"]["tolerations"] = [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 30,
        }
    ]
    [pod] = expand_workload(ds, "default", nodes=[{"metadata": {"name": "n1"}}])
    not_ready = [t for t in pod.spec["tolerations"] if t["key"] == "node.kubernetes.io/not-ready"]
    assert not_ready == [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}
    ]
    assert "node.kubernetes.io/network-unavailable" not in {
        t["key"] for t in pod.spec["tolerations"]
    }


def test_daemonset_should_run_on(kind_nodes: list[dict]) -> None:
    """NodeShouldRunDaemonPod: the control plane's NoSchedule taint keeps an intolerant
    DaemonSet off it; node-exporter tolerates everything; a nodeSelector narrows further."""
    plain = copy.deepcopy(deployment("agent"))
    plain["kind"] = "DaemonSet"
    on = [n["metadata"]["name"] for n in kind_nodes if daemonset_should_run_on(plain, n)]
    assert on == ["kind-worker", "kind-worker2"]
    exporter = manifests("node-exporter")[("DaemonSet", "node-exporter")].body
    assert all(daemonset_should_run_on(exporter, n) for n in kind_nodes)
    selective = copy.deepcopy(plain)
    selective["spec"]["template"]["spec"]["nodeSelector"] = {
        "kubernetes.io/hostname": "kind-worker2"
    }
    assert [n["metadata"]["name"] for n in kind_nodes if daemonset_should_run_on(selective, n)] == [
        "kind-worker2"
    ]


# -- Job -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "count"),
    [
        ({}, 1),
        ({"parallelism": 3}, 3),  # no completions: a work queue of parallelism pods
        ({"parallelism": 3, "completions": 2}, 2),
        ({"parallelism": 2, "completions": 5}, 2),
        ({"completions": 5}, 1),
        ({"parallelism": 0, "completions": 5}, 0),
        ({"parallelism": 4, "suspend": True}, 0),
    ],
)
def test_job_active_pods(spec: dict, count: int) -> None:
    """job_controller.go manageJob: wantActive = parallelism, capped by the completions left."""
    assert job_active_pods(spec) == count


def test_ingress_nginx_admission_jobs() -> None:
    """The admission Jobs of ingress-nginx: one pod each, with the job-name labels the Job
    strategy's generateSelector adds (batch.kubernetes.io/job-name from 1.27)."""
    resources = manifests("ingress-nginx")
    body = resources[("Job", "ingress-nginx-admission-create")].body
    [pod] = expand_workload(body, "ingress-nginx")
    assert re.fullmatch(f"ingress-nginx-admission-create-{HASH}-{SUFFIX}", pod.name)
    assert pod.labels["job-name"] == "ingress-nginx-admission-create"
    assert pod.labels["batch.kubernetes.io/job-name"] == "ingress-nginx-admission-create"
    assert pod.labels["app.kubernetes.io/component"] == "admission-webhook"
    assert pod.owner == "Job/ingress-nginx/ingress-nginx-admission-create"
    assert pod.spec["restartPolicy"] == "OnFailure"
    [old] = expand_workload(body, "ingress-nginx", kubernetes_version="1.26")
    assert "batch.kubernetes.io/job-name" not in old.labels
    manual = copy.deepcopy(body)
    manual["spec"]["manualSelector"] = True
    manual["spec"]["selector"] = {
        "matchLabels": {"app.kubernetes.io/component": "admission-webhook"}
    }
    assert "job-name" not in expand_workload(manual, "ingress-nginx")[0].labels


def test_indexed_job_completion_index() -> None:
    """Indexed completion mode: batch.kubernetes.io/job-completion-index annotation, and label
    from 1.28 (PodIndexLabel)."""
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "work"},
        "spec": {
            "completionMode": "Indexed",
            "completions": 3,
            "parallelism": 3,
            "template": {
                "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "x"}]}
            },
        },
    }
    pods = expand_workload(job, "default")
    assert [p.annotations["batch.kubernetes.io/job-completion-index"] for p in pods] == [
        "0",
        "1",
        "2",
    ]
    assert [p.labels["batch.kubernetes.io/job-completion-index"] for p in pods] == ["0", "1", "2"]


# -- recorded pods -------------------------------------------------------------------------------


def test_recorded_pods_of_boutique_prod(boutique_prod) -> None:
    """Snapshot pods: owner through ReplicaSet -> Deployment ownerReferences, node, phase,
    ready from the Ready condition, pod IP, StatefulSet ordinals; mirror pods name their Node."""
    pods = recorded_pods(
        boutique_prod.of_kind("", "Pod"), boutique_prod.of_kind("apps", "ReplicaSet")
    )
    assert pods == sorted(pods, key=lambda pod: (pod.namespace, pod.name))
    by_name = {pod.ref: pod for pod in pods}
    registry = [pod for pod in pods if pod.owner == "Deployment/data/schema-registry"]
    assert registry and all(pod.labels["pod-template-hash"] == "675fc7cd97" for pod in registry)
    assert sorted(pod.replica for pod in registry) == list(range(len(registry)))
    kafka = by_name["data/kafka-0"]
    assert (kafka.owner, kafka.replica, kafka.phase, kafka.ready) == (
        "StatefulSet/data/kafka",
        0,
        "Running",
        True,
    )
    assert kafka.node == "gke-boutique-prod-default-pool-6e0c1f8a-0k7m"
    assert kafka.pod_ip == "10.52.0.7"
    assert kafka.template_hash == "kafka-6999d5c859"
    assert not kafka.planned and kafka.location is not None
    assert by_name["data/kafka-2"].replica == 2
    mirror = [pod for pod in pods if pod.owner and pod.owner.startswith("Node/")]
    assert mirror and all(pod.name.startswith("kube-proxy-") for pod in mirror)
    assert {pod.owner.split("/")[0] for pod in pods} == {
        "DaemonSet",
        "Deployment",
        "Node",
        "StatefulSet",
    }
    # Without the ReplicaSets, the owner stays the ReplicaSet.
    plain = recorded_pods(boutique_prod.of_kind("", "Pod"))
    assert any(pod.owner == "ReplicaSet/data/schema-registry-675fc7cd97" for pod in plain)


def test_recorded_pod_status_edge_cases() -> None:
    """IsPodReady needs Ready=True (ContainersReady alone is not enough); podIPs is read when
    podIP is missing; no status means Pending, not ready, no IP."""
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {"nodeName": "n1", "containers": []},
        "status": {
            "phase": "Running",
            "podIPs": [{"ip": "fd00::5"}],
            "conditions": [
                {"type": "ContainersReady", "status": "True"},
                {"type": "Ready", "status": "False"},
            ],
        },
    }
    pod = recorded_pod(body)
    assert (pod.phase, pod.ready, pod.pod_ip, pod.node, pod.owner) == (
        "Running",
        False,
        "fd00::5",
        "n1",
        None,
    )
    bare = recorded_pod({"metadata": {"name": "q"}, "spec": {}})
    assert (bare.namespace, bare.phase, bare.ready, bare.pod_ip, bare.node) == (
        "default",
        "Pending",
        False,
        None,
        None,
    )
    succeeded = recorded_pod({"metadata": {"name": "r"}, "status": {"phase": "Succeeded"}})
    assert succeeded.terminal
