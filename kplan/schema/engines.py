"""Two JSON-schema engines behind one interface, reporting in kplan's own words.

"fast" is jsonschema-rs (Rust, ~150x the objects/s of python-jsonschema on Kubernetes
schemas); "reference" is python-jsonschema, the reference implementation, kept so any
verdict of the fast engine can be cross-checked. Both compile the same schemas and their raw
errors are rewritten into the same (JSON Pointer, message) pairs, close to what
kube-apiserver and kubectl print: `unknown field "spec.replicaz"` at the unknown field itself,
`Required value` at the missing field (both engines report these at the parent), `expected
integer, got string`, `Unsupported value: "x": supported values: "apps/v1"`. The engine
libraries are imported only when an engine is built, so `import kplan.schema` stays cheap.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol
from urllib.parse import unquote

from kplan.diagnostics import FieldProblem
from kplan.resource import json_pointer_escape

FAST = "fast"
REFERENCE = "reference"
ENGINES = (FAST, REFERENCE)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Where the built-in definitions live for $ref purposes. A reserved TLD: nothing is fetched.
DEFINITIONS_URI = "https://kplan.invalid/kubernetes/definitions.json"

# Deeper bodies are refused before validation: python-jsonschema recurses a few Python frames
# per level (RecursionError near 300 levels of a recursive schema with the default limit), and
# jsonschema-rs one Rust stack frame per level (measured: the whole process aborts near 20,000
# levels). Real manifests stay far below; Go's encoding/json itself stops at 10,000.
MAX_DEPTH = 256
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels: too deep to validate"

# Patterns kplan adds for formats that kube-apiserver enforces by decoding (see catalog.py).
# Written with [0-9], not \d: Python and Rust both let \d match non-ASCII digits; Go does not.
RFC3339_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]"
    r":[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
# Go's base64.StdEncoding (what encoding/json uses for []byte): padded, \r and \n ignored.
_B64 = r"[A-Za-z0-9+/][\r\n]*"
BASE64_PATTERN = rf"^[\r\n]*(?:(?:{_B64}){{4}})*(?:(?:{_B64}){{2}}(?:=[\r\n]*=|{_B64}=)[\r\n]*)?$"
_PATTERN_MESSAGES = {
    RFC3339_PATTERN: 'must be an RFC 3339 date-time, e.g. "2006-01-02T15:04:05Z"',
    BASE64_PATTERN: "must be base64-encoded (standard alphabet, with = padding)",
}

_TYPE_ORDER = ("string", "integer", "number", "boolean", "object", "array")


class SchemaCompileError(Exception):
    """A schema the engine refuses to compile (only possible for converted CRD schemas)."""


# --- message wording shared by both engines ------------------------------------------------


def json_type(value: Any) -> str:
    """The JSON type name of a plain Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def pointer(tokens: Sequence[str | int]) -> str:
    """RFC 6901 pointer of an instance path ("" is the root)."""
    return "".join("/" + json_pointer_escape(str(token)) for token in tokens)


def dotted(tokens: Sequence[str | int]) -> str:
    """kubectl's field path: `spec.containers[0].name`."""
    out = ""
    for token in tokens:
        if isinstance(token, int):
            out += f"[{token}]"
        else:
            out += f".{token}" if out else token
    return out


