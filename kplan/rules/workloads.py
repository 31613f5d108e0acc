"""Workload rules: selectors against templates and each other, probe ports, duplicate env.

Only planned objects are judged (a recorded object the input does not touch is the
cluster's own business); a recorded object still counts as the other side of an overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from kplan.plan.model import Finding
from kplan.rules import ERROR, WARNING, check, declare

if TYPE_CHECKING:
    from kplan.plan.wiring.index import WiringIndex
    from kplan.plan.wiring.objects import WiredObject

FAMILY = "workloads"

SELECTOR_TEMPLATE_MISMATCH = declare(
    "selector-template-mismatch",
    ERROR,
    "A workload's selector does not match its own pod template's labels.",
    FAMILY,
)
OVERLAPPING_SELECTORS = declare(
    "overlapping-selectors",
    WARNING,
    "Two workloads' selectors match each other's pods: the controllers fight over them.",
    FAMILY,
)
PROBE_PORT_NOT_EXPOSED = declare(
    "probe-port-not-exposed",
    ERROR,
    "A probe names a port that its container does not declare: the probe always fails.",
    FAMILY,
)
DUPLICATE_ENV = declare(
    "duplicate-env",
    WARNING,
    "A container defines an env variable twice; the later hides the earlier.",
    FAMILY,
)


def _matcher(selector: tuple[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
    """A compiled selector: an equality map, or a LabelSelector (LabelSelectorAsSelector; one
    that does not convert matches nothing)."""
    from kplan.k8s.selectors import SelectorError, label_selector_to_selector

    kind, value = selector
    if kind == "map":
        pairs = list(value.items())
        return lambda labels: all(labels.get(k) == v for k, v in pairs)
    try:
        compiled = label_selector_to_selector(value)
    except SelectorError:
        return lambda labels: False
    return compiled.matches


def _matches(selector: tuple[str, Any], labels: dict[str, str]) -> bool:
    return _matcher(selector)(labels)


@check
def selector_template_mismatch(index: WiringIndex) -> Iterator[Finding]:
    """apps validation (ValidateDeploymentSpec and friends): "`selector` does not match
    template `labels`" and "empty selector is invalid for deployment"; a
    ReplicationController's explicit selector must match too (ValidateReplicationControllerSpec)."""
    from kplan.k8s.selectors import label_selector_is_empty
    from kplan.plan.wiring.templates import CONTROLLERS, controller_selector, pod_template

    for kind in CONTROLLERS:
        for obj in index.of_kind(kind):
            if not obj.planned:
                continue
            selector = controller_selector(obj)
            template = pod_template(obj)
            if selector is None or template is None:
                continue
            path = "/spec/selector"
            if selector[0] == "label" and label_selector_is_empty(selector[1]):
                message = f"empty selector is invalid for {kind.lower()}"
            elif not _matches(selector, template.labels):
                message = "`selector` does not match template `labels`"
            else:
                continue
            yield SELECTOR_TEMPLATE_MISMATCH.finding(
                obj.ref, message, location=obj.where(path), path=path
            )


def _describe(selector: tuple[str, Any]) -> str:
    kind, value = selector
    if kind == "map":
        return ",".join(f"{k}={v}" for k, v in sorted(value.items()))
    pairs = [f"{k}={v}" for k, v in sorted((value.get("matchLabels") or {}).items())]
    for expression in value.get("matchExpressions") or []:
        if isinstance(expression, dict):
            values = ",".join(str(v) for v in expression.get("values") or [])
            operator = str(expression.get("operator", "")).lower()
            pairs.append(f"{expression.get('key')} {operator} ({values})".replace(" ()", ""))
    return ",".join(pairs)


