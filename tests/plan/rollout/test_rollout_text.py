"""The rich renderer of rollout entries (kplan.report.rollout_text): it shows what the
planner computed, and nothing it did not."""

from __future__ import annotations

import io

from rich.console import Console

from kplan.plan.rollout import plan_rollout
from kplan.report.rollout_text import render_rollouts
from tests.plan.rollout.builders import deployment, replica_set, statefulset


def render(rollouts: list[dict]) -> str:
    stream = io.StringIO()
    console = Console(
        file=stream, width=120, color_system=None, markup=False, highlight=False, emoji=False
    )
    render_rollouts(rollouts, console)
    return stream.getvalue()


def test_deployment_steps_table():
    old = deployment(10, "web:1")
    rollout = plan_rollout(
        deployment(10, "web:2"), old, [replica_set(old, "a", 10)], [], kubernetes_version="1.31"
    )
    assert rollout is not None
    text = render([rollout])
    assert text.splitlines()[0].startswith("Deployment/shop/web  RollingUpdate (maxSurge 3")
    assert "replaces pods" in text
    rows = [line.split() for line in text.splitlines() if line.strip()[:1].isdigit()]
    assert rows == [
        ["1", "3", "8"],
        ["2", "5", "8"],
        ["3", "5", "3"],
        ["4", "10", "3"],
        ["5", "10", "0"],
    ]
    assert "at most 13, at least 8 available" in text


def test_statefulset_changes_and_reasons():
    recorded = statefulset(2, "db:1", status={"replicas": 2})
    update = plan_rollout(statefulset(2, "db:2"), recorded, [], [], kubernetes_version="1.31")
    unchanged = plan_rollout(statefulset(2, "db:1"), recorded, [], [], kubernetes_version="1.31")
    assert update is not None and unchanged is not None
    text = render([update, unchanged])
    assert "-db-1" in text and "+db-1" in text
    assert "order: db-1, db-0" in text
    assert "the pod template does not change" in text


def test_stall_and_notes_are_shown():
    rollout = {
        "workload": "Deployment/shop/web",
        "strategy": "RollingUpdate",
        "triggers_rollout": True,
        "steps": [{"new": 1, "old": 3}],
        "stall": {"step": 1, "reason": "no room"},
        "notes": ["a note"],
    }
    text = render([rollout])
    assert "stalls after step: 1: no room" in text
    assert "note: a note" in text
