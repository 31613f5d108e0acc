"""Rollouts drafted without the scheduler, then confirmed with its surge checks
(kplan.plan.rollouts): the result must be exactly that of asking the surge check while
planning each workload in order, including which checks are asked and in what order (the
plan's surge check keeps a budget of checks, so the sequence itself matters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kplan.k8s.defaults import apply_defaults
from kplan.load import load_paths
from kplan.plan.changes import ChangeOptions, plan_changes
from kplan.plan.model import UPDATE
from kplan.plan.rollout import plan_rollout
from kplan.plan.rollouts import confirm_rollouts, draft_rollouts
from tests.plan.rollout.test_boutique import MANIFESTS, VERSION, _snapshot

UNCHECKED_NOTE = (
    "whether the surge pods fit at the peak was not checked (too many rollouts in one plan); "
    "assumed to fit"
)


def _changes() -> list[Any]:
    """Online Boutique v0.10.6 over the recording of an older edition, with every replica
    count at 3 so that several Deployments roll out with a surge."""
    resources = load_paths([str(MANIFESTS)]).resources
    for resource in resources:
        if resource.kind == "Deployment":
            resource.body["spec"]["replicas"] = 3
    changes, _ = plan_changes(resources, _snapshot(), ChangeOptions(kubernetes_version=VERSION))
    return changes


def _asking_in_place(changes: list[Any], fits: Callable[[dict[str, Any], int], bool]) -> list[Any]:
    """The plain definition: every workload planned in order, its checks asked as they come."""
    snapshot = _snapshot()
    replicasets = [r.body for r in snapshot.of_kind("apps", "ReplicaSet")]
    pods = [r.body for r in snapshot.of_kind("", "Pod")]
    result = []
    for change in changes:
        if change.object.kind != "Deployment" or change.after is None:
            continue
        recorded = snapshot.get(change.object)
        if change.action == UPDATE and recorded is not None:
            desired, live = change.after, recorded.body
        else:
            desired, live = apply_defaults(change.after, VERSION), None
        entry = plan_rollout(
            desired,
            live,
            replicasets,
            pods,
            kubernetes_version=VERSION,
            fits=lambda n, body=desired: fits(body, n),
        )
        assert entry is not None
        if entry["workload"] in getattr(fits, "unchecked", ()):
            entry.setdefault("notes", []).append(UNCHECKED_NOTE)
        result.append(entry)
    return result


def _oracle(answer: Callable[[int], bool]) -> Any:
    """A surge check whose answer depends on how many checks came before it, recording
    (workload, count) per check."""

    def fits(body: dict[str, Any], count: int) -> bool:
        fits.asked.append((body["metadata"]["name"], count))  # type: ignore[attr-defined]
        return answer(len(fits.asked))  # type: ignore[attr-defined]

    fits.asked = []  # type: ignore[attr-defined]
    fits.unchecked = ["Deployment/default/adservice"]  # type: ignore[attr-defined]
    return fits


@pytest.mark.parametrize(
    "answer",
    [lambda k: True, lambda k: False, lambda k: k % 2 == 0, lambda k: k % 3 != 1],
    ids=["all-fit", "none-fit", "every-second-fits", "every-third-fails"],
)
def test_confirmed_drafts_equal_asking_while_planning(answer: Callable[[int], bool]) -> None:
    changes = _changes()
    expected_fits, confirmed_fits = _oracle(answer), _oracle(answer)
    expected = _asking_in_place(changes, expected_fits)
    drafts = draft_rollouts(changes, _snapshot(), VERSION)
    confirmed = confirm_rollouts(drafts, changes, _snapshot(), VERSION, fits=confirmed_fits)
    assert confirmed == expected
    assert confirmed_fits.asked == expected_fits.asked
    assert len(expected_fits.asked) >= 3  # the case asks several checks


def test_a_check_that_fails_changes_the_rollout() -> None:
    """The comparison above is not vacuous: a surge pod that fits nowhere stalls a rollout
    (deployment controller: with maxUnavailable 0 nothing old goes before a new pod is
    available)."""
    changes = _changes()
    drafts = draft_rollouts(changes, _snapshot(), VERSION)
    fitting = confirm_rollouts(drafts, changes, _snapshot(), VERSION, fits=_oracle(lambda k: True))
    stalled = confirm_rollouts(drafts, changes, _snapshot(), VERSION, fits=_oracle(lambda k: False))
    assert [entry.get("stall") for entry in fitting] == [None] * len(fitting)
    assert any(entry.get("stall") for entry in stalled)
    assert [entry for entry in fitting if "stall" not in entry] != stalled
