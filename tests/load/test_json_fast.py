"""JSON documents take the C JSON decoder; what comes out must not depend on that: the same
values, origins and field positions as the YAML reader gives for the same text (JSON is
YAML), and the same refusals (duplicate keys: sigs.k8s.io/json strict decoding; NaN and
Infinity are not JSON, RFC 8259 section 6, so such a document is read as YAML)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kplan.load.documents as documents
from kplan.load import MAP_FROM_BYTES, load_bytes, load_paths
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


def _config_maps(count: int, note: str) -> bytes:
    """A kubectl-style JSON List of ConfigMaps, pretty-printed as kubectl prints it."""
    items = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"cm-{index:05d}", "namespace": "default"},
            "data": {"note": note},
        }
        for index in range(count)
    ]
    document = {"apiVersion": "v1", "kind": "List", "items": items}
    return json.dumps(document, indent=4, ensure_ascii=False).encode()


def test_a_big_file_is_read_as_its_bytes_are(tmp_path: Path) -> None:
    """Files of a mebibyte or more are decoded from a memory map: the same resources,
    origins and positions as decoding the same bytes, a UTF-8 byte-order mark dropped."""
    data = b"\xef\xbb\xbf" + _config_maps(8000, "caf\u00e9 -----BEGIN CERTIFICATE-----")
    assert len(data) >= MAP_FROM_BYTES
    path = tmp_path / "cluster.json"
    path.write_bytes(data)
    mapped, plain = load_paths([str(path)]), load_bytes(data, str(path))
    assert len(mapped.resources) == len(plain.resources) == 8000
    assert mapped.problems == plain.problems == []
    last = mapped.resources[-1]
    assert last.body == plain.resources[-1].body and last.origin == plain.resources[-1].origin
    assert last.locate("/data/note") == plain.resources[-1].locate("/data/note")
    assert last.body["data"]["note"].startswith("caf\u00e9")


def test_a_recorded_json_cluster_is_read_whole_and_a_stream_is_still_split() -> None:
    """A recorded cluster that is one JSON object is decoded whole (no line of JSON can start
    with "---"); a YAML stream of JSON documents separated by "---" lines (YAMLReader) is
    still read document by document, with the lines of the file."""
    whole = _config_maps(3, "--- not a separator inside a string")
    one = load_bytes(whole, "cluster.json", recorded=True)
    assert [r.name for r in one.resources] == ["cm-00000", "cm-00001", "cm-00002"]
    assert [r.origin.line for r in one.resources] == [5, 16, 27]  # 11 lines an item
    first = b'{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}'
    stream = first + b"\n---\n" + first.replace(b'"a"', b'"b"') + b"\n"
    split = load_bytes(stream, "stream.json", recorded=True)
    assert split.problems == []
    assert [(r.name, r.origin.document, r.origin.line) for r in split.resources] == [
        ("a", 0, 1),
        ("b", 1, 3),
    ]
