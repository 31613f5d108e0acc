"""API-server defaults applied offline (kplan.k8s.defaults), checked on corpus manifests and
on the recorded boutique-prod snapshot. Upstream sources are kubernetes/kubernetes files,
cited per test."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kplan.k8s.defaults import allocated_fields, apply_defaults, is_known
from kplan.load import load_paths
from tests.paths import corpus_or_skip

BOUTIQUE = "online-boutique/kubernetes-manifests.yaml"
SNAPSHOT = "snapshots/boutique-prod.yaml"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def corpus_objects(relative: str) -> list[dict[str, Any]]:
    path = corpus_or_skip() / relative
    return [resource.body for resource in load_paths([str(path)]).resources]


def corpus_object(relative: str, kind: str, name: str) -> dict[str, Any]:
    for body in corpus_objects(relative):
        if body.get("kind") == kind and body["metadata"].get("name") == name:
            return body
    raise AssertionError(f"{kind}/{name} not in {relative}")


def pod_spec(body: dict[str, Any]) -> dict[str, Any]:
    return body["spec"]["template"]["spec"]


# -- the recorded snapshot ---------------------------------------------------------------

ALLOCATED_SERVICE_FIELDS = ("clusterIP", "clusterIPs", "nodePort", "ipFamilies", "ipFamilyPolicy")


def _mismatches(desired: Any, live: Any, path: str = "") -> list[str]:
    """Paths where a field present in `desired` differs from `live` (lists by index)."""
    if isinstance(desired, dict):
        if not isinstance(live, dict):
            return [path]
        return [
            found
            for key, value in desired.items()
            if key not in ALLOCATED_SERVICE_FIELDS
            for found in _mismatches(value, live.get(key, "<absent>"), f"{path}/{key}")
        ]
    if isinstance(desired, list):
        if not isinstance(live, list) or len(live) != len(desired):
            return [path]
        return [
            found
            for index, (want, have) in enumerate(zip(desired, live, strict=True))
            for found in _mismatches(want, have, f"{path}/{index}")
        ]
    return [] if desired == live else [path]


def _scaled_after_apply(live: dict[str, Any]) -> bool:
    """`kubectl scale` wrote spec.replicas through the scale subresource after the apply."""
    return any(
        entry.get("subresource") == "scale" for entry in live["metadata"].get("managedFields", [])
    )


def test_snapshot_last_applied_defaults_to_the_live_boutique_objects() -> None:
    """Each Online Boutique Deployment and Service in `default` was created by `kubectl
    apply` of its last-applied-configuration; defaulting that configuration as the 1.31
    server does (kubernetes/kubernetes pkg/apis/apps/v1/defaults.go SetDefaults_Deployment,
    pkg/apis/core/v1/defaults.go SetDefaults_Service, SetDefaults_PodSpec,
    SetDefaults_Container, SetDefaults_Probe, SetDefaults_*VolumeSource) must not disagree
    with the live object anywhere, allocated Service fields aside. spec.replicas of objects
    scaled through the scale subresource after the apply is skipped (recommendationservice
    and loadgenerator)."""
    checked = []
    for live in corpus_objects(SNAPSHOT):
        metadata = live["metadata"]
        if live["kind"] not in ("Deployment", "Service") or metadata.get("namespace") != "default":
            continue
        annotation = metadata.get("annotations", {}).get(LAST_APPLIED)
        if annotation is None:
            continue
        defaulted = apply_defaults(json.loads(annotation), "1.31")
        problems = _mismatches(defaulted["spec"], live["spec"], "/spec")
        if _scaled_after_apply(live):
            problems = [path for path in problems if path != "/spec/replicas"]
        assert problems == [], (live["kind"], metadata["name"])
        checked.append((live["kind"], metadata["name"]))
    assert len(checked) == 23  # 12 Deployments (one a stale canary) + 11 Services
    assert ("Service", "frontend-external") in checked


def test_snapshot_defaults_fill_what_the_manifest_left_out() -> None:
    """The same comparison the other way round: the live frontend Deployment's spec has
    nothing the defaulted last-applied lacks except template creationTimestamp: null (a
    serialisation artefact, not a default). kubernetes/kubernetes pkg/apis/apps/v1/
    defaults.go SetDefaults_Deployment."""
    live = next(
        body
        for body in corpus_objects(SNAPSHOT)
        if body["kind"] == "Deployment" and body["metadata"]["name"] == "frontend"
    )
    defaulted = apply_defaults(json.loads(live["metadata"]["annotations"][LAST_APPLIED]), "1.31")
    assert _mismatches(live["spec"], defaulted["spec"], "/spec") == [
        "/spec/template/metadata/creationTimestamp"
    ]


# -- workloads -------------------------------------------------------------------------


def test_deployment_defaults_on_the_boutique_frontend() -> None:
    """kubernetes/kubernetes pkg/apis/apps/v1/defaults.go SetDefaults_Deployment: replicas
    1, RollingUpdate with 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600."""
    body = corpus_object(BOUTIQUE, "Deployment", "frontend")
    spec = apply_defaults(body, "1.33")["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600


def test_recreate_strategy_gets_no_rolling_update() -> None:
    """SetDefaults_Deployment (kubernetes/kubernetes pkg/apis/apps/v1/defaults.go) only
    fills rollingUpdate for the RollingUpdate type."""
    body = corpus_object(BOUTIQUE, "Deployment", "redis-cart")
    body["spec"]["strategy"] = {"type": "Recreate"}
    assert apply_defaults(body, "1.33")["spec"]["strategy"] == {"type": "Recreate"}


def test_pod_template_defaults_on_the_boutique_frontend() -> None:
    """kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_PodSpec,
    SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction; ContainerPort
    protocol `+default="TCP"` in staging/src/k8s.io/api/core/v1/types.go; the serviceAccount
    alias from pkg/apis/core/v1/conversion.go Convert_core_PodSpec_To_v1_PodSpec."""
    spec = pod_spec(apply_defaults(corpus_object(BOUTIQUE, "Deployment", "frontend"), "1.33"))
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["restartPolicy"] == "Always"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["securityContext"]["runAsUser"] == 1000  # kept, not replaced by {}
    assert spec["serviceAccount"] == "frontend"
    assert "enableServiceLinks" not in spec  # Pod-only default
    container = spec["containers"][0]
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["terminationMessagePolicy"] == "File"
    assert container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    probe = container["readinessProbe"]
    assert (probe["timeoutSeconds"], probe["periodSeconds"]) == (1, 10)
    assert (probe["successThreshold"], probe["failureThreshold"]) == (1, 3)
    assert probe["initialDelaySeconds"] == 10
    assert probe["httpGet"]["scheme"] == "HTTP"
    assert probe["httpGet"]["path"] == "/_healthz"  # set; "/" only when empty


def test_grpc_probe_service_and_http_get_path_defaults() -> None:
    """GRPCAction.service `+default=""` (staging/src/k8s.io/api/core/v1/types.go, generated
    into pkg/apis/core/v1/zz_generated.defaults.go); SetDefaults_HTTPGetAction sets path "/"
    and scheme HTTP (kubernetes/kubernetes pkg/apis/core/v1/defaults.go)."""
    body = corpus_object(BOUTIQUE, "Deployment", "currencyservice")
    container = pod_spec(body)["containers"][0]
    container["lifecycle"] = {"preStop": {"httpGet": {"port": 8080}}}
    container = pod_spec(apply_defaults(body, "1.30"))["containers"][0]
    assert container["readinessProbe"]["grpc"] == {"port": 7000, "service": ""}
    assert container["lifecycle"]["preStop"]["httpGet"] == {
        "port": 8080,
        "path": "/",
        "scheme": "HTTP",
    }


def test_env_field_ref_api_version() -> None:
    """SetDefaults_ObjectFieldSelector (kubernetes/kubernetes pkg/apis/core/v1/defaults.go),
    on the ingress-nginx admission Job's POD_NAMESPACE variable."""
    body = corpus_object("ingress-nginx/deploy.yaml", "Job", "ingress-nginx-admission-create")
    env = pod_spec(apply_defaults(body, "1.33"))["containers"][0]["env"][0]
    assert env["valueFrom"]["fieldRef"] == {"fieldPath": "metadata.namespace", "apiVersion": "v1"}


