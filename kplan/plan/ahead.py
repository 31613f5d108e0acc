"""Stages that need only the recorded cluster, run while the manifests are still being read.

A plan command reads the manifests in a second process while this one reads the snapshot
(kplan.cli_plan.load_inputs). On a big cluster this process is usually done first and would
wait; it spends the wait on work that later stages need from the snapshot alone, one step at
a time while the manifests have not arrived. Each result is kept on the snapshot
(`Snapshot.ahead`) and taken, once, by the stage that needs it; a stage that finds nothing
there computes the same thing itself. The plan is the same either way, only sooner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kplan.snapshot.load import Snapshot

POD_VIEWS = "pod-views"
RECORDED_OBJECTS = "recorded-objects"
TEMPLATES = "templates"
# Recorded pods per step of template building: a step is the longest this process keeps
# the manifests waiting once they have arrived (about 50 ms).
TEMPLATE_BATCH = 500


def work_ahead(
    snapshot: Snapshot, kubernetes_version: str, namespace: str, waiting: Callable[[], bool]
) -> None:
    """Run the steps in order while `waiting()` (the manifests have not arrived yet). The
    steps every section needs go first; the scheduler's templates of recorded pods come last
    (the pods of workloads the plan changes will not need theirs)."""
    from kplan.plan.scheduling import TemplateFactory, default_profile
    from kplan.plan.wiring.objects import wired_recorded
    from kplan.plan.wiring.stage import recorded_pod_views

    if not waiting():
        return
    views = recorded_pod_views(snapshot)
    snapshot.ahead[POD_VIEWS] = views
    if not waiting():
        return
    scopes = dict(snapshot.crd_scopes)
    snapshot.ahead[recorded_objects_key(namespace, scopes)] = wired_recorded(
        snapshot.resources(), default_namespace=namespace, crd_scopes=scopes
    )
    factory = TemplateFactory(default_profile(kubernetes_version).features)
    snapshot.ahead[(TEMPLATES, kubernetes_version)] = factory
    placed = [view for view in views if view.node and not view.terminal]
    for start in range(0, len(placed), TEMPLATE_BATCH):
        if not waiting():
            return
        for view in placed[start : start + TEMPLATE_BATCH]:
            factory.template(view)


def recorded_objects_key(namespace: str, crd_scopes: Mapping[tuple[str, str], str]) -> Any:
    """The wired recorded objects depend on the default namespace and the custom kinds'
    scopes (CRDs in the input may add some: then they are computed again)."""
    return (RECORDED_OBJECTS, namespace, tuple(sorted(crd_scopes.items())))


def take(snapshot: Snapshot | None, key: Any) -> Any:
    """The result computed ahead under `key`, or None; a result is taken once."""
    return snapshot.ahead.pop(key, None) if snapshot is not None else None
