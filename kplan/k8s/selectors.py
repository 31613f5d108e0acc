"""Selector objects as Kubernetes evaluates them: LabelSelectors, the per-kind empty-vs-null
rules, and node selectors (required node affinity).

- `label_selector_to_selector` is k8s.io/apimachinery pkg/apis/meta/v1/helpers.go
  LabelSelectorAsSelector: nil is labels.Nothing(), `{}` is labels.Everything(), matchLabels
  become `=` requirements, matchExpressions take only In, NotIn, Exists and DoesNotExist, and
  every requirement goes through NewRequirement (kplan.k8s.labels.new_requirement).
- `selects_all` / `selects_nothing` / `object_pod_selector` apply each kind's documented rule
  for an empty or missing selector (Service, NetworkPolicy, PodDisruptionBudget, workloads).
- `node_selector_matches` and friends are k8s.io/component-helpers
  scheduling/corev1/nodeaffinity: terms are ORed, a term's requirements ANDed, an empty term
  matches nothing, Gt/Lt compare integers, matchFields knows `metadata.name` (In/NotIn, one
  value), and a term that does not parse counts as not matching (LazyErrorNodeSelector).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kplan.k8s.labels import (
    DOES_NOT_EXIST,
    EQUALS,
    EVERYTHING,
    EXISTS,
    GREATER,
    IN,
    LESS,
    NOT_IN,
    NOTHING,
    Requirement,
    Selector,
    SelectorError,
    new_requirement,
    selector_from_set,
)
from kplan.k8s.validation import is_label_key, is_valid_label_value

__all__ = [
    "NodeSelectorError",
    "SelectorError",
    "is_valid_label",
    "label_errors",
    "label_selector_is_empty",
    "label_selector_matches",
    "label_selector_to_selector",
    "node_selector_errors",
    "node_selector_matches",
    "node_selector_requirement_matches",
    "node_selector_requirements_as_selector",
    "node_selector_term_matches",
    "object_pod_selector",
    "pod_matches_node_selector_and_affinity",
    "preferred_node_affinity_score",
    "selects_all",
    "selects_nothing",
]

_LABEL_SELECTOR_OPERATORS = {
    "In": IN,
    "NotIn": NOT_IN,
    "Exists": EXISTS,
    "DoesNotExist": DOES_NOT_EXIST,
}
_NODE_SELECTOR_OPERATORS = {**_LABEL_SELECTOR_OPERATORS, "Gt": GREATER, "Lt": LESS}
_NODE_FIELD_NAME = "metadata.name"


class NodeSelectorError(SelectorError):
    """A node selector term that does not parse (bad operator, key, value or value count)."""


# -- LabelSelector ---------------------------------------------------------------------------


def label_selector_to_selector(selector: Mapping[str, Any] | None) -> Selector:
    """LabelSelectorAsSelector: None is Nothing, `{}` is Everything; SelectorError otherwise
    with the first problem (the conversion stops at the first bad requirement upstream too)."""
    if selector is None:
        return NOTHING
    if not isinstance(selector, Mapping):
        raise SelectorError("a label selector must be a map")
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not isinstance(match_labels, Mapping) or not isinstance(expressions, list):
        raise SelectorError("matchLabels must be a map and matchExpressions a list")
    if not match_labels and not expressions:
        return EVERYTHING
    requirements: list[Requirement] = []
    for key in sorted(match_labels, key=str):
        requirements.append(new_requirement(key, EQUALS, [_as_value(match_labels[key])]))
    for expression in expressions:
        if not isinstance(expression, Mapping):
            raise SelectorError("a matchExpressions item must be a map")
        operator = expression.get("operator")
        if not isinstance(operator, str) or operator not in _LABEL_SELECTOR_OPERATORS:
            raise SelectorError(f'"{operator}" is not a valid label selector operator')
        values = expression.get("values") or []
        if not isinstance(values, list):
            raise SelectorError("values must be a list")
        key = expression.get("key")
        if not isinstance(key, str):
            raise SelectorError(f"invalid label key {key!r}")
        requirements.append(
            new_requirement(
                key, _LABEL_SELECTOR_OPERATORS[operator], [_as_value(v) for v in values]
            )
        )
    return EVERYTHING.add(*requirements)


def _as_value(value: object) -> str:
    if not isinstance(value, str):
        raise SelectorError(f"invalid label value {value!r}: must be a string")
    return value


def label_selector_is_empty(selector: Mapping[str, object]) -> bool:
    """No matchLabels and no matchExpressions: it selects everything (labels.Everything)."""
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def label_selector_matches(
    selector: Mapping[str, object] | None, labels: Mapping[str, object] | None
) -> bool:
    """True when `labels` satisfy the LabelSelector; None matches nothing, `{}` everything.
    SelectorError when the selector does not convert."""
    return label_selector_to_selector(selector).matches(labels or {})


# -- empty vs null, per kind -----------------------------------------------------------------

# Kinds whose `spec.selector` is a plain label map (equality only) where empty means "none".
_MAP_SELECTOR_KINDS = frozenset({"Service", "ReplicationController"})


def object_pod_selector(kind: str, body: Mapping[str, Any], api_version: str = "") -> Selector:
    """The Selector that picks `kind`'s pods, in the object's own namespace, with the kind's
    rule for an empty or missing selector:

    - Service: `spec.selector` missing or `{}` selects nothing ("If empty or not present, the
      service is assumed to have an external process managing its endpoints"); ExternalName
      Services select nothing either.
    - NetworkPolicy: `spec.podSelector` missing defaults to `{}`, which selects every pod in
      the namespace.
    - PodDisruptionBudget policy/v1: missing (null) selects nothing, `{}` everything;
      policy/v1beta1: `{}` selects nothing too.
    - ReplicationController: a map; empty defaults to the template labels (server defaulting).
    - Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and other kinds with
      `spec.selector` as a LabelSelector: LabelSelectorAsSelector (missing: nothing).
      A Job without a selector (manualSelector unset) gets `batch.kubernetes.io/controller-uid`
      from the server; planned Jobs match their template labels instead.

    SelectorError for a selector that does not convert.
    """
    spec = body.get("spec") if isinstance(body.get("spec"), Mapping) else {}
    if kind == "Service":
        selector = spec.get("selector")
        if spec.get("type") == "ExternalName" or not selector or not isinstance(selector, Mapping):
            return NOTHING
        return selector_from_set({str(k): v for k, v in selector.items()})
    if kind == "ReplicationController":
        selector = spec.get("selector")
        if not selector:
            template = spec.get("template") if isinstance(spec.get("template"), Mapping) else {}
            metadata = template.get("metadata") if isinstance(template, Mapping) else None
            selector = (metadata or {}).get("labels") if isinstance(metadata, Mapping) else None
        if not selector or not isinstance(selector, Mapping):
            return NOTHING
        return selector_from_set({str(k): v for k, v in selector.items()})
    if kind == "NetworkPolicy":
        pod_selector = spec.get("podSelector")
        return label_selector_to_selector({} if pod_selector is None else pod_selector)
    if kind == "PodDisruptionBudget":
        selector = spec.get("selector")
        if api_version == "policy/v1beta1" and (
            selector is None or label_selector_is_empty(selector)
        ):
            return NOTHING
        return label_selector_to_selector(selector)
    if kind == "Job" and spec.get("selector") is None:
        template = spec.get("template") if isinstance(spec.get("template"), Mapping) else {}
        metadata = template.get("metadata") if isinstance(template, Mapping) else None
        labels = (metadata or {}).get("labels") if isinstance(metadata, Mapping) else None
        return selector_from_set(labels) if labels else NOTHING
    return label_selector_to_selector(spec.get("selector"))


def selects_all(kind: str, body: Mapping[str, Any], api_version: str = "") -> bool:
    """The object selects every pod of its namespace (e.g. NetworkPolicy `podSelector: {}`)."""
    try:
        return object_pod_selector(kind, body, api_version).empty
    except SelectorError:
        return False


def selects_nothing(kind: str, body: Mapping[str, Any], api_version: str = "") -> bool:
    """The object selects no pod whatever the labels (Service without selector, nil selector,
    policy/v1beta1 PDB with `{}`). A selector that does not convert selects nothing too."""
    try:
        return object_pod_selector(kind, body, api_version).nothing
    except SelectorError:
        return True


# -- label key/value syntax ------------------------------------------------------------------


def label_errors(labels: Mapping[str, object]) -> list[str]:
    """ValidateLabels: one message per bad key or value (keys as IsQualifiedName, values as
    IsValidLabelValue: prefix a DNS-1123 subdomain of at most 253 characters, name and value
    at most 63 characters of `[A-Za-z0-9_.-]`, alphanumeric at both ends)."""
    errors: list[str] = []
    for key, value in labels.items():
        if not isinstance(key, str):
            errors.append(f"{key!r}: a label key must be a string")
            continue
        errors.extend(f'"{key}": {problem}' for problem in is_label_key(key))
        if not isinstance(value, str):
            errors.append(f'"{key}": a label value must be a string')
            continue
        errors.extend(f'"{key}": "{value}": {problem}' for problem in is_valid_label_value(value))
    return errors


def is_valid_label(key: str, value: str) -> bool:
    """Both the key and the value are valid label syntax."""
    return not is_label_key(key) and not is_valid_label_value(value)


# -- node selectors --------------------------------------------------------------------------


def node_selector_requirements_as_selector(
    requirements: Sequence[Mapping[str, Any]],
) -> Selector:
    """nodeSelectorRequirementsAsSelector: an empty list is Nothing; NodeSelectorError names
    every requirement that does not convert."""
    if not requirements:
        return NOTHING
    errors: list[str] = []
    converted: list[Requirement] = []
    for index, requirement in enumerate(requirements):
        try:
            converted.append(_node_requirement(requirement))
        except SelectorError as error:
            errors.append(f"[{index}]: {error}")
    if errors:
        raise NodeSelectorError("; ".join(errors))
    return EVERYTHING.add(*converted)


def _node_requirement(requirement: Mapping[str, Any]) -> Requirement:
    if not isinstance(requirement, Mapping):
        raise SelectorError("a node selector requirement must be a map")
    operator = requirement.get("operator")
    if not isinstance(operator, str) or operator not in _NODE_SELECTOR_OPERATORS:
        supported = ", ".join(f'"{name}"' for name in _NODE_SELECTOR_OPERATORS)
        raise SelectorError(
            f'operator: Unsupported value: "{operator}": supported values: {supported}'
        )
    values = requirement.get("values") or []
    key = requirement.get("key")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise SelectorError("values must be a list of strings")
    if not isinstance(key, str):
        raise SelectorError(f"invalid label key {key!r}")
    return new_requirement(key, _NODE_SELECTOR_OPERATORS[operator], values)


def _node_field_selector(requirements: Sequence[Mapping[str, Any]]) -> list[tuple[str, bool, str]]:
    """nodeSelectorRequirementsAsFieldSelector: (field, equal, value) terms ANDed; only In and
    NotIn with exactly one value ("must have one element")."""
    errors: list[str] = []
    terms: list[tuple[str, bool, str]] = []
    for index, requirement in enumerate(requirements):
        if not isinstance(requirement, Mapping):
            errors.append(f"[{index}]: a node selector requirement must be a map")
            continue
        operator = requirement.get("operator")
        values = requirement.get("values") or []
        if operator in ("In", "NotIn"):
            if not isinstance(values, list) or len(values) != 1:
                errors.append(f"[{index}].values: Invalid value: must have one element")
            else:
                terms.append((str(requirement.get("key")), operator == "In", str(values[0])))
        else:
            errors.append(
                f'[{index}].operator: Unsupported value: "{operator}": '
                'supported values: "In", "NotIn"'
            )
    if errors:
        raise NodeSelectorError("; ".join(errors))
    return terms


def _term_is_empty(term: Mapping[str, Any]) -> bool:
    return not term.get("matchExpressions") and not term.get("matchFields")


def _node_labels(node: Mapping[str, Any]) -> Mapping[str, object]:
    metadata = node.get("metadata") if isinstance(node.get("metadata"), Mapping) else {}
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    return labels if isinstance(labels, Mapping) else {}


def _node_fields(node: Mapping[str, Any]) -> dict[str, str]:
    """extractNodeFields: only `metadata.name`, and only when the node has a name."""
    metadata = node.get("metadata") if isinstance(node.get("metadata"), Mapping) else {}
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    return {_NODE_FIELD_NAME: name} if isinstance(name, str) and name else {}


def node_selector_term_matches(term: Mapping[str, Any] | None, node: Mapping[str, Any]) -> bool:
    """nodeSelectorTerm.match: matchExpressions and matchFields ANDed. An empty (or None) term
    matches nothing; NodeSelectorError when the term does not parse.

    With a node that has no name, matchFields are not checked (upstream skips them when the
    node's field set is empty)."""
    if not term or not isinstance(term, Mapping) or _term_is_empty(term):
        return False
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    label_selector = node_selector_requirements_as_selector(expressions) if expressions else None
    field_terms = _node_field_selector(fields) if fields else None
    if label_selector is not None and not label_selector.matches(_node_labels(node)):
        return False
    node_fields = _node_fields(node)
    if field_terms is not None and node_fields:
        for name, equal, value in field_terms:
            # fields.Set.Get gives "" for a field the set does not have.
            if (node_fields.get(name, "") == value) != equal:
                return False
    return True


def node_selector_requirement_matches(
    requirement: Mapping[str, Any], node: Mapping[str, Any], *, field: bool = False
) -> bool:
    """One NodeSelectorRequirement against a node: a matchExpressions entry (labels) or, with
    `field=True`, a matchFields entry. NodeSelectorError when it does not parse."""
    key = "matchFields" if field else "matchExpressions"
    return node_selector_term_matches({key: [requirement]}, node)


def node_selector_matches(node_selector: Mapping[str, Any] | None, node: Mapping[str, Any]) -> bool:
    """A v1.NodeSelector (`{"nodeSelectorTerms": [...]}`) against a node, as
    LazyErrorNodeSelector.Match: terms ORed, empty terms skipped, a term that does not parse
    counts as not matching. No terms match nothing; a None node selector also matches nothing
    (callers decide what a missing requiredDuringScheduling… means, see
    pod_matches_node_selector_and_affinity)."""
    if not node_selector or not isinstance(node_selector, Mapping) or not node:
        return False
    terms = node_selector.get("nodeSelectorTerms") or []
    for term in terms if isinstance(terms, list) else []:
        try:
            if node_selector_term_matches(term, node):
                return True
        except SelectorError:
            continue
    return False


def node_selector_errors(node_selector: Mapping[str, Any] | None) -> list[str]:
    """The parse errors NewNodeSelector would aggregate (term by term), for messages."""
    errors: list[str] = []
    terms = (node_selector or {}).get("nodeSelectorTerms") or []
    for index, term in enumerate(terms if isinstance(terms, list) else []):
        if not isinstance(term, Mapping) or _term_is_empty(term):
            continue
        for key, convert in (
            ("matchExpressions", node_selector_requirements_as_selector),
            ("matchFields", _node_field_selector),
        ):
            requirements = term.get(key) or []
            if not requirements:
                continue
            try:
                convert(requirements)
            except SelectorError as error:
                errors.append(f"nodeSelectorTerms[{index}].{key}{error}")
    return errors


def pod_matches_node_selector_and_affinity(
    pod_spec: Mapping[str, Any], node: Mapping[str, Any]
) -> bool:
    """RequiredNodeAffinity.Match (GetRequiredNodeAffinity): `spec.nodeSelector` (equality,
    all entries) and, when set, `affinity.nodeAffinity.requiredDuringSchedulingIgnored
    DuringExecution` must both match."""
    node_selector = pod_spec.get("nodeSelector")
    if node_selector and isinstance(node_selector, Mapping):
        if not selector_from_set(node_selector).matches(_node_labels(node)):
            return False
    affinity = pod_spec.get("affinity") if isinstance(pod_spec.get("affinity"), Mapping) else {}
    node_affinity = affinity.get("nodeAffinity") if isinstance(affinity, Mapping) else None
    if isinstance(node_affinity, Mapping):
        required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        if required is not None:
            return node_selector_matches(required if isinstance(required, Mapping) else {}, node)
    return True


def preferred_node_affinity_score(
    terms: Sequence[Mapping[str, Any]] | None, node: Mapping[str, Any]
) -> int:
    """PreferredSchedulingTerms.Score: the sum of the weights of the terms that match. Terms
    with weight 0 or an empty preference are skipped; NodeSelectorError when any other term
    does not parse (NewPreferredSchedulingTerms fails as a whole)."""
    parsed: list[tuple[int, Mapping[str, Any]]] = []
    errors: list[str] = []
    for index, term in enumerate(terms or []):
        weight = term.get("weight") if isinstance(term, Mapping) else 0
        preference = term.get("preference") if isinstance(term, Mapping) else None
        if not weight or not isinstance(preference, Mapping) or _term_is_empty(preference):
            continue
        try:
            node_selector_term_matches(preference, {"metadata": {"name": "x"}})
        except SelectorError as error:
            errors.append(f"[{index}]: {error}")
            continue
        parsed.append((int(weight), preference))
    if errors:
        raise NodeSelectorError("; ".join(errors))
    return sum(
        weight for weight, preference in parsed if node_selector_term_matches(preference, node)
    )
