"""InterPodAffinity (plugins/interpodaffinity: filtering.go, scoring.go).

PreFilter counts, per topology pair (key, value of the node where a pod runs):
- existing pods' required anti-affinity terms that match the incoming pod,
- pods matching all of the incoming pod's required affinity terms (one count per term),
- pods matching each of its required anti-affinity terms.
The incoming pod's terms have their namespaceSelector resolved to namespace names first.
Pods on nodes without the term's key do not count. Skip when there is nothing to check.

Filter, in this order:
- `node(s) didn't match pod affinity rules` (UnschedulableAndUnresolvable): the node lacks a
  term's key, or a term's pair has no matching pod; unless no pod matches anywhere and the
  pod matches its own terms (the first pod of a group may go anywhere with the keys);
- `node(s) didn't match pod anti-affinity rules` (Unschedulable): a pair of the node has a
  pod matching an anti-affinity term;
- `node(s) didn't satisfy existing pods anti-affinity rules` (Unschedulable): any label pair
  of the node is held by an existing pod whose anti-affinity the incoming pod matches.

Score: for each pod (all pods when the incoming pod has preferred terms, else the pods with
affinity) on a node with the term's key: +weight for incoming preferred affinity terms it
matches, -weight for preferred anti-affinity, +hardPodAffinityWeight for each required
affinity term of the existing pod the incoming pod matches, +/-weight for the existing pod's
preferred (anti-)affinity terms the incoming pod matches; summed per topology pair; a node
scores the sum over its pairs; NormalizeScore maps min..max to 0..100. Skip when no term
matched at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kplan.plan.scheduling.framework import (
    MAX_NODE_SCORE,
    SKIP,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Plugin,
    Status,
)
from kplan.plan.scheduling.nodeinfo import Cluster, NodeInfo
from kplan.plan.scheduling.podinfo import AffinityTerm, PodInfo, PodTemplate, WeightedTerm

__all__ = [
    "InterPodAffinity",
    "REASON_AFFINITY",
    "REASON_ANTI_AFFINITY",
    "REASON_EXISTING_ANTI_AFFINITY",
    "affinity_filter",
    "incoming_terms",
    "matches_all",
    "normalize_affinity_scores",
]

REASON_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
_NO_LABELS: dict[str, Any] = {}

Pair = tuple[str, Any]


@dataclass
class IncomingTerms:
    """The incoming pod's terms with namespace selectors resolved (PreFilter/PreScore)."""

    required: list[AffinityTerm]
    required_anti: list[AffinityTerm]
    preferred: list[WeightedTerm]
    preferred_anti: list[WeightedTerm]


def incoming_terms(template: PodTemplate, cluster: Cluster) -> IncomingTerms:
    namespaces = cluster.namespaces
    return IncomingTerms(
        [t.merged(namespaces) for t in template.required_affinity],
        [t.merged(namespaces) for t in template.required_anti_affinity],
        [WeightedTerm(w.weight, w.term.merged(namespaces)) for w in template.preferred_affinity],
        [
            WeightedTerm(w.weight, w.term.merged(namespaces))
            for w in template.preferred_anti_affinity
        ],
    )


def matches_all(terms: Sequence[AffinityTerm], namespace: str, labels: Mapping[str, Any]) -> bool:
    """podMatchesAllAffinityTerms (incoming terms: no namespace labels needed)."""
    if not terms:
        return False
    return all(t.matches(namespace, labels, _NO_LABELS) for t in terms)


def affinity_filter(
    terms: IncomingTerms,
    template: PodTemplate,
    labels: Mapping[str, Any],
    affinity: Mapping[Pair, int],
    anti: Mapping[Pair, int],
    existing: Mapping[Pair, int],
) -> Status | None:
    """Filter given the PreFilter counts (only pairs with a positive count are present)."""
    if terms.required:
        pods_exist = True
        for term in terms.required:
            key = term.topology_key
            if key not in labels:
                return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY)
            if affinity.get((key, labels[key]), 0) <= 0:
                pods_exist = False
        if not pods_exist and not (
            not affinity and matches_all(terms.required, template.namespace, template.labels)
        ):
            return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY)
    if anti:
        for term in terms.required_anti:
            key = term.topology_key
            if key in labels and anti.get((key, labels[key]), 0) > 0:
                return Status(UNSCHEDULABLE, REASON_ANTI_AFFINITY)
    if existing:
        for pair in labels.items():
            if existing.get(pair, 0) > 0:
                return Status(UNSCHEDULABLE, REASON_EXISTING_ANTI_AFFINITY)
    return None


def normalize_affinity_scores(scores: list[int]) -> None:
    """NormalizeScore: (s - min) / (max - min) * 100, truncated; all 0 when max == min."""
    if not scores:
        return
    low, high = min(scores), max(scores)
    spread = high - low
    for i, score in enumerate(scores):
        value = 0.0
        if spread > 0:
            value = float(MAX_NODE_SCORE) * (float(score - low) / float(spread))
        scores[i] = int(value)


