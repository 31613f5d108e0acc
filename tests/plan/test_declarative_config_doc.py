"""The walk-through of Kubernetes' own documentation, "Declarative Management of Kubernetes
Objects Using Configuration Files" (kubernetes/website content/en/docs/tasks/
manage-kubernetes-objects/declarative-config.md): apply simple_deployment.yaml, `kubectl scale
--replicas=2`, then apply update_deployment.yaml. The page prints the live object after each
step and states what apply does; kplan's plan must say the same."""

from __future__ import annotations

import json
from pathlib import Path

from kplan.load import load_text
from kplan.plan.model import ABSENT
from kplan.plan.plan import PlanOptions, build_plan
from kplan.snapshot.load import load_snapshot
from tests.plan.apiserver_oracle import served

SIMPLE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
spec:
  selector:
    matchLabels:
      app: nginx
  minReadySeconds: 5
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""
UPDATE = SIMPLE.replace("  minReadySeconds: 5\n", "").replace("nginx:1.14.2", "nginx:1.16.1")


def live_after_apply_and_scale(tmp_path: Path) -> Path:
    """The page's second `kubectl get deployment nginx-deployment -o yaml`: replicas 2
    written by scale, last-applied without replicas, minReadySeconds 5."""
    (manifest,) = load_text(SIMPLE, "simple_deployment.yaml").resources
    live = served(manifest.body, "default", (1, 31))
    live["spec"]["replicas"] = 2
    path = tmp_path / "live.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [live]}))
    return path


def plan_of(text: str, snapshot: Path):
    return build_plan(
        load_text(text, "deployment.yaml"),
        load_snapshot([str(snapshot)]),
        PlanOptions(kubernetes_version="1.31"),
    )


def test_reapplying_the_same_file_after_scale_changes_nothing(tmp_path: Path) -> None:
    """'The replicas field retains the value of 2 set by kubectl scale. This is possible
    because it is omitted from the configuration file.'"""
    plan = plan_of(SIMPLE, live_after_apply_and_scale(tmp_path))
    assert plan.changes == []


def test_update_sets_the_image_clears_min_ready_seconds_and_keeps_replicas(
    tmp_path: Path,
) -> None:
    """'The image field has been updated to nginx:1.16.1 from nginx:1.14.2', 'The
    minReadySeconds field has been cleared', and replicas stays 2."""
    plan = plan_of(UPDATE, live_after_apply_and_scale(tmp_path))
    (change,) = plan.changes
    assert change.action == "update"
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("/spec/minReadySeconds", 5, ABSENT),
        ("/spec/template/spec/containers/0/image", "nginx:1.14.2", "nginx:1.16.1"),
    ]
    assert change.after is not None and change.after["spec"]["replicas"] == 2
