"""Scheduling throughput on deterministic synthetic clusters.

    python benchmarks/bench_schedule.py [--nodes 5000] [--pods 10000] [--anti-pods 2000]
                                        [--templates 1000] [--naive-sample 0]

Scenario 1: plain Deployments (100 replicas each, requests from a few sizes, selected by their
ReplicaSet so PodTopologySpread's system defaults apply) onto a 3-zone cluster of four node
shapes with one existing per-node agent pod, a tainted pool and some cached images.
Scenario 2: Deployments whose pods require anti-affinity to each other on
kubernetes.io/hostname (one replica per node).
Scenario 3: many templates: `--templates` single-replica Deployments spread over 50
namespaces onto 500 nodes already running 7,000 pods of those namespaces, of which every 5th
carries required pod anti-affinity (hostname), every 7th preferred anti-affinity (zone) and
every 50th a namespaceSelector term; a few new Deployments have preferred anti-affinity too.

Prints pods/s, wall and CPU time per scenario. `--naive-sample N` also times the per-node
cycle on the first N pods of scenario 1, for comparison. No assertions: this measures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kplan.plan.pod_model import PodView  # noqa: E402
from kplan.plan.scheduling import schedule  # noqa: E402

ZONES = ("zone-a", "zone-b", "zone-c")
SHAPES = (("4", "16Gi"), ("8", "32Gi"), ("16", "64Gi"), ("2", "8Gi"))
SIZES = (("100m", "128Mi"), ("250m", "256Mi"), ("500m", "512Mi"), ("1", "1Gi"), (None, "64Mi"))


def make_nodes(count: int) -> list[dict[str, Any]]:
    nodes = []
    for i in range(count):
        cpu, memory = SHAPES[i % len(SHAPES)]
        name = f"node-{i:05d}"
        taints = []
        if i % 20 == 0:
            taints.append({"key": "pool", "value": "infra", "effect": "NoSchedule"})
        if i % 50 == 7:
            taints.append({"key": "spot", "effect": "PreferNoSchedule"})
        images = []
        if i % 10 == 3:
            images.append({"names": [f"registry.example/app-{i % 7}:1.0"], "sizeBytes": 300 << 20})
        nodes.append(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": name,
                    "labels": {
                        "kubernetes.io/hostname": name,
                        "topology.kubernetes.io/zone": ZONES[i % len(ZONES)],
                        "node.kubernetes.io/instance-type": f"shape-{i % len(SHAPES)}",
                    },
                },
                "spec": {"taints": taints} if taints else {},
                "status": {
                    "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
                    "images": images,
                },
            }
        )
    return nodes


def agent_pods(nodes: list[dict[str, Any]]) -> list[PodView]:
    """One node-agent pod per node (like kube-proxy), already running."""
    spec = {
        "containers": [
            {
                "name": "agent",
                "image": "agent:1",
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
            }
        ],
        "tolerations": [{"operator": "Exists"}],
        "priority": 2000001000,
    }
    return [
        PodView(
            namespace="kube-system",
            name=f"agent-{i}",
            labels={"app": "agent"},
            spec=spec,
            node=node["metadata"]["name"],
            phase="Running",
            owner="DaemonSet/kube-system/agent",
        )
        for i, node in enumerate(nodes)
    ]


def deployment_pods(count: int, replicas: int, anti_affinity: bool = False) -> list[PodView]:
    pods = []
    workloads = (count + replicas - 1) // replicas
    for w in range(workloads):
        cpu, memory = SIZES[w % len(SIZES)]
        requests = {"memory": memory}
        if cpu is not None:
            requests["cpu"] = cpu
        app = f"app-{w:03d}"
        spec: dict[str, Any] = {
            "containers": [
                {
                    "name": "main",
                    "image": f"registry.example/app-{w % 7}:1.0",
                    "resources": {"requests": requests},
                }
            ],
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
        }
        if anti_affinity:
            spec["affinity"] = {
                "podAntiAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "labelSelector": {"matchLabels": {"app": app}},
                            "topologyKey": "kubernetes.io/hostname",
                        }
                    ]
                }
            }
        for r in range(min(replicas, count - w * replicas)):
            pods.append(
                PodView(
                    namespace="default",
                    name=f"{app}-{r}",
                    labels={"app": app},
                    spec=spec,
                    owner=f"Deployment/default/{app}",
                    replica=r,
                    planned=True,
                )
            )
    return pods


MANY_NAMESPACES = 50
MANY_NODES = 500
MANY_EXISTING = 7000


def namespaces(count: int) -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": f"shop-{i:03d}", "labels": {"tier": ("gold", "silver")[i % 2]}},
        }
        for i in range(count)
    ]


def _anti_term(app: str, key: str, selector: bool = False) -> dict[str, Any]:
    term: dict[str, Any] = {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}
    if selector:
        term["namespaceSelector"] = {"matchLabels": {"tier": "gold"}}
    return term


def many_existing(nodes: list[dict[str, Any]], count: int, spaces: int) -> list[PodView]:
    """Recorded pods of `spaces` namespaces, one spec object each (as loaded from a
    snapshot), on the nodes round-robin; some with pod anti-affinity terms."""
    pods = []
    for i in range(count):
        namespace = f"shop-{i % spaces:03d}"
        app = f"svc-{i // spaces % 40:02d}"
        node = nodes[i % len(nodes)]["metadata"]["name"]
        cpu, memory = SIZES[i % len(SIZES)]
        requests = {"memory": memory}
        if cpu is not None:
            requests["cpu"] = cpu
        spec: dict[str, Any] = {
            "nodeName": node,
            "containers": [
                {
                    "name": "main",
                    "image": f"registry.example/{app}:1.0",
                    "resources": {"requests": requests},
                }
            ],
        }
        anti: dict[str, Any] = {}
        if i % 5 == 0:
            anti["requiredDuringSchedulingIgnoredDuringExecution"] = [
                _anti_term(app, "kubernetes.io/hostname")
            ]
        if i % 7 == 0:
            anti["preferredDuringSchedulingIgnoredDuringExecution"] = [
                {"weight": 100, "podAffinityTerm": _anti_term(app, "topology.kubernetes.io/zone")}
            ]
        if i % 50 == 0:
            anti.setdefault("requiredDuringSchedulingIgnoredDuringExecution", []).append(
                _anti_term(f"svc-{i % 40:02d}", "kubernetes.io/hostname", selector=True)
            )
        if anti:
            spec["affinity"] = {"podAntiAffinity": anti}
        pods.append(
            PodView(
                namespace=namespace,
                name=f"{app}-{i}",
                labels={"app": app, "pod-template-hash": f"h{i % 3}"},
                spec=spec,
                node=node,
                phase="Running",
                owner=f"ReplicaSet/{namespace}/{app}",
            )
        )
    return pods


def many_templates(count: int, spaces: int) -> list[PodView]:
    """`count` single-replica Deployments, each its own template, over the namespaces."""
    pods = []
    for w in range(count):
        namespace = f"shop-{w % spaces:03d}"
        app = f"svc-{w // spaces:02d}"
        cpu, memory = SIZES[w % len(SIZES)]
        requests = {"memory": memory}
        if cpu is not None:
            requests["cpu"] = cpu
        spec: dict[str, Any] = {
            "containers": [
                {
                    "name": "main",
                    "image": f"registry.example/{app}:2.0",
                    "resources": {"requests": requests},
                }
            ]
        }
        if w % 10 == 0:
            spec["affinity"] = {
                "podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 50, "podAffinityTerm": _anti_term(app, "kubernetes.io/hostname")}
                    ]
                }
            }
        pods.append(
            PodView(
                namespace=namespace,
                name=f"{app}-0",
                labels={"app": app, "release": f"r{w}"},
                spec=spec,
                owner=f"Deployment/{namespace}/{app}",
                replica=0,
                planned=True,
            )
        )
    return pods


def spread_selectors(view: PodView) -> list[dict[str, str]]:
    """The ReplicaSet of each Deployment selects its pods."""
    return [{"app": view.labels["app"]}] if view.labels.get("app", "").startswith("app-") else []


def run(
    name: str,
    pods: list[PodView],
    nodes: list[dict[str, Any]],
    existing: list[PodView],
    engine: str = "auto",
    **options: Any,
) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = schedule(
        pods,
        existing,
        nodes,
        kubernetes_version="1.33",
        engine=engine,
        default_spread_selectors=spread_selectors,
        **options,
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    placed = len(pods) - result.unschedulable
    print(
        f"{name}: {len(pods)} pods onto {len(nodes)} nodes ({placed} placed) in "
        f"{wall:.2f}s wall, {cpu:.2f}s CPU: {len(pods) / wall:,.0f} pods/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=10000)
    parser.add_argument("--anti-pods", type=int, default=2000)
    parser.add_argument("--templates", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=0)
    args = parser.parse_args()
    nodes = make_nodes(args.nodes)
    run("deployments", deployment_pods(args.pods, 100), nodes, agent_pods(nodes))
    run(
        "required anti-affinity",
        deployment_pods(args.anti_pods, 50, anti_affinity=True),
        nodes,
        agent_pods(nodes),
    )
    many_nodes = make_nodes(MANY_NODES)
    run(
        "many templates",
        many_templates(args.templates, MANY_NAMESPACES),
        many_nodes,
        many_existing(many_nodes, MANY_EXISTING, MANY_NAMESPACES),
        namespaces=namespaces(MANY_NAMESPACES),
    )
    if args.naive_sample:
        run(
            "deployments, per-node cycle",
            deployment_pods(args.naive_sample, 100),
            nodes,
            agent_pods(nodes),
            engine="naive",
        )


if __name__ == "__main__":
    main()
