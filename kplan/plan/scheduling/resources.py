"""Resource arithmetic the scheduler uses: quantities as int64 units, what a pod requests.

k8s.io/component-helpers resource/helpers.go PodRequests decides what a pod asks for:
containers add up, an init container runs alone (plus the restartable "sidecar" init
containers started before it), sidecars add to the running total, pod-level requests
(PodLevelResources) replace the cpu/memory sums and `spec.overhead` is added on top.
NodeResourcesFit filters on exactly that; LeastAllocated scores on the same sum computed with
`NonMissingContainerRequests` (a container without a cpu/memory request counts 100m/200Mi,
pkg/scheduler/util DefaultMilliCPURequest/DefaultMemoryRequest) so that request-less pods do
not all pile onto one node.

Quantities become ints as resource.Quantity MilliValue()/Value() do: rounded up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kplan.k8s.quantity import QuantityError, parse_quantity
from kplan.k8s.validation import is_qualified_name

__all__ = [
    "CPU",
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "EPHEMERAL_STORAGE",
    "MEMORY",
    "PODS",
    "Requests",
    "is_extended_resource_name",
    "is_scalar_resource_name",
    "pod_requests",
    "quantity_milli",
    "quantity_value",
]

CPU = "cpu"
MEMORY = "memory"
EPHEMERAL_STORAGE = "ephemeral-storage"
PODS = "pods"
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
_REQUESTS_PREFIX = "requests."
_NATIVE_PREFIX = "kubernetes.io/"
_POD_LEVEL_RESOURCES = (CPU, MEMORY)


def quantity_value(value: object) -> int:
    """Quantity.Value(): the integer value, rounded up; 0 for what does not parse."""
    number = _decimal(value)
    return int(math.ceil(number)) if number is not None else 0


def quantity_milli(value: object) -> int:
    """Quantity.MilliValue(): thousandths, rounded up; 0 for what does not parse."""
    number = _decimal(value)
    return int(math.ceil(number * 1000)) if number is not None else 0


def _decimal(value: object) -> Decimal | None:
    try:
        return parse_quantity(value)
    except (QuantityError, TypeError, ValueError, ArithmeticError):
        return None


def is_extended_resource_name(name: str) -> bool:
    """v1helper.IsExtendedResourceName: domain-prefixed, not kubernetes.io, not `requests.`."""
    if "/" not in name or _NATIVE_PREFIX in name or name.startswith(_REQUESTS_PREFIX):
        return False
    return not is_qualified_name(_REQUESTS_PREFIX + name)


def is_scalar_resource_name(name: str) -> bool:
    """v1helper.IsScalarResourceName: extended, hugepages-*, kubernetes.io/-prefixed native and
    attachable-volumes-* resources; the scheduler tracks these as plain integers."""
    return (
        is_extended_resource_name(name)
        or name.startswith("hugepages-")
        or _NATIVE_PREFIX in name
        or name.startswith("attachable-volumes-")
    )


class Requests:
    """A framework.Resource: cpu in millicores, the rest in units, scalar resources by name."""

    __slots__ = ("milli_cpu", "memory", "ephemeral_storage", "scalar")

    def __init__(
        self,
        milli_cpu: int = 0,
        memory: int = 0,
        ephemeral_storage: int = 0,
        scalar: dict[str, int] | None = None,
    ) -> None:
        self.milli_cpu = milli_cpu
        self.memory = memory
        self.ephemeral_storage = ephemeral_storage
        self.scalar = scalar if scalar is not None else {}

    @classmethod
    def from_list(cls, resources: Mapping[str, int]) -> Requests:
        """SetMaxResource on an empty Resource: known names only, scalar entries only above 0."""
        result = cls()
        for name, amount in resources.items():
            if name == CPU:
                result.milli_cpu = amount
            elif name == MEMORY:
                result.memory = amount
            elif name == EPHEMERAL_STORAGE:
                result.ephemeral_storage = amount
            elif is_scalar_resource_name(name) and amount > 0:
                result.scalar[name] = amount
        return result

    def is_zero(self) -> bool:
        """Nothing requested: NodeResourcesFit then only checks the pod count."""
        return not (self.milli_cpu or self.memory or self.ephemeral_storage or self.scalar)

    def __repr__(self) -> str:
        return (
            f"Requests(cpu={self.milli_cpu}m, memory={self.memory}, "
            f"ephemeral={self.ephemeral_storage}, scalar={self.scalar})"
        )


_AMOUNTS: dict[tuple[bool, str], int] = {}


def _amount(name: str, value: object) -> int:
    if not isinstance(value, str):
        return quantity_milli(value) if name == CPU else quantity_value(value)
    key = (name == CPU, value)
    found = _AMOUNTS.get(key)
    if found is None:
        found = quantity_milli(value) if key[0] else quantity_value(value)
        if len(_AMOUNTS) >= 4096:
            _AMOUNTS.clear()
        _AMOUNTS[key] = found
    return found


def _container_requests(container: Mapping[str, Any]) -> dict[str, int]:
    """A container's requests, with API defaulting replayed: a resource that has a limit and
    no request requests its limit (SetDefaults_Pod)."""
    resources = container.get("resources")
    if not isinstance(resources, dict):
        return {}
    requests = resources.get("requests")
    limits = resources.get("limits")
    result: dict[str, int] = {}
    if isinstance(limits, dict):
        for name, value in limits.items():
            result[str(name)] = _amount(str(name), value)
    if isinstance(requests, dict):
        for name, value in requests.items():
            result[str(name)] = _amount(str(name), value)
    return result


def _add(into: dict[str, int], other: Mapping[str, int]) -> None:
    for name, amount in other.items():
        into[name] = into.get(name, 0) + amount


def _max(into: dict[str, int], other: Mapping[str, int]) -> None:
    for name, amount in other.items():
        if name not in into or amount > into[name]:
            into[name] = amount


def _with_defaults(requests: dict[str, int], defaults: Mapping[str, int] | None) -> dict[str, int]:
    if not defaults:
        return requests
    result = dict(requests)
    for name, amount in defaults.items():
        if name not in requests:
            result[name] = amount
    return result


def _list(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def pod_requests(
    spec: Mapping[str, Any],
    *,
    non_missing: Mapping[str, int] | None = None,
    sidecars: bool = True,
    pod_level: bool = True,
) -> dict[str, int]:
    """resourcehelper.PodRequests as a {resource: int64} map.

    `non_missing` is PodResourcesOptions.NonMissingContainerRequests; `sidecars` whether
    `restartPolicy: Always` init containers are sidecars (SidecarContainers, on since 1.29;
    before, the API server drops the field); `pod_level` whether `spec.resources.requests`
    replaces the container sums for cpu and memory (PodLevelResources, on since 1.34).
    """
    return _pod_total(spec, _ContainerRequests(spec), non_missing, sidecars, pod_level)


def pod_requests_and_non_zero(
    spec: Mapping[str, Any], non_missing: Mapping[str, int], *, sidecars: bool, pod_level: bool
) -> tuple[dict[str, int], dict[str, int]]:
    """pod_requests without and with `non_missing`, reading each container's resources once
    (every pod template the scheduler sees needs both)."""
    containers = _ContainerRequests(spec)
    return (
        _pod_total(spec, containers, None, sidecars, pod_level),
        _pod_total(spec, containers, non_missing, sidecars, pod_level),
    )


class _ContainerRequests:
    """Each container's and init container's requests (with limits standing in)."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.containers = [_container_requests(c) for c in _list(spec.get("containers"))]
        self.init_containers = [
            (c.get("restartPolicy") == "Always", _container_requests(c))
            for c in _list(spec.get("initContainers"))
        ]


def _pod_total(
    spec: Mapping[str, Any],
    parsed: _ContainerRequests,
    non_missing: Mapping[str, int] | None,
    sidecars: bool,
    pod_level: bool,
) -> dict[str, int]:
    total: dict[str, int] = {}
    for requests in parsed.containers:
        _add(total, _with_defaults(requests, non_missing))
    sidecar_total: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for restarts_always, plain in parsed.init_containers:
        requests = _with_defaults(plain, non_missing)
        if sidecars and restarts_always:
            _add(total, requests)
            _add(sidecar_total, requests)
            _max(init_max, sidecar_total)
        else:
            running = dict(requests)
            _add(running, sidecar_total)
            _max(init_max, running)
    _max(total, init_max)
    if pod_level:
        level = spec.get("resources")
        level_requests = level.get("requests") if isinstance(level, dict) else None
        if isinstance(level_requests, dict) and level_requests:
            for name, value in level_requests.items():
                if name in _POD_LEVEL_RESOURCES:
                    total[str(name)] = _amount(str(name), value)
    overhead = spec.get("overhead")
    if isinstance(overhead, dict):
        _add(total, {str(name): _amount(str(name), value) for name, value in overhead.items()})
    return total
