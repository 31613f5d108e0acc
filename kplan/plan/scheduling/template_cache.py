"""The per-template state of the fast path (see fastpath.py): node-local verdicts and
scores for every node, the cross-node trackers, and the signature groups.

Built once for every node, then kept current by replaying the cluster's pod
additions/removals: only the nodes those touched are recomputed. `decide` then filters and
scores each signature group once and takes the best node of the best group (node-local score
plus group score, ties to the node whose name sorts first).
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heapify, heappop, heappush
from typing import TYPE_CHECKING, Any

from kplan.plan.scheduling.fast_affinity import AffinityTracker
from kplan.plan.scheduling.fast_spread import SpreadTracker
from kplan.plan.scheduling.framework import MAX_NODE_SCORE, UNSCHEDULABLE, CycleResult, Status
from kplan.plan.scheduling.inter_pod_affinity import InterPodAffinity, incoming_terms
from kplan.plan.scheduling.node_ports import REASON as PORTS_REASON
from kplan.plan.scheduling.node_ports import ports_conflict
from kplan.plan.scheduling.node_resources_fit import NodeResourcesFit, fits_request
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.pod_topology_spread import (
    DO_NOT_SCHEDULE,
    SCHEDULE_ANYWAY,
    PodTopologySpread,
    system_defaulted,
)
from kplan.plan.scheduling.podinfo import PodTemplate

if TYPE_CHECKING:
    from kplan.plan.scheduling.fastpath import FastEngine

__all__ = ["LocalTable", "TemplateCache"]

_PORTS = Status(UNSCHEDULABLE, PORTS_REASON)
# fits_request's reasons for a pod without scalar resources, in its order
_FIT_REASONS = (
    "Too many pods",
    "Insufficient cpu",
    "Insufficient memory",
    "Insufficient ephemeral-storage",
)
_FIT_STATUSES: dict[tuple[bool, ...], Status] = {}


class LocalTable:
    """Per node: the NodePorts/NodeResourcesFit status and the node-local score (0 where the
    status is a failure) of a group of equivalent templates, with the node's generation when
    they were computed (a node's generation changes with every pod added or removed)."""

    __slots__ = ("generation", "status", "local")

    def __init__(self, n: int) -> None:
        self.generation = [-1] * n
        self.status: list[Status | None] = [None] * n
        self.local = [0] * n


class _Group:
    """Locally feasible nodes sharing a signature, best local score first in the heap."""

    __slots__ = ("count", "heap")

    def __init__(self) -> None:
        self.count = 0
        self.heap: list[tuple[int, int, int]] = []


class TemplateCache:
    """Incremental per-node state of one pod template; see the module docstring."""

    def __init__(self, engine: FastEngine, template: PodTemplate) -> None:
        self.engine = engine
        self.cluster = engine.cluster
        self.template = template
        profile = engine.profile
        cluster = self.cluster
        self.static = engine.static_data(template)
        self.local_score = engine.local_scorer(template)
        self.table = engine.local_table(template)
        self.images = engine.image_scores(template)
        self.ports = template.host_ports
        fit = engine.plugins.get("NodeResourcesFit")
        self.fit_check = "NodeResourcesFit" in engine.filters
        self.ports_check = "NodePorts" in engine.filters and bool(self.ports)
        self.fit_ignored = fit.ignored if isinstance(fit, NodeResourcesFit) else frozenset()
        self.fit_groups = fit.ignored_groups if isinstance(fit, NodeResourcesFit) else frozenset()
        self.skip_zero = engine.features.fit_skips_zero_requests
        self.spread: SpreadTracker | None = None
        spread = engine.plugins.get("PodTopologySpread")
        if isinstance(spread, PodTopologySpread):
            hard = (
                spread.constraints(template, DO_NOT_SCHEDULE)
                if ("PodTopologySpread" in engine.filters)
                else []
            )
            soft = (
                spread.constraints(template, SCHEDULE_ANYWAY)
                if ("PodTopologySpread" in engine.scores)
                else []
            )
            if hard or soft:
                require_all = bool(template.spread_constraints) or not system_defaulted(
                    profile.args.get("PodTopologySpread", {})
                )
                self.spread = SpreadTracker(
                    cluster,
                    template,
                    engine.features,
                    hard,
                    soft,
                    require_all,
                    engine.inclusion(template, self.static),
                )
                self.spread.build()
        self.affinity: AffinityTracker | None = None
        affinity = engine.plugins.get("InterPodAffinity")
        if isinstance(affinity, InterPodAffinity):
            terms = incoming_terms(template, cluster)
            has_preferred = bool(terms.preferred or terms.preferred_anti)
            score_enabled = "InterPodAffinity" in engine.scores and not (
                affinity.ignore_existing_preferred and not has_preferred
            )
            self.affinity = AffinityTracker(
                cluster,
                template,
                terms,
                affinity.hard_weight,
                not affinity.ignore_existing_preferred,
                score_enabled,
            )
            self.affinity.build()
            self.affinity.layout_changed = False
        self.affinity_filters = "InterPodAffinity" in engine.filters
        self.quick_fit = self._quick_fit()
        self.position = len(cluster.events)
        self._build()

    def _build(self) -> None:
        """Every node at once: local verdicts, node-local scores, signatures, groups."""
        nodes = self.cluster.nodes
        n = len(nodes)
        status = list(self.static.status)
        dynamic = self._dynamic_status
        spread = self.spread.signatures() if self.spread is not None else [()] * n
        affinity = self.affinity.signatures() if self.affinity is not None else [()] * n
        taint_raw, affinity_raw = self.static.taint_raw, self.static.affinity_raw
        images = self.images
        local_score = self.local_score
        table = self.table
        if table is None:
            table = LocalTable(n)  # this template's own, filled now
        generations, table_status, table_local = table.generation, table.status, table.local
        # the nodes the static filters reject are counted once per StaticData; the others'
        # failures per Status object first (mostly shared), then per equal Status
        counted: dict[int, list[Any]] = {}
        entries: dict[tuple[Any, ...], list[tuple[int, int, int]]] = {}
        every = list(zip(taint_raw, affinity_raw, spread, affinity, strict=True))
        signatures: list[tuple[Any, ...] | None] = [None] * n
        for index in self.static.open:
            node = nodes[index]
            if generations[index] != node.generation:
                found = table_status[index] = dynamic(node)
                table_local[index] = local_score(node) if found is None else 0
                generations[index] = node.generation
            else:
                found = table_status[index]
            if found is not None:
                status[index] = found
                slot = counted.get(id(found))
                if slot is None:
                    counted[id(found)] = [found, 1]
                else:
                    slot[1] += 1
                continue
            local = table_local[index] + images.get(index, 0) if images else table_local[index]
            signature = signatures[index] = every[index]
            bucket = entries.get(signature)
            if bucket is None:
                entries[signature] = [(-local, index, 1)]
            else:
                bucket.append((-local, index, 1))
        failures: dict[Status, int] = dict(self.static.failed)
        for found, count in counted.values():
            failures[found] = failures.get(found, 0) + count
        groups: dict[tuple[Any, ...], _Group] = {}
        for signature, heap in entries.items():
            heapify(heap)
            group = groups[signature] = _Group()
            group.count = len(heap)
            group.heap = heap
        self.status = status
        self.signature = signatures
        self.stamp = [1] * n
        self.groups = groups
        self.failures = failures

    def _quick_fit(self) -> Callable[[NodeInfo], Status | None] | None:
        """NodeResourcesFit for the usual pod (no scalar resources): exactly the status
        `fits_request` gives, one shared Status object per combination of reasons."""
        requests = self.template.requests
        if requests.scalar or not self.fit_check:
            return None
        cpu, memory, storage = requests.milli_cpu, requests.memory, requests.ephemeral_storage
        skip_zero = self.skip_zero
        known = _FIT_STATUSES

        def status(*failed: bool) -> Status:
            found = known.get(failed)
            if found is None:
                reasons = [name for name, fails in zip(_FIT_REASONS, failed, strict=False) if fails]
                found = known[failed] = Status(UNSCHEDULABLE, *reasons)
            return found

        if requests.is_zero():
            return lambda node: status(True) if len(node.pods) >= node.alloc_pods else None
        check_cpu = cpu > 0 or not skip_zero
        check_memory = memory > 0 or not skip_zero
        check_storage = storage > 0 or not skip_zero

        def fits(node: NodeInfo) -> Status | None:
            pods = len(node.pods) >= node.alloc_pods
            short_cpu = check_cpu and cpu > node.alloc_cpu - node.req_cpu
            short_memory = check_memory and memory > node.alloc_memory - node.req_memory
            short_storage = check_storage and storage > node.alloc_ephemeral - node.req_ephemeral
            if pods or short_cpu or short_memory or short_storage:
                return status(pods, short_cpu, short_memory, short_storage)
            return None

        return fits

    # -- maintenance -----------------------------------------------------------------------

    def sync(self) -> bool:
        """Replay the pod additions/removals since the last pod; False when a rebuild is
        cheaper."""
        events = self.cluster.events
        start, end = self.position, len(events)
        if start == end:
            return True
        if end - start > max(256, len(self.cluster.nodes)):
            return False
        dirty: dict[int, None] = {}
        spread, affinity = self.spread, self.affinity
        for index, pod, delta in events[start:end]:
            dirty[index] = None
            if spread is not None:
                spread.on_event(index, pod, delta)
            if affinity is not None:
                affinity.on_event(index, pod, delta)
        self.position = end
        if affinity is not None and affinity.layout_changed:
            affinity.layout_changed = False
            self._build()
        else:
            for index in dirty:
                self._refresh(index)
        return True

    def _dynamic_status(self, node: NodeInfo) -> Status | None:
        """NodePorts then NodeResourcesFit on the node as it is now."""
        if self.ports_check and ports_conflict(node.used_ports, self.ports):
            return _PORTS
        if self.fit_check:
            if self.quick_fit is not None:
                return self.quick_fit(node)
            reasons = fits_request(
                self.template,
                node,
                skip_zero=self.skip_zero,
                ignored=self.fit_ignored,
                ignored_groups=self.fit_groups,
            )
            if reasons:
                return Status(UNSCHEDULABLE, *reasons)
        return None

    def _local_status(self, index: int) -> Status | None:
        status = self.static.status[index]
        if status is not None:
            return status
        return self._dynamic_status(self.cluster.nodes[index])

    def _refresh(self, index: int) -> None:
        old_status = self.status[index]
        old_signature = self.signature[index]
        if old_status is not None:
            left = self.failures[old_status] - 1
            if left:
                self.failures[old_status] = left
            else:
                del self.failures[old_status]
        elif old_signature is not None:
            group = self.groups[old_signature]
            group.count -= 1
            if not group.count:
                del self.groups[old_signature]
        self.stamp[index] += 1
        status = self._local_status(index)
        if status is not None:
            self.status[index] = status
            self.signature[index] = None
            self.failures[status] = self.failures.get(status, 0) + 1
            return
        node = self.cluster.nodes[index]
        local = self.local_score(node) + self.images.get(index, 0)
        signature = (
            self.static.taint_raw[index],
            self.static.affinity_raw[index],
            self.spread.signature(index) if self.spread is not None else (),
            self.affinity.signature(index) if self.affinity is not None else (),
        )
        group = self.groups.get(signature)
        if group is None:
            group = self.groups[signature] = _Group()
        group.count += 1
        heappush(group.heap, (-local, index, self.stamp[index]))
        self.status[index] = None
        self.signature[index] = signature

    def _top(self, group: _Group) -> tuple[int, int]:
        heap, stamp = group.heap, self.stamp
        while heap[0][2] != stamp[heap[0][1]]:
            heappop(heap)
        local, index, _stamp = heap[0]
        return -local, index

    # -- one pod ---------------------------------------------------------------------------

    def decide(self) -> CycleResult:
        spread, affinity = self.spread, self.affinity
        spread_filters = spread is not None and bool(spread.filter_constraints)
        if spread_filters:
            spread.prepare_filter()
        affinity_filters = self.affinity_filters and affinity is not None and affinity.filters
        feasible: list[tuple[tuple[Any, ...], _Group]] = []
        cross: dict[tuple[Any, ...], Status] = {}
        for signature, group in self.groups.items():
            status = None
            if spread_filters:
                status = spread.filter(signature[2])
            if status is None and affinity_filters:
                status = affinity.filter(signature[3])
            if status is None:
                feasible.append((signature, group))
            else:
                cross[signature] = status
        if not feasible:
            return self._failure(cross)
        total_nodes = sum(group.count for _s, group in feasible)
        if total_nodes == 1:
            _local, index = self._top(feasible[0][1])
            return CycleResult(self.cluster.nodes[index], {})
        extra = self._group_scores(feasible)
        best_key: tuple[int, int] | None = None
        best_index = -1
        for signature, group in feasible:
            local, index = self._top(group)
            key = (local + extra[signature], -index)
            if best_key is None or key > best_key:
                best_key, best_index = key, index
        return CycleResult(self.cluster.nodes[best_index], {})

    def _group_scores(
        self, feasible: list[tuple[tuple[Any, ...], _Group]]
    ) -> dict[tuple[Any, ...], int]:
        """The weighted normalised and cross-node scores of each feasible signature."""
        engine = self.engine
        weights = engine.weights
        scores = {signature: 0 for signature, _g in feasible}
        if "TaintToleration" in engine.scores:
            weight = weights.get("TaintToleration", 1)
            highest = max(signature[0] for signature, _g in feasible)
            for signature in scores:
                raw = signature[0]
                value = (
                    MAX_NODE_SCORE
                    if highest == 0
                    else (MAX_NODE_SCORE - MAX_NODE_SCORE * raw // highest)
                )
                scores[signature] += weight * value
        if "NodeAffinity" in engine.scores and not self.static.affinity_skip:
            weight = weights.get("NodeAffinity", 1)
            highest = max(signature[1] for signature, _g in feasible)
            if highest:
                for signature in scores:
                    scores[signature] += weight * (MAX_NODE_SCORE * signature[1] // highest)
        spread = self.spread
        if spread is not None and spread.score_constraints:
            weight = weights.get("PodTopologySpread", 1)
            spread.prepare_score([(signature[2], group.count) for signature, group in feasible])
            raws = {signature: spread.raw_score(signature[2]) for signature in scores}
            present = [raw for raw in raws.values() if raw is not None]
            maximum = max(present, default=0)
            minimum = min(present, default=0)
            for signature, raw in raws.items():
                if raw is None:
                    continue
                if maximum == 0:
                    value = MAX_NODE_SCORE
                else:
                    value = MAX_NODE_SCORE * (maximum + minimum - raw) // maximum
                scores[signature] += weight * value
        affinity = self.affinity
        if affinity is not None and affinity.score_enabled and not affinity.skips_score:
            weight = weights.get("InterPodAffinity", 1)
            raws = {signature: affinity.raw_score(signature[3]) for signature in scores}
            low, high = min(raws.values()), max(raws.values())
            spread_range = high - low
            if spread_range > 0:
                for signature, raw in raws.items():
                    value = int(float(MAX_NODE_SCORE) * (float(raw - low) / float(spread_range)))
                    scores[signature] += weight * value
        return scores

    def _failure(self, cross: dict[tuple[Any, ...], Status]) -> CycleResult:
        counts: dict[Status, int] = dict(self.failures)
        for signature, status in cross.items():
            counts[status] = counts.get(status, 0) + self.groups[signature].count

        def statuses() -> dict[int, Status]:
            result: dict[int, Status] = {}
            for index, status in enumerate(self.status):
                if status is not None:
                    result[index] = status
                else:
                    signature = self.signature[index]
                    if signature is not None and signature in cross:
                        result[index] = cross[signature]
            return result

        return CycleResult(None, {}, counts=list(counts.items()), status_fn=statuses)
