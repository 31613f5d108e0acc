"""The scheduling framework: statuses, the plugin interface, and one scheduling cycle.

Mirrors pkg/scheduler/framework (interface.go, runtime/framework.go) and
pkg/scheduler/schedule_one.go as far as a simulation needs them:

- a Status has a code (Success, Error, Unschedulable, UnschedulableAndUnresolvable, Skip) and
  reasons; Unschedulable means preemption might help, UnschedulableAndUnresolvable that it
  cannot;
- PreFilter plugins run in profile order; one that rejects the pod stops the cycle (its
  message becomes the FitError's PreFilter message), one that returns Skip has its Filter
  skipped, a PreFilterResult restricts the nodes to evaluate;
- Filter plugins run per node in profile order and stop at the first rejection;
- PreScore plugins that return Skip do not score; Score, NormalizeScore, then the weighted sum.

`run_cycle` is the direct, per-node implementation: simple and close to upstream. The fast
path (kplan.plan.scheduling.fastpath) must give the same answers and is tested against it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kplan.plan.scheduling.nodeinfo import Cluster, NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate
from kplan.plan.scheduling.profile import Features, Profile

__all__ = [
    "ERROR",
    "NaiveEngine",
    "MAX_NODE_SCORE",
    "SKIP",
    "SUCCESS",
    "UNSCHEDULABLE",
    "UNSCHEDULABLE_AND_UNRESOLVABLE",
    "Context",
    "CycleResult",
    "CycleState",
    "Plugin",
    "Status",
    "default_normalize_score",
    "run_cycle",
]

SUCCESS = 0
ERROR = 1
UNSCHEDULABLE = 2
UNSCHEDULABLE_AND_UNRESOLVABLE = 3
SKIP = 5
MAX_NODE_SCORE = 100


class Status:
    """framework.Status: a code and the reasons, plus the plugin that produced it."""

    __slots__ = ("code", "reasons", "plugin")

    def __init__(self, code: int, *reasons: str, plugin: str = "") -> None:
        self.code = code
        self.reasons: tuple[str, ...] = reasons
        self.plugin = plugin

    @property
    def rejected(self) -> bool:
        return self.code in (UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE)

    def message(self) -> str:
        return ", ".join(self.reasons)

    def with_plugin(self, plugin: str) -> Status:
        return Status(self.code, *self.reasons, plugin=plugin)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Status) and self.code == other.code and self.reasons == other.reasons
        )

    def __hash__(self) -> int:
        return hash((self.code, self.reasons))

    def __repr__(self) -> str:
        return f"Status({self.code}, {list(self.reasons)}, plugin={self.plugin!r})"


def default_normalize_score(max_priority: int, reverse: bool, scores: list[int]) -> None:
    """helper.DefaultNormalizeScore, in place: scale to [0, max_priority] by the highest score
    (integer division); reversed it becomes max_priority - score. All zero: all
    max_priority when reversed, else unchanged."""
    highest = max(scores, default=0)
    if highest == 0:
        if reverse:
            for i in range(len(scores)):
                scores[i] = max_priority
        return
    for i, score in enumerate(scores):
        value = max_priority * score // highest
        scores[i] = max_priority - value if reverse else value


@dataclass
class Context:
    """What the plugins may consult besides the pod and the node: the cluster snapshot, the
    profile, the version's behaviour, and the API objects the volume plugins read."""

    cluster: Cluster
    profile: Profile
    features: Features
    pvcs: Mapping[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    pvs: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    storage_classes: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    volumes_recorded: bool = False
    default_spread_selectors: Callable[[PodTemplate], list[Any]] | None = None


class CycleState:
    """Per-pod scratch space: plugin states, skipped plugins, the PreFilterResult."""

    __slots__ = ("data", "skip_filter", "skip_score", "node_names", "node_names_plugins")

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.skip_filter: set[str] = set()
        self.skip_score: set[str] = set()
        self.node_names: set[str] | None = None
        self.node_names_plugins: list[str] = []


class Plugin:
    """One in-tree plugin. Defaults: every extension point accepts everything."""

    name: ClassVar[str] = ""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.features = context.features

    def pre_filter(self, state: CycleState, pod: PodInfo) -> Status | None:
        return None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        return None

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo]
    ) -> Status | None:
        return None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return 0

    def normalize(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], scores: list[int]
    ) -> None:
        return None


@dataclass
class CycleResult:
    """One scheduling attempt: the chosen node, or the statuses that explain the failure."""

    node: NodeInfo | None
    statuses: dict[int, Status]  # node index -> the filter status that rejected it
    absent: Status | None = None  # status of nodes a PreFilterResult excluded
    pre_filter_status: Status | None = None
    scores: dict[int, dict[str, int]] = field(default_factory=dict)
    feasible: list[NodeInfo] = field(default_factory=list)
    # the fast path reports a failure as (status, number of nodes) and the per-node
    # statuses on demand (preemption needs them)
    counts: list[tuple[Status, int]] | None = None
    status_fn: Callable[[], dict[int, Status]] | None = None

    def node_statuses(self) -> dict[int, Status]:
        if self.status_fn is not None:
            return self.status_fn()
        return self.statuses

    def status_counts(self) -> list[tuple[Status, int]]:
        if self.counts is not None:
            return self.counts
        return [(status, 1) for status in self.statuses.values()]


