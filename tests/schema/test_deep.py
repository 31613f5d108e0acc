"""Deeply nested bodies: one FieldProblem, never a RecursionError or a crash of the Rust engine.

Measured: python-jsonschema runs out of frames near 300 levels of a recursive schema, and
jsonschema-rs aborts the whole process (stack overflow) near 20,000 levels of one.
"""

from __future__ import annotations

from typing import Any

import pytest

from kplan.schema import Catalog
from kplan.schema.engines import MAX_DEPTH, TOO_DEEP, first_too_deep, too_deep

ENGINES = ("fast", "reference")


def nested_list(depth: int) -> list[Any]:
    root: list[Any] = []
    current = root
    for _ in range(depth - 1):
        child: list[Any] = []
        current.append(child)
        current = child
    return root


def nested_schema(depth: int) -> dict[str, Any]:
    """An openAPIV3Schema with `depth` levels of properties (JSONSchemaProps recursion)."""
    root: dict[str, Any] = {"type": "object"}
    current = root
    for _ in range(depth):
        child: dict[str, Any] = {"type": "object"}
        current["properties"] = {"a": child}
        current = child
    return root


def deep_pointer(prefix: str) -> str:
    """Where the guard reports a list nested from `prefix`: the first level past MAX_DEPTH."""
    levels = MAX_DEPTH - prefix.count("/")
    return prefix + "/0" * levels


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("depth", [5_000, 50_000])
def test_deep_list_in_configmap_data(engine: str, depth: int) -> None:
    validator = Catalog("1.33", engine=engine).lookup("v1", "ConfigMap").validator
    assert validator is not None
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    obj["data"] = {"key": nested_list(depth)}
    [problem] = validator.errors(obj)
    assert problem.message == TOO_DEEP
    assert problem.path == deep_pointer("/data/key")


@pytest.mark.parametrize("engine", ENGINES)
def test_deep_value_in_a_preserve_unknown_fields_custom_resource(engine: str) -> None:
    cat = Catalog("1.33", engine=engine)
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "blobs.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Blob", "plural": "blobs"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": True,
                        }
                    },
                }
            ],
        },
    }
    assert cat.add_crd(crd) == []
    validator = cat.lookup("example.com/v1", "Blob").validator
    assert validator is not None
    obj = {"apiVersion": "example.com/v1", "kind": "Blob", "metadata": {"name": "b"}}
    assert validator.errors({**obj, "spec": {"x": nested_list(200)}}) == []
    obj["spec"] = {"x": nested_list(5_000)}
    [problem] = validator.errors(obj)
    assert (problem.path, problem.message) == (deep_pointer("/spec/x"), TOO_DEEP)


@pytest.mark.parametrize("engine", ENGINES)
def test_deep_crd_schema_object(engine: str) -> None:
    """A CRD object is validated against JSONSchemaProps, a recursive schema."""
    validator = (
        Catalog("1.33", engine=engine)
        .lookup("apiextensions.k8s.io/v1", "CustomResourceDefinition")
        .validator
    )
    assert validator is not None

    def crd(depth: int) -> dict[str, Any]:
        version = {"name": "v1", "served": True, "storage": True}
        version["schema"] = {"openAPIV3Schema": nested_schema(depth)}
        return {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "deep.example.com"},
            "spec": {
                "group": "example.com",
                "names": {"kind": "Deep", "plural": "deep"},
                "scope": "Namespaced",
                "versions": [version],
            },
        }

    assert validator.errors(crd(100)) == []  # 100 schema levels are 200+ JSON levels
    [problem] = validator.errors(crd(2_500))
    assert problem.message == TOO_DEEP
    assert problem.path.startswith("/spec/versions/0/schema/openAPIV3Schema/properties/a/")


def test_guard_limits() -> None:
    assert too_deep({"a": nested_list(MAX_DEPTH - 1)}) is None
    assert too_deep({"a": nested_list(MAX_DEPTH)}) == "/a" + "/0" * (MAX_DEPTH - 1)
    assert too_deep("scalar") is None
    assert too_deep([]) is None
    assert first_too_deep({"a": {"b": 1}, "c": [[[]]]}, 3) == "/c/0/0"
    assert first_too_deep({"x~/y": [[{}]]}, 2) == "/x~0~1y/0"
