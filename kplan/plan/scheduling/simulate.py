"""The driver: place new pods one at a time, as kube-scheduler would, onto a recorded cluster.

Order (CONTRACT "Models the plan assumes"): priority, highest first; then the order of the
pods' owners in the input; then replica ordinal. Each placed pod is added to its node before
the next is scheduled. Existing pods occupy their nodes unless they are Succeeded or Failed
(the scheduler's informer ignores those); pods the scheduler never handles are reported, not
scheduled: pods that already name their node (kubelet admits them directly), pods for another
scheduler, and pods held by scheduling gates.

When no node fits, the message is the FailedScheduling text; if preemption finds victims, the
pod is placed on the nominated node after evicting them (the next scheduling cycle puts a
nominated pod there) and the placement carries `preemption` with the node and the victims.
The evicted pods' replacements are not scheduled again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kplan.plan.pod_model import PodView
from kplan.plan.scheduling.admission import (
    kubelet_admission,
    pod_priority,
    preempt_never,
    resolve_priority_classes,
)
from kplan.plan.scheduling.framework import Context, CycleResult, NaiveEngine
from kplan.plan.scheduling.messages import NO_CLAIMS_TO_DEALLOCATE, fit_error_message
from kplan.plan.scheduling.nodeinfo import Cluster, NodeInfo, namespace_labels
from kplan.plan.scheduling.plugins import instantiate
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate, TemplateFactory
from kplan.plan.scheduling.preemption import preempt
from kplan.plan.scheduling.profile import (
    DEFAULT_SCHEDULER,
    ProfileError,
    default_profile,
    profile_from_config,
)

__all__ = ["SchedulingResult", "Simulation", "capacity", "schedule"]

SpreadSelectors = Callable[[PodView], Sequence[object]]


@dataclass
class SchedulingResult:
    """`placements` as the contract's `scheduling.placements[]`, in scheduling order."""

    placements: list[dict[str, Any]] = field(default_factory=list)
    # the simulation after placing them, for what-if questions (Simulation.capacity_instead)
    simulation: Simulation | None = field(default=None, repr=False, compare=False)

    @property
    def unschedulable(self) -> int:
        return sum(1 for p in self.placements if p["node"] is None)


def _index(objects: Iterable[Mapping[str, Any]], namespaced: bool) -> dict[Any, dict[str, Any]]:
    result: dict[Any, dict[str, Any]] = {}
    for obj in objects:
        metadata = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
        name = metadata.get("name") if isinstance(metadata, Mapping) else None
        if not isinstance(name, str):
            continue
        if namespaced:
            result[(str(metadata.get("namespace") or "default"), name)] = dict(obj)
        else:
            result[name] = dict(obj)
    return result


