"""NodeResourcesFit (plugins/noderesources/fit.go, least_allocated.go, most_allocated.go,
requested_to_capacity_ratio.go, resource_allocation.go).

Filter (fitsRequest): one more pod must fit the node's `pods` allocatable (`Too many pods`);
a pod that requests nothing stops there; otherwise every requested resource must fit what is
left (`Insufficient cpu`, `Insufficient memory`, `Insufficient ephemeral-storage`,
`Insufficient <name>` for scalar resources; a node without the resource has 0). Since 1.27 a
zero request is never insufficient, even on an over-committed node. All reasons are reported
together, Unschedulable.

Score (resourceAllocationScorer with useRequested=false): per configured resource the node's
NonZeroRequested plus the pod's request with the 100m/200Mi defaults for containers without
requests, against allocatable; resources the node lacks (or scalar ones the pod does not
request) are skipped; the strategy turns each (requested, allocatable) into 0..100 and the
weighted average (integer division) is the score. No NormalizeScore.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kplan.plan.scheduling.framework import (
    MAX_NODE_SCORE,
    UNSCHEDULABLE,
    CycleState,
    Plugin,
    Status,
)
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate
from kplan.plan.scheduling.resources import (
    CPU,
    MEMORY,
    is_extended_resource_name,
    is_scalar_resource_name,
)

__all__ = [
    "NodeResourcesFit",
    "ResourceScorer",
    "fits_request",
    "least_requested_score",
    "most_requested_score",
]


def fits_request(
    template: PodTemplate,
    node: NodeInfo,
    *,
    skip_zero: bool = True,
    ignored: frozenset[str] = frozenset(),
    ignored_groups: frozenset[str] = frozenset(),
) -> list[str]:
    """fitsRequest: the reasons the node cannot take the pod (empty when it fits)."""
    reasons: list[str] = []
    if len(node.pods) + 1 > node.alloc_pods:
        reasons.append("Too many pods")
    request = template.requests
    if request.is_zero():
        return reasons
    cpu = request.milli_cpu
    if (cpu > 0 or not skip_zero) and cpu > node.alloc_cpu - node.req_cpu:
        reasons.append("Insufficient cpu")
    memory = request.memory
    if (memory > 0 or not skip_zero) and memory > node.alloc_memory - node.req_memory:
        reasons.append("Insufficient memory")
    storage = request.ephemeral_storage
    if (storage > 0 or not skip_zero) and storage > node.alloc_ephemeral - node.req_ephemeral:
        reasons.append("Insufficient ephemeral-storage")
    for name, amount in request.scalar.items():
        if amount == 0:
            continue
        if is_extended_resource_name(name) and (
            name in ignored or (ignored_groups and name.split("/", 1)[0] in ignored_groups)
        ):
            continue
        if amount > node.alloc_scalar.get(name, 0) - node.req_scalar.get(name, 0):
            reasons.append(f"Insufficient {name}")
    return reasons


def least_requested_score(requested: int, capacity: int) -> int:
    """leastRequestedScore: the free share, 0..100 (0 when over capacity)."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def most_requested_score(requested: int, capacity: int) -> int:
    """mostRequestedScore: the used share, capped at 100."""
    if capacity == 0:
        return 0
    if requested > capacity:
        requested = capacity
    return requested * MAX_NODE_SCORE // capacity


def _broken_linear(shape: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    """helper.BuildBrokenLinearFunction over (utilization, score) points."""

    def function(p: int) -> int:
        for i, (utilization, score) in enumerate(shape):
            if p <= utilization:
                if i == 0:
                    return shape[0][1]
                previous_u, previous_s = shape[i - 1]
                return previous_s + (score - previous_s) * (p - previous_u) // (
                    utilization - previous_u
                )
        return shape[-1][1]

    return function


