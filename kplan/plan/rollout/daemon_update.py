"""The DaemonSet controller's sync on plain records, and the step loop over it
(kubernetes/kubernetes pkg/controller/daemon/daemon_controller.go manage /
podsShouldBeOnNode, update.go rollingUpdate / updatedDesiredNodeCounts,
util/daemonset_util.go UnavailableCount / SurgeCount).

One step is `manage` (create a pod on every eligible node without one; with surge, delete
an old pod once the new pod on its node is available) followed by `rollingUpdate`, which
sees what `manage` just did. Upstream runs rollingUpdate only once the expectations of the
creates/deletes are observed, which the informers do within milliseconds; the controller's
own tests (update_test.go) observe them immediately, and kplan follows those sequences.
maxUnavailable and maxSurge are scaled against the eligible node count and round UP (unlike
a Deployment's maxUnavailable); both 0 means maxUnavailable 1.

Nodes are visited in name order; upstream iterates a Go map, so which nodes form a wave is
not predictable, only how many. Pods on nodes that are not eligible keep running
(a NoSchedule taint or a changed selector does not evict) until the update removes them.

Speed: a node whose only pod is available on an eligible node needs nothing from `manage`
and only counts in `rollingUpdate` (an old one is a candidate, whichever the order: upstream
collects candidates while the unavailable (surging) count is below the budget, and that
count only grows, so when any candidate is used every candidate was collected). Such nodes
are kept in two buckets and only the other ("busy") nodes are visited, which keeps a
thousand-node DaemonSet with maxUnavailable 1 fast. `Fleet(..., fast=False)` visits every
node, as upstream does; the tests check both give the same steps.

Step model (CONTRACT.md): pods created in a step are available at the next; deleted pods
are gone at the next.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kplan.plan.rollout.intstr import scaled_value

ROLLING_UPDATE = "RollingUpdate"
ON_DELETE = "OnDelete"
_STEP_LIMIT_FACTOR = 4


@dataclass
class DaemonPod:
    node: str
    updated: bool
    available: bool = True
    terminating: bool = False
    failed: bool = False
    order: int = 0  # creation order, oldest first


@dataclass(frozen=True)
class DaemonConfig:
    eligible: frozenset[str]
    strategy: str = ROLLING_UPDATE
    max_surge: int = 0
    max_unavailable: int = 1

    @classmethod
    def of(
        cls,
        eligible: Iterable[str],
        strategy: str = ROLLING_UPDATE,
        surge: int = 0,
        unavailable: int = 1,
    ) -> DaemonConfig:
        return cls(frozenset(eligible), strategy, surge, unavailable)


_SETTLED, _OLD, _BUSY = "settled", "old", "busy"


class Fleet:
    """The DaemonSet's pods by node, the creation clock, and the node buckets (see the
    module docstring)."""

    def __init__(self, pods: Iterable[DaemonPod], eligible: frozenset[str], fast: bool = True):
        self.by_node: dict[str, list[DaemonPod]] = {}
        self.clock = 0
        for pod in sorted(pods, key=lambda p: p.order):
            self.by_node.setdefault(pod.node, []).append(pod)
            self.clock = max(self.clock, pod.order)
        self.eligible = eligible
        self.fast = fast
        self.kind: dict[str, str] = {}
        self.settled: set[str] = set()
        self.old: list[str] = []  # sorted
        self.busy: set[str] = set()
        for node in sorted(eligible | self.by_node.keys()):
            self._place(node)

    # -- buckets ------------------------------------------------------------------------------

    def _classify(self, node: str) -> str:
        pods = self.by_node.get(node, [])
        if not self.fast or node not in self.eligible or len(pods) != 1:
            return _BUSY
        pod = pods[0]
        if pod.terminating or pod.failed or not pod.available:
            return _BUSY
        return _SETTLED if pod.updated else _OLD

    def _place(self, node: str) -> None:
        kind = self._classify(node)
        self.kind[node] = kind
        if kind == _SETTLED:
            self.settled.add(node)
        elif kind == _OLD:
            bisect.insort(self.old, node)
        else:
            self.busy.add(node)

    def _unplace(self, node: str) -> None:
        kind = self.kind.pop(node, None)
        if kind == _SETTLED:
            self.settled.discard(node)
        elif kind == _OLD:
            del self.old[bisect.bisect_left(self.old, node)]
        elif kind == _BUSY:
            self.busy.discard(node)

    def touch(self, node: str) -> None:
        """A node whose pods change: busy until the next settle."""
        if self.kind.get(node) != _BUSY:
            self._unplace(node)
            self.kind[node] = _BUSY
            self.busy.add(node)

    # -- pods ---------------------------------------------------------------------------------

    def on(self, node: str) -> list[DaemonPod]:
        return self.by_node.get(node, [])

    def live(self, node: str) -> list[DaemonPod]:
        """The node's pods that are not being deleted, oldest first."""
        return [pod for pod in self.on(node) if not pod.terminating]

    def busy_nodes(self) -> list[str]:
        return sorted(self.busy)

    def create(self, node: str) -> None:
        self.touch(node)
        self.clock += 1
        pod = DaemonPod(node, updated=True, available=False, order=self.clock)
        self.by_node.setdefault(node, []).append(pod)

    def delete(self, pod: DaemonPod) -> None:
        self.touch(pod.node)
        pod.terminating = True

    def settle(self, frozen: bool) -> None:
        """Between steps: deleted pods are gone, the others are available (new pods stay
        unavailable when frozen); busy nodes are sorted into buckets again."""
        for node in list(self.busy):
            kept = [pod for pod in self.by_node.get(node, []) if not pod.terminating]
            if kept:
                self.by_node[node] = kept
            else:
                self.by_node.pop(node, None)
            for pod in kept:
                if not (frozen and pod.updated):
                    pod.available = True
                pod.failed = False
            self._unplace(node)
            self._place(node)

    def census(self) -> tuple[int, int, int, int]:
        """(pods, new pods not being deleted, old pods not being deleted, available pods not
        being deleted)."""
        total, new, old, available = 0, len(self.settled), len(self.old), 0
        available = len(self.settled) + len(self.old)
        total = available
        for node in self.busy:
            for pod in self.on(node):
                total += 1
                if pod.terminating:
                    continue
                new += pod.updated
                old += not pod.updated
                available += pod.available
        return total, new, old, available


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    deleted: list[DaemonPod] = field(default_factory=list)
    replacements: int = 0  # nodes whose old pod started being replaced in this step

    def create(self, fleet: Fleet, node: str) -> None:
        fleet.create(node)
        self.created.append(node)

    def delete(self, fleet: Fleet, pod: DaemonPod) -> None:
        if not pod.terminating:
            fleet.delete(pod)
            self.deleted.append(pod)


