"""Hand-built plans, modelled on the Online Boutique, that the plan renderers' tests share.

The Secret values here are plaintext on purpose, as if a stage had forgotten to mask them:
every output must mask them by itself.
"""

from __future__ import annotations

import base64
from typing import Any

from kplan.plan.model import (
    CREATE,
    DELETE,
    NO_OP,
    REPLACE,
    UPDATE,
    Change,
    FieldChange,
    Finding,
    Location,
    ObjectId,
    Plan,
)

MANIFESTS = "release/kubernetes-manifests.yaml"
SNAPSHOT = "cluster/snapshot.yaml"
IMAGE = "us-central1-docker.pkg.dev/google-samples/microservices-demo"

# Secret values that must never appear in any output, in either encoding.
PLAINTEXT = ("sk_live_hunter2", "sk_live_hunter3", "redis-pass-42", "old-flag-token")
SECRETS = (*PLAINTEXT, *(base64.b64encode(value.encode()).decode() for value in PLAINTEXT))


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def deployment(name: str, image: str, replicas: int, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": name,
                    "terminationGracePeriodSeconds": 5,
                    "containers": [
                        {
                            "name": "server",
                            "image": image,
                            "ports": [{"containerPort": 9555}],
                            "env": [{"name": "PORT", "value": "9555"}],
                            "resources": {
                                "requests": {"cpu": "200m", "memory": "180Mi"},
                                "limits": {"cpu": "300m", "memory": "300Mi"},
                            },
                        }
                    ],
                },
            },
        },
    }


def frontend_update() -> Change:
    return Change(
        UPDATE,
        "apps/v1",
        ObjectId("apps", "Deployment", "default", "frontend"),
        fields=[
            FieldChange("/spec/replicas", 3, 1),
            FieldChange(
                "/spec/template/spec/containers/0/image",
                f"{IMAGE}/frontend:v0.10.5",
                f"{IMAGE}/frontend:v0.10.6",
            ),
            FieldChange("/spec/template/metadata/annotations/sidecar.istio.io~1inject", "true"),
            FieldChange("/spec/template/spec/containers/0/env/3", after={"name": "ENV_PLATFORM"}),
        ],
        location=Location(MANIFESTS, 210, 1),
    )


def adservice_create() -> Change:
    return Change(
        CREATE,
        "apps/v1",
        ObjectId("apps", "Deployment", "default", "adservice"),
        after=deployment("adservice", f"{IMAGE}/adservice:v0.10.6", 1, {"app": "adservice"}),
        location=Location(MANIFESTS, 12, 1),
    )


def payment_secret_update() -> Change:
    """A Secret whose api-key changed and gained a key; the stage forgot to mask."""
    return Change(
        UPDATE,
        "v1",
        ObjectId("", "Secret", "default", "payment-credentials"),
        fields=[
            FieldChange("/data/api-key", b64("sk_live_hunter2"), b64("sk_live_hunter3")),
            FieldChange("/stringData/webhook", after="sk_live_hunter3"),
        ],
        location=Location(MANIFESTS, 400, 1),
    )


def redis_secret_create() -> Change:
    body = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "redis-auth", "namespace": "default"},
        "type": "Opaque",
        "data": {"password": b64("redis-pass-42")},
    }
    return Change(
        CREATE,
        "v1",
        ObjectId("", "Secret", "default", "redis-auth"),
        after=body,
        location=Location(MANIFESTS, 420, 1),
    )


def cartservice_replace() -> Change:
    return Change(
        REPLACE,
        "apps/v1",
        ObjectId("apps", "Deployment", "default", "cartservice"),
        fields=[
            FieldChange(
                "/spec/selector/matchLabels/app", "cart", "cartservice", forces_replace=True
            ),
            FieldChange("/spec/template/metadata/labels/app", "cart", "cartservice"),
        ],
        location=Location(MANIFESTS, 150, 1),
        replace_paths=["/spec/selector/matchLabels/app"],
    )


def legacy_delete() -> Change:
    before = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "legacy-flags", "namespace": "default", "labels": {"app": "shop"}},
        "data": {"FEATURE_X": "on", "motd": "welcome\nto the\nshop\n"},
    }
    return Change(
        DELETE,
        "v1",
        ObjectId("", "ConfigMap", "default", "legacy-flags"),
        before=before,
        location=Location(SNAPSHOT, 40, 3),
    )


