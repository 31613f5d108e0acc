"""Shared data for the snapshot tests: a recorded-looking cluster for the fake kubectl."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.paths import FIXTURES
from tests.snapshot import fake_kubectl

PASSWORD = "hunter2-s3cret-value"
TOKEN = "plain-token-from-stringData"
USER = "admin-user-name"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# What a v1.32 API server serves, as (group, kind, namespaced) per `kubectl get` argument.
TYPES: dict[str, list[Any]] = {
    "nodes": ["", "Node", False],
    "namespaces": ["", "Namespace", False],
    "persistentvolumes": ["", "PersistentVolume", False],
    "storageclasses.storage.k8s.io": ["storage.k8s.io", "StorageClass", False],
    "priorityclasses.scheduling.k8s.io": ["scheduling.k8s.io", "PriorityClass", False],
    "ingressclasses.networking.k8s.io": ["networking.k8s.io", "IngressClass", False],
    "customresourcedefinitions.apiextensions.k8s.io": [
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        False,
    ],
    "pods": ["", "Pod", True],
    "deployments.apps": ["apps", "Deployment", True],
    "replicasets.apps": ["apps", "ReplicaSet", True],
    "statefulsets.apps": ["apps", "StatefulSet", True],
    "daemonsets.apps": ["apps", "DaemonSet", True],
    "jobs.batch": ["batch", "Job", True],
    "cronjobs.batch": ["batch", "CronJob", True],
    "services": ["", "Service", True],
    "endpointslices.discovery.k8s.io": ["discovery.k8s.io", "EndpointSlice", True],
    "ingresses.networking.k8s.io": ["networking.k8s.io", "Ingress", True],
    "configmaps": ["", "ConfigMap", True],
    "secrets": ["", "Secret", True],
    "serviceaccounts": ["", "ServiceAccount", True],
    "persistentvolumeclaims": ["", "PersistentVolumeClaim", True],
    "poddisruptionbudgets.policy": ["policy", "PodDisruptionBudget", True],
    "horizontalpodautoscalers.autoscaling": ["autoscaling", "HorizontalPodAutoscaler", True],
    "networkpolicies.networking.k8s.io": ["networking.k8s.io", "NetworkPolicy", True],
    "widgets.v1.example.com": ["example.com", "Widget", True],
    "gadgets.v1.example.com": ["example.com", "Gadget", False],
}


def secret() -> dict[str, Any]:
    applied = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"annotations": {}, "name": "db", "namespace": "default"},
        "data": {"password": b64(PASSWORD)},
        "stringData": {"token": TOKEN},
        "type": "Opaque",
    }
    return {
        "apiVersion": "v1",
        "data": {"password": b64(PASSWORD), "token": b64(TOKEN), "user": b64(USER)},
        "kind": "Secret",
        "metadata": {
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": json.dumps(
                    applied, separators=(",", ":")
                )
                + "\n"
            },
            "creationTimestamp": "2025-06-12T07:00:00Z",
            "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update"}],
            "name": "db",
            "namespace": "default",
            "resourceVersion": "3100",
            "uid": "0b6f3a8e-1111-4c1e-9d55-6a1f0e7d2b01",
        },
        "type": "Opaque",
    }


def crd(plural: str, kind: str, scope: str, versions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.example.com", "uid": f"uid-{plural}"},
        "spec": {
            "group": "example.com",
            "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural},
            "scope": scope,
            "versions": versions,
        },
    }


def tricky_config_map() -> dict[str, Any]:
    """Strings that a YAML writer must quote for Kubernetes' reader to give them back."""
    values = ["yes", "y", "0644", "1:30", "~", "", "on", "1_000", "1e3", "null", "- x", "a: b"]
    data = {f"k{index}": value for index, value in enumerate(values)}
    data["script.sh"] = "#!/bin/sh\necho hi\n"
    data["y"] = "key that reads as a boolean"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "tricky",
            "namespace": "default",
            "selfLink": "/api/v1/namespaces/default/configmaps/tricky",
            "uid": "4c3a1e9e-2222-4d57-9a1b-0c7f3f2a9a10",
        },
        "data": data,
    }


def cluster_objects() -> list[dict[str, Any]]:
    corpus = json.loads((FIXTURES / "snapshots" / "kind-3node.json").read_text())["items"]
    extra = [
        secret(),
        tricky_config_map(),
        crd(
            "widgets",
            "Widget",
            "Namespaced",
            [
                {"name": "v1alpha1", "served": True, "storage": False},
                {"name": "v1", "served": True, "storage": True},
            ],
        ),
        crd(
            "gadgets",
            "Gadget",
            "Cluster",
            [
                {"name": "v2", "served": False, "storage": True},
                {"name": "v1", "served": True, "storage": False},
            ],
        ),
        {
            "apiVersion": "example.com/v1",
            "kind": "Widget",
            "metadata": {"name": "w1", "namespace": "default", "uid": "uid-w1"},
            "spec": {"size": 3},
        },
        {
            "apiVersion": "example.com/v1",
            "kind": "Gadget",
            "metadata": {"name": "g1", "uid": "uid-g1"},
            "spec": {"color": "blue"},
        },
    ]
    return copy.deepcopy(corpus) + extra


def scenario(**changes: Any) -> dict[str, Any]:
    base = {
        "current": "kind-kind",
        "contexts": ["kind-kind", "prod"],
        "types": TYPES,
        "forbidden": [],
        "objects": cluster_objects(),
    }
    base.update(changes)
    return base


@pytest.fixture
def kubectl_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the fake kubectl, first on PATH."""
    folder = tmp_path / "bin"
    fake_kubectl.install(folder, scenario())
    fake_kubectl.on_path(monkeypatch, folder)
    return folder