def test_job_defaults_by_version() -> None:
    """kubernetes/kubernetes pkg/apis/batch/v1/defaults.go SetDefaults_Job: completions and
    parallelism 1, backoffLimit 6, completionMode NonIndexed, suspend false, labels from the
    template; podReplacementPolicy (JobPodReplacementPolicy on by default from 1.29) and
    manualSelector false (assumed from 1.29) only in newer releases."""
    body = corpus_object("ingress-nginx/deploy.yaml", "Job", "ingress-nginx-admission-create")
    new = apply_defaults(body, "1.33")
    old = apply_defaults(body, "1.28")
    for defaulted in (new, old):
        spec = defaulted["spec"]
        assert (spec["completions"], spec["parallelism"], spec["backoffLimit"]) == (1, 1, 6)
        assert spec["completionMode"] == "NonIndexed"
        assert spec["suspend"] is False
        assert spec["template"]["spec"]["restartPolicy"] == "OnFailure"
    assert new["spec"]["podReplacementPolicy"] == "TerminatingOrFailed"
    assert new["spec"]["manualSelector"] is False
    assert "podReplacementPolicy" not in old["spec"] and "manualSelector" not in old["spec"]
    assert "selector" not in new["spec"]  # uid-based: the registry's, not predictable


def test_job_labels_policies_and_per_index_backoff() -> None:
    """SetDefaults_Job (kubernetes/kubernetes pkg/apis/batch/v1/defaults.go): labels copied
    from the template when the Job has none; podReplacementPolicy Failed with a
    podFailurePolicy, whose onPodConditions status defaults to True; backoffLimit MaxInt32
    with backoffLimitPerIndex (JobBackoffLimitPerIndex, on by default from 1.29)."""
    body = corpus_object("ingress-nginx/deploy.yaml", "Job", "ingress-nginx-admission-patch")
    del body["metadata"]["labels"]
    body["spec"]["completions"] = 4
    body["spec"]["backoffLimitPerIndex"] = 1
    body["spec"]["completionMode"] = "Indexed"
    body["spec"]["podFailurePolicy"] = {
        "rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]
    }
    spec = apply_defaults(body, "1.31")["spec"]
    assert (spec["completions"], spec["parallelism"]) == (4, 1)
    assert spec["backoffLimit"] == 2**31 - 1
    assert spec["podReplacementPolicy"] == "Failed"
    assert spec["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"] == "True"
    defaulted = apply_defaults(body, "1.31")
    assert defaulted["metadata"]["labels"] == body["spec"]["template"]["metadata"]["labels"]
    assert apply_defaults(body, "1.28")["spec"]["backoffLimit"] == 6


