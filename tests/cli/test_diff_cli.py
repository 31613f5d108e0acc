"""`kplan diff` end to end: the README's command, exit codes, outputs and bad input
(CONTRACT.md: commands, exit codes, `diff -o json`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema

from tests.cli.run import kplan
from tests.paths import FIXTURES, ROOT

BOUTIQUE = str(FIXTURES / "manifests" / "online-boutique")
PROD = str(FIXTURES / "snapshots" / "boutique-prod.yaml")
MANIFEST = FIXTURES / "manifests" / "online-boutique" / "kubernetes-manifests.yaml"


def unchanged_recommendationservice(tmp_path: Path) -> Path:
    """The recommendationservice Deployment and Service exactly as the manifests have them:
    the boutique-prod snapshot runs them unchanged (only scaled by hand, which apply keeps)."""
    documents = MANIFEST.read_text().split("\n---\n")
    chosen = [
        text
        for text in documents
        if "name: recommendationservice\n" in text
        and ("kind: Deployment" in text or "kind: Service\n" in text)
    ]
    assert len(chosen) == 2
    path = tmp_path / "recommendation.yaml"
    path.write_text("\n---\n".join(chosen) + "\n")
    return path


def test_readme_command_plans_the_boutique_upgrade() -> None:
    result = kplan("diff", BOUTIQUE, "--snapshot", PROD)
    assert result.code == 0, result.stderr
    assert "Plan: 13 to add, 4 to change, 0 to destroy." in result.stdout
    assert "# Deployment/default/frontend will be updated in-place" in result.stdout
    assert "~ /spec/replicas: 3 -> 1" in result.stdout
    assert result.stderr == ""


def test_detailed_exitcode_says_whether_anything_changes(tmp_path: Path) -> None:
    """terraform plan -detailed-exitcode: 0 nothing to do, 2 changes, 1 errors."""
    assert kplan("diff", BOUTIQUE, "--snapshot", PROD, "--detailed-exitcode").code == 2
    same = unchanged_recommendationservice(tmp_path)
    result = kplan("diff", str(same), "--snapshot", PROD, "--detailed-exitcode")
    assert result.code == 0, result.stdout + result.stderr
    assert "No changes." in result.stdout
    listed = kplan("diff", str(same), "--snapshot", PROD, "--all", "-o", "json")
    actions = [(c["kind"], c["action"]) for c in json.loads(listed.stdout)["changes"]]
    assert actions == [("Deployment", "no-op"), ("Service", "no-op")]  # input order


def test_json_follows_the_schema_and_is_byte_identical() -> None:
    first = kplan("diff", BOUTIQUE, "--snapshot", PROD, "-o", "json")
    second = kplan("diff", BOUTIQUE, "--snapshot", PROD, "-o", "json")
    assert first.code == 0 and first.stdout == second.stdout
    document = json.loads(first.stdout)
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["summary"]["create"] == 13 and document["summary"]["update"] == 4
    frontend = next(
        c for c in document["changes"] if c["name"] == "frontend" and c["kind"] == "Deployment"
    )
    assert {"path": "/spec/replicas", "before": 3, "after": 1} in frontend["fields"]


def test_prune_deletes_the_stale_canary() -> None:
    result = kplan("diff", BOUTIQUE, "--snapshot", PROD, "--prune", "-l", "app")
    assert result.code == 0
    assert "# Deployment/default/productcatalogservice-canary will be destroyed" in result.stdout
    assert "Plan: 13 to add, 4 to change, 1 to destroy." in result.stdout


def test_no_snapshot_means_an_empty_cluster() -> None:
    result = kplan("diff", BOUTIQUE, "-o", "json")
    document = json.loads(result.stdout)
    assert {c["action"] for c in document["changes"]} == {"create"}
    assert document["summary"]["create"] == len(document["changes"]) == 35


def test_bad_input_is_reported_and_the_rest_still_planned(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n"
    )
    (tmp_path / "good.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
    )
    result = kplan("diff", str(tmp_path), "--snapshot", PROD, "--detailed-exitcode")
    assert result.code == 1
    assert f"{tmp_path / 'broken.yaml'}:5:1: error: YAML syntax error" in result.stdout
    assert "# ConfigMap/default/settings will be created" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_usage_errors_exit_3() -> None:
    no_selector = kplan("diff", BOUTIQUE, "--snapshot", PROD, "--prune")
    assert no_selector.code == 3 and "--prune needs a label selector" in no_selector.stderr
    bad = kplan("diff", BOUTIQUE, "--prune", "-l", "app in (a")
    assert bad.code == 3 and "Traceback" not in bad.stderr
    missing = kplan("diff", BOUTIQUE, "--snapshot", "no-such-snapshot.yaml")
    assert missing.code == 3 and "no-such-snapshot.yaml" in missing.stderr


def test_secret_values_are_never_printed(tmp_path: Path) -> None:
    """kubectl diff masks Secret values as ***; kplan does too, in every format."""
    manifest = tmp_path / "secret.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n"
        "  password: correct-horse-battery\n"
    )
    for output in ("text", "json"):
        result = kplan("diff", str(manifest), "-o", output)
        assert result.code == 0
        assert "correct-horse-battery" not in result.stdout
        assert "Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5" not in result.stdout  # its base64
        assert "***" in result.stdout


def test_findings_reach_the_machine_formats() -> None:
    github = kplan("diff", BOUTIQUE, "--snapshot", PROD, "-o", "github")
    assert github.code == 0
    assert github.stdout.count("kind-not-recorded") == 11
    sarif = json.loads(kplan("diff", BOUTIQUE, "--snapshot", PROD, "-o", "sarif").stdout)
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert rules == {"kind-not-recorded", "overlapping-selectors", "service-cidr-mismatch"}


def test_the_readme_first_command_is_this_diff() -> None:
    """The README's first command must keep working on a fresh machine: run its kplan part."""
    readme = (ROOT / "README.md").read_text()
    first = readme.split("```sh\n", 1)[1].split("\n```", 1)[0]
    install, command = first.split(" && ")
    assert install == "python -m pip install ."
    arguments = command.split()
    assert arguments[:2] == ["kplan", "diff"]
    result = kplan(*(str(ROOT / a) if a.startswith("fixtures/") else a for a in arguments[1:]))
    assert result.code == 0 and "Plan: 13 to add, 4 to change, 0 to destroy." in result.stdout


