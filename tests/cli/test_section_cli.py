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


def test_wiring_json_is_the_diff_section_with_its_findings() -> None:
    result = kplan("wiring", BOUTIQUE, "--snapshot", PROD, "-o", "json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    plan = whole_plan()
    assert document["wiring"] == plan["wiring"]
    rules = {finding["rule"] for finding in document["findings"]}
    assert "kind-not-recorded" not in rules  # a change-plan finding, not a wiring one
    assert "overlapping-selectors" in rules  # the recorded canary fights over the pods
    services = {s["service"]: s for s in document["wiring"]["services"]}
    assert len(services["default/productcatalogservice"]["endpoints"]) == 2


def test_service_cidr_picks_planned_cluster_ips() -> None:
    result = kplan(
        "wiring", BOUTIQUE, "--snapshot", PROD, "--service-cidr", "10.56.0.0/20", "-o", "json"
    )
    services = {s["service"]: s for s in json.loads(result.stdout)["wiring"]["services"]}
    assert services["default/adservice"]["clusterIP"].startswith("10.56.")
    bad = kplan("wiring", BOUTIQUE, "--service-cidr", "10.500.0.0/12")
    assert bad.code == 3 and "--service-cidr" in bad.stderr


def test_rules_config_turns_a_rule_off(tmp_path) -> None:
    config = tmp_path / ".kplan.yaml"
    config.write_text("rules:\n  overlapping-selectors: off\n")
    result = kplan("wiring", BOUTIQUE, "--snapshot", PROD, "--config", str(config), "-o", "json")
    rules = {finding["rule"] for finding in json.loads(result.stdout)["findings"]}
    assert "overlapping-selectors" not in rules


def test_match_lists_input_recorded_and_planned_objects() -> None:
    result = kplan("match", "-l", "app=adservice", BOUTIQUE, "--snapshot", PROD, "-o", "json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["selector"] == "app=adservice"
    kinds = sorted(ref.split("/")[0] for ref in document["matches"])
    assert kinds == ["Deployment", "Pod", "Service"]  # the Pod is planned: adservice is new


def test_match_with_a_bad_selector_names_the_position() -> None:
    result = kplan("match", "-l", "app in (a", BOUTIQUE)
    assert result.code == 1
    assert "at character" in result.stderr and "Traceback" not in result.stderr


def test_graph_formats() -> None:
    dot = kplan("graph", BOUTIQUE, "--snapshot", PROD)
    assert dot.code == 0 and dot.stdout.startswith("digraph")
    document = json.loads(kplan("graph", BOUTIQUE, "-f", "json").stdout)
    edges = {(e["from"], e["to"], e["kind"]) for e in document["edges"]}
    assert any(
        e[0] == "Service/default/adservice" and e[2] == "selects" and e[1].startswith("Pod/")
        for e in edges
    )


def test_schedule_json_is_the_diff_section() -> None:
    result = kplan("schedule", BOUTIQUE, "--snapshot", PROD, "-o", "json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["scheduling"] == whole_plan()["scheduling"]


def test_schedule_explain_and_a_scheduler_config(tmp_path) -> None:
    """A KubeSchedulerConfiguration that weighs NodeResourcesFit 10 changes every total."""
    explained = json.loads(
        kplan("schedule", BOUTIQUE, "--snapshot", PROD, "--explain", "-o", "json").stdout
    )
    first = explained["scheduling"]["placements"][0]
    node_scores = first["scores"][first["node"]]
    config = tmp_path / "scheduler.yaml"
    config.write_text(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
        "profiles:\n- schedulerName: default-scheduler\n  plugins:\n    multiPoint:\n"
        "      enabled:\n      - name: NodeResourcesFit\n        weight: 10\n"
    )
    weighted = json.loads(
        kplan(
            "schedule",
            BOUTIQUE,
            "--snapshot",
            PROD,
            "--explain",
            "-o",
            "json",
            "--scheduler-config",
            str(config),
        ).stdout
    )["scheduling"]["placements"][0]
    again = weighted["scores"][first["node"]]
    fit = node_scores["NodeResourcesFit"]
    assert again["total"] == node_scores["total"] + 9 * fit
    text = kplan("schedule", BOUTIQUE, "--snapshot", PROD, "--explain").stdout
    assert "NodeResourcesBalancedAllocation" in text and "node(s) were unschedulable" in text


def test_an_invalid_scheduler_config_exits_1(tmp_path) -> None:
    config = tmp_path / "scheduler.yaml"
    config.write_text(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
        "profiles:\n- schedulerName: default-scheduler\n  plugins:\n    score:\n"
        "      enabled:\n      - name: NoSuchPlugin\n"
    )
    result = kplan("schedule", BOUTIQUE, "--snapshot", PROD, "--scheduler-config", str(config))
    assert result.code == 1 and "NoSuchPlugin" in result.stderr


def test_schedule_without_nodes_says_so() -> None:
    result = kplan("schedule", BOUTIQUE)
    assert result.code == 0 and "No Nodes recorded" in result.stdout


def test_capacity_says_how_many_more_replicas_fit() -> None:
    """cluster-capacity's question, after the plan: adservice took the only node with room
    for it (the snapshot README's free-capacity table), so no second replica fits."""
    result = kplan("schedule", BOUTIQUE, "--snapshot", PROD, "--capacity", "-o", "json")
    capacity = {
        c["workload"]: c["more_replicas"]
        for c in json.loads(result.stdout)["scheduling"]["capacity"]
    }
    assert capacity["Deployment/default/adservice"] == 0
    assert capacity["Deployment/default/loadgenerator"] == 0  # it is Pending already
    assert list(capacity) == sorted(capacity)


def test_match_keeps_the_pods_of_a_workload_the_plan_leaves_alone() -> None:
    """recommendationservice was scaled to 2 with `kubectl scale`; its manifest names no
    replicas, so apply changes nothing and both recorded pods stay."""
    result = kplan(
        "match", "-l", "app=recommendationservice", BOUTIQUE, "--snapshot", PROD, "-o", "json"
    )
    pods = [ref for ref in json.loads(result.stdout)["matches"] if ref.startswith("Pod/")]
    assert pods == [
        "Pod/default/recommendationservice-5d544477c6-6s9l8",
        "Pod/default/recommendationservice-5d544477c6-l9rrz",
    ]
