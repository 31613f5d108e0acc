"""YAML documents are built without their position table (kplan.load.construct, track=False)
and read again when a position is asked for: every field of every object of the real-world
manifests in fixtures/ must get the position the eager table gives, and each object the
start line of its document (or of its List item)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kplan.load import load_bytes
from kplan.load.parse import parse_document
from kplan.load.split import split_documents
from tests.load.test_pickle import _pointers
from tests.paths import FIXTURES

YAML_FILES = sorted((FIXTURES / "manifests").rglob("*.yaml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_positions_read_again_equal_the_eager_table(path: Path) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8")
    eager = {}
    for chunk in split_documents(text):
        parsed = parse_document(chunk.text, chunk.first_line - 1)
        if parsed is not None:
            eager[chunk.index] = parsed[1]
    loaded = load_bytes(data, str(path))
    assert loaded.resources and not loaded.problems
    checked = 0
    for resource in loaded.resources:
        table = eager[resource.origin.document]
        assert (resource.origin.line, resource.origin.column) == table[""][:2]
        for pointer in _pointers(resource.body):
            assert resource.positions.lookup(pointer) == table[pointer]
            checked += 1
    assert checked > len(loaded.resources)


def test_list_items_start_where_their_item_does() -> None:
    text = (
        "apiVersion: v1\n"
        "kind: List\n"
        "items:\n"
        "- apiVersion: v1\n"
        "  kind: ConfigMap\n"
        "  metadata: {name: a}\n"
        "- apiVersion: v1\n"
        "  kind: ConfigMap\n"
        "  metadata:\n"
        "    name: b\n"
    )
    loaded = load_bytes(text.encode(), "list.yaml")
    assert [(r.name, r.origin.line, r.origin.column) for r in loaded.resources] == [
        ("a", 4, 3),
        ("b", 7, 3),
    ]
    assert loaded.resources[1].locate("/metadata/name") == (10, 11)


def test_a_duplicate_key_still_names_the_first_line() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"
    loaded = load_bytes(("---\n" + text).encode(), "dup.yaml")
    [problem] = loaded.problems
    assert (problem.line, problem.column) == (6, 3)
    assert 'duplicate key "name" (first set on line 5)' in problem.message