def test_cron_job_defaults_and_no_job_defaults_in_its_template() -> None:
    """kubernetes/kubernetes pkg/apis/batch/v1/defaults.go SetDefaults_CronJob; the
    jobTemplate is not a Job object, so SetDefaults_Job does not run on it (only the pod
    template defaults of zz_generated.defaults.go)."""
    job = corpus_object("ingress-nginx/deploy.yaml", "Job", "ingress-nginx-admission-create")
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "certgen", "namespace": "ingress-nginx"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": job["spec"]}},
    }
    spec = apply_defaults(cron, "1.33")["spec"]
    assert spec["concurrencyPolicy"] == "Allow"
    assert spec["suspend"] is False
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 1)
    job_spec = spec["jobTemplate"]["spec"]
    assert "backoffLimit" not in job_spec and "completions" not in job_spec
    assert job_spec["template"]["spec"]["dnsPolicy"] == "ClusterFirst"


def test_stateful_set_defaults_and_version_gates() -> None:
    """kubernetes/kubernetes pkg/apis/apps/v1/defaults.go SetDefaults_StatefulSet:
    OrderedReady, RollingUpdate with partition 0, replicas 1, revisionHistoryLimit 10;
    persistentVolumeClaimRetentionPolicy Retain/Retain once StatefulSetAutoDeletePVC is on
    by default (1.27); maxUnavailable 1 once MaxUnavailableStatefulSet is (1.35). The
    volumeClaimTemplates get SetDefaults_PersistentVolumeClaim(Spec)."""
    body = corpus_object(
        "k8s-examples/cassandra/cassandra-statefulset.yaml", "StatefulSet", "cassandra"
    )
    spec = apply_defaults(body, "1.31")["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    assert spec["revisionHistoryLimit"] == 10
    claim = spec["volumeClaimTemplates"][0]
    assert claim["spec"]["volumeMode"] == "Filesystem"
    assert claim["status"] == {"phase": "Pending"}
    assert "persistentVolumeClaimRetentionPolicy" not in apply_defaults(body, "1.26")["spec"]
    newest = apply_defaults(body, "1.35")["spec"]["updateStrategy"]["rollingUpdate"]
    assert newest == {"partition": 0, "maxUnavailable": 1}


def test_stateful_set_explicit_rolling_update_gets_no_partition() -> None:
    """SetDefaults_StatefulSet (kubernetes/kubernetes pkg/apis/apps/v1/defaults.go) adds
    `rollingUpdate: {}` only when the type itself was unset."""
    body = corpus_object(
        "k8s-examples/cassandra/cassandra-statefulset.yaml", "StatefulSet", "cassandra"
    )
    body["spec"]["updateStrategy"] = {"type": "RollingUpdate"}
    assert apply_defaults(body, "1.33")["spec"]["updateStrategy"] == {"type": "RollingUpdate"}
    body["spec"]["updateStrategy"] = {"type": "OnDelete"}
    assert apply_defaults(body, "1.33")["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_daemon_set_defaults() -> None:
    """kubernetes/kubernetes pkg/apis/apps/v1/defaults.go SetDefaults_DaemonSet: RollingUpdate
    with maxUnavailable 1 and maxSurge 0 (integers), revisionHistoryLimit 10; hostPath
    volumes get `type: ""` (SetDefaults_HostPathVolumeSource)."""
    body = corpus_object(
        "kube-prometheus/nodeExporter-daemonset.yaml", "DaemonSet", "node-exporter"
    )
    defaulted = apply_defaults(body, "1.33")
    assert defaulted["spec"]["updateStrategy"]["rollingUpdate"] == {
        "maxUnavailable": body["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"],
        "maxSurge": 0,
    }
    assert defaulted["spec"]["revisionHistoryLimit"] == 10
    volumes = pod_spec(defaulted)["volumes"]
    assert all(volume["hostPath"]["type"] == "" for volume in volumes if "hostPath" in volume)


def test_host_network_ports_in_templates_only_before_1_28() -> None:
    """SetDefaults_PodSpec defaulted hostPort = containerPort under hostNetwork until 1.28;
    since then only SetDefaults_Pod does (kubernetes/kubernetes pkg/apis/core/v1/defaults.go,
    feature gate DefaultHostNetworkHostPortsInPodTemplates in pkg/features)."""
    body = corpus_object(
        "kube-prometheus/nodeExporter-daemonset.yaml", "DaemonSet", "node-exporter"
    )
    spec = pod_spec(body)
    assert spec["hostNetwork"] is True
    spec["containers"][1]["ports"][0].pop("hostPort", None)
    old = pod_spec(apply_defaults(body, "1.27"))["containers"][1]["ports"][0]
    new = pod_spec(apply_defaults(body, "1.28"))["containers"][1]["ports"][0]
    assert old["hostPort"] == old["containerPort"]
    assert "hostPort" not in new


# -- Services ------------------------------------------------------------------------------


def test_service_defaults_cluster_ip_and_load_balancer() -> None:
    """kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Service: type
    ClusterIP, sessionAffinity None, port protocol TCP, targetPort = port when unset,
    internalTrafficPolicy Cluster; LoadBalancer adds externalTrafficPolicy Cluster and
    allocateLoadBalancerNodePorts true. Allocated fields are never invented."""
    cart = apply_defaults(corpus_object(BOUTIQUE, "Service", "cartservice"), "1.33")["spec"]
    assert cart["type"] == "ClusterIP"
    assert cart["sessionAffinity"] == "None"
    assert cart["internalTrafficPolicy"] == "Cluster"
    assert cart["ports"][0]["protocol"] == "TCP"
    assert "externalTrafficPolicy" not in cart and "clusterIP" not in cart
    assert "ipFamilyPolicy" not in cart and "ipFamilies" not in cart
    external = apply_defaults(corpus_object(BOUTIQUE, "Service", "frontend-external"), "1.33")
    spec = external["spec"]
    assert spec["externalTrafficPolicy"] == "Cluster"
    assert spec["allocateLoadBalancerNodePorts"] is True
    assert "nodePort" not in spec["ports"][0]
    body = corpus_object(BOUTIQUE, "Service", "cartservice")
    del body["spec"]["ports"][0]["targetPort"]
    port = apply_defaults(body, "1.33")["spec"]["ports"][0]
    assert port["targetPort"] == port["port"] == 7070


def test_service_session_affinity_and_external_name() -> None:
    """SetDefaults_Service (kubernetes/kubernetes pkg/apis/core/v1/defaults.go): ClientIP
    affinity gets timeoutSeconds 10800; None clears sessionAffinityConfig; ExternalName gets
    no internalTrafficPolicy; ClusterIP with externalIPs is externally accessible."""
    body = corpus_object(BOUTIQUE, "Service", "cartservice")
    body["spec"]["sessionAffinity"] = "ClientIP"
    assert apply_defaults(body, "1.33")["spec"]["sessionAffinityConfig"] == {
        "clientIP": {"timeoutSeconds": 10800}
    }
    body["spec"]["sessionAffinity"] = "None"
    body["spec"]["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 60}}
    assert "sessionAffinityConfig" not in apply_defaults(body, "1.33")["spec"]
    body["spec"]["externalIPs"] = ["192.0.2.10"]
    assert apply_defaults(body, "1.33")["spec"]["externalTrafficPolicy"] == "Cluster"
    external = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}}
    external["spec"] = {"type": "ExternalName", "externalName": "db.example.com"}
    spec = apply_defaults(external, "1.33")["spec"]
    assert "internalTrafficPolicy" not in spec and spec["sessionAffinity"] == "None"


def test_allocated_fields() -> None:
    """Fields the service REST storage allocates (kubernetes/kubernetes
    pkg/registry/core/service/storage), the Job registry generates
    (pkg/registry/batch/job/strategy.go) or the scheduler binds."""
    assert "/spec/ports/*/nodePort" in allocated_fields("Service")
    assert "/spec/clusterIP" in allocated_fields("Service", "v1")
    assert allocated_fields("Service", "serving.knative.dev/v1") == []
    assert "/spec/selector" in allocated_fields("Job", "batch/v1")
    assert allocated_fields("Pod") == [
        "/spec/nodeName",
        "/spec/priority",
        "/spec/priorityClassName",
    ]
    assert "/spec/volumeName" in allocated_fields("PersistentVolumeClaim", "v1")


# -- bare Pods -------------------------------------------------------------------------------


def _bare_pod(image: str = "busybox:1.36") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "debug", "namespace": "default"},
        "spec": {"containers": [{"name": "main", "image": image}]},
    }