def counts(ds_strategy: dict[str, Any], desired: int) -> tuple[int, int]:
    """updatedDesiredNodeCounts: (maxSurge, maxUnavailable) for `desired` eligible nodes."""
    if ds_strategy.get("type", ROLLING_UPDATE) != ROLLING_UPDATE:
        return 0, 0
    rolling = ds_strategy.get("rollingUpdate")
    surge = unavailable = 0
    if isinstance(rolling, dict):
        unavailable = scaled_value(rolling.get("maxUnavailable"), desired, True)
        surge_value = rolling.get("maxSurge")
        surge = 0 if surge_value is None else scaled_value(surge_value, desired, True)
    if desired > 0 and unavailable == 0 and surge == 0:
        unavailable = 1
    return surge, unavailable


def sync_once(fleet: Fleet, cfg: DaemonConfig) -> SyncResult:
    """manage, then rollingUpdate (see the module docstring). `fleet` is mutated."""
    result = SyncResult()
    _manage(fleet, cfg, result)
    if cfg.strategy == ROLLING_UPDATE:
        if cfg.max_surge == 0:
            _rolling_update_unavailable(fleet, cfg, result)
        else:
            _rolling_update_surge(fleet, cfg, result)
    return result


def _manage(fleet: Fleet, cfg: DaemonConfig, result: SyncResult) -> None:
    """manage / podsShouldBeOnNode for every busy node (the others need nothing)."""
    surge = cfg.max_surge > 0
    for node in fleet.busy_nodes():
        should_run = node in cfg.eligible
        if should_run and not fleet.on(node):
            # a terminating pod still counts here: no replacement until it is gone
            result.create(fleet, node)
            continue
        running = []
        for pod in fleet.live(node):
            if pod.failed:
                result.delete(fleet, pod)
            else:
                running.append(pod)
        if not surge:
            for extra in running[1:]:  # all but the oldest
                result.delete(fleet, extra)
            continue
        if not running:
            if should_run:
                result.create(fleet, node)
            continue
        newest = [p for p in running if p.updated]
        oldest = [p for p in running if not p.updated]
        for extra in newest[1:] + oldest[1:]:
            result.delete(fleet, extra)
        if newest and oldest and (not oldest[0].available or newest[0].available):
            result.delete(fleet, oldest[0])


def _on_node(fleet: Fleet, node: str) -> tuple[DaemonPod | None, DaemonPod | None, bool]:
    """findUpdatedPodsOnNode: (new, old, ok) among the node's non-deleted pods."""
    new = old = None
    for pod in fleet.live(node):
        if pod.updated:
            if new is not None:
                return None, None, False
            new = pod
        else:
            if old is not None:
                return None, None, False
            old = pod
    return new, old, True


