"""`last-applied-too-large`: client-side `kubectl apply` stores the whole object in the
`kubectl.kubernetes.io/last-applied-configuration` annotation, and the API server refuses
annotations over 256 KiB in total (apimachinery ValidateAnnotationsSize,
TotalAnnotationSizeLimitB = 256 * (1 << 10)). kube-prometheus' big CRDs are the known case:
its README has them applied with `--server-side` for exactly this reason."""

from __future__ import annotations

import json

from kplan.load import load_paths
from kplan.plan.changes import ANNOTATION_LIMIT, applied_size
from kplan.plan.plan import PlanOptions, build_plan
from tests.paths import FIXTURES

CRDS = FIXTURES / "manifests" / "kube-prometheus-crds"


def test_the_big_crd_is_flagged_and_the_small_one_is_not() -> None:
    plan = build_plan(load_paths([str(CRDS)]), None, PlanOptions(kubernetes_version="1.31"))
    flagged = {f.object: f for f in plan.findings if f.rule == "last-applied-too-large"}
    assert sorted(flagged) == ["CustomResourceDefinition/thanosrulers.monitoring.coreos.com"]
    finding = flagged["CustomResourceDefinition/thanosrulers.monitoring.coreos.com"]
    assert finding.severity == "warning"
    assert "(the limit is 262,144)" in finding.message
    assert "kubectl apply --server-side" in finding.message
    assert finding.location is not None and finding.location.source.endswith(
        "0thanosruler" + "CustomResourceDefinition.yaml"
    )


def test_the_size_is_what_go_encoding_json_writes() -> None:
    """encoding/json (Marshal): compact, UTF-8 kept as is, and HTMLEscape on: `<`, `>`, `&`,
    U+2028 and U+2029 become six-byte \\u escapes."""
    assert ANNOTATION_LIMIT == 262_144
    assert applied_size({"a": "b"}) == len(b'{"a":"b"}')
    assert applied_size({"expr": "a > 1 && b < 2"}) == len(
        b'{"expr":"a \\u003e 1 \\u0026\\u0026 b \\u003c 2"}'
    )
    assert applied_size({"name": "caf\u00e9"}) == len('{"name":"café"}'.encode())
    assert applied_size({"s": "\u2028"}) == len(b'{"s":"\\u2028"}')
    # keys YAML may give that are not strings are written as strings
    assert applied_size({1: True}) == len(json.dumps({1: True}, separators=(",", ":")))