def test_bare_pod_defaults_and_admission() -> None:
    """kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Pod (requests from
    limits, enableServiceLinks, hostPort under hostNetwork) and the admission plugins
    plugin/pkg/admission/serviceaccount, defaulttolerationseconds and priority."""
    body = _bare_pod()
    container = body["spec"]["containers"][0]
    container["resources"] = {
        "limits": {"cpu": "500m", "memory": "128Mi"},
        "requests": {"cpu": "100m"},
    }
    container["ports"] = [{"containerPort": 9100}]
    body["spec"]["hostNetwork"] = True
    spec = apply_defaults(body, "1.31")["spec"]
    assert spec["containers"][0]["resources"]["requests"] == {"cpu": "100m", "memory": "128Mi"}
    assert spec["enableServiceLinks"] is True
    assert spec["containers"][0]["ports"] == [
        {"containerPort": 9100, "protocol": "TCP", "hostPort": 9100}
    ]
    assert (spec["serviceAccountName"], spec["serviceAccount"]) == ("default", "default")
    assert spec["tolerations"] == [
        {
            "effect": "NoExecute",
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "tolerationSeconds": 300,
        },
        {
            "effect": "NoExecute",
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "tolerationSeconds": 300,
        },
    ]
    assert (spec["priority"], spec["preemptionPolicy"]) == (0, "PreemptLowerPriority")
    assert not any("kube-api-access" in str(volume) for volume in spec.get("volumes", []))