def _quote(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        value = int(value)
    return str(value)


def _type_message(expected: Iterable[str], instance: Any, tokens: Sequence[str | int]) -> str:
    expected = set(expected)
    if instance is None and "null" not in expected and tokens and isinstance(tokens[-1], str):
        # kube-apiserver decodes an explicit null as the zero value and then says the field
        # is required: only required fields have non-nullable types in the OpenAPI.
        return "Required value"
    allowed = [name for name in _TYPE_ORDER if name in expected] or sorted(expected)
    return f"expected {' or '.join(allowed)}, got {json_type(instance)}"


def _range_message(keyword: str, node: dict[str, Any] | None, limit: Any) -> str:
    node = node if isinstance(node, dict) else {}
    low, high = node.get("minimum"), node.get("maximum")
    if keyword in ("minimum", "maximum") and low is not None and high is not None:
        return f"must be between {_number(low)} and {_number(high)}"
    words = {
        "minimum": "greater than or equal to",
        "maximum": "less than or equal to",
        "exclusiveMinimum": "greater than",
        "exclusiveMaximum": "less than",
    }[keyword]
    return f"must be {words} {_number(node.get(keyword, limit))}"


def _canonical(value: Any) -> Any:
    """JSON equality as JSON Schema defines it (1 == 1.0, true != 1)."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", int(value) if isinstance(value, float) and value.is_integer() else value)
    if isinstance(value, list):
        return ("a", tuple(_canonical(item) for item in value))
    if isinstance(value, dict):
        return ("o", tuple(sorted((key, _canonical(item)) for key, item in value.items())))
    return ("s", value)


def _duplicate(instance: Any, tokens: list[str | int]) -> tuple[str, str]:
    if isinstance(instance, list):
        seen = set()
        for index, item in enumerate(instance):
            key = _canonical(item)
            if key in seen:
                return pointer([*tokens, index]), f"Duplicate value: {_quote(item)}"
            seen.add(key)
    return pointer(tokens), "must not contain duplicate items"


def render(
    keyword: str,
    tokens: list[str | int],
    instance: Any,
    *,
    types: Iterable[str] = (),
    names: Iterable[str] = (),
    options: Sequence[Any] = (),
    node: dict[str, Any] | None = None,
    limit: Any = None,
    pattern: str = "",
) -> Iterator[tuple[str, str]]:
    """(pointer, message) pairs for one raw engine error, identical for both engines."""
    if keyword == "type":
        yield pointer(tokens), _type_message(types, instance, tokens)
    elif keyword == "required":
        for name in names:
            yield pointer([*tokens, name]), "Required value"
    elif keyword == "additionalProperties":
        for name in names:
            yield pointer([*tokens, name]), f'unknown field "{dotted([*tokens, name])}"'
    elif keyword == "enum":
        # CRD fields that accept null (pruned by the apiserver) carry null in their enum.
        shown = [option for option in options if option is not None] or list(options)
        supported = ", ".join(_quote(option) for option in shown)
        yield (
            pointer(tokens),
            f"Unsupported value: {_quote(instance)}: supported values: {supported}",
        )
    elif keyword == "const":
        yield pointer(tokens), f"Unsupported value: {_quote(instance)}: must be {_quote(limit)}"
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        yield pointer(tokens), _range_message(keyword, node, limit)
    elif keyword == "pattern":
        message = (
            _PATTERN_MESSAGES.get(pattern) or f"must match the regular expression {_quote(pattern)}"
        )
        yield pointer(tokens), message
    elif keyword == "uniqueItems":
        yield _duplicate(instance, tokens)
    else:
        yield pointer(tokens), _other_message(keyword, limit)


def _other_message(keyword: str, limit: Any) -> str:
    counted = {
        "minLength": ("must be at least {} character{} long", limit),
        "maxLength": ("must be at most {} character{} long", limit),
        "minItems": ("must have at least {} item{}", limit),
        "maxItems": ("must have at most {} item{}", limit),
        "minProperties": ("must have at least {} field{}", limit),
        "maxProperties": ("must have at most {} field{}", limit),
    }
    if keyword in counted:
        text, count = counted[keyword]
        return text.format(_number(count), "" if count == 1 else "s")
    if keyword == "multipleOf":
        return f"must be a multiple of {_number(limit)}"
    return {
        "anyOf": "must validate at least one schema (anyOf)",
        "oneOf": "must validate one and only one schema (oneOf): matches none",
        "oneOfMultiple": "must validate one and only one schema (oneOf): matches more than one",
        "not": "must not validate the schema (not)",
        "false": "field not allowed",
    }.get(keyword, f"failed {keyword} validation")


def finish(pairs: Iterable[tuple[str, str]]) -> list[FieldProblem]:
    """Deduplicated and sorted by (path, message): the same list from either engine."""
    return [FieldProblem(path, message) for path, message in sorted(set(pairs))]


# --- depth guard ---------------------------------------------------------------------------


def too_deep(value: Any, limit: int = MAX_DEPTH) -> str | None:
    """Pointer of the first container nested deeper than `limit`, or None (the usual case).

    Walks level by level with comprehensions: about twice as fast as a per-node stack, which
    matters because it visits every node of every object (CRD bodies have ~100,000).
    """
    if not isinstance(value, (dict, list)):
        return None
    level = [value]
    for _ in range(limit):
        following: list[Any] = []
        extend = following.extend
        for node in level:
            children = node.values() if node.__class__ is dict else node
            extend([child for child in children if child.__class__ in _CONTAINERS])
        if not following:
            return None
        level = following
    return first_too_deep(value, limit)


_CONTAINERS = frozenset((dict, list))


def first_too_deep(value: Any, limit: int = MAX_DEPTH) -> str:
    """Pointer of the first (depth-first, in document order) container deeper than `limit`."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, tokens = stack.pop()
        if len(tokens) >= limit:
            return pointer(tokens)
        items = node.items() if node.__class__ is dict else enumerate(node)
        for key, child in reversed(list(items)):
            if child.__class__ in _CONTAINERS:
                stack.append((child, (*tokens, key)))
    return ""


# --- pattern dialects ----------------------------------------------------------------------

_python_patterns: dict[str, str] = {}  # rewritten -> original, for messages


_INLINE_FLAGS = re.compile(r"\(\?([a-zA-Z]+(?:-[a-zA-Z]+)?)\)")


def python_pattern(pattern: str) -> str:
    """The same regular expression for Python's `re`.

    Go (kube-apiserver), Rust and ECMA-262 differ from `re` in two ways CRDs use: `$` is the
    end of the text (`re`: also before a final newline), and an inline flag group such as
    `(?i)` may appear mid-pattern and applies to the rest of its group (`re` only accepts
    global flags at the start). So `$` becomes `\\Z`, `\\z` becomes `\\Z`, and `(?i)rest` becomes
    `(?i:rest)` closed where its group closes.
    """
    out: list[str] = []
    scoped = [0]  # per open group: scoped-flag groups to close when it closes
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            following = pattern[index + 1]
            out.append("\\Z" if following == "z" and not in_class else char + following)
            index += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
            index += 1
            continue
        if char == "[":
            in_class = True
            start = index + 2 if pattern[index + 1 : index + 2] == "^" else index + 1
            if pattern[start : start + 1] == "]":
                start += 1  # a leading ] is a literal member of the class
            out.append(pattern[index:start])
            index = start
            continue
        if char == "(":
            flags = _INLINE_FLAGS.match(pattern, index)
            if flags is not None:
                out.append(f"(?{flags.group(1)}:")
                scoped[-1] += 1
                index = flags.end()
                continue
            scoped.append(0)
        elif char == ")" and len(scoped) > 1:
            out.append(")" * scoped.pop())
        elif char == "$":
            char = "\\Z"
        out.append(char)
        index += 1
    out.append(")" * scoped[0])
    rewritten = "".join(out)
    _python_patterns[rewritten] = pattern
    return rewritten


def _with_python_patterns(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                out[key] = python_pattern(value)
            elif key in ("properties", "$defs", "patternProperties") and isinstance(value, dict):
                out[key] = {name: _with_python_patterns(sub) for name, sub in value.items()}
            elif key in ("enum", "const", "required", "x-kubernetes-group-version-kind"):
                out[key] = value
            else:
                out[key] = _with_python_patterns(value)
        return out
    if isinstance(node, list):
        return [_with_python_patterns(item) for item in node]
    return node


def _resolve(documents: dict[str, Any], location: str | None) -> dict[str, Any] | None:
    """The schema object holding the keyword at an absolute keyword location URI."""
    if not location or "#" not in location:
        return None
    base, _, fragment = location.partition("#")
    node = documents.get(base)
    tokens = [
        unquote(token).replace("~1", "/").replace("~0", "~") for token in fragment.split("/")[1:]
    ]
    for token in tokens[:-1]:
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node if isinstance(node, dict) else None


# --- engines -------------------------------------------------------------------------------


class Definitions(Protocol):
    """The built-in definitions of one Kubernetes version and mode, transformed on demand."""

    def closure(self, names: Iterable[str]) -> dict[str, Any]:
        """The named definitions and every definition they reach through $ref."""
        ...

    def everything(self) -> dict[str, Any]:
        """All definitions."""
        ...


_DEFINITION_PREFIXES = ("#/$defs/", DEFINITIONS_URI + "#/$defs/")


def referenced_definitions(node: Any) -> set[str]:
    """Names of the built-in definitions a schema $refs (relative or absolute)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                for prefix in _DEFINITION_PREFIXES:
                    if ref.startswith(prefix):
                        found.add(ref[len(prefix) :])
            for key, value in current.items():
                if isinstance(value, (dict, list)) and key not in ("enum", "const"):
                    stack.append(value)
        elif isinstance(current, list):
            stack.extend(item for item in current if isinstance(item, (dict, list)))
    return found


def definitions_document(definitions: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": DEFINITIONS_URI, "$defs": definitions}


class CompiledSchema:
    """One compiled root schema; `check` returns the finished problems, sorted."""

    def check(self, instance: Any) -> list[FieldProblem]:  # pragma: no cover - interface
        raise NotImplementedError


class Engine:
    """Compiles root schemas that may $ref into the built-in definitions by absolute URI."""

    name = ""

    def compile(self, root: dict[str, Any]) -> CompiledSchema:  # pragma: no cover
        raise NotImplementedError

    def too_deep(self, instance: Any) -> str | None:
        """The depth guard: pointer of the first container deeper than MAX_DEPTH, or None."""
        return too_deep(instance)


class FastEngine(Engine):
    """jsonschema-rs. Each root gets a registry holding only the definitions it reaches
    (115 of 707 for a Deployment): cheaper than registering every definition when a
    pre-commit run validates one or two kinds."""

    name = FAST

    def __init__(self, definitions: Definitions) -> None:
        import jsonschema_rs

        self._lib = jsonschema_rs
        self._definitions = definitions
        self._depth = _depth_validator(jsonschema_rs)

    def too_deep(self, instance: Any) -> str | None:
        """The same verdict as the Python walk, but the walk runs in Rust: a schema of
        MAX_DEPTH + 1 levels that allows no container at the last one. jsonschema-rs converts
        the object iteratively only up to its own recursion limit and raises ValueError past
        it; either way the pointer then comes from the Python walk."""
        try:
            if self._depth.is_valid(instance):
                return None
        except ValueError:
            pass
        return first_too_deep(instance)

    def compile(self, root: dict[str, Any]) -> CompiledSchema:
        document = definitions_document(self._definitions.closure(referenced_definitions(root)))
        lib = self._lib
        try:
            registry = lib.Registry([(DEFINITIONS_URI, document)])
            validator = lib.validator_for(root, registry=registry, validate_formats=False)
        except (ValueError, lib.ValidationError, lib.ReferencingError) as error:
            raise SchemaCompileError(str(error)) from None
        documents = {DEFINITIONS_URI: document}
        root_id = root.get("$id")
        if isinstance(root_id, str):
            documents[root_id] = root
        return _FastSchema(validator, documents, lib.ValidationErrorKind)


@functools.cache
def _depth_validator(lib: Any) -> Any:
    levels: dict[str, Any] = {}
    for depth in range(1, MAX_DEPTH + 1):
        deeper = {"$ref": f"#/$defs/{depth + 1}"}
        levels[str(depth)] = {"items": deeper, "additionalProperties": deeper}
    levels[str(MAX_DEPTH + 1)] = {"type": ["string", "number", "boolean", "null"]}
    return lib.validator_for({"$defs": levels, "$ref": "#/$defs/1"}, validate_formats=False)


class _FastSchema(CompiledSchema):
    def __init__(self, validator: Any, documents: dict[str, Any], kinds: Any) -> None:
        self._validator = validator
        self._documents = documents
        self._multiple = kinds.OneOfMultipleValid

    def check(self, instance: Any) -> list[FieldProblem]:
        try:
            if self._validator.is_valid(instance):
                return []
            errors = list(self._validator.iter_errors(instance))
        except ValueError as error:
            # jsonschema-rs takes plain JSON values only (e.g. no datetime from a YAML
            # timestamp); the loader guarantees that, so this is a caller's bug, not input's.
            return [FieldProblem("", f"cannot validate: {error}")]
        pairs: list[tuple[str, str]] = []
        for error in errors:
            pairs.extend(self._render(error))
        return finish(pairs)

    def _render(self, error: Any) -> Iterator[tuple[str, str]]:
        kind = error.kind
        keyword = kind.name
        tokens = list(error.instance_path)
        instance = error.instance
        if keyword == "type":
            return render(keyword, tokens, instance, types=kind.types)
        if keyword == "required":
            return render(keyword, tokens, instance, names=[kind.property])
        if keyword == "additionalProperties":
            return render(keyword, tokens, instance, names=kind.unexpected)
        if keyword == "enum":
            return render(keyword, tokens, instance, options=kind.options)
        if keyword == "const":
            return render(keyword, tokens, instance, limit=kind.expected_value)
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            node = _resolve(self._documents, error.absolute_keyword_location)
            return render(keyword, tokens, instance, node=node, limit=kind.limit)
        if keyword == "pattern":
            return render(keyword, tokens, instance, pattern=kind.pattern)
        if keyword == "multipleOf":
            return render(keyword, tokens, instance, limit=kind.multiple_of)
        if keyword == "oneOf" and isinstance(kind, self._multiple):
            keyword = "oneOfMultiple"
        elif keyword == "falseSchema":
            keyword = "false"
        return render(keyword, tokens, instance, limit=getattr(kind, "limit", None))


class ReferenceEngine(Engine):
    """python-jsonschema Draft 2020-12 with a `referencing` registry."""

    name = REFERENCE

    def __init__(self, definitions: Definitions) -> None:
        import jsonschema
        import referencing
        from referencing.jsonschema import DRAFT202012

        self._lib = jsonschema
        document = _with_python_patterns(definitions_document(definitions.everything()))
        self._registry = referencing.Registry().with_resource(
            DEFINITIONS_URI, DRAFT202012.create_resource(document)
        )

    def compile(self, root: dict[str, Any]) -> CompiledSchema:
        # No check_schema(): it costs ~0.7 s for a large CRD (prometheus-operator's), and the
        # roots kplan builds are well-formed by construction (crd.py checks every keyword).
        validator = self._lib.Draft202012Validator(
            _with_python_patterns(root), registry=self._registry
        )
        return _ReferenceSchema(validator)


class _ReferenceSchema(CompiledSchema):
    def __init__(self, validator: Any) -> None:
        self._validator = validator

    def check(self, instance: Any) -> list[FieldProblem]:
        # The guard lets through MAX_DEPTH levels, ~3 frames each in recursive schemas (CRD
        # objects): make sure that many frames are available, with a wide margin.
        needed = MAX_DEPTH * 12 + 1000
        previous = sys.getrecursionlimit()
        if previous < needed:
            sys.setrecursionlimit(needed)
        try:
            pairs: list[tuple[str, str]] = []
            for error in self._validator.iter_errors(instance):
                pairs.extend(_render_reference(error))
        finally:
            if previous < needed:
                sys.setrecursionlimit(previous)
        return finish(pairs)


def _render_reference(error: Any) -> Iterator[tuple[str, str]]:
    keyword = error.validator
    value = error.validator_value
    tokens = list(error.absolute_path)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "type":
        return render(keyword, tokens, instance, types=[value] if isinstance(value, str) else value)
    if keyword == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return render(keyword, tokens, instance, names=missing)
    if keyword == "additionalProperties":
        return render(keyword, tokens, instance, names=_extras(instance, schema))
    if keyword == "enum":
        return render(keyword, tokens, instance, options=value)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return render(keyword, tokens, instance, node=schema, limit=value)
    if keyword == "pattern":
        return render(keyword, tokens, instance, pattern=_python_patterns.get(value, value))
    if keyword == "oneOf" and not error.context:
        keyword = "oneOfMultiple"
    elif keyword is None:
        keyword = "false"
    return render(keyword, tokens, instance, limit=value)


def _extras(instance: Any, schema: dict[str, Any]) -> list[str]:
    if not isinstance(instance, dict):
        return []
    known = schema.get("properties") or {}
    patterns = list(schema.get("patternProperties") or {})
    return [
        name
        for name in instance
        if name not in known and not any(re.search(p, name) for p in patterns)
    ]


def make_engine(name: str, definitions: Definitions) -> Engine:
    """An engine whose roots may $ref `DEFINITIONS_URI#/$defs/<name>`."""
    if name == FAST:
        return FastEngine(definitions)
    if name == REFERENCE:
        return ReferenceEngine(definitions)
    raise ValueError(f"unknown schema engine {name!r}: expected one of {', '.join(ENGINES)}")