class Simulation:
    """One cluster, one Kubernetes version, one scheduler configuration."""

    def __init__(
        self,
        existing_pods: Iterable[PodView],
        nodes: Iterable[Mapping[str, Any]],
        *,
        kubernetes_version: str,
        priority_classes: Iterable[Mapping[str, Any]] = (),
        pvcs: Iterable[Mapping[str, Any]] = (),
        pvs: Iterable[Mapping[str, Any]] = (),
        storage_classes: Iterable[Mapping[str, Any]] = (),
        namespaces: Iterable[Mapping[str, Any]] = (),
        config: Mapping[str, Any] | None = None,
        explain: bool = False,
        default_spread_selectors: SpreadSelectors | None = None,
        volumes_recorded: bool = False,
        apply_preemption: bool = True,
        engine: str = "auto",
        templates: TemplateFactory | None = None,
    ) -> None:
        self.version = kubernetes_version
        self.config = config
        self.explain = explain
        self.apply_preemption = apply_preemption
        self.engine_kind = engine
        self.cluster = Cluster(nodes, namespace_labels(namespaces))
        self.priorities, self.global_default, self.never_preempt = resolve_priority_classes(
            priority_classes
        )
        self.pvcs = _index(pvcs, True)
        self.pvs = _index(pvs, False)
        self.storage_classes = _index(storage_classes, False)
        self.volumes_recorded = volumes_recorded
        self._spread = default_spread_selectors
        base = default_profile(kubernetes_version)
        self.features = base.features
        # a factory shared between simulations of one cluster builds each pod's template once
        if templates is not None and templates.features == self.features:
            self.factory = templates
        else:
            self.factory = TemplateFactory(self.features)
        self._template_views: dict[int, PodView] = {}
        self._engines: dict[str, tuple[Context, Any] | None] = {}
        self._order = 0
        self.evicted: list[PodInfo] = []  # the victims of preemption
        self.assumed: list[PodInfo] = []  # the pods placed, in order
        self.existing = [
            info for view in existing_pods if (info := self._add_existing(view)) is not None
        ]

    # -- setup -------------------------------------------------------------------------------

    def _spread_selectors(self, template: PodTemplate) -> Sequence[object]:
        if self._spread is None:
            return []
        view = self._template_views.get(template.key)
        return self._spread(view) if view is not None else []

    def _pod_info(self, view: PodView) -> PodInfo | None:
        template = self.factory.template(view)
        self._template_views.setdefault(template.key, view)
        priority = pod_priority(view.spec, self.priorities, self.global_default)
        if priority is None:
            return None
        self._order += 1
        return PodInfo(
            view,
            template,
            priority,
            preempt_never(view.spec, self.never_preempt),
            start_order=self._order,
        )

    def _add_existing(self, view: PodView) -> PodInfo | None:
        """The pod on its node, or None when it holds no node (terminal, unplaced, unknown
        node)."""
        if view.terminal or not view.node:
            return None
        index = self.cluster.index.get(view.node)
        if index is None:
            return None
        info = self._pod_info(view)
        if info is None:
            # recorded pods always carry spec.priority; be lenient with hand-made ones
            info = PodInfo(view, self.factory.template(view), 0, start_order=self._order)
        self.cluster.add_pod(info, index)
        return info

    def _engine(self, scheduler_name: str) -> tuple[Context, Any] | None:
        if scheduler_name in self._engines:
            return self._engines[scheduler_name]
        try:
            if self.config is not None:
                profile = profile_from_config(self.config, self.version, scheduler_name)
            elif scheduler_name == DEFAULT_SCHEDULER:
                profile = default_profile(self.version)
            else:
                raise ProfileError(f"no profile for scheduler {scheduler_name!r}")
        except ProfileError:
            self._engines[scheduler_name] = None
            return None
        context = Context(
            cluster=self.cluster,
            profile=profile,
            features=profile.features,
            pvcs=self.pvcs,
            pvs=self.pvs,
            storage_classes=self.storage_classes,
            volumes_recorded=self.volumes_recorded,
            default_spread_selectors=self._spread_selectors,
        )
        plugins = instantiate(context)
        engine: Any = NaiveEngine(context, plugins, self.explain)
        if self.engine_kind != "naive" and not self.explain:
            from kplan.plan.scheduling.fastpath import FastEngine

            if FastEngine.supports(profile):
                engine = FastEngine(context, plugins, fallback=engine)
        self._engines[scheduler_name] = (context, engine)
        return self._engines[scheduler_name]

    # -- what-ifs ----------------------------------------------------------------------------

    def place_copies(self, pod_template: PodView, limit: int) -> list[PodInfo]:
        """Copies of `pod_template` placed one at a time until one does not fit or `limit`
        (or every pod slot) is reached: cluster-capacity's count, no preemption."""
        total_slots = sum(max(node.alloc_pods - len(node.pods), 0) for node in self.cluster.nodes)
        placed: list[PodInfo] = []
        spec = dict(pod_template.spec or {})
        spec.pop("nodeName", None)
        while len(placed) < min(limit, total_slots):
            view = PodView(
                namespace=pod_template.namespace,
                name=f"{pod_template.name}-capacity-{len(placed)}",
                labels=dict(pod_template.labels or {}),
                spec=spec,
                owner=pod_template.owner,
                replica=len(placed),
                planned=True,
            )
            info = self._pod_info(view)
            if info is None:
                break
            built = self._engine(str(spec.get("schedulerName") or DEFAULT_SCHEDULER))
            if built is None:
                break
            outcome = built[1].schedule(info)
            if outcome.node is None:
                break
            self._assume(view, info, outcome.node)
            placed.append(info)
        return placed

    def capacity_instead(
        self, pod_template: PodView, limit: int, returning: Sequence[PodView]
    ) -> int:
        """capacity() of `pod_template` on the cluster this simulation has placed its pods
        on, with the pods of the template's owner replaced by `returning` (its recorded
        pods): the surge of a rolling update. The answer is a fresh capacity() over every pod
        that holds a node (the pods this simulation evicted among them, back on their nodes),
        without building that simulation; the cluster is put back afterwards."""
        cluster = self.cluster
        owner = pod_template.owner
        assumed = len(self.assumed)
        leaving = [
            (info, info.node)
            for info in self.existing + self.assumed
            if info.view.owner == owner and info.node >= 0
        ]
        back = [info for info in self.evicted if info.view.owner != owner and info.node < 0]
        added: list[PodInfo] = []
        for info, _index in leaving:
            cluster.remove_pod(info)
        try:
            for info in back:
                cluster.add_pod(info, cluster.index[str(info.view.node)])
                added.append(info)
            for view in returning:
                found = self._add_existing(view)
                if found is not None:
                    added.append(found)
            copies = self.place_copies(pod_template, limit)
            added += copies
            return len(copies)
        finally:
            for info in reversed(added):
                cluster.remove_pod(info)
            for info, index in leaving:
                cluster.add_pod(info, index)
            del self.assumed[assumed:]

    # -- scheduling --------------------------------------------------------------------------

    def order(self, views: Sequence[PodView]) -> list[tuple[PodView, PodInfo | None]]:
        """Scheduling order: priority (highest first), owner's first appearance, replica."""
        first_seen: dict[str, int] = {}
        entries = []
        for position, view in enumerate(views):
            owner_key = view.owner or f"#{position}"
            first_seen.setdefault(owner_key, position)
            info = self._pod_info(view)
            priority = info.priority if info is not None else 0
            entries.append(((-priority, first_seen[owner_key], view.replica, position), view, info))
        entries.sort(key=lambda entry: entry[0])
        return [(view, info) for _key, view, info in entries]

    def run(self, views: Sequence[PodView]) -> SchedulingResult:
        result = SchedulingResult()
        for view, info in self.order(views):
            result.placements.append(self.place(view, info))
        return result

    def place(self, view: PodView, info: PodInfo | None) -> dict[str, Any]:
        placement: dict[str, Any] = {
            "pod": view.ref,
            "owner": view.owner,
            "replica": view.replica,
            "node": None,
            "message": None,
        }
        if self.explain:
            placement["scores"] = {}
            placement["filtered"] = {}
        spec = view.spec if isinstance(view.spec, Mapping) else {}
        if info is None:
            name = spec.get("priorityClassName")
            placement["problem"] = (
                f'pods "{view.name}" is forbidden: no PriorityClass with name {name} was found'
            )
            return placement
        node_name = spec.get("nodeName")
        if isinstance(node_name, str) and node_name:
            return self._place_named(view, info, node_name, placement)
        scheduler_name = str(spec.get("schedulerName") or DEFAULT_SCHEDULER)
        gates = spec.get("schedulingGates")
        if self.features.scheduling_gates and isinstance(gates, list) and gates:
            placement["problem"] = (
                "the pod has scheduling gates and stays Pending (SchedulingGated)"
            )
            return placement
        built = self._engine(scheduler_name)
        if built is None:
            placement["problem"] = (
                f'no kube-scheduler profile handles schedulerName "{scheduler_name}"'
            )
            return placement
        context, engine = built
        outcome = engine.schedule(info)
        if self.explain:
            self._explain(placement, outcome)
        if outcome.node is not None:
            self._assume(view, info, outcome.node)
            placement["node"] = outcome.node.name
            return placement
        self._failed(placement, view, info, context, engine, outcome)
        return placement

    def _assume(self, view: PodView, info: PodInfo, node: NodeInfo) -> None:
        self._order += 1
        info.start_order = self._order
        self.cluster.add_pod(info, node.index)
        self.assumed.append(info)
        view.node = node.name

    def _failed(
        self,
        placement: dict[str, Any],
        view: PodView,
        info: PodInfo,
        context: Context,
        engine: Any,
        outcome: CycleResult,
    ) -> None:
        num_nodes = len(self.cluster.nodes)
        pre_filter_message = (
            outcome.pre_filter_status.message() if outcome.pre_filter_status else ""
        )
        counts = outcome.status_counts()
        absent = outcome.absent
        if num_nodes == 0:
            placement["message"] = fit_error_message(0, counts)
            return
        reasons: list[str] = []
        candidate = None
        for plugin in context.profile.post_filter:
            if plugin == "DynamicResources" and self.features.dra_postfilter_message:
                reasons.append(NO_CLAIMS_TO_DEALLOCATE)
            elif plugin == "DefaultPreemption":
                args = context.profile.args.get("DefaultPreemption", {})
                preemption = preempt(
                    info,
                    self.cluster,
                    outcome.node_statuses,
                    counts,
                    absent,
                    engine.evaluate,
                    int(args.get("minCandidateNodesPercentage", 10)),
                    int(args.get("minCandidateNodesAbsolute", 100)),
                )
                if preemption.candidate is not None:
                    candidate = preemption.candidate
                    reasons = []
                    break
                reasons.append(preemption.message)
        placement["message"] = fit_error_message(
            num_nodes, counts, absent, pre_filter_message, ", ".join(reasons)
        )
        if candidate is None:
            return
        placement["preemption"] = {
            "node": candidate.node.name,
            "victims": [victim.ref for victim in candidate.victims],
        }
        if not self.apply_preemption:
            return
        for victim in candidate.victims:
            self.cluster.remove_pod(victim)
            self.evicted.append(victim)
        self._assume(view, info, candidate.node)
        placement["node"] = candidate.node.name

    def _explain(self, placement: dict[str, Any], outcome: CycleResult) -> None:
        nodes = self.cluster.nodes
        placement["scores"] = {
            nodes[index].name: scores for index, scores in sorted(outcome.scores.items())
        }
        filtered: dict[str, list[str]] = {}
        feasible = {node.index for node in outcome.feasible}
        for node in nodes:
            status = outcome.statuses.get(node.index)
            if status is None and node.index not in feasible:
                status = outcome.absent
            if status is not None:
                filtered[node.name] = list(status.reasons)
        placement["filtered"] = filtered

    def _place_named(
        self, view: PodView, info: PodInfo, node_name: str, placement: dict[str, Any]
    ) -> dict[str, Any]:
        """A pod that names its node is bound already: kubelet admits it or rejects it."""
        placement["node"] = node_name
        index = self.cluster.index.get(node_name)
        if index is None:
            placement["problem"] = f'node "{node_name}" does not exist: the pod stays Pending'
            return placement
        node = self.cluster.nodes[index]
        problem = kubelet_admission(info, node, self.features.fit_skips_zero_requests)
        if problem:
            placement["problem"] = problem
            return placement
        self._assume(view, info, node)
        return placement


