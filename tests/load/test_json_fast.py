"""JSON documents take the C JSON decoder; what comes out must not depend on that: the same
values, origins and field positions as the YAML reader gives for the same text (JSON is
YAML), and the same refusals (duplicate keys: sigs.k8s.io/json strict decoding; NaN and
Infinity are not JSON, RFC 8259 section 6, so such a document is read as YAML)."""

from __future__ import annotations

import pytest

import kplan.load.documents as documents
from kplan.load import load_bytes, load_paths
from tests.paths import corpus_or_skip

POINTERS = ("", "/metadata/name", "/spec", "/kind", "/status/conditions/0/type")


def test_fast_path_equals_the_yaml_reader_on_a_real_kubectl_json_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = str(corpus_or_skip() / "snapshots" / "kind-3node.json")
    fast = load_paths([path])
    monkeypatch.setattr(documents, "_fast_json", lambda chunk, recorded=False: None)
    slow = load_paths([path])
    assert len(fast.resources) == len(slow.resources) == 44
    for quick, careful in zip(fast.resources, slow.resources, strict=True):
        assert quick.body == careful.body
        assert quick.origin == careful.origin
        assert [quick.locate(p) for p in POINTERS] == [careful.locate(p) for p in POINTERS]


def test_duplicate_keys_are_still_refused_with_their_position() -> None:
    text = b'{"apiVersion": "v1", "kind": "ConfigMap",\n "metadata": {"name": "a", "name": "b"}}'
    (problem,) = load_bytes(text, "cm.json").problems
    assert (problem.line, problem.column) == (2, 28)
    assert 'duplicate key "name"' in problem.message


def test_values_match_the_yaml_reading() -> None:
    text = b'{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},\n'
    text += b' "data": {"whole": 1.0, "exp": 1e3, "frac": 0.5}}'
    (resource,) = load_bytes(text, "cm.json").resources
    assert resource.body["data"] == {"whole": 1, "exp": 1000, "frac": 0.5}
    assert isinstance(resource.body["data"]["whole"], int)


def test_what_json_refuses_is_read_as_yaml_reads_it() -> None:
    """NaN is not JSON; the document then takes the YAML reader, where it is a plain string
    (go-yaml v2 resolves only .nan/.NaN/.NAN as floats)."""
    text = b'{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "x": NaN}'
    (resource,) = load_bytes(text, "cm.json").resources
    assert resource.body["x"] == "NaN"
