"""The cached fast path gives exactly the per-node cycle's answers.

Random small clusters (zones, taints, cordoned nodes, images, odd allocatables) and random
workloads (requests with and without defaults, selectors, required and preferred node
affinity, tolerations, pod (anti-)affinity by hostname and zone, hard and soft spread
constraints, system default spreading, host ports, priorities that preempt) are scheduled
twice, with engine="naive" (framework.run_cycle for every pod) and engine="auto"; node,
message and preemption must agree for every pod. Deterministic seeds.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from kplan.plan.pod_model import PodView
from kplan.plan.scheduling import schedule
from tests.plan.scheduling.helpers import container, make_node

ZONES = ["zone-a", "zone-b", "zone-c"]
APPS = ["web", "api", "db", "cache", "batch"]


def _nodes(rng: random.Random) -> list[dict[str, Any]]:
    nodes = []
    for i in range(rng.randint(3, 9)):
        labels = {"disk": rng.choice(["ssd", "hdd"]), "node-id": f"id-{i}"}
        if rng.random() < 0.85:
            labels["topology.kubernetes.io/zone"] = rng.choice(ZONES)
        taints = []
        if rng.random() < 0.2:
            taints.append(
                {
                    "key": "dedicated",
                    "value": rng.choice(["gpu", "infra"]),
                    "effect": rng.choice(["NoSchedule", "PreferNoSchedule"]),
                }
            )
        if rng.random() < 0.15:
            taints.append({"key": "noisy", "effect": "PreferNoSchedule"})
        images = []
        if rng.random() < 0.5:
            images.append(([f"registry/{rng.choice(APPS)}:v1"], rng.randint(10, 900) * 1024 * 1024))
        nodes.append(
            make_node(
                f"node-{i:02d}",
                cpu=str(rng.choice([1, 2, 4, 8])),
                memory=f"{rng.choice([2, 4, 8, 16])}Gi",
                pods=rng.choice([5, 10, 110]),
                labels=labels,
                taints=taints,
                unschedulable=rng.random() < 0.1,
                images=images,
            )
        )
    return nodes


KEYS = ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "node-id", "disk"]


def _term(rng: random.Random, app: str) -> dict[str, Any]:
    term: dict[str, Any] = {
        "labelSelector": {"matchLabels": {"app": app}},
        "topologyKey": rng.choice(KEYS),
    }
    roll = rng.random()
    if roll < 0.15:
        term["namespaceSelector"] = {}
    elif roll < 0.3:
        term["namespaceSelector"] = {"matchLabels": {"team": "a"}}
    elif roll < 0.4:
        term["namespaces"] = ["other"]
    return term


def _spec(rng: random.Random, app: str) -> dict[str, Any]:
    containers = []
    for _ in range(rng.randint(1, 2)):
        cpu = rng.choice([None, "0", "50m", "100m", "250m", "500m", "1"])
        memory = rng.choice([None, "64Mi", "256Mi", "1Gi"])
        ports = [{"containerPort": 80, "hostPort": 8080}] if rng.random() < 0.1 else []
        containers.append(container(cpu, memory, image=f"registry/{app}:v1", ports=ports))
    spec: dict[str, Any] = {"containers": containers}
    if rng.random() < 0.1:
        spec["initContainers"] = [container("750m", "128Mi", image="busybox")]
    if rng.random() < 0.3:
        spec["tolerations"] = [{"key": "dedicated", "operator": "Exists"}]
    if rng.random() < 0.15:
        spec["nodeSelector"] = {"disk": "ssd"}
    affinity: dict[str, Any] = {}
    if rng.random() < 0.2:
        affinity["nodeAffinity"] = {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": rng.randint(1, 100),
                    "preference": {
                        "matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]
                    },
                }
            ]
        }
    if rng.random() < 0.1:
        affinity.setdefault("nodeAffinity", {})[
            "requiredDuringSchedulingIgnoredDuringExecution"
        ] = {
            "nodeSelectorTerms": [
                {
                    "matchExpressions": [
                        {
                            "key": "topology.kubernetes.io/zone",
                            "operator": "In",
                            "values": rng.sample(ZONES, 2),
                        }
                    ]
                }
            ]
        }
    if rng.random() < 0.25:
        affinity["podAntiAffinity"] = {
            "requiredDuringSchedulingIgnoredDuringExecution": [_term(rng, app)]
        }
    if rng.random() < 0.15:
        affinity["podAffinity"] = {
            "requiredDuringSchedulingIgnoredDuringExecution": [_term(rng, rng.choice(APPS))]
        }
    if rng.random() < 0.25:
        section = affinity.setdefault(rng.choice(["podAffinity", "podAntiAffinity"]), {})
        section["preferredDuringSchedulingIgnoredDuringExecution"] = [
            {"weight": rng.randint(1, 100), "podAffinityTerm": _term(rng, rng.choice(APPS))}
        ]
    if affinity:
        spec["affinity"] = affinity
    if rng.random() < 0.3:
        constraints = []
        for _ in range(rng.randint(1, 2)):
            constraint: dict[str, Any] = {
                "maxSkew": rng.randint(1, 2),
                "topologyKey": rng.choice(KEYS),
                "whenUnsatisfiable": rng.choice(["DoNotSchedule", "ScheduleAnyway"]),
                "labelSelector": {"matchLabels": {"app": app}},
            }
            if rng.random() < 0.2:
                constraint["minDomains"] = rng.randint(1, 4)
            if rng.random() < 0.2:
                constraint["nodeTaintsPolicy"] = "Honor"
            if rng.random() < 0.2:
                constraint["nodeAffinityPolicy"] = "Ignore"
            if rng.random() < 0.2:
                constraint["matchLabelKeys"] = ["workload"]
            constraints.append(constraint)
        spec["topologySpreadConstraints"] = constraints
    if rng.random() < 0.05:
        pinned = f"node-{rng.randint(0, 3):02d}"
        spec.setdefault("affinity", {})["nodeAffinity"] = {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchFields": [
                            {"key": "metadata.name", "operator": "In", "values": [pinned]}
                        ]
                    }
                ]
            }
        }
    if rng.random() < 0.15:
        spec["priority"] = 1000
    return spec


def _workloads(rng: random.Random, nodes: list[dict[str, Any]]):
    names = [n["metadata"]["name"] for n in nodes]
    existing = []
    for i in range(rng.randint(0, 12)):
        app = rng.choice(APPS)
        spec = _spec(rng, app)
        spec["priority"] = rng.choice([0, 0, 100])
        spec.get("affinity", {}).pop("nodeAffinity", None)
        existing.append(
            PodView(
                namespace=rng.choice(["default", "default", "other"]),
                name=f"old-{i}",
                labels={"app": app},
                spec=spec,
                node=rng.choice(names),
                phase="Running",
                owner=f"ReplicaSet/default/{app}",
            )
        )
    planned = []
    for w in range(rng.randint(2, 5)):
        app = rng.choice(APPS)
        spec = _spec(rng, app)
        namespace = rng.choice(["default", "default", "other"])
        for r in range(rng.randint(1, 6)):
            planned.append(
                PodView(
                    namespace=namespace,
                    name=f"{app}-{w}-{r}",
                    labels={"app": app, "workload": str(w)},
                    spec=spec,
                    owner=f"Deployment/{namespace}/{app}-{w}",
                    replica=r,
                    planned=True,
                )
            )
    return existing, planned


NAMESPACES = [
    {"metadata": {"name": "default", "labels": {"team": "a"}}},
    {"metadata": {"name": "other", "labels": {"team": "b"}}},
]
# the default profile, and one with MostAllocated (the generic node-local scorer), another
# hardPodAffinityWeight and a re-weighted PodTopologySpread
CONFIGS = [
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
                                    {"name": "cpu", "weight": 2},
                                    {"name": "memory", "weight": 1},
                                ],
                            }
                        },
                    },
                    {"name": "InterPodAffinity", "args": {"hardPodAffinityWeight": 5}},
                ],
                "plugins": {"score": {"enabled": [{"name": "PodTopologySpread", "weight": 7}]}},
            }
        ]
    },
]


def _spread(view: PodView) -> list[dict[str, str]]:
    app = view.labels.get("app")
    return [{"app": app}] if app in ("web", "api", "cache") else []


def _run(seed: int, version: str, engine: str) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    nodes = _nodes(rng)
    existing, planned = _workloads(rng, nodes)
    result = schedule(
        planned,
        existing,
        nodes,
        kubernetes_version=version,
        engine=engine,
        default_spread_selectors=_spread,
        namespaces=NAMESPACES,
        config=CONFIGS[seed % len(CONFIGS)],
    )
    return result.placements


@pytest.mark.parametrize("version", ["1.25", "1.31", "1.35"])
@pytest.mark.parametrize("block", range(6))
def test_fast_path_matches_per_node_cycle(version: str, block: int) -> None:
    """Seeds block*40 .. block*40+39: identical placements, messages and preemptions."""
    for seed in range(block * 40, block * 40 + 40):
        naive = _run(seed, version, "naive")
        fast = _run(seed, version, "auto")
        assert fast == naive, f"seed {seed}"


def test_cache_survives_interleaved_templates() -> None:
    """Two templates alternating (events replayed into each cache) and a larger cluster."""
    rng = random.Random(7)
    nodes = [
        make_node(
            f"n{i:03d}", cpu="2", memory="4Gi", labels={"topology.kubernetes.io/zone": ZONES[i % 3]}
        )
        for i in range(60)
    ]
    specs = [_spec(rng, "web"), _spec(rng, "api")]
    for spec in specs:
        spec.pop("priority", None)
    planned = []
    for r in range(40):
        for w, app in enumerate(["web", "api"]):
            planned.append(
                PodView(
                    namespace="default",
                    name=f"{app}-{r}",
                    labels={"app": app},
                    spec=specs[w],
                    owner=f"Deployment/default/{app}-{r % 3}",
                    replica=r,
                    planned=True,
                )
            )

    def run(engine: str) -> list[dict[str, Any]]:
        views = [PodView(**{**p.__dict__}) for p in planned]
        return schedule(
            views,
            [],
            nodes,
            kubernetes_version="1.31",
            engine=engine,
            default_spread_selectors=_spread,
        ).placements

    assert run("auto") == run("naive")