def _go_div(a: int, b: int) -> int:
    """Go's integer division truncates toward zero."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


class ResourceScorer:
    """resourceAllocationScorer: which resources, their weights, how to score, and whether
    the node side is Requested (BalancedAllocation) or NonZeroRequested."""

    def __init__(self, resources: Sequence[Mapping[str, Any]], use_requested: bool) -> None:
        self.resources: list[tuple[str, int]] = []
        for item in resources or []:
            if isinstance(item, Mapping) and item.get("name"):
                weight = item.get("weight")
                self.resources.append(
                    (str(item["name"]), int(weight) if isinstance(weight, int) else 1)
                )
        self.use_requested = use_requested

    def pod_request(self, template: PodTemplate, resource: str) -> int:
        source = template.plain_requests if self.use_requested else template.score_requests
        return source.get(resource, 0)

    def vectors(self, template: PodTemplate, node: NodeInfo) -> tuple[list[int], list[int]]:
        """(requested, allocatable) per resource; allocatable 0 marks a resource to skip."""
        requested: list[int] = []
        allocatable: list[int] = []
        for name, _weight in self.resources:
            pod_request = self.pod_request(template, name)
            if pod_request == 0 and is_scalar_resource_name(name):
                requested.append(0)
                allocatable.append(0)
                continue
            if name not in (CPU, MEMORY) and not node.has_allocatable(name):
                requested.append(0)
                allocatable.append(0)
                continue
            requested.append(node.requested(name, self.use_requested) + pod_request)
            allocatable.append(node.allocatable(name))
        return requested, allocatable


def strategy_scorer(args: Mapping[str, Any]) -> tuple[ResourceScorer, Callable[..., int]]:
    """The configured scoring strategy of NodeResourcesFit (LeastAllocated by default)."""
    strategy = (
        args.get("scoringStrategy") if isinstance(args.get("scoringStrategy"), Mapping) else {}
    )
    kind = strategy.get("type") or "LeastAllocated"
    resources = strategy.get("resources") or [
        {"name": CPU, "weight": 1},
        {"name": MEMORY, "weight": 1},
    ]
    scorer = ResourceScorer(resources, use_requested=False)
    weights = [w for _n, w in scorer.resources]
    if kind == "RequestedToCapacityRatio":
        ratio = strategy.get("requestedToCapacityRatio") or {}
        points = sorted(
            (int(p.get("utilization", 0)), int(p.get("score", 0)) * MAX_NODE_SCORE // 10)
            for p in ratio.get("shape") or []
            if isinstance(p, Mapping)
        ) or [(0, 0), (100, MAX_NODE_SCORE)]
        raw = _broken_linear(points)

        def ratio_score(requested: list[int], allocatable: list[int]) -> int:
            node_score = weight_sum = 0
            for i, weight in enumerate(weights):
                if allocatable[i] == 0:
                    continue
                if requested[i] > allocatable[i]:
                    value = raw(100)
                else:
                    value = raw(requested[i] * 100 // allocatable[i])
                node_score += value * weight
                weight_sum += weight
            if weight_sum == 0:
                return 0
            return int(math.floor(node_score / weight_sum + 0.5))

        return scorer, ratio_score
    single = most_requested_score if kind == "MostAllocated" else least_requested_score

    def weighted(requested: list[int], allocatable: list[int]) -> int:
        node_score = weight_sum = 0
        for i, weight in enumerate(weights):
            if allocatable[i] == 0:
                continue
            node_score += single(requested[i], allocatable[i]) * weight
            weight_sum += weight
        if weight_sum == 0:
            return 0
        return _go_div(node_score, weight_sum)

    return scorer, weighted


class NodeResourcesFit(Plugin):
    name = "NodeResourcesFit"

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        args = context.profile.args.get(self.name, {})
        self.ignored = frozenset(args.get("ignoredResources") or [])
        self.ignored_groups = frozenset(args.get("ignoredResourceGroups") or [])
        self.scorer, self.strategy = strategy_scorer(args)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        reasons = fits_request(
            pod.template,
            node,
            skip_zero=self.features.fit_skips_zero_requests,
            ignored=self.ignored,
            ignored_groups=self.ignored_groups,
        )
        return Status(UNSCHEDULABLE, *reasons) if reasons else None

    def node_score(self, template: PodTemplate, node: NodeInfo) -> int:
        requested, allocatable = self.scorer.vectors(template, node)
        return self.strategy(requested, allocatable)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return self.node_score(pod.template, node)
