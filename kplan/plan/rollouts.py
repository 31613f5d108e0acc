"""The plan's `rollouts` section: for every planned workload change, what its controller does.

The desired body is what the API server stores after the apply: an update's predicted object
(three-way merge plus defaults, kplan.plan.changes), or the manifest with the server's
defaults for a create. A replace is a new object (the old one is deleted first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kplan.plan.model import CREATE, REPLACE, UPDATE, Change

if TYPE_CHECKING:
    from kplan.snapshot.load import Snapshot

Fits = Callable[[dict[str, Any], int], bool]


def plan_rollouts(
    changes: Sequence[Change],
    snapshot: Snapshot | None,
    kubernetes_version: str,
    *,
    eligible_nodes: Callable[[dict[str, Any]], list[str] | None] | None = None,
    fits: Fits | None = None,
) -> list[dict[str, Any]]:
    """Rollout entries in plan order. `eligible_nodes(daemonset)` and `fits(workload, n)`
    come from the scheduling stage when it runs."""
    from kplan.k8s.defaults import apply_defaults
    from kplan.plan.rollout import WORKLOAD_KINDS, plan_rollout

    workloads = [
        change
        for change in changes
        if change.object.group == "apps"
        and change.object.kind in WORKLOAD_KINDS
        and change.action in (CREATE, UPDATE, REPLACE)
        and change.after is not None
    ]
    if not workloads:
        return []
    # A workload only owns and is guarded by objects of its own namespace: indexing by
    # namespace keeps a plan of thousands of workloads linear.
    replicasets = _by_namespace(snapshot, "apps", "ReplicaSet")
    pods = _by_namespace(snapshot, "", "Pod")
    revisions = _by_namespace(snapshot, "apps", "ControllerRevision")
    pdbs = _by_namespace(snapshot, "policy", "PodDisruptionBudget")
    result = []
    for change in workloads:
        assert change.after is not None
        namespace = change.object.namespace
        recorded = snapshot.get(change.object) if snapshot is not None else None
        if change.action == UPDATE and recorded is not None:
            desired, live = change.after, recorded.body
        else:
            desired, live = apply_defaults(change.after, kubernetes_version), None
        rollout = plan_rollout(
            desired,
            live,
            replicasets.get(namespace, []),
            pods.get(namespace, []),
            kubernetes_version=kubernetes_version,
            controller_revisions=revisions.get(namespace, []),
            eligible_nodes=eligible_nodes(desired) if eligible_nodes is not None else None,
            fits=(lambda n, body=desired: fits(body, n)) if fits is not None else None,
            pdbs=pdbs.get(namespace, []),
        )
        if rollout is not None:
            if rollout["workload"] in getattr(fits, "unchecked", ()):
                rollout.setdefault("notes", []).append(
                    "whether the surge pods fit at the peak was not checked (too many "
                    "rollouts in one plan); assumed to fit"
                )
            result.append(rollout)
    return result


def _by_namespace(
    snapshot: Snapshot | None, group: str, kind: str
) -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = {}
    if snapshot is not None:
        for resource in snapshot.of_kind(group, kind):
            index.setdefault(resource.namespace or "", []).append(resource.body)
    return index
