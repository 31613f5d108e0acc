"""The shared real-world corpus as plain JSON values, loaded once per pytest run.

The project's own loader is tested elsewhere; here ruamel.yaml's safe loader is enough (the
schema tests need the objects, not Kubernetes' YAML 1.1 reading). Two tweaks keep every file
readable: duplicate keys are allowed (last wins, as in Kubernetes) and the YAML 1.1 `=` value
tag reads as the string "=" (prometheus-operator's CRDs have `- =` in an enum).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus"
SUFFIXES = (".yaml", ".yml", ".json")
CRD_API_VERSION = "apiextensions.k8s.io/v1"


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("the shared real-world corpus is not beside this checkout")
    return CORPUS


def _plain(value: Any) -> Any:
    """dict/list/str/int/float/bool/None only (timestamps become strings)."""
    return json.loads(json.dumps(value, default=str))


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    yaml.allow_duplicate_keys = True
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
    )
    return yaml


def _documents(path: Path, yaml: Any) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [json.loads(text)]
    return list(yaml.load_all(text))


@functools.cache
def corpus_objects() -> tuple[tuple[str, dict[str, Any]], ...]:
    """(relative file, object) for every object with apiVersion and kind; List items
    expanded. Files under snapshots/ are recorded clusters, not manifests: left out."""
    root = corpus_or_skip()
    yaml = _yaml()
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == "snapshots" or path.suffix not in SUFFIXES:
            continue
        for document in _documents(path, yaml):
            if not isinstance(document, dict) or "apiVersion" not in document:
                continue
            items = document.get("items")
            if str(document.get("kind", "")).endswith("List") and isinstance(items, list):
                candidates = [item for item in items if isinstance(item, dict)]
            else:
                candidates = [document]
            for candidate in candidates:
                if isinstance(candidate.get("kind"), str) and isinstance(
                    candidate.get("apiVersion"), str
                ):
                    found.append((str(relative), _plain(candidate)))
    return tuple(found)


def corpus_crds() -> list[dict[str, Any]]:
    return [
        obj
        for _, obj in corpus_objects()
        if obj["kind"] == "CustomResourceDefinition" and obj["apiVersion"] == CRD_API_VERSION
    ]


def crd_named(name: str) -> dict[str, Any]:
    for crd in corpus_crds():
        if crd.get("metadata", {}).get("name") == name:
            return crd
    pytest.skip(f"CRD {name} is not in the corpus")
