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


def _exact(left: object, right: object) -> bool:
    """Equal with the same types throughout (== alone takes 1 for 1.0 and for True)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return list(left) == list(right) and all(_exact(left[k], right[k]) for k in left)
    if isinstance(left, list):
        assert isinstance(right, list)
        return len(left) == len(right) and all(map(_exact, left, right))
    return left == right or left != left and right != right  # NaN


def test_bodies_travel_exactly() -> None:
    """Bodies travel as MessagePack (Resource.__reduce__): every type and key order of the
    fixtures' manifests survives, and so do the values MessagePack cannot hold (integers
    beyond 64 bits, strings that are not UTF-8), which are pickled instead."""
    from kplan.load import load_paths
    from kplan.resource import Origin, Resource

    loaded = load_paths([str(FIXTURES / "manifests"), str(FIXTURES / "examples")])
    assert len(loaded.resources) > 50
    odd = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "odd", "annotations": {"big": 2**70, "raw": "\udc80"}},
        "data": {"float": 1.5, "nan": float("nan"), "bool": True, "null": None, "int": -1},
    }
    resources = [*loaded.resources, Resource(odd, Origin("odd.yaml", 0, 1))]
    travelled = pickle.loads(pickle.dumps(resources, protocol=pickle.HIGHEST_PROTOCOL))
    for original, copy in zip(resources, travelled, strict=True):
        assert _exact(copy.body, original.body), original.origin
        assert copy.origin == original.origin
    packed = [r for r in resources if r.__reduce__()[0] is not Resource]
    assert len(packed) == len(resources) - 1  # all but the odd one went as MessagePack
