"""kplan.plan.ahead: stages done from the snapshot alone while the manifests are read give
the plan byte for byte as it is without them, however far the work got before the
manifests arrived, and the stages that need them take them (nothing is computed twice)."""

from __future__ import annotations

import pytest

from kplan.load import load_paths
from kplan.plan.ahead import work_ahead
from kplan.plan.plan import PlanOptions, build_plan
from kplan.report import plan_json
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES

CASES = {
    "boutique-prod": (FIXTURES / "manifests" / "online-boutique", "boutique-prod.yaml"),
    "kind-3node": (FIXTURES / "manifests" / "node-exporter", "kind-3node.json"),
}
VERSION = "1.31"


def _plan_json(case: str, steps: int | None) -> tuple[str, dict[object, object]]:
    """The plan's JSON, with `steps` checks of "still waiting" answered yes (None: no work
    ahead at all), and what the work ahead left unused."""
    manifests, snapshot_name = CASES[case]
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / snapshot_name)])
    if steps is not None:
        answers = iter([True] * steps)
        work_ahead(snapshot, VERSION, "default", waiting=lambda: next(answers, False))
    plan = build_plan(
        load_paths([str(manifests)]), snapshot, PlanOptions(kubernetes_version=VERSION)
    )
    return plan_json.dumps(plan), dict(snapshot.ahead)


@pytest.mark.parametrize("case", sorted(CASES))
def test_work_ahead_changes_nothing_in_the_plan(case: str) -> None:
    expected, _ = _plan_json(case, None)
    assert '"placements"' in expected and '"wiring"' in expected
    for steps in (0, 1, 2, 3, 100):
        found, left = _plan_json(case, steps)
        assert found == expected, f"{steps} steps ahead"
        assert left == {}, f"{steps} steps ahead: not taken: {sorted(map(str, left))}"


def test_work_ahead_stops_when_the_manifests_arrive() -> None:
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])
    work_ahead(snapshot, VERSION, "default", waiting=lambda: False)
    assert snapshot.ahead == {}
    answers = iter([True])
    work_ahead(snapshot, VERSION, "default", waiting=lambda: next(answers, False))
    assert list(snapshot.ahead) == ["pod-views"]
