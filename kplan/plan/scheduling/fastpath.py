"""The cached scheduling cycle: same answers as framework.run_cycle, without visiting every
node for every pod.

kube-scheduler evaluates every plugin on every node for every pod. Replicas of one workload
share a template, and between two of its pods only the nodes that received or lost a pod
change. So, per template (TemplateCache):

- static filter verdicts (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity) and
  static raw scores (TaintToleration's PreferNoSchedule count, NodeAffinity's preferred
  weights) are computed once per distinct (tolerations, nodeSelector, affinity) and shared;
- node-local verdicts (NodePorts, NodeResourcesFit) and the node-local weighted score
  (NodeResourcesFit, BalancedAllocation, ImageLocality) are recomputed only for nodes that
  changed since the template last ran (the cluster keeps a log of pod additions/removals);
  a new template starts from the verdicts and scores of the templates with the same host
  ports, requests and scoring inputs (a LocalTable, valid per node generation), so many
  distinct templates of a few sizes do not each evaluate every node;
- cross-node plugins (PodTopologySpread, InterPodAffinity) keep their PreFilter/PreScore
  counts up to date from the same log (fast_spread, fast_affinity); building them visits
  only the placed pods that can count: those the template's terms or selectors may match
  and those whose own (anti-)affinity terms may match the template (Cluster.term_pods);
- nodes that pass the node-local filters are grouped by "signature": everything the
  normalised and cross-node plugins read from a node. Per pod, each group is filtered and
  scored once; the group's best node is the top of a heap ordered by (node-local score,
  node name). The winner is the group maximising node-local score + group score, ties to
  the node whose name sorts first, as in run_cycle.

Templates the cache does not model (volumes that the volume plugins check, pods pinned to
nodes by a PreFilterResult such as DaemonSet pods) and profiles with another plugin order use
the per-node cycle. tests/plan/scheduling/test_fastpath.py and test_many_templates.py
compare both paths.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from kplan.plan.scheduling.balanced_allocation import BalancedAllocation
from kplan.plan.scheduling.framework import (
    MAX_NODE_SCORE,
    Context,
    CycleResult,
    Plugin,
    Status,
)
from kplan.plan.scheduling.image_locality import image_locality_score
from kplan.plan.scheduling.node_affinity import (
    has_preferred_terms,
    node_affinity_status,
    preferred_raw_score,
    prefilter_node_names,
    required_affinity_matches,
)
from kplan.plan.scheduling.node_name import node_name_status
from kplan.plan.scheduling.node_resources_fit import NodeResourcesFit
from kplan.plan.scheduling.node_unschedulable import unschedulable_status
from kplan.plan.scheduling.nodeinfo import NodeInfo
from kplan.plan.scheduling.pod_topology_spread import (
    SpreadConstraint,
)
from kplan.plan.scheduling.podinfo import PodInfo, PodTemplate
from kplan.plan.scheduling.profile import Profile
from kplan.plan.scheduling.resources import CPU, MEMORY
from kplan.plan.scheduling.taint_toleration import (
    find_untolerated_taint,
    intolerable_prefer_no_schedule,
    taint_status,
)
from kplan.plan.scheduling.template_cache import LocalTable, TemplateCache
from kplan.plan.scheduling.volume import needs_volume_plugins

__all__ = ["FastEngine"]

_STATIC = ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity")
_LOCAL = ("NodePorts", "NodeResourcesFit")
_CROSS = ("PodTopologySpread", "InterPodAffinity")
_VOLUME = ("VolumeRestrictions", "VolumeBinding", "VolumeZone")
_PASSIVE = _VOLUME + (
    "NodeVolumeLimits",
    "EBSLimits",
    "GCEPDLimits",
    "AzureDiskLimits",
    "CinderLimits",
    "DynamicResources",
)
_SCORES = (
    "NodeResourcesFit",
    "NodeResourcesBalancedAllocation",
    "ImageLocality",
    "TaintToleration",
    "NodeAffinity",
    "PodTopologySpread",
    "InterPodAffinity",
    "VolumeBinding",
)
_CACHE_SIZE = 16
_TABLES = 64


class StaticData:
    """Per (tolerations, nodeSelector, affinity, nodeName): verdicts and raw scores that only
    depend on the node objects, and PodTopologySpread's node inclusion masks; `open` lists
    the nodes without a verdict, `failed` counts the others per (equal) status."""

    __slots__ = ("status", "taint_raw", "affinity_raw", "affinity_skip", "masks", "open", "failed")

    def __init__(
        self,
        status: list[Status | None],
        taint_raw: list[int],
        affinity_raw: list[int],
        affinity_skip: bool,
    ) -> None:
        self.status = status
        self.taint_raw = taint_raw
        self.affinity_raw = affinity_raw
        self.affinity_skip = affinity_skip
        self.masks: dict[tuple[bool, bool], list[bool]] = {}
        self.open = [index for index, found in enumerate(status) if found is None]
        failed: dict[Status, int] = {}
        for found in status:
            if found is not None:
                failed[found] = failed.get(found, 0) + 1
        self.failed = list(failed.items())


class FastEngine:
    """Drop-in for NaiveEngine (schedule, evaluate) with per-template caches."""

    @staticmethod
    def supports(profile: Profile) -> bool:
        """Filters in the order static < node-local < cross-node (the default profile's) and
        only scorers the cache models."""
        kinds = []
        for name in profile.filter:
            if name in _PASSIVE:
                continue
            if name in _STATIC:
                kinds.append(0)
            elif name in _LOCAL:
                kinds.append(1)
            elif name in _CROSS:
                kinds.append(2)
            else:
                return False
        if kinds != sorted(kinds):
            return False
        return all(name in _SCORES for name in profile.score)

    def __init__(self, context: Context, plugins: Mapping[str, Plugin], fallback: Any) -> None:
        self.context = context
        self.cluster = context.cluster
        self.profile = context.profile
        self.features = context.features
        self.plugins = plugins
        self.fallback = fallback
        self.weights = dict(self.profile.weights)
        self.filters = set(self.profile.filter)
        self.scores = set(self.profile.score)
        self._static: dict[tuple[str, ...], StaticData] = {}
        self._caches: OrderedDict[int, TemplateCache] = OrderedDict()
        self._tables: OrderedDict[tuple[Any, ...], LocalTable] = OrderedDict()

    def evaluate(self, pod: PodInfo, node: NodeInfo) -> Status | None:
        return self.fallback.evaluate(pod, node)

    def schedule(self, pod: PodInfo) -> CycleResult:
        template = pod.template
        if self._needs_fallback(template):
            return self.fallback.schedule(pod)
        cache = self._caches.get(template.key)
        if cache is None or not cache.sync():
            cache = TemplateCache(self, template)
            self._caches[template.key] = cache
            if len(self._caches) > _CACHE_SIZE:
                self._caches.popitem(last=False)
        else:
            self._caches.move_to_end(template.key)
        return cache.decide()

    def _needs_fallback(self, template: PodTemplate) -> bool:
        if needs_volume_plugins(template) and any(v in self.filters for v in _VOLUME):
            return True
        if "NodeAffinity" in self.profile.pre_filter:
            names, status = prefilter_node_names(template)
            if names is not None or status is not None:
                return True
        return False

    # -- shared per-template data ------------------------------------------------------------

    def static_data(self, template: PodTemplate) -> StaticData:
        key = (
            json.dumps(template.tolerations, sort_keys=True, default=str),
            json.dumps(template.node_selector, sort_keys=True, default=str),
            json.dumps(template.node_affinity, sort_keys=True, default=str),
            str(template.spec.get("nodeName") or ""),
        )
        data = self._static.get(key)
        if data is None:
            data = self._build_static(template)
            self._static[key] = data
        return data

    def _build_static(self, template: PodTemplate) -> StaticData:
        nodes = self.cluster.nodes
        order = [name for name in self.profile.filter if name in _STATIC]
        generic = self.features.generic_taint_message
        added = self.profile.arg("NodeAffinity", "addedAffinity")
        added = added if isinstance(added, Mapping) else None
        checks: list[Callable[[NodeInfo], Status | None]] = []
        for name in order:
            if name == "NodeUnschedulable":
                checks.append(lambda node: unschedulable_status(template, node))
            elif name == "NodeName":
                checks.append(lambda node: node_name_status(template, node))
            elif name == "TaintToleration":
                checks.append(lambda node: taint_status(template, node, generic))
            elif name == "NodeAffinity" and (
                template.node_selector or template.node_affinity or added
            ):
                checks.append(lambda node: node_affinity_status(template, node, added))
        statuses: list[Status | None] = []
        for node in nodes:
            found = None
            for check in checks:
                found = check(node)
                if found is not None:
                    break
            statuses.append(found)
        taint_raw = [0] * len(nodes)
        if "TaintToleration" in self.scores:
            taint_raw = [
                intolerable_prefer_no_schedule(template, node) if node.taints else 0
                for node in nodes
            ]
        affinity_skip = not has_preferred_terms(template, added)
        affinity_raw = [0] * len(nodes)
        if "NodeAffinity" in self.scores and not affinity_skip:
            affinity_raw = [preferred_raw_score(template, node, added) for node in nodes]
        return StaticData(statuses, taint_raw, affinity_raw, affinity_skip)

    def inclusion(
        self, template: PodTemplate, data: StaticData
    ) -> Callable[[SpreadConstraint], list[bool]]:
        """Per node, whether it passes a spread constraint's node inclusion policies
        (matchNodeInclusionPolicies; before 1.26 the pod's required node affinity)."""
        nodes = self.cluster.nodes
        policies = self.features.node_inclusion_policy

        def mask(constraint: SpreadConstraint) -> list[bool]:
            honor_affinity = constraint.honor_affinity if policies else True
            honor_taints = constraint.honor_taints if policies else False
            key = (honor_affinity, honor_taints)
            cached = data.masks.get(key)
            if cached is not None:
                return cached
            result = [True] * len(nodes)
            if honor_affinity and (template.node_selector or template.node_affinity):
                result = [required_affinity_matches(template, node) for node in nodes]
            if honor_taints:
                result = [
                    ok and find_untolerated_taint(node.taints, template.tolerations) is None
                    for ok, node in zip(result, nodes, strict=True)
                ]
            data.masks[key] = result
            return result

        return mask

    def local_table(self, template: PodTemplate) -> LocalTable | None:
        """The NodePorts/NodeResourcesFit verdicts and node-local scores shared by the
        templates with the same host ports, requests and cpu/memory scoring inputs (None for
        the generic scorers, whose inputs are the whole template)."""
        fit = self.plugins.get("NodeResourcesFit") if "NodeResourcesFit" in self.scores else None
        balanced_name = "NodeResourcesBalancedAllocation"
        balanced = self.plugins.get(balanced_name) if balanced_name in self.scores else None
        if isinstance(balanced, BalancedAllocation) and balanced.skips(template):
            balanced = None
        if not _default_resources(fit, balanced):
            return None
        requests = template.requests
        key = (
            template.host_ports,
            requests.milli_cpu,
            requests.memory,
            requests.ephemeral_storage,
            tuple(sorted(requests.scalar.items())),
            template.score_requests.get(CPU, 0),
            template.score_requests.get(MEMORY, 0),
            template.plain_requests.get(CPU, 0),
            template.plain_requests.get(MEMORY, 0),
            balanced is not None,
        )
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = LocalTable(len(self.cluster.nodes))
            if len(self._tables) > _TABLES:
                self._tables.popitem(last=False)
        else:
            self._tables.move_to_end(key)
        return table

    def local_scorer(self, template: PodTemplate) -> Callable[[NodeInfo], int]:
        """The weighted sum of NodeResourcesFit and BalancedAllocation for a node; memoised
        by node state for the default cpu/memory configuration."""
        weights = self.weights
        fit = self.plugins.get("NodeResourcesFit") if "NodeResourcesFit" in self.scores else None
        balanced_name = "NodeResourcesBalancedAllocation"
        balanced = self.plugins.get(balanced_name) if balanced_name in self.scores else None
        if isinstance(balanced, BalancedAllocation) and balanced.skips(template):
            balanced = None
        fit_w = weights.get("NodeResourcesFit", 1)
        balanced_w = weights.get(balanced_name, 1)
        special = _default_resources(fit, balanced)
        if not special:

            def generic(node: NodeInfo) -> int:
                total = 0
                if isinstance(fit, NodeResourcesFit):
                    total += fit_w * fit.node_score(template, node)
                if isinstance(balanced, BalancedAllocation):
                    total += balanced_w * balanced.node_score(template, node)
                return total

            return generic
        fit_weights = _cpu_memory_weights(fit) if fit is not None else None
        pod_nz_cpu = template.score_requests.get(CPU, 0)
        pod_nz_mem = template.score_requests.get(MEMORY, 0)
        pod_cpu = template.plain_requests.get(CPU, 0)
        pod_mem = template.plain_requests.get(MEMORY, 0)
        memo: dict[tuple[int, ...], int] = {}

        def special_score(node: NodeInfo) -> int:
            key = (
                node.alloc_cpu,
                node.alloc_memory,
                node.nz_cpu,
                node.nz_memory,
                node.req_cpu,
                node.req_memory,
            )
            cached = memo.get(key)
            if cached is not None:
                return cached
            alloc_cpu, alloc_mem = node.alloc_cpu, node.alloc_memory
            total = 0
            if fit_weights is not None:
                w_cpu, w_mem = fit_weights
                score = weight_sum = 0
                if alloc_cpu:
                    requested = node.nz_cpu + pod_nz_cpu
                    if requested <= alloc_cpu:
                        score += (alloc_cpu - requested) * MAX_NODE_SCORE // alloc_cpu * w_cpu
                    weight_sum += w_cpu
                if alloc_mem:
                    requested = node.nz_memory + pod_nz_mem
                    if requested <= alloc_mem:
                        score += (alloc_mem - requested) * MAX_NODE_SCORE // alloc_mem * w_mem
                    weight_sum += w_mem
                total += fit_w * (score // weight_sum if weight_sum else 0)
            if balanced is not None:
                fractions = []
                if alloc_cpu:
                    fractions.append(min(float(node.req_cpu + pod_cpu) / float(alloc_cpu), 1.0))
                if alloc_mem:
                    fractions.append(min(float(node.req_memory + pod_mem) / float(alloc_mem), 1.0))
                std = abs((fractions[0] - fractions[1]) / 2) if len(fractions) == 2 else 0.0
                total += balanced_w * int((1 - std) * float(MAX_NODE_SCORE))
            memo[key] = total
            return total

        return special_score

    def image_scores(self, template: PodTemplate) -> dict[int, int]:
        """Weighted ImageLocality per node index, for the nodes holding one of the images
        (all others score 0: the sum stays under the 23MB threshold)."""
        if "ImageLocality" not in self.scores:
            return {}
        weight = self.weights.get("ImageLocality", 1)
        holders: set[int] = set()
        for image in template.images:
            holders.update(self.cluster.image_index.get(image, ()))
        result = {}
        for index in holders:
            score = image_locality_score(template, self.cluster.nodes[index], self.cluster)
            if score:
                result[index] = weight * score
        return result


def _default_resources(fit: Plugin | None, balanced: Plugin | None) -> bool:
    """Both resource scorers (those enabled) use exactly cpu and memory, LeastAllocated."""
    if fit is not None:
        if not isinstance(fit, NodeResourcesFit) or _cpu_memory_weights(fit) is None:
            return False
        strategy = fit.context.profile.arg("NodeResourcesFit", "scoringStrategy") or {}
        if (strategy.get("type") or "LeastAllocated") != "LeastAllocated":
            return False
    if balanced is not None:
        if not isinstance(balanced, BalancedAllocation):
            return False
        names = [name for name, _w in balanced.scorer.resources]
        if names != [CPU, MEMORY]:
            return False
    return True


def _cpu_memory_weights(fit: Plugin | None) -> tuple[int, int] | None:
    if not isinstance(fit, NodeResourcesFit):
        return None
    resources = fit.scorer.resources
    if [name for name, _w in resources] != [CPU, MEMORY]:
        return None
    return resources[0][1], resources[1][1]
