"""CustomResourceDefinition (apiextensions.k8s.io/v1) -> JSON Schema for its custom resources.

A CRD version's `schema.openAPIV3Schema` is a structural schema in an OpenAPI v3 subset with
Kubernetes extensions that JSON-schema engines ignore. The conversion makes each of them mean
what kube-apiserver makes it mean:

- `x-kubernetes-int-or-string: true` -> integer or string (kubebuilder's accompanying
  `anyOf: [{type: integer}, {type: string}]` is dropped: it would report the same error twice).
- `x-kubernetes-preserve-unknown-fields: true` -> unknown fields allowed at that node, also in
  strict mode (the apiserver keeps them instead of pruning them).
- `nullable: true` -> null allowed. A non-nullable field that is not required also accepts
  null: the apiserver prunes such nulls before validating. A required one does not, and kplan
  reports the null as `Required value`, as the apiserver does after pruning.
- `x-kubernetes-embedded-resource: true` -> apiVersion, kind and metadata (an ObjectMeta) are
  allowed there.
- strict mode -> `additionalProperties: false` on every object node unless it preserves
  unknown fields or has `additionalProperties`: the apiserver prunes fields that the schema
  does not specify, and strict field validation (kubectl's default) reports them instead.
- OpenAPI v3's boolean `exclusiveMinimum`/`exclusiveMaximum` -> 2020-12 numeric form.
- `x-kubernetes-list-type: set` -> `uniqueItems` (the apiserver rejects duplicates).
- the root's `metadata` is the built-in ObjectMeta, `apiVersion`/`kind` are strings: the
  apiserver validates those itself whatever the CRD says.

Dropped: annotations (description, default, example, ...), `format` (unknown formats are
ignored, as in kubeconform), and `x-kubernetes-validations` (CEL rules are not evaluated).
A schema the apiserver would refuse yields FieldProblems pointing into the CRD; conversion
never raises on bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from kplan.diagnostics import ERROR, WARNING, FieldProblem
from kplan.schema.engines import DEFINITIONS_URI, DIALECT, pointer, python_pattern

CRD_API_VERSION = "apiextensions.k8s.io/v1"
OBJECT_META = f"{DEFINITIONS_URI}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_TYPES = ("object", "array", "string", "integer", "number", "boolean")
_NUMBER_KEYWORDS = ("minimum", "maximum", "multipleOf")
_COUNT_KEYWORDS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
)
_KEPT_EXTENSIONS = ("x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type")
_FORBIDDEN = {
    "$ref": "$ref is not supported in CustomResourceDefinition schemas",
    "patternProperties": "patternProperties is not supported",
    "definitions": "definitions is not supported",
    "additionalItems": "additionalItems is not supported",
    "dependencies": "dependencies is not supported",
}


@dataclass
class CustomVersion:
    """One version of a custom resource kind as a CRD declares it."""

    api_version: str
    kind: str
    crd_name: str
    served: bool
    schema: dict[str, Any]
    deprecated: bool = False
    deprecation_warning: str | None = None
    problems: list[FieldProblem] = field(default_factory=list)


@dataclass
class _Context:
    strict: bool
    problems: list[FieldProblem]

    def error(self, tokens: list[str | int], message: str) -> None:
        self.problems.append(FieldProblem(pointer(tokens), message, ERROR))

    def warning(self, tokens: list[str | int], message: str) -> None:
        self.problems.append(FieldProblem(pointer(tokens), message, WARNING))


def read_crd(crd: Any, *, strict: bool) -> tuple[list[CustomVersion], list[FieldProblem]]:
    """The versions a CRD body defines, with their converted schemas, and what was wrong."""
    problems: list[FieldProblem] = []
    context = _Context(strict, problems)
    if not isinstance(crd, dict):
        context.error([], "a CustomResourceDefinition must be an object")
        return [], problems
    api_version = crd.get("apiVersion", CRD_API_VERSION)
    if api_version != CRD_API_VERSION:
        context.error(
            ["apiVersion"],
            f"only {CRD_API_VERSION} CustomResourceDefinitions define custom resources "
            f"(got {api_version!r}); its custom resources are not registered",
        )
        return [], problems
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        context.error(["spec"], "Required value")
        return [], problems
    group = spec.get("group")
    names = spec.get("names")
    kind = names.get("kind") if isinstance(names, dict) else None
    versions = spec.get("versions")
    if not isinstance(group, str) or not group:
        context.error(["spec", "group"], "Required value")
    if not isinstance(kind, str) or not kind:
        context.error(["spec", "names", "kind"], "Required value")
    if not isinstance(versions, list) or not versions:
        context.error(["spec", "versions"], "Required value: must have at least one version")
    if problems:
        return [], problems
    assert isinstance(group, str) and isinstance(kind, str) and isinstance(versions, list)
    metadata = crd.get("metadata")
    crd_name = metadata.get("name") if isinstance(metadata, dict) else None
    crd_name = crd_name if isinstance(crd_name, str) and crd_name else f"{kind}.{group}"

    found: list[CustomVersion] = []
    for index, version in enumerate(versions):
        base: list[str | int] = ["spec", "versions", index]
        if not isinstance(version, dict) or not isinstance(version.get("name"), str):
            context.error([*base, "name"], "Required value")
            continue
        name = version["name"]
        schema_holder = version.get("schema")
        raw = schema_holder.get("openAPIV3Schema") if isinstance(schema_holder, dict) else None
        tokens: list[str | int] = [*base, "schema", "openAPIV3Schema"]
        if raw is None:
            context.error(tokens, "Required value: apiextensions.k8s.io/v1 needs a schema")
            raw = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        before = len(problems)
        schema = convert_root(raw, tokens, context, identity=(group, name, kind))
        warning = version.get("deprecationWarning")
        found.append(
            CustomVersion(
                api_version=f"{group}/{name}",
                kind=kind,
                crd_name=crd_name,
                served=version.get("served") is True,
                schema=schema,
                deprecated=version.get("deprecated") is True,
                deprecation_warning=warning if isinstance(warning, str) else None,
                problems=problems[before:],
            )
        )
    return found, problems


def convert_root(
    raw: Any, tokens: list[str | int], context: _Context, *, identity: tuple[str, str, str]
) -> dict[str, Any]:
    """The JSON Schema (2020-12) for whole custom resources of one CRD version."""
    if not isinstance(raw, dict):
        context.error(tokens, "must be an object")
        raw = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    if raw.get("type") not in (None, "object"):
        context.error([*tokens, "type"], 'Unsupported value: the root must be of type "object"')
    schema = _convert(raw, tokens, context, prunable=False, inner=False)
    schema["type"] = "object"
    properties = schema.setdefault("properties", {})
    properties["apiVersion"] = {"type": "string"}
    properties["kind"] = {"type": "string"}
    properties["metadata"] = {"$ref": OBJECT_META}
    group, version, kind = identity
    schema["$id"] = "https://kplan.invalid/crd/" + "/".join(
        quote(part, safe="") for part in (group, version, kind)
    )
    schema["$schema"] = DIALECT
    return schema


def _convert(
    node: Any, tokens: list[str | int], context: _Context, *, prunable: bool, inner: bool
) -> dict[str, Any]:
    """One schema node. `inner`: inside allOf/anyOf/oneOf/not, where only value validations
    live (no pruning, no strictness). `prunable`: an optional, non-required object field."""
    if not isinstance(node, dict):
        context.error(tokens, "must be an object")
        return {}
    out: dict[str, Any] = {}
    types = _types(node, tokens, context)
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    embedded = node.get("x-kubernetes-embedded-resource") is True
    null_ok = not inner and (node.get("nullable") is True or prunable)
    if types:
        out["type"] = [*types, "null"] if null_ok else (types[0] if len(types) == 1 else types)

    for key in _FORBIDDEN:
        if key in node:
            context.error([*tokens, key], f"Forbidden: {_FORBIDDEN[key]}")
    _value_keywords(node, tokens, context, out, null_ok)

    required = node.get("required")
    required_names = set(required) if isinstance(required, list) else set()
    properties = node.get("properties")
    if properties is not None:
        if isinstance(properties, dict):
            out["properties"] = {
                name: _convert(
                    sub,
                    [*tokens, "properties", name],
                    context,
                    prunable=not inner and name not in required_names,
                    inner=inner,
                )
                for name, sub in properties.items()
            }
        else:
            context.error([*tokens, "properties"], "must be an object")
    additional = node.get("additionalProperties")
    if isinstance(additional, bool):
        out["additionalProperties"] = additional
    elif additional is not None:
        out["additionalProperties"] = _convert(
            additional, [*tokens, "additionalProperties"], context, prunable=False, inner=inner
        )
    items = node.get("items")
    if isinstance(items, dict):
        out["items"] = _convert(items, [*tokens, "items"], context, prunable=False, inner=inner)
    elif items is not None:
        context.error([*tokens, "items"], "must be a single schema")

    for combinator in ("allOf", "anyOf", "oneOf"):
        branches = node.get(combinator)
        if branches is None:
            continue
        if not isinstance(branches, list) or not branches:
            context.error([*tokens, combinator], "must be a non-empty list of schemas")
            continue
        if int_or_string and _only_int_or_string(branches):
            continue
        out[combinator] = [
            _convert(branch, [*tokens, combinator, i], context, prunable=False, inner=True)
            for i, branch in enumerate(branches)
        ]
    if "not" in node:
        out["not"] = _convert(node["not"], [*tokens, "not"], context, prunable=False, inner=True)

    if node.get("x-kubernetes-list-type") == "set" and "array" in types:
        out["uniqueItems"] = True
    for key in _KEPT_EXTENSIONS:
        if key in node:
            out[key] = node[key]
    if embedded and not inner:
        properties_out = out.setdefault("properties", {})
        properties_out.setdefault("apiVersion", {"type": "string"})
        properties_out.setdefault("kind", {"type": "string"})
        properties_out["metadata"] = {"$ref": OBJECT_META}
    is_object = "object" in types or "properties" in out
    if context.strict and not inner and is_object and not preserve and additional is None:
        out["additionalProperties"] = False
    return out


def _types(node: dict[str, Any], tokens: list[str | int], context: _Context) -> list[str]:
    if node.get("x-kubernetes-int-or-string") is True:
        return ["integer", "string"]
    declared = node.get("type")
    if declared is None:
        return []
    if declared in _TYPES:
        return [declared]
    context.error(
        [*tokens, "type"],
        f"Unsupported value: {declared!r}: supported values: "
        + ", ".join(f'"{t}"' for t in _TYPES),
    )
    return []


def _value_keywords(
    node: dict[str, Any],
    tokens: list[str | int],
    context: _Context,
    out: dict[str, Any],
    null_ok: bool,
) -> None:
    """Copy the value validations whose arguments make sense; report the others."""
    for key in _NUMBER_KEYWORDS:
        value = node.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            context.error([*tokens, key], "must be a number")
        elif key == "multipleOf" and value <= 0:
            context.error([*tokens, key], "must be greater than 0")
        else:
            out[key] = value
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(exclusive)
        if value is True and bound in out:
            out[exclusive] = out.pop(bound)
        elif value not in (None, True, False):
            context.error([*tokens, exclusive], "must be a boolean")
    for key in _COUNT_KEYWORDS:
        value = node.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            context.error([*tokens, key], "must be a non-negative integer")
        else:
            out[key] = value
    enum = node.get("enum")
    if enum is not None:
        if isinstance(enum, list) and enum:
            out["enum"] = [*enum, None] if null_ok and None not in enum else list(enum)
        else:
            context.error([*tokens, "enum"], "must be a non-empty list")
    required = node.get("required")
    if required is not None:
        if isinstance(required, list) and all(isinstance(name, str) for name in required):
            out["required"] = list(dict.fromkeys(required))
        else:
            context.error([*tokens, "required"], "must be a list of field names")
    pattern = node.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str):
            context.error([*tokens, "pattern"], "must be a string")
        elif _compiles(pattern):
            out["pattern"] = pattern
        else:
            context.warning(
                [*tokens, "pattern"],
                f"pattern {pattern!r} uses regular-expression syntax kplan cannot evaluate; "
                "not checked",
            )
    if node.get("uniqueItems") is True:
        context.error(
            [*tokens, "uniqueItems"],
            "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes "
            "quadratic",
        )


def _compiles(pattern: str) -> bool:
    try:
        re.compile(python_pattern(pattern))
    except (re.error, RecursionError, OverflowError):
        return False
    return True


def _only_int_or_string(branches: list[Any]) -> bool:
    declared = set()
    for branch in branches:
        if not isinstance(branch, dict) or set(branch) != {"type"}:
            return False
        declared.add(branch["type"])
    return declared <= {"integer", "string"}
