"""End to end on the boutique-prod snapshot (GKE-like, 6 nodes, one cordoned) with pods of the
Online Boutique manifests (fixtures/manifests/online-boutique), checked against the snapshot
README's free-capacity table: adservice (200m/180Mi) fits only g8vj, loadgenerator
(300m/256Mi) fits g8vj only and not next to adservice, frontend (100m/64Mi) fits t2xz, 5hqr
and g8vj."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
import yaml

from kplan.k8s.selectors import label_selector_matches
from kplan.plan.pod_model import PodView
from kplan.plan.scheduling import schedule
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES

NODE = "gke-boutique-prod-default-pool-"
G8VJ, RZ6P = NODE + "2c9a8e51-g8vj", NODE + "2c9a8e51-rz6p"
K7M, T2XZ = NODE + "6e0c1f8a-0k7m", NODE + "6e0c1f8a-t2xz"
HQR, WN4D = NODE + "b41d97c3-5hqr", NODE + "b41d97c3-wn4d"


@lru_cache(maxsize=1)
def _snapshot() -> Any:
    return load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])


@lru_cache(maxsize=1)
def _deployments() -> dict[str, dict[str, Any]]:
    path = FIXTURES / "manifests" / "online-boutique" / "kubernetes-manifests.yaml"
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}


def _nodes() -> list[dict[str, Any]]:
    return [r.body for r in _snapshot().of_kind("", "Node")]


def _existing() -> list[PodView]:
    views = []
    for resource in _snapshot().of_kind("", "Pod"):
        body = resource.body
        metadata = body["metadata"]
        views.append(
            PodView(
                namespace=metadata.get("namespace", "default"),
                name=metadata["name"],
                labels=dict(metadata.get("labels") or {}),
                spec=body["spec"],
                node=body["spec"].get("nodeName"),
                phase=body.get("status", {}).get("phase", "Pending"),
            )
        )
    return views


def _planned(name: str, replicas: int = 1) -> list[PodView]:
    template = _deployments()[name]["spec"]["template"]
    return [
        PodView(
            namespace="default",
            name=f"{name}-planned-{i}",
            labels=dict(template["metadata"]["labels"]),
            spec=template["spec"],
            owner=f"Deployment/default/{name}",
            replica=i,
            planned=True,
        )
        for i in range(replicas)
    ]


def _spread_selectors(view: PodView) -> list[Any]:
    """Services, ReplicaSets and StatefulSets of the pod's namespace that select it, plus the
    new ReplicaSet of a planned Deployment pod (its Deployment's selector)."""
    snapshot = _snapshot()
    result: list[Any] = []
    for svc in snapshot.of_kind("", "Service"):
        body = svc.body
        selector = body["spec"].get("selector")
        if (
            body["metadata"].get("namespace") == view.namespace
            and selector
            and all(view.labels.get(k) == v for k, v in selector.items())
        ):
            result.append(dict(selector))
    for kind in ("ReplicaSet", "StatefulSet"):
        for item in snapshot.of_kind("apps", kind):
            body = item.body
            selector = body["spec"].get("selector")
            if (
                body["metadata"].get("namespace") == view.namespace
                and selector
                and (label_selector_matches(selector, view.labels))
            ):
                result.append(selector)
    if view.planned and view.owner:
        result.append(_deployments()[view.owner.split("/")[-1]]["spec"]["selector"])
    return result


def _schedule(pods: list[PodView], **options: Any) -> list[dict[str, Any]]:
    options.setdefault("kubernetes_version", "1.31")
    return schedule(
        pods, _existing(), _nodes(), default_spread_selectors=_spread_selectors, **options
    ).placements


def test_adservice_fits_only_g8vj() -> None:
    """README: only the us-central1-c node with 317m free takes 200m."""
    [placement] = _schedule(_planned("adservice"), explain=True)
    assert placement["node"] == G8VJ
    assert placement["message"] is None
    assert placement["filtered"] == {
        K7M: ["node(s) were unschedulable"],
        T2XZ: ["Insufficient cpu"],
        HQR: ["Insufficient memory"],
        WN4D: ["Insufficient cpu"],
        RZ6P: ["Insufficient cpu"],
    }
    scores = placement["scores"][G8VJ]
    weights = {
        "TaintToleration": 3,
        "NodeAffinity": 2,
        "NodeResourcesFit": 1,
        "VolumeBinding": 1,
        "PodTopologySpread": 2,
        "InterPodAffinity": 2,
        "NodeResourcesBalancedAllocation": 1,
        "ImageLocality": 1,
    }
    assert scores["total"] == sum(scores[name] * weight for name, weight in weights.items())


def test_loadgenerator_after_adservice_is_pending() -> None:
    """adservice and loadgenerator together do not fit on g8vj; nothing of lower priority to
    preempt (every recorded pod has priority 0 or more)."""
    placements = _schedule(_planned("adservice") + _planned("loadgenerator"))
    assert [p["node"] for p in placements] == [G8VJ, None]
    assert placements[1]["message"] == (
        "0/6 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, "
        "4 Insufficient cpu. preemption: 0/6 nodes are available: 1 Preemption is not helpful "
        "for scheduling, 5 No preemption victims found for incoming pod.."
    )


def test_loadgenerator_alone_takes_g8vj() -> None:
    assert [p["node"] for p in _schedule(_planned("loadgenerator"))] == [G8VJ]


def test_frontend_surge_pods() -> None:
    """Two frontend pods: t2xz and g8vj have no frontend pod yet (spreading 100, 5hqr has
    one), g8vj has more room (LeastAllocated) and wins; then g8vj holds a frontend pod and
    the second goes to t2xz."""
    placements = _schedule(_planned("frontend", 2), explain=True)
    assert [p["node"] for p in placements] == [G8VJ, T2XZ]
    first, second = placements[0]["scores"], placements[1]["scores"]
    assert set(first) == {T2XZ, HQR, G8VJ}
    assert first[T2XZ]["PodTopologySpread"] == first[G8VJ]["PodTopologySpread"] == 100
    assert first[HQR]["PodTopologySpread"] < 100
    assert first[G8VJ]["NodeResourcesFit"] > first[T2XZ]["NodeResourcesFit"]
    assert second[G8VJ]["PodTopologySpread"] < second[T2XZ]["PodTopologySpread"] == 100


def test_version_differences_in_the_message() -> None:
    """1.34-1.36 prefix the preemption part with DynamicResources' `no new claims to
    deallocate`; the cordoned node reports NodeUnschedulable (it runs before TaintToleration)
    in every version."""
    pods = _planned("adservice") + _planned("loadgenerator")
    message = _schedule(pods, kubernetes_version="1.34")[1]["message"]
    assert message == (
        "0/6 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, "
        "4 Insufficient cpu. no new claims to deallocate, preemption: 0/6 nodes are available: "
        "1 Preemption is not helpful for scheduling, 5 No preemption victims found for "
        "incoming pod.."
    )
    assert _schedule(pods, kubernetes_version="1.37")[1]["message"].startswith(
        "0/6 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, "
        "4 Insufficient cpu. preemption:"
    )


@pytest.mark.parametrize("version", ["1.25", "1.31", "1.36"])
def test_whole_shop_fast_path_equals_per_node_cycle(version: str) -> None:
    """Every Deployment of the manifest (3 replicas each), both engines."""

    def pods() -> list[PodView]:
        return [p for name in sorted(_deployments()) for p in _planned(name, 3)]

    fast = _schedule(pods(), kubernetes_version=version)
    naive = _schedule(pods(), kubernetes_version=version, engine="naive")
    assert fast == naive
    assert any(p["node"] for p in fast) and any(p["node"] is None for p in fast)


def test_high_priority_pod_preempts() -> None:
    """A pod of a high PriorityClass that fits nowhere evicts lower-priority pods: the
    placement names the nominated node and the victims, and the pod lands there."""
    classes = [{"metadata": {"name": "critical-shop"}, "value": 1000000}]
    pod = _planned("loadgenerator")[0]
    pod.spec = dict(pod.spec, priorityClassName="critical-shop")
    pod.spec["containers"] = [dict(c) for c in pod.spec["containers"]]
    pod.spec["containers"][0]["resources"] = {"requests": {"cpu": "1", "memory": "256Mi"}}
    [placement] = _schedule([pod], priority_classes=classes)
    assert placement["message"].startswith("0/6 nodes are available:")
    assert "preemption:" not in placement["message"]
    assert placement["preemption"]["node"] == placement["node"]
    assert placement["preemption"]["victims"]
