"""The plan's `rollouts` section: for every planned workload change, what its controller does.

The desired body is what the API server stores after the apply: an update's predicted object
(three-way merge plus defaults, kplan.plan.changes), or the manifest with the server's
defaults for a create. A replace is a new object (the old one is deleted first).

Rollouts are drafted without the scheduler (draft_rollouts) and confirmed with its surge
checks afterwards (confirm_rollouts), so that drafting can run beside the scheduling.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kplan.plan.model import CREATE, REPLACE, UPDATE, Change

if TYPE_CHECKING:
    from kplan.snapshot.load import Snapshot

Fits = Callable[[dict[str, Any], int], bool]


@dataclass
class Drafted:
    """One workload's rollout planned with every surge check answered "fits": the entry,
    and the pod counts asked for, in order. Whether surge pods fit needs the scheduling
    stage; everything else does not, so the rollouts can be drafted while the scheduler
    runs (kplan.parallel) and confirmed afterwards."""

    index: int  # the change's position among the plan's changes
    entry: dict[str, Any] | None
    asked: list[int] = field(default_factory=list)


def draft_rollouts(
    changes: Sequence[Change],
    snapshot: Snapshot | None,
    kubernetes_version: str,
    *,
    eligible_nodes: Callable[[dict[str, Any]], list[str] | None] | None = None,
    positions: Sequence[int] | None = None,
) -> list[Drafted]:
    """Every workload's rollout with each surge check answered "fits" (see Drafted).
    `positions`: where `changes` sit among the plan's changes (default: they are all of
    them), for drafts made in parts."""
    context = _Context(snapshot, kubernetes_version, eligible_nodes)
    drafts = []
    for index, change in zip(positions or range(len(changes)), changes, strict=True):
        if not _rolls_out(change):
            continue
        draft = Drafted(index, None)

        def assume_fits(count: int, asked: list[int] = draft.asked) -> bool:
            asked.append(count)
            return True

        draft.entry = context.plan(change, assume_fits)
        drafts.append(draft)
    return drafts


def confirm_rollouts(
    drafts: Sequence[Drafted],
    changes: Sequence[Change],
    snapshot: Snapshot | None,
    kubernetes_version: str,
    *,
    eligible_nodes: Callable[[dict[str, Any]], list[str] | None] | None = None,
    fits: Fits | None = None,
) -> list[dict[str, Any]]:
    """The drafts with their surge checks asked of `fits`, in plan order, exactly as if
    `fits` had been asked while planning: a draft whose answers all hold stands; the first
    "does not fit" replans that workload, its earlier answers replayed, later checks asked
    anew. `fits` keeps its own budget of checks (kplan.plan.placement.surge_check)."""
    context = _Context(snapshot, kubernetes_version, eligible_nodes)
    result = []
    for draft in drafts:
        entry = draft.entry
        if fits is not None and draft.asked:
            change = changes[draft.index]
            body = context.desired(change)[0]
            answers = []
            for count in draft.asked:
                answers.append(fits(body, count))
                if not answers[-1]:
                    break
            if not all(answers):
                entry = context.plan(change, _replayed(answers, functools.partial(fits, body)))
        if entry is None:
            continue
        if entry["workload"] in getattr(fits, "unchecked", ()):
            entry = {**entry, "notes": [*entry.get("notes", ()), _UNCHECKED]}
        result.append(entry)
    return result


_UNCHECKED = (
    "whether the surge pods fit at the peak was not checked (too many rollouts in one plan); "
    "assumed to fit"
)


def _rolls_out(change: Change) -> bool:
    from kplan.plan.rollout import WORKLOAD_KINDS

    return (
        change.object.group == "apps"
        and change.object.kind in WORKLOAD_KINDS
        and change.action in (CREATE, UPDATE, REPLACE)
        and change.after is not None
    )


def _replayed(answers: list[bool], ask: Callable[[int], bool]) -> Callable[[int], bool]:
    """`ask`, except that the first checks get the answers already given."""
    given = iter(answers)

    def fits(count: int) -> bool:
        answer = next(given, None)
        return ask(count) if answer is None else answer

    return fits


class _Context:
    """What planning one workload's rollout reads from the recorded cluster: objects of the
    workload's namespace only (a workload owns and is guarded by nothing else), indexed once
    so that a plan of thousands of workloads stays linear, and only when a rollout is
    planned (confirming drafts rarely replans one)."""

    def __init__(
        self,
        snapshot: Snapshot | None,
        kubernetes_version: str,
        eligible_nodes: Callable[[dict[str, Any]], list[str] | None] | None,
    ) -> None:
        self.snapshot = snapshot
        self.kubernetes_version = kubernetes_version
        self.eligible_nodes = eligible_nodes

    @functools.cached_property
    def replicasets(self) -> dict[str, list[dict[str, Any]]]:
        return _by_namespace(self.snapshot, "apps", "ReplicaSet")

    @functools.cached_property
    def pods(self) -> dict[str, list[dict[str, Any]]]:
        return _by_namespace(self.snapshot, "", "Pod")

    @functools.cached_property
    def revisions(self) -> dict[str, list[dict[str, Any]]]:
        return _by_namespace(self.snapshot, "apps", "ControllerRevision")

    @functools.cached_property
    def pdbs(self) -> dict[str, list[dict[str, Any]]]:
        return _by_namespace(self.snapshot, "policy", "PodDisruptionBudget")

    def desired(self, change: Change) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """(the workload as stored after the apply, the live object of an update or None)."""
        from kplan.k8s.defaults import apply_defaults

        assert change.after is not None
        recorded = self.snapshot.get(change.object) if self.snapshot is not None else None
        if change.action == UPDATE and recorded is not None:
            return change.after, recorded.body
        return apply_defaults(change.after, self.kubernetes_version), None

    def plan(self, change: Change, fits: Callable[[int], bool]) -> dict[str, Any] | None:
        from kplan.plan.rollout import plan_rollout

        namespace = change.object.namespace
        desired, live = self.desired(change)
        eligible = self.eligible_nodes
        return plan_rollout(
            desired,
            live,
            self.replicasets.get(namespace, []),
            self.pods.get(namespace, []),
            kubernetes_version=self.kubernetes_version,
            controller_revisions=self.revisions.get(namespace, []),
            eligible_nodes=eligible(desired) if eligible is not None else None,
            fits=fits,
            pdbs=self.pdbs.get(namespace, []),
        )


def _by_namespace(
    snapshot: Snapshot | None, group: str, kind: str
) -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = {}
    if snapshot is not None:
        for resource in snapshot.of_kind(group, kind):
            index.setdefault(resource.namespace or "", []).append(resource.body)
    return index
