"""What the scheduler reads from a pod, computed once per pod template.

kube-scheduler keeps a framework.PodInfo per pod (parsed affinity terms) and recomputes the
rest (requests, ports, tolerations) in each plugin's PreFilter. The replicas of one workload
share namespace, labels and spec, so kplan computes all of it once per distinct
(namespace, labels, spec) as a `PodTemplate`, and each `PodInfo` only adds identity, priority
and placement. Affinity terms follow framework/types.go newAffinityTerm: a nil labelSelector
selects nothing, no `namespaces` and no `namespaceSelector` means the pod's own namespace.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kplan.k8s.labels import (
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    GREATER,
    IN,
    LESS,
    Selector,
)
from kplan.plan.pod_model import PodView
from kplan.plan.scheduling.matching import Matcher, compile_selector, parse_label_selector
from kplan.plan.scheduling.profile import Features
from kplan.plan.scheduling.resources import (
    CPU,
    DEFAULT_MEMORY_REQUEST,
    DEFAULT_MILLI_CPU_REQUEST,
    MEMORY,
    Requests,
    pod_requests_and_non_zero,
)

__all__ = [
    "AffinityTerm",
    "PodInfo",
    "PodTemplate",
    "TemplateFactory",
    "WeightedTerm",
    "normalized_image_name",
]

NON_MISSING = {CPU: DEFAULT_MILLI_CPU_REQUEST, MEMORY: DEFAULT_MEMORY_REQUEST}


def _map(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def normalized_image_name(name: str) -> str:
    """imagelocality normalizedImageName: append `:latest` unless the name has a tag (a `:`
    after the last `/`); digests keep their `@sha256:` so they count as tagged."""
    if name.rfind(":") <= name.rfind("/"):
        return name + ":latest"
    return name


@dataclass(frozen=True, eq=False)
class AffinityTerm:
    """framework.AffinityTerm: namespaces, selector, topologyKey, namespaceSelector."""

    namespaces: frozenset[str]
    selector: Selector
    topology_key: str
    namespace_selector: Selector
    match: Matcher = field(repr=False)
    namespace_match: Matcher = field(repr=False)

    def matches(
        self, namespace: str, labels: Mapping[str, Any], namespace_labels: Mapping[str, Any]
    ) -> bool:
        """AffinityTerm.Matches(pod, nsLabels)."""
        if namespace in self.namespaces or self.namespace_match(namespace_labels):
            return self.match(labels)
        return False

    def merged(self, all_namespaces: Mapping[str, Mapping[str, Any]]) -> AffinityTerm:
        """mergeAffinityTermNamespacesIfNotEmpty: a non-empty namespaceSelector is replaced by
        the names of the namespaces it selects now (the incoming pod's own terms)."""
        if self.namespace_selector.empty:
            return self
        selected = {name for name, labels in all_namespaces.items() if self.namespace_match(labels)}
        nothing = Selector(nothing=True)
        return AffinityTerm(
            self.namespaces | selected,
            self.selector,
            self.topology_key,
            nothing,
            self.match,
            compile_selector(nothing),
        )


@dataclass(frozen=True, eq=False)
class WeightedTerm:
    weight: int
    term: AffinityTerm


def _affinity_term(
    namespace: str, term: Mapping[str, Any], labels: Mapping[str, str], merge_label_keys: bool
) -> AffinityTerm:
    raw_selector = term.get("labelSelector")
    selector_source = raw_selector
    if merge_label_keys and raw_selector is not None:
        selector_source = _merge_label_keys(raw_selector, term, labels)
    selector = parse_label_selector(selector_source)
    raw_namespaces = [str(n) for n in _list(term.get("namespaces"))]
    ns_selector_raw = term.get("namespaceSelector")
    if not raw_namespaces and ns_selector_raw is None:
        namespaces = frozenset({namespace})
    else:
        namespaces = frozenset(raw_namespaces)
    ns_selector = parse_label_selector(ns_selector_raw)
    return AffinityTerm(
        namespaces,
        selector,
        str(term.get("topologyKey") or ""),
        ns_selector,
        compile_selector(selector),
        compile_selector(ns_selector),
    )


def _merge_label_keys(
    selector: object, term: Mapping[str, Any], labels: Mapping[str, str]
) -> object:
    """matchLabelKeys/mismatchLabelKeys (KEP-3633): the API server adds `key In (value)` and
    `key NotIn (value)` for the pod's own label values when it creates the pod."""
    keys = [k for k in _list(term.get("matchLabelKeys")) if k in labels]
    mismatch = [k for k in _list(term.get("mismatchLabelKeys")) if k in labels]
    if not keys and not mismatch or not isinstance(selector, dict):
        return selector
    merged = dict(selector)
    expressions = list(_list(merged.get("matchExpressions")))
    for key in keys:
        expressions.append({"key": key, "operator": "In", "values": [labels[key]]})
    for key in mismatch:
        expressions.append({"key": key, "operator": "NotIn", "values": [labels[key]]})
    merged["matchExpressions"] = expressions
    return merged


@dataclass(eq=False)
class PodTemplate:
    """Everything the plugins read from a pod except its identity and placement."""

    namespace: str
    labels: dict[str, str]
    spec: dict[str, Any]
    requests: Requests
    non_zero_cpu: int
    non_zero_memory: int
    # requests per resource name as LeastAllocated (non-missing defaults) and
    # BalancedAllocation (actual requests) see them
    score_requests: dict[str, int]
    plain_requests: dict[str, int]
    host_ports: tuple[tuple[str, str, int], ...]
    tolerations: list[dict[str, Any]]
    node_selector: dict[str, Any]
    node_affinity: dict[str, Any]
    required_affinity: list[AffinityTerm]
    required_anti_affinity: list[AffinityTerm]
    preferred_affinity: list[WeightedTerm]
    preferred_anti_affinity: list[WeightedTerm]
    has_pod_affinity: bool
    spread_constraints: list[dict[str, Any]]
    images: tuple[str, ...]
    image_count: int
    volumes: list[dict[str, Any]]
    key: int = 0
    _term_hooks: tuple[TermHook, ...] | None = field(default=None, repr=False)

    @property
    def term_hooks(self) -> tuple[TermHook, ...]:
        """Where this pod, as a placed pod, hangs in Cluster.term_pods: a pod one of its
        (anti-)affinity terms matches has some hook (see `affinity_term_hooks`) that
        `pod_hooks` lists for it. Empty without terms."""
        found = self._term_hooks
        if found is None:
            terms = [*self.required_affinity, *self.required_anti_affinity]
            terms += [w.term for w in self.preferred_affinity + self.preferred_anti_affinity]
            hooks: dict[TermHook, None] = {}
            for term in terms:
                hooks.update(dict.fromkeys(affinity_term_hooks(term)))
            found = self._term_hooks = tuple(hooks)
        return found


# (namespace or None for "any namespace", label hook): a label hook is () for any labels,
# (key,) for labels with the key, (key, value) for labels with key=value
TermHook = tuple[str | None, tuple[Any, ...]]
_POSITIVE = (EQUALS, DOUBLE_EQUALS, IN)
_NEEDS_KEY = (EXISTS, GREATER, LESS)


def affinity_term_hooks(term: AffinityTerm) -> list[TermHook]:
    """Hooks of which every pod the term matches has one (as `pod_hooks` lists them):
    the namespaces the term names, or None when it has a namespaceSelector (any namespace),
    times one requirement every matching pod's labels meet: a `key in (values)` (one hook per
    value), else a requirement that needs the key, else none (). A term whose selector is
    Nothing matches no pod and has no hook."""
    if term.selector.nothing:
        return []
    labels: list[tuple[Any, ...]] | None = None
    for requirement in term.selector.requirements:
        if requirement.operator in _POSITIVE and requirement.values:
            labels = [(requirement.key, value) for value in requirement.values]
            break
    if labels is None:
        keyed = [r.key for r in term.selector.requirements if r.operator in _NEEDS_KEY]
        labels = [(keyed[0],)] if keyed else [()]
    spaces: list[str | None] = sorted(term.namespaces)
    if not term.namespace_selector.nothing:
        spaces.append(None)
    return [(space, label) for space in spaces for label in labels]


def pod_hooks(namespace: str, labels: Mapping[str, Any]) -> list[TermHook]:
    """The hooks under which a term that may match a pod of this namespace and labels
    hangs."""
    found: list[tuple[Any, ...]] = [()]
    for key, value in labels.items():
        found.append((key,))
        try:
            hash(value)
        except TypeError:
            continue  # no `key in (values)` requirement matches it
        found.append((key, value))
    return [(space, label) for space in (namespace, None) for label in found]


@dataclass(eq=False)
class PodInfo:
    """One pod: its template plus identity, priority and (when placed) its node index."""

    view: PodView
    template: PodTemplate
    priority: int
    preempt_never: bool = False
    node: int = -1
    # stands in for status.startTime (preemption prefers to evict the newest pods)
    start_order: int = 0
    # a pod being deleted (deletionTimestamp) still holds resources but does not count for
    # spreading; PodView has no such field yet, a caller may set `terminating` on it
    terminating: bool = False

    def __post_init__(self) -> None:
        self.terminating = bool(
            getattr(self.view, "terminating", False)
            or getattr(self.view, "deletion_timestamp", None)
        )

    @property
    def namespace(self) -> str:
        return self.template.namespace

    @property
    def labels(self) -> dict[str, str]:
        return self.template.labels

    @property
    def ref(self) -> str:
        return self.view.ref


class TemplateFactory:
    """Builds PodTemplates and shares them between pods with equal namespace, labels, spec.

    Replicas usually share one spec object (found by identity); otherwise the spec's
    canonical JSON finds an equal one. That JSON is only needed once a second pod with the
    same namespace, labels, owner and nodeName comes (recorded pods each have their own spec
    object and mostly differ in nodeName), so it is computed then. A recorded pod whose spec
    equals a sibling's but for its node and its service-account token volume (the replicas
    of one ReplicaSet) gets a copy of the sibling's template with its own spec and volumes:
    everything else a template holds is derived from the fields they share (a tenth of the
    cost of building it)."""

    def __init__(self, features: Features) -> None:
        self.features = features
        self._by_identity: dict[tuple[Any, ...], tuple[dict[str, Any], PodTemplate]] = {}
        self._by_content: dict[tuple[Any, ...], PodTemplate] = {}
        # (namespace, labels, owner, nodeName) -> the only template with it whose content key
        # is not in _by_content yet (its spec), or None once all of them are
        self._unkeyed: dict[tuple[Any, ...], tuple[dict[str, Any], PodTemplate] | None] = {}
        # (namespace, labels, owner) -> the first recorded pod's spec and template
        self._placed: dict[tuple[Any, ...], tuple[dict[str, Any], PodTemplate]] = {}
        self._count = 0

    def template(self, view: PodView) -> PodTemplate:
        labels = dict(view.labels or {})
        spec = view.spec if isinstance(view.spec, dict) else {}
        identity = (view.namespace, tuple(sorted(labels.items())), view.owner)
        known = self._by_identity.get((*identity, id(spec)))
        if known is not None and known[0] is spec:
            return known[1]
        # equal specs have equal nodeNames: pods with another nodeName cannot share
        prefix = (*identity, json.dumps(spec.get("nodeName"), default=str))
        if prefix not in self._unkeyed:
            built = self._sibling(identity, spec) if not view.planned else None
            if built is None:
                built = self._new(view.namespace, labels, spec)
                if not view.planned:
                    self._placed.setdefault(identity, (spec, built))
            self._unkeyed[prefix] = (spec, built)
        else:
            unkeyed = self._unkeyed[prefix]
            if unkeyed is not None:
                first_spec, first = unkeyed
                self._by_content[(*identity, _content(first_spec))] = first
                self._unkeyed[prefix] = None
            content = (*identity, _content(spec))
            built = self._by_content.get(content)
            if built is None:
                built = self._new(view.namespace, labels, spec)
                self._by_content[content] = built
        # keep the spec referenced so that its id is not reused while cached
        self._by_identity[(*identity, id(spec))] = (spec, built)
        return built

    def _sibling(self, identity: tuple[Any, ...], spec: dict[str, Any]) -> PodTemplate | None:
        """The first recorded sibling's template with this pod's spec and volumes, if their
        specs differ only where a template does not look: nodeName, and the volumes and
        volumeMounts (each pod of a ReplicaSet mounts its own kube-api-access-xxxxx token;
        a template keeps the pod's own volumes). Specs from the API server are typed, so
        `==` (which takes 1 for True) compares them exactly."""
        sibling = self._placed.get(identity)
        if sibling is None:
            return None
        other, template = sibling
        if spec.keys() != other.keys():
            return None
        for name, value in spec.items():
            if name in _PER_POD:
                continue
            if name in _CONTAINER_LISTS:
                if not _same_but_mounts(value, other[name]):
                    return None
            elif other[name] != value:
                return None
        copied = copy.copy(template)
        copied.spec = spec
        copied.volumes = _volumes(spec)
        self._count += 1
        copied.key = self._count
        return copied

    def _new(self, namespace: str, labels: dict[str, str], spec: dict[str, Any]) -> PodTemplate:
        built = self._build(namespace, labels, spec)
        self._count += 1
        built.key = self._count
        return built

    def _build(self, namespace: str, labels: dict[str, str], spec: dict[str, Any]) -> PodTemplate:
        features = self.features
        plain, non_zero = pod_requests_and_non_zero(
            spec, NON_MISSING, sidecars=features.sidecars, pod_level=features.pod_level_resources
        )
        affinity = _map(spec.get("affinity"))
        pod_affinity = affinity.get("podAffinity")
        pod_anti = affinity.get("podAntiAffinity")
        merge = features.match_label_keys_affinity
        required = [
            _affinity_term(namespace, t, labels, merge)
            for t in _list(_map(pod_affinity).get("requiredDuringSchedulingIgnoredDuringExecution"))
            if isinstance(t, dict)
        ]
        required_anti = [
            _affinity_term(namespace, t, labels, merge)
            for t in _list(_map(pod_anti).get("requiredDuringSchedulingIgnoredDuringExecution"))
            if isinstance(t, dict)
        ]
        preferred = _weighted(namespace, _map(pod_affinity), labels, merge)
        preferred_anti = _weighted(namespace, _map(pod_anti), labels, merge)
        init = [c for c in _list(spec.get("initContainers")) if isinstance(c, dict)]
        containers = [c for c in _list(spec.get("containers")) if isinstance(c, dict)]
        image_sources = (init if features.image_locality_init_containers else []) + containers
        images = tuple(normalized_image_name(str(c.get("image") or "")) for c in image_sources)
        return PodTemplate(
            namespace=namespace,
            labels=labels,
            spec=spec,
            requests=Requests.from_list(plain),
            non_zero_cpu=non_zero.get(CPU, 0),
            non_zero_memory=non_zero.get(MEMORY, 0),
            score_requests=non_zero,
            plain_requests=plain,
            host_ports=_host_ports(spec, features.sidecars),
            tolerations=[dict(t) for t in _list(spec.get("tolerations")) if isinstance(t, dict)],
            node_selector=_map(spec.get("nodeSelector")),
            node_affinity=_map(affinity.get("nodeAffinity")),
            required_affinity=required,
            required_anti_affinity=required_anti,
            preferred_affinity=preferred,
            preferred_anti_affinity=preferred_anti,
            has_pod_affinity=pod_affinity is not None or pod_anti is not None,
            spread_constraints=[
                dict(c) for c in _list(spec.get("topologySpreadConstraints")) if isinstance(c, dict)
            ],
            images=images,
            image_count=len(images),
            volumes=_volumes(spec),
        )


# Spec fields a sibling's template may differ in (see TemplateFactory._sibling), and the
# lists of containers, whose volumeMounts it may differ in.
_PER_POD = frozenset({"nodeName", "volumes"})
_CONTAINER_LISTS = frozenset({"containers", "initContainers"})


def _same_but_mounts(containers: Any, others: Any) -> bool:
    if not isinstance(containers, list) or not isinstance(others, list):
        return bool(containers == others)
    if len(containers) != len(others):
        return False
    for container, other in zip(containers, others, strict=True):
        if not isinstance(container, dict) or not isinstance(other, dict):
            if container != other:
                return False
            continue
        if container.keys() != other.keys():
            return False
        for name, value in container.items():
            if name != "volumeMounts" and other[name] != value:
                return False
    return True


def _volumes(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(v) for v in _list(spec.get("volumes")) if isinstance(v, dict)]


def _content(spec: Mapping[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


def _weighted(
    namespace: str, section: Mapping[str, Any], labels: Mapping[str, str], merge: bool
) -> list[WeightedTerm]:
    terms: list[WeightedTerm] = []
    for item in _list(section.get("preferredDuringSchedulingIgnoredDuringExecution")):
        if not isinstance(item, dict):
            continue
        term = item.get("podAffinityTerm")
        if not isinstance(term, dict):
            continue
        weight = item.get("weight")
        terms.append(
            WeightedTerm(
                int(weight) if isinstance(weight, int) else 0,
                _affinity_term(namespace, term, labels, merge),
            )
        )
    return terms


def _host_ports(spec: Mapping[str, Any], sidecars: bool) -> tuple[tuple[str, str, int], ...]:
    """schedutil.GetHostPorts: ports with a hostPort of the containers and of the sidecar
    (restartable) init containers, as (hostIP, protocol, hostPort) with the HostPortInfo
    sanitising (empty IP is 0.0.0.0, empty protocol TCP). A hostNetwork pod's ports default
    their hostPort to the containerPort."""
    host_network = spec.get("hostNetwork") is True
    sources: list[Mapping[str, Any]] = []
    if sidecars:
        sources.extend(
            c
            for c in _list(spec.get("initContainers"))
            if isinstance(c, dict) and c.get("restartPolicy") == "Always"
        )
    sources.extend(c for c in _list(spec.get("containers")) if isinstance(c, dict))
    ports: list[tuple[str, str, int]] = []
    for container in sources:
        for port in _list(container.get("ports")):
            if not isinstance(port, dict):
                continue
            host_port = port.get("hostPort")
            if host_port is None and host_network:
                host_port = port.get("containerPort")
            if not isinstance(host_port, int) or isinstance(host_port, bool) or host_port <= 0:
                continue
            ip = str(port.get("hostIP") or "0.0.0.0")
            protocol = str(port.get("protocol") or "TCP")
            ports.append((ip, protocol, host_port))
    return tuple(ports)
