"""DefaultPreemption (plugins/defaultpreemption, framework/preemption/preemption.go).

When no node fits, the PostFilter looks for nodes where evicting lower-priority pods would
let the pod in:

- a pod with `preemptionPolicy: Never` is not eligible
  (`preemption: not eligible due to preemptionPolicy=Never.`);
- only nodes whose filter status is Unschedulable are candidates (UnschedulableAndUnresolvable
  ones report `Preemption is not helpful for scheduling`);
- per candidate (SelectVictimsOnNode): remove every pod of lower priority; without any,
  `No preemption victims found for incoming pod`; if the pod still does not fit, the filter
  reason; otherwise add the removed pods back one by one, most important first (higher
  priority, then earlier start), keeping those that still let the pod fit; the others are
  the victims;
- among the nodes with victims (pickOneNodeForPreemption): fewest PodDisruptionBudget
  violations (kplan has no PDBs: 0), lowest highest victim priority, lowest sum of
  priorities, fewest victims, latest start of the highest-priority victims, then the first.

Without a candidate the message is `preemption: ` + a FitError over the dry-run statuses.
kube-scheduler dry-runs the candidate nodes from a random offset and stops once it has found
max(100, 10% of them) nodes with victims (minCandidateNodesAbsolute/Percentage); kplan starts
at the first node by name. Pod start times are not in the pod views: kplan uses
the order pods were recorded or placed instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kplan.plan.scheduling.framework import (
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    Status,
)
from kplan.plan.scheduling.messages import (
    PREEMPTION_NO_VICTIMS,
    PREEMPTION_NOT_HELPFUL,
    fit_error_message,
)
from kplan.plan.scheduling.nodeinfo import Cluster, NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo

__all__ = ["Candidate", "PreemptionOutcome", "preempt"]

MAX_INT32 = 2**31 - 1
NOT_ELIGIBLE_NEVER = "not eligible due to preemptionPolicy=Never."

# (pod, node) -> the filter status of the pod on the node in the cluster's current state
Evaluate = Callable[[PodInfo, NodeInfo], Status | None]


@dataclass
class Candidate:
    node: NodeInfo
    victims: list[PodInfo]
    pdb_violations: int = 0


@dataclass
class PreemptionOutcome:
    """`message` is the PostFilter message ("" when preemption found a node)."""

    message: str
    candidate: Candidate | None = None
    statuses: dict[int, Status] = field(default_factory=dict)


def _more_important_key(pod: PodInfo) -> tuple[int, int]:
    return (-pod.priority, pod.start_order)


def select_victims(
    pod: PodInfo, node: NodeInfo, cluster: Cluster, evaluate: Evaluate
) -> tuple[list[PodInfo], Status | None]:
    """SelectVictimsOnNode; leaves the cluster as it found it."""
    lower = [p for p in node.pods if p.priority < pod.priority]
    if not lower:
        return [], Status(UNSCHEDULABLE_AND_UNRESOLVABLE, PREEMPTION_NO_VICTIMS)
    saved = list(node.pods)
    saved_affinity = list(node.pods_with_affinity)
    saved_anti = list(node.pods_with_required_anti_affinity)
    removed: list[PodInfo] = []
    for victim in lower:
        cluster.detach(victim)
        removed.append(victim)
    try:
        status = evaluate(pod, node)
        if status is not None:
            return [], status
        victims: list[PodInfo] = []
        for candidate in sorted(lower, key=_more_important_key):
            cluster.attach(candidate)
            removed.remove(candidate)
            if evaluate(pod, node) is not None:
                cluster.detach(candidate)
                removed.append(candidate)
                victims.append(candidate)
        return victims, None
    finally:
        for victim in removed:
            cluster.attach(victim)
        node.pods[:] = saved
        node.pods_with_affinity[:] = saved_affinity
        node.pods_with_required_anti_affinity[:] = saved_anti


def _pick(candidates: Sequence[Candidate]) -> Candidate:
    """pickOneNodeForPreemption (candidates are in node order; the first wins ties)."""

    def key(candidate: Candidate) -> tuple[int, int, int, int, int]:
        victims = candidate.victims
        highest = max(v.priority for v in victims)
        total = sum(v.priority + MAX_INT32 + 1 for v in victims)
        earliest_of_highest = min(v.start_order for v in victims if v.priority == highest)
        return (candidate.pdb_violations, highest, total, len(victims), -earliest_of_highest)

    return min(candidates, key=key)


def candidates_wanted(potential: int, percentage: int = 10, absolute: int = 100) -> int:
    """calculateNumCandidates: stop the dry run once this many candidates are found."""
    wanted = potential * percentage // 100
    if wanted < absolute:
        wanted = absolute
    return min(wanted, potential)


def preempt(
    pod: PodInfo,
    cluster: Cluster,
    statuses: Callable[[], dict[int, Status]],
    counts: Sequence[tuple[Status, int]],
    absent: Status | None,
    evaluate: Evaluate,
    percentage: int = 10,
    absolute: int = 100,
) -> PreemptionOutcome:
    """Evaluator.Preempt for a pod no node fits. `statuses()` gives the filter status by node
    index, `counts` the same as (status, number of nodes); `absent` is the status of the
    nodes without one. Without any lower-priority pod in the cluster every candidate node
    reports "No preemption victims found" and the per-node statuses are not needed."""
    if pod.preempt_never:
        return PreemptionOutcome("preemption: " + NOT_ELIGIBLE_NEVER)
    num_nodes = len(cluster.nodes)
    not_helpful = Status(UNSCHEDULABLE_AND_UNRESOLVABLE, PREEMPTION_NOT_HELPFUL)
    if not cluster.has_lower_priority(pod.priority):
        candidates_count = sum(n for status, n in counts if status.code == UNSCHEDULABLE)
        explicit = sum(n for _status, n in counts)
        if absent is not None and absent.code == UNSCHEDULABLE:
            candidates_count += num_nodes - explicit
        no_victims = Status(UNSCHEDULABLE_AND_UNRESOLVABLE, PREEMPTION_NO_VICTIMS)
        summary = [(no_victims, candidates_count)] if candidates_count else []
        message = fit_error_message(num_nodes, summary, not_helpful)
        return PreemptionOutcome("preemption: " + message)
    by_node = statuses()
    potential = []
    for node in cluster.nodes:
        status = by_node.get(node.index, absent)
        if status is not None and status.code == UNSCHEDULABLE:
            potential.append(node)
    dry_run: dict[int, Status] = {}
    candidates: list[Candidate] = []
    wanted = candidates_wanted(len(potential), percentage, absolute)
    for node in potential:
        if len(candidates) >= wanted:
            break
        if not any(p.priority < pod.priority for p in node.pods):
            dry_run[node.index] = Status(UNSCHEDULABLE_AND_UNRESOLVABLE, PREEMPTION_NO_VICTIMS)
            continue
        victims, status = select_victims(pod, node, cluster, evaluate)
        if status is not None:
            dry_run[node.index] = status
        elif victims:
            candidates.append(Candidate(node, victims))
        else:  # the pod fits without evicting anything: upstream reports an internal error
            dry_run[node.index] = Status(
                UNSCHEDULABLE_AND_UNRESOLVABLE,
                f'expected at least one victim pod on node "{node.name}"',
            )
    if not candidates:
        message = fit_error_message(num_nodes, [(s, 1) for s in dry_run.values()], not_helpful)
        return PreemptionOutcome("preemption: " + message, None, dry_run)
    return PreemptionOutcome("", _pick(candidates), dry_run)
