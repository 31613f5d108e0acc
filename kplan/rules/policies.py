"""Policy rules: NetworkPolicies, PodDisruptionBudgets and HorizontalPodAutoscalers whose
target is not there, and budgets that can never allow an eviction."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kplan.plan.model import Finding
from kplan.rules import WARNING, check, declare
from kplan.rules.services import selects_nothing

if TYPE_CHECKING:
    from kplan.plan.pod_model import PodView
    from kplan.plan.wiring.index import WiringIndex
    from kplan.plan.wiring.objects import WiredObject

FAMILY = "policies"

NETWORKPOLICY_SELECTS_NOTHING = declare(
    "networkpolicy-selects-nothing",
    WARNING,
    "A NetworkPolicy's podSelector matches no pod in its namespace: it has no effect.",
    FAMILY,
)
PDB_SELECTS_NOTHING = declare(
    "pdb-selects-nothing",
    WARNING,
    "A PodDisruptionBudget's selector matches no pod: it protects nothing.",
    FAMILY,
)
PDB_BLOCKS_EVICTION = declare(
    "pdb-blocks-eviction",
    WARNING,
    "A PodDisruptionBudget allows no disruption even with all its pods healthy: drains hang.",
    FAMILY,
)
HPA_TARGET_MISSING = declare(
    "hpa-target-missing",
    WARNING,
    "A HorizontalPodAutoscaler's scaleTargetRef names an object that does not exist.",
    FAMILY,
)


def _selector_text(selector: dict[str, Any]) -> str:
    from kplan.rules.workloads import _describe

    return _describe(("label", selector)) or "{}"


def _label_matcher(selector: dict[str, Any]) -> Any:
    from kplan.k8s.selectors import SelectorError, label_selector_matches

    def matches(labels: Any) -> bool:
        try:
            return label_selector_matches(selector, labels)
        except SelectorError:
            return False

    return matches


@check
def networkpolicy_selects_nothing(index: WiringIndex) -> Iterator[Finding]:
    """networking/v1 NetworkPolicySpec.podSelector: "An empty podSelector selects all pods
    in this namespace" — so only a non-empty one can select nothing."""
    from kplan.k8s.selectors import label_selector_is_empty

    for policy in index.of_kind("NetworkPolicy", "networking.k8s.io"):
        selector = policy.spec.get("podSelector")
        if not policy.planned or not isinstance(selector, dict):
            continue
        if label_selector_is_empty(selector):
            continue
        if index.pods_for_selector(policy.namespace, selector):
            continue
        note = index.empty_selection_note(policy.namespace, _label_matcher(selector))
        if note is None:
            continue
        yield selects_nothing(
            NETWORKPOLICY_SELECTS_NOTHING,
            policy,
            f"podSelector {_selector_text(selector)} matches no pod in namespace "
            f"{policy.namespace}{note}: the policy has no effect",
            "/spec/podSelector",
            index,
        )


def _pdb_pods(pdb: WiredObject, index: WiringIndex) -> tuple[list[PodView] | None, str]:
    """The pods a PDB covers, or None with the reason it covers none by definition.
    policy/v1: a null selector selects no pods, {} selects every pod of the namespace;
    policy/v1beta1: {} selects no pods either (PodDisruptionBudgetSpec.selector docs)."""
    from kplan.k8s.selectors import label_selector_is_empty

    selector = pdb.spec.get("selector")
    if not isinstance(selector, dict):
        return None, "it has no selector (a null selector selects no pods)"
    if label_selector_is_empty(selector) and pdb.api_version == "policy/v1beta1":
        return None, "policy/v1beta1 reads an empty selector as selecting no pods"
    pods = index.pods_for_selector(pdb.namespace, selector)
    return [pod for pod in pods if not pod.terminal], ""


