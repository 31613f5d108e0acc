"""Rollout planning: what the Deployment, StatefulSet and DaemonSet controllers do, sync by
sync, after an apply, with the controllers' own arithmetic (CONTRACT.md "Models the plan
assumes"). A library stage: plain data in, the contract's `rollouts[]` entry out.

Public API: `plan_rollout(desired, recorded, recorded_replicasets, recorded_pods, *,
kubernetes_version, controller_revisions=(), eligible_nodes=None, fits=None, pdbs=())`.

- `desired` is the workload as the API server stores it after the apply (server defaults
  filled in: kplan.k8s.defaults.apply_defaults); `recorded` the live object from the
  snapshot (with its status), or None for a new workload.
- `recorded_replicasets` (Deployments), `recorded_pods` and `controller_revisions`
  (StatefulSets, DaemonSets) may hold unrelated objects: ownership is checked here.
- `eligible_nodes`: DaemonSet only, the nodes that should run a daemon pod (None: the
  recorded status.desiredNumberScheduled and the recorded pods' nodes).
- `fits(n)`: can n more pods of the desired template be placed? Used for the surge stall.
- `pdbs`: PodDisruptionBudgets of the cluster after the apply, for notes (they never block
  a controller's own rollout).

Returns None when `desired` is not a Deployment, StatefulSet or DaemonSet of apps/v1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["WORKLOAD_KINDS", "plan_rollout"]

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def plan_rollout(
    desired: dict[str, Any],
    recorded: dict[str, Any] | None,
    recorded_replicasets: Sequence[dict[str, Any]],
    recorded_pods: Sequence[dict[str, Any]],
    *,
    kubernetes_version: str,
    controller_revisions: Sequence[dict[str, Any]] = (),
    eligible_nodes: list[str] | None = None,
    fits: Callable[[int], bool] | None = None,
    pdbs: Sequence[dict[str, Any]] = (),
) -> dict[str, Any] | None:
    """The rollout entry for one workload (see the package docstring), or None."""
    if not isinstance(desired, dict) or desired.get("apiVersion") != "apps/v1":
        return None
    kind = desired.get("kind")
    if kind == "Deployment":
        from kplan.plan.rollout.deployment import plan_deployment

        return plan_deployment(
            desired, recorded, recorded_replicasets, recorded_pods, fits=fits, pdbs=pdbs
        )
    if kind == "StatefulSet":
        from kplan.plan.rollout.statefulset import plan_statefulset

        return plan_statefulset(
            desired,
            recorded,
            recorded_pods,
            kubernetes_version=kubernetes_version,
            controller_revisions=controller_revisions,
            pdbs=pdbs,
        )
    if kind == "DaemonSet":
        from kplan.plan.rollout.daemonset import plan_daemonset

        return plan_daemonset(
            desired,
            recorded,
            recorded_pods,
            controller_revisions=controller_revisions,
            eligible_nodes=eligible_nodes,
            fits=fits,
            pdbs=pdbs,
        )
    return None
