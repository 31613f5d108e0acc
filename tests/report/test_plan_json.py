"""`diff -o json`: the CONTRACT.md plan document, checked against schemas/plan.schema.json."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import jsonschema
import pytest

from kplan.plan.model import (
    ABSENT,
    CREATE,
    DELETE,
    Change,
    FieldChange,
    Finding,
    Location,
    ObjectId,
    Plan,
)
from kplan.report import plan_json, render_plan
from tests.paths import ROOT, SHARED
from tests.report.test_plan_samples import (
    IMAGE,
    MANIFESTS,
    SECRETS,
    boutique_plan,
    failing_plan,
)

SCHEMA = ROOT / "schemas" / "plan.schema.json"

# The example document of CONTRACT.md ("JSON: diff -o json"), as it is there (long lines
# wrapped).
CONTRACT_EXAMPLE = """
{
  "format_version": "1",
  "kubernetes_version": "1.33",
  "changes": [
    {"action": "update", "apiVersion": "apps/v1", "kind": "Deployment",
     "namespace": "shop", "name": "web",
     "fields": [{"path": "/spec/template/spec/containers/0/image",
                 "before": "web:1.0", "after": "web:1.1"}]}
  ],
  "scheduling": {
    "placements": [
      {"pod": "shop/web-6f9d8c7b5-x2k4p", "owner": "Deployment/shop/web", "replica": 0,
       "node": "worker-1", "message": null,
       "scores": {"worker-1": {"NodeResourcesFit": 63, "TaintToleration": 100, "total": 420}},
       "filtered": {"control-plane": [
         "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"]}}
    ]
  },
  "wiring": {
    "services": [
      {"service": "shop/web", "type": "ClusterIP", "clusterIP": "10.96.0.12",
       "endpoints": [{"pod": "shop/web-6f9d8c7b5-x2k4p", "name": "http", "port": 8080,
                      "protocol": "TCP", "ready": true}]}
    ],
    "env": {"shop/web-6f9d8c7b5-x2k4p": {"WEB_SERVICE_HOST": "10.96.0.12",
                                         "WEB_SERVICE_PORT": "80"}},
    "ingresses": [{"ingress": "shop/web", "rules": [{"host": "a.example", "path": "/",
                                                     "service": "shop/web", "port": 80}]}]
  },
  "rollouts": [
    {"workload": "Deployment/shop/web", "strategy": "RollingUpdate", "triggers_rollout": true,
     "maxSurge": 1, "maxUnavailable": 1,
     "steps": [{"new": 1, "old": 3}, {"new": 2, "old": 3}, {"new": 2, "old": 1},
               {"new": 4, "old": 1}, {"new": 4, "old": 0}]}
  ],
  "findings": [
    {"rule": "service-selects-nothing", "severity": "warning",
     "object": "Service/shop/web", "message": "...", "source": "deploy/web.yaml", "line": 3}
  ],
  "summary": {"create": 3, "update": 1, "replace": 0, "delete": 0, "unschedulable": 0}
}
"""


def _render(plan: Plan) -> str:
    stream = io.StringIO()
    render_plan(plan, "json", stream)
    return stream.getvalue()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{list(e.absolute_path)}: {e.message}" for e in found]


def _check(validator: jsonschema.Draft202012Validator, text: str) -> dict[str, Any]:
    document = json.loads(text)
    assert not _errors(validator, document)
    return document


def test_contract_example_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    assert not _errors(validator, json.loads(CONTRACT_EXAMPLE))


@pytest.mark.parametrize("build", [boutique_plan, failing_plan, lambda: Plan("1.30")])
def test_rendered_plans_are_valid(validator: jsonschema.Draft202012Validator, build: Any) -> None:
    _check(validator, _render(build()))


def test_document_shape_and_key_order(validator: jsonschema.Draft202012Validator) -> None:
    document = _check(validator, _render(boutique_plan()))
    assert list(document) == [
        "format_version",
        "kubernetes_version",
        "changes",
        "scheduling",
        "wiring",
        "rollouts",
        "findings",
        "summary",
    ]
    assert document["format_version"] == "1"
    assert document["kubernetes_version"] == "1.33"
    assert [change["action"] for change in document["changes"]] == [
        "create",
        "update",
        "update",
        "create",
        "replace",
        "delete",
        "delete",
    ]
    assert document["summary"] == {
        "create": 2,
        "update": 2,
        "replace": 1,
        "delete": 2,
        "unschedulable": 1,
    }


def test_update_lists_fields_and_leaves_absent_sides_out() -> None:
    frontend = plan_json.document(boutique_plan())["changes"][1]
    assert frontend == {
        "action": "update",
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": "default",
        "name": "frontend",
        "fields": [
            {"path": "/spec/replicas", "before": 3, "after": 1},
            {
                "path": "/spec/template/spec/containers/0/image",
                "before": f"{IMAGE}/frontend:v0.10.5",
                "after": f"{IMAGE}/frontend:v0.10.6",
            },
            {
                "path": "/spec/template/metadata/annotations/sidecar.istio.io~1inject",
                "before": "true",
            },
            {"path": "/spec/template/spec/containers/0/env/3", "after": {"name": "ENV_PLATFORM"}},
        ],
        "source": MANIFESTS,
        "line": 210,
    }


def test_null_is_a_value_absent_is_not() -> None:
    change = Change(
        "update",
        "v1",
        ObjectId("", "ConfigMap", "default", "c"),
        fields=[FieldChange("/data/a", None, "x"), FieldChange("/data/b", "y", ABSENT)],
    )
    fields = plan_json.document(Plan("1.33", [change]))["changes"][0]["fields"]
    assert fields == [
        {"path": "/data/a", "before": None, "after": "x"},
        {"path": "/data/b", "before": "y"},
    ]
    assert "source" not in plan_json.document(Plan("1.33", [change]))["changes"][0]


def test_create_carries_after_and_delete_before() -> None:
    changes = plan_json.document(boutique_plan())["changes"]
    adservice, legacy = changes[0], changes[5]
    assert adservice["after"]["spec"]["template"]["spec"]["containers"][0]["image"] == (
        f"{IMAGE}/adservice:v0.10.6"
    )
    assert "before" not in adservice and adservice["fields"] == []
    assert legacy["before"]["data"] == {"FEATURE_X": "on", "motd": "welcome\nto the\nshop\n"}
    assert "after" not in legacy
    assert (legacy["source"], legacy["line"]) == ("cluster/snapshot.yaml", 40)


def test_replace_lists_the_paths_that_force_it() -> None:
    cartservice = plan_json.document(boutique_plan())["changes"][4]
    assert cartservice["replace_paths"] == ["/spec/selector/matchLabels/app"]
    assert cartservice["fields"][0] == {
        "path": "/spec/selector/matchLabels/app",
        "before": "cart",
        "after": "cartservice",
        "forces_replace": True,
    }
    assert "forces_replace" not in cartservice["fields"][1]


def test_secret_values_are_masked_and_marked() -> None:
    document = plan_json.document(boutique_plan())
    payment, redis, old_token = (document["changes"][i] for i in (2, 3, 6))
    assert payment["fields"] == [
        {"path": "/data/api-key", "before": "***", "after": "***", "sensitive": True},
        {"path": "/stringData/webhook", "after": "***", "sensitive": True},
    ]
    assert redis["after"]["data"] == {"password": "***"}
    assert redis["after"]["type"] == "Opaque"
    assert old_token["before"]["data"] == {"token": "***"}
    annotations = old_token["before"]["metadata"]["annotations"]
    assert annotations == {"kubectl.kubernetes.io/last-applied-configuration": "***"}
    text = _render(boutique_plan())
    for secret in SECRETS:
        assert secret not in text


def test_masking_does_not_change_the_plan() -> None:
    plan = boutique_plan()
    before = copy.deepcopy(plan)
    _render(plan)
    assert plan == before


def test_a_sensitive_map_keeps_its_keys() -> None:
    change = Change(
        "update",
        "v1",
        ObjectId("", "Secret", "default", "s"),
        fields=[FieldChange("/data", ABSENT, {"user": "YWRtaW4=", "pass": "aHVudGVy"})],
    )
    fields = plan_json.document(Plan("1.33", [change]))["changes"][0]["fields"]
    assert fields == [{"path": "/data", "after": {"user": "***", "pass": "***"}, "sensitive": True}]


def test_a_field_marked_sensitive_outside_a_secret_is_masked() -> None:
    change = Change(
        "update",
        "example.com/v1",
        ObjectId("example.com", "Credential", "default", "c"),
        fields=[FieldChange("/spec/token", "old", "new", sensitive=True)],
    )
    fields = plan_json.document(Plan("1.33", [change]))["changes"][0]["fields"]
    assert fields == [{"path": "/spec/token", "before": "***", "after": "***", "sensitive": True}]


def test_cluster_scoped_namespace_and_missing_sections(
    validator: jsonschema.Draft202012Validator,
) -> None:
    document = _check(validator, _render(failing_plan()))
    assert "scheduling" not in document and "wiring" not in document
    assert "rollouts" not in document
    namespace = document["changes"][0]
    assert (namespace["kind"], namespace["namespace"], namespace["name"]) == (
        "Namespace",
        "",
        "boutique",
    )
    assert document["changes"][1]["action"] == "no-op"
    assert document["summary"]["unschedulable"] == 0


def test_input_errors_are_findings_listed_first() -> None:
    findings = plan_json.document(failing_plan())["findings"]
    assert [finding["rule"] for finding in findings] == [
        "yaml-syntax",
        "unknown-field",
        "pod-does-not-fit",
        "service-selects-nothing",
    ]
    assert findings[0] == {
        "rule": "yaml-syntax",
        "severity": "error",
        "object": "",
        "message": "YAML syntax error: mapping values are not allowed here",
        "source": "broken.yaml",
        "line": 4,
        "column": 5,
    }
    # No position: source and line are null, column and path left out.
    assert findings[3] == {
        "rule": "service-selects-nothing",
        "severity": "info",
        "object": "Service/default/frontend",
        "message": "no pods yet",
        "source": None,
        "line": None,
    }


def test_sections_pass_through_unchanged() -> None:
    plan = boutique_plan()
    document = plan_json.document(plan)
    assert document["scheduling"] == plan.scheduling
    assert document["wiring"] == plan.wiring
    assert document["rollouts"] == plan.rollouts
    empty = plan_json.document(Plan("1.33", scheduling={"placements": []}, rollouts=[]))
    assert empty["scheduling"] == {"placements": []} and empty["rollouts"] == []


def test_layout_is_line_per_change_and_byte_stable() -> None:
    text = _render(boutique_plan())
    assert text == _render(boutique_plan())
    assert text == plan_json.dumps(boutique_plan())
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")
    assert lines[1] == '  "format_version": "1",'
    assert lines[3] == '  "changes": ['
    assert lines[4].startswith('    {"action": "create", "apiVersion": "apps/v1"')
    assert len(lines) == 1 + 3 + 7 + 1 + 2 + 3 + 3 + 1 + 1
    assert lines[-2].startswith('  "summary": {"create": 2,')


def test_empty_plan() -> None:
    assert _render(Plan("1.30")) == (
        "{\n"
        '  "format_version": "1",\n'
        '  "kubernetes_version": "1.30",\n'
        '  "changes": [],\n'
        '  "findings": [],\n'
        '  "summary": {"create": 0, "update": 0, "replace": 0, "delete": 0, "unschedulable": 0}\n'
        "}\n"
    )


def test_non_ascii_and_undecodable_names() -> None:
    change = Change(
        CREATE,
        "v1",
        ObjectId("", "ConfigMap", "default", "grüße"),
        after={"data": {"motd": "✓"}},
    )
    bad = b"bad-\xff.yaml".decode("utf-8", "surrogateescape")
    plan = Plan("1.33", [change])
    plan.findings.append(Finding("rule-x", "warning", "", "m", Location(bad, 1)))
    text = _render(plan)
    text.encode("utf-8")  # no lone surrogate reaches the stream
    document = json.loads(text)
    assert document["changes"][0]["name"] == "grüße"
    assert document["findings"][0]["source"] == "bad-\udcff.yaml"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["changes"][0].pop("action"),
        lambda d: d["changes"][0].update(action="destroy"),
        lambda d: d["changes"][0].pop("after"),
        lambda d: d["changes"][5].pop("before"),
        lambda d: d["changes"][4].pop("replace_paths"),
        lambda d: d["changes"][1]["fields"].append({"path": "/spec/x"}),
        lambda d: d["changes"][1]["fields"].append({"path": "spec.x", "after": 1}),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"][0].pop("source"),
        lambda d: d["summary"].pop("unschedulable"),
        lambda d: d.update(format_version="2"),
        lambda d: d["scheduling"]["placements"][0].pop("node"),
    ],
)
def test_schema_is_strict_where_the_contract_is(
    validator: jsonschema.Draft202012Validator, mutate: Any
) -> None:
    document = plan_json.document(boutique_plan())
    document = json.loads(json.dumps(document))
    mutate(document)
    assert _errors(validator, document)


def test_schema_allows_additions(validator: jsonschema.Draft202012Validator) -> None:
    document = json.loads(_render(boutique_plan()))
    document["new_top_level"] = True
    document["changes"][0]["action_reason"] = "x"
    document["findings"][0]["hint"] = "y"
    document["summary"]["no-op"] = 0
    assert not _errors(validator, document)


def test_delete_without_a_recorded_object_is_left_to_the_schema() -> None:
    """A delete must carry `before`: a stage that loses it is caught by the schema."""
    change = Change(DELETE, "v1", ObjectId("", "ConfigMap", "default", "c"))
    assert "before" not in plan_json.document(Plan("1.33", [change]))["changes"][0]


def test_contract_example_is_the_contracts() -> None:
    """The copy above is the document CONTRACT.md shows (when the contract is at hand)."""
    contract = SHARED / "CONTRACT.md"
    if not contract.is_file():
        pytest.skip("CONTRACT.md is not beside this checkout")
    section = contract.read_text(encoding="utf-8").split("## JSON: `diff -o json`", 1)[1]
    example = section.split("```json", 1)[1].split("```", 1)[0]
    assert json.loads(example) == json.loads(CONTRACT_EXAMPLE)