@check
def pdb_selects_nothing(index: WiringIndex) -> Iterator[Finding]:
    for pdb in index.of_kind("PodDisruptionBudget", "policy"):
        if not pdb.planned:
            continue
        pods, reason = _pdb_pods(pdb, index)
        if pods:
            continue
        if pods is None:
            path = "/spec/selector"
            yield PDB_SELECTS_NOTHING.finding(
                pdb.ref, f"selects no pods: {reason}", location=pdb.where(path), path=path
            )
            continue
        selector = pdb.spec["selector"]
        note = index.empty_selection_note(pdb.namespace, _label_matcher(selector))
        if note is None:
            continue
        message = (
            f"selector {_selector_text(selector)} matches no pod in namespace "
            f"{pdb.namespace}{note}: the budget protects nothing"
        )
        yield selects_nothing(PDB_SELECTS_NOTHING, pdb, message, "/spec/selector", index)


def _scaled(value: Any, total: int) -> int | None:
    """intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%"):
        try:
            percent = int(value[:-1])
        except ValueError:
            return None
        return math.ceil(percent * total / 100)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def desired_healthy(spec: dict[str, Any], api_version: str, pods: int) -> int | None:
    """The disruption controller's desiredHealthy for `pods` healthy pods
    (pkg/controller/disruption/disruption.go getExpectedPodCount; expectedCount is the
    controllers' scale, which is the pod count once every pod runs). policy/v1beta1
    defaults minAvailable to 1 when neither field is set; policy/v1 has no default."""
    max_unavailable = spec.get("maxUnavailable")
    min_available = spec.get("minAvailable")
    if max_unavailable is not None:
        scaled = _scaled(max_unavailable, pods)
        return None if scaled is None else max(0, pods - scaled)
    if min_available is None and api_version == "policy/v1beta1":
        min_available = 1
    if min_available is None:
        return None
    return _scaled(min_available, pods)


@check
def pdb_blocks_eviction(index: WiringIndex) -> Iterator[Finding]:
    """disruptionsAllowed = currentHealthy - desiredHealthy; when it is 0 with every pod
    healthy, no eviction is ever allowed and `kubectl drain` waits forever."""
    for pdb in index.of_kind("PodDisruptionBudget", "policy"):
        if not pdb.planned:
            continue
        pods, _reason = _pdb_pods(pdb, index)
        if not pods:
            continue
        healthy = len(pods)
        wanted = desired_healthy(pdb.spec, pdb.api_version, healthy)
        if wanted is None or healthy - wanted > 0:
            continue
        field = "maxUnavailable" if pdb.spec.get("maxUnavailable") is not None else "minAvailable"
        value = pdb.spec.get(field, 1)
        yield PDB_BLOCKS_EVICTION.finding(
            pdb.ref,
            f"{field} {value} with {healthy} matching pod(s) allows 0 disruptions even when "
            "all are healthy: evictions and `kubectl drain` are refused",
            location=pdb.where(f"/spec/{field}"),
            path=f"/spec/{field}",
        )


# Groups a scale target may be written with for one kind (apps kinds were once served by
# extensions/v1beta1 too).
_GROUP_ALIASES = {"extensions": ("extensions", "apps"), "apps": ("apps", "extensions")}


@check
def hpa_target_missing(index: WiringIndex) -> Iterator[Finding]:
    """The HPA controller reports FailedGetScale and does nothing when scaleTargetRef names
    no object (pkg/controller/podautoscaler/horizontal.go). Said only when the snapshot
    records the target's kind."""
    from kplan.k8s.scope import group_of

    for hpa in index.of_kind("HorizontalPodAutoscaler", "autoscaling"):
        target = hpa.spec.get("scaleTargetRef")
        if not hpa.planned or not isinstance(target, dict):
            continue
        kind, name = target.get("kind"), target.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        api_version = target.get("apiVersion") if isinstance(target.get("apiVersion"), str) else ""
        group = group_of(api_version)
        groups = _GROUP_ALIASES.get(group, (group,))
        if any(index.find(kind, hpa.namespace, name, g) is not None for g in groups):
            continue
        if not index.knows_absence(group, kind, hpa.namespace):
            continue
        yield HPA_TARGET_MISSING.finding(
            hpa.ref,
            f"scaleTargetRef {kind}/{hpa.namespace}/{name} does not exist and is not created by "
            "the input: the autoscaler does nothing",
            location=hpa.where("/spec/scaleTargetRef"),
            path="/spec/scaleTargetRef",
        )
