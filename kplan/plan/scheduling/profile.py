"""Scheduler profiles: the default one per Kubernetes version, and KubeSchedulerConfiguration.

pkg/scheduler/apis/config/v1/default_plugins.go getDefaultPlugins lists one MultiPoint set;
each plugin runs at every extension point it implements, in list order (Filter stops at the
first plugin that rejects a node, so the order decides which reason a node reports). Score
weights: TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2,
NodeResourcesFit 1, NodeResourcesBalancedAllocation 1, ImageLocality 1 (unchanged 1.25-1.37).
Per version:

- 1.25-1.30 list the in-tree volume-limit filters EBSLimits, GCEPDLimits, AzureDiskLimits;
  1.31 dropped them from the defaults (PR #124500).
- DynamicResources joins just before DefaultPreemption when DynamicResourceAllocation is on
  (GA, default on, from 1.34).
- SchedulingGates (PreEnqueue only) is listed from 1.26; the gate is on from 1.27.

A configuration file is merged into the defaults as mergePlugins does (per extension point,
disabled names removed, re-configured defaults replaced in place, new plugins appended) and
expanded as frameworkImpl.expandMultiPointPlugins does. `Features` carries the feature-gate
and behaviour differences between versions that the plugins need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DEFAULT_SCHEDULER",
    "Features",
    "PluginRef",
    "Profile",
    "ProfileError",
    "default_profile",
    "features_for",
    "parse_version",
    "profile_from_config",
]

DEFAULT_SCHEDULER = "default-scheduler"
OLDEST, NEWEST = 25, 37

# Extension points each in-tree plugin implements (the ones kplan simulates).
_POINTS: dict[str, frozenset[str]] = {
    "SchedulingGates": frozenset({"preEnqueue"}),
    "PrioritySort": frozenset({"queueSort"}),
    "NodeUnschedulable": frozenset({"filter"}),
    "NodeName": frozenset({"filter"}),
    "TaintToleration": frozenset({"filter", "preScore", "score"}),
    "NodeAffinity": frozenset({"preFilter", "filter", "preScore", "score"}),
    "NodePorts": frozenset({"preFilter", "filter"}),
    "NodeResourcesFit": frozenset({"preFilter", "filter", "preScore", "score"}),
    "VolumeRestrictions": frozenset({"preFilter", "filter"}),
    "EBSLimits": frozenset({"filter"}),
    "GCEPDLimits": frozenset({"filter"}),
    "AzureDiskLimits": frozenset({"filter"}),
    "CinderLimits": frozenset({"filter"}),
    "NodeVolumeLimits": frozenset({"preFilter", "filter"}),
    "VolumeBinding": frozenset({"preFilter", "filter", "preScore", "score"}),
    "VolumeZone": frozenset({"preFilter", "filter"}),
    "PodTopologySpread": frozenset({"preFilter", "filter", "preScore", "score"}),
    "InterPodAffinity": frozenset({"preFilter", "filter", "preScore", "score"}),
    "DynamicResources": frozenset({"preFilter", "filter", "postFilter"}),
    "DefaultPreemption": frozenset({"postFilter"}),
    "NodeResourcesBalancedAllocation": frozenset({"preScore", "score"}),
    "ImageLocality": frozenset({"score"}),
    "DefaultBinder": frozenset({"bind"}),
}
_EXTENSION_POINTS = (
    "preEnqueue",
    "queueSort",
    "preFilter",
    "filter",
    "postFilter",
    "preScore",
    "score",
    "reserve",
    "permit",
    "preBind",
    "bind",
    "postBind",
)


class ProfileError(ValueError):
    """A configuration kube-scheduler would refuse to start with."""


def parse_version(version: str) -> int:
    """The minor version of "1.31", "v1.31.4" or "1.31.6-gke.1"; clamped to 1.25-1.37."""
    text = version.strip().lstrip("v")
    parts = text.split(".")
    try:
        major, minor = int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or "x")
    except (ValueError, IndexError) as error:
        raise ProfileError(f"not a Kubernetes version: {version!r}") from error
    if major != 1:
        raise ProfileError(f"not a Kubernetes version: {version!r}")
    return min(max(minor, OLDEST), NEWEST)


@dataclass(frozen=True)
class Features:
    """Behaviour that changed between kube-scheduler releases (minor version `minor`)."""

    minor: int

    @property
    def fit_skips_zero_requests(self) -> bool:
        """fitsRequest checks `podRequest.X > 0` first (PR #116408, 1.27)."""
        return self.minor >= 27

    @property
    def balanced_skips_best_effort(self) -> bool:
        """BalancedAllocation PreScore returns Skip for pods without requests (PR #130260,
        1.33)."""
        return self.minor >= 33

    @property
    def image_locality_init_containers(self) -> bool:
        """ImageLocality counts init container images (PR #123366, 1.30)."""
        return self.minor >= 30

    @property
    def generic_taint_message(self) -> bool:
        """`node(s) had untolerated taint(s)` instead of naming the taint (PR #134740, 1.35)."""
        return self.minor >= 35

    @property
    def prefilter_absent_reason(self) -> str:
        """The reason of nodes a PreFilterResult excluded (PR #119779; reworded with the
        NodeToStatus refactor in 1.31)."""
        if self.minor >= 31:
            return "node(s) didn't satisfy plugin(s) [{plugins}]"
        return "node is filtered out by the prefilter result"

    @property
    def dynamic_resources(self) -> bool:
        """DynamicResourceAllocation GA and on by default (1.34)."""
        return self.minor >= 34

    @property
    def dra_postfilter_message(self) -> bool:
        """DynamicResources' PostFilter runs before preemption and says `no new claims to
        deallocate` for pods without claims (1.34-1.36; removed by PR #140222)."""
        return 34 <= self.minor <= 36

    @property
    def in_tree_volume_limits(self) -> bool:
        return self.minor <= 30

    @property
    def scheduling_gates(self) -> bool:
        """PodSchedulingReadiness beta, on by default (1.27)."""
        return self.minor >= 27

    @property
    def node_inclusion_policy(self) -> bool:
        """NodeInclusionPolicyInPodTopologySpread beta, on (1.26)."""
        return self.minor >= 26

    @property
    def min_domains(self) -> bool:
        """MinDomainsInPodTopologySpread on by default (1.27)."""
        return self.minor >= 27

    @property
    def match_label_keys_spread(self) -> bool:
        """MatchLabelKeysInPodTopologySpread beta, on (1.27)."""
        return self.minor >= 27

    @property
    def match_label_keys_affinity(self) -> bool:
        """MatchLabelKeysInPodAffinity beta, on (1.31); merged by the API server at create."""
        return self.minor >= 31

    @property
    def sidecars(self) -> bool:
        """SidecarContainers beta, on (1.29): restartPolicy Always init containers."""
        return self.minor >= 29

    @property
    def pod_level_resources(self) -> bool:
        """PodLevelResources beta, on (1.34)."""
        return self.minor >= 34


def features_for(version: str) -> Features:
    return Features(parse_version(version))


@dataclass(frozen=True)
class PluginRef:
    name: str
    weight: int = 0


@dataclass
class Profile:
    """The plugins of one extension point each, in order, and the plugins' args."""

    scheduler_name: str
    features: Features
    pre_filter: list[str] = field(default_factory=list)
    filter: list[str] = field(default_factory=list)
    post_filter: list[str] = field(default_factory=list)
    pre_score: list[str] = field(default_factory=list)
    score: list[str] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    pre_enqueue: list[str] = field(default_factory=list)

    def arg(self, plugin: str, name: str, default: Any = None) -> Any:
        return self.args.get(plugin, {}).get(name, default)


def _default_multipoint(features: Features) -> list[PluginRef]:
    plugins = []
    if features.minor >= 26:
        plugins.append(PluginRef("SchedulingGates"))
    plugins += [
        PluginRef("PrioritySort"),
        PluginRef("NodeUnschedulable"),
        PluginRef("NodeName"),
        PluginRef("TaintToleration", 3),
        PluginRef("NodeAffinity", 2),
        PluginRef("NodePorts"),
        PluginRef("NodeResourcesFit", 1),
        PluginRef("VolumeRestrictions"),
    ]
    if features.in_tree_volume_limits:
        plugins += [PluginRef("EBSLimits"), PluginRef("GCEPDLimits")]
    plugins.append(PluginRef("NodeVolumeLimits"))
    if features.in_tree_volume_limits:
        plugins.append(PluginRef("AzureDiskLimits"))
    plugins += [
        PluginRef("VolumeBinding"),
        PluginRef("VolumeZone"),
        PluginRef("PodTopologySpread", 2),
        PluginRef("InterPodAffinity", 2),
    ]
    if features.dynamic_resources:
        plugins.append(PluginRef("DynamicResources"))
    plugins += [
        PluginRef("DefaultPreemption"),
        PluginRef("NodeResourcesBalancedAllocation", 1),
        PluginRef("ImageLocality", 1),
        PluginRef("DefaultBinder"),
    ]
    return plugins


def _default_args() -> dict[str, dict[str, Any]]:
    """pkg/scheduler/apis/config/v1/defaults.go: the args every profile gets."""
    return {
        "NodeResourcesFit": {
            "ignoredResources": [],
            "ignoredResourceGroups": [],
            "scoringStrategy": {
                "type": "LeastAllocated",
                "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
            },
        },
        "NodeResourcesBalancedAllocation": {
            "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
        },
        "InterPodAffinity": {
            "hardPodAffinityWeight": 1,
            "ignorePreferredTermsOfExistingPods": False,
        },
        "PodTopologySpread": {"defaultingType": "System", "defaultConstraints": []},
        "NodeAffinity": {},
        "DefaultPreemption": {"minCandidateNodesPercentage": 10, "minCandidateNodesAbsolute": 100},
    }


def default_profile(version: str) -> Profile:
    """The default-scheduler profile of a Kubernetes version."""
    features = features_for(version)
    return _build(DEFAULT_SCHEDULER, features, {"multiPoint": _default_multipoint(features)}, {})


def _build(
    name: str,
    features: Features,
    points: Mapping[str, list[PluginRef]],
    disabled: Mapping[str, set[str]],
    args: Mapping[str, dict[str, Any]] | None = None,
    overrides: Mapping[str, set[str]] | None = None,
) -> Profile:
    """expandMultiPointPlugins: per extension point, explicitly configured plugins that also
    appear in MultiPoint first (their explicit position), then MultiPoint plugins, then the
    other explicit ones; weights from the Score list first, else MultiPoint, 0 means 1."""
    profile = Profile(name, features)
    profile.args = _default_args()
    for plugin, plugin_args in (args or {}).items():
        merged = dict(profile.args.get(plugin, {}))
        merged.update(plugin_args)
        profile.args[plugin] = merged
    multipoint = points.get("multiPoint", [])
    for point in _EXTENSION_POINTS:
        explicit = [ref.name for ref in points.get(point, [])]
        off = disabled.get(point, set())
        if "*" in off:
            ordered = explicit
        else:
            explicit_set = set(explicit)
            override = [n for n in explicit if n in {ref.name for ref in multipoint}]
            from_multipoint = [
                ref.name
                for ref in multipoint
                if point in _POINTS.get(ref.name, frozenset())
                and ref.name not in off
                and ref.name not in explicit_set
            ]
            rest = [n for n in explicit if n not in override]
            ordered = override + from_multipoint + rest
        ordered = [n for n in ordered if point in _POINTS.get(n, frozenset({point}))]
        attribute = {
            "preFilter": "pre_filter",
            "filter": "filter",
            "postFilter": "post_filter",
            "preScore": "pre_score",
            "score": "score",
            "preEnqueue": "pre_enqueue",
        }.get(point)
        if attribute:
            setattr(profile, attribute, _dedupe(ordered))
    for ref in points.get("score", []) + multipoint:
        if ref.name in profile.score and ref.name not in profile.weights:
            profile.weights[ref.name] = ref.weight or 1
    for plugin in profile.score:
        profile.weights.setdefault(plugin, 1)
    return profile


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        if name not in seen:
            seen.add(name)
            result.append(name)
    return result


def _plugin_set(value: object) -> tuple[list[PluginRef], set[str]]:
    section = value if isinstance(value, Mapping) else {}
    enabled = []
    for item in section.get("enabled") or []:
        if isinstance(item, Mapping) and item.get("name"):
            weight = item.get("weight")
            enabled.append(
                PluginRef(str(item["name"]), int(weight) if isinstance(weight, int) else 0)
            )
    disabled = {
        str(item["name"])
        for item in section.get("disabled") or []
        if isinstance(item, Mapping) and item.get("name")
    }
    return enabled, disabled


def _merge_set(
    default: list[PluginRef], enabled: list[PluginRef], disabled: set[str]
) -> list[PluginRef]:
    """mergePluginSet: drop disabled defaults, replace re-configured ones in place, append the
    rest of the custom plugins."""
    custom = {ref.name: ref for ref in enabled}
    replaced: set[str] = set()
    merged: list[PluginRef] = []
    if "*" not in disabled:
        for ref in default:
            if ref.name in disabled:
                continue
            if ref.name in custom:
                merged.append(custom[ref.name])
                replaced.add(ref.name)
            else:
                merged.append(ref)
    merged.extend(ref for ref in enabled if ref.name not in replaced)
    return merged


def profile_from_config(
    config: Mapping[str, Any], version: str, scheduler_name: str = DEFAULT_SCHEDULER
) -> Profile:
    """The profile named `scheduler_name` of a KubeSchedulerConfiguration (as kube-scheduler
    reads its --config file, after defaulting). A configuration without profiles gets the
    default one; ProfileError when the named profile does not exist or a plugin is unknown."""
    features = features_for(version)
    profiles = config.get("profiles") or [{"schedulerName": DEFAULT_SCHEDULER}]
    if not isinstance(profiles, list):
        raise ProfileError("profiles must be a list")
    chosen: Mapping[str, Any] | None = None
    for item in profiles:
        if not isinstance(item, Mapping):
            continue
        name = item.get("schedulerName") or DEFAULT_SCHEDULER
        if name == scheduler_name:
            chosen = item
            break
    if chosen is None:
        raise ProfileError(f"no profile for scheduler {scheduler_name!r}")
    plugins = chosen.get("plugins") if isinstance(chosen.get("plugins"), Mapping) else {}
    points: dict[str, list[PluginRef]] = {}
    disabled: dict[str, set[str]] = {}
    defaults = {"multiPoint": _default_multipoint(features)}
    for point in ("multiPoint", *_EXTENSION_POINTS):
        enabled, off = _plugin_set(plugins.get(point))
        points[point] = _merge_set(defaults.get(point, []), enabled, off)
        disabled[point] = off
        for ref in enabled:
            if ref.name not in _POINTS:
                raise ProfileError(f"plugin {ref.name!r} is not a kube-scheduler in-tree plugin")
    args: dict[str, dict[str, Any]] = {}
    for item in chosen.get("pluginConfig") or []:
        if isinstance(item, Mapping) and item.get("name"):
            plugin_args = item.get("args")
            args[str(item["name"])] = dict(plugin_args) if isinstance(plugin_args, Mapping) else {}
    return _build(
        str(chosen.get("schedulerName") or DEFAULT_SCHEDULER), features, points, disabled, args
    )