def test_bare_pod_existing_tolerations_and_priority_class() -> None:
    """defaulttolerationseconds (kubernetes/kubernetes plugin/pkg/admission/
    defaulttolerationseconds) adds nothing a toleration already covers (an empty key with
    NoExecute covers both); the priority plugin resolves the built-in system classes."""
    body = _bare_pod()
    body["spec"]["tolerations"] = [{"operator": "Exists", "effect": "NoExecute"}]
    body["spec"]["priorityClassName"] = "system-node-critical"
    spec = apply_defaults(body, "1.31")["spec"]
    assert spec["tolerations"] == [{"operator": "Exists", "effect": "NoExecute"}]
    assert spec["priority"] == 2000001000
    body["spec"]["priorityClassName"] = "team-batch"
    assert "priority" not in apply_defaults(body, "1.31")["spec"]


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("localhost:5000/img", "Always"),
        ("localhost:5000/img:v2", "IfNotPresent"),
        ("registry.example.com:443/team/app", "Always"),
        (
            "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend:v0.10.6",
            "IfNotPresent",
        ),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
        ("nginx:latest@sha256:" + "a" * 64, "Always"),
        ("nginx@sha256:abc", "IfNotPresent"),  # does not parse: empty tag
        ("Nginx", "IfNotPresent"),  # uppercase repository: does not parse
        ("", "IfNotPresent"),
        ("a" * 64, "IfNotPresent"),  # a bare image ID is refused
    ],
)
def test_image_pull_policy_from_the_parsed_tag(image: str, policy: str) -> None:
    """kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Container with
    pkg/util/parsers ParseImageName (distribution/reference ParseNormalizedNamed): tag
    `latest`, or neither tag nor digest, pulls Always; a parse error leaves the tag empty."""
    spec = apply_defaults(_bare_pod(image), "1.33")["spec"]
    assert spec["containers"][0]["imagePullPolicy"] == policy


