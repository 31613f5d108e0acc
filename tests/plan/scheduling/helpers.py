"""Builders for scheduler tests, in the spirit of upstream's st.MakeNode()/st.MakePod()."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kplan.plan.pod_model import PodView
from kplan.plan.scheduling.framework import SKIP, CycleState, Status
from kplan.plan.scheduling.simulate import Simulation


def make_node(
    name: str,
    *,
    cpu: str | int | None = "4",
    memory: str | int | None = "8Gi",
    pods: int | None = 110,
    labels: Mapping[str, str] | None = None,
    taints: Sequence[Mapping[str, Any]] | None = None,
    unschedulable: bool = False,
    images: Sequence[tuple[Sequence[str], int]] = (),
    allocatable: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    alloc: dict[str, Any] = {}
    if cpu is not None:
        alloc["cpu"] = str(cpu)
    if memory is not None:
        alloc["memory"] = str(memory)
    if pods is not None:
        alloc["pods"] = str(pods)
    alloc.update(allocatable or {})
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = [dict(t) for t in taints]
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": spec,
        "status": {
            "allocatable": alloc,
            "capacity": dict(alloc),
            "images": [{"names": list(n), "sizeBytes": size} for n, size in images],
        },
    }


def container(
    cpu: str | None = None,
    memory: str | None = None,
    *,
    image: str = "pause",
    name: str = "c",
    ports: Sequence[Mapping[str, Any]] = (),
    extra: Mapping[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    requests: dict[str, str] = {}
    if cpu is not None:
        requests["cpu"] = cpu
    if memory is not None:
        requests["memory"] = memory
    requests.update(extra or {})
    result: dict[str, Any] = {"name": name, "image": image}
    if requests:
        result["resources"] = {"requests": requests}
    if ports:
        result["ports"] = [dict(p) for p in ports]
    result.update(fields)
    return result


def make_pod(
    name: str,
    *,
    namespace: str = "default",
    labels: Mapping[str, str] | None = None,
    containers: Sequence[Mapping[str, Any]] | None = None,
    node: str | None = None,
    owner: str | None = None,
    replica: int = 0,
    phase: str = "Running",
    **spec_fields: Any,
) -> PodView:
    spec: dict[str, Any] = {"containers": [dict(c) for c in (containers or [container()])]}
    spec.update(spec_fields)
    return PodView(
        namespace=namespace,
        name=name,
        labels=dict(labels or {}),
        spec=spec,
        owner=owner,
        replica=replica,
        planned=node is None,
        node=node,
        phase=phase if node is not None else "Pending",
    )


class Harness:
    """One plugin of the default profile of a version, on a cluster."""

    def __init__(
        self,
        nodes: Sequence[Mapping[str, Any]],
        existing: Sequence[PodView] = (),
        *,
        version: str = "1.31",
        config: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("engine", "naive")
        self.sim = Simulation(existing, nodes, kubernetes_version=version, config=config, **options)
        built = self.sim._engine("default-scheduler")
        assert built is not None
        self.context, self.engine = built
        self.plugins = self.engine.filters + self.engine.scores
        self.cluster = self.sim.cluster

    def plugin(self, name: str) -> Any:
        from kplan.plan.scheduling.plugins import instantiate

        return instantiate(self.context)[name]

    def filter(self, name: str, pod: PodView) -> dict[str, Status | None]:
        """PreFilter then Filter of one plugin on every node: node name -> status."""
        plugin = self.plugin(name)
        info = self.sim._pod_info(pod)
        state = CycleState()
        status = plugin.pre_filter(state, info)
        result: dict[str, Status | None] = {}
        for node in self.cluster.nodes:
            if status is not None and status.code == SKIP:
                result[node.name] = None
            elif status is not None:
                result[node.name] = status
            else:
                result[node.name] = plugin.filter(state, info, node)
        return result

    def score(
        self, name: str, pod: PodView, feasible: Sequence[str] | None = None
    ) -> dict[str, int]:
        """PreScore, Score, NormalizeScore of one plugin over the (feasible) nodes."""
        plugin = self.plugin(name)
        info = self.sim._pod_info(pod)
        nodes = [n for n in self.cluster.nodes if feasible is None or n.name in feasible]
        state = CycleState()
        status = plugin.pre_score(state, info, nodes)
        if status is not None and status.code == SKIP:
            return {n.name: 0 for n in nodes}
        scores = [plugin.score(state, info, n) for n in nodes]
        plugin.normalize(state, info, nodes, scores)
        return {n.name: s for n, s in zip(nodes, scores, strict=True)}

    def raw_score(self, name: str, pod: PodView) -> dict[str, int]:
        plugin = self.plugin(name)
        info = self.sim._pod_info(pod)
        nodes = list(self.cluster.nodes)
        state = CycleState()
        plugin.pre_score(state, info, nodes)
        return {n.name: plugin.score(state, info, n) for n in nodes}


def reasons(status: Status | None) -> list[str] | None:
    return None if status is None else list(status.reasons)
