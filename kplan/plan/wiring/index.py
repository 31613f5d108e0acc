"""Lookups the wiring stage and the rules share: objects by identity and kind, pods by
(namespace, label), and what the snapshot can vouch for.

Selecting pods is the hot loop (services x pods). Pods are indexed by (namespace, key,
value), so a selector only looks at the pods that carry its rarest required label instead of
at every pod in the namespace; results are cached per (namespace, selector).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kplan.k8s.selectors import SelectorError, label_selector_to_selector
from kplan.plan.pod_model import PodView
from kplan.plan.wiring.objects import WiredObject, identity
from kplan.plan.wiring.rbac import POD_MAKERS, Creators
from kplan.plan.wiring.templates import TRANSIENT, pod_template, replicas

GroupKind = tuple[str, str]

# Objects every namespace has without anyone applying them: the ServiceAccount controller
# creates `default`, the root-CA publisher creates the `kube-root-ca.crt` ConfigMap
# (kube-controller-manager, pkg/controller/serviceaccount and pkg/controller/certificates/
# rootcacertpublisher). PriorityClasses system-cluster-critical and system-node-critical are
# created by the API server (pkg/apis/scheduling SystemPriorityClasses).
IMPLICIT_NAMESPACED = {
    ("", "ServiceAccount"): frozenset({"default"}),
    ("", "ConfigMap"): frozenset({"kube-root-ca.crt"}),
}
IMPLICIT_CLUSTER = {
    ("scheduling.k8s.io", "PriorityClass"): frozenset(
        {"system-cluster-critical", "system-node-critical"}
    ),
}


class WiringIndex:
    """Read-only lookups over the final state (objects) and the pods that would exist."""

    def __init__(
        self,
        objects: Iterable[WiredObject],
        pods: Iterable[PodView],
        *,
        recorded_kinds: frozenset[GroupKind] | set[GroupKind] | None = None,
        recorded_namespaces: frozenset[str] | set[str] | None = None,
    ) -> None:
        by_id: dict[tuple[str, str, str, str], WiredObject] = {}
        for obj in objects:
            key = identity(obj)
            previous = by_id.get(key)
            if previous is None or obj.planned or not previous.planned:
                by_id[key] = obj
        ordered = sorted(by_id.values(), key=lambda o: (o.namespace, o.kind, o.name, o.group))
        self.objects: list[WiredObject] = ordered
        self.recorded_kinds = None if recorded_kinds is None else frozenset(recorded_kinds)
        self.recorded_namespaces = (
            None if recorded_namespaces is None else frozenset(recorded_namespaces)
        )
        self._by_id = {identity(obj): obj for obj in ordered}
        self._by_kind: dict[str, list[WiredObject]] = {}
        self._by_namespace: dict[str, list[WiredObject]] = {}
        self._by_kind_name: dict[tuple[str, str, str], list[WiredObject]] = {}
        for obj in ordered:
            self._by_kind.setdefault(obj.kind, []).append(obj)
            self._by_namespace.setdefault(obj.namespace, []).append(obj)
            self._by_kind_name.setdefault((obj.kind, obj.namespace, obj.name), []).append(obj)
        self.pods: list[PodView] = sorted(pods, key=lambda p: (p.namespace, p.name))
        self._pods_by_namespace: dict[str, list[PodView]] = {}
        self._label_index: dict[tuple[str, str, str], list[PodView]] = {}
        for pod in self.pods:
            self._pods_by_namespace.setdefault(pod.namespace, []).append(pod)
            for key, value in pod.labels.items():
                self._label_index.setdefault((pod.namespace, key, value), []).append(pod)
        self._cache: dict[tuple[str, str], list[PodView]] = {}
        self._creators: Creators | None = None

    # -- objects --------------------------------------------------------------------------

    def of_kind(self, kind: str, group: str | None = None) -> list[WiredObject]:
        """Objects of a kind (any group unless `group` is given), in (namespace, name) order."""
        found = self._by_kind.get(kind, [])
        return found if group is None else [obj for obj in found if obj.group == group]

    def find(
        self, kind: str, namespace: str, name: str, group: str | None = None
    ) -> WiredObject | None:
        """One object by kind, namespace ("" for cluster-scoped) and name."""
        for obj in self._by_kind_name.get((kind, namespace, name), ()):
            if group is None or obj.group == group:
                return obj
        return None

    def in_namespace(self, namespace: str) -> list[WiredObject]:
        return self._by_namespace.get(namespace, [])

    def knows_absence(self, group: str, kind: str, namespace: str = "") -> bool:
        """Whether an object of this kind missing from the final state is really missing: the
        snapshot recorded the kind (and the namespace), or there is no snapshot at all (an
        empty cluster). Without it, "missing" would only mean "not recorded"."""
        if self.recorded_kinds is not None and (group, kind) not in self.recorded_kinds:
            return False
        if namespace and self.recorded_namespaces is not None:
            return namespace in self.recorded_namespaces
        return True

    def exists(self, group: str, kind: str, namespace: str, name: str) -> bool | None:
        """True / False when known, None when the snapshot cannot say (see knows_absence).
        Objects every cluster creates by itself always exist."""
        if namespace and name in IMPLICIT_NAMESPACED.get((group, kind), ()):
            return True
        if not namespace and name in IMPLICIT_CLUSTER.get((group, kind), ()):
            return True
        if self.find(kind, namespace, name, group) is not None:
            return True
        return False if self.knows_absence(group, kind, namespace) else None

    @property
    def creators(self) -> Creators:
        """RBAC: which workloads may create what, per namespace (built on first use)."""
        if self._creators is None:
            self._creators = Creators(self.objects)
        return self._creators

    def pod_makers(self, namespace: str) -> list[str]:
        """Workloads allowed to create pods or pod controllers in the namespace: pods may
        appear there that no manifest lists (operators)."""
        return self.creators.in_namespace(namespace, POD_MAKERS)

    # -- pods -----------------------------------------------------------------------------

    def pods_in(self, namespace: str) -> list[PodView]:
        return self._pods_by_namespace.get(namespace, [])

    def pods_known(self, namespace: str) -> bool:
        """Whether the pods of this namespace are all known (Pods recorded, or no snapshot)."""
        return self.knows_absence("", "Pod", namespace)

    def pods_for_map(self, namespace: str, selector: Mapping[str, Any]) -> list[PodView]:
        """Pods of the namespace whose labels contain every pair of an equality map (a
        Service or ReplicationController selector; labels.SelectorFromSet). An empty map
        matches every pod: callers decide what an empty selector means for their kind."""
        key = (namespace, "map:" + json.dumps(selector, sort_keys=True))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        candidates = self._candidates(namespace, list(selector.items()))
        found = [
            pod for pod in candidates if all(pod.labels.get(k) == v for k, v in selector.items())
        ]
        self._cache[key] = found
        return found

    def pods_for_selector(self, namespace: str, selector: Mapping[str, Any]) -> list[PodView]:
        """Pods of the namespace matching a metav1.LabelSelector (matchLabels and
        matchExpressions; {} matches all). A selector that does not convert matches none,
        as the controllers skip an object whose selector fails to parse."""
        key = (namespace, "sel:" + json.dumps(selector, sort_keys=True, default=str))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        match_labels = selector.get("matchLabels")
        pairs = list(match_labels.items()) if isinstance(match_labels, dict) else []
        candidates = self._candidates(namespace, pairs)
        try:
            compiled = label_selector_to_selector(selector)
        except SelectorError:
            compiled = None
        found = [] if compiled is None else [p for p in candidates if compiled.matches(p.labels)]
        self._cache[key] = found
        return found

    def _candidates(self, namespace: str, pairs: list[tuple[str, Any]]) -> list[PodView]:
        """The pods carrying the rarest of the required (key, value) pairs."""
        if not pairs:
            return self.pods_in(namespace)
        best: list[PodView] | None = None
        for key, value in pairs:
            if not isinstance(value, str):
                return []
            bucket = self._label_index.get((namespace, key, value), [])
            if best is None or len(bucket) < len(best):
                best = bucket
            if not best:
                return []
        return best or []

    def empty_selection_note(
        self, namespace: str, matches: Callable[[Mapping[str, str]], bool]
    ) -> str | None:
        """Whether "selects no pods" can be said of a selector that matched no pod, and what
        to add to the message. None when it cannot: a Job or CronJob template matches (their
        pods come and go), a controller that runs replicas matches (its pods exist, just not
        in the pod list given), or the snapshot did not record Pods (bare pods are unknown).
        Otherwise "" or a note naming the matching workloads scaled to 0 replicas."""
        scaled_to_zero: list[str] = []
        for obj in self.in_namespace(namespace):
            if obj.kind == "Pod":
                continue
            template = pod_template(obj)
            if template is None or not matches(template.labels):
                continue
            if obj.kind in TRANSIENT or replicas(obj) != 0:
                return None
            scaled_to_zero.append(obj.ref)
        if not self.pods_known(namespace):
            return None
        if not scaled_to_zero:
            return ""
        return f" ({', '.join(scaled_to_zero)} matches but runs 0 replicas)"