@check
def overlapping_selectors(index: WiringIndex) -> Iterator[Finding]:
    """The Deployment docs: "Do not overlap labels or selectors with other controllers
    (including other Deployments and StatefulSets). Kubernetes doesn't stop you from
    overlapping, and if multiple controllers have overlapping selectors those controllers
    might conflict and behave unexpectedly." Two controllers of one namespace overlap when
    either's selector matches the other's template labels. Objects owned by another
    controller (a Deployment's ReplicaSets) are left out."""
    from kplan.k8s.selectors import label_selector_is_empty
    from kplan.plan.wiring.templates import (
        CONTROLLERS,
        controlled,
        controller_selector,
        pod_template,
    )

    Member = tuple[
        "WiredObject", Callable[[Mapping[str, Any]], bool], tuple[str, Any], dict[str, str]
    ]
    by_namespace: dict[str, list[Member]] = {}
    for kind in CONTROLLERS:
        for obj in index.of_kind(kind):
            if controlled(obj):
                continue
            selector = controller_selector(obj)
            template = pod_template(obj)
            if selector is None or template is None:
                continue
            if selector[0] == "label" and label_selector_is_empty(selector[1]):
                continue
            if selector[0] == "map" and not selector[1]:
                continue
            member = (obj, _matcher(selector), selector, template.labels)
            by_namespace.setdefault(obj.namespace, []).append(member)
    for namespace in sorted(by_namespace):
        members = sorted(by_namespace[namespace], key=lambda m: m[0].ref)
        if not any(member[0].planned for member in members):
            continue
        for obj, matches, selector, labels in members:
            if not obj.planned:
                continue
            others = [
                other.ref
                for other, other_matches, _, other_labels in members
                if other is not obj and (matches(other_labels) or other_matches(labels))
            ]
            if others:
                yield OVERLAPPING_SELECTORS.finding(
                    obj.ref,
                    f"selector {_describe(selector)} overlaps with {', '.join(others)}: each "
                    "matches the other's pods",
                    location=obj.where("/spec/selector"),
                    path="/spec/selector",
                )


PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


@check
def probe_port_not_exposed(index: WiringIndex) -> Iterator[Finding]:
    """kubelet resolves a named probe port in the probed container's own ports only
    (pkg/kubelet/prober/prober.go, util.go findPortByName → "couldn't find port"); a
    number is used as is, declared or not."""
    from kplan.plan.wiring.ports import container_port_names
    from kplan.plan.wiring.templates import containers, pod_template

    for obj in index.objects:
        if not obj.planned:
            continue
        template = pod_template(obj)
        if template is None:
            continue
        for suffix, container in containers(template.spec):
            names = container_port_names(container)
            for probe_name in PROBES:
                probe = container.get(probe_name)
                if not isinstance(probe, dict):
                    continue
                for handler in ("httpGet", "tcpSocket"):
                    action = probe.get(handler)
                    port = action.get("port") if isinstance(action, dict) else None
                    if not isinstance(port, str) or port.isdigit() or port in names:
                        continue
                    path = f"{template.spec_path}{suffix}/{probe_name}/{handler}/port"
                    declared = ", ".join(sorted(names)) or "none"
                    yield PROBE_PORT_NOT_EXPOSED.finding(
                        obj.ref,
                        f"{probe_name} of container {container.get('name')} uses port "
                        f"{port!r}, which the container does not declare (named ports: "
                        f"{declared}): the probe fails",
                        location=obj.where(path),
                        path=path,
                    )


@check
def duplicate_env(index: WiringIndex) -> Iterator[Finding]:
    """pkg/api/pod/warnings.go (and warnings_test.go "duplicate env"): a later env entry of
    the same name hides the earlier one, "which may be dropped when using apply", unless
    its value refers to the earlier one as $(NAME) and is not just "$(NAME)"."""
    from kplan.plan.wiring.templates import containers, pod_template

    for obj in index.objects:
        if not obj.planned:
            continue
        template = pod_template(obj)
        if template is None:
            continue
        for suffix, container in containers(template.spec):
            seen: set[str] = set()
            for position, item in enumerate(container.get("env") or []):
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    continue
                name = item["name"]
                if name not in seen:
                    seen.add(name)
                    continue
                reference = f"$({name})"
                value = item.get("value") if isinstance(item.get("value"), str) else ""
                if item.get("valueFrom") is None and value != reference and reference in value:
                    continue
                path = f"{template.spec_path}{suffix}/env/{position}"
                yield DUPLICATE_ENV.finding(
                    obj.ref,
                    f"container {container.get('name')}: env[{position}] hides previous "
                    f"definition of {name!r}, which may be dropped when using apply",
                    location=obj.where(path),
                    path=path,
                )
