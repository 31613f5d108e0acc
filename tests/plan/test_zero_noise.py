"""Zero spurious changes: every real-world manifest of the corpus, diffed against a snapshot in
which that same manifest was applied (what `kubectl get -o yaml` returns afterwards: server
defaults, canonical quantities, allocated IPs and ports, server metadata, status and the
last-applied annotation; built by tests/plan/apiserver_oracle.py independently of kplan's
defaulting), plans nothing. Each corpus file is applied on its own, as `kubectl apply -f FILE`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kplan.load import load_paths
from kplan.plan.changes import ChangeOptions, object_id
from kplan.plan.plan import PlanOptions, build_plan
from kplan.snapshot.load import load_snapshot
from tests.paths import CORPUS, FIXTURES, corpus_or_skip
from tests.plan.apiserver_oracle import served

VERSION = "1.31"
APPS = (
    sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "snapshots")
    if CORPUS.is_dir()
    else []
)


def manifest_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json") and p.is_file() and "kustomization" not in p.name
    )


def spurious_changes(path: Path, tmp_path: Path) -> tuple[int, list[str]]:
    """(objects compared, changes planned) for one file applied onto its own served state."""
    loaded = load_paths([str(path)])
    empty = build_plan(loaded, None, PlanOptions(kubernetes_version=VERSION))
    created = [c for c in empty.changes if c.action == "create" and c.object.name]
    if not created:
        return 0, []
    options = ChangeOptions(kubernetes_version=VERSION)
    planned_refs = {c.object for c in created}
    stored = {}
    for resource in loaded.resources:
        identity = object_id(resource, options)
        if identity in planned_refs:
            stored[identity] = served(resource.body, identity.namespace or "default", (1, 31))
    snapshot_path = tmp_path / f"{path.stem}.snapshot.json"
    snapshot_path.write_text(
        json.dumps({"apiVersion": "v1", "kind": "List", "items": list(stored.values())})
    )
    plan = build_plan(
        loaded, load_snapshot([str(snapshot_path)]), PlanOptions(kubernetes_version=VERSION)
    )
    noise = [
        f"{c.action} {c.object.ref()}: "
        + ", ".join(f"{f.path} {f.before!r} -> {f.after!r}" for f in c.fields)
        for c in plan.changes
        if c.object in stored
    ]
    return len(stored), noise


@pytest.mark.parametrize("app", APPS)
def test_corpus_application_applied_plans_nothing(app: str, tmp_path: Path) -> None:
    root = corpus_or_skip() / app
    compared = 0
    noise: list[str] = []
    for path in manifest_files(root):
        count, changes = spurious_changes(path, tmp_path)
        compared += count
        noise.extend(f"{path.relative_to(root)}: {change}" for change in changes)
    assert noise == []
    assert compared > 0


def test_bundled_online_boutique_applied_plans_nothing(tmp_path: Path) -> None:
    count, noise = spurious_changes(
        FIXTURES / "manifests" / "online-boutique" / "kubernetes-manifests.yaml", tmp_path
    )
    assert noise == [] and count == 35