def schedule(
    new_pods: Sequence[PodView],
    existing_pods: Iterable[PodView],
    nodes: Iterable[Mapping[str, Any]],
    *,
    kubernetes_version: str,
    priority_classes: Iterable[Mapping[str, Any]] = (),
    pvcs: Iterable[Mapping[str, Any]] = (),
    pvs: Iterable[Mapping[str, Any]] = (),
    storage_classes: Iterable[Mapping[str, Any]] = (),
    namespaces: Iterable[Mapping[str, Any]] = (),
    config: Mapping[str, Any] | None = None,
    explain: bool = False,
    default_spread_selectors: SpreadSelectors | None = None,
    volumes_recorded: bool = False,
    apply_preemption: bool = True,
    engine: str = "auto",
    templates: TemplateFactory | None = None,
) -> SchedulingResult:
    """Schedule `new_pods` onto `nodes` already running `existing_pods`; see the module doc.

    `default_spread_selectors(pod)` returns the selectors of the Services, ReplicaSets,
    StatefulSets and ReplicationControllers that select the pod (PodTopologySpread's system
    default constraints apply to those pods); `volumes_recorded` says whether `pvcs`/`pvs`/
    `storage_classes` are complete (else a claim not found is assumed bindable); `engine` is
    "auto" (cached fast path where it applies) or "naive" (every plugin on every node);
    `templates` shares pod templates with other simulations of the same pods.
    """
    simulation = Simulation(
        existing_pods,
        nodes,
        kubernetes_version=kubernetes_version,
        priority_classes=priority_classes,
        pvcs=pvcs,
        pvs=pvs,
        storage_classes=storage_classes,
        namespaces=namespaces,
        config=config,
        explain=explain,
        default_spread_selectors=default_spread_selectors,
        volumes_recorded=volumes_recorded,
        apply_preemption=apply_preemption,
        engine=engine,
        templates=templates,
    )
    result = simulation.run(new_pods)
    result.simulation = simulation
    return result


def capacity(
    pod_template: PodView,
    existing_pods: Iterable[PodView],
    nodes: Iterable[Mapping[str, Any]],
    *,
    kubernetes_version: str,
    limit: int = 100_000,
    **options: Any,
) -> int:
    """How many more copies of `pod_template` the cluster takes (cluster-capacity style:
    schedule copies one at a time until one does not fit; no preemption)."""
    options = dict(options)
    options["apply_preemption"] = False
    options.pop("explain", None)
    simulation = Simulation(existing_pods, nodes, kubernetes_version=kubernetes_version, **options)
    return len(simulation.place_copies(pod_template, limit))
