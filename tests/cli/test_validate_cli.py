"""`kplan validate` end to end: exit codes, outputs and bad input per CONTRACT.md."""

from __future__ import annotations

import json
import os

from tests.cli.run import kplan
from tests.paths import FIXTURES

BAD_ENV = b"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: web:1.0
          env:
            - name: DEBUG
              value: yes
"""


def test_bundled_fixtures_are_valid() -> None:
    result = kplan("validate", str(FIXTURES / "manifests"))
    assert result.code == 0, result.stdout + result.stderr
    assert "valid" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_document_follows_the_contract() -> None:
    result = kplan("validate", "-o", "json", str(FIXTURES / "examples" / "guestbook"))
    document = json.loads(result.stdout)
    assert document["format_version"] == "1"
    assert document["summary"] == {
        "resources": 6,
        "valid": 6,
        "invalid": 0,
        "skipped": 0,
        "errors": 0,
    }
    first = document["resources"][0]
    assert first["source"].endswith("frontend-deployment.yaml")
    assert (first["kind"], first["name"], first["namespace"], first["status"]) == (
        "Deployment",
        "frontend",
        "default",
        "valid",
    )


def test_yes_in_an_env_value_is_an_error_at_its_line() -> None:
    """kubectl: `json: cannot unmarshal bool into Go struct field EnvVar...value of type
    string` (YAML 1.1 booleans, reliability notes §2.4)."""
    result = kplan("validate", "-o", "json", "-", stdin=BAD_ENV)
    assert result.code == 1
    (resource,) = json.loads(result.stdout)["resources"]
    assert resource["status"] == "invalid"
    (error,) = resource["errors"]
    assert error["path"] == "/spec/template/spec/containers/0/env/0/value"
    assert (error["line"], error["column"]) == (17, 22)
    assert "boolean" in error["message"] and "quote" in error["message"]
    assert resource["source"] == "<stdin>"


def test_strict_by_default_and_no_strict_relaxes() -> None:
    manifest = BAD_ENV.replace(b"value: yes", b'value: "yes"').replace(
        b"  selector:", b"  replica: 3\n  selector:"
    )
    strict = kplan("validate", "-o", "json", "-", stdin=manifest)
    assert strict.code == 1
    (error,) = json.loads(strict.stdout)["resources"][0]["errors"]
    assert error["path"] == "/spec/replica"
    assert (error["line"], error["column"]) == (6, 3)
    assert kplan("validate", "--no-strict", "-", stdin=manifest).code == 0


def test_other_files_are_still_checked_after_a_broken_one(tmp_path) -> None:
    (tmp_path / "a-broken.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\n  bad: [\n")
    (tmp_path / "b-good.yaml").write_bytes(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n"
    )
    result = kplan("validate", "-o", "json", str(tmp_path))
    assert result.code == 1
    document = json.loads(result.stdout)
    assert [r["name"] for r in document["resources"]] == ["ok"]
    (error,) = document["errors"]
    assert error["source"].endswith("a-broken.yaml") and error["line"] == 3
    assert "Traceback" not in result.stderr


def test_text_output_names_file_line_column(tmp_path) -> None:
    path = tmp_path / "web.yaml"
    path.write_bytes(BAD_ENV)
    result = kplan("validate", str(path), env={**os.environ, "NO_COLOR": "1"})
    assert result.code == 1
    assert f"{path}:17:22" in result.stdout
    assert "\x1b[" not in result.stdout


def test_usage_errors_exit_3_without_traceback(tmp_path) -> None:
    missing = kplan("validate", str(tmp_path / "nope.yaml"))
    assert missing.code == 3 and "no such file" in missing.stderr
    bad_version = kplan("validate", "--kubernetes-version", "1.9", str(FIXTURES))
    assert bad_version.code == 3 and "1.9" in bad_version.stderr
    bad_option = kplan("validate", "--frobnicate", str(FIXTURES))
    assert bad_option.code == 3
    for result in (missing, bad_version, bad_option):
        assert "Traceback" not in result.stderr


def test_removed_api_is_an_error_naming_the_replacement() -> None:
    ingress = b"""\
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {serviceName: web, servicePort: 80}
"""
    result = kplan("validate", "-o", "json", "--kubernetes-version", "1.29", "-", stdin=ingress)
    assert result.code == 1
    (error,) = json.loads(result.stdout)["resources"][0]["errors"]
    assert "networking.k8s.io/v1" in error["message"]


def test_unknown_custom_resource_is_skipped_or_rejected() -> None:
    custom = b"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n"
    skipped = kplan("validate", "-o", "json", "-", stdin=custom)
    assert skipped.code == 0
    resource = json.loads(skipped.stdout)["resources"][0]
    assert resource["status"] == "skipped" and resource["warnings"]
    rejected = kplan("validate", "--reject-unknown", "-", stdin=custom)
    assert rejected.code == 1


def test_custom_resource_validated_against_crd_in_the_input() -> None:
    crd = b"""\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {size: big}
"""
    result = kplan("validate", "-o", "json", "-", stdin=crd)
    assert result.code == 1
    widget = json.loads(result.stdout)["resources"][1]
    assert widget["status"] == "invalid"
    assert [e["path"] for e in widget["errors"]] == ["/spec/size"]
    assert (widget["errors"][0]["line"], widget["errors"][0]["column"]) == (24, 14)
