"""Loaded manifests cross from a reader process to the planner pickled (kplan.parallel):
every position must survive the trip, for YAML documents (packed tables) and for JSON Lists
(tables read lazily from each item's text)."""

from __future__ import annotations

import json
import pickle

from kplan.load import load_bytes
from tests.paths import FIXTURES

BOUTIQUE = FIXTURES / "manifests" / "online-boutique" / "kubernetes-manifests.yaml"


def _pointers(value: object, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(value, dict):
        for key, item in value.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            found += _pointers(item, f"{pointer}/{escaped}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _pointers(item, f"{pointer}/{index}")
    return found


def _same_after_pickling(data: bytes, source: str) -> int:
    loaded = load_bytes(data, source)
    copy = pickle.loads(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    assert [r.body for r in copy.resources] == [r.body for r in loaded.resources]
    assert [r.origin for r in copy.resources] == [r.origin for r in loaded.resources]
    checked = 0
    for original, travelled in zip(loaded.resources, copy.resources, strict=True):
        for pointer in _pointers(original.body):
            assert travelled.positions.lookup(pointer) == original.positions.lookup(pointer)
            checked += 1
    return checked


def test_yaml_positions_survive_pickling() -> None:
    assert _same_after_pickling(BOUTIQUE.read_bytes(), str(BOUTIQUE)) > 500


def test_json_list_positions_survive_pickling() -> None:
    items = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}, "data": {"k": "v"}}
        for i in range(3)
    ]
    data = json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=2).encode()
    assert (
        _same_after_pickling(data, "list.json") == 3 * 7
    )  # root, apiVersion, kind, metadata, name, data, k
    loaded = pickle.loads(pickle.dumps(load_bytes(data, "list.json")))
    assert loaded.resources[2].positions.lookup("/data/k") == (32, 14, 32, 9)