def _bump(counts: dict[Pair, int], node: NodeInfo, key: str, amount: int) -> None:
    if key in node.labels:
        pair = (key, node.labels[key])
        counts[pair] = counts.get(pair, 0) + amount
        if counts[pair] == 0:
            del counts[pair]


@dataclass
class _FilterState:
    terms: IncomingTerms
    affinity: dict[Pair, int]
    anti: dict[Pair, int]
    existing: dict[Pair, int]


class InterPodAffinity(Plugin):
    name = "InterPodAffinity"

    @property
    def hard_weight(self) -> int:
        weight = self.context.profile.arg(self.name, "hardPodAffinityWeight", 1)
        return weight if isinstance(weight, int) else 1

    @property
    def ignore_existing_preferred(self) -> bool:
        return bool(self.context.profile.arg(self.name, "ignorePreferredTermsOfExistingPods"))

    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status | None:
        template = pod.template
        cluster = self.context.cluster
        terms = incoming_terms(template, cluster)
        namespace_labels = cluster.namespace_labels(template.namespace)
        existing: dict[Pair, int] = {}
        for other in cluster.anti_affinity_pods.values():
            node = cluster.nodes[other.node]
            for term in other.template.required_anti_affinity:
                if term.matches(template.namespace, template.labels, namespace_labels):
                    _bump(existing, node, term.topology_key, 1)
        affinity: dict[Pair, int] = {}
        anti: dict[Pair, int] = {}
        if terms.required or terms.required_anti:
            for node in cluster.nodes:
                for other in node.pods:
                    other_ns, other_labels = other.template.namespace, other.template.labels
                    if matches_all(terms.required, other_ns, other_labels):
                        for term in terms.required:
                            _bump(affinity, node, term.topology_key, 1)
                    for term in terms.required_anti:
                        if term.matches(other_ns, other_labels, _NO_LABELS):
                            _bump(anti, node, term.topology_key, 1)
        if not existing and not terms.required and not terms.required_anti:
            return Status(SKIP)
        state.data[self.name] = _FilterState(terms, affinity, anti, existing)
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        data: _FilterState = state.data[self.name]
        return affinity_filter(
            data.terms, pod.template, node.labels, data.affinity, data.anti, data.existing
        )

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo]
    ) -> Status | None:
        template = pod.template
        cluster = self.context.cluster
        terms = incoming_terms(template, cluster)
        has_constraints = bool(terms.preferred or terms.preferred_anti)
        if self.ignore_existing_preferred and not has_constraints:
            return Status(SKIP)
        namespace_labels = cluster.namespace_labels(template.namespace)
        topology: dict[str, dict[Any, int]] = {}
        if has_constraints:
            pairs = [(node, other) for node in cluster.nodes for other in node.pods]
        else:
            pairs = [(cluster.nodes[o.node], o) for o in cluster.affinity_pods.values()]
        for node, other in pairs:
            process_existing_pod(
                topology,
                terms,
                template,
                namespace_labels,
                other,
                node,
                self.hard_weight,
                not self.ignore_existing_preferred,
            )
        if not topology:
            return Status(SKIP)
        state.data[self.name + "/score"] = topology
        return None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        topology: dict[str, dict[Any, int]] = state.data[self.name + "/score"]
        total = 0
        labels = node.labels
        for key, values in topology.items():
            if key in labels:
                total += values.get(labels[key], 0)
        return total

    def normalize(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], scores: list[int]
    ) -> None:
        normalize_affinity_scores(scores)


def process_existing_pod(
    topology: dict[str, dict[Any, int]],
    terms: IncomingTerms,
    template: PodTemplate,
    namespace_labels: Mapping[str, Any],
    other: PodInfo,
    node: NodeInfo,
    hard_weight: int,
    existing_preferred: bool = True,
) -> None:
    """processExistingPod: add the weighted matches of one pod on `node` to `topology`."""
    labels = node.labels
    if not labels:
        return
    other_template = other.template

    def add(term: AffinityTerm, weight: int, matched: bool) -> None:
        if matched and term.topology_key in labels:
            values = topology.setdefault(term.topology_key, {})
            value = labels[term.topology_key]
            values[value] = values.get(value, 0) + weight

    ns, other_labels = other_template.namespace, other_template.labels
    for weighted in terms.preferred:
        add(weighted.term, weighted.weight, weighted.term.matches(ns, other_labels, _NO_LABELS))
    for weighted in terms.preferred_anti:
        add(weighted.term, -weighted.weight, weighted.term.matches(ns, other_labels, _NO_LABELS))
    incoming_ns, incoming_labels = template.namespace, template.labels
    if hard_weight > 0:
        for term in other_template.required_affinity:
            add(term, hard_weight, term.matches(incoming_ns, incoming_labels, namespace_labels))
    if existing_preferred:
        for weighted in other_template.preferred_affinity:
            add(
                weighted.term,
                weighted.weight,
                weighted.term.matches(incoming_ns, incoming_labels, namespace_labels),
            )
        for weighted in other_template.preferred_anti_affinity:
            add(
                weighted.term,
                -weighted.weight,
                weighted.term.matches(incoming_ns, incoming_labels, namespace_labels),
            )
