"""Many distinct templates: what the fast path shares between them.

The indexes that let its InterPodAffinity tracker visit only the placed pods that can matter
for a template, the node-local verdicts and scores shared by templates with the same
requests and ports (LocalTable), and the lazily keyed template sharing:

- Cluster.term_candidates(namespace, labels) must hold every placed pod one of whose
  (anti-)affinity terms matches such a pod, whatever the terms' namespaces,
  namespaceSelectors and label selector operators (checked against AffinityTerm.matches,
  also after pods are removed, detached and attached again);
- many distinct templates (one or two replicas each) in several namespaces, onto clusters
  whose placed pods carry required and preferred (anti-)affinity terms with and without
  namespaceSelector, schedule exactly as the per-node cycle does (engine="naive"), with the
  default profile, hardPodAffinityWeight 0 and ignorePreferredTermsOfExistingPods;
- single-replica templates whose requests, non-zero requests (containers without
  requests), host ports and init containers differ in one thing at a time schedule exactly
  as the per-node cycle does onto nodes that fill up (default scoring, which shares the
  tables, and MostAllocated, which does not);
- TemplateFactory shares a template exactly between pods with equal namespace, labels,
  owner and spec, whichever order they come in.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from kplan.plan.pod_model import PodView
from kplan.plan.scheduling import schedule
from kplan.plan.scheduling.podinfo import TemplateFactory
from kplan.plan.scheduling.profile import default_profile
from kplan.plan.scheduling.simulate import Simulation
from tests.plan.scheduling.helpers import container, make_node

NAMESPACE_LABELS = {
    "ns-0": {"team": "a", "env": "prod"},
    "ns-1": {"team": "a", "env": "dev"},
    "ns-2": {"team": "b", "env": "prod"},
    "ns-3": {"team": "b"},
    "ns-4": {},
}
# ns-5 has pods but no Namespace object (no labels: only namespaceSelector {} selects it)
POD_NAMESPACES = [*NAMESPACE_LABELS, "ns-5"]
NAMESPACES = [{"metadata": {"name": n, "labels": labels}} for n, labels in NAMESPACE_LABELS.items()]
APPS = ["web", "api", "db", "cache", "batch", "queue"]
TIERS = ["front", "back"]
ZONES = ["zone-a", "zone-b", "zone-c"]
KEYS = ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "node-id", "rack"]


def _nodes(rng: random.Random) -> list[dict[str, Any]]:
    nodes = []
    for i in range(rng.randint(4, 10)):
        labels = {"node-id": f"id-{i}", "rack": f"rack-{i % 3}"}
        if rng.random() < 0.85:
            labels["topology.kubernetes.io/zone"] = rng.choice(ZONES)
        nodes.append(
            make_node(
                f"node-{i:02d}",
                cpu=str(rng.choice([2, 4, 8])),
                memory=f"{rng.choice([4, 8, 16])}Gi",
                pods=rng.choice([8, 30, 110]),
                labels=labels,
            )
        )
    return nodes


def _selector(rng: random.Random, app: str) -> dict[str, Any] | None:
    """A label selector exercising each operator (and nil: matches nothing)."""
    roll = rng.random()
    if roll < 0.35:
        return {"matchLabels": {"app": app}}
    if roll < 0.45:
        return {
            "matchExpressions": [
                {"key": "app", "operator": "In", "values": rng.sample(APPS, rng.randint(1, 3))}
            ]
        }
    if roll < 0.52:
        return {"matchExpressions": [{"key": "tier", "operator": "Exists"}]}
    if roll < 0.59:
        return {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": [app]}]}
    if roll < 0.64:
        return {"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}
    if roll < 0.69:
        return {"matchExpressions": [{"key": "rank", "operator": "Gt", "values": ["1"]}]}
    if roll < 0.75:
        return {
            "matchLabels": {"tier": rng.choice(TIERS)},
            "matchExpressions": [{"key": "app", "operator": "NotIn", "values": [app]}],
        }
    if roll < 0.8:
        return {}
    if roll < 0.85:
        return None
    return {"matchLabels": {"app": app, "tier": rng.choice(TIERS)}}


def _term(rng: random.Random, app: str) -> dict[str, Any]:
    term: dict[str, Any] = {"topologyKey": rng.choice(KEYS)}
    selector = _selector(rng, app)
    if selector is not None:
        term["labelSelector"] = selector
    roll = rng.random()
    if roll < 0.15:
        term["namespaceSelector"] = {}
    elif roll < 0.3:
        term["namespaceSelector"] = {"matchLabels": {"team": rng.choice(["a", "b"])}}
    elif roll < 0.36:
        term["namespaceSelector"] = {
            "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]
        }
    elif roll < 0.5:
        term["namespaces"] = rng.sample(POD_NAMESPACES, rng.randint(1, 3))
    elif roll < 0.56:
        term["namespaces"] = [rng.choice(POD_NAMESPACES)]
        term["namespaceSelector"] = {"matchLabels": {"env": "dev"}}
    if rng.random() < 0.1:
        term["matchLabelKeys"] = ["workload"]
    return term


def _affinity(rng: random.Random, app: str, chance: float) -> dict[str, Any]:
    affinity: dict[str, Any] = {}
    if rng.random() < chance:
        affinity["podAntiAffinity"] = {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                _term(rng, app) for _ in range(rng.randint(1, 2))
            ]
        }
    if rng.random() < chance / 2:
        affinity["podAffinity"] = {
            "requiredDuringSchedulingIgnoredDuringExecution": [_term(rng, rng.choice(APPS))]
        }
    for section in ("podAffinity", "podAntiAffinity"):
        if rng.random() < chance:
            affinity.setdefault(section, {})["preferredDuringSchedulingIgnoredDuringExecution"] = [
                {"weight": rng.randint(1, 100), "podAffinityTerm": _term(rng, rng.choice(APPS))}
                for _ in range(rng.randint(1, 2))
            ]
    return affinity


def _labels(rng: random.Random, app: str) -> dict[str, str]:
    labels = {"app": app}
    if rng.random() < 0.6:
        labels["tier"] = rng.choice(TIERS)
    if rng.random() < 0.3:
        labels["rank"] = str(rng.randint(0, 3))
    return labels


def _existing(rng: random.Random, names: list[str], count: int) -> list[PodView]:
    pods = []
    for i in range(count):
        app = rng.choice(APPS)
        namespace = rng.choice(POD_NAMESPACES)
        spec: dict[str, Any] = {"containers": [container("100m", "128Mi")]}
        affinity = _affinity(rng, app, 0.4)
        if affinity:
            spec["affinity"] = affinity
        node = rng.choice(names)
        if rng.random() < 0.5:
            spec["nodeName"] = node
        pods.append(
            PodView(
                namespace=namespace,
                name=f"old-{i}",
                labels=_labels(rng, app),
                spec=spec,
                node=node,
                phase="Running",
                owner=f"ReplicaSet/{namespace}/{app}-{i % 4}",
            )
        )
    return pods


def _planned(rng: random.Random, workloads: int) -> list[PodView]:
    planned = []
    for w in range(workloads):
        app = rng.choice(APPS)
        namespace = rng.choice(POD_NAMESPACES)
        cpu = rng.choice([None, "100m", "250m", "500m"])
        spec: dict[str, Any] = {"containers": [container(cpu, "128Mi", image=f"img/{app}")]}
        affinity = _affinity(rng, app, 0.15)
        if affinity:
            spec["affinity"] = affinity
        if rng.random() < 0.1:
            spec["priority"] = 1000
        labels = {**_labels(rng, app), "workload": str(w)}
        for r in range(1 if rng.random() < 0.8 else 2):
            planned.append(
                PodView(
                    namespace=namespace,
                    name=f"{app}-{w}-{r}",
                    labels=dict(labels),
                    spec=spec,
                    owner=f"Deployment/{namespace}/{app}-{w}",
                    replica=r,
                    planned=True,
                )
            )
    return planned


def _config(args: dict[str, Any]) -> dict[str, Any]:
    return {"profiles": [{"pluginConfig": [{"name": "InterPodAffinity", "args": args}]}]}


CONFIGS = [
    None,
    _config({"hardPodAffinityWeight": 0}),
    _config({"ignorePreferredTermsOfExistingPods": True, "hardPodAffinityWeight": 3}),
]


def _case(seed: int) -> tuple[list[dict[str, Any]], list[PodView], list[PodView]]:
    rng = random.Random(seed)
    nodes = _nodes(rng)
    names = [n["metadata"]["name"] for n in nodes]
    existing = _existing(rng, names, rng.randint(10, 60))
    return nodes, existing, _planned(rng, rng.randint(15, 40))


def _run(seed: int, version: str, engine: str) -> list[dict[str, Any]]:
    nodes, existing, planned = _case(seed)
    return schedule(
        planned,
        existing,
        nodes,
        kubernetes_version=version,
        engine=engine,
        namespaces=NAMESPACES,
        config=CONFIGS[seed % len(CONFIGS)],
    ).placements


@pytest.mark.parametrize("version", ["1.25", "1.31", "1.35"])
@pytest.mark.parametrize("block", range(3))
def test_many_templates_match_per_node_cycle(version: str, block: int) -> None:
    """Seeds block*15 .. block*15+14: identical placements, messages and preemptions."""
    for seed in range(block * 15, block * 15 + 15):
        naive = _run(seed, version, "naive")
        fast = _run(seed, version, "auto")
        assert fast == naive, f"seed {seed}"


LOCAL_CONFIGS = [
    None,
    {
        "profiles": [
            {
                "pluginConfig": [
                    {
                        "name": "NodeResourcesFit",
                        "args": {
                            "scoringStrategy": {
                                "type": "MostAllocated",
                                "resources": [
                                    {"name": "cpu", "weight": 1},
                                    {"name": "memory", "weight": 3},
                                ],
                            }
                        },
                    }
                ]
            }
        ]
    },
]


def _local_case(seed: int) -> tuple[list[dict[str, Any]], list[PodView], list[PodView]]:
    rng = random.Random(seed)
    nodes = [
        make_node(
            f"node-{i:02d}",
            cpu=rng.choice(["1", "2", "1500m"]),
            memory=rng.choice(["1Gi", "2Gi", "1536Mi"]),
            pods=rng.choice([4, 6, 10]),
            labels={"topology.kubernetes.io/zone": ZONES[i % 3]},
        )
        for i in range(rng.randint(3, 7))
    ]
    existing = [
        PodView(
            namespace="ns-0",
            name=f"old-{i}",
            labels={"app": "old"},
            spec={
                "containers": [
                    container(
                        rng.choice(["100m", "400m"]),
                        rng.choice(["256Mi", "512Mi"]),
                        ports=[{"containerPort": 80, "hostPort": 8080}]
                        if rng.random() < 0.2
                        else [],
                    )
                ]
            },
            node=rng.choice(nodes)["metadata"]["name"],
            phase="Running",
            owner="ReplicaSet/ns-0/old",
        )
        for i in range(rng.randint(0, 8))
    ]
    planned = []
    for w in range(rng.randint(25, 45)):
        # the same few base requests, varied one thing at a time
        cpu, memory = rng.choice([("100m", "128Mi"), ("250m", "256Mi"), ("500m", "256Mi")])
        roll = rng.random()
        extra: dict[str, Any] = {}
        containers = [container(cpu, memory)]
        if roll < 0.15:
            containers = [container(cpu, rng.choice(["64Mi", "768Mi"]))]
        elif roll < 0.3:
            containers.append(container())  # non-zero defaults count for scoring only
        elif roll < 0.4:
            containers = [container(None, memory)]
        elif roll < 0.5:
            containers = [container(cpu, memory, ports=[{"containerPort": 80, "hostPort": 8080}])]
        elif roll < 0.6:
            extra["initContainers"] = [container("900m", "64Mi")]
        elif roll < 0.65:
            containers = [container(None, None)]
        spec: dict[str, Any] = {"containers": containers, **extra}
        if rng.random() < 0.1:
            spec["tolerations"] = [{"operator": "Exists"}]
        planned.append(
            PodView(
                namespace="ns-1",
                name=f"w-{w}",
                labels={"workload": str(w)},
                spec=spec,
                owner=f"Deployment/ns-1/w-{w}",
                planned=True,
            )
        )
    return nodes, existing, planned


@pytest.mark.parametrize("version", ["1.25", "1.33"])
@pytest.mark.parametrize("config", range(len(LOCAL_CONFIGS)))
def test_shared_local_tables_match_per_node_cycle(version: str, config: int) -> None:
    pending = 0
    for seed in range(25):
        runs = []
        for engine in ("naive", "auto"):
            nodes, existing, planned = _local_case(seed)
            runs.append(
                schedule(
                    planned,
                    existing,
                    nodes,
                    kubernetes_version=version,
                    engine=engine,
                    config=LOCAL_CONFIGS[config],
                ).placements
            )
        assert runs[1] == runs[0], f"seed {seed}"
        pending += sum(1 for placement in runs[0] if placement["node"] is None)
    assert pending  # the nodes fill up: the fit verdicts differ between templates


def _matching_pods(sim: Simulation, namespace: str, labels: dict[str, str]) -> set[int]:
    """The placed pods one of whose terms matches a pod of this namespace and labels."""
    namespace_labels = sim.cluster.namespace_labels(namespace)
    found = set()
    for node in sim.cluster.nodes:
        for pod in node.pods:
            template = pod.template
            terms = [*template.required_affinity, *template.required_anti_affinity]
            terms += [w.term for w in template.preferred_affinity]
            terms += [w.term for w in template.preferred_anti_affinity]
            if any(t.matches(namespace, labels, namespace_labels) for t in terms):
                found.add(id(pod))
    return found


def _candidates(sim: Simulation, namespace: str, labels: dict[str, str]) -> set[int]:
    found: set[int] = set()
    for bucket in sim.cluster.term_candidates(namespace, labels):
        found.update(bucket)
    return found


@pytest.mark.parametrize("seed", range(12))
def test_term_candidates_hold_every_pod_whose_terms_match(seed: int) -> None:
    nodes, existing, _planned_pods = _case(seed)
    rng = random.Random(1000 + seed)
    sim = Simulation(existing, nodes, kubernetes_version="1.35", namespaces=NAMESPACES)
    probes = [
        (namespace, {**_labels(rng, app), "workload": str(rng.randint(0, 3))})
        for namespace in [*POD_NAMESPACES, "elsewhere"]
        for app in APPS
    ]
    probes.append(("ns-0", {}))
    # a label value that cannot be a dict key (no `key in (values)` matches it) is no error
    odd = _candidates(sim, "ns-1", {"tier": ["not", "hashable"]})  # type: ignore[dict-item]
    assert odd == _candidates(sim, "ns-1", {"tier": "no-such-tier"})
    matched_any = False
    for namespace, labels in probes:
        matching = _matching_pods(sim, namespace, labels)
        matched_any = matched_any or bool(matching)
        assert matching <= _candidates(sim, namespace, labels), (namespace, labels)
    assert matched_any
    # the index follows pods that leave (preemption's dry run detaches, eviction removes)
    placed = [pod for node in sim.cluster.nodes for pod in node.pods]
    gone = rng.sample(placed, len(placed) // 3)
    detached = gone[: len(gone) // 2]
    for pod in detached:
        sim.cluster.detach(pod)
    for pod in gone[len(gone) // 2 :]:
        sim.cluster.remove_pod(pod)
    for namespace, labels in probes:
        candidates = _candidates(sim, namespace, labels)
        assert _matching_pods(sim, namespace, labels) <= candidates
        assert not candidates & {id(pod) for pod in gone}
    for pod in detached:
        sim.cluster.attach(pod)
    for namespace, labels in probes:
        assert _matching_pods(sim, namespace, labels) <= _candidates(sim, namespace, labels)


def _reference_keys(views: list[PodView]) -> list[int]:
    """Template numbers as sharing by (namespace, labels, owner, canonical spec JSON) gives."""
    seen: dict[tuple[Any, ...], int] = {}
    keys = []
    for view in views:
        content = (
            view.namespace,
            tuple(sorted((view.labels or {}).items())),
            view.owner,
            json.dumps(view.spec, sort_keys=True, default=str),
        )
        keys.append(seen.setdefault(content, len(seen) + 1))
    return keys


@pytest.mark.parametrize("seed", range(20))
def test_template_sharing_is_by_content(seed: int) -> None:
    rng = random.Random(seed)
    specs = [{"containers": [container(cpu, "64Mi")]} for cpu in ("100m", "200m", "300m")] + [
        {"containers": [container("100m", "64Mi")], "nodeName": node} for node in ("a", "b")
    ]
    views = []
    for i in range(60):
        # a fresh copy (no identity hit) or a spec object seen before
        spec = rng.choice(specs)
        spec = copy.deepcopy(spec) if rng.random() < 0.7 else spec
        if rng.random() < 0.1:
            spec = {**spec, "nodeName": rng.choice(["a", "b"])}
        views.append(
            PodView(
                namespace=rng.choice(["x", "y"]),
                name=f"p-{i}",
                labels={"app": rng.choice(["a", "b"])},
                spec=spec,
                owner=rng.choice(["RS/x/a", "RS/x/b"]),
            )
        )
    factory = TemplateFactory(default_profile("1.35").features)
    keys = [factory.template(view).key for view in views]
    assert keys == _reference_keys(views)
    # asking again gives the same templates
    assert [factory.template(view).key for view in views] == keys


def test_recorded_replicas_on_other_nodes_share_all_but_their_spec() -> None:
    """Replicas of one ReplicaSet differ in spec.nodeName and in the name of the
    service-account token volume the API server adds to each pod, mounted in every container
    (kubernetes/kubernetes plugin/pkg/admission/serviceaccount/admission.go:
    ServiceAccountVolumeName = "kube-api-access", a generated name with that prefix): the
    second one's template is the first one's with its own spec (NodeName reads it) and
    volumes (the volume plugins read them), under its own key (the fast path's caches are
    per key); a replica whose spec differs in anything else, or a planned pod, gets a
    template built from its own spec."""
    base = {"containers": [container("100m", "64Mi")], "hostNetwork": True}

    def recorded(name: str, node: str, **changes: Any) -> PodView:
        token = f"kube-api-access-{name}"
        spec = {**copy.deepcopy(base), "nodeName": node, **changes}
        spec["volumes"] = [{"name": token, "projected": {"sources": []}}]
        for each in spec["containers"]:
            each["volumeMounts"] = [{"name": token, "mountPath": "/var/run/secrets"}]
        return PodView(namespace="x", name=name, labels={"app": "a"}, spec=spec, owner="RS/x/a")

    factory = TemplateFactory(default_profile("1.35").features)
    first = factory.template(recorded("p-0", "node-a"))
    second_view = recorded("p-1", "node-b")
    second = factory.template(second_view)
    assert second is not first and second.key != first.key
    assert second.spec is second_view.spec and second.spec["nodeName"] == "node-b"
    assert [volume["name"] for volume in second.volumes] == ["kube-api-access-p-1"]
    assert second.requests is first.requests and second.host_ports is first.host_ports
    other_image = recorded("p-2", "node-c", containers=[container("100m", "64Mi", image="b")])
    built = factory.template(other_image)
    assert built.requests is not first.requests and built.images == ("b:latest",)
    planned = PodView(
        namespace="x",
        name="p-3",
        labels={"app": "a"},
        spec={**base, "nodeName": "node-e"},
        owner="RS/x/a",
        planned=True,
    )
    assert factory.template(planned).requests is not first.requests