def test_explicit_pull_policy_is_kept() -> None:
    """SetDefaults_Container (kubernetes/kubernetes pkg/apis/core/v1/defaults.go) only
    defaults an empty imagePullPolicy."""
    body = _bare_pod("nginx")
    body["spec"]["containers"][0]["imagePullPolicy"] = "Never"
    assert apply_defaults(body, "1.33")["spec"]["containers"][0]["imagePullPolicy"] == "Never"


def test_volume_defaults() -> None:
    """kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Volume (emptyDir when no
    source), SetDefaults_{Secret,ConfigMap,DownwardAPI,Projected}VolumeSource (defaultMode
    420), SetDefaults_ServiceAccountTokenProjection (3600), SetDefaults_ObjectFieldSelector;
    image volumes get a pull policy once ImageVolume is on by default (1.35)."""
    body = _bare_pod()
    body["spec"]["volumes"] = [
        {"name": "scratch"},
        {"name": "cfg", "configMap": {"name": "app"}},
        {"name": "tls", "secret": {"secretName": "tls", "defaultMode": 256}},
        {
            "name": "info",
            "downwardAPI": {
                "items": [{"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]
            },
        },
        {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}},
        {"name": "model", "image": {"reference": "quay.io/models/llm:latest"}},
    ]
    volumes = apply_defaults(body, "1.35")["spec"]["volumes"]
    assert volumes[0] == {"name": "scratch", "emptyDir": {}}
    assert volumes[1]["configMap"]["defaultMode"] == 420
    assert volumes[2]["secret"]["defaultMode"] == 256
    assert volumes[3]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"] == "v1"
    assert volumes[4]["projected"] == {
        "sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}],
        "defaultMode": 420,
    }
    assert volumes[5]["image"]["pullPolicy"] == "Always"
    assert "pullPolicy" not in apply_defaults(body, "1.34")["spec"]["volumes"][5]["image"]


# -- other kinds -------------------------------------------------------------------------------


def test_namespace_label_and_finalizer() -> None:
    """kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Namespace (the
    kubernetes.io/metadata.name label) and pkg/registry/core/namespace/strategy.go
    PrepareForCreate (the `kubernetes` finalizer); status phase Active only on request."""
    body = corpus_object("kube-prometheus/setup/namespace.yaml", "Namespace", "monitoring")
    defaulted = apply_defaults(body, "1.33")
    assert defaulted["metadata"]["labels"]["kubernetes.io/metadata.name"] == "monitoring"
    assert defaulted["spec"]["finalizers"] == ["kubernetes"]
    assert "status" not in defaulted
    assert apply_defaults(body, "1.33", status=True)["status"] == {"phase": "Active"}


def test_network_policy_defaults() -> None:
    """kubernetes/kubernetes pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy
    (policyTypes [Ingress] plus Egress when egress rules exist) and
    SetDefaults_NetworkPolicyPort (protocol TCP)."""
    body = corpus_object("kube-prometheus/grafana-networkPolicy.yaml", "NetworkPolicy", "grafana")
    del body["spec"]["policyTypes"]
    del body["spec"]["ingress"][0]["ports"][0]["protocol"]
    spec = apply_defaults(body, "1.33")["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]  # `egress: [{}]` is non-empty
    assert spec["ingress"][0]["ports"] == [{"port": 3000, "protocol": "TCP"}]
    del body["spec"]["egress"]
    assert apply_defaults(body, "1.33")["spec"]["policyTypes"] == ["Ingress"]


def test_ingress_class_parameters_scope() -> None:
    """kubernetes/kubernetes pkg/apis/networking/v1/defaults.go SetDefaults_IngressClass."""
    body = corpus_object("ingress-nginx/deploy.yaml", "IngressClass", "nginx")
    assert "parameters" not in apply_defaults(body, "1.33")["spec"]
    body["spec"]["parameters"] = {"apiGroup": "k8s.example.com", "kind": "Params", "name": "p"}
    assert apply_defaults(body, "1.33")["spec"]["parameters"]["scope"] == "Cluster"


def test_hpa_v2_defaults() -> None:
    """kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults.go
    SetDefaults_HorizontalPodAutoscaler(Behavior): minReplicas 1, the 80% CPU metric when
    none is given, and the scaling rules filled only when behavior is set."""
    body = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "frontend", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "frontend"},
            "maxReplicas": 10,
        },
    }
    spec = apply_defaults(body, "1.33")["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80},
            },
        }
    ]
    assert "behavior" not in spec and "selectionStrategy" not in spec
    body["spec"]["behavior"] = {"scaleDown": {"stabilizationWindowSeconds": 60}}
    behavior = apply_defaults(body, "1.33")["spec"]["behavior"]
    assert behavior["scaleDown"] == {
        "stabilizationWindowSeconds": 60,
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
    }
    assert behavior["scaleUp"]["stabilizationWindowSeconds"] == 0
    assert [policy["type"] for policy in behavior["scaleUp"]["policies"]] == ["Pods", "Percent"]


