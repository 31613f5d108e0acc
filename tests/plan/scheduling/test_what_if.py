"""Simulation.capacity_instead: a surge check asked of the plan's simulation after it placed
the plan's pods must answer exactly what a fresh capacity() over the same pods answers (the
definition, kplan.plan.placement.SurgeCheck), and leave the simulation as it was.

The pods a fresh simulation holds: every pod of the plan that has a node (recorded ones, and
planned ones once placed, preemption victims included: a fresh simulation has not evicted
them), but none of the workload's own, plus the workload's recorded pods.
"""

from __future__ import annotations

from typing import Any

import pytest

from kplan.plan.pod_model import PodView
from kplan.plan.scheduling import capacity, schedule
from kplan.plan.scheduling.simulate import Simulation
from tests.plan.scheduling.helpers import container, make_node, make_pod

VERSION = "1.31"
WEB = "Deployment/default/web"
API = "Deployment/default/api"
BATCH = "Deployment/default/batch"


def _pod(name: str, owner: str, cpu: str, node: str | None = None, **spec: Any) -> PodView:
    app = owner.rsplit("/", 1)[1]
    return make_pod(
        name,
        labels={"app": app},
        containers=[container(cpu, "256Mi")],
        node=node,
        owner=owner,
        priority=spec.pop("priority", 0),
        **spec,
    )


def _cluster() -> tuple[list[dict[str, Any]], list[PodView], list[PodView], list[PodView]]:
    """Three 2-CPU nodes. Recorded: web (changed by the plan: its pods are replaced), api
    (kept), batch (low priority, kept). Planned: web's new pods, a new high-priority api pod
    that only fits by evicting a batch pod."""
    nodes = [make_node(f"node-{i}", cpu="2", memory="4Gi") for i in range(3)]
    recorded_web = [_pod(f"web-old-{i}", WEB, "500m", f"node-{i}") for i in range(3)]
    kept = [
        _pod("api-0", API, "700m", "node-0", priority=100),
        _pod("api-1", API, "700m", "node-1", priority=100),
        _pod("batch-0", BATCH, "600m", "node-2"),
        _pod("batch-1", BATCH, "600m", "node-0"),
        _pod("batch-2", BATCH, "600m", "node-1"),
        _pod("gone", BATCH, "600m", "node-1", phase="Succeeded"),
    ]
    planned = [
        _pod(f"web-{i}", WEB, "400m", topologySpreadConstraints=_spread("web")) for i in range(3)
    ]
    planned.append(_pod("api-2", API, "1500m", priority=100))
    return nodes, recorded_web, kept, planned


def _spread(app: str) -> list[dict[str, Any]]:
    return [
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": app}},
        }
    ]


def _fresh(
    template: PodView, count: int, pods: list[PodView], returning: list[PodView], nodes: Any
) -> int:
    """SurgeCheck's definition, as kplan.plan.placement builds it without a simulation."""
    running = [
        pod
        for pod in pods
        if pod.owner != template.owner and (not pod.planned or pod.node is not None)
    ]
    return capacity(template, running + returning, nodes, limit=count, kubernetes_version=VERSION)


def _state(simulation: Simulation) -> list[tuple[Any, ...]]:
    return [
        (node.name, node.req_cpu, node.req_memory, sorted(p.view.ref for p in node.pods))
        for node in simulation.cluster.nodes
    ]


@pytest.mark.parametrize("owner", [WEB, API, BATCH])
@pytest.mark.parametrize("cpu", ["100m", "500m", "900m"])
def test_the_answer_of_a_fresh_simulation(owner: str, cpu: str) -> None:
    nodes, recorded_web, kept, planned = _cluster()
    result = schedule(planned, kept, nodes, kubernetes_version=VERSION)
    # the scenario holds what it is meant to: api-2 placed by evicting a batch pod
    [api] = [p for p in result.placements if p["pod"] == "default/api-2"]
    assert api["node"] is not None and api["preemption"]["victims"]
    simulation = result.simulation
    assert simulation is not None and simulation.evicted
    before = _state(simulation)
    pods = kept + planned
    returning = recorded_web if owner == WEB else []
    template = _pod(
        "surge",
        owner,
        cpu,
        **({"topologySpreadConstraints": _spread("web")} if owner == WEB else {}),
    )
    for count in (1, 2, 3, 5, 8):
        expected = _fresh(template, count, pods, returning, nodes)
        assert simulation.capacity_instead(template, count, returning) == expected
        assert _state(simulation) == before  # put back after every question


def test_placements_after_a_question_are_unchanged() -> None:
    """The fast path's per-template caches follow the pods taken off and put back: placing
    one more pod after a what-if gives the node it gives without one."""
    nodes, recorded_web, kept, planned = _cluster()
    asked = schedule(planned, kept, nodes, kubernetes_version=VERSION).simulation
    untouched = schedule(*_cluster()[3:], _cluster()[2], nodes, kubernetes_version=VERSION)
    assert asked is not None and untouched.simulation is not None
    asked.capacity_instead(_pod("surge", WEB, "500m"), 4, recorded_web)
    for simulation in (asked, untouched.simulation):
        simulation.place_copies(_pod("late", API, "300m"), 3)
    assert _state(asked) == _state(untouched.simulation)


def test_the_plan_asks_its_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end (Online Boutique over boutique-prod.yaml, every Deployment at 3 replicas so
    that several roll out with a surge): the plan's rollouts are the same whether the surge
    checks ask the plan's simulation or build their own, and they do ask it."""
    import kplan.plan.placement as placement
    from kplan.load import load_paths
    from kplan.plan.plan import PlanOptions, build_plan
    from kplan.snapshot.load import load_snapshot
    from tests.paths import FIXTURES

    def rollouts() -> Any:
        manifests = load_paths([str(FIXTURES / "manifests" / "online-boutique")])
        for resource in manifests.resources:
            if resource.kind == "Deployment":
                resource.body["spec"]["replicas"] = 3
        snapshot = load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])
        return build_plan(manifests, snapshot, PlanOptions(kubernetes_version="1.31")).rollouts

    asked: list[int] = []
    original = Simulation.capacity_instead

    def counted(self: Simulation, *args: Any) -> int:
        asked.append(original(self, *args))
        return asked[-1]

    monkeypatch.setattr(Simulation, "capacity_instead", counted)
    reused = rollouts()
    assert asked  # the surge checks were asked of the plan's simulation
    scheduling = placement.plan_scheduling

    def without(cluster: Any, pods: Any, **options: Any) -> Any:
        section = scheduling(cluster, pods, **options)
        if cluster is not None:
            cluster.placed = None
        return section

    monkeypatch.setattr(placement, "plan_scheduling", without)
    asked.clear()
    assert rollouts() == reused
    assert not asked
