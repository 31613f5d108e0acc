"""`kplan snapshot` end to end, against a fake kubectl first on PATH (no cluster exists here):
the file it writes, what it says on stderr, its exit codes, and that `kplan diff` reads it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.cli.run import Result, kplan
from tests.snapshot import fake_kubectl
from tests.snapshot.conftest import PASSWORD, scenario


def run_with_fake(tmp_path: Path, *args: str, **changes: object) -> tuple[Result, Path]:
    folder = tmp_path / "bin"
    fake_kubectl.install(folder, scenario(**changes))
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    env.pop("KPLAN_KUBECTL", None)
    return kplan("snapshot", *args, env=env), folder


def test_records_to_a_file_that_diff_reads(tmp_path: Path) -> None:
    output = tmp_path / "cluster.yaml"
    result, folder = run_with_fake(tmp_path, "-o", str(output))
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert f"to {output}" in result.stderr and "context kind-kind" in result.stderr
    text = output.read_text()
    assert text.startswith("# ")
    assert PASSWORD not in text
    calls = fake_kubectl.calls(folder)
    assert calls[0] == ["config", "current-context"]
    assert all(call[-1] == "-A" for call in calls[2:])
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-settings\n")
    planned = kplan("diff", str(manifest), "--snapshot", str(output), "-o", "json")
    assert planned.code == 0, planned.stdout + planned.stderr
    assert [c["action"] for c in json.loads(planned.stdout)["changes"]] == ["create"]


def test_json_output_and_namespace_scope(tmp_path: Path) -> None:
    output = tmp_path / "cluster.json"
    result, folder = run_with_fake(tmp_path, "-o", str(output), "-n", "shop", "--context", "prod")
    assert result.code == 0, result.stderr
    document = json.loads(output.read_text())
    assert next(iter(document)) == "kplanSnapshot"
    assert document["kplanSnapshot"]["scope"] == "namespace shop"
    assert all(
        call[-4:] == ["--context", "prod", "-n", "shop"] for call in fake_kubectl.calls(folder)[1:]
    )
    # pods of other namespaces are not recorded: scheduling would undercount, so it warns
    assert "only pods of namespace shop are recorded" in result.stderr


def test_standard_output_by_default(tmp_path: Path) -> None:
    result, _ = run_with_fake(tmp_path)
    assert result.code == 0
    assert "kind: List" in result.stdout and PASSWORD not in result.stdout


def test_forbidden_kind_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    result, _ = run_with_fake(tmp_path, "-o", str(tmp_path / "s.yaml"), forbidden=["secrets"])
    assert result.code == 0
    assert "warning: Secret not recorded" in result.stderr
    assert "cannot list resource" in result.stderr


def test_unreachable_cluster_and_missing_kubectl_exit_3(tmp_path: Path) -> None:
    result, _ = run_with_fake(tmp_path, "--context", "nope")
    assert result.code == 3
    assert "context was not found" in result.stderr and "Traceback" not in result.stderr
    env = {**os.environ, "PATH": str(tmp_path / "nowhere"), "KPLAN_KUBECTL": ""}
    missing = kplan("snapshot", env=env)
    assert missing.code == 3 and "kubectl not found" in missing.stderr


def test_all_namespaces_and_namespace_exclude_each_other(tmp_path: Path) -> None:
    result, _ = run_with_fake(tmp_path, "-A", "-n", "shop")
    assert result.code == 3 and "exclude each other" in result.stderr
