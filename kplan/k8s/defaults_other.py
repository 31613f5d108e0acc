"""Defaults of networking.k8s.io/v1, storage.k8s.io/v1 and autoscaling kinds.

Upstream: kubernetes/kubernetes pkg/apis/networking/v1/defaults.go (SetDefaults_NetworkPolicy,
SetDefaults_NetworkPolicyPort, SetDefaults_IngressClass; Ingress has none),
pkg/apis/storage/v1/defaults.go (SetDefaults_StorageClass),
pkg/apis/autoscaling/v2/defaults.go (SetDefaults_HorizontalPodAutoscaler,
SetDefaults_HorizontalPodAutoscalerBehavior) and pkg/apis/autoscaling/v1/defaults.go.

Not applied: HPA `spec.selectionStrategy: LabelSelector`. SetDefaults sets it, but the
registry drops the field while the HPASelectionStrategy gate is off, and the gate is alpha
(off) from 1.35 on; no release turning it on by default could be confirmed.
"""

from __future__ import annotations

from typing import Any

from kplan.k8s.defaults_base import (
    Version,
    as_dict,
    child,
    dicts,
    ensure_child,
    non_empty,
    set_if_nil,
)
from kplan.k8s.jsoncopy import deep_copy

# pkg/apis/autoscaling/v2/defaults.go defaultHPAScaleUpRules / defaultHPAScaleDownRules.
SCALE_UP_RULES: dict[str, Any] = {
    "selectPolicy": "Max",
    "stabilizationWindowSeconds": 0,
    "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ],
}
# The scale-down window stays unset: the controller's flag (default 300s) applies.
SCALE_DOWN_RULES: dict[str, Any] = {
    "selectPolicy": "Max",
    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
}
DEFAULT_METRICS: list[dict[str, Any]] = [
    {
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
    }
]


def default_network_policy(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    for direction in ("ingress", "egress"):
        for rule in dicts(spec.get(direction)):
            for port in dicts(rule.get("ports")):
                set_if_nil(port, "protocol", "TCP")
    if not non_empty(spec.get("policyTypes")):
        types = ["Ingress"]
        if non_empty(spec.get("egress")):
            types.append("Egress")
        spec["policyTypes"] = types


def default_ingress_class(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    parameters = child(spec, "parameters") if spec is not None else None
    if parameters is not None:
        set_if_nil(parameters, "scope", "Cluster")


def default_hpa_v1(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is not None:
        set_if_nil(spec, "minReplicas", 1)


def default_hpa_v2(body: dict[str, Any], version: Version) -> None:
    spec = child(body, "spec")
    if spec is None:
        return
    set_if_nil(spec, "minReplicas", 1)
    if spec.get("metrics") in (None, []):
        spec["metrics"] = deep_copy(DEFAULT_METRICS)
    behavior = as_dict(spec.get("behavior"))
    if behavior is not None:
        _rules(behavior, "scaleUp", SCALE_UP_RULES)
        _rules(behavior, "scaleDown", SCALE_DOWN_RULES)


def _rules(behavior: dict[str, Any], key: str, defaults: dict[str, Any]) -> None:
    """copyHPAScalingRules: the given rules' non-null fields over a copy of the defaults."""
    rules = ensure_child(behavior, key)
    if rules is None:
        return
    for name, value in defaults.items():
        set_if_nil(rules, name, deep_copy(value))


def default_storage_class(body: dict[str, Any], version: Version) -> None:
    set_if_nil(body, "reclaimPolicy", "Delete")
    set_if_nil(body, "volumeBindingMode", "Immediate")
