"""The loader: documents, positions from the top of the FILE, Lists, and every kind of bad
input giving one clear message with file:line:column while the rest is still read.

Facts: apimachinery pkg/util/yaml YAMLReader.Read (document separator rule), go-yaml v2
(kubernetes-sigs/yaml goyaml.v2) for limits and merge keys, kubectl's List expansion
(cli-runtime), and the measured behaviours in the project's reliability notes.
"""

from __future__ import annotations

from kplan.load import load_bytes, load_paths
from kplan.load.construct import allowed_alias_ratio

DEPLOYMENT = b"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: web:1.0
          env:
            - name: DEBUG
              value: "yes"
"""


def test_positions_of_values_and_keys() -> None:
    """The contract's example: /spec/replicas at line 6 points at the value's column."""
    loaded = load_bytes(DEPLOYMENT, "web.yaml")
    resource = loaded.resources[0]
    assert loaded.problems == []
    assert resource.locate("/spec/replicas") == (6, 13)
    assert resource.locate("/spec/replicas", key=True) == (6, 3)
    assert resource.locate("/spec/template/spec/containers/0/image") == (11, 18)
    assert resource.locate("/spec/template/spec/containers/0") == (10, 11)
    # A field that is not there maps to its nearest ancestor.
    assert resource.locate("/spec/template/spec/containers/0/ports/0") == (10, 11)
    assert resource.origin.line == 1


def test_lines_count_from_the_top_of_the_file() -> None:
    """kubectl restarts line numbers at every document (kubernetes/kubernetes#104607)."""
    text = (
        b"# leading comment\n---\n"
        + DEPLOYMENT
        + b"---\n"
        + DEPLOYMENT.replace(b"name: web\n", b"name: api\n", 1)
    )
    loaded = load_bytes(text, "two.yaml")
    first, second = loaded.resources
    assert (first.origin.document, first.origin.line) == (0, 3)
    assert (second.origin.document, second.origin.line) == (1, 18)
    assert second.locate("/spec/replicas") == (23, 13)


def test_broken_document_does_not_hide_the_others() -> None:
    text = DEPLOYMENT + b"---\nmetadata:\n  name: a\n bad: [\n---\n" + DEPLOYMENT
    loaded = load_bytes(text, "mixed.yaml")
    assert len(loaded.resources) == 2
    (problem,) = loaded.problems
    assert (problem.source, problem.line, problem.column) == ("mixed.yaml", 18, 2)
    assert "YAML syntax error" in problem.message


def test_values_read_as_kubernetes_reads_them() -> None:
    text = b"""\
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  a: yes
  b: 0644
  c: 1:30
  d: 2024-01-01T00:00:00Z
  e: 1e3
  f: '0644'
  g: !!str 12
  7: seven
  on: key
"""
    (resource,) = load_bytes(text, "c.yaml").resources
    assert resource.body["data"] == {
        "a": True,
        "b": 420,
        "c": "1:30",
        "d": "2024-01-01T00:00:00Z",
        "e": 1000,
        "f": "0644",
        "g": "12",
        "7": "seven",
        "true": "key",
    }


def test_merge_keys_work_and_later_keys_override() -> None:
    text = b"""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: m
  labels: &labels {app: web, tier: front}
  annotations:
    <<: *labels
    tier: back
"""
    (resource,) = load_bytes(text, "m.yaml").resources
    assert resource.body["metadata"]["annotations"] == {"app": "web", "tier": "back"}


def test_merge_list_earlier_maps_win() -> None:
    """goyaml.v2 decode.go merge(): a sequence is merged backwards, so earlier maps win."""
    text = b"a: &a {x: 1}\nb: &b {x: 2, z: 2}\napiVersion: v1\nkind: X\nm:\n  <<: [*a, *b]\n"
    (resource,) = load_bytes(text, "m.yaml").resources
    assert resource.body["m"] == {"x": 1, "z": 2}


def test_merge_overriding_an_earlier_key_is_refused() -> None:
    text = b"apiVersion: v1\nkind: X\nb: &b {x: 1}\nm:\n  x: 0\n  <<: *b\n"
    loaded = load_bytes(text, "m.yaml")
    assert loaded.resources == []
    assert "would override" in loaded.problems[0].message


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    """Strict decoding: `line 5: key "name" already set in map` (go-yaml v2 UnmarshalStrict)."""
    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"
    (problem,) = load_bytes(text, "dup.yaml").problems
    assert (problem.line, problem.column) == (5, 3)
    assert 'duplicate key "name" (first set on line 4)' in problem.message


def test_document_that_is_not_a_mapping() -> None:
    (problem,) = load_bytes(b"\n- a\n- b\n", "list.yaml").problems
    assert (problem.line, problem.column) == (2, 1)
    assert "must be a mapping, found a list" in problem.message


def test_missing_api_version_and_kind() -> None:
    loaded = load_bytes(b"kind: X\n---\napiVersion: v1\nmetadata: {}\n", "m.yaml")
    messages = [(p.line, p.message) for p in loaded.problems]
    assert messages == [(1, "missing 'apiVersion' key"), (3, "missing 'kind' key")]


def test_invalid_utf8_is_refused_with_its_position() -> None:
    text = b"apiVersion: v1\nkind: X\nv: caf\xe9\n---\napiVersion: v1\nkind: Z\n"
    loaded = load_bytes(text, "u.yaml")
    assert [r.kind for r in loaded.resources] == ["Z"]
    (problem,) = loaded.problems
    assert (problem.line, problem.column) == (3, 7)
    assert "not valid UTF-8 (byte 0xE9)" in problem.message


def test_bom_and_crlf_are_read_like_kubectl() -> None:
    """go-yaml accepts a UTF-8 BOM and CRLF line ends; positions stay right."""
    text = (
        b"\xef\xbb\xbfapiVersion: v1\r\nkind: X\r\nmetadata:\r\n  name: a\r\n---\r\n"
        b"apiVersion: v1\r\nkind: Z\r\n"
    )
    loaded = load_bytes(text, "crlf.yaml")
    assert loaded.problems == []
    assert [r.body["kind"] for r in loaded.resources] == ["X", "Z"]
    assert loaded.resources[0].locate("/metadata/name") == (4, 9)
    assert loaded.resources[1].origin.line == 6


def test_tab_indentation_is_named() -> None:
    (problem,) = load_bytes(b"apiVersion: v1\nkind: X\nmetadata:\n\tname: a\n", "t.yaml").problems
    assert problem.line == 4
    assert "tab character" in problem.message


def test_alias_bomb_is_refused_quickly() -> None:
    """CVE-2019-11253 (kubernetes/kubernetes#83253): 9 levels of 9 aliases. go-yaml refuses
    "excessive aliasing" without expanding; so must we (expanding it would never finish)."""
    levels = [b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for previous, name in zip(names, names[1:], strict=False):
        levels.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]".encode())
    loaded = load_bytes(b"\n".join(levels) + b"\n", "bomb.yaml")
    assert "excessive aliasing" in loaded.problems[0].message


def test_small_alias_use_is_fine() -> None:
    """3 x 10 aliases (2,468 decodes) is accepted by go-yaml; so here."""
    lines = [b"a: &a [" + b",".join([b"x"] * 10) + b"]"]
    lines.append(b"b: &b [" + b",".join([b"*a"] * 10) + b"]")
    lines.append(b"c: [" + b",".join([b"*b"] * 10) + b"]")
    lines.append(b"apiVersion: v1\nkind: X")
    loaded = load_bytes(b"\n".join(lines) + b"\n", "ok.yaml")
    assert loaded.problems == []
    assert len(loaded.resources[0].body["c"]) == 10


def test_alias_ratio_matches_go_yaml() -> None:
    """goyaml.v2 decode.go allowedAliasRatio: 0.99 up to 400k decodes, 0.10 from 4M."""
    assert allowed_alias_ratio(1000) == 0.99
    assert allowed_alias_ratio(4_000_000) == 0.10
    assert abs(allowed_alias_ratio(2_200_000) - 0.545) < 1e-9


def test_nesting_deeper_than_kubernetes_accepts() -> None:
    """go-yaml: `exceeded max depth of 10000` (scannerc.go, kubernetes/kubernetes PR #83261).
    Never a RecursionError or a crash, for flow or block nesting, far beyond the limit."""
    flow = b"apiVersion: v1\nkind: X\nv: " + b"[" * 10_001 + b"]" * 10_001 + b"\n"
    block = b"apiVersion: v1\nkind: X\nv:\n" + b"- " * 60_000 + b"x\n"
    for name, text in (("flow.yaml", flow), ("block.yaml", block)):
        (problem,) = load_bytes(text, name).problems
        assert "exceeded max depth of 10000" in problem.message
        assert problem.line is not None and problem.column is not None


def test_deep_but_allowed_nesting_loads() -> None:
    text = b"apiVersion: v1\nkind: X\nv: " + b"[" * 2000 + b"]" * 2000 + b"\n"
    (resource,) = load_bytes(text, "deep.yaml").resources
    depth, value = 0, resource.body["v"]
    while value:
        value, depth = value[0], depth + 1
    assert depth == 1999


def test_null_key_and_infinity_are_errors() -> None:
    loaded = load_bytes(
        b"apiVersion: v1\nkind: X\n~: 1\n---\napiVersion: v1\nkind: X\nv: .inf\n", "n.yaml"
    )
    assert [(p.line, p.column) for p in loaded.problems] == [(3, 1), (7, 4)]


def test_glued_separator_is_refused_like_apimachinery() -> None:
    """YAMLReader.Read: only spaces or a comment may follow ---
    ("invalid Yaml document separator")."""
    text = (
        b"apiVersion: v1\nkind: A\n---apiVersion: v1\nkind: B\n--- # fine\napiVersion: v1\n"
        b"kind: C\n"
    )
    loaded = load_bytes(text, "s.yaml")
    assert [r.kind for r in loaded.resources] == ["A", "C"]
    (problem,) = loaded.problems
    assert problem.line == 3 and "invalid document separator" in problem.message


def test_lists_are_expanded_and_bad_items_reported() -> None:
    text = b"""\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- 3
- kind: Secret
"""
    loaded = load_bytes(text, "l.yaml")
    (resource,) = loaded.resources
    assert resource.origin.item == 0 and resource.origin.line == 4
    assert resource.locate("/metadata/name") == (6, 20)
    assert [(p.line, p.message) for p in loaded.problems] == [
        (7, "item 1 of the List must be a mapping, found a number"),
        (8, "item 2: missing 'apiVersion' key"),
    ]


def test_typed_lists_give_items_their_kind() -> None:
    text = b"apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p}\n"
    (resource,) = load_bytes(text, "p.yaml").resources
    assert (resource.api_version, resource.kind, resource.name) == ("v1", "Pod", "p")


def test_json_documents_and_tab_indented_json() -> None:
    loaded = load_bytes(b'{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap"\n}\n', "c.json")
    assert loaded.resources[0].kind == "ConfigMap"
    loaded = load_bytes(b'{"apiVersion": "v1", "kind": "X", "a": 1, "a": 2}', "d.json")
    assert "duplicate" in loaded.problems[0].message


def test_empty_and_comment_only_documents_are_skipped() -> None:
    loaded = load_bytes(b"---\n# nothing\n---\n\n---\napiVersion: v1\nkind: X\n---\n", "e.yaml")
    assert [r.origin.document for r in loaded.resources] == [0]
    assert loaded.problems == []


def test_helm_source_comment_is_kept() -> None:
    text = b"---\n# Source: shop/templates/web.yaml\napiVersion: v1\nkind: Service\n"
    (resource,) = load_bytes(text, "<stdin>").resources
    assert resource.origin.helm_source == "shop/templates/web.yaml"
    assert resource.origin.line == 3


def test_huge_document_is_refused_without_parsing() -> None:
    """kube-apiserver accepts request bodies up to 3 MiB (PR #83261)."""
    text = b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: '" + b"x" * (4 * 1024 * 1024) + b"'\n"
    (problem,) = load_bytes(text, "big.yaml").problems
    assert "3 MiB" in problem.message


def test_folders_are_walked_in_order_skipping_hidden(tmp_path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.yml").write_bytes(b"apiVersion: v1\nkind: Z\n")
    (tmp_path / "a.json").write_bytes(b'{"apiVersion": "v1", "kind": "A"}')
    (tmp_path / ".git" / "x.yaml").write_bytes(b"apiVersion: v1\nkind: Hidden\n")
    (tmp_path / "notes.txt").write_bytes(b"apiVersion: v1\nkind: Text\n")
    loaded = load_paths([str(tmp_path)])
    assert [r.kind for r in loaded.resources] == ["A", "Z"]
