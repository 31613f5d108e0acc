"""Why a rollout cannot progress, and disruption budgets that matter around it.

Two different things, deliberately kept apart:

- A **stall** stops the rollout itself. The one kplan can predict offline: with
  maxUnavailable 0 (resolved) no old pod is removed before a new pod is available, so if
  not even one pod of the new template can be placed (the caller's `fits(1)` is False),
  the surge pods stay Pending, no capacity is ever freed, and the rollout waits forever
  (the Deployment reports ProgressDeadlineExceeded but never rolls back:
  pkg/controller/deployment/progress.go).
- **PodDisruptionBudgets do not stall rollouts.** The Deployment, ReplicaSet, StatefulSet
  and DaemonSet controllers delete pods directly, never through the Eviction API that
  enforces PDBs (kubernetes.io "Specifying a Disruption Budget for your Application":
  "workload resources (such as Deployment and StatefulSet) are not limited by PDBs when
  doing rolling upgrades"). A budget that allows no disruption still deserves a note: node
  drains and cluster upgrades will hang on these pods. The allowed count follows the
  disruption controller (pkg/controller/disruption/disruption.go getExpectedPodCount):
  maxUnavailable and percentage minAvailable scale against the workload's replicas and
  round up; an integer minAvailable is taken as is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kplan.plan.rollout.intstr import IntOrStringError, scaled_value
from kplan.plan.rollout.objects import as_dict, labels_of, metadata, name_of, spec_of

Fits = Callable[[int], bool]


def surge_stall(max_unavailable: int, fits: Fits | None, creates_pods: bool) -> str | None:
    """The reason a maxUnavailable-0 rollout stalls on its first surge pod, or None."""
    if fits is None or max_unavailable != 0 or not creates_pods:
        return None
    if fits(1):
        return None
    return (
        "maxUnavailable is 0 and no pod of the new template fits on any node: the surge pods "
        "stay Pending and no old pod is ever removed"
    )


def first_wave_note(first_wave: int, fits: Fits | None) -> str | None:
    """A note when the first wave of new pods does not fit next to the old ones (the
    rollout still proceeds as old pods are removed and free their room)."""
    if fits is None or first_wave <= 0 or fits(first_wave):
        return None
    return (
        f"the first {first_wave} new pods do not all fit next to the old ones; some stay "
        "Pending until old pods are removed"
    )


def pdb_notes(
    pdbs: Iterable[dict[str, Any]], namespace: str, template: dict[str, Any], replicas: int
) -> list[str]:
    """One note per PodDisruptionBudget of `namespace` that selects the template's pods and
    allows no disruption even when all `replicas` are healthy."""
    from kplan.k8s.selectors import SelectorError, object_pod_selector

    notes: list[str] = []
    labels = labels_of(template)
    for pdb in pdbs:
        if not isinstance(pdb, dict) or metadata(pdb).get("namespace", namespace) != namespace:
            continue
        try:
            api_version = pdb.get("apiVersion")
            selector = object_pod_selector(
                "PodDisruptionBudget", pdb, api_version if isinstance(api_version, str) else ""
            )
        except SelectorError:
            continue
        if not selector.matches(labels):
            continue
        allowed = allowed_disruptions(spec_of(pdb), replicas)
        if allowed is None or allowed > 0:
            continue
        why = (
            "asks for more healthy pods than there are replicas"
            if allowed < 0
            else ("allows no disruption")
        )
        notes.append(
            f"PodDisruptionBudget {namespace}/{name_of(pdb)} {why} ({replicas} replicas): "
            "the rollout is not blocked (controllers delete pods without evicting them), "
            "but evictions such as node drains are"
        )
    return notes


def allowed_disruptions(spec: dict[str, Any], replicas: int) -> int | None:
    """disruptionsAllowed with every one of `replicas` pods healthy, before the controller
    floors it at 0 (negative: minAvailable above replicas); None when the budget cannot be
    read (validation reports it)."""
    spec = as_dict(spec)
    try:
        if spec.get("maxUnavailable") is not None:
            unavailable = scaled_value(spec["maxUnavailable"], replicas, True)
            desired_healthy = max(0, replicas - unavailable)
        elif spec.get("minAvailable") is not None:
            desired_healthy = scaled_value(spec["minAvailable"], replicas, True)
        else:
            return None
    except IntOrStringError:
        return None
    return replicas - desired_healthy
