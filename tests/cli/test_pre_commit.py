"""The kplan-validate hook run by the real pre-commit framework (`pre-commit try-repo`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n"
BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Settings\ndata:\n  on: true\n"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _snapshot_of_project(tmp_path: Path) -> Path:
    """try-repo installs the hook from a git repository: a copy of the working tree, committed,
    so the test sees uncommitted changes too."""
    copy = tmp_path / "kplan-repo"
    ignore = shutil.ignore_patterns(
        ".git",
        ".ci-venv",
        ".venv",
        "*.egg-info",
        "__pycache__",
        "benchmarks",
        "tests",
        ".pytest_cache",
        ".ruff_cache",
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "snapshot")
    return copy


def test_hook_passes_good_and_fails_bad_manifests(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook_repo = _snapshot_of_project(tmp_path)
    user_repo = tmp_path / "user"
    user_repo.mkdir()
    _git(user_repo, "init", "-q")
    (user_repo / "good.yaml").write_text(GOOD)
    (user_repo / "README.md").write_text("not a manifest\n")
    _git(user_repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    command = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(hook_repo),
        "kplan-validate",
        "--all-files",
        "--color",
        "never",
    ]
    passed = subprocess.run(
        command, cwd=user_repo, capture_output=True, text=True, env=env, timeout=900
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "kplan validate" in passed.stdout and "Passed" in passed.stdout

    (user_repo / "bad.yaml").write_text(BAD)
    _git(user_repo, "add", "-A")
    failed = subprocess.run(
        command, cwd=user_repo, capture_output=True, text=True, env=env, timeout=900
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "bad.yaml:4:9" in failed.stdout  # the invalid name, by file:line:column
