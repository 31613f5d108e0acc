"""What `kubectl apply` of a manifest followed by `kubectl get -o yaml` returns, built here
independently of kplan's own defaulting so that the zero-noise tests can catch kplan's gaps.

The fields come from the API server's defaulting functions and registry strategies, as
listed with their sources in the project's reference notes ("Server-side noise") and
checked against kubernetes/kubernetes `pkg/apis/{core,apps,batch,networking,autoscaling}/v1/
defaults.go`, `pkg/registry/core/service/storage`, `pkg/registry/batch/job/strategy.go` and
`plugin/pkg/admission/{serviceaccount,defaulttolerationseconds,priority}`. Quantities are
written the way the API server re-serialises them (kplan.k8s.quantity is tested on its own
against apimachinery's quantity tables).
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from kplan.k8s.quantity import canonicalize_resource
from kplan.k8s.scope import group_of, is_cluster_scoped

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
TIMESTAMP = "2026-01-05T10:00:00Z"


def served(manifest: dict[str, Any], namespace: str, version: tuple[int, int]) -> dict[str, Any]:
    """The object as the API server stores and returns it after `kubectl apply -n namespace`."""
    sent = copy.deepcopy(manifest)
    cluster_scoped = is_cluster_scoped(sent["apiVersion"], sent["kind"], {})
    if not isinstance(sent.get("metadata"), dict):
        sent["metadata"] = {}
    metadata = sent["metadata"]
    if not cluster_scoped:
        metadata.setdefault("namespace", namespace)  # kubectl's builder sets it before sending
    applied = json.dumps(sent, separators=(",", ":"), sort_keys=True)
    stored = copy.deepcopy(sent)
    if stored["kind"] == "Secret" and "stringData" in stored:
        import base64

        data = stored.setdefault("data", {})
        for key, value in stored.pop("stringData").items():
            data[key] = base64.b64encode(str(value).encode()).decode()
    _default(stored, version)
    if group_of(stored["apiVersion"]) in ("", "apps", "batch"):
        _quantities(stored)
    digest = hashlib.sha256(applied.encode()).hexdigest()
    metadata = stored["metadata"]
    if not isinstance(metadata.get("annotations"), dict):
        metadata["annotations"] = {}
    metadata["annotations"][LAST_APPLIED] = applied + "\n"
    metadata.update(
        uid=f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}",
        resourceVersion=str(int(digest[:6], 16)),
        creationTimestamp=TIMESTAMP,
        managedFields=[{"manager": "kubectl-client-side-apply", "operation": "Update"}],
    )
    if group_of(stored["apiVersion"]) in ("apps", "batch", "policy", "networking.k8s.io"):
        metadata["generation"] = 1
    if stored["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        stored["status"] = {"observedGeneration": 1, "replicas": 0}
    return stored


def _default(obj: dict[str, Any], version: tuple[int, int]) -> None:
    kind, spec = obj["kind"], obj.get("spec")
    if kind == "Deployment":
        spec.setdefault("replicas", 1)
        strategy = spec.setdefault("strategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxUnavailable", "25%")
            rolling.setdefault("maxSurge", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        _template(spec["template"])
    elif kind in ("ReplicaSet", "ReplicationController"):
        spec.setdefault("replicas", 1)
        if kind == "ReplicationController":
            labels = spec["template"].get("metadata", {}).get("labels", {})
            spec.setdefault("selector", dict(labels))
            obj["metadata"].setdefault("labels", dict(labels))
        _template(spec["template"])
    elif kind == "StatefulSet":
        spec.setdefault("replicas", 1)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        strategy = spec.setdefault("updateStrategy", {})
        if "type" not in strategy:
            strategy["type"] = "RollingUpdate"
            strategy.setdefault("rollingUpdate", {})
        if "rollingUpdate" in strategy:
            strategy["rollingUpdate"].setdefault("partition", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        if version >= (1, 27):
            policy = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
            policy.setdefault("whenDeleted", "Retain")
            policy.setdefault("whenScaled", "Retain")
        for claim in spec.get("volumeClaimTemplates", []):
            claim.setdefault("apiVersion", "v1")
            claim.setdefault("kind", "PersistentVolumeClaim")
            claim.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
            claim["status"] = {"phase": "Pending"}
        _template(spec["template"])
    elif kind == "DaemonSet":
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxUnavailable", 1)
            rolling.setdefault("maxSurge", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        _template(spec["template"])
    elif kind == "Job":
        _job(obj, spec, version)
    elif kind == "CronJob":
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job_spec = spec["jobTemplate"].setdefault("spec", {})
        _job_spec_defaults(job_spec, version)
        _template(job_spec["template"])
    elif kind == "Pod":
        _pod(obj)
    elif kind == "Service":
        _service(obj)
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")
    elif kind == "Namespace":
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"][
            "name"
        ]
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj["status"] = {"phase": "Active"}
    elif kind == "PersistentVolumeClaim":
        spec.setdefault("volumeMode", "Filesystem")
        obj["status"] = {"phase": "Pending"}
    elif kind == "PersistentVolume":
        _volume_source(spec)
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")
        obj["status"] = {"phase": "Available"}
    elif kind == "StorageClass":
        obj.setdefault("reclaimPolicy", "Delete")
        obj.setdefault("volumeBindingMode", "Immediate")
    elif kind == "Endpoints":
        for subset in obj.get("subsets") or []:
            for port in subset.get("ports") or []:
                port.setdefault("protocol", "TCP")
    elif kind == "NetworkPolicy":
        types = ["Ingress"] + (["Egress"] if spec.get("egress") else [])
        spec.setdefault("policyTypes", types)
        for rule in spec.get("ingress", []) + spec.get("egress", []):
            for port in rule.get("ports", []):
                port.setdefault("protocol", "TCP")
    elif kind == "HorizontalPodAutoscaler" and obj["apiVersion"] == "autoscaling/v2":
        spec.setdefault("minReplicas", 1)


def _job_spec_defaults(spec: dict[str, Any], version: tuple[int, int]) -> None:
    if "completions" not in spec and "parallelism" not in spec:
        spec["completions"] = 1
        spec["parallelism"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    if version >= (1, 29):
        spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    if version >= (1, 29):  # kubernetes/kubernetes PR #120206; the release is not pinned
        spec.setdefault("manualSelector", False)


def _job(obj: dict[str, Any], spec: dict[str, Any], version: tuple[int, int]) -> None:
    """The Job strategy adds a selector and labels naming the Job's uid."""
    _job_spec_defaults(spec, version)
    template = spec["template"]
    labels = template.setdefault("metadata", {}).setdefault("labels", {})
    uid = "0b5d4c1e-2f4a-4c8e-9d21-6f1a2b3c4d5e"
    name = obj["metadata"]["name"]
    if not spec.get("manualSelector"):
        added = {
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": name,
            "controller-uid": uid,
            "job-name": name,
        }
        labels.update(added)
        spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    if not obj["metadata"].get("labels"):
        obj["metadata"]["labels"] = dict(labels)
    _template(template)