def test_secret_pvc_pv_endpoints_rc_limit_range_storage_class() -> None:
    """kubernetes/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Secret,
    SetDefaults_PersistentVolumeClaimSpec, SetDefaults_PersistentVolume,
    SetDefaults_Endpoints, SetDefaults_ReplicationController, SetDefaults_LimitRangeItem, and
    pkg/apis/storage/v1/defaults.go SetDefaults_StorageClass."""
    secret = next(b for b in corpus_objects("kube-prometheus/alertmanager-secret.yaml"))
    secret.pop("type", None)
    assert apply_defaults(secret, "1.33")["type"] == "Opaque"
    claim = corpus_objects("k8s-examples/mysql-wordpress-pd/mysql-deployment.yaml")
    pvc = next(b for b in claim if b["kind"] == "PersistentVolumeClaim")
    assert apply_defaults(pvc, "1.33")["spec"]["volumeMode"] == "Filesystem"
    assert apply_defaults(pvc, "1.33", status=True)["status"] == {"phase": "Pending"}
    pv = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}}
    pv["spec"] = {"capacity": {"storage": "1Gi"}, "hostPath": {"path": "/data"}}
    pv_spec = apply_defaults(pv, "1.33")["spec"]
    assert pv_spec["persistentVolumeReclaimPolicy"] == "Retain"
    assert (pv_spec["volumeMode"], pv_spec["hostPath"]["type"]) == ("Filesystem", "")
    endpoints = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "ext"}}
    endpoints["subsets"] = [{"addresses": [{"ip": "192.0.2.1"}], "ports": [{"port": 5432}]}]
    assert apply_defaults(endpoints, "1.33")["subsets"][0]["ports"][0]["protocol"] == "TCP"
    frontend = corpus_object(BOUTIQUE, "Deployment", "frontend")
    rc = {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "fe"}}
    rc["spec"] = {"template": frontend["spec"]["template"]}
    rc_defaulted = apply_defaults(rc, "1.33")
    assert rc_defaulted["spec"]["selector"] == {"app": "frontend"}
    assert rc_defaulted["metadata"]["labels"] == {"app": "frontend"}
    assert rc_defaulted["spec"]["replicas"] == 1
    limits = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"}}
    limits["spec"] = {
        "limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "64Mi"}}]
    }
    item = apply_defaults(limits, "1.33")["spec"]["limits"][0]
    assert item["default"] == {"cpu": "2"}
    assert item["defaultRequest"] == {"cpu": "2", "memory": "64Mi"}
    storage_class = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass"}
    storage_class |= {"metadata": {"name": "fast"}, "provisioner": "pd.csi.storage.gke.io"}
    defaulted_class = apply_defaults(storage_class, "1.33")
    assert (defaulted_class["reclaimPolicy"], defaulted_class["volumeBindingMode"]) == (
        "Delete",
        "Immediate",
    )


