"""`kplan validate`: loaded resources -> schema verdicts, as the API server would give them.

The stages: register CRDs (from --crd and from the input), look every resource's schema up for
the target Kubernetes version, run the schema and the checks the schema cannot express, then
give every problem its file position. Pure function of its inputs: no printing, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kplan.diagnostics import ERROR, WARNING, FieldProblem
from kplan.k8s.scope import crd_scope, group_of, is_cluster_scoped
from kplan.load import Loaded
from kplan.resource import Resource
from kplan.results import INVALID, SKIPPED, VALID, ResourceReport, ValidationReport

CRD_API_VERSION = "apiextensions.k8s.io/v1"


@dataclass(frozen=True)
class ValidateOptions:
    kubernetes_version: str
    strict: bool = True
    reject_unknown: bool = False
    namespace: str = "default"
    engine: str = "fast"
    # `diff` reports objects defined twice as a plan warning instead.
    check_duplicates: bool = True


def validate(
    loaded: Loaded, options: ValidateOptions, extra_crds: Sequence[Resource] = ()
) -> ValidationReport:
    from kplan.schema import Catalog  # jsonschema engines are imported only when validating

    catalog = Catalog(options.kubernetes_version, strict=options.strict, engine=options.engine)
    crd_problems: dict[int, list[FieldProblem]] = {}
    crd_scopes: dict[tuple[str, str], str] = {}
    for resource in [*extra_crds, *loaded.resources]:
        if resource.kind == "CustomResourceDefinition" and resource.api_version == CRD_API_VERSION:
            crd_problems[id(resource)] = catalog.add_crd(resource.body)
            scope = crd_scope(resource.body)
            if scope is not None:
                crd_scopes[scope[0]] = scope[1]

    report = ValidationReport(kubernetes_version=options.kubernetes_version)
    report.errors.extend(p for p in loaded.problems if p.severity == ERROR)
    report.warnings.extend(p for p in loaded.problems if p.severity != ERROR)
    seen: dict[tuple[str, str, str, str], Resource] = {}
    for resource in loaded.resources:
        namespace = _effective_namespace(resource, options.namespace, crd_scopes)
        entry = _check_resource(resource, namespace, catalog, options)
        for problem in crd_problems.get(id(resource), []):
            (entry.errors if problem.severity == ERROR else entry.warnings).append(problem)
        if options.check_duplicates:
            _check_duplicate(resource, namespace, seen, entry)
        _finish(entry)
        report.resources.append(entry)
    return report


def collect_crd_scopes(resources: Sequence[Resource]) -> dict[tuple[str, str], str]:
    """(group, kind) -> "Namespaced" | "Cluster" for every CRD among `resources`."""
    scopes: dict[tuple[str, str], str] = {}
    for resource in resources:
        if resource.kind == "CustomResourceDefinition" and resource.api_version == CRD_API_VERSION:
            scope = crd_scope(resource.body)
            if scope is not None:
                scopes[scope[0]] = scope[1]
    return scopes


def _effective_namespace(
    resource: Resource, default: str, crd_scopes: dict[tuple[str, str], str]
) -> str:
    if is_cluster_scoped(resource.api_version, resource.kind, crd_scopes):
        return ""
    return resource.namespace or default


def _check_resource(
    resource: Resource, namespace: str, catalog: object, options: ValidateOptions
) -> ResourceReport:
    from kplan.schema.apiserver import check_object

    entry = ResourceReport(resource=resource, namespace=namespace)
    lookup = catalog.lookup(resource.api_version, resource.kind)  # type: ignore[attr-defined]
    for problem in lookup.problems:
        (entry.errors if problem.severity == ERROR else entry.warnings).append(problem)
    if lookup.status == "unknown":
        message = (
            f"no schema for {resource.kind} in {resource.api_version}: not a built-in kind of "
            f"Kubernetes {options.kubernetes_version}, and no CustomResourceDefinition for it "
            "was given (pass it with --crd or in the input)"
        )
        if options.reject_unknown:
            entry.errors.append(FieldProblem("/kind", message))
        else:
            entry.warnings.append(FieldProblem("/kind", message + "; skipped", WARNING))
            entry.status = SKIPPED
        return entry
    if lookup.validator is not None:
        entry.errors.extend(_with_hints(lookup.validator.errors(resource.body)))
    if lookup.status == "builtin":
        for problem in check_object(resource.body, kubernetes_version=options.kubernetes_version):
            (entry.errors if problem.severity == ERROR else entry.warnings).append(problem)
    return entry


_BOOLEAN_HINT = (
    " (Kubernetes reads unquoted yes/no/on/off/y/n/true/false as booleans: quote the value)"
)
_NUMBER_HINT = " (an unquoted number is a number: quote it to make it a string)"


def _with_hints(problems: list[FieldProblem]) -> list[FieldProblem]:
    """kubectl's 'cannot unmarshal bool into ... string' is the YAML 1.1 trap; say how to fix."""
    hinted = []
    for problem in problems:
        message = problem.message
        if message.startswith("expected string") and message.endswith("got boolean"):
            message += _BOOLEAN_HINT
        elif message.startswith("expected string") and (
            message.endswith("got integer") or message.endswith("got number")
        ):
            message += _NUMBER_HINT
        hinted.append(FieldProblem(problem.path, message, problem.severity))
    return hinted


def _check_duplicate(
    resource: Resource,
    namespace: str,
    seen: dict[tuple[str, str, str, str], Resource],
    entry: ResourceReport,
) -> None:
    """The same object twice in one input: the second apply silently wins in a cluster."""
    if not resource.name:
        return
    identity = (group_of(resource.api_version), resource.kind, namespace, resource.name)
    first = seen.get(identity)
    if first is None:
        seen[identity] = resource
        return
    where = f"{first.origin.source}:{first.origin.line}"
    message = f"duplicate object: {resource.kind} {resource.name!r} is already defined at {where}"
    entry.errors.append(FieldProblem("/metadata/name", message))


def _finish(entry: ResourceReport) -> None:
    """Positions for every problem, a stable order, and the verdict."""
    resource = entry.resource
    entry.errors = _placed(resource, entry.errors)
    entry.warnings = _placed(resource, entry.warnings)
    if entry.errors:
        entry.status = INVALID
    elif entry.status != SKIPPED:
        entry.status = VALID


def _placed(resource: Resource, problems: list[FieldProblem]) -> list[FieldProblem]:
    placed = []
    unique = set()
    for problem in problems:
        key = (problem.path, problem.message)
        if key in unique:
            continue
        unique.add(key)
        if problem.line is None:
            on_key = problem.message.startswith("unknown field")
            line, column = resource.locate(problem.path, key=on_key)
            problem = problem.at(line, column)
        placed.append(problem)
    placed.sort(key=lambda p: (p.line or 0, p.column or 0, p.path, p.message))
    return placed