def _template(template: dict[str, Any]) -> None:
    template.setdefault("metadata", {})["creationTimestamp"] = None
    _pod_spec(template["spec"])


def _pod(pod: dict[str, Any]) -> None:
    """A bare Pod also gets what admission adds: service account and its token volume,
    the not-ready/unreachable tolerations, priority, enableServiceLinks."""
    spec = pod["spec"]
    _pod_spec(spec)
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("serviceAccountName", "default")
    spec["serviceAccount"] = spec["serviceAccountName"]
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        tolerations.append(
            {"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}
        )
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        requests = container["resources"].get("requests", {})
        for name, value in container["resources"].get("limits", {}).items():
            requests.setdefault(name, value)
        if requests:
            container["resources"]["requests"] = requests
        if spec.get("hostNetwork"):
            for port in container.get("ports", []):
                port.setdefault("hostPort", port["containerPort"])
    if spec.get("automountServiceAccountToken") is not False:
        spec.setdefault("volumes", []).append(
            {
                "name": "kube-api-access-x7k2p",
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
                    ],
                },
            }
        )
        for container in spec["containers"]:
            container.setdefault("volumeMounts", []).append(
                {
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "name": "kube-api-access-x7k2p",
                    "readOnly": True,
                }
            )
    pod["status"] = {"phase": "Pending", "qosClass": "BestEffort"}


def _pod_spec(spec: dict[str, Any]) -> None:
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("terminationGracePeriodSeconds", 30)
    if "serviceAccount" in spec:  # v1 conversion: the deprecated field fills the new one
        spec.setdefault("serviceAccountName", spec["serviceAccount"])
    if "serviceAccountName" in spec:
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        _container(container)
    for volume in spec.get("volumes") or []:
        _volume(volume)