def old_token_delete() -> Change:
    """A pruned Secret whose last-applied annotation repeats its value."""
    before = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "old-token",
            "namespace": "default",
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": (
                    '{"apiVersion":"v1","data":{"token":"' + b64("old-flag-token") + '"}}'
                )
            },
        },
        "data": {"token": b64("old-flag-token")},
    }
    return Change(
        DELETE,
        "v1",
        ObjectId("", "Secret", "default", "old-token"),
        before=before,
        location=Location(SNAPSHOT, 80, 3),
    )


SELECTS_NOTHING = Finding(
    "service-selects-nothing",
    "warning",
    "Service/default/cartservice",
    "selector app=cart matches no pod after the plan",
    Location(MANIFESTS, 171, 5),
    "/spec/selector",
)


def boutique_plan() -> Plan:
    """Every action, Secrets, every later section and a warning finding."""
    return Plan(
        kubernetes_version="1.33",
        changes=[
            adservice_create(),
            frontend_update(),
            payment_secret_update(),
            redis_secret_create(),
            cartservice_replace(),
            legacy_delete(),
            old_token_delete(),
        ],
        findings=[SELECTS_NOTHING],
        scheduling={
            "placements": [
                {
                    "pod": "default/adservice-5f4c6d7b9-q7x2m",
                    "owner": "Deployment/default/adservice",
                    "replica": 0,
                    "node": "worker-1",
                    "message": None,
                },
                {
                    "pod": "default/cartservice-7d9c8b6f5-k2p9z",
                    "owner": "Deployment/default/cartservice",
                    "replica": 0,
                    "node": None,
                    "message": "0/3 nodes are available: 3 Insufficient cpu.",
                },
            ]
        },
        wiring={
            "services": [
                {
                    "service": "default/adservice",
                    "type": "ClusterIP",
                    "clusterIP": "10.96.0.21",
                    "endpoints": [
                        {
                            "pod": "default/adservice-5f4c6d7b9-q7x2m",
                            "name": "grpc",
                            "port": 9555,
                            "protocol": "TCP",
                            "ready": True,
                        }
                    ],
                },
                {
                    "service": "default/cartservice",
                    "type": "ClusterIP",
                    "clusterIP": "10.96.0.22",
                    "endpoints": [],
                },
            ],
            "env": {"default/adservice-5f4c6d7b9-q7x2m": {"ADSERVICE_SERVICE_HOST": "10.96.0.21"}},
            "ingresses": [
                {
                    "ingress": "default/frontend",
                    "rules": [
                        {
                            "host": "shop.example",
                            "path": "/",
                            "service": "default/frontend",
                            "port": 80,
                        }
                    ],
                }
            ],
        },
        rollouts=[
            {
                "workload": "Deployment/default/frontend",
                "strategy": "RollingUpdate",
                "triggers_rollout": True,
                "maxSurge": 1,
                "maxUnavailable": 0,
                "steps": [{"new": 1, "old": 1}, {"new": 1, "old": 0}],
            }
        ],
    )


def failing_plan() -> Plan:
    """A plan with input errors, an error finding, a cluster-scoped object and a no-op."""
    return Plan(
        kubernetes_version="1.33",
        changes=[
            Change(
                CREATE,
                "v1",
                ObjectId("", "Namespace", "", "boutique"),
                after={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "boutique"}},
                location=Location("ns.yaml", 1, 1),
            ),
            Change(
                NO_OP,
                "v1",
                ObjectId("", "Service", "default", "frontend"),
                location=Location(MANIFESTS, 230, 1),
            ),
        ],
        findings=[
            Finding(
                "pod-does-not-fit",
                "error",
                "Pod/default/debug",
                "node worker-9 does not exist",
                Location("debug.yaml", 7, 13),
                "/spec/nodeName",
            ),
            Finding("service-selects-nothing", "info", "Service/default/frontend", "no pods yet"),
        ],
        input_errors=[
            Finding(
                "yaml-syntax",
                "error",
                "",
                "YAML syntax error: mapping values are not allowed here",
                Location("broken.yaml", 4, 5),
            ),
            Finding(
                "unknown-field",
                "error",
                "Deployment/default/checkout",
                'unknown field "spec.replica"',
                Location("checkout.yaml", 9, 3),
                "/spec/replica",
            ),
        ],
    )


def test_boutique_plan_has_every_action() -> None:
    plan = boutique_plan()
    assert plan.counts() == {CREATE: 2, UPDATE: 2, REPLACE: 1, DELETE: 2}
    assert plan.has_changes and not plan.failed


def test_failing_plan_fails() -> None:
    plan = failing_plan()
    assert plan.failed and plan.has_changes
