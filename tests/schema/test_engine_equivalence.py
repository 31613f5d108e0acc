"""Both engines give the same verdicts and the same (path, message) lists.

Run on every object of the shared corpus (its v1 CRDs registered first), in strict and
non-strict mode, and on hand-made invalid variants covering each kind of error.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import pytest

from kplan.schema import Catalog

from .corpus import corpus_crds, corpus_objects
from .test_crd import GOOD_WIDGET, widget_crd
from .test_deep import nested_list

COMBO_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "combos.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Combo", "plural": "combos"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
                                "anyOf": [{"required": ["c"]}, {"required": ["d"]}],
                                "not": {"required": ["forbidden"]},
                                "allOf": [
                                    {"properties": {"a": {"minLength": 3}}},
                                    {"properties": {"a": {"maxLength": 1}}},
                                ],
                                "properties": {
                                    name: {"type": "string"}
                                    for name in ("a", "b", "c", "d", "forbidden")
                                }
                                | {
                                    "n": {
                                        "type": "number",
                                        "multipleOf": 0.5,
                                        "minimum": 0,
                                        "exclusiveMinimum": True,
                                    },
                                    "m": {
                                        "type": "object",
                                        "minProperties": 1,
                                        "maxProperties": 2,
                                        "additionalProperties": {"type": "integer"},
                                    },
                                    "l": {
                                        "type": "array",
                                        "minItems": 2,
                                        "items": {"type": "integer", "enum": [1, 2]},
                                    },
                                },
                            }
                        },
                    }
                },
            }
        ],
    },
}


def _combo(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Combo", "metadata": {"name": "c"}} | {
        "spec": spec
    }


Outcome = tuple[str, list[tuple[str, str, str]], list[tuple[str, str]] | None]


def outcome(
    catalog: Catalog, obj: dict[str, Any], as_kind: tuple[str, str] | None = None
) -> Outcome:
    """What kplan says about `obj`, validated as its own kind or as `as_kind`."""
    found = catalog.lookup(*(as_kind or (obj["apiVersion"], obj["kind"])))
    problems = [(p.path, p.severity, p.message) for p in found.problems]
    if found.validator is None:
        return found.status, problems, None
    return found.status, problems, [(p.path, p.message) for p in found.validator.errors(obj)]


@functools.cache
def catalogs(strict: bool) -> dict[str, Catalog]:
    made = {}
    for engine in ("fast", "reference"):
        catalog = Catalog("1.33", strict=strict, engine=engine)
        for crd in [*corpus_crds(), widget_crd(), COMBO_CRD]:
            catalog.add_crd(crd)
        made[engine] = catalog
    return made


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "loose"])
def test_whole_corpus(strict: bool) -> None:
    objects = corpus_objects()
    assert len(objects) >= 850
    both = catalogs(strict)
    statuses: dict[str, int] = {}
    invalid = 0
    for source, obj in objects:
        fast = outcome(both["fast"], obj)
        reference = outcome(both["reference"], obj)
        assert fast == reference, f"{source}: {obj['kind']} {obj.get('metadata', {})}"
        statuses[fast[0]] = statuses.get(fast[0], 0) + 1
        invalid += bool(fast[2])
    assert statuses["builtin"] > 700 and statuses["custom"] >= 20 and statuses["removed"] >= 20
    assert 0 < invalid < 20  # a few real mistakes in old examples; most objects are valid


def _corpus(kind: str, name: str | None = None) -> dict[str, Any]:
    for _, obj in corpus_objects():
        if obj["kind"] == kind and (name is None or obj["metadata"].get("name") == name):
            return copy.deepcopy(obj)
    pytest.skip(f"no {kind} {name or ''} in the corpus")


def _deployment() -> dict[str, Any]:
    obj = _corpus("Deployment")
    obj["spec"]["template"]["spec"]["containers"][0].setdefault("ports", [{"containerPort": 80}])
    return obj


def _container(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]["containers"][0]


def _set(obj: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    node: Any = obj
    *parents, last = [int(t) if t.isdigit() else t for t in path.strip("/").split("/")]
    for token in parents:
        node = node[token]
    node[last] = value
    return obj


def _widget(**spec: Any) -> dict[str, Any]:
    obj = copy.deepcopy(GOOD_WIDGET)
    obj["spec"].update(spec)
    return obj


def _without(obj: dict[str, Any], path: str) -> dict[str, Any]:
    node: Any = obj
    *parents, last = [int(t) if t.isdigit() else t for t in path.strip("/").split("/")]
    for token in parents:
        node = node[token]
    del node[last]
    return obj


VARIANTS: dict[str, Callable[[], dict[str, Any]]] = {
    "replicas-string": lambda: _set(_deployment(), "spec/replicas", "3"),
    "replicas-float": lambda: _set(_deployment(), "spec/replicas", 2.5),
    "unknown-spec-field": lambda: _set(_deployment(), "spec/replicaz", 3),
    "unknown-root-field": lambda: _set(_deployment(), "sepc", {}),
    "unknown-metadata-field": lambda: _set(_deployment(), "metadata/lables", {"a": "b"}),
    "unknown-container-field": lambda: _set(
        _deployment(), "spec/template/spec/containers/0/imagePullPolcy", "Always"
    ),
    "unknown-port-field": lambda: _set(
        _deployment(), "spec/template/spec/containers/0/ports/0/hostPorts", 1
    ),
    "missing-container-name": lambda: _without(
        _deployment(), "spec/template/spec/containers/0/name"
    ),
    "null-container-name": lambda: _set(
        _deployment(), "spec/template/spec/containers/0/name", None
    ),
    "missing-selector": lambda: _without(_deployment(), "spec/selector"),
    "null-int-or-string": lambda: _set(
        _deployment(), "spec/strategy", {"rollingUpdate": {"maxSurge": None, "maxUnavailable": 0}}
    ),
    "float-int-or-string": lambda: _set(
        _deployment(), "spec/strategy", {"rollingUpdate": {"maxSurge": 0.5}}
    ),
    "enum-api-version": lambda: _set(_deployment(), "apiVersion", "apps/v1beta2"),
    "enum-kind": lambda: _set(_deployment(), "kind", "Deploy"),
    "int32-overflow": lambda: _set(
        _deployment(), "spec/template/spec/containers/0/ports/0/containerPort", 2**31
    ),
    "int64-overflow": lambda: _set(
        _deployment(), "spec/template/spec/terminationGracePeriodSeconds", -(2**63) - 1
    ),
    "label-number": lambda: _set(_deployment(), "metadata/labels", {"version": 2}),
    "env-boolean": lambda: _set(
        _deployment(), "spec/template/spec/containers/0/env", [{"name": "DEBUG", "value": True}]
    ),
    "quantity-boolean": lambda: _set(
        _deployment(), "spec/template/spec/containers/0/resources", {"limits": {"cpu": False}}
    ),
    "containers-object": lambda: _set(_deployment(), "spec/template/spec/containers", {}),
    "metadata-string": lambda: _set(_deployment(), "metadata", "web"),
    "bad-timestamp": lambda: _set(_deployment(), "metadata/creationTimestamp", "now"),
    "service-port-string": lambda: _set(_corpus("Service"), "spec/ports/0/port", "80"),
    "configmap-number": lambda: _set(_corpus("ConfigMap"), "data", {"a": 1, "b": None}),
    "secret-not-base64": lambda: _set(_corpus("Secret"), "data", {"password": "hunter2!"}),
    "deep-configmap": lambda: _set(_corpus("ConfigMap"), "data", {"a": nested_list(5_000)}),
    "cr-unknown-and-types": lambda: _set(
        _set(_corpus("ServiceMonitor"), "spec/endpoints/0/targetPort", 1.5),
        "spec/endpoints/0/portt",
        "web",
    ),
    "cr-pattern": lambda: _set(_corpus("ServiceMonitor"), "spec/endpoints/0/interval", "30 s"),
    "cr-missing-required": lambda: _without(_corpus("PrometheusRule"), "spec/groups/0/name"),
    "cr-enum-set-range": lambda: _widget(mode="Slow", tags=["a", "a"], size=0, port=[1]),
    "cr-required-null": lambda: _widget(size=None),
    "cr-strict-nested": lambda: _set(_widget(), "spec/inner/extra", 1),
    "cr-metadata": lambda: _set(_widget(), "metadata/name", ["w"]),
    "cr-deep": lambda: _widget(raw={"x": nested_list(5_000)}),
    "cr-combinators-many": lambda: _combo(a="xx", b="y", forbidden="z", n=0.3, m={}, l=[3]),
    "cr-combinators-none": lambda: _combo(c="x", n=0, m={"a": 1, "b": 2, "c": "x"}),
    "removed-api": lambda: _set(_deployment(), "apiVersion", "extensions/v1beta1"),
}

VALID_VARIANTS = {"null-int-or-string"}
# Validated with the apps/v1 Deployment schema whatever the object says, so that the schema's
# apiVersion/kind enums are what rejects it.
AS_DEPLOYMENT = {"enum-api-version", "enum-kind"}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_invalid_variants(name: str) -> None:
    obj = VARIANTS[name]()
    as_kind = ("apps/v1", "Deployment") if name in AS_DEPLOYMENT else None
    fast = outcome(catalogs(True)["fast"], obj, as_kind)
    reference = outcome(catalogs(True)["reference"], obj, as_kind)
    assert fast == reference
    status, problems, errors = fast
    if name in VALID_VARIANTS:
        assert errors == [] and not problems
    else:
        assert errors or any(severity == "error" for _, severity, _ in problems), fast


def test_there_are_enough_variants() -> None:
    assert len(VARIANTS) - len(VALID_VARIANTS) >= 20