# -- contract ------------------------------------------------------------------------------


def test_input_is_never_modified_and_unknown_kinds_are_copied() -> None:
    """apply_defaults returns a new object; kinds without defaulting functions (Ingress has
    none: kubernetes/kubernetes pkg/apis/networking/v1/defaults.go) come back equal."""
    for body in corpus_objects(BOUTIQUE) + corpus_objects("ingress-nginx/deploy.yaml"):
        before = copy.deepcopy(body)
        result = apply_defaults(body, "1.33")
        assert body == before
        assert result is not body
        if not is_known(body["apiVersion"], body["kind"]):
            assert result == body
    crd_like = {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "spec": {}}
    assert apply_defaults(crd_like, "1.33") == crd_like


@pytest.mark.parametrize("junk", [None, 3, "x", [], {}, [1, "a"], {"a": None}, True])
def test_malformed_inputs_never_raise(junk: Any) -> None:
    """Inputs may hold any JSON type anywhere; what cannot be defaulted is skipped.
    The API server would refuse such a body at decoding (kubernetes/kubernetes
    staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json), but kplan reports that
    elsewhere and must keep planning the other objects."""
    bodies = [
        corpus_object(BOUTIQUE, "Deployment", "frontend"),
        corpus_object(BOUTIQUE, "Service", "frontend-external"),
        corpus_object("kube-prometheus/nodeExporter-daemonset.yaml", "DaemonSet", "node-exporter"),
        corpus_object("ingress-nginx/deploy.yaml", "Job", "ingress-nginx-admission-create"),
    ]
    for body in bodies:
        for path in _paths(body):
            broken = copy.deepcopy(body)
            _set(broken, path, junk)
            apply_defaults(broken, "1.33")
    for version in ("", "banana", "v1.25", "1.37.2", None):
        apply_defaults(bodies[0], version)  # type: ignore[arg-type]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _set(body: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        body = body[key]
    body[path[-1]] = value
