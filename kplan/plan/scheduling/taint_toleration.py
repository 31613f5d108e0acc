"""TaintToleration (plugins/tainttoleration).

Filter: the first NoSchedule/NoExecute taint of the node (in the node's order) that no
toleration tolerates rejects the node, `node(s) had untolerated taint {key: value}`
(v1helper.FindMatchingUntoleratedTaint); from 1.35 the reason no longer names the taint,
`node(s) had untolerated taint(s)` (PR #134740).

Score: the number of PreferNoSchedule taints not tolerated by the tolerations whose effect is
empty or PreferNoSchedule; NormalizeScore is DefaultNormalizeScore(100, reverse), so fewer
intolerable taints score higher and a cluster without such taints scores 100 everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kplan.plan.scheduling.framework import (
    MAX_NODE_SCORE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Plugin,
    Status,
    default_normalize_score,
)
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate

__all__ = [
    "TaintToleration",
    "find_untolerated_taint",
    "intolerable_prefer_no_schedule",
    "taint_status",
    "toleration_tolerates_taint",
    "tolerations_tolerate_taint",
]

_DO_NOT_SCHEDULE = ("NoSchedule", "NoExecute")


def toleration_tolerates_taint(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    """Toleration.ToleratesTaint: effect and key must match when set; operator Equal (or
    empty) compares values, Exists matches any value; any other operator matches nothing."""
    effect = toleration.get("effect") or ""
    if effect and effect != (taint.get("effect") or ""):
        return False
    key = toleration.get("key") or ""
    if key and key != (taint.get("key") or ""):
        return False
    operator = toleration.get("operator") or ""
    if operator in ("", "Equal"):
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return operator == "Exists"


def tolerations_tolerate_taint(
    tolerations: Sequence[Mapping[str, Any]], taint: Mapping[str, Any]
) -> bool:
    return any(toleration_tolerates_taint(t, taint) for t in tolerations)


def find_untolerated_taint(
    taints: Sequence[Mapping[str, Any]],
    tolerations: Sequence[Mapping[str, Any]],
    effects: Sequence[str] = _DO_NOT_SCHEDULE,
) -> Mapping[str, Any] | None:
    """FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc."""
    for taint in taints:
        if (taint.get("effect") or "") not in effects:
            continue
        if not tolerations_tolerate_taint(tolerations, taint):
            return taint
    return None


def taint_status(template: PodTemplate, node: NodeInfo, generic: bool) -> Status | None:
    taint = find_untolerated_taint(node.taints, template.tolerations)
    if taint is None:
        return None
    if generic:
        return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) had untolerated taint(s)")
    key = taint.get("key") or ""
    value = taint.get("value") or ""
    return Status(
        UNSCHEDULABLE_AND_UNRESOLVABLE, f"node(s) had untolerated taint {{{key}: {value}}}"
    )


def intolerable_prefer_no_schedule(template: PodTemplate, node: NodeInfo) -> int:
    """countIntolerableTaintsPreferNoSchedule with the pod's PreferNoSchedule tolerations."""
    tolerations = [
        t for t in template.tolerations if (t.get("effect") or "") in ("", "PreferNoSchedule")
    ]
    return sum(
        1
        for taint in node.taints
        if taint.get("effect") == "PreferNoSchedule"
        and not tolerations_tolerate_taint(tolerations, taint)
    )


class TaintToleration(Plugin):
    name = "TaintToleration"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        return taint_status(pod.template, node, self.features.generic_taint_message)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return intolerable_prefer_no_schedule(pod.template, node)

    def normalize(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], scores: list[int]
    ) -> None:
        default_normalize_score(MAX_NODE_SCORE, True, scores)
