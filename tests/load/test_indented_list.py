"""kplan.load.indented_list: a recorded cluster laid out as kubectl prints it is decoded
whole, with exactly the values and item offsets that the item-by-item reading gives; any
other layout is left to that reading (None), so a snapshot reads the same either way."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from kplan.load import documents, indented_list
from kplan.load.indented_list import decode_indented_list
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES

KIND = FIXTURES / "snapshots" / "kind-3node.json"
BOUTIQUE = FIXTURES / "snapshots" / "boutique-prod.yaml"


@pytest.fixture(autouse=True)
def small_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixtures are smaller than the size the whole-document reading starts at."""
    monkeypatch.setattr(indented_list, "WHOLE_FROM", 0)


def _boutique_as_kubectl_prints_it(**dumps: Any) -> str:
    """The boutique-prod snapshot's objects as `kubectl get -o json` would print them
    (4-space indent, sorted keys), unless `dumps` says otherwise."""
    document = {"apiVersion": "v1", "items": _boutique(), "kind": "List", "metadata": {}}
    options: dict[str, Any] = {"indent": 4, "sort_keys": True}
    options.update(dumps)
    return json.dumps(document, **options) + "\n"


@functools.cache
def _boutique() -> list[dict[str, Any]]:
    return [resource.body for resource in load_snapshot([str(BOUTIQUE)]).resources()]


def _item_by_item(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    return documents._decode_item_by_item(text, 0, recorded=True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(KIND.read_text(), id="kind-3node (real kubectl output)"),
        pytest.param(_boutique_as_kubectl_prints_it(), id="boutique-prod"),
        pytest.param(_boutique_as_kubectl_prints_it().replace("\n", "\r\n"), id="CRLF"),
        pytest.param(_boutique_as_kubectl_prints_it(indent="\t"), id="tabs"),
        pytest.param(_boutique_as_kubectl_prints_it(indent=2), id="indent 2"),
    ],
)
def test_the_whole_document_reading_equals_the_item_by_item_one(text: str) -> None:
    found = decode_indented_list(text, 0)
    assert found is not None
    expected = _item_by_item(text)
    assert found[0] == expected[0]
    assert found[1] == expected[1]
    assert len(found[1]) == 2 * len(expected[0]["items"]) + 1


def _kind_first(text: str) -> str:
    document = json.loads(text)
    for item in document["items"]:
        item_kind = item.pop("kind")
        rest = dict(item)
        item.clear()
        item.update({"kind": item_kind, **rest})
    return json.dumps(document, indent=4)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_boutique_as_kubectl_prints_it(indent=None), id="compact"),
        pytest.param(_kind_first(_boutique_as_kubectl_prints_it()), id="kind before apiVersion"),
        pytest.param(
            _boutique_as_kubectl_prints_it().replace(
                '"kind": "List"', '"kind": "List",\n    "kind": "List"'
            ),
            id="a top-level key twice",
        ),
        pytest.param(
            _boutique_as_kubectl_prints_it(ensure_ascii=False).replace("frontend", "frönt"),
            id="not ASCII",
        ),
        pytest.param(
            _boutique_as_kubectl_prints_it().replace('"metadata": {}', '"metadata": {}, "x": NaN'),
            id="not JSON",
        ),
    ],
)
def test_other_layouts_are_read_item_by_item(text: str) -> None:
    assert decode_indented_list(text, 0) is None


def test_a_snapshot_reads_the_same_either_way(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Objects, their origins (line and column of each item) and a field's position."""
    path = tmp_path / "cluster.json"
    path.write_text(_boutique_as_kubectl_prints_it())
    assert decode_indented_list(path.read_text(), 0) is not None

    def read() -> list[tuple[Any, ...]]:
        snapshot = load_snapshot([str(path)])
        assert not snapshot.problems
        return [(r.body, r.origin, r.locate("/metadata/name")) for r in snapshot.resources()]

    whole = read()
    monkeypatch.setattr(indented_list, "WHOLE_FROM", 1 << 62)
    assert read() == whole
