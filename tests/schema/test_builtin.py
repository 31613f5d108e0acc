"""Built-in kinds: strict mode, the load-time schema fixes, and kplan's error wording.

Every case runs on both engines; the wording is kplan's own, close to kube-apiserver's
(`unknown field "spec.replicaz"`, `Required value`), and identical for both engines.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kplan.diagnostics import ERROR
from kplan.schema import Catalog, Lookup

ENGINES = ("fast", "reference")

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "web:1.0",
                        "ports": [{"containerPort": 8080}],
                        "resources": {"limits": {"cpu": "500m", "memory": 268435456}},
                    }
                ]
            },
        },
    },
}


def lookup(api_version: str, kind: str, *, engine: str, strict: bool = True) -> Lookup:
    return Catalog("1.33", strict=strict, engine=engine).lookup(api_version, kind)


def errors(obj: dict[str, Any], *, engine: str, strict: bool = True) -> list[tuple[str, str]]:
    found = lookup(obj["apiVersion"], obj["kind"], engine=engine, strict=strict)
    assert found.validator is not None
    problems = found.validator.errors(obj)
    assert all(problem.severity == ERROR for problem in problems)
    return [(problem.path, problem.message) for problem in problems]


def deployment(**changes: Any) -> dict[str, Any]:
    """A copy of DEPLOYMENT with `a__b__0__c=value` set (None deletes unless keep_none)."""
    obj = copy.deepcopy(DEPLOYMENT)
    for dotted, value in changes.items():
        *parents, last = [int(t) if t.isdigit() else t for t in dotted.split("__")]
        node: Any = obj
        for token in parents:
            node = node[token]
        node[last] = value
    return obj


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_valid_deployment(engine: str) -> None:
    assert errors(DEPLOYMENT, engine=engine) == []


def test_lookup_of_builtin(engine: str) -> None:
    found = lookup("apps/v1", "Deployment", engine=engine)
    assert found.status == "builtin" and found.problems == []


def test_strict_reports_unknown_fields_at_the_field(engine: str) -> None:
    obj = deployment(spec__replicaz=3)
    obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    obj["metadata"]["lables"] = {}
    assert errors(obj, engine=engine) == [
        ("/metadata/lables", 'unknown field "metadata.lables"'),
        ("/spec/replicaz", 'unknown field "spec.replicaz"'),
        (
            "/spec/template/spec/containers/0/imagePullPolcy",
            'unknown field "spec.template.spec.containers[0].imagePullPolcy"',
        ),
    ]
    assert errors(obj, engine=engine, strict=False) == []


def test_unknown_root_field(engine: str) -> None:
    obj = deployment(sepc={})
    assert errors(obj, engine=engine) == [("/sepc", 'unknown field "sepc"')]


def test_free_form_fields_stay_open_in_strict_mode(engine: str) -> None:
    """RawExtension-like and map fields have no properties: no additionalProperties: false."""
    crd_like = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x", "annotations": {"any.key/here": "v"}},
        "data": {"whatever": "x"},
    }
    assert errors(crd_like, engine=engine) == []


def test_type_errors_name_json_types(engine: str) -> None:
    obj = deployment(spec__replicas="3")
    obj["metadata"]["labels"]["tier"] = True
    obj["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "80"
    assert errors(obj, engine=engine) == [
        ("/metadata/labels/tier", "expected string, got boolean"),
        ("/spec/replicas", "expected integer, got string"),
        ("/spec/template/spec/containers/0/ports/0/containerPort", "expected integer, got string"),
    ]


def test_missing_required_is_reported_at_the_missing_field(engine: str) -> None:
    obj = deployment()
    del obj["spec"]["selector"]
    del obj["spec"]["template"]["spec"]["containers"][0]["name"]
    assert errors(obj, engine=engine) == [
        ("/spec/selector", "Required value"),
        ("/spec/template/spec/containers/0/name", "Required value"),
    ]


def test_explicit_null_of_a_required_field_is_required_value(engine: str) -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["name"] = None
    assert errors(obj, engine=engine) == [
        ("/spec/template/spec/containers/0/name", "Required value")
    ]


def test_null_optional_fields_are_accepted(engine: str) -> None:
    obj = deployment(spec__replicas=None)
    obj["metadata"]["creationTimestamp"] = None
    assert errors(obj, engine=engine) == []


@pytest.mark.parametrize("field", ["maxSurge", "maxUnavailable"])
def test_int_or_string_accepts_null(engine: str, field: str) -> None:
    """oneOf [string|null, integer|null] rejects null (valid under both branches)."""
    obj = deployment(**{f"spec__strategy__rollingUpdate__{field}": None})
    assert errors(obj, engine=engine) == []


def test_int_or_string_rejects_other_types(engine: str) -> None:
    obj = deployment(spec__strategy__rollingUpdate__maxSurge=1.5)
    obj["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = True
    assert errors(obj, engine=engine) == [
        ("/spec/strategy/rollingUpdate/maxSurge", "expected string or integer, got number"),
        ("/spec/strategy/rollingUpdate/maxUnavailable", "expected string or integer, got boolean"),
    ]


def test_quantity_accepts_null_and_numbers_but_not_booleans(engine: str) -> None:
    obj = deployment()
    limits = obj["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
    limits.update({"cpu": None, "memory": 0.5, "nvidia.com/gpu": True})
    assert errors(obj, engine=engine) == [
        (
            "/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu",
            "expected string or number, got boolean",
        )
    ]


@pytest.mark.parametrize(
    ("value", "ok"),
    [(2**31 - 1, True), (2**31, False), (-(2**31), True), (-(2**31) - 1, False), (2**70, False)],
)
def test_int32_range(engine: str, value: int, ok: bool) -> None:
    obj = deployment(spec__replicas=value)
    expected = [] if ok else [("/spec/replicas", "must be between -2147483648 and 2147483647")]
    assert errors(obj, engine=engine) == expected


def test_int64_range(engine: str) -> None:
    obj = deployment(spec__template__spec__terminationGracePeriodSeconds=2**63)
    obj["spec"]["template"]["spec"]["activeDeadlineSeconds"] = 2**63 - 1
    assert errors(obj, engine=engine) == [
        (
            "/spec/template/spec/terminationGracePeriodSeconds",
            "must be between -9223372036854775808 and 9223372036854775807",
        )
    ]


def test_apiversion_and_kind_enums(engine: str) -> None:
    """The only enums in the OpenAPI (field values such as imagePullPolicy have none)."""
    found = lookup("apps/v1", "Deployment", engine=engine)
    assert found.validator is not None
    wrong = deployment(apiVersion="apps/v2", kind="Deploy")
    assert [(p.path, p.message) for p in found.validator.errors(wrong)] == [
        ("/apiVersion", 'Unsupported value: "apps/v2": supported values: "apps/v1"'),
        ("/kind", 'Unsupported value: "Deploy": supported values: "Deployment"'),
    ]


def test_date_time_must_be_rfc3339(engine: str) -> None:
    obj = deployment()
    obj["metadata"]["creationTimestamp"] = "2024-05-01T10:00:00Z"
    assert errors(obj, engine=engine) == []
    for bad in ("yesterday", "2024-05-01", "2024-05-01 10:00:00Z", "2024-05-01T10:00:00Z\n"):
        obj["metadata"]["creationTimestamp"] = bad
        assert errors(obj, engine=engine) == [
            (
                "/metadata/creationTimestamp",
                'must be an RFC 3339 date-time, e.g. "2006-01-02T15:04:05Z"',
            )
        ], bad


def test_secret_data_must_be_base64(engine: str) -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"ok": "aGVsbG8=", "wrapped": "aGVs\nbG8=", "empty": "", "plain": "hello!"},
        "stringData": {"plain": "hello!"},
    }
    assert errors(secret, engine=engine) == [
        ("/data/plain", "must be base64-encoded (standard alphabet, with = padding)")
    ]


def test_problems_are_sorted_and_unique(engine: str) -> None:
    obj = deployment(spec__replicas="x", spec__zzz=1, spec__aaa=2)
    obj["spec"]["template"]["spec"]["containers"].append({"image": 5})
    found = errors(obj, engine=engine)
    assert found == sorted(set(found))
    assert ("/spec/template/spec/containers/1/image", "expected string, got integer") in found
    assert ("/spec/template/spec/containers/1/name", "Required value") in found


def test_validators_are_compiled_once_and_shared() -> None:
    first = Catalog("1.33").lookup("apps/v1", "Deployment").validator
    second = Catalog("1.33").lookup("apps/v1", "Deployment").validator
    assert first is not None and first is second
    assert Catalog("1.33", strict=False).lookup("apps/v1", "Deployment").validator is not first
    assert Catalog("1.32").lookup("apps/v1", "Deployment").validator is not first


def test_unknown_kind(engine: str) -> None:
    found = lookup("example.com/v1", "Widget", engine=engine)
    assert (found.status, found.validator, found.problems) == ("unknown", None, [])
    assert lookup("apps/v1", "Deploymnet", engine=engine).status == "unknown"
