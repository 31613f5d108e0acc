"""Data for the diff benchmark: a recorded cluster of ~20,000 objects and ~5,000 desired ones.

The cluster is the boutique-prod snapshot's namespaced objects (Online Boutique and the rest of
a production-like cluster, as `kubectl get -o json` prints them: no managedFields) copied into
namespaces shop-000, shop-001, ..., each copy with its own copy of the six nodes (its pods
bound to them), so that the cluster grows as a real one would; the desired objects are the
Online Boutique manifests placed in as many namespaces, some of which the cluster does not
have (creates), the others with the older edition applied (updates and no-ops), as in the
snapshot.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _in_namespace(body: dict[str, Any], namespace: str) -> dict[str, Any]:
    clone = copy.deepcopy(body)
    metadata = clone.setdefault("metadata", {})
    metadata.pop("managedFields", None)
    metadata["namespace"] = namespace
    annotations = metadata.get("annotations") or {}
    if LAST_APPLIED in annotations:
        applied = json.loads(annotations[LAST_APPLIED])
        applied.setdefault("metadata", {})["namespace"] = namespace
        annotations[LAST_APPLIED] = json.dumps(applied, separators=(",", ":"))
    return clone


def _node_copy(node: dict[str, Any], suffix: str) -> dict[str, Any]:
    clone = copy.deepcopy(node)
    metadata = clone["metadata"]
    metadata["name"] += suffix
    labels = metadata.setdefault("labels", {})
    if "kubernetes.io/hostname" in labels:
        labels["kubernetes.io/hostname"] += suffix
    return clone


def make(
    folder: Path,
    corpus: Path,
    fixtures: Path,
    snapshot_objects: int,
    desired_objects: int,
    node_copies: bool = True,
) -> tuple[Path, Path, int, int]:
    """(snapshot file, desired folder, objects in each); reused when already there."""
    from ruamel.yaml import YAML

    from kplan.load import load_paths

    snapshot_path = folder / "cluster.json"
    desired_folder = folder / "desired"
    marker = folder / "COUNTS"
    if marker.exists():
        recorded, desired = map(int, marker.read_text().split())
        return snapshot_path, desired_folder, recorded, desired
    folder.mkdir(parents=True, exist_ok=True)
    desired_folder.mkdir(exist_ok=True)
    cluster = load_paths([str(fixtures / "snapshots" / "boutique-prod.yaml")]).resources
    nodes = [r.body for r in cluster if r.kind in ("Node",)]
    per_namespace = [r.body for r in cluster if r.namespace is not None]
    manifests = load_paths([str(fixtures / "manifests" / "online-boutique")]).resources
    items: list[dict[str, Any]] = []
    index = 0
    while len(items) < snapshot_objects:
        namespace = f"shop-{index:03d}"
        suffix = f"-s{index:03d}"
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        if node_copies:
            items.extend(_node_copy(node, suffix) for node in nodes)
        elif index == 0:
            items.extend(copy.deepcopy(node) for node in nodes)
        for body in per_namespace:
            clone = _in_namespace(body, namespace)
            spec = clone.get("spec")
            if node_copies and clone.get("kind") == "Pod" and isinstance(spec, dict):
                if spec.get("nodeName"):
                    spec["nodeName"] += suffix
            items.append(clone)
        index += 1
    snapshot_path.write_text(
        json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=4)
    )
    dumper = YAML(typ="safe", pure=False)
    dumper.default_flow_style = False
    desired = 0
    index = 0
    while desired < desired_objects:
        batch = [_in_namespace(r.body, f"shop-{index:03d}") for r in manifests]
        with (desired_folder / f"shop-{index:03d}.yaml").open("w") as handle:
            dumper.dump_all(batch, handle)
        desired += len(batch)
        index += 1
    marker.write_text(f"{len(items)} {desired}")
    return snapshot_path, desired_folder, len(items), desired