def _visited(fleet: Fleet, cfg: DaemonConfig) -> list[str]:
    """The busy part of getNodesToDaemonPods plus eligible nodes without pods; a node whose
    pods were all deleted in this sync drops out unless eligible."""
    return [node for node in fleet.busy_nodes() if node in cfg.eligible or fleet.live(node)]


def _first(fleet: Fleet, candidates: list[str], count: int) -> list[str]:
    """The first `count` candidates in name order: busy ones and the old bucket together."""
    if count <= 0:
        return []
    return sorted(candidates + fleet.old[:count])[:count]


def _rolling_update_unavailable(fleet: Fleet, cfg: DaemonConfig, result: SyncResult) -> None:
    """rollingUpdate without surge: delete old pods while staying within maxUnavailable."""
    unavailable = 0
    replacements: list[DaemonPod] = []
    candidates: list[str] = []
    for node in _visited(fleet, cfg):
        new, old, ok = _on_node(fleet, node)
        if not ok or (old is None and new is None) or (old is not None and new is not None):
            unavailable += 1
        elif new is not None:
            unavailable += 0 if new.available else 1
        elif old is not None and not old.available:
            replacements.append(old)
            unavailable += 1
        elif old is not None:
            candidates.append(node)
    remaining = min(cfg.max_unavailable - unavailable, len(candidates) + len(fleet.old))
    chosen = [_old_pod(fleet, node) for node in _first(fleet, candidates, remaining)]
    for pod in [*replacements, *chosen]:
        result.delete(fleet, pod)
        result.replacements += 1


def _old_pod(fleet: Fleet, node: str) -> DaemonPod:
    return next(pod for pod in fleet.live(node) if not pod.updated)


def _rolling_update_surge(fleet: Fleet, cfg: DaemonConfig, result: SyncResult) -> None:
    """rollingUpdate with surge: a new pod next to each old one, up to maxSurge at a time;
    pods on nodes that no longer qualify go only while more than the desired number are
    available."""
    to_delete: list[DaemonPod] = []
    not_run: list[DaemonPod] = []
    candidates: list[str] = []
    allowed: list[str] = []
    surging = 0
    available = len(fleet.settled) + len(fleet.old)
    for node in _visited(fleet, cfg):
        new, old, ok = _on_node(fleet, node)
        if not ok:
            surging += 1
            continue
        if old is not None:
            available += 1 if old.available else 0
        elif new is not None:
            available += 1 if new.available else 0
        if old is None:
            continue
        should_run = node in cfg.eligible
        if new is None:
            if not old.available:
                if not should_run:
                    to_delete.append(old)
                else:
                    allowed.append(node)
            elif not should_run:
                not_run.append(old)
            else:
                candidates.append(node)
            continue
        if not new.available:
            surging += 1
            continue
        to_delete.append(old)
    deletable = min(available - len(cfg.eligible), len(not_run))
    if deletable > 0:
        to_delete.extend(not_run[:deletable])
    remaining = min(cfg.max_surge - surging, len(candidates) + len(fleet.old))
    for pod in to_delete:
        result.delete(fleet, pod)
    for node in [*allowed, *_first(fleet, candidates, remaining)]:
        result.create(fleet, node)
        result.replacements += 1


# -- the simulation ---------------------------------------------------------------------------


@dataclass
class Timeline:
    steps: list[dict[str, Any]]
    batches: list[int]
    peak_pods: int
    min_available: int
    # (pods created, pods deleted) per listed step: update_test.go's expectSyncDaemonSets
    syncs: list[tuple[int, int]] = field(default_factory=list)
    truncated: bool = False


def simulate(
    pods: Iterable[DaemonPod], cfg: DaemonConfig, frozen: bool = False, fast: bool = True
) -> Timeline:
    """Run syncs until one after step 1 changes nothing. `frozen`: new pods never become
    available (the surge stall)."""
    fleet = Fleet(pods, cfg.eligible, fast)
    steps: list[dict[str, Any]] = []
    batches: list[int] = []
    syncs: list[tuple[int, int]] = []
    peak, _, _, lowest = fleet.census()
    limit = _STEP_LIMIT_FACTOR * (len(cfg.eligible) + peak + 1) + 10
    truncated, step = True, 0
    while step < limit:
        step += 1
        if step > 1:
            fleet.settle(frozen)
        available_before = fleet.census()[3]
        result = sync_once(fleet, cfg)
        if not (result.created or result.deleted):
            if step > 1:
                truncated = False
                break
            continue
        total, new, old, _ = fleet.census()
        peak = max(peak, total)
        lost = sum(1 for pod in result.deleted if pod.available)
        lowest = min(lowest, available_before - lost)
        if result.replacements:
            batches.append(result.replacements)
        syncs.append((len(result.created), len(result.deleted)))
        steps.append({"new": new, "old": old})
    return Timeline(steps, batches, peak, lowest, syncs, truncated)
