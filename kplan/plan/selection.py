"""Which objects a selector picks (`kplan match`) and how objects relate (`kplan graph`).

The relation graph is a networkx MultiDiGraph whose node ids are contract references
(`Kind/namespace/name`, `Kind/name` for cluster-scoped kinds, `Pod/namespace/name` for
pods). Node attributes: `kind`, `namespace` ("" when cluster-scoped), `name`, `planned`
(the object or pod comes from the input, not the recorded cluster) and `missing` (referred
to but in neither). Edges carry `kind`, one of:

- `selects`: an object's label selector picks a pod (Service, Deployment, ReplicaSet,
  ReplicationController, StatefulSet, DaemonSet, Job, NetworkPolicy, PodDisruptionBudget,
  PodMonitor and other custom resources with a LabelSelector `spec.selector`), or a
  ServiceMonitor's picks a Service. Only the object's own namespace counts, except for the
  `namespaceSelector` (`any`, `matchNames`) of ServiceMonitor/PodMonitor.
- `routes`: Ingress (rules and default backend) or Gateway API route -> Service, with `port`.
- `owns`: controller -> pod (planned pods: their owner; recorded pods: the ReplicaSet when
  it is known) and controller -> object from `metadata.ownerReferences` (`controller: true`).
- `scales`: HorizontalPodAutoscaler (and anything with `spec.scaleTargetRef`, or a VPA's
  `spec.targetRef`) -> its target.
- `uses`: pod -> ConfigMap, Secret, ServiceAccount, PersistentVolumeClaim, PriorityClass it
  reads (env valueFrom, envFrom, volumes, projected sources, imagePullSecrets,
  serviceAccountName, priorityClassName, generic ephemeral volumes).
- `serves`: StatefulSet -> the Service named in `spec.serviceName`.

Nodes and edges are added in sorted order, so every rendering is deterministic. networkx is
imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kplan.k8s.labels import Selector, SelectorError, parse_selector
from kplan.k8s.selectors import label_selector_to_selector, object_pod_selector
from kplan.plan.pod_model import PodView

if TYPE_CHECKING:  # pragma: no cover
    import networkx

    from kplan.resource import Resource
    from kplan.snapshot.load import Snapshot

__all__ = [
    "EDGE_KINDS",
    "IMPLICIT_OBJECTS",
    "OMITTED_KINDS",
    "SelectorArgumentError",
    "cluster_view",
    "match_candidates",
    "matching_objects",
    "pod_references",
    "relation_graph",
    "selector_from_argument",
    "snapshot_coverage",
]

EDGE_KINDS = ("selects", "routes", "owns", "scales", "uses", "serves")

# Derived state that only mirrors other objects; left out of the graph.
OMITTED_KINDS = frozenset({"Endpoints", "EndpointSlice", "Event", "Lease", "ControllerRevision"})

# Objects every cluster has without anyone applying them: a reference to one of these that
# is in neither the input nor the snapshot is not drawn as a missing object.
IMPLICIT_OBJECTS = frozenset(
    {
        ("ServiceAccount", "default"),
        ("ConfigMap", "kube-root-ca.crt"),
        ("PriorityClass", "system-cluster-critical"),
        ("PriorityClass", "system-node-critical"),
    }
)

# Kinds whose pods come from a template with a LabelSelector / map selector.
_POD_SELECTING_KINDS = frozenset(
    {
        "Service",
        "Deployment",
        "ReplicaSet",
        "ReplicationController",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
    }
)
_MONITOR_KINDS = frozenset({"ServiceMonitor", "PodMonitor"})
_ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"})


# -- object access (WiredObject, dicts or anything with these attributes) ----------------------


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ref_parts(ref: str) -> tuple[str, str, str]:
    """(kind, namespace, name) of a contract reference."""
    parts = ref.split("/", 2)
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], "", parts[1]
    return ref, "", ""


def _labels(body: Mapping[str, Any]) -> dict[str, Any]:
    return _mapping(_mapping(body.get("metadata")).get("labels"))


def pod_references(pod: PodView) -> str:
    """The graph id of a pod: `Pod/namespace/name`."""
    return f"Pod/{pod.namespace}/{pod.name}"


# -- match ------------------------------------------------------------------------------------


class SelectorArgumentError(ValueError):
    """A `-l` value that is neither a valid selector string nor a valid LabelSelector."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


