"""InterPodAffinity for the fast path: the PreFilter/PreScore counts kept up to date.

inter_pod_affinity.py rebuilds, for every pod, the topology-pair counts of matching pods over
the whole cluster. This tracker keeps them for one template and updates them from the
cluster's pod add/remove log: per node (sparse) and per topology pair, the pods matching all
required affinity terms, the pods matching each required anti-affinity term, the existing
pods' anti-affinity terms that match the template, and the weighted preferred-term matches
that scoring sums. A node's signature lists, per relevant topology key, its label value (or,
for keys whose domains are single nodes, its own counts), so nodes with equal signatures get
equal filter verdicts and raw scores. Semantics are inter_pod_affinity.py's; the fast path is
tested against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kplan.plan.scheduling.fast_spread import equality_pairs
from kplan.plan.scheduling.framework import (
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Status,
)
from kplan.plan.scheduling.inter_pod_affinity import (
    REASON_AFFINITY,
    REASON_ANTI_AFFINITY,
    REASON_EXISTING_ANTI_AFFINITY,
    IncomingTerms,
    matches_all,
)
from kplan.plan.scheduling.nodeinfo import Cluster
from kplan.plan.scheduling.podinfo import AffinityTerm, PodInfo, PodTemplate

__all__ = ["AffinityTracker"]

_AFFINITY = Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY)
_ANTI = Status(UNSCHEDULABLE, REASON_ANTI_AFFINITY)
_EXISTING = Status(UNSCHEDULABLE, REASON_EXISTING_ANTI_AFFINITY)
_NO_LABELS: dict[str, Any] = {}


def _bump(table: dict[Any, dict[Any, int]], key: Any, sub: Any, delta: int) -> None:
    inner = table.setdefault(key, {})
    value = inner.get(sub, 0) + delta
    if value:
        inner[sub] = value
    else:
        inner.pop(sub, None)


class AffinityTracker:
    """Counts for one template's inter-pod (anti-)affinity, filter and score."""

    def __init__(
        self,
        cluster: Cluster,
        template: PodTemplate,
        terms: IncomingTerms,
        hard_weight: int,
        existing_preferred: bool,
        score_enabled: bool,
    ) -> None:
        self.cluster = cluster
        self.template = template
        self.terms = terms
        self.hard_weight = hard_weight
        self.existing_preferred = existing_preferred
        self.score_enabled = score_enabled
        self.namespace_labels = cluster.namespace_labels(template.namespace)
        self.has_preferred = bool(terms.preferred or terms.preferred_anti)
        self.affinity_keys = sorted({t.topology_key for t in terms.required})
        self.affinity_multiplicity = {
            key: sum(1 for t in terms.required if t.topology_key == key)
            for key in self.affinity_keys
        }
        self.anti_keys = [t.topology_key for t in terms.required_anti]
        # the ordinal of each anti-affinity term among the terms with the same key
        self.anti_ordinal = [self.anti_keys[:j].count(key) for j, key in enumerate(self.anti_keys)]
        self.self_match = matches_all(terms.required, template.namespace, template.labels)
        self.unique = cluster.unique_label_keys
        # per node (sparse) and per topology pair
        self.match_all: dict[int, int] = {}
        self.affinity: dict[str, dict[Any, int]] = {}
        self.affinity_total = 0
        self.anti_nodes: list[dict[int, int]] = [{} for _ in terms.required_anti]
        self.anti: list[dict[Any, int]] = [{} for _ in terms.required_anti]
        self.existing_nodes: dict[str, dict[int, int]] = {}
        self.existing: dict[str, dict[Any, int]] = {}
        self.score_nodes: dict[str, dict[int, int]] = {}
        self.scores: dict[str, dict[Any, int]] = {}
        self.incidences = 0
        self.layout: tuple[str, ...] = ()
        self.position: dict[str, int] = {}
        self.layout_changed = False
        self._relayout()

    def _relayout(self) -> None:
        keys = set(self.affinity_keys) | set(self.anti_keys) | set(self.existing_nodes)
        keys |= set(self.score_nodes)
        if len(keys) == len(self.layout):
            return
        self.layout = tuple(sorted(keys))
        self.position = {key: i for i, key in enumerate(self.layout)}
        self.layout_changed = True

    @property
    def filters(self) -> bool:
        return bool(self.terms.required or self.terms.required_anti or self.existing_nodes)

    # -- maintenance -----------------------------------------------------------------------

    def build(self) -> None:
        """The counts from the placed pods: those the template's own terms may match, and
        those whose terms may match the template (Cluster.term_candidates); no other pod
        contributes anything."""
        cluster = self.cluster
        terms = self.terms
        seen: dict[int, PodInfo] = {}
        own = terms.required[:1] + terms.required_anti
        if self.score_enabled:
            own = own + [w.term for w in terms.preferred] + [w.term for w in terms.preferred_anti]
        for term in own:
            spaces = None if not term.namespace_selector.nothing else sorted(term.namespaces)
            for pod in cluster.candidates(spaces, equality_pairs(term.selector)):
                seen[id(pod)] = pod
        for bucket in cluster.term_candidates(self.template.namespace, self.template.labels):
            seen.update(bucket)
        apply = self._apply
        for pod in seen.values():
            if pod.node >= 0:
                apply(pod.node, pod, 1)
        self._relayout()

    def on_event(self, index: int, pod: PodInfo, delta: int) -> None:
        if self._apply(index, pod, delta):
            self._relayout()

    def _apply(self, index: int, pod: PodInfo, delta: int) -> bool:
        """Count one pod added (+1) or removed (-1) on a node; True when a topology key is
        new to the existing-anti-affinity or score counts (the layout grows)."""
        labels = self.cluster.nodes[index].labels
        other = pod.template
        namespace, pod_labels = other.namespace, other.labels
        terms = self.terms
        grew = False
        if terms.required and matches_all(terms.required, namespace, pod_labels):
            self.match_all[index] = self.match_all.get(index, 0) + delta
            present = False
            for key in self.affinity_keys:
                if key in labels:
                    present = True
                    _bump(self.affinity, key, labels[key], delta * self.affinity_multiplicity[key])
            if present:
                self.affinity_total += delta
        if terms.required_anti:
            for j, term in enumerate(terms.required_anti):
                if term.matches(namespace, pod_labels, _NO_LABELS):
                    nodes = self.anti_nodes[j]
                    nodes[index] = nodes.get(index, 0) + delta
                    if term.topology_key in labels:
                        value = labels[term.topology_key]
                        self.anti[j][value] = self.anti[j].get(value, 0) + delta
        if other.required_anti_affinity:
            incoming = self.template
            for term in other.required_anti_affinity:
                key = term.topology_key
                if key in labels and term.matches(
                    incoming.namespace, incoming.labels, self.namespace_labels
                ):
                    if key not in self.existing_nodes:
                        grew = True
                    _bump(self.existing_nodes, key, index, delta)
                    _bump(self.existing, key, labels[key], delta)
        if self.score_enabled and labels and (self.has_preferred or other.has_pod_affinity):
            for key, weight in self._score_terms(other, labels):
                self.incidences += delta
                if key not in self.score_nodes:
                    grew = True
                _bump(self.score_nodes, key, index, delta * weight)
                _bump(self.scores, key, labels[key], delta * weight)
        return grew

    def _score_terms(self, other: PodTemplate, labels: Mapping[str, Any]) -> list[tuple[str, int]]:
        """processExistingPod's matching terms as (topology key, signed weight)."""
        found: list[tuple[str, int]] = []
        terms = self.terms
        namespace, pod_labels = other.namespace, other.labels

        def add(term: AffinityTerm, weight: int, matched: bool) -> None:
            if matched and term.topology_key in labels:
                found.append((term.topology_key, weight))

        for weighted in terms.preferred:
            add(
                weighted.term,
                weighted.weight,
                weighted.term.matches(namespace, pod_labels, _NO_LABELS),
            )
        for weighted in terms.preferred_anti:
            add(
                weighted.term,
                -weighted.weight,
                weighted.term.matches(namespace, pod_labels, _NO_LABELS),
            )
        incoming = self.template
        if self.hard_weight > 0:
            for term in other.required_affinity:
                add(
                    term,
                    self.hard_weight,
                    term.matches(incoming.namespace, incoming.labels, self.namespace_labels),
                )
        if self.existing_preferred:
            for weighted in other.preferred_affinity:
                add(
                    weighted.term,
                    weighted.weight,
                    weighted.term.matches(
                        incoming.namespace, incoming.labels, self.namespace_labels
                    ),
                )
            for weighted in other.preferred_anti_affinity:
                add(
                    weighted.term,
                    -weighted.weight,
                    weighted.term.matches(
                        incoming.namespace, incoming.labels, self.namespace_labels
                    ),
                )
        return found

    # -- signatures ------------------------------------------------------------------------

    def signature(self, index: int) -> tuple[Any, ...]:
        labels = self.cluster.nodes[index].labels
        parts: list[Any] = []
        for key in self.layout:
            if key not in labels:
                parts.append(None)
            elif key in self.unique:
                parts.append(self.signature_part(index, key))
            else:
                parts.append(("=", labels[key]))
        return tuple(parts)

    def signatures(self) -> list[tuple[Any, ...]]:
        """signature() of every node, column by column."""
        nodes = self.cluster.nodes
        if not self.layout:
            return [()] * len(nodes)
        columns = []
        for key in self.layout:
            if key in self.unique:
                zero = self.signature_part(-1, key)
                column = [zero] * len(nodes)
                touched = set(self.match_all).union(
                    self.existing_nodes.get(key, ()), self.score_nodes.get(key, ())
                )
                for j, anti_key in enumerate(self.anti_keys):
                    if anti_key == key:
                        touched.update(self.anti_nodes[j])
                for index in touched:
                    column[index] = self.signature_part(index, key)
                columns.append(column)
            else:
                columns.append(self.cluster.label_column(key))
        return list(zip(*columns, strict=True))

    def signature_part(self, index: int, key: str) -> tuple[Any, ...]:
        """The per-node counts of a node-unique key."""
        return (
            "#",
            self.match_all.get(index, 0) > 0 if key in self.affinity_keys else False,
            tuple(
                self.anti_nodes[j].get(index, 0) > 0
                for j, anti_key in enumerate(self.anti_keys)
                if anti_key == key
            ),
            self.existing_nodes.get(key, {}).get(index, 0) > 0,
            self.score_nodes.get(key, {}).get(index, 0),
        )

    # -- per pod ---------------------------------------------------------------------------

    def filter(self, signature: tuple[Any, ...]) -> Status | None:
        """satisfyPodAffinity, satisfyPodAntiAffinity, satisfyExistingPodsAntiAffinity."""
        position = self.position
        terms = self.terms
        if terms.required:
            pods_exist = True
            for term in terms.required:
                part = signature[position[term.topology_key]]
                if part is None:
                    return _AFFINITY
                if part[0] == "#":
                    present = part[1]
                else:
                    present = self.affinity.get(term.topology_key, {}).get(part[1], 0) > 0
                if not present:
                    pods_exist = False
            if not pods_exist and not (self.affinity_total == 0 and self.self_match):
                return _AFFINITY
        for j, term in enumerate(terms.required_anti):
            part = signature[position[term.topology_key]]
            if part is None:
                continue
            if part[0] == "#":
                if part[2][self.anti_ordinal[j]]:
                    return _ANTI
            elif self.anti[j].get(part[1], 0) > 0:
                return _ANTI
        for key, by_value in self.existing.items():
            if not by_value:
                continue
            part = signature[position[key]]
            if part is None:
                continue
            if part[0] == "#":
                if part[3]:
                    return _EXISTING
            elif by_value.get(part[1], 0) > 0:
                return _EXISTING
        return None

    @property
    def skips_score(self) -> bool:
        return self.incidences == 0

    def raw_score(self, signature: tuple[Any, ...]) -> int:
        total = 0
        for i, key in enumerate(self.layout):
            part = signature[i]
            if part is None or key not in self.scores:
                continue
            if part[0] == "#":
                total += part[4]
            else:
                total += self.scores[key].get(part[1], 0)
        return total
