"""The section commands print exactly their section of `diff -o json` (CONTRACT.md:
"`schedule`, `wiring` and `rollout` print exactly the corresponding section")."""

from __future__ import annotations

import json

from tests.cli.run import kplan
from tests.paths import FIXTURES

BOUTIQUE = str(FIXTURES / "manifests" / "online-boutique")
PROD = str(FIXTURES / "snapshots" / "boutique-prod.yaml")


def whole_plan() -> dict:
    return json.loads(kplan("diff", BOUTIQUE, "--snapshot", PROD, "-o", "json").stdout)


def test_rollout_json_is_the_diff_section() -> None:
    result = kplan("rollout", BOUTIQUE, "--snapshot", PROD, "-o", "json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    plan = whole_plan()
    assert document == {
        "format_version": "1",
        "kubernetes_version": plan["kubernetes_version"],
        "rollouts": plan["rollouts"],
    }
    assert len(document["rollouts"]) == 5


def test_rollout_text_shows_each_step() -> None:
    result = kplan("rollout", BOUTIQUE, "--snapshot", PROD)
    assert result.code == 0
    assert "Deployment/default/cartservice" in result.stdout
    assert "only the replica count changes" in result.stdout
    assert "pods: at most 3, at least 1 available" in result.stdout


def test_rollout_of_invalid_input_exits_1(tmp_path) -> None:
    (tmp_path / "bad.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: [\n")
    result = kplan("rollout", str(tmp_path))
    assert result.code == 1
    assert "bad.yaml:" in result.stderr and "Traceback" not in result.stderr
