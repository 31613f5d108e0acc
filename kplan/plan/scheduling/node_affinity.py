"""NodeAffinity (plugins/nodeaffinity).

Filter: `spec.nodeSelector` and `requiredDuringSchedulingIgnoredDuringExecution` must both
match (nodeaffinity.GetRequiredNodeAffinity; terms ORed, requirements ANDed, In/NotIn/Exists/
DoesNotExist/Gt/Lt, matchFields `metadata.name`), else `node(s) didn't match Pod's node
affinity/selector`. The plugin args' addedAffinity is enforced first
(`node(s) didn't match scheduler-enforced node affinity`).

PreFilter: when every required term names nodes through `matchFields metadata.name In`
(DaemonSet pods), the union of those names becomes the PreFilterResult: other nodes are not
evaluated and report the version's "not in the PreFilterResult" reason. Terms whose name sets
intersect to nothing reject the pod (`pod affinity terms conflict`).

Score: the sum of the weights of the matching preferred terms, DefaultNormalizeScore(100);
PreScore skips pods without preferred terms.

The selector semantics live in kplan.k8s.selectors (k8s.io/component-helpers nodeaffinity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kplan.k8s.labels import SelectorError
from kplan.k8s.selectors import (
    node_selector_matches,
    pod_matches_node_selector_and_affinity,
    preferred_node_affinity_score,
)
from kplan.plan.scheduling.framework import (
    MAX_NODE_SCORE,
    SKIP,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Plugin,
    Status,
    default_normalize_score,
)
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate

__all__ = [
    "NodeAffinity",
    "REASON",
    "node_affinity_status",
    "preferred_raw_score",
    "prefilter_node_names",
    "required_affinity_matches",
]

REASON = "node(s) didn't match Pod's node affinity/selector"
REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
REASON_CONFLICT = "pod affinity terms conflict"


def required_affinity_matches(template: PodTemplate, node: NodeInfo) -> bool:
    """RequiredNodeAffinity.Match for the pod (what PodTopologySpread's nodeAffinityPolicy
    Honor uses too)."""
    return pod_matches_node_selector_and_affinity(template.spec, node.obj)


def node_affinity_status(
    template: PodTemplate, node: NodeInfo, added: Mapping[str, Any] | None = None
) -> Status | None:
    if added:
        required = added.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(required, Mapping) and not node_selector_matches(required, node.obj):
            return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_ENFORCED)
    if not template.node_selector and not template.node_affinity:
        return None
    if required_affinity_matches(template, node):
        return None
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON)


def prefilter_node_names(template: PodTemplate) -> tuple[set[str] | None, Status | None]:
    """The PreFilterResult node names, or None for all nodes; a rejection status when the
    terms name no common node."""
    required = template.node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(required, Mapping):
        return None, None
    terms = required.get("nodeSelectorTerms")
    if not isinstance(terms, list) or not terms:
        return None, None
    names: set[str] | None = None
    for term in terms:
        term_names: set[str] | None = None
        fields = term.get("matchFields") if isinstance(term, Mapping) else None
        for requirement in fields if isinstance(fields, list) else []:
            if not isinstance(requirement, Mapping):
                continue
            if requirement.get("key") == "metadata.name" and requirement.get("operator") == "In":
                values = {str(v) for v in requirement.get("values") or []}
                term_names = values if term_names is None else term_names & values
        if term_names is None:
            return None, None
        names = term_names if names is None else names | term_names
    if names is not None and not names:
        return None, Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_CONFLICT)
    return names, None


def _preferred_terms(template: PodTemplate, added: Mapping[str, Any] | None) -> list[Any]:
    terms = list(
        template.node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []
    )
    if added:
        terms = list(added.get("preferredDuringSchedulingIgnoredDuringExecution") or []) + terms
    return terms


def preferred_raw_score(
    template: PodTemplate, node: NodeInfo, added: Mapping[str, Any] | None = None
) -> int:
    terms = _preferred_terms(template, added)
    if not terms:
        return 0
    try:
        return preferred_node_affinity_score(terms, node.obj)
    except SelectorError:
        return 0


def has_preferred_terms(template: PodTemplate, added: Mapping[str, Any] | None = None) -> bool:
    return bool(_preferred_terms(template, added))


class NodeAffinity(Plugin):
    name = "NodeAffinity"

    @property
    def added(self) -> Mapping[str, Any] | None:
        added = self.context.profile.arg(self.name, "addedAffinity")
        return added if isinstance(added, Mapping) else None

    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status | None:
        template = pod.template
        if not template.node_selector and not template.node_affinity and not self.added:
            return Status(SKIP)
        names, status = prefilter_node_names(template)
        if status is not None:
            return status
        if names is not None:
            state.node_names = names if state.node_names is None else state.node_names & names
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        return node_affinity_status(pod.template, node, self.added)

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo]
    ) -> Status | None:
        if not has_preferred_terms(pod.template, self.added):
            return Status(SKIP)
        return None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return preferred_raw_score(pod.template, node, self.added)

    def normalize(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], scores: list[int]
    ) -> None:
        default_normalize_score(MAX_NODE_SCORE, False, scores)
