"""Small builders for recorded and desired workload objects in rollout tests: the shapes
the API server stores (server defaults applied with kplan.k8s.defaults.apply_defaults)."""

from __future__ import annotations

import copy
from typing import Any

from kplan.k8s.defaults import apply_defaults

VERSION = "1.31"
NAMESPACE = "shop"


def _template(app: str, image: str, **container: Any) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": app}},
        "spec": {"containers": [{"name": "main", "image": image, **container}]},
    }


def deployment(
    replicas: int | None,
    image: str,
    *,
    name: str = "web",
    strategy: dict[str, Any] | None = None,
    paused: bool = False,
    version: str = VERSION,
    status: dict[str, Any] | None = None,
    **container: Any,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": _template(name, image, **container),
    }
    if replicas is not None:
        spec["replicas"] = replicas
    if strategy is not None:
        spec["strategy"] = strategy
    if paused:
        spec["paused"] = True
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": NAMESPACE, "uid": f"uid-{name}"},
        "spec": spec,
    }
    body = apply_defaults(body, version)
    if status is not None:
        body["status"] = status
    return body


def rolling(max_surge: int | str, max_unavailable: int | str) -> dict[str, Any]:
    return {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": max_unavailable},
    }


def replica_set(
    owner: dict[str, Any],
    suffix: str,
    replicas: int,
    *,
    available: int | None = None,
    created: str = "2025-01-01T00:00:00Z",
    desired: int | None = None,
    max_replicas: int | None = None,
    template: dict[str, Any] | None = None,
    status: bool = True,
) -> dict[str, Any]:
    """A ReplicaSet the Deployment `owner` created, running `template` (default: the
    owner's), annotated as a settled controller leaves it."""
    name = owner["metadata"]["name"]
    pod_template = copy.deepcopy(template if template is not None else owner["spec"]["template"])
    pod_template["metadata"].setdefault("labels", {})["pod-template-hash"] = suffix
    owner_replicas = owner["spec"].get("replicas", 1)
    body: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{name}-{suffix}",
            "namespace": owner["metadata"]["namespace"],
            "creationTimestamp": created,
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": name,
                    "uid": owner["metadata"]["uid"],
                    "controller": True,
                }
            ],
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": str(
                    owner_replicas if desired is None else desired
                ),
                "deployment.kubernetes.io/max-replicas": str(
                    owner_replicas + 1 if max_replicas is None else max_replicas
                ),
            },
        },
        "spec": {"replicas": replicas, "template": pod_template},
    }
    if status:
        body["status"] = {
            "replicas": replicas,
            "availableReplicas": replicas if available is None else available,
        }
    return body


def pod(
    name: str,
    owner_kind: str,
    owner: str,
    *,
    labels: dict[str, str] | None = None,
    ready: bool = True,
    phase: str = "Running",
    node: str | None = None,
    terminating: bool = False,
    created: str = "2025-01-01T00:00:00Z",
    uid: str | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": NAMESPACE,
        "creationTimestamp": created,
        "labels": labels or {},
        "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": owner_kind, "name": owner, "controller": True}
            | ({"uid": uid} if uid else {})
        ],
    }
    if terminating:
        metadata["deletionTimestamp"] = "2025-01-02T00:00:00Z"
    spec: dict[str, Any] = {"containers": [{"name": "main", "image": "x"}]}
    if node:
        spec["nodeName"] = node
    status = {
        "phase": phase,
        "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def statefulset(
    replicas: int,
    image: str,
    *,
    name: str = "db",
    policy: str | None = None,
    strategy: dict[str, Any] | None = None,
    version: str = VERSION,
    status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "replicas": replicas,
        "serviceName": name,
        "selector": {"matchLabels": {"app": name}},
        "template": _template(name, image),
    }
    if policy:
        spec["podManagementPolicy"] = policy
    if strategy is not None:
        spec["updateStrategy"] = strategy
    body = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": NAMESPACE, "uid": f"uid-{name}"},
        "spec": spec,
    }
    body = apply_defaults(body, version)
    if status is not None:
        body["status"] = status
    return body


def daemonset(
    image: str,
    *,
    name: str = "agent",
    strategy: dict[str, Any] | None = None,
    status: dict[str, Any] | None = None,
    generation: int = 1,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": _template(name, image),
    }
    if strategy is not None:
        spec["updateStrategy"] = strategy
    body = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "uid": f"uid-{name}",
            "annotations": {"deprecated.daemonset.template.generation": str(generation)},
        },
        "spec": spec,
    }
    body = apply_defaults(body, VERSION)
    if status is not None:
        body["status"] = status
    return body


def controller_revision(
    owner: dict[str, Any], name: str, revision: int, template: dict[str, Any], hash_label: str = ""
) -> dict[str, Any]:
    labels = {"controller-revision-hash": hash_label} if hash_label else {}
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "labels": labels,
            "ownerReferences": [
                {
                    "kind": owner["kind"],
                    "name": owner["metadata"]["name"],
                    "uid": owner["metadata"]["uid"],
                    "controller": True,
                }
            ],
        },
        "data": {"spec": {"template": {**copy.deepcopy(template), "$patch": "replace"}}},
        "revision": revision,
    }
