"""PodTopologySpread for the fast path: the PreFilter/PreScore counts kept up to date.

pod_topology_spread.py recomputes, for every pod, the matching pods per topology domain over
the whole cluster. For the replicas of one template the constraints and selectors are fixed,
so this tracker keeps per node the number of matching pods (one array per distinct
selector) and per constraint the domain sums, and updates both from the cluster's pod
add/remove log. Nodes are then described by a small "signature": for each constraint either
the node's domain value (domain counts are looked up per pod) or, for keys whose domains are
single nodes (every node has its own value, like kubernetes.io/hostname), the node's own
count. Nodes with equal signatures get equal filter verdicts and raw scores, so the engine
evaluates each signature once per pod. The semantics are exactly pod_topology_spread.py's;
the fast path is tested against it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kplan.k8s.labels import DOUBLE_EQUALS, EQUALS, IN, Selector
from kplan.plan.scheduling.framework import (
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Status,
)
from kplan.plan.scheduling.gomath import go_round
from kplan.plan.scheduling.nodeinfo import Cluster
from kplan.plan.scheduling.pod_topology_spread import (
    HOSTNAME,
    MAX_INT32,
    REASON,
    REASON_MISSING_LABEL,
    SpreadConstraint,
    normalizing_weight,
    score_for_count,
)
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate
from kplan.plan.scheduling.profile import Features

__all__ = ["SpreadTracker", "equality_pairs"]

_MISSING_LABEL = Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_MISSING_LABEL)
_SKEW = Status(UNSCHEDULABLE, REASON)
_ZERO = ("#", 0)


def equality_pairs(selector: Selector) -> list[tuple[str, Any]]:
    """The `key = value` requirements of a selector (to narrow candidate pods)."""
    return [
        (r.key, r.values[0])
        for r in selector.requirements
        if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1
    ]


class SpreadTracker:
    """Counts for one template's spread constraints (filter and score)."""

    def __init__(
        self,
        cluster: Cluster,
        template: PodTemplate,
        features: Features,
        filter_constraints: Sequence[SpreadConstraint],
        score_constraints: Sequence[SpreadConstraint],
        require_all: bool,
        inclusion: Callable[[SpreadConstraint], list[bool]],
    ) -> None:
        """`inclusion(c)` gives per node whether it passes c's node inclusion policies (or,
        before 1.26, the pod's required node affinity)."""
        self.cluster = cluster
        self.namespace = template.namespace
        self.filter_constraints = list(filter_constraints)
        self.score_constraints = list(score_constraints)
        self.require_all = require_all
        self.min_domains = features.min_domains
        selectors: dict[Selector, int] = {}
        for c in self.filter_constraints + self.score_constraints:
            selectors.setdefault(c.selector, len(selectors))
        self.selectors = list(selectors)
        self.matchers = [
            next(
                c.match for c in self.filter_constraints + self.score_constraints if c.selector == s
            )
            for s in self.selectors
        ]
        n = len(cluster.nodes)
        self.counts = [[0] * n for _ in self.selectors]
        # per selector, the nodes whose count was ever changed (all others are 0)
        self.touched: list[set[int]] = [set() for _ in self.selectors]
        unique = cluster.unique_label_keys
        self._values: dict[Any, tuple[str, Any]] = {}

        # filter side
        self.f_selector = [selectors[c.selector] for c in self.filter_constraints]
        self.f_unique = [c.topology_key in unique for c in self.filter_constraints]
        has_all = cluster.key_mask(c.topology_key for c in self.filter_constraints)
        self.f_eligible = [cluster.mask_and(has_all, inclusion(c)) for c in self.filter_constraints]
        self.self_match = [1 if c.match(template.labels) else 0 for c in self.filter_constraints]
        self.domains: list[dict[Any, int]] = [{} for _ in self.filter_constraints]
        self.histograms: list[dict[int, int]] = [{} for _ in self.filter_constraints]
        # score side
        self.s_selector = [selectors[c.selector] for c in self.score_constraints]
        self.s_kind = [
            "host"
            if c.topology_key == HOSTNAME
            else ("unique" if c.topology_key in unique else "value")
            for c in self.score_constraints
        ]
        has_score_keys = cluster.key_mask(c.topology_key for c in self.score_constraints)
        # (the masks are memoised by the cluster and only read)
        self.ignored = cluster.mask_not(has_score_keys) if require_all else [False] * n
        self.s_eligible = [
            cluster.mask_and(has_score_keys, inclusion(c)) if require_all else inclusion(c)
            for c in self.score_constraints
        ]
        self.totals: list[dict[Any, int]] = [{} for _ in self.score_constraints]
        self._by_selector_filter = [
            [j for j, s in enumerate(self.f_selector) if s == index]
            for index in range(len(selectors))
        ]
        self._by_selector_score = [
            [j for j, s in enumerate(self.s_selector) if s == index and self.s_kind[j] != "host"]
            for index in range(len(selectors))
        ]
        self.weights: list[float] = []
        self._mins: list[int] = []

    # -- maintenance -----------------------------------------------------------------------

    def build(self) -> None:
        nodes = self.cluster.nodes
        for index, selector in enumerate(self.selectors):
            if selector.empty or selector.nothing:
                continue
            match = self.matchers[index]
            row = self.counts[index]
            touched = self.touched[index]
            for pod in self.cluster.candidates([self.namespace], equality_pairs(selector)):
                if pod.node >= 0 and not pod.terminating and match(pod.template.labels):
                    row[pod.node] += 1
                    touched.add(pod.node)
        for j, c in enumerate(self.filter_constraints):
            domains = self.domains[j]
            row = self.counts[self.f_selector[j]]
            eligible = self.f_eligible[j]
            key = c.topology_key
            for i, node in enumerate(nodes):
                if eligible[i]:
                    value = node.labels[key]
                    domains[value] = domains.get(value, 0) + row[i]
            histogram = self.histograms[j]
            for count in domains.values():
                histogram[count] = histogram.get(count, 0) + 1
        for j, c in enumerate(self.score_constraints):
            if self.s_kind[j] == "host":
                continue
            # totals are only read with .get(value, 0): the untouched nodes add nothing
            totals = self.totals[j]
            row = self.counts[self.s_selector[j]]
            eligible = self.s_eligible[j]
            key = c.topology_key
            for i in sorted(self.touched[self.s_selector[j]]):
                if eligible[i]:
                    value = nodes[i].labels.get(key, "")
                    totals[value] = totals.get(value, 0) + row[i]

    def on_event(self, index: int, pod: PodInfo, delta: int) -> None:
        if pod.template.namespace != self.namespace or pod.terminating:
            return
        labels = pod.template.labels
        node_labels = self.cluster.nodes[index].labels
        for s, match in enumerate(self.matchers):
            selector = self.selectors[s]
            if selector.empty or not match(labels):
                continue
            self.counts[s][index] += delta
            self.touched[s].add(index)
            for j in self._by_selector_filter[s]:
                if self.f_eligible[j][index]:
                    value = node_labels[self.filter_constraints[j].topology_key]
                    domains, histogram = self.domains[j], self.histograms[j]
                    old = domains[value]
                    domains[value] = old + delta
                    left = histogram[old] - 1
                    if left:
                        histogram[old] = left
                    else:
                        del histogram[old]
                    histogram[old + delta] = histogram.get(old + delta, 0) + 1
            for j in self._by_selector_score[s]:
                if self.s_eligible[j][index]:
                    value = node_labels.get(self.score_constraints[j].topology_key, "")
                    self.totals[j][value] = self.totals[j].get(value, 0) + delta

    # -- signatures ------------------------------------------------------------------------

    def signature(self, index: int) -> tuple[Any, ...]:
        labels = self.cluster.nodes[index].labels
        parts: list[Any] = []
        for j, c in enumerate(self.filter_constraints):
            key = c.topology_key
            if key not in labels:
                parts.append(None)
            elif self.f_unique[j]:
                parts.append(("#", self.domains[j].get(labels[key], 0)))
            else:
                parts.append(self._value(labels[key]))
        parts.append(self.ignored[index])
        for j, c in enumerate(self.score_constraints):
            key = c.topology_key
            kind = self.s_kind[j]
            if key not in labels:
                parts.append(None)
            elif kind == "host":
                parts.append(("#", self.counts[self.s_selector[j]][index]))
            elif kind == "unique":
                parts.append(("#", self.totals[j].get(labels[key], 0)))
            else:
                parts.append(self._value(labels[key]))
        return tuple(parts)

    def _value(self, value: Any) -> tuple[str, Any]:
        part = self._values.get(value)
        if part is None:
            part = self._values[value] = ("=", value)
        return part

    def signatures(self) -> list[tuple[Any, ...]]:
        """signature() of every node, column by column: a node's count parts are 0 unless
        its count (or its domain's, for a key whose domains are single nodes) was touched."""
        nodes = self.cluster.nodes
        cluster = self.cluster
        columns: list[list[Any]] = []
        for j, c in enumerate(self.filter_constraints):
            key = c.topology_key
            if self.f_unique[j]:
                domains = self.domains[j]
                column = [_ZERO] * len(nodes)
                for i in self.touched[self.f_selector[j]]:
                    column[i] = ("#", domains.get(nodes[i].labels[key], 0))
                columns.append(column)
            else:
                columns.append(cluster.label_column(key))
        columns.append(self.ignored)
        for j, c in enumerate(self.score_constraints):
            key = c.topology_key
            kind = self.s_kind[j]
            if kind == "host":
                row = self.counts[self.s_selector[j]]
                column = list(cluster.zero_column(key))
                for i in self.touched[self.s_selector[j]]:
                    if key in nodes[i].labels:
                        column[i] = ("#", row[i])
                columns.append(column)
            elif kind == "unique":
                totals = self.totals[j]
                column = [_ZERO] * len(nodes)
                for i in self.touched[self.s_selector[j]]:
                    column[i] = ("#", totals.get(nodes[i].labels[key], 0))
                columns.append(column)
            else:
                columns.append(cluster.label_column(key))
        return list(zip(*columns, strict=True))

    # -- per pod ---------------------------------------------------------------------------

    def prepare_filter(self) -> None:
        mins = []
        for j, c in enumerate(self.filter_constraints):
            histogram = self.histograms[j]
            minimum = min(histogram) if histogram else MAX_INT32
            if self.min_domains and len(self.domains[j]) < c.min_domains:
                minimum = 0
            mins.append(minimum)
        self._mins = mins

    def filter(self, signature: tuple[Any, ...]) -> Status | None:
        for j, c in enumerate(self.filter_constraints):
            part = signature[j]
            if part is None:
                return _MISSING_LABEL
            match_num = part[1] if part[0] == "#" else self.domains[j].get(part[1], 0)
            if match_num + self.self_match[j] - self._mins[j] > c.max_skew:
                return _SKEW
        return None

    def prepare_score(self, feasible: Sequence[tuple[tuple[Any, ...], int]]) -> None:
        """Domain sizes and weights from the feasible signatures (with node counts)."""
        offset = len(self.filter_constraints) + 1
        weights = []
        for j in range(len(self.score_constraints)):
            if self.s_kind[j] == "value":
                values = set()
                for signature, _count in feasible:
                    if signature[len(self.filter_constraints)]:
                        continue
                    part = signature[offset + j]
                    values.add(part[1] if part is not None else "")
                size = len(values)
            else:
                size = sum(
                    count
                    for signature, count in feasible
                    if not signature[len(self.filter_constraints)]
                )
            weights.append(normalizing_weight(size))
        self.weights = weights

    def raw_score(self, signature: tuple[Any, ...]) -> int | None:
        """The rounded raw score, None for an ignored node."""
        base = len(self.filter_constraints)
        if signature[base]:
            return None
        total = 0.0
        for j, c in enumerate(self.score_constraints):
            part = signature[base + 1 + j]
            if part is None:
                continue
            count = part[1] if part[0] == "#" else self.totals[j].get(part[1], 0)
            total += score_for_count(count, c.max_skew, self.weights[j])
        return go_round(total)