def selector_from_argument(text: str) -> Selector:
    """`kplan match -l`: a `kubectl get -l` string, or a LabelSelector as JSON or YAML
    (`{"matchLabels": ..., "matchExpressions": [...]}`). str() of the result is the canonical
    form for the output. SelectorArgumentError names the character position (strings) or the
    field (LabelSelector objects) of the problem."""
    stripped = text.strip()
    if stripped.startswith("{") or "matchLabels" in text or "matchExpressions" in text:
        document = _load_structured(text)
        if isinstance(document, dict):
            unknown = sorted(set(document) - {"matchLabels", "matchExpressions"})
            if unknown:
                raise SelectorArgumentError(
                    f"unknown field {unknown[0]!r} in the label selector "
                    "(expected matchLabels and matchExpressions)"
                )
            try:
                return label_selector_to_selector(document)
            except SelectorError as error:
                raise SelectorArgumentError(f"invalid label selector: {error}") from None
        if stripped.startswith("{"):
            raise SelectorArgumentError("the label selector is not a JSON or YAML mapping", 0)
    try:
        return parse_selector(text)
    except SelectorError as error:
        position = getattr(error, "position", None)
        raise SelectorArgumentError(str(error), position) from None


def _load_structured(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        pass
    from io import StringIO

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(StringIO(text))
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        position = mark.index if mark is not None else None
        raise SelectorArgumentError(
            f"the label selector is not valid YAML: {error}", position
        ) from None


def matching_objects(
    selector: Selector, objects: Iterable[tuple[str, Mapping[str, Any]]]
) -> list[str]:
    """The references whose labels `selector` matches, sorted and without duplicates."""
    return sorted({ref for ref, labels in objects if selector.matches(labels or {})})


def match_candidates(
    final_objects: Iterable[Any], pods: Iterable[PodView] = ()
) -> list[tuple[str, dict[str, Any]]]:
    """(reference, labels) of every object and pod, for matching_objects."""
    candidates = [
        (str(_get(item, "ref")), _labels(_mapping(_get(item, "body"))))
        for item in final_objects
        if _get(item, "kind") not in OMITTED_KINDS
    ]
    candidates.extend((pod_references(pod), dict(pod.labels)) for pod in pods)
    return candidates


# -- the cluster after the plan ---------------------------------------------------------------


def cluster_view(
    resources: Sequence[Resource],
    snapshot: Snapshot | None = None,
    *,
    default_namespace: str = "default",
    kubernetes_version: str | None = None,
    unchanged: Collection[str] = (),
) -> tuple[list[Any], list[PodView]]:
    """The objects and pods of the cluster once `resources` are applied to `snapshot`.
    `unchanged`: refs of workloads the change plan leaves as they are (they keep their pods).

    Objects: the recorded ones overlaid with the desired ones (kplan.plan.wiring.objects.
    final_state). Pods: the recorded pods, except that a desired workload whose pod template
    or replica count differs from the recorded one (or that is new) has its planned pods
    instead of its recorded ones. DaemonSets get a pod per recorded Node the controller would
    run them on.
    """
    from kplan.k8s.scope import crd_scope
    from kplan.plan.wiring.stage import wiring_inputs

    recorded = list(snapshot.objects) if snapshot is not None else []
    scopes = dict(
        scope for scope in (crd_scope(r.body) for r in [*recorded, *resources]) if scope is not None
    )
    objects, pods = wiring_inputs(
        resources,
        snapshot,
        namespace=default_namespace,
        kubernetes_version=kubernetes_version,
        crd_scopes=scopes,
        unchanged=unchanged,
    )
    pods = sorted(pods, key=lambda pod: (pod.namespace, pod.name))
    # Pods are represented by their PodViews only.
    objects = [item for item in objects if not (item.kind == "Pod" and item.group == "")]
    return sorted(objects, key=lambda item: item.ref), pods


# API groups of the kinds a graph edge can point at without the object being there.
_REFERENCE_GROUPS = {
    "ConfigMap": "",
    "Secret": "",
    "ServiceAccount": "",
    "PersistentVolumeClaim": "",
    "Service": "",
    "ReplicationController": "",
    "PriorityClass": "scheduling.k8s.io",
    "Deployment": "apps",
    "StatefulSet": "apps",
    "ReplicaSet": "apps",
    "DaemonSet": "apps",
    "Job": "batch",
    "CronJob": "batch",
}


def snapshot_coverage(snapshot: Snapshot | None) -> Callable[[str], bool]:
    """`covers` for relation_graph: whether the recording would hold the referenced object
    (no snapshot: an empty cluster, which covers everything; kinds kplan cannot place in an
    API group: not covered)."""
    from kplan.plan.model import ObjectId

    def covers(ref: str) -> bool:
        if snapshot is None:
            return True
        kind, namespace, name = _ref_parts(ref)
        group = _REFERENCE_GROUPS.get(kind)
        if group is None:
            return False
        return snapshot.covers(ObjectId(group, kind, namespace, name))

    return covers


# -- the relation graph --------------------------------------------------------------------------


def relation_graph(
    final_objects: Iterable[Any],
    pods: Iterable[PodView],
    *,
    covers: Callable[[str], bool] | None = None,
) -> networkx.MultiDiGraph:
    """The relation graph of the objects (anything with `ref`, `kind`, `body`, `planned`, as
    kplan.plan.wiring.objects.WiredObject, or dicts with those keys) and pods.

    A referenced object that is not among them becomes a node with `missing=True` when
    `covers(ref)` says the recording would hold it (default: always, an empty cluster), and
    a plain node otherwise (the recording did not cover its kind, so it may well exist)."""
    import networkx

    objects = sorted(
        (item for item in final_objects if _get(item, "kind") not in OMITTED_KINDS),
        key=lambda item: str(_get(item, "ref")),
    )
    pod_list = sorted(pods, key=lambda pod: (pod.namespace, pod.name))
    nodes: dict[str, dict[str, Any]] = {}
    for item in objects:
        ref = str(_get(item, "ref"))
        kind, namespace, name = _ref_parts(ref)
        nodes[ref] = {
            "kind": str(_get(item, "kind") or kind),
            "namespace": namespace,
            "name": name,
            "planned": bool(_get(item, "planned", False)),
            "missing": False,
        }
    for pod in pod_list:
        nodes[pod_references(pod)] = {
            "kind": "Pod",
            "namespace": pod.namespace,
            "name": pod.name,
            "planned": pod.planned,
            "missing": False,
        }

    edges: set[tuple[str, str, str, tuple[tuple[str, Any], ...]]] = set()

    def edge(source: str, target: str, kind: str, **attributes: Any) -> None:
        if source == target:
            return
        if target not in nodes:
            target_kind, namespace, name = _ref_parts(target)
            if (target_kind, name) in IMPLICIT_OBJECTS:
                return
            nodes[target] = {
                "kind": target_kind,
                "namespace": namespace,
                "name": name,
                "planned": False,
                "missing": covers is None or covers(target),
            }
        clean = tuple(sorted((k, v) for k, v in attributes.items() if v is not None))
        edges.add((source, target, kind, clean))

    pods_by_namespace: dict[str, list[PodView]] = {}
    for pod in pod_list:
        pods_by_namespace.setdefault(pod.namespace, []).append(pod)
    services_by_namespace: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for item in objects:
        if _get(item, "kind") == "Service":
            namespace = _ref_parts(str(_get(item, "ref")))[1]
            body = _mapping(_get(item, "body"))
            services_by_namespace.setdefault(namespace, []).append((str(_get(item, "ref")), body))

    for item in objects:
        ref = str(_get(item, "ref"))
        kind, namespace, _name = _ref_parts(ref)
        body = _mapping(_get(item, "body"))
        spec = _mapping(body.get("spec"))
        _selects(
            ref, kind, namespace, body, spec, item, pods_by_namespace, services_by_namespace, edge
        )
        _owner_edges(ref, namespace, body, nodes, edge)
        _routes(ref, kind, namespace, spec, edge)
        _scales(ref, kind, namespace, spec, edge)
        if kind == "StatefulSet":
            service_name = spec.get("serviceName")
            if isinstance(service_name, str) and service_name:
                edge(ref, f"Service/{namespace}/{service_name}", "serves")

    for pod in pod_list:
        pod_ref = pod_references(pod)
        owner = _pod_owner(pod, nodes)
        if owner is not None:
            edge(owner, pod_ref, "owns")
        for target in _pod_uses(pod):
            edge(pod_ref, target, "uses")

    graph = networkx.MultiDiGraph()
    for node_id in sorted(nodes):
        graph.add_node(node_id, **nodes[node_id])
    for source, target, kind, attributes in sorted(edges):
        graph.add_edge(
            source, target, key=f"{kind}{_key_suffix(attributes)}", kind=kind, **dict(attributes)
        )
    return graph


def _key_suffix(attributes: tuple[tuple[str, Any], ...]) -> str:
    return "".join(f":{key}={value}" for key, value in attributes)


def _selects(
    ref: str,
    kind: str,
    namespace: str,
    body: dict[str, Any],
    spec: dict[str, Any],
    item: Any,
    pods_by_namespace: Mapping[str, list[PodView]],
    services_by_namespace: Mapping[str, list[tuple[str, dict[str, Any]]]],
    edge: Any,
) -> None:
    api_version = str(_get(item, "api_version", "") or body.get("apiVersion") or "")
    if kind in _POD_SELECTING_KINDS:
        try:
            selector = object_pod_selector(kind, body, api_version)
        except SelectorError:
            return
        if selector.nothing:
            return
        for pod in pods_by_namespace.get(namespace, []):
            if selector.matches(pod.labels):
                edge(ref, pod_references(pod), "selects")
        return
    raw = spec.get("selector")
    if not isinstance(raw, dict) or not namespace:
        return
    if kind not in _MONITOR_KINDS and not ({"matchLabels", "matchExpressions"} & set(raw)):
        return
    try:
        selector = label_selector_to_selector(raw)
    except SelectorError:
        return
    namespaces = _monitor_namespaces(namespace, spec) if kind in _MONITOR_KINDS else {namespace}
    if kind == "ServiceMonitor":
        for service_namespace, services in sorted(services_by_namespace.items()):
            if namespaces is not None and service_namespace not in namespaces:
                continue
            for service_ref, service_body in services:
                if selector.matches(_labels(service_body)):
                    edge(ref, service_ref, "selects")
        return
    for pod_namespace, pods in sorted(pods_by_namespace.items()):
        if namespaces is not None and pod_namespace not in namespaces:
            continue
        for pod in pods:
            if selector.matches(pod.labels):
                edge(ref, pod_references(pod), "selects")


def _monitor_namespaces(namespace: str, spec: Mapping[str, Any]) -> set[str] | None:
    """prometheus-operator NamespaceSelector: `any: true` is every namespace (None),
    `matchNames` a list, neither the monitor's own namespace."""
    selector = _mapping(spec.get("namespaceSelector"))
    if selector.get("any") is True:
        return None
    names = selector.get("matchNames")
    if isinstance(names, list) and names:
        return {name for name in names if isinstance(name, str)}
    return {namespace}


def _owner_edges(
    ref: str, namespace: str, body: Mapping[str, Any], nodes: Mapping[str, Any], edge: Any
) -> None:
    """Controller ownerReferences of an object (ReplicaSet -> Deployment, Job -> CronJob)."""
    references = _mapping(body.get("metadata")).get("ownerReferences")
    for reference in references if isinstance(references, list) else []:
        if not isinstance(reference, dict) or reference.get("controller") is not True:
            continue
        kind, name = reference.get("kind"), reference.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        namespaced = f"{kind}/{namespace}/{name}" if namespace else None
        owner = namespaced if namespaced in nodes else f"{kind}/{name}"
        if owner in nodes:
            edge(owner, ref, "owns")


def _pod_owner(pod: PodView, nodes: Mapping[str, Any]) -> str | None:
    """The pod's controller in the graph: a recorded Deployment pod's ReplicaSet when the
    graph has it (`<deployment>-<pod-template-hash>`), else its owner."""
    owner = pod.owner
    if owner is None:
        return None
    if owner.startswith("Deployment/") and not pod.planned:
        pod_hash = pod.labels.get("pod-template-hash")
        if pod_hash:
            _, namespace, name = _ref_parts(owner)
            replicaset = f"ReplicaSet/{namespace}/{name}-{pod_hash}"
            if replicaset in nodes:
                return replicaset
    return owner if owner in nodes else None


def _routes(ref: str, kind: str, namespace: str, spec: Mapping[str, Any], edge: Any) -> None:
    if kind == "Ingress":
        backends = [_mapping(spec.get("defaultBackend")), _mapping(spec.get("backend"))]
        for rule in spec.get("rules") or []:
            paths = _mapping(_mapping(rule).get("http")).get("paths")
            for path in paths if isinstance(paths, list) else []:
                backends.append(_mapping(_mapping(path).get("backend")))
        for backend in backends:
            service = _mapping(backend.get("service"))
            name = service.get("name")
            port: Any = None
            if isinstance(name, str) and name:
                port_spec = _mapping(service.get("port"))
                port = port_spec.get("number", port_spec.get("name"))
            else:  # extensions/v1beta1 and networking.k8s.io/v1beta1
                name = backend.get("serviceName")
                port = backend.get("servicePort")
            if isinstance(name, str) and name:
                edge(ref, f"Service/{namespace}/{name}", "routes", port=port)
    elif kind in _ROUTE_KINDS:
        for rule in spec.get("rules") or []:
            refs = _mapping(rule).get("backendRefs")
            for backend in refs if isinstance(refs, list) else []:
                backend = _mapping(backend)
                if (
                    backend.get("group", "") not in ("", None)
                    or backend.get("kind", "Service") != "Service"
                ):
                    continue
                name = backend.get("name")
                target_namespace = backend.get("namespace") or namespace
                if isinstance(name, str) and name:
                    edge(
                        ref,
                        f"Service/{target_namespace}/{name}",
                        "routes",
                        port=backend.get("port"),
                    )


def _scales(ref: str, kind: str, namespace: str, spec: Mapping[str, Any], edge: Any) -> None:
    target = spec.get("scaleTargetRef")
    if not isinstance(target, dict) and kind == "VerticalPodAutoscaler":
        target = spec.get("targetRef")
    if not isinstance(target, dict):
        return
    target_kind = target.get("kind") or ("Deployment" if kind == "ScaledObject" else None)
    name = target.get("name")
    if isinstance(target_kind, str) and isinstance(name, str) and name and namespace:
        edge(ref, f"{target_kind}/{namespace}/{name}", "scales")


def _pod_uses(pod: PodView) -> list[str]:
    """References of the objects a pod reads, in a stable order, without duplicates."""
    namespace = pod.namespace
    spec = pod.spec
    found: list[str] = []

    def add(kind: str, name: object, cluster: bool = False) -> None:
        if isinstance(name, str) and name:
            ref = f"{kind}/{name}" if cluster else f"{kind}/{namespace}/{name}"
            if ref not in found:
                found.append(ref)

    add("ServiceAccount", spec.get("serviceAccountName") or spec.get("serviceAccount"))
    add("PriorityClass", spec.get("priorityClassName"), cluster=True)
    for secret in spec.get("imagePullSecrets") or []:
        add("Secret", _mapping(secret).get("name"))
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            container = _mapping(container)
            for source in container.get("envFrom") or []:
                source = _mapping(source)
                add("ConfigMap", _mapping(source.get("configMapRef")).get("name"))
                add("Secret", _mapping(source.get("secretRef")).get("name"))
            for variable in container.get("env") or []:
                value_from = _mapping(_mapping(variable).get("valueFrom"))
                add("ConfigMap", _mapping(value_from.get("configMapKeyRef")).get("name"))
                add("Secret", _mapping(value_from.get("secretKeyRef")).get("name"))
    for volume in spec.get("volumes") or []:
        volume = _mapping(volume)
        add("ConfigMap", _mapping(volume.get("configMap")).get("name"))
        add("Secret", _mapping(volume.get("secret")).get("secretName"))
        add("PersistentVolumeClaim", _mapping(volume.get("persistentVolumeClaim")).get("claimName"))
        add("Secret", _mapping(_mapping(volume.get("csi")).get("nodePublishSecretRef")).get("name"))
        if _mapping(volume.get("ephemeral")).get("volumeClaimTemplate") is not None:
            add("PersistentVolumeClaim", f"{pod.name}-{volume.get('name')}")
        for source in _mapping(volume.get("projected")).get("sources") or []:
            source = _mapping(source)
            add("ConfigMap", _mapping(source.get("configMap")).get("name"))
            add("Secret", _mapping(source.get("secret")).get("name"))
    return found