def _pre_filter(
    plugins: Sequence[Plugin], state: CycleState, pod: PodInfo, features: Features
) -> Status | None:
    """RunPreFilterPlugins: Skip marks the plugin's Filter skipped, the first rejection
    stops the cycle, PreFilterResults intersect (an empty intersection rejects the pod)."""
    for plugin in plugins:
        before = state.node_names
        status = plugin.pre_filter(state, pod)
        if status is not None and status.code == SKIP:
            state.skip_filter.add(plugin.name)
            continue
        if status is not None and status.rejected:
            return status.with_plugin(plugin.name)
        if state.node_names is not before and state.node_names is not None:
            state.node_names_plugins.append(plugin.name)
            if not state.node_names:
                names = state.node_names_plugins
                if len(names) == 1:
                    message = f"node(s) didn't satisfy plugin {names[0]}"
                else:
                    message = f"node(s) didn't satisfy plugin(s) [{' '.join(names)}] simultaneously"
                return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, message, plugin=plugin.name)
    return None


def run_filters(
    plugins: Sequence[Plugin], state: CycleState, pod: PodInfo, node: NodeInfo
) -> Status | None:
    """RunFilterPlugins: the first plugin that rejects the node decides its status."""
    for plugin in plugins:
        if plugin.name in state.skip_filter:
            continue
        status = plugin.filter(state, pod, node)
        if status is not None and status.code != SUCCESS:
            return status.with_plugin(plugin.name)
    return None


def run_cycle(
    context: Context,
    filter_plugins: Sequence[Plugin],
    pre_filter_plugins: Sequence[Plugin],
    score_plugins: Sequence[Plugin],
    pod: PodInfo,
    *,
    explain: bool = False,
) -> CycleResult:
    """schedulePod: PreFilter, Filter on every node, then score the feasible ones and pick the
    highest total (ties: the node whose name sorts first)."""
    cluster = context.cluster
    state = CycleState()
    status = _pre_filter(pre_filter_plugins, state, pod, context.features)
    if status is not None:
        return CycleResult(None, {}, absent=status, pre_filter_status=status)
    statuses: dict[int, Status] = {}
    feasible: list[NodeInfo] = []
    absent = None
    if state.node_names is not None:
        absent = Status(
            UNSCHEDULABLE_AND_UNRESOLVABLE,
            context.features.prefilter_absent_reason.format(
                plugins=" ".join(sorted(state.node_names_plugins))
            ),
        )
    nodes = cluster.nodes
    if state.node_names is not None:
        named = sorted(cluster.index[name] for name in state.node_names if name in cluster.index)
        nodes = [cluster.nodes[i] for i in named]
    for node in nodes:
        node_status = run_filters(filter_plugins, state, pod, node)
        if node_status is None:
            feasible.append(node)
        else:
            statuses[node.index] = node_status
    if not feasible:
        return CycleResult(None, statuses, absent=absent)
    if len(feasible) == 1 and not explain:
        return CycleResult(feasible[0], statuses, absent=absent, feasible=feasible)
    totals, per_plugin = prioritize(context, score_plugins, state, pod, feasible)
    best = max(range(len(feasible)), key=lambda i: (totals[i], -feasible[i].index))
    scores: dict[int, dict[str, int]] = {}
    if explain:
        for i, node in enumerate(feasible):
            entry = {name: values[i] for name, values in per_plugin.items()}
            entry["total"] = totals[i]
            scores[node.index] = entry
    return CycleResult(feasible[best], statuses, absent=absent, scores=scores, feasible=feasible)


def prioritize(
    context: Context,
    plugins: Sequence[Plugin],
    state: CycleState,
    pod: PodInfo,
    feasible: Sequence[NodeInfo],
) -> tuple[list[int], dict[str, list[int]]]:
    """prioritizeNodes: PreScore (Skip drops the plugin), Score, NormalizeScore, weights."""
    weights = context.profile.weights
    totals = [0] * len(feasible)
    per_plugin: dict[str, list[int]] = {}
    for plugin in plugins:
        status = plugin.pre_score(state, pod, feasible)
        if status is not None and status.code == SKIP:
            per_plugin[plugin.name] = [0] * len(feasible)
            continue
        scores = [plugin.score(state, pod, node) for node in feasible]
        plugin.normalize(state, pod, feasible, scores)
        per_plugin[plugin.name] = scores
        weight = weights.get(plugin.name, 1)
        for i, score in enumerate(scores):
            totals[i] += score * weight
    return totals, per_plugin


class NaiveEngine:
    """run_cycle per pod: every plugin, every node, nothing cached."""

    def __init__(self, context: Context, plugins: Mapping[str, Plugin], explain: bool) -> None:
        profile = context.profile
        self.context = context
        self.filters = [plugins[n] for n in profile.filter if n in plugins]
        self.pre_filters = [plugins[n] for n in profile.pre_filter if n in plugins]
        self.scores = [plugins[n] for n in profile.score if n in plugins]
        self.explain = explain

    def schedule(self, pod: PodInfo) -> CycleResult:
        return run_cycle(
            self.context, self.filters, self.pre_filters, self.scores, pod, explain=self.explain
        )

    def evaluate(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        """All filters of the pod on one node, PreFilter recomputed for the cluster as it is."""
        state = CycleState()
        status = _pre_filter(self.pre_filters, state, pod, self.context.features)
        if status is not None:
            return status
        if state.node_names is not None and node.name not in state.node_names:
            return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, "not in the PreFilterResult")
        return run_filters(self.filters, state, pod, node)
