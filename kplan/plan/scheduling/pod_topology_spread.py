"""PodTopologySpread (plugins/podtopologyspread: common.go, filtering.go, scoring.go).

Constraints: `whenUnsatisfiable: DoNotSchedule` ones filter, `ScheduleAnyway` ones score. A
pod without any constraint gets the system defaults (hostname maxSkew 3, zone maxSkew 5,
ScheduleAnyway) when a Service, ReplicationController, ReplicaSet or StatefulSet selects it,
with the AND of their selectors (helper.DefaultSelector); the caller provides those
selectors. matchLabelKeys add `key=value` of the pod's own labels (1.27+). Counting
(countPodsMatchSelector): pods of the pod's namespace, not terminating, matching the
selector; an empty selector counts nothing.

Filter: nodes lacking a constraint's key are UnschedulableAndUnresolvable (`... (missing
required label)`); otherwise `matchNum + selfMatch - globalMin > maxSkew` rejects, where
matchNum counts the node's domain over the nodes that have all the keys and pass the
inclusion policies (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore by default), and
globalMin is the smallest domain count (0 when fewer domains than minDomains).

Score: per constraint `cnt * ln(domains + 2) + maxSkew - 1`, rounded; domains are the
distinct values among the feasible nodes (hostname: their number), cnt the node's own matching
pods for hostname, else its domain's count over all eligible nodes. With explicit constraints
nodes missing a key are ignored (score 0); NormalizeScore `100 * (max + min - s) / max`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kplan.k8s.labels import EVERYTHING, IN, Requirement, Selector
from kplan.plan.scheduling.framework import (
    MAX_NODE_SCORE,
    SKIP,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Plugin,
    Status,
)
from kplan.plan.scheduling.gomath import go_log, go_round
from kplan.plan.scheduling.matching import (
    Matcher,
    compile_selector,
    parse_label_selector,
    set_selector,
)
from kplan.plan.scheduling.node_affinity import required_affinity_matches
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate
from kplan.plan.scheduling.profile import Features
from kplan.plan.scheduling.taint_toleration import find_untolerated_taint

__all__ = [
    "HOSTNAME",
    "PodTopologySpread",
    "REASON",
    "REASON_MISSING_LABEL",
    "SpreadConstraint",
    "build_constraints",
    "count_matching",
    "default_selector",
    "normalize_spread_scores",
    "normalizing_weight",
    "score_for_count",
]

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
REASON = "node(s) didn't match pod topology spread constraints"
REASON_MISSING_LABEL = REASON + " (missing required label)"
MAX_INT32 = 2**31 - 1
DO_NOT_SCHEDULE = "DoNotSchedule"
SCHEDULE_ANYWAY = "ScheduleAnyway"
SYSTEM_DEFAULTS = (
    {"maxSkew": 3, "topologyKey": HOSTNAME, "whenUnsatisfiable": SCHEDULE_ANYWAY},
    {"maxSkew": 5, "topologyKey": ZONE, "whenUnsatisfiable": SCHEDULE_ANYWAY},
)


@dataclass(frozen=True, eq=False)
class SpreadConstraint:
    max_skew: int
    topology_key: str
    selector: Selector
    match: Matcher
    min_domains: int
    honor_affinity: bool
    honor_taints: bool

    def includes(self, template: PodTemplate, node: NodeInfo) -> bool:
        """matchNodeInclusionPolicies."""
        if self.honor_affinity and not required_affinity_matches(template, node):
            return False
        if self.honor_taints and find_untolerated_taint(node.taints, template.tolerations):
            return False
        return True


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _constraint(
    raw: Mapping[str, Any], selector: Selector, features: Features, labels: Mapping[str, str]
) -> SpreadConstraint:
    keys = raw.get("matchLabelKeys")
    if features.match_label_keys_spread and isinstance(keys, list) and not selector.nothing:
        extra = [Requirement(k, IN, (str(labels[k]),)) for k in keys if k in labels]
        if extra:
            selector = selector.add(*extra)
    return SpreadConstraint(
        max_skew=_int(raw.get("maxSkew"), 1),
        topology_key=str(raw.get("topologyKey") or ""),
        selector=selector,
        match=compile_selector(selector),
        min_domains=_int(raw.get("minDomains"), 1) if features.min_domains else 1,
        honor_affinity=(raw.get("nodeAffinityPolicy") or "Honor") == "Honor"
        if features.node_inclusion_policy
        else True,
        honor_taints=(raw.get("nodeTaintsPolicy") or "Ignore") == "Honor"
        if features.node_inclusion_policy
        else False,
    )


def default_selector(selectors: Sequence[object]) -> Selector:
    """helper.DefaultSelector: the AND of the selecting objects' selectors. Items are
    LabelSelector maps, `{"selector": {...}}`-less Service selector maps given as
    `{"matchLabels": ...}`, or parsed Selectors; a nil selector adds nothing."""
    requirements: list[Requirement] = []
    for item in selectors:
        if isinstance(item, Selector):
            selector = item
        elif isinstance(item, Mapping) and ("matchLabels" in item or "matchExpressions" in item):
            selector = parse_label_selector(item)
        elif isinstance(item, Mapping):
            selector = set_selector(item)
        else:
            continue
        if not selector.nothing:
            requirements.extend(selector.requirements)
    return EVERYTHING.add(*requirements)


def build_constraints(
    template: PodTemplate,
    action: str,
    features: Features,
    defaults: Callable[[PodTemplate], Sequence[object]] | None,
    args: Mapping[str, Any],
) -> list[SpreadConstraint]:
    """filterTopologySpreadConstraints for the pod's own constraints, buildDefaultConstraints
    when it has none."""
    if template.spread_constraints:
        return [
            _constraint(
                raw, parse_label_selector(raw.get("labelSelector")), features, template.labels
            )
            for raw in template.spread_constraints
            if raw.get("whenUnsatisfiable") == action
        ]
    if args.get("defaultingType", "System") == "List":
        raw_defaults: Sequence[Mapping[str, Any]] = args.get("defaultConstraints") or []
    else:
        raw_defaults = SYSTEM_DEFAULTS
    wanted = [raw for raw in raw_defaults if raw.get("whenUnsatisfiable") == action]
    if not wanted or defaults is None:
        return []
    selector = default_selector(defaults(template))
    if selector.empty:
        return []
    return [_constraint(raw, selector, features, {}) for raw in wanted]


def system_defaulted(args: Mapping[str, Any]) -> bool:
    return args.get("defaultingType", "System") != "List"


def count_matching(pods: Sequence[PodInfo], constraint: SpreadConstraint, namespace: str) -> int:
    """countPodsMatchSelector."""
    if constraint.selector.empty:
        return 0
    match = constraint.match
    return sum(
        1
        for p in pods
        if p.template.namespace == namespace and not p.terminating and match(p.template.labels)
    )


def normalizing_weight(size: int) -> float:
    """topologyNormalizingWeight."""
    return go_log(float(size + 2))


def score_for_count(count: int, max_skew: int, weight: float) -> float:
    return float(count) * weight + float(max_skew - 1)


def normalize_spread_scores(scores: list[int], ignored: Sequence[bool]) -> None:
    """NormalizeScore: ignored nodes 0; otherwise 100 * (max + min - s) / max (all 100 when
    max is 0)."""
    minimum, maximum = None, 0
    for i, score in enumerate(scores):
        if ignored[i]:
            continue
        minimum = score if minimum is None or score < minimum else minimum
        maximum = score if score > maximum else maximum
    for i, score in enumerate(scores):
        if ignored[i]:
            scores[i] = 0
        elif maximum == 0:
            scores[i] = MAX_NODE_SCORE
        else:
            scores[i] = MAX_NODE_SCORE * (maximum + (minimum or 0) - score) // maximum


def _has_all_keys(node: NodeInfo, constraints: Sequence[SpreadConstraint]) -> bool:
    labels = node.labels
    return all(c.topology_key in labels for c in constraints)


@dataclass
class _FilterState:
    constraints: list[SpreadConstraint]
    counts: list[dict[str, int]]


@dataclass
class _ScoreState:
    constraints: list[SpreadConstraint]
    weights: list[float]
    counts: list[dict[str, int]]
    ignored: set[int]


class PodTopologySpread(Plugin):
    name = "PodTopologySpread"

    @property
    def args(self) -> Mapping[str, Any]:
        return self.context.profile.args.get(self.name, {})

    def constraints(self, template: PodTemplate, action: str) -> list[SpreadConstraint]:
        return build_constraints(
            template, action, self.features, self.context.default_spread_selectors, self.args
        )

    # -- filter ----------------------------------------------------------------------------

    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status | None:
        template = pod.template
        constraints = self.constraints(template, DO_NOT_SCHEDULE)
        counts: list[dict[str, int]] = [{} for _ in constraints]
        if constraints:
            for node in self.context.cluster.nodes:
                if not self.features.node_inclusion_policy and not required_affinity_matches(
                    template, node
                ):
                    continue
                if not _has_all_keys(node, constraints):
                    continue
                for i, constraint in enumerate(constraints):
                    if self.features.node_inclusion_policy and not constraint.includes(
                        template, node
                    ):
                        continue
                    value = node.labels[constraint.topology_key]
                    counts[i][value] = counts[i].get(value, 0) + count_matching(
                        node.pods, constraint, template.namespace
                    )
        state.data[self.name] = _FilterState(constraints, counts)
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        data: _FilterState = state.data[self.name]
        return spread_filter(
            data.constraints, data.counts, pod.template, node.labels, self.features.min_domains
        )

    # -- score -----------------------------------------------------------------------------

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo]
    ) -> Status | None:
        template = pod.template
        constraints = self.constraints(template, SCHEDULE_ANYWAY)
        if not feasible or not constraints:
            return Status(SKIP)
        require_all = bool(template.spread_constraints) or not system_defaulted(self.args)
        ignored: set[int] = set()
        counts: list[dict[str, int]] = [{} for _ in constraints]
        for node in feasible:
            if require_all and not _has_all_keys(node, constraints):
                ignored.add(node.index)
                continue
            for i, constraint in enumerate(constraints):
                if constraint.topology_key == HOSTNAME:
                    continue
                counts[i].setdefault(node.labels.get(constraint.topology_key, ""), 0)
        weights = []
        for i, constraint in enumerate(constraints):
            size = len(counts[i])
            if constraint.topology_key == HOSTNAME:
                size = len(feasible) - len(ignored)
            weights.append(normalizing_weight(size))
        for node in self.context.cluster.nodes:
            if not self.features.node_inclusion_policy and not required_affinity_matches(
                template, node
            ):
                continue
            if require_all and not _has_all_keys(node, constraints):
                continue
            for i, constraint in enumerate(constraints):
                if self.features.node_inclusion_policy and not constraint.includes(template, node):
                    continue
                value = node.labels.get(constraint.topology_key, "")
                if value not in counts[i]:
                    continue
                counts[i][value] += count_matching(node.pods, constraint, template.namespace)
        state.data[self.name + "/score"] = _ScoreState(constraints, weights, counts, ignored)
        return None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        data: _ScoreState = state.data[self.name + "/score"]
        if node.index in data.ignored:
            return 0
        total = 0.0
        labels = node.labels
        for i, constraint in enumerate(data.constraints):
            key = constraint.topology_key
            if key not in labels:
                continue
            if key == HOSTNAME:
                count = count_matching(node.pods, constraint, pod.template.namespace)
            else:
                count = data.counts[i][labels[key]]
            total += score_for_count(count, constraint.max_skew, data.weights[i])
        return go_round(total)

    def normalize(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], scores: list[int]
    ) -> None:
        data: _ScoreState = state.data[self.name + "/score"]
        normalize_spread_scores(scores, [node.index in data.ignored for node in feasible])


def spread_filter(
    constraints: Sequence[SpreadConstraint],
    counts: Sequence[Mapping[str, int]],
    template: PodTemplate,
    labels: Mapping[str, Any],
    min_domains_enabled: bool,
) -> Status | None:
    """Filter given the domain counts of PreFilter."""
    for i, constraint in enumerate(constraints):
        key = constraint.topology_key
        if key not in labels:
            return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_MISSING_LABEL)
        domain_counts = counts[i]
        minimum = min(domain_counts.values()) if domain_counts else MAX_INT32
        if min_domains_enabled and len(domain_counts) < constraint.min_domains:
            minimum = 0
        self_match = 1 if constraint.match(template.labels) else 0
        match_num = domain_counts.get(labels[key], 0)
        if match_num + self_match - minimum > constraint.max_skew:
            return Status(UNSCHEDULABLE, REASON)
    return None