def _container(container: dict[str, Any]) -> None:
    image = container.get("image", "")
    last = image.split("@")[0].rsplit("/", 1)[-1]
    tagless = "@" not in image and ":" not in last
    latest = tagless or ("@" not in image and last.endswith(":latest"))
    container.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
    container.setdefault("resources", {})
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    for port in container.get("ports") or []:
        port.setdefault("protocol", "TCP")
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(key)
        if probe is None:
            continue
        for field, value in (
            ("failureThreshold", 3),
            ("periodSeconds", 10),
            ("successThreshold", 1),
            ("timeoutSeconds", 1),
        ):
            probe.setdefault(field, value)
        if "httpGet" in probe:
            probe["httpGet"].setdefault("path", "/")
            probe["httpGet"].setdefault("scheme", "HTTP")
        if "grpc" in probe:
            probe["grpc"].setdefault("service", "")
    for entry in container.get("env") or []:
        source = entry.get("valueFrom") or {}
        if "fieldRef" in source:
            source["fieldRef"].setdefault("apiVersion", "v1")
        if "resourceFieldRef" in source:
            source["resourceFieldRef"].setdefault("divisor", "0")


def _volume(volume: dict[str, Any]) -> None:
    sources = set(volume) - {"name"}
    if not sources:
        volume["emptyDir"] = {}
    _volume_source(volume)
    for key in ("configMap", "secret", "downwardAPI", "projected"):
        if key in volume:
            volume[key].setdefault("defaultMode", 420)
    for item in volume.get("downwardAPI", {}).get("items", []):
        if "fieldRef" in item:
            item["fieldRef"].setdefault("apiVersion", "v1")
        if "resourceFieldRef" in item:
            item["resourceFieldRef"].setdefault("divisor", "0")
    for source in volume.get("projected", {}).get("sources", []):
        token = source.get("serviceAccountToken")
        if token is not None:
            token.setdefault("expirationSeconds", 3600)
        for item in source.get("downwardAPI", {}).get("items", []):
            if "fieldRef" in item:
                item["fieldRef"].setdefault("apiVersion", "v1")


def _volume_source(volume: dict[str, Any]) -> None:
    """Defaults of the volume sources shared by Pod volumes and PersistentVolumes."""
    if "hostPath" in volume:
        volume["hostPath"].setdefault("type", "")
    if "azureDisk" in volume:
        disk = volume["azureDisk"]
        disk.setdefault("cachingMode", "ReadWrite")
        disk.setdefault("fsType", "ext4")
        disk.setdefault("readOnly", False)
        disk.setdefault("kind", "Shared")
    if "iscsi" in volume:
        volume["iscsi"].setdefault("iscsiInterface", "default")
    if "rbd" in volume:
        rbd = volume["rbd"]
        rbd.setdefault("pool", "rbd")
        rbd.setdefault("user", "admin")
        rbd.setdefault("keyring", "/etc/ceph/keyring")


def _service(service: dict[str, Any]) -> None:
    spec = service.setdefault("spec", {})
    kind = spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":
        config = spec.setdefault("sessionAffinityConfig", {}).setdefault("clientIP", {})
        config.setdefault("timeoutSeconds", 10800)
    digest = hashlib.sha256(service["metadata"]["name"].encode()).digest()
    for index, port in enumerate(spec.get("ports") or []):
        port.setdefault("protocol", "TCP")
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port["port"]
        if kind in ("NodePort", "LoadBalancer"):
            port.setdefault("nodePort", 30000 + (digest[0] * 7 + index) % 2768)
    if kind == "ExternalName":
        return
    spec.setdefault("internalTrafficPolicy", "Cluster")
    if kind in ("NodePort", "LoadBalancer") or spec.get("externalIPs"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if kind == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    if "clusterIP" not in spec:
        spec["clusterIP"] = f"10.96.{digest[1]}.{digest[2] % 254 + 1}"
    spec.setdefault("clusterIPs", [spec["clusterIP"]])
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    service["status"] = {"loadBalancer": {}}


def _quantities(value: Any, key: str = "") -> None:
    """Resource lists (requests, limits, hard, capacity, storage) as the server writes them."""
    if isinstance(value, dict):
        for name, item in value.items():
            if key in ("requests", "limits", "hard", "capacity") and isinstance(
                item, (str, int, float)
            ):
                value[name] = canonicalize_resource(item)
            else:
                _quantities(item, name)
    elif isinstance(value, list):
        for item in value:
            _quantities(item, key)