def test_repeated_info_findings_are_summed_up_unless_verbose() -> None:
    short = kplan("diff", BOUTIQUE, "--snapshot", PROD)
    assert short.stdout.count("planned as a create (kind-not-recorded)") == 3
    assert "... and 8 more info (kind-not-recorded); -v shows them" in short.stdout
    verbose = kplan("diff", BOUTIQUE, "--snapshot", PROD, "-v")
    assert verbose.stdout.count("planned as a create (kind-not-recorded)") == 11


def test_output_is_the_same_with_one_process_or_two() -> None:
    """kplan.parallel reads the manifests and builds the wiring section in a second process
    when it can; KPLAN_JOBS=1 keeps everything in one. The plan must not depend on it."""
    commands = [("diff", "json"), ("diff", "text"), ("wiring", "json"), ("rollout", "json")]
    outputs: dict[str, list[str]] = {"1": [], "2": []}
    for jobs in outputs:
        env = {**os.environ, "KPLAN_JOBS": jobs}
        for command, output in commands:
            result = kplan(command, BOUTIQUE, "--snapshot", PROD, "-o", output, env=env)
            assert result.code == 0, result.stderr
            outputs[jobs].append(result.stdout)
    assert outputs["1"] == outputs["2"]


def test_a_missing_manifest_path_is_named_before_a_missing_snapshot() -> None:
    """The manifests are read in a second process; their errors still come first."""
    result = kplan("diff", "no-such-manifests", "--snapshot", "no-such-snapshot.yaml")
    assert result.code == 3
    assert "no-such-manifests" in result.stderr and "no-such-snapshot" not in result.stderr
    assert "Traceback" not in result.stderr
