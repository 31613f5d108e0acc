"""The checks kube-apiserver makes that the OpenAPI schemas cannot express.

A re-implementation, from the upstream source, of the create-time validation of built-in
kinds: kubernetes/kubernetes pkg/apis/{core,apps,batch,networking,policy}/validation and
k8s.io/apimachinery pkg/api/validation, pkg/apis/meta/v1/validation. Every problem carries the
JSON Pointer of the offending value and upstream's wording (`Invalid value: "x": ...`,
`Required value`, `Unsupported value: ...`).

The API server defaults an object before it validates it (pkg/apis/*/v1/defaults.go), so a
field the defaults fill in (a Service port's protocol, a probe's periodSeconds, a Deployment's
strategy) is never reported as missing here either. Values of the wrong JSON type are the
schema layer's business: they are skipped silently, never raised on.

Some upstream checks run only on Pods, never on templates, and StatefulSet templates are not
validated at all upstream (ValidatePodTemplateSpecForStatefulSet has a TODO): their problems
are reported as warnings, since the StatefulSet is accepted and its pods are rejected later.
Quantities and base64 data are decoded before validation, so their errors stay errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from kplan.diagnostics import ERROR, WARNING, FieldProblem
from kplan.k8s import validation as kv
from kplan.k8s.quantity import Quantity, QuantityError, is_integral
from kplan.k8s.scope import CLUSTER_SCOPED_KINDS
from kplan.k8s.selectors import SelectorError, label_selector_matches

__all__ = ["check_object"]

NEWEST_VERSION = (1, 37)

Obj = dict[str, Any]
NameFn = Callable[[str, bool], list[str]]


# --- messages, as field.Error.ErrorBody prints them ---------------------------------------


def _go_quote(text: str) -> str:
    """strconv.Quote, which field errors use for string values (%q)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"' or char == "\\":
            out.append("\\" + char)
        elif char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def _show(value: object) -> str:
    """A bad value as ErrorBody renders it: %q strings, plain numbers, JSON for the rest."""
    if isinstance(value, str):
        return _go_quote(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _show_selector(selector: Obj) -> str:
    """metav1.LabelSelector in struct field order: matchLabels, then matchExpressions."""
    shown = {}
    for key in ("matchLabels", "matchExpressions"):
        if selector.get(key):
            shown[key] = selector[key]
    return json.dumps(shown, separators=(",", ":"), ensure_ascii=False, default=str)


def _invalid(value: object, detail: str) -> str:
    return f"Invalid value: {_show(value)}: {detail}"


def _invalid_shown(shown: str, detail: str) -> str:
    return f"Invalid value: {shown}: {detail}"


def _required(detail: str = "") -> str:
    return f"Required value: {detail}" if detail else "Required value"


def _forbidden(detail: str) -> str:
    return f"Forbidden: {detail}"


def _duplicate(value: object) -> str:
    return f"Duplicate value: {_show(value)}"


def _not_found(value: object) -> str:
    return f"Not found: {_show(value)}"


def _not_supported(value: object, supported: tuple[str, ...]) -> str:
    choices = ", ".join(_go_quote(choice) for choice in supported)
    return f"Unsupported value: {_show(value)}: supported values: {choices}"


def _too_long(limit: int) -> str:
    return f"Too long: may not be more than {limit} bytes"


_NEGATIVE = "must be greater than or equal to 0"  # apimachineryvalidation.IsNegativeErrorMsg


def _esc(token: str) -> str:
    """RFC 6901 escaping of one JSON Pointer token."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def _is_int(value: object) -> bool:
    return type(value) is int  # bool is an int subclass, and never a JSON number


@lru_cache(maxsize=64)
def _parse_version(text: str) -> tuple[int, int]:
    parts = text.strip().lstrip("vV").split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return NEWEST_VERSION


# --- cached validators: the same label keys and quantities recur across thousands of objects


@lru_cache(maxsize=8192)
def _label_key_errors(key: str) -> tuple[str, ...]:
    return tuple(kv.is_qualified_name(key))


@lru_cache(maxsize=8192)
def _label_value_errors(value: str) -> tuple[str, ...]:
    return tuple(kv.is_valid_label_value(value))


@lru_cache(maxsize=4096)
def _dns_label_errors(value: str) -> tuple[str, ...]:
    return tuple(kv.is_dns1123_label(value))


@lru_cache(maxsize=4096)
def _subdomain_errors(value: str) -> tuple[str, ...]:
    return tuple(kv.is_dns1123_subdomain(value))


@lru_cache(maxsize=4096)
def _port_name_errors(value: str) -> tuple[str, ...]:
    return tuple(kv.is_valid_port_name(value))


@lru_cache(maxsize=8192)
def _env_name_errors(value: str, relaxed: bool) -> tuple[str, ...]:
    return tuple(kv.env_var_name_errors(value, relaxed=relaxed))


@lru_cache(maxsize=8192)
def _quantity(value: str | int | float) -> Quantity | str:
    """The parsed quantity, or the decoding error's message."""
    try:
        return Quantity.parse(value)
    except QuantityError as error:
        return str(error)


@lru_cache(maxsize=8192)
def _resource_quantity(value: str | int | float) -> Quantity | str:
    parsed = _quantity(value)
    return parsed if isinstance(parsed, str) else parsed.round_up(-3)


# --- the checker ---------------------------------------------------------------------------


class _Checker:
    """Collects problems; inside a StatefulSet template it downgrades them to warnings."""

    __slots__ = ("problems", "version", "relaxed_env", "soft")

    def __init__(self, version: tuple[int, int]) -> None:
        self.problems: list[FieldProblem] = []
        self.version = version
        self.relaxed_env = kv.relaxed_env_var_names(version)
        self.soft = ""  # non-empty: report as warnings, with this note appended

    def add(self, path: str, message: str) -> None:
        if self.soft:
            self.problems.append(FieldProblem(path, message + self.soft, WARNING))
        else:
            self.problems.append(FieldProblem(path, message, ERROR))

    def hard(self, path: str, message: str) -> None:
        """A decoding error: the object is rejected before any validation runs."""
        self.problems.append(FieldProblem(path, message, ERROR))

    def names(self, path: str, value: str, errors: tuple[str, ...] | list[str]) -> None:
        for message in errors:
            self.add(path, _invalid(value, message))

    def nonnegative(self, obj: Obj, key: str, path: str) -> None:
        value = obj.get(key)
        if type(value) is int and value < 0:
            self.add(f"{path}/{key}", _invalid(value, _NEGATIVE))

    def quantity(self, value: object, path: str, *, milli: bool = False) -> Quantity | None:
        """Decode a quantity like the API server does; None if it is not one. `milli`: a
        ResourceList entry, which the defaults round up to milli."""
        if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        parsed = _resource_quantity(value) if milli else _quantity(value)
        if isinstance(parsed, str):
            self.hard(path, parsed)
            return None
        return parsed


def check_object(body: dict[str, Any], *, kubernetes_version: str) -> list[FieldProblem]:
    """The API server's create-time validation of a built-in object, as FieldProblems.

    `kubernetes_version` is "1.25".."1.37"; rules that changed between versions follow it.
    """
    if not isinstance(body, dict):
        return []
    api_version = body.get("apiVersion")
    kind = body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return []
    checker = _Checker(_parse_version(kubernetes_version))
    group = api_version.rpartition("/")[0]
    namespaced = (group, kind) not in CLUSTER_SCOPED_KINDS
    _object_meta(
        checker,
        body.get("metadata"),
        _name_rule(group, kind, checker.version),
        namespaced=namespaced,
        builtin=group in _BUILTIN_GROUPS,
    )
    handler = _HANDLERS.get((api_version, kind))
    if handler is not None:
        handler(checker, body)
    return checker.problems


# --- object names and metadata (apimachinery api/validation/objectmeta.go) ---------------


def _rbac_name(name: str, prefix: bool) -> list[str]:
    """ValidateRBACName: path-segment rules even for generateName (prefix is ignored)."""
    return kv.is_valid_path_segment_name(name)


_SUBDOMAIN_NAMES = frozenset(
    {
        ("", "Pod"),
        ("", "PodTemplate"),
        ("", "ReplicationController"),
        ("", "Node"),
        ("", "LimitRange"),
        ("", "ResourceQuota"),
        ("", "Secret"),
        ("", "ServiceAccount"),
        ("", "Endpoints"),
        ("", "ConfigMap"),
        ("", "PersistentVolume"),
        ("", "PersistentVolumeClaim"),
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("apps", "DaemonSet"),
        ("apps", "ControllerRevision"),
        ("batch", "Job"),
        ("batch", "CronJob"),
        ("policy", "PodDisruptionBudget"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "StorageClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("networking.k8s.io", "Ingress"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "NetworkPolicy"),
        ("autoscaling", "HorizontalPodAutoscaler"),
        ("discovery.k8s.io", "EndpointSlice"),
    }
)
_RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
_BUILTIN_GROUPS = frozenset(
    {group for group, _ in CLUSTER_SCOPED_KINDS}
    | {
        "",
        "apps",
        "batch",
        "policy",
        "autoscaling",
        "networking.k8s.io",
        "discovery.k8s.io",
        "coordination.k8s.io",
        "events.k8s.io",
        "extensions",
        "resource.k8s.io",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "node.k8s.io",
        "scheduling.k8s.io",
    }
)


def _name_rule(group: str, kind: str, version: tuple[int, int]) -> NameFn:
    """The ValidateNameFunc each kind's strategy passes to ValidateObjectMeta."""
    if group == "" and kind == "Service":
        return kv.name_is_dns1035_label  # ValidateServiceName
    if group == "" and kind == "Namespace":
        return kv.name_is_dns_label  # ValidateNamespaceName
    if group == "apps" and kind == "StatefulSet":
        # ValidateStatefulSetName: a DNS label since kubernetes/kubernetes#114172 (1.27).
        return kv.name_is_dns_label if version >= (1, 27) else kv.name_is_dns_subdomain
    if group == "rbac.authorization.k8s.io" and kind in _RBAC_KINDS:
        return _rbac_name
    if (group, kind) in _SUBDOMAIN_NAMES or group not in _BUILTIN_GROUPS:
        return kv.name_is_dns_subdomain  # custom resources' names are DNS subdomains too
    # Every object passes rest.BeforeCreate's path-segment check; kinds with their own
    # rules not re-checked here get at least that.
    return kv.validate_path_segment_name


def _object_meta(
    c: _Checker, meta: object, name_fn: NameFn, *, namespaced: bool, builtin: bool
) -> None:
    """ValidateObjectMetaAccessor, plus core's legacy finalizer-name rule for built-in kinds
    (custom resources get apimachinery's ValidateObjectMetaAccessor only)."""
    if not isinstance(meta, dict):
        if meta is None:
            c.add("/metadata/name", _required("name or generateName is required"))
        return
    generate = meta.get("generateName")
    if isinstance(generate, str) and generate:
        c.names("/metadata/generateName", generate, name_fn(generate, True))
    name = meta.get("name")
    if name is None or name == "":
        if not (isinstance(generate, str) and generate):
            c.add("/metadata/name", _required("name or generateName is required"))
    elif isinstance(name, str):
        c.names("/metadata/name", name, name_fn(name, False))
    namespace = meta.get("namespace")
    if namespaced and isinstance(namespace, str) and namespace:
        c.names("/metadata/namespace", namespace, _dns_label_errors(namespace))
    _labels(c, meta.get("labels"), "/metadata/labels")
    _annotations(c, meta.get("annotations"), "/metadata/annotations")
    finalizers = meta.get("finalizers")
    if isinstance(finalizers, list):
        for index, finalizer in enumerate(finalizers):
            if isinstance(finalizer, str):
                path = f"/metadata/finalizers/{index}"
                c.names(path, finalizer, _label_key_errors(finalizer))
                if builtin and "/" not in finalizer and finalizer not in _STANDARD_FINALIZERS:
                    c.add(
                        path,
                        _invalid(
                            finalizer,
                            "name is neither a standard finalizer name nor is it fully qualified",
                        ),
                    )


_STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})


def _labels(c: _Checker, labels: object, path: str) -> None:
    """metav1 validation ValidateLabels: qualified-name keys, label values."""
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if not isinstance(key, str):
            continue
        where = f"{path}/{_esc(key)}"
        c.names(where, key, _label_key_errors(key))
        if isinstance(value, str):
            c.names(where, value, _label_value_errors(value))


def _annotations(c: _Checker, annotations: object, path: str) -> None:
    """ValidateAnnotations: case-insensitive qualified-name keys, 256 KiB in total."""
    if not isinstance(annotations, dict):
        return
    for key in annotations:
        if isinstance(key, str):
            c.names(f"{path}/{_esc(key)}", key, _label_key_errors(key.lower()))
    if kv.annotations_size(annotations) > kv.TOTAL_ANNOTATION_SIZE_LIMIT_B:
        c.add(path, _too_long(kv.TOTAL_ANNOTATION_SIZE_LIMIT_B))


def _label_selector(c: _Checker, selector: object, path: str) -> None:
    """ValidateLabelSelector: matchLabels as labels, then each requirement."""
    if not isinstance(selector, dict):
        return
    _labels(c, selector.get("matchLabels"), f"{path}/matchLabels")
    expressions = selector.get("matchExpressions")
    if not isinstance(expressions, list):
        return
    for index, expression in enumerate(expressions):
        if not isinstance(expression, dict):
            continue
        where = f"{path}/matchExpressions/{index}"
        operator = expression.get("operator")
        values = expression.get("values")
        count = len(values) if isinstance(values, list) else 0
        if operator in ("In", "NotIn"):
            if count == 0:
                c.add(
                    f"{where}/values",
                    _required("must be specified when `operator` is 'In' or 'NotIn'"),
                )
        elif operator in ("Exists", "DoesNotExist"):
            if count:
                c.add(
                    f"{where}/values",
                    _forbidden(
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                    ),
                )
        elif isinstance(operator, str) or operator is None:
            c.add(f"{where}/operator", _invalid(operator or "", "not a valid selector operator"))
        key = expression.get("key")
        if isinstance(key, str):
            c.names(f"{where}/key", key, _label_key_errors(key))


def _selector_matches(selector: Obj, labels: object) -> bool | None:
    """LabelSelectorAsSelector + Matches; None when the selector does not convert."""
    try:
        return label_selector_matches(selector, labels if isinstance(labels, dict) else {})
    except SelectorError:
        return None


# --- resources (pkg/apis/core/validation ValidateContainerResourceRequirements) -----------

_STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
_STANDARD_RESOURCES = frozenset(
    {
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    }
)
_STANDARD_QUOTA_RESOURCES = frozenset(_STANDARD_RESOURCES - {"storage"})
_INTEGER_RESOURCES = frozenset(
    {
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    }
)


def _is_native(name: str) -> bool:
    """IsNativeResource: unprefixed, or in the kubernetes.io/ namespace."""
    return "/" not in name or "kubernetes.io/" in name


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_quota_hugepages(name: str) -> bool:
    return name.startswith("hugepages-") or name.startswith("requests.hugepages-")


def _is_extended(name: str) -> bool:
    """IsExtendedResourceName: not native, no "requests." prefix, quota name qualified."""
    if _is_native(name) or name.startswith("requests."):
        return False
    return not _label_key_errors("requests." + name)


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


@lru_cache(maxsize=2048)
def _resource_name_errors(name: str) -> tuple[str, ...]:
    """validateResourceName: a qualified name, standard when unprefixed."""
    errors = _label_key_errors(name)
    if errors:
        return errors
    if "/" not in name and name not in _STANDARD_RESOURCES and not _is_quota_hugepages(name):
        return ("must be a standard resource type or fully qualified",)
    return ()


@lru_cache(maxsize=2048)
def _container_resource_name_errors(name: str) -> tuple[str, ...]:
    """validateContainerResourceName: cpu, memory, ephemeral-storage, hugepages-*, or an
    extended resource name."""
    errors = _resource_name_errors(name)
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            return (*errors, "must be a standard resource for containers")
    elif not _is_native(name) and not _is_extended(name):
        return (*errors, "doesn't follow extended resource name standard")
    return errors


@lru_cache(maxsize=2048)
def _quota_resource_name_errors(name: str) -> tuple[str, ...]:
    """ValidateResourceQuotaResourceName."""
    errors = _resource_name_errors(name)
    if "/" not in name and name not in _STANDARD_QUOTA_RESOURCES and not _is_quota_hugepages(name):
        return (*errors, "must be a standard resource for quota")
    return errors


def _resource_value(c: _Checker, name: str, quantity: Quantity, path: str) -> None:
    """ValidateResourceQuantityValue: not negative; whole for integer resources."""
    value = quantity.value
    if value < 0:
        c.add(path, _invalid(str(quantity), _NEGATIVE))
    if (name in _INTEGER_RESOURCES or _is_extended(name)) and not is_integral(value):
        c.add(path, _invalid(str(quantity), "must be an integer"))


def _resource_list(
    c: _Checker, resources: object, path: str, name_errors: Callable[[str], tuple[str, ...]]
) -> dict[str, Quantity]:
    """Names and values of one ResourceList; the decoded quantities by name."""
    found: dict[str, Quantity] = {}
    if not isinstance(resources, dict):
        return found
    for name, value in resources.items():
        if not isinstance(name, str):
            continue
        where = f"{path}/{_esc(name)}"
        c.names(where, name, name_errors(name))
        quantity = c.quantity(value, where, milli=True)  # SetDefaults_ResourceList
        if quantity is not None:
            _resource_value(c, name, quantity, where)
            found[name] = quantity
    return found


def _resource_requirements(c: _Checker, resources: object, path: str) -> None:
    """validateResourceRequirements with container resource names."""
    if not isinstance(resources, dict):
        return
    limits = _resource_list(
        c, resources.get("limits"), f"{path}/limits", _container_resource_name_errors
    )
    requests = _resource_list(
        c, resources.get("requests"), f"{path}/requests", _container_resource_name_errors
    )
    for name, request in requests.items():
        limit = limits.get(name)
        where = f"{path}/requests/{_esc(name)}"
        if limit is not None:
            if not _overcommit_allowed(name) and request.value != limit.value:
                c.add(where, _invalid(str(request), f"must be equal to {name} limit of {limit}"))
            elif request.value > limit.value:
                c.add(
                    where,
                    _invalid(
                        str(request), f"must be less than or equal to {name} limit of {limit}"
                    ),
                )
        elif not _overcommit_allowed(name):
            c.add(f"{path}/limits", _required("Limit must be set for non overcommitable resources"))
    names = limits.keys() | requests.keys()
    if any(_is_hugepages(name) for name in names) and not names & {"cpu", "memory"}:
        c.add(path, _forbidden("HugePages require cpu or memory"))


# --- pod specs (pkg/apis/core/validation ValidatePodSpec and helpers) ---------------------

_VOLUME_SOURCES = (
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
    "image",
)
_PROTOCOLS = ("SCTP", "TCP", "UDP")  # sets.List(supportedPortProtocols): sorted
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_NONE: frozenset[str] = frozenset()
_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _volumes(c: _Checker, volumes: object, path: str) -> set[str]:
    """ValidateVolumes: DNS-label names, unique, exactly one source. Returns the names of
    the volumes without errors: mounts of the others are "Not found", as upstream."""
    good: set[str] = set()
    if not isinstance(volumes, list):
        return good
    seen: set[str] = set()
    for index, volume in enumerate(volumes):
        if not isinstance(volume, dict):
            continue
        where = f"{path}/{index}"
        before = len(c.problems)
        sources = [key for key in _VOLUME_SOURCES if isinstance(volume.get(key), dict)]
        # No source at all is defaulted to emptyDir (SetDefaults_Volume), so upstream's
        # "must specify a volume type" cannot happen to a v1 object.
        for extra in sources[1:]:
            c.add(f"{where}/{extra}", _forbidden("may not specify more than 1 volume type"))
        if sources and sources[0] == "emptyDir":
            size = volume["emptyDir"].get("sizeLimit")
            quantity = c.quantity(size, f"{where}/emptyDir/sizeLimit")
            if quantity is not None and quantity.value < 0:
                c.add(
                    f"{where}/emptyDir/sizeLimit",
                    _forbidden("SizeLimit field must be a valid resource quantity"),
                )
        if sources and sources[0] == "ephemeral":
            template = volume["ephemeral"].get("volumeClaimTemplate")
            if isinstance(template, dict) and isinstance(template.get("spec"), dict):
                _pvc_spec(c, template["spec"], f"{where}/ephemeral/volumeClaimTemplate/spec")
        name = volume.get("name")
        name_path = f"{where}/name"
        if name is None or name == "":
            c.add(name_path, _required())
            name = ""
        elif isinstance(name, str):
            c.names(name_path, name, _dns_label_errors(name))
        else:
            continue
        if name in seen:
            c.add(name_path, _duplicate(name))
        if len(c.problems) == before:
            seen.add(name)
            good.add(name)
    return good


def _port_num_or_name(c: _Checker, port: object, path: str) -> None:
    """ValidatePortNumOrName: an int is a port number, a string (even "8080") a port name."""
    if _is_int(port):
        for message in kv.is_valid_port_num(port):
            c.add(path, _invalid(port, message))
    elif isinstance(port, str):
        c.names(path, port, _port_name_errors(port))


def _handler(c: _Checker, handler: Obj, path: str, kinds: tuple[str, ...]) -> None:
    """validateHandler: exactly one action; only the first one set is validated further."""
    present = [kind for kind in kinds if isinstance(handler.get(kind), dict)]
    if not present:
        c.add(path, _required("must specify a handler type"))
        return
    for extra in present[1:]:
        c.add(f"{path}/{extra}", _forbidden("may not specify more than 1 handler type"))
    kind = present[0]
    action = handler[kind]
    where = f"{path}/{kind}"
    if kind == "exec":
        command = action.get("command")
        if command is None or command == []:
            c.add(f"{where}/command", _required())
    elif kind == "httpGet":
        _port_num_or_name(c, action.get("port"), f"{where}/port")
        scheme = action.get("scheme")
        if isinstance(scheme, str) and scheme and scheme not in ("HTTP", "HTTPS"):
            c.add(f"{where}/scheme", _not_supported(scheme, ("HTTP", "HTTPS")))
        headers = action.get("httpHeaders")
        if isinstance(headers, list):
            for header in headers:
                name = header.get("name") if isinstance(header, dict) else None
                if isinstance(name, str):
                    c.names(f"{where}/httpHeaders", name, kv.is_http_header_name(name))
    elif kind == "tcpSocket":
        _port_num_or_name(c, action.get("port"), f"{where}/port")
    elif kind == "grpc":
        port = action.get("port")
        if _is_int(port):
            for message in kv.is_valid_port_num(port):
                c.add(f"{where}/port", _invalid(port, message))


def _probe(c: _Checker, probe: object, path: str, kind: str) -> None:
    """validateLivenessProbe / validateReadinessProbe / validateStartupProbe."""
    if not isinstance(probe, dict):
        return
    _handler(c, probe, path, _PROBE_HANDLERS)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        c.nonnegative(probe, key, path)
    grace = probe.get("terminationGracePeriodSeconds")
    if _is_int(grace) and grace <= 0:
        c.add(f"{path}/terminationGracePeriodSeconds", _invalid(grace, "must be greater than 0"))
    success = probe.get("successThreshold")
    if kind != "readinessProbe" and _is_int(success) and success not in (0, 1):
        c.add(f"{path}/successThreshold", _invalid(success, "must be 1"))  # 0 defaults to 1
    if kind == "readinessProbe" and _is_int(grace):
        c.add(
            f"{path}/terminationGracePeriodSeconds",
            _invalid(grace, "must not be set for readinessProbes"),
        )


def _lifecycle(c: _Checker, lifecycle: object, path: str) -> None:
    if not isinstance(lifecycle, dict):
        return
    for hook in ("postStart", "preStop"):
        if isinstance(lifecycle.get(hook), dict):
            _handler(c, lifecycle[hook], f"{path}/{hook}", _LIFECYCLE_HANDLERS)


def _container_ports(c: _Checker, ports: object, path: str) -> None:
    """validateContainerPorts: names unique within the container, port numbers in range."""
    if not isinstance(ports, list):
        return
    names: set[str] = set()
    for index, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        where = f"{path}/{index}"
        name = port.get("name")
        if isinstance(name, str) and name:
            errors = _port_name_errors(name)
            if errors:
                c.names(f"{where}/name", name, errors)
            elif name in names:
                c.add(f"{where}/name", _duplicate(name))
            else:
                names.add(name)
        number = port.get("containerPort")
        if number is None or number == 0:
            c.add(f"{where}/containerPort", _required())
        elif _is_int(number):
            for message in kv.is_valid_port_num(number):
                c.add(f"{where}/containerPort", _invalid(number, message))
        host = port.get("hostPort")
        if _is_int(host) and host != 0:
            for message in kv.is_valid_port_num(host):
                c.add(f"{where}/hostPort", _invalid(host, message))
        protocol = port.get("protocol")
        if isinstance(protocol, str) and protocol and protocol not in _PROTOCOLS:
            c.add(f"{where}/protocol", _not_supported(protocol, _PROTOCOLS))


def _host_port_conflicts(c: _Checker, containers: list[Any], path: str) -> None:
    """AccumulateUniqueHostPorts: one protocol/hostIP/hostPort per pod."""
    seen: set[str] = set()
    for ci, container in enumerate(containers):
        ports = container.get("ports") if isinstance(container, dict) else None
        if not isinstance(ports, list):
            continue
        for pi, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            host = port.get("hostPort")
            if not _is_int(host) or host == 0:
                continue
            protocol = port.get("protocol") or "TCP"
            key = f"{protocol}/{port.get('hostIP') or ''}/{host}"
            if key in seen:
                c.add(f"{path}/{ci}/ports/{pi}/hostPort", _duplicate(key))
            seen.add(key)


def _key_selector(c: _Checker, selector: object, path: str) -> None:
    """validateConfigMapKeySelector / validateSecretKeySelector."""
    if not isinstance(selector, dict):
        return
    name = selector.get("name", "")
    if isinstance(name, str):
        c.names(f"{path}/name", name, _subdomain_errors(name))
    key = selector.get("key")
    if key is None or key == "":
        c.add(f"{path}/key", _required())
    elif isinstance(key, str):
        c.names(f"{path}/key", key, kv.is_config_map_key(key))


def _env(c: _Checker, env: object, path: str) -> None:
    """ValidateEnv: names (strict before 1.32, relaxed after), one value source."""
    if not isinstance(env, list):
        return
    for index, var in enumerate(env):
        if not isinstance(var, dict):
            continue
        where = f"{path}/{index}"
        name = var.get("name")
        if name is None or name == "":
            c.add(f"{where}/name", _required())
        elif isinstance(name, str):
            c.names(f"{where}/name", name, _env_name_errors(name, c.relaxed_env))
        source = var.get("valueFrom")
        if not isinstance(source, dict):
            continue
        from_path = f"{where}/valueFrom"
        kinds = [
            key
            for key in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
            if isinstance(source.get(key), dict)
        ]
        for key in ("configMapKeyRef", "secretKeyRef"):
            if key in kinds:
                _key_selector(c, source[key], f"{from_path}/{key}")
        if not kinds:
            c.add(
                from_path,
                _invalid(
                    "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, "
                    "`configMapKeyRef` or `secretKeyRef`",
                ),
            )
        elif isinstance(var.get("value"), str) and var["value"]:
            c.add(from_path, _invalid("", "may not be specified when `value` is not empty"))
        elif len(kinds) > 1:
            c.add(from_path, _invalid("", "may not have more than one field specified at a time"))


def _env_from(c: _Checker, sources: object, path: str) -> None:
    """ValidateEnvFrom: prefix rules, exactly one of configMapRef and secretRef."""
    if not isinstance(sources, list):
        return
    for index, source in enumerate(sources):
        if not isinstance(source, dict):
            continue
        where = f"{path}/{index}"
        prefix = source.get("prefix")
        if isinstance(prefix, str) and prefix:
            c.names(f"{where}/prefix", prefix, _env_name_errors(prefix, c.relaxed_env))
        kinds = [key for key in ("configMapRef", "secretRef") if isinstance(source.get(key), dict)]
        for key in kinds:
            name = source[key].get("name")
            if name is None or name == "":
                c.add(f"{where}/{key}/name", _required())
            elif isinstance(name, str):
                c.names(f"{where}/{key}/name", name, kv.name_is_dns_subdomain(name, True))
        if not kinds:
            c.add(path, _invalid("", "must specify one of: `configMapRef` or `secretRef`"))
        elif len(kinds) > 1:
            c.add(path, _invalid("", "may not have more than one field specified at a time"))


def _local_descending_path(c: _Checker, value: str, path: str) -> None:
    """validateLocalDescendingPath: relative, and no '..' element."""
    if value.startswith("/"):
        c.add(path, _invalid(value, "must be a relative path"))
    if ".." in value.replace("\\", "/").split("/"):
        c.add(path, _invalid(value, "must not contain '..'"))


def _volume_mounts(c: _Checker, mounts: object, path: str, volumes: set[str]) -> None:
    """ValidateVolumeMounts: every mount names a (valid) volume; mount paths unique."""
    if not isinstance(mounts, list):
        return
    mount_paths: set[str] = set()
    for index, mount in enumerate(mounts):
        if not isinstance(mount, dict):
            continue
        where = f"{path}/{index}"
        name = mount.get("name")
        if name is None or name == "":
            c.add(f"{where}/name", _required())
            name = ""
        if isinstance(name, str) and name not in volumes:
            c.add(f"{where}/name", _not_found(name))
        mount_path = mount.get("mountPath")
        if mount_path is None or mount_path == "":
            c.add(f"{where}/mountPath", _required())
            mount_path = ""
        if isinstance(mount_path, str):
            if mount_path in mount_paths:
                c.add(f"{where}/mountPath", _invalid(mount_path, "must be unique"))
            mount_paths.add(mount_path)
        sub_path = mount.get("subPath")
        if isinstance(sub_path, str) and sub_path:
            _local_descending_path(c, sub_path, f"{where}/subPath")
        expression = mount.get("subPathExpr")
        if isinstance(expression, str) and expression:
            if isinstance(sub_path, str) and sub_path:
                c.add(
                    f"{where}/subPathExpr",
                    _invalid(expression, "subPathExpr and subPath are mutually exclusive"),
                )
            _local_descending_path(c, expression, f"{where}/subPathExpr")


def _container(c: _Checker, container: Obj, path: str, volumes: set[str], is_pod: bool) -> None:
    """validateContainerCommon (and, for Pods, validateContainerOnlyForPod)."""
    name = container.get("name")
    if name is None or name == "":
        c.add(f"{path}/name", _required())
    elif isinstance(name, str):
        c.names(f"{path}/name", name, _dns_label_errors(name))
    image = container.get("image")
    if image is None or image == "":
        c.add(f"{path}/image", _required())
    elif is_pod and isinstance(image, str) and image != image.strip():
        c.add(f"{path}/image", _invalid(image, "must not have leading or trailing whitespace"))
    policy = container.get("terminationMessagePolicy")
    if isinstance(policy, str) and policy and policy not in _TERMINATION_MESSAGE_POLICIES:
        c.add(
            f"{path}/terminationMessagePolicy",
            _not_supported(policy, _TERMINATION_MESSAGE_POLICIES),
        )
    _container_ports(c, container.get("ports"), f"{path}/ports")
    _env(c, container.get("env"), f"{path}/env")
    _env_from(c, container.get("envFrom"), f"{path}/envFrom")
    _volume_mounts(c, container.get("volumeMounts"), f"{path}/volumeMounts", volumes)
    pull = container.get("imagePullPolicy")
    if isinstance(pull, str) and pull and pull not in _PULL_POLICIES:
        c.add(f"{path}/imagePullPolicy", _not_supported(pull, _PULL_POLICIES))
    _resource_requirements(c, container.get("resources"), f"{path}/resources")
    _security_context(c, container.get("securityContext"), f"{path}/securityContext")


_MAX_ID = 0xFFFFFFFF  # IsValidUserID / IsValidGroupID: uint32


def _security_context(c: _Checker, context: object, path: str, *, pod: bool = False) -> None:
    """ValidateSecurityContext (containers) and validatePodSpecSecurityContext: IDs in
    0..4294967295, and no privileged container that forbids privilege escalation."""
    if not isinstance(context, dict):
        return
    for key in ("runAsUser", "runAsGroup", "fsGroup") if pod else ("runAsUser", "runAsGroup"):
        value = context.get(key)
        if _is_int(value) and not 0 <= value <= _MAX_ID:
            c.add(f"{path}/{key}", _invalid(value, kv.inclusive_range_error(0, _MAX_ID)))
    groups = context.get("supplementalGroups") if pod else None
    for index, value in enumerate(groups if isinstance(groups, list) else []):
        if _is_int(value) and not 0 <= value <= _MAX_ID:
            c.add(
                f"{path}/supplementalGroups/{index}",
                _invalid(value, kv.inclusive_range_error(0, _MAX_ID)),
            )
    if pod or context.get("allowPrivilegeEscalation") is not False:
        return
    if context.get("privileged") is True:
        c.add(
            path,
            _invalid(
                context, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
            ),
        )
    capabilities = context.get("capabilities")
    added = capabilities.get("add") if isinstance(capabilities, dict) else None
    if isinstance(added, list) and "CAP_SYS_ADMIN" in added:
        c.add(
            path,
            _invalid(
                context,
                "cannot set `allowPrivilegeEscalation` to false and "
                "`capabilities.Add` CAP_SYS_ADMIN",
            ),
        )


def _sidecars(c: _Checker) -> bool:
    """SidecarContainers: beta and on by default from 1.29 (the field is dropped before)."""
    return c.version >= (1, 29)


def _containers(c: _Checker, spec: Obj, path: str, volumes: set[str], is_pod: bool) -> None:
    """validateContainers, validateInitContainers and the ephemeral-container rules."""
    containers = spec.get("containers")
    list_path = f"{path}/containers"
    if containers is None or containers == []:
        c.add(list_path, _required())
    regular = containers if isinstance(containers, list) else []
    names: set[str] = set()
    for index, container in enumerate(regular):
        if not isinstance(container, dict):
            continue
        where = f"{list_path}/{index}"
        _container(c, container, where, volumes, is_pod)
        name = container.get("name") or ""
        if isinstance(name, str):
            if name in names:
                c.add(f"{where}/name", _duplicate(name))
            names.add(name)
        _lifecycle(c, container.get("lifecycle"), f"{where}/lifecycle")
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            _probe(c, container.get(probe), f"{where}/{probe}", probe)
        if _sidecars(c) and container.get("restartPolicy") is not None:
            c.add(f"{where}/restartPolicy", _forbidden("may not be set for non-init containers"))
    _host_port_conflicts(c, regular, list_path)

    init = spec.get("initContainers")
    init_path = f"{path}/initContainers"
    for index, container in enumerate(init if isinstance(init, list) else []):
        if not isinstance(container, dict):
            continue
        where = f"{init_path}/{index}"
        _container(c, container, where, volumes, is_pod)
        restart = container.get("restartPolicy") if _sidecars(c) else None
        if isinstance(restart, str) and restart != "Always":
            c.add(f"{where}/restartPolicy", _not_supported(restart, ("Always",)))
        name = container.get("name") or ""
        if isinstance(name, str):
            if name in names:
                c.add(f"{where}/name", _duplicate(name))
            elif name:
                names.add(name)
        _host_port_conflicts(c, [container], init_path)
        if restart == "Always":
            _lifecycle(c, container.get("lifecycle"), f"{where}/lifecycle")
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                _probe(c, container.get(probe), f"{where}/{probe}", probe)
            continue
        for field in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
            value = container.get(field)
            if value is None:
                continue
            if c.version >= (1, 28):
                c.add(
                    f"{where}/{field}",
                    _forbidden("may not be set for init containers without restartPolicy=Always"),
                )
            else:
                c.add(f"{where}/{field}", _invalid(value, "must not be set for init containers"))

    ephemeral = spec.get("ephemeralContainers")
    if isinstance(ephemeral, list) and ephemeral:
        where = f"{path}/ephemeralContainers"
        if is_pod:
            c.add(where, _forbidden("cannot be set on create"))  # ValidatePodCreate
        else:
            c.add(where, _forbidden("ephemeral containers not allowed in pod template"))


def _tolerations(c: _Checker, tolerations: object, path: str) -> None:
    """ValidateTolerations."""
    if not isinstance(tolerations, list):
        return
    for index, toleration in enumerate(tolerations):
        if not isinstance(toleration, dict):
            continue
        where = f"{path}/{index}"
        key = toleration.get("key") or ""
        operator = toleration.get("operator") or ""
        value = toleration.get("value") or ""
        effect = toleration.get("effect") or ""
        if not all(isinstance(item, str) for item in (key, operator, value, effect)):
            continue
        if key:
            c.names(f"{where}/key", key, _label_key_errors(key))
        if not key and operator != "Exists":
            c.add(
                f"{where}/operator",
                _invalid(
                    operator,
                    "operator must be Exists when `key` "
                    'is empty, which means "match all '
                    'values and all keys"',
                ),
            )
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            c.add(
                f"{where}/effect",
                _invalid(effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
            )
        if operator in ("Equal", ""):
            errors = _label_value_errors(value)
            if errors:
                c.add(f"{where}/operator", _invalid(value, ";".join(errors)))
        elif operator == "Exists":
            if value:
                c.add(
                    f"{where}/operator",
                    _invalid(value, "value must be empty when `operator` is 'Exists'"),
                )
        else:
            c.add(f"{where}/operator", _not_supported(operator, ("Equal", "Exists")))
        if effect and effect not in _TAINT_EFFECTS:
            c.add(f"{where}/effect", _not_supported(effect, _TAINT_EFFECTS))


def _node_selector_term(c: _Checker, term: object, path: str, check_values: bool) -> None:
    """ValidateNodeSelectorTerm: matchExpressions and matchFields requirements."""
    if not isinstance(term, dict):
        return
    expressions = term.get("matchExpressions")
    for index, requirement in enumerate(expressions if isinstance(expressions, list) else []):
        if not isinstance(requirement, dict):
            continue
        where = f"{path}/matchExpressions/{index}"
        operator = requirement.get("operator")
        values = requirement.get("values")
        values = values if isinstance(values, list) else []
        if operator in ("In", "NotIn"):
            if not values:
                c.add(
                    f"{where}/values",
                    _required("must be specified when `operator` is 'In' or 'NotIn'"),
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                c.add(
                    f"{where}/values",
                    _forbidden(
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                    ),
                )
        elif operator in ("Gt", "Lt"):
            if len(values) != 1:
                c.add(
                    f"{where}/values",
                    _required("must be specified single value when `operator` is 'Lt' or 'Gt'"),
                )
        elif isinstance(operator, str) or operator is None:
            c.add(f"{where}/operator", _invalid(operator or "", "not a valid selector operator"))
        key = requirement.get("key")
        if isinstance(key, str):
            c.names(f"{where}/key", key, _label_key_errors(key))
        if check_values:
            for vi, value in enumerate(values):
                if isinstance(value, str):
                    c.names(f"{where}/values/{vi}", value, _label_value_errors(value))
    fields = term.get("matchFields")
    for index, requirement in enumerate(fields if isinstance(fields, list) else []):
        if not isinstance(requirement, dict):
            continue
        where = f"{path}/matchFields/{index}"
        operator = requirement.get("operator")
        values = requirement.get("values")
        values = values if isinstance(values, list) else []
        if operator in ("In", "NotIn"):
            if len(values) != 1:
                c.add(
                    f"{where}/values",
                    _required(
                        "must be only one value when `operator` is "
                        "'In' or 'NotIn' for node field selector"
                    ),
                )
        elif isinstance(operator, str) or operator is None:
            c.add(f"{where}/operator", _invalid(operator or "", "not a valid selector operator"))
        key = requirement.get("key")
        if key != "metadata.name":
            if isinstance(key, str) or key is None:
                c.add(f"{where}/key", _invalid(key or "", "not a valid field selector key"))
        else:
            for vi, value in enumerate(values):
                if isinstance(value, str):
                    c.names(f"{where}/values/{vi}", value, _subdomain_errors(value))


def _pod_affinity_terms(c: _Checker, terms: object, path: str, weighted: bool) -> None:
    """validatePodAffinityTerms / validateWeightedPodAffinityTerms."""
    if not isinstance(terms, list):
        return
    for index, term in enumerate(terms):
        if not isinstance(term, dict):
            continue
        where = f"{path}/{index}"
        if weighted:
            weight = term.get("weight")
            if _is_int(weight) and not 1 <= weight <= 100:
                c.add(f"{where}/weight", _invalid(weight, "must be in the range 1-100"))
            term = term.get("podAffinityTerm")
            where = f"{where}/podAffinityTerm"
            if not isinstance(term, dict):
                continue
        _label_selector(c, term.get("labelSelector"), f"{where}/labelSelector")
        _label_selector(c, term.get("namespaceSelector"), f"{where}/namespaceSelector")
        namespaces = term.get("namespaces")
        for namespace in namespaces if isinstance(namespaces, list) else []:
            if isinstance(namespace, str):
                c.names(f"{where}/namespaces", namespace, _dns_label_errors(namespace))
        topology = term.get("topologyKey")
        if topology is None or topology == "":
            c.add(f"{where}/topologyKey", _required("can not be empty"))
            topology = ""
        if isinstance(topology, str):
            c.names(f"{where}/topologyKey", topology, _label_key_errors(topology))


def _affinity(c: _Checker, affinity: object, path: str) -> None:
    """validateAffinity."""
    if not isinstance(affinity, dict):
        return
    node = affinity.get("nodeAffinity")
    if isinstance(node, dict):
        where = f"{path}/nodeAffinity"
        required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(required, dict):
            terms_path = f"{where}/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"
            terms = required.get("nodeSelectorTerms")
            if not terms:
                c.add(terms_path, _required("must have at least one node selector term"))
            elif isinstance(terms, list):
                for index, term in enumerate(terms):
                    _node_selector_term(c, term, f"{terms_path}/{index}", True)
        preferred = node.get("preferredDuringSchedulingIgnoredDuringExecution")
        if isinstance(preferred, list):
            for index, term in enumerate(preferred):
                if not isinstance(term, dict):
                    continue
                term_path = f"{where}/preferredDuringSchedulingIgnoredDuringExecution/{index}"
                weight = term.get("weight")
                if _is_int(weight) and not 1 <= weight <= 100:
                    c.add(f"{term_path}/weight", _invalid(weight, "must be in the range 1-100"))
                _node_selector_term(c, term.get("preference"), f"{term_path}/preference", False)
    for kind in ("podAffinity", "podAntiAffinity"):
        pod = affinity.get(kind)
        if isinstance(pod, dict):
            where = f"{path}/{kind}"
            _pod_affinity_terms(
                c,
                pod.get("requiredDuringSchedulingIgnoredDuringExecution"),
                f"{where}/requiredDuringSchedulingIgnoredDuringExecution",
                False,
            )
            _pod_affinity_terms(
                c,
                pod.get("preferredDuringSchedulingIgnoredDuringExecution"),
                f"{where}/preferredDuringSchedulingIgnoredDuringExecution",
                True,
            )


def _pod_spec(
    c: _Checker, spec: object, path: str, *, is_pod: bool, extra_volumes: frozenset[str] = _NONE
) -> None:
    """ValidatePodSpec for a Pod (`is_pod`) or for a pod template. `extra_volumes` are the
    volumes a controller adds to its pods (a StatefulSet's volumeClaimTemplates). A missing
    spec is Go's zero PodSpec: it has no containers."""
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        return
    volumes = _volumes(c, spec.get("volumes"), f"{path}/volumes") | extra_volumes
    _containers(c, spec, path, volumes, is_pod)
    restart = spec.get("restartPolicy")
    if isinstance(restart, str) and restart and restart not in _RESTART_POLICIES:
        c.add(f"{path}/restartPolicy", _not_supported(restart, _RESTART_POLICIES))
    dns = spec.get("dnsPolicy")
    if isinstance(dns, str) and dns and dns not in _DNS_POLICIES:
        c.add(f"{path}/dnsPolicy", _not_supported(dns, _DNS_POLICIES))
    if dns == "None":
        config = spec.get("dnsConfig")
        if config is None:
            c.add(
                f"{path}/dnsConfig", _required("must provide `dnsConfig` when `dnsPolicy` is None")
            )
        elif isinstance(config, dict) and not config.get("nameservers"):
            c.add(
                f"{path}/dnsConfig/nameservers",
                _required("must provide at least one DNS nameserver when `dnsPolicy` is None"),
            )
    _labels(c, spec.get("nodeSelector"), f"{path}/nodeSelector")
    for key, errors in (
        ("serviceAccountName", _subdomain_errors),
        ("nodeName", _subdomain_errors),
        ("priorityClassName", _subdomain_errors),
        ("hostname", _dns_label_errors),
        ("subdomain", _dns_label_errors),
    ):
        value = spec.get(key)
        if isinstance(value, str) and value:
            c.names(f"{path}/{key}", value, errors(value))
    deadline = spec.get("activeDeadlineSeconds")
    if _is_int(deadline) and not 1 <= deadline <= 2**31 - 1:
        c.add(
            f"{path}/activeDeadlineSeconds",
            _invalid(deadline, kv.inclusive_range_error(1, 2**31 - 1)),
        )
    _security_context(c, spec.get("securityContext"), f"{path}/securityContext", pod=True)
    _tolerations(c, spec.get("tolerations"), f"{path}/tolerations")
    _affinity(c, spec.get("affinity"), f"{path}/affinity")
    overhead = spec.get("overhead")
    if isinstance(overhead, dict):
        _resource_list(c, overhead, f"{path}/overhead", _container_resource_name_errors)
    if spec.get("hostNetwork") is True:
        # validatePodHostNetworkDeps: a Pod's zero hostPort is defaulted to containerPort.
        containers = spec.get("containers")
        for ci, container in enumerate(containers if isinstance(containers, list) else []):
            ports = container.get("ports") if isinstance(container, dict) else None
            for pi, port in enumerate(ports if isinstance(ports, list) else []):
                if not isinstance(port, dict):
                    continue
                host, number = port.get("hostPort"), port.get("containerPort")
                if _is_int(host) and host != 0 and host != number:
                    c.add(
                        f"{path}/containers/{ci}/ports/{pi}/hostPort",
                        _invalid(host, "must match `containerPort` when `hostNetwork` is true"),
                    )


def _pod_template(c: _Checker, template: object, path: str) -> Obj | None:
    """ValidatePodTemplateSpec: template labels and annotations, then the pod spec. A
    missing template is Go's zero PodTemplateSpec (the field is not a pointer)."""
    if template is None:
        template = {}
    if not isinstance(template, dict):
        return None
    meta = template.get("metadata")
    if isinstance(meta, dict):
        _labels(c, meta.get("labels"), f"{path}/metadata/labels")
        _annotations(c, meta.get("annotations"), f"{path}/metadata/annotations")
    _pod_spec(c, template.get("spec"), f"{path}/spec", is_pod=False)
    return template


def _template_labels(template: object) -> object:
    if isinstance(template, dict) and isinstance(template.get("metadata"), dict):
        return template["metadata"].get("labels")
    return None


def _template_spec(template: object) -> Obj:
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        return template["spec"]
    return {}


# --- workloads (pkg/apis/apps/validation, pkg/apis/batch/validation) ---------------------


def _int_or_percent(c: _Checker, value: object, path: str) -> None:
    """ValidatePositiveIntOrPercent and IsNotMoreThan100Percent."""
    if isinstance(value, str):
        errors = kv.is_valid_percent(value)
        c.names(path, value, errors)
        if not errors and int(value[:-1]) > 100:
            c.add(path, _invalid(value, "must not be greater than 100%"))
    elif _is_int(value) and value < 0:
        c.add(path, _invalid(value, _NEGATIVE))


def _int_or_percent_value(value: object) -> int:
    """getIntOrPercentValue: a valid percent's number, else IntOrString.IntValue(), which
    is strconv.Atoi of a string (0 when that fails)."""
    if _is_int(value):
        return value  # type: ignore[return-value]
    if not isinstance(value, str):
        return 0
    if not kv.is_valid_percent(value):
        return int(value[:-1])
    body = value[1:] if value[:1] in "+-" else value
    return int(value) if body.isascii() and body.isdigit() else 0


def _workload_selector(
    c: _Checker, spec: Obj, kind: str, *, required: bool = True
) -> tuple[Obj | None, bool]:
    """Required, well-formed, not empty: (the selector, whether it converts)."""
    selector = spec.get("selector")
    if selector is None:
        if required:
            c.add("/spec/selector", _required())
        return None, False
    if not isinstance(selector, dict):
        return None, False
    _label_selector(c, selector, "/spec/selector")
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        c.add(
            "/spec/selector",
            _invalid_shown(_show_selector(selector), f"empty selector is invalid for {kind}"),
        )
    return selector, True


def _template_matches(c: _Checker, selector: Obj | None, template: object, *, invalid: str) -> None:
    """The template's labels must satisfy the selector (an empty selector skips this)."""
    if selector is None or (
        not selector.get("matchLabels") and not selector.get("matchExpressions")
    ):
        return
    labels = _template_labels(template)
    matches = _selector_matches(selector, labels)
    if matches is None:
        if invalid:
            c.add("/spec/selector", _invalid_shown(_show_selector(selector), invalid))
    elif not matches:
        c.add(
            "/spec/template/metadata/labels",
            _invalid(
                labels if isinstance(labels, dict) else None,
                "`selector` does not match template `labels`",
            ),
        )


def _always_restart(c: _Checker, template: object, kind: str) -> None:
    """Controllers' templates: restartPolicy Always, no activeDeadlineSeconds."""
    spec = _template_spec(template)
    restart = spec.get("restartPolicy")
    if isinstance(restart, str) and restart and restart != "Always":
        c.add("/spec/template/spec/restartPolicy", _not_supported(restart, ("Always",)))
    if spec.get("activeDeadlineSeconds") is not None:
        c.add(
            "/spec/template/spec/activeDeadlineSeconds",
            _forbidden(f"activeDeadlineSeconds in {kind} is not Supported"),
        )


def _replica_set_spec(c: _Checker, spec: Obj, kind: str) -> None:
    """ValidateReplicaSetSpec / the shared part of ValidateDeploymentSpec."""
    c.nonnegative(spec, "replicas", "/spec")
    c.nonnegative(spec, "minReadySeconds", "/spec")
    selector, converts = _workload_selector(c, spec, "deployment")
    template = spec.get("template")
    if converts:
        _template_matches(c, selector, template, invalid="invalid label selector")
    _pod_template(c, template, "/spec/template")
    _always_restart(c, template, "ReplicaSet")


def _deployment(c: _Checker, body: Obj) -> None:
    """ValidateDeploymentSpec, after SetDefaults_Deployment."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    _replica_set_spec(c, spec, "Deployment")
    strategy = spec.get("strategy")
    if isinstance(strategy, dict):
        kind = strategy.get("type") or "RollingUpdate"
        rolling = strategy.get("rollingUpdate")
        if kind == "Recreate":
            if rolling is not None:
                c.add(
                    "/spec/strategy/rollingUpdate",
                    _forbidden("may not be specified when strategy `type` is 'Recreate'"),
                )
        elif kind == "RollingUpdate":
            rolling = rolling if isinstance(rolling, dict) else {}
            path = "/spec/strategy/rollingUpdate"
            unavailable = rolling.get("maxUnavailable", "25%")
            surge = rolling.get("maxSurge", "25%")
            _int_or_percent(c, unavailable, f"{path}/maxUnavailable")
            _int_or_percent(c, surge, f"{path}/maxSurge")
            if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
                c.add(
                    f"{path}/maxUnavailable",
                    _invalid(unavailable, "may not be 0 when `maxSurge` is 0"),
                )
        elif isinstance(kind, str):
            c.add("/spec/strategy/type", _not_supported(kind, ("Recreate", "RollingUpdate")))
    c.nonnegative(spec, "revisionHistoryLimit", "/spec")
    deadline = spec.get("progressDeadlineSeconds", 600)
    ready = spec.get("minReadySeconds", 0)
    if _is_int(deadline):
        c.nonnegative(spec, "progressDeadlineSeconds", "/spec")
        if _is_int(ready) and deadline <= ready:
            c.add(
                "/spec/progressDeadlineSeconds",
                _invalid(deadline, "must be greater than minReadySeconds"),
            )


def _replica_set(c: _Checker, body: Obj) -> None:
    spec = body.get("spec")
    if isinstance(spec, dict):
        _replica_set_spec(c, spec, "ReplicaSet")


def _daemon_set(c: _Checker, body: Obj) -> None:
    """ValidateDaemonSetSpec: a missing selector matches nothing, so the labels mismatch."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    selector = spec.get("selector")
    template = spec.get("template")
    if isinstance(selector, dict):
        _label_selector(c, selector, "/spec/selector")
        labels = _template_labels(template)
        if _selector_matches(selector, labels) is False:
            c.add(
                "/spec/template/metadata/labels",
                _invalid(
                    labels if isinstance(labels, dict) else None,
                    "`selector` does not match template `labels`",
                ),
            )
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            c.add(
                "/spec/selector",
                _invalid_shown(_show_selector(selector), "empty selector is invalid for daemonset"),
            )
    elif selector is None:
        labels = _template_labels(template)
        c.add(
            "/spec/template/metadata/labels",
            _invalid(
                labels if isinstance(labels, dict) else None,
                "`selector` does not match template `labels`",
            ),
        )
    _pod_template(c, template, "/spec/template")
    _always_restart(c, template, "DaemonSet")
    c.nonnegative(spec, "minReadySeconds", "/spec")
    c.nonnegative(spec, "revisionHistoryLimit", "/spec")
    strategy = spec.get("updateStrategy")
    if not isinstance(strategy, dict):
        return
    kind = strategy.get("type") or "RollingUpdate"
    if kind == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        rolling = rolling if isinstance(rolling, dict) else {}
        path = "/spec/updateStrategy/rollingUpdate"
        unavailable = rolling.get("maxUnavailable", 1)
        surge = rolling.get("maxSurge", 0)
        _int_or_percent(c, unavailable, f"{path}/maxUnavailable")
        _int_or_percent(c, surge, f"{path}/maxSurge")
        has_unavailable = _int_or_percent_value(unavailable) != 0
        has_surge = _int_or_percent_value(surge) != 0
        if has_unavailable and has_surge:
            c.add(
                f"{path}/maxSurge",
                _invalid(surge, "may not be set when maxUnavailable is non-zero"),
            )
        elif not has_unavailable and not has_surge:
            c.add(f"{path}/maxUnavailable", _required("cannot be 0 when maxSurge is 0"))
    elif kind != "OnDelete" and isinstance(kind, str):
        c.add("/spec/updateStrategy/type", _not_supported(kind, ("RollingUpdate", "OnDelete")))


_STATEFULSET_NOTE = (
    " (StatefulSet templates are not validated on create: the StatefulSet is "
    "accepted, its pods will be rejected)"
)


def _stateful_set(c: _Checker, body: Obj) -> None:
    """ValidateStatefulSetSpec. Upstream checks only the template's labels and annotations
    (ValidatePodTemplateSpecForStatefulSet); the rest is reported as warnings."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    policy = spec.get("podManagementPolicy")
    if isinstance(policy, str) and policy and policy not in ("OrderedReady", "Parallel"):
        c.add("/spec/podManagementPolicy", _invalid(policy, "must be 'OrderedReady' or 'Parallel'"))
    strategy = spec.get("updateStrategy")
    if isinstance(strategy, dict):
        kind = strategy.get("type") or "RollingUpdate"
        rolling = strategy.get("rollingUpdate")
        if kind == "OnDelete":
            if rolling is not None:
                c.add(
                    "/spec/updateStrategy/rollingUpdate",
                    _invalid(rolling, "only allowed for updateStrategy 'RollingUpdate'"),
                )
        elif kind == "RollingUpdate":
            if isinstance(rolling, dict):
                c.nonnegative(rolling, "partition", "/spec/updateStrategy/rollingUpdate")
        elif isinstance(kind, str):
            c.add(
                "/spec/updateStrategy", _invalid(strategy, "must be 'RollingUpdate' or 'OnDelete'")
            )
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if c.version >= (1, 27) and isinstance(retention, dict):
        for key in ("whenDeleted", "whenScaled"):
            value = retention.get(key)
            if isinstance(value, str) and value and value not in ("Retain", "Delete"):
                c.add(
                    f"/spec/persistentVolumeClaimRetentionPolicy/{key}",
                    _not_supported(value, ("Retain", "Delete")),
                )
    c.nonnegative(spec, "replicas", "/spec")
    c.nonnegative(spec, "minReadySeconds", "/spec")
    service = spec.get("serviceName")
    if c.version >= (1, 33) and isinstance(service, str) and service:
        # kubernetes/kubernetes#130233: the name becomes each pod's subdomain.
        c.names("/spec/serviceName", service, _dns_label_errors(service))
    selector, converts = _workload_selector(c, spec, "statefulset")
    template = spec.get("template")
    if converts:
        _template_matches(c, selector, template, invalid="")
    if isinstance(template, dict):
        meta = template.get("metadata")
        if isinstance(meta, dict):
            _labels(c, meta.get("labels"), "/spec/template/metadata/labels")
            _annotations(c, meta.get("annotations"), "/spec/template/metadata/annotations")
        claims = spec.get("volumeClaimTemplates")
        claims = claims if isinstance(claims, list) else []
        claim_names = frozenset(
            claim["metadata"]["name"]
            for claim in claims
            if isinstance(claim, dict)
            and isinstance(claim.get("metadata"), dict)
            and isinstance(claim["metadata"].get("name"), str)
        )
        c.soft = _STATEFULSET_NOTE
        try:
            # The controller adds a volume per claim template (updateStorage).
            _pod_spec(
                c,
                template.get("spec"),
                "/spec/template/spec",
                is_pod=False,
                extra_volumes=claim_names,
            )
            for index, claim in enumerate(claims):
                if isinstance(claim, dict) and isinstance(claim.get("spec"), dict):
                    _pvc_spec(c, claim["spec"], f"/spec/volumeClaimTemplates/{index}/spec")
        finally:
            c.soft = ""
    _always_restart(c, template, "StatefulSet")


def _replication_controller(c: _Checker, body: Obj) -> None:
    """ValidateReplicationControllerSpec; the v1 defaults copy the template's labels into an
    empty selector."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    c.nonnegative(spec, "replicas", "/spec")
    c.nonnegative(spec, "minReadySeconds", "/spec")
    template = spec.get("template")
    labels = _template_labels(template)
    selector = spec.get("selector")
    if not selector:
        selector = labels if isinstance(labels, dict) else {}
    if not isinstance(selector, dict):
        return
    if not selector:
        c.add("/spec/selector", _required())
    if template is None:
        c.add("/spec/template", _required())
        return
    if selector and _selector_matches({"matchLabels": selector}, labels) is False:
        c.add(
            "/spec/template/metadata/labels",
            _invalid(
                labels if isinstance(labels, dict) else None,
                "`selector` does not match template `labels`",
            ),
        )
    _pod_template(c, template, "/spec/template")
    _always_restart(c, template, "ReplicationController")


def _job_spec(c: _Checker, spec: Obj, path: str) -> None:
    """validateJobSpec: counts, completion mode, template and its restartPolicy."""
    for key in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ):
        c.nonnegative(spec, key, path)
    mode = spec.get("completionMode")
    if isinstance(mode, str):
        if mode not in ("NonIndexed", "Indexed"):
            c.add(f"{path}/completionMode", _not_supported(mode, ("NonIndexed", "Indexed")))
        elif mode == "Indexed" and spec.get("completions") is None:
            c.add(f"{path}/completions", _required("when completion mode is Indexed"))
    template = spec.get("template")
    _pod_template(c, template, f"{path}/template")
    restart = _template_spec(template).get("restartPolicy")
    where = f"{path}/template/spec/restartPolicy"
    if restart is None or restart in ("", "Always"):
        c.add(where, _required('valid values: "OnFailure", "Never"'))
    elif isinstance(restart, str) and restart not in ("OnFailure", "Never"):
        c.add(where, _not_supported(restart, ("OnFailure", "Never")))
    elif spec.get("podFailurePolicy") is not None and restart != "Never":
        c.add(
            where, _invalid(restart, 'only "Never" is supported when podFailurePolicy is specified')
        )


def _job(c: _Checker, body: Obj) -> None:
    """ValidateJob: a selector is generated unless manualSelector is true; a hand-written
    selector without it cannot match the generated controller-uid label."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    _job_spec(c, spec, "/spec")
    selector = spec.get("selector")
    manual = spec.get("manualSelector") is True
    if not isinstance(selector, dict):
        if manual and selector is None:
            c.add("/spec/selector", _required())
        return
    _label_selector(c, selector, "/spec/selector")
    if not manual:
        meta = body.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        expected = {
            "controller-uid": "\x00uid",
            "batch.kubernetes.io/controller-uid": "\x00uid",
            "job-name": name,
            "batch.kubernetes.io/job-name": name,
        }
        if _selector_matches(selector, expected) is False:
            c.add(
                "/spec/selector",
                _invalid_shown(_show_selector(selector), "`selector` not auto-generated"),
            )
        return
    _template_matches(c, selector, spec.get("template"), invalid="")


def _cron_job(c: _Checker, body: Obj) -> None:
    """ValidateCronJobCreate."""
    meta = body.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if isinstance(name, str) and len(name) > 52:
        # The controller appends an 11-character suffix to make the Job's name.
        c.add("/metadata/name", _invalid(name, "must be no more than 52 characters"))
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    schedule = spec.get("schedule")
    if schedule is None or schedule == "":
        c.add("/spec/schedule", _required())
    elif isinstance(schedule, str):
        error = _cron_schedule_error(schedule)
        if error:
            c.add("/spec/schedule", _invalid(schedule, error))
        if "TZ" in schedule:
            c.add(
                "/spec/schedule",
                _invalid(
                    schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
                ),
            )
    c.nonnegative(spec, "startingDeadlineSeconds", "/spec")
    c.nonnegative(spec, "successfulJobsHistoryLimit", "/spec")
    c.nonnegative(spec, "failedJobsHistoryLimit", "/spec")
    time_zone = spec.get("timeZone")
    if time_zone == "":
        c.add("/spec/timeZone", _invalid("", "timeZone must be nil or non-empty string"))
    policy = spec.get("concurrencyPolicy")
    if isinstance(policy, str) and policy and policy not in ("Allow", "Forbid", "Replace"):
        c.add("/spec/concurrencyPolicy", _not_supported(policy, ("Allow", "Forbid", "Replace")))
    template = spec.get("jobTemplate")
    job = template.get("spec") if isinstance(template, dict) else None
    if isinstance(job, dict):
        _job_spec(c, job, "/spec/jobTemplate/spec")
        if isinstance(job.get("selector"), dict):
            c.add(
                "/spec/jobTemplate/spec/selector",
                _invalid_shown(
                    _show_selector(job["selector"]), "`selector` will be auto-generated"
                ),
            )
        if job.get("manualSelector") is True:
            c.add("/spec/jobTemplate/spec/manualSelector", _not_supported(True, ("nil", "false")))


_CRON_FIELDS = (  # robfig/cron v3 bounds: minute, hour, day of month, month, day of week
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (
        1,
        12,
        {
            name: i + 1
            for i, name in enumerate(
                ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
            )
        },
    ),
    (0, 6, {name: i for i, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}),
)
_CRON_DESCRIPTORS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)


def _cron_int(text: str) -> int | str:
    """mustParseInt: the number, or robfig/cron's error text."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax'
    number = int(text)
    if number < 0:
        return f"negative number ({number}) not allowed: {text}"
    return number


def _cron_schedule_error(schedule: str) -> str | None:
    """cron.ParseStandard (robfig/cron v3), which ValidateCronJobSpec calls; None if valid."""
    spec = schedule
    if spec.startswith(("TZ=", "CRON_TZ=")):
        if " " not in spec:
            return None  # upstream panics here; leave it to the TZ rule
        spec = spec[spec.index(" ") :].strip()
    if spec.startswith("@"):
        if spec in _CRON_DESCRIPTORS or spec.startswith("@every "):
            return None
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for field, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for expr in field.split(","):
            range_and_step = expr.split("/")
            low_high = range_and_step[0].split("-")
            if low_high[0] in ("*", "?"):
                start, end = low, high
            else:
                first = names.get(low_high[0].lower()) if names else None
                start = first if first is not None else _cron_int(low_high[0])
                if isinstance(start, str):
                    return start
                if len(low_high) == 1:
                    end = start
                elif len(low_high) == 2:
                    second = names.get(low_high[1].lower()) if names else None
                    end = second if second is not None else _cron_int(low_high[1])
                    if isinstance(end, str):
                        return end
                else:
                    return f"too many hyphens: {expr}"
            step: int | str = 1
            if len(range_and_step) == 2:
                step = _cron_int(range_and_step[1])
                if isinstance(step, str):
                    return step
                if len(low_high) == 1:
                    end = high
            elif len(range_and_step) > 2:
                return f"too many slashes: {expr}"
            if start < low:
                return f"beginning of range ({start}) below minimum ({low}): {expr}"
            if end > high:
                return f"end of range ({end}) above maximum ({high}): {expr}"
            if start > end:
                return f"beginning of range ({start}) beyond end of range ({end}): {expr}"
            if step == 0:
                return f"step of range should be a positive number: {expr}"
    return None


def _pod(c: _Checker, body: Obj) -> None:
    _pod_spec(c, body.get("spec"), "/spec", is_pod=True)


def _pod_template_object(c: _Checker, body: Obj) -> None:
    _pod_template(c, body.get("template"), "/template")


# --- Services (pkg/apis/core/validation ValidateService) ----------------------------------

_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
_IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")


def _service(c: _Checker, body: Obj) -> None:
    """ValidateService, after SetDefaults_Service (type ClusterIP, protocol TCP, targetPort =
    port, sessionAffinity None, externalTrafficPolicy Cluster where it applies)."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    kind = spec.get("type") or "ClusterIP"
    cluster_ip = spec.get("clusterIP")
    ips = spec.get("clusterIPs")
    first_ip = ips[0] if isinstance(ips, list) and ips else None
    headless = cluster_ip == "None" or (not cluster_ip and first_ip == "None")
    ip_path = "/spec/clusterIP" if cluster_ip else "/spec/clusterIPs/0"
    ports = spec.get("ports")
    if not ports and not headless and kind != "ExternalName":
        c.add("/spec/ports", _required())
    if kind in ("LoadBalancer", "NodePort") and headless:
        c.add(ip_path, _invalid("None", f"may not be set to 'None' for {kind} services"))
    elif kind == "ExternalName":
        if cluster_ip or first_ip:
            c.add(
                "/spec/clusterIP" if cluster_ip else "/spec/clusterIPs",
                _forbidden("may not be set for ExternalName services"),
            )
        if spec.get("ipFamilies"):
            c.add("/spec/ipFamilies", _forbidden("may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            c.add("/spec/ipFamilyPolicy", _forbidden("may not be set for ExternalName services"))
        external = spec.get("externalName")
        cname = external.removesuffix(".") if isinstance(external, str) else ""
        if cname:
            c.names("/spec/externalName", cname, _subdomain_errors(cname))
        elif external is None or isinstance(external, str):
            c.add("/spec/externalName", _required())
    if isinstance(ports, list):
        _service_ports(c, ports, kind)
    selector = spec.get("selector")
    if isinstance(selector, dict):
        _labels(c, selector, "/spec/selector")
    affinity = spec.get("sessionAffinity")
    config = spec.get("sessionAffinityConfig")
    if isinstance(affinity, str) and affinity and affinity not in ("ClientIP", "None"):
        c.add("/spec/sessionAffinity", _not_supported(affinity, ("ClientIP", "None")))
    if affinity in ("None", "", None) and config is not None:
        c.add(
            "/spec/sessionAffinityConfig",
            _forbidden("must not be set when session affinity is None"),
        )
    if affinity == "ClientIP" and isinstance(config, dict):
        client = config.get("clientIP")
        timeout = client.get("timeoutSeconds") if isinstance(client, dict) else None
        if _is_int(timeout) and not 0 < timeout <= 86400:
            c.add(
                "/spec/sessionAffinityConfig/clientIP/timeoutSeconds",
                _invalid(timeout, "must be greater than 0 and less than 86400"),
            )
    if isinstance(kind, str) and kind not in _SERVICE_TYPES:
        c.add("/spec/type", _not_supported(kind, _SERVICE_TYPES))
    policy = spec.get("ipFamilyPolicy")
    if isinstance(policy, str) and policy not in _IP_FAMILY_POLICIES and kind != "ExternalName":
        c.add("/spec/ipFamilyPolicy", _not_supported(policy, _IP_FAMILY_POLICIES))
    families = spec.get("ipFamilies")
    for index, family in enumerate(families if isinstance(families, list) else []):
        if isinstance(family, str) and family not in ("IPv4", "IPv6"):
            c.add(f"/spec/ipFamilies/{index}", _not_supported(family, ("IPv4", "IPv6")))
    if spec.get("loadBalancerSourceRanges") and kind != "LoadBalancer":
        c.add(
            "/spec/loadBalancerSourceRanges",
            _forbidden("may only be used when `type` is 'LoadBalancer'"),
        )
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        c.add(
            "/spec/allocateLoadBalancerNodePorts",
            _forbidden("may only be used when `type` is 'LoadBalancer'"),
        )
    _traffic_policies(c, spec, kind)


def _service_ports(c: _Checker, ports: list[Any], kind: object) -> None:
    """validateServicePort, and the duplicate (protocol, port) and (protocol, nodePort) rules."""
    names: set[str] = set()
    seen_ports: set[tuple[str, int]] = set()
    seen_node_ports: set[tuple[str, int]] = set()
    several = len(ports) > 1
    for index, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        where = f"/spec/ports/{index}"
        name = port.get("name")
        if (name is None or name == "") and several:
            c.add(f"{where}/name", _required())
        elif isinstance(name, str) and name:
            c.names(f"{where}/name", name, _dns_label_errors(name))
            if name in names:
                c.add(f"{where}/name", _duplicate(name))
            names.add(name)
        number = port.get("port")
        if _is_int(number):
            for message in kv.is_valid_port_num(number):
                c.add(f"{where}/port", _invalid(number, message))
        protocol = port.get("protocol") or "TCP"
        if isinstance(protocol, str) and protocol not in _PROTOCOLS:
            c.add(f"{where}/protocol", _not_supported(protocol, _PROTOCOLS))
        target = port.get("targetPort")
        if target not in (None, 0, ""):  # zero and "" are defaulted to port
            _port_num_or_name(c, target, f"{where}/targetPort")
        app_protocol = port.get("appProtocol")
        if isinstance(app_protocol, str):
            c.names(f"{where}/appProtocol", app_protocol, _label_key_errors(app_protocol))
        node_port = port.get("nodePort")
        if _is_int(node_port) and node_port != 0:
            if kind == "ClusterIP":
                c.add(f"{where}/nodePort", _forbidden("may not be used when `type` is 'ClusterIP'"))
            for message in kv.is_valid_port_num(node_port):
                c.add(f"{where}/nodePort", _invalid(node_port, message))
            if isinstance(protocol, str):
                if (protocol, node_port) in seen_node_ports:
                    c.add(f"{where}/nodePort", _duplicate(node_port))
                seen_node_ports.add((protocol, node_port))
        if _is_int(number) and isinstance(protocol, str):
            if (protocol, number) in seen_ports:
                shown = json.dumps(
                    {
                        "Name": "",
                        "Protocol": protocol,
                        "AppProtocol": None,
                        "Port": number,
                        "TargetPort": 0,
                        "NodePort": 0,
                    },
                    separators=(",", ":"),
                )
                c.add(where, f"Duplicate value: {shown}")
            seen_ports.add((protocol, number))


def _traffic_policies(c: _Checker, spec: Obj, kind: object) -> None:
    """validateServiceExternalTrafficPolicy and validateServiceInternalTrafficFieldsValue."""
    external = spec.get("externalTrafficPolicy")
    if isinstance(external, str) and external:
        # kubernetes/kubernetes#119150 (1.29) also allows it on Services with externalIPs.
        if c.version >= (1, 29):
            accessible = kind in ("NodePort", "LoadBalancer") or bool(spec.get("externalIPs"))
            detail = "may only be set for externally-accessible services"
        else:
            accessible = kind in ("NodePort", "LoadBalancer")
            detail = "may only be set when `type` is 'NodePort' or 'LoadBalancer'"
        if not accessible:
            c.add("/spec/externalTrafficPolicy", _invalid(external, detail))
        elif external not in ("Cluster", "Local"):
            c.add("/spec/externalTrafficPolicy", _not_supported(external, ("Cluster", "Local")))
    internal = spec.get("internalTrafficPolicy")
    if isinstance(internal, str) and internal not in ("Cluster", "Local"):
        c.add("/spec/internalTrafficPolicy", _not_supported(internal, ("Cluster", "Local")))


# --- storage, quotas, config (pkg/apis/core/validation) -----------------------------------


def _access_modes(c: _Checker) -> tuple[str, ...]:
    """supportedAccessModes; ReadWriteOncePod is on by default from 1.27 (beta)."""
    if c.version >= (1, 27):
        return ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
    return ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce")


def _pvc_spec(c: _Checker, spec: Obj, path: str) -> None:
    """ValidatePersistentVolumeClaimSpec."""
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        c.add(f"{path}/accessModes", _required("at least 1 access mode is required"))
    supported = _access_modes(c)
    once_pod = other = False
    for mode in modes if isinstance(modes, list) else []:
        if not isinstance(mode, str):
            continue
        if mode not in supported:
            c.add(f"{path}/accessModes", _not_supported(mode, supported))
        elif mode == "ReadWriteOncePod":
            once_pod = True
        else:
            other = True
    if once_pod and other:
        c.add(
            f"{path}/accessModes",
            _forbidden("may not use ReadWriteOncePod with other access modes"),
        )
    _label_selector(c, spec.get("selector"), f"{path}/selector")
    resources = spec.get("resources")
    resources = resources if isinstance(resources, dict) else {}
    requests = resources.get("requests")
    requests = requests if isinstance(requests, dict) else {}
    for key in ("requests", "limits"):
        values = resources.get(key)
        if isinstance(values, dict):
            for name, value in values.items():
                if isinstance(name, str):
                    c.quantity(value, f"{path}/resources/{key}/{_esc(name)}", milli=True)
    where = f"{path}/resources/requests/storage"
    if "storage" not in requests:
        c.add(where, _required())
    else:
        storage = c.quantity(requests["storage"], where, milli=True)
        if storage is not None and storage.value <= 0:
            c.add(where, _invalid(str(storage), "must be greater than zero"))
    class_name = spec.get("storageClassName")
    if isinstance(class_name, str) and class_name:
        c.names(f"{path}/storageClassName", class_name, _subdomain_errors(class_name))
    mode = spec.get("volumeMode")
    if isinstance(mode, str) and mode not in ("Block", "Filesystem"):
        c.add(f"{path}/volumeMode", _not_supported(mode, ("Block", "Filesystem")))


def _pvc(c: _Checker, body: Obj) -> None:
    spec = body.get("spec")
    if isinstance(spec, dict):
        _pvc_spec(c, spec, "/spec")


def _pv(c: _Checker, body: Obj) -> None:
    """ValidatePersistentVolumeSpec: the parts a manifest gets wrong without the schema
    noticing (access modes, capacity, class name, volume mode)."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        c.add("/spec/accessModes", _required())
    supported = _access_modes(c)
    for mode in modes if isinstance(modes, list) else []:
        if isinstance(mode, str) and mode not in supported:
            c.add("/spec/accessModes", _not_supported(mode, supported))
    capacity = spec.get("capacity")
    if isinstance(capacity, dict):
        for name, value in capacity.items():
            if isinstance(name, str):
                where = f"/spec/capacity/{_esc(name)}"
                quantity = c.quantity(value, where, milli=True)
                if quantity is not None and name == "storage" and quantity.value <= 0:
                    c.add(where, _invalid(str(quantity), "must be greater than zero"))
    class_name = spec.get("storageClassName")
    if isinstance(class_name, str) and class_name:
        c.names("/spec/storageClassName", class_name, _subdomain_errors(class_name))
    mode = spec.get("volumeMode")
    if isinstance(mode, str) and mode not in ("Block", "Filesystem"):
        c.add("/spec/volumeMode", _not_supported(mode, ("Block", "Filesystem")))


def _resource_quota(c: _Checker, body: Obj) -> None:
    """ValidateResourceQuotaSpec: quota resource names and their values."""
    spec = body.get("spec")
    if isinstance(spec, dict):
        _resource_list(c, spec.get("hard"), "/spec/hard", _quota_resource_name_errors)


_LIMIT_TYPES = ("Pod", "Container", "PersistentVolumeClaim")


def _limit_range(c: _Checker, body: Obj) -> None:
    """ValidateLimitRange: types, resource names, and min <= defaultRequest <= default <= max."""
    spec = body.get("spec")
    limits = spec.get("limits") if isinstance(spec, dict) else None
    if not isinstance(limits, list):
        return
    types: set[str] = set()
    for index, limit in enumerate(limits):
        if not isinstance(limit, dict):
            continue
        where = f"/spec/limits/{index}"
        kind = limit.get("type")
        if isinstance(kind, str):
            errors = _label_key_errors(kind)
            c.names(f"{where}/type", kind, errors)
            if not errors and "/" not in kind and kind not in _LIMIT_TYPES:
                c.add(
                    f"{where}/type",
                    _invalid(kind, "must be a standard limit type or fully qualified"),
                )
            if kind in types:
                c.add(f"{where}/type", _duplicate(kind))
            types.add(kind)
        names = (
            _container_resource_name_errors
            if kind in ("Pod", "Container")
            else _resource_name_errors
        )
        found = {}
        for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            if kind == "Pod" and key in ("default", "defaultRequest"):
                if limit.get(key):
                    c.add(f"{where}/{key}", _forbidden("may not be specified when `type` is 'Pod'"))
                continue
            found[key] = _resource_list(c, limit.get(key), f"{where}/{key}", names)
        if (
            kind == "PersistentVolumeClaim"
            and "storage" not in found["min"]
            and "storage" not in found["max"]
        ):
            c.add(
                f"{where}/limits",
                _required(
                    "either minimum or maximum storage value is required, but neither was provided"
                ),
            )
        _limit_order(c, found, where)


def _limit_order(c: _Checker, found: dict[str, dict[str, Quantity]], where: str) -> None:
    low, high = found["min"], found["max"]
    default, request = found.get("default", {}), found.get("defaultRequest", {})
    ratio = found["maxLimitRequestRatio"]
    for name in set().union(*found.values()):
        key = _esc(name)
        if name in low and name in high and low[name].value > high[name].value:
            c.add(
                f"{where}/min/{key}",
                _invalid(
                    str(low[name]), f"min value {low[name]} is greater than max value {high[name]}"
                ),
            )
        if name in request and name in low and low[name].value > request[name].value:
            c.add(
                f"{where}/defaultRequest/{key}",
                _invalid(
                    str(request[name]),
                    f"min value {low[name]} is greater than default request value {request[name]}",
                ),
            )
        if name in request and name in high and request[name].value > high[name].value:
            c.add(
                f"{where}/defaultRequest/{key}",
                _invalid(
                    str(request[name]),
                    f"default request value {request[name]} is greater than max value {high[name]}",
                ),
            )
        if name in request and name in default and request[name].value > default[name].value:
            c.add(
                f"{where}/defaultRequest/{key}",
                _invalid(
                    str(request[name]),
                    f"default request value {request[name]} is greater than default limit "
                    f"value {default[name]}",
                ),
            )
        if name in default and name in low and low[name].value > default[name].value:
            c.add(
                f"{where}/default/{key}",
                _invalid(
                    str(low[name]),
                    f"min value {low[name]} is greater than default value {default[name]}",
                ),
            )
        if name in default and name in high and default[name].value > high[name].value:
            c.add(
                f"{where}/default/{key}",
                _invalid(
                    str(high[name]),
                    f"default value {default[name]} is greater than max value {high[name]}",
                ),
            )
        if name in ratio and ratio[name].value < 1:
            c.add(
                f"{where}/maxLimitRequestRatio/{key}",
                _invalid(str(ratio[name]), f"ratio {ratio[name]} is less than 1"),
            )


_MAX_SECRET_SIZE = 1024 * 1024  # core.MaxSecretSize, for Secrets and ConfigMaps alike


def _config_map(c: _Checker, body: Obj) -> None:
    """ValidateConfigMap: keys, no key in both data and binaryData, 1 MiB in total."""
    total = 0
    data = body.get("data")
    binary = body.get("binaryData")
    binary = binary if isinstance(binary, dict) else {}
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str):
                continue
            c.names(f"/data/{_esc(key)}", key, kv.is_config_map_key(key))
            if key in binary:
                c.add(f"/data/{_esc(key)}", _invalid(key, "duplicate of key present in binaryData"))
            if isinstance(value, str):
                total += len(value.encode("utf-8", "surrogatepass"))
    for key, value in binary.items():
        if not isinstance(key, str):
            continue
        c.names(f"/binaryData/{_esc(key)}", key, kv.is_config_map_key(key))
        if isinstance(value, str):
            decoded = _base64_length(c, value, f"/binaryData/{_esc(key)}")
            total += decoded or 0
    if total > _MAX_SECRET_SIZE:
        c.add("", _too_long(_MAX_SECRET_SIZE))


_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def _base64_length(c: _Checker, text: str, path: str) -> int | None:
    """base64.StdEncoding.Decode as encoding/json runs it on []byte fields: '\\r' and '\\n'
    are skipped, padding is required. Reports 'illegal base64 data at input byte N'."""
    offset = _base64_error(text)
    if offset is not None:
        c.hard(path, f"illegal base64 data at input byte {offset}")
        return None
    clean = text.replace("\r", "").replace("\n", "")
    return len(clean) // 4 * 3 - clean[-2:].count("=")


def _base64_error(text: str) -> int | None:
    """The byte offset Go's decoder reports, or None when `text` decodes."""
    if not text.isascii():
        for index, char in enumerate(text):
            if not char.isascii():
                return len(text[:index].encode("utf-8"))
    index = 0
    end = len(text)
    while index < end:
        quantum = 0
        while quantum < 4:
            if index == end:
                if quantum == 0:
                    return None
                return index - quantum
            char = text[index]
            index += 1
            if char in _B64:
                quantum += 1
                continue
            if char in "\r\n":
                continue
            if char != "=":
                return index - 1
            # Padding: "xx==" or "xxx=", then nothing but newlines.
            if quantum < 2:
                return index - 1
            if quantum == 2:
                while index < end and text[index] in "\r\n":
                    index += 1
                if index == end or text[index] != "=":
                    return index if index == end else index
                index += 1
            while index < end and text[index] in "\r\n":
                index += 1
            if index < end:
                return index
            return None
    return None


_SECRET_KEYS = {
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
}


def _secret(c: _Checker, body: Obj) -> None:
    """ValidateSecret, after stringData is merged into data; data values are base64."""
    data = body.get("data")
    data = data if isinstance(data, dict) else {}
    strings = body.get("stringData")
    strings = strings if isinstance(strings, dict) else {}
    total = 0
    present: dict[str, int] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        where = f"/data/{_esc(key)}"
        c.names(where, key, kv.is_config_map_key(key))
        size = _base64_length(c, value, where) if isinstance(value, str) else 0
        present[key] = size or 0
    for key, value in strings.items():
        if not isinstance(key, str):
            continue
        c.names(f"/stringData/{_esc(key)}", key, kv.is_config_map_key(key))
        if isinstance(value, str):
            present[key] = len(value.encode("utf-8", "surrogatepass"))
    total = sum(present.values())
    if total > _MAX_SECRET_SIZE:
        c.add("/data", _too_long(_MAX_SECRET_SIZE))
    kind = body.get("type")
    if kind == "kubernetes.io/service-account-token":
        meta = body.get("metadata")
        annotations = meta.get("annotations") if isinstance(meta, dict) else None
        name = (
            annotations.get("kubernetes.io/service-account.name")
            if isinstance(annotations, dict)
            else None
        )
        if not name:
            c.add("/metadata/annotations/kubernetes.io~1service-account.name", _required())
    elif isinstance(kind, str) and kind in _SECRET_KEYS:
        for key in _SECRET_KEYS[kind]:
            if key not in present:
                c.add(f"/data/{_esc(key)}", _required())
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in present and "password" not in present:
            c.add("/data/username", _required())
            c.add("/data/password", _required())
    elif kind == "kubernetes.io/ssh-auth":
        if not present.get("ssh-privatekey"):
            c.add("/data/ssh-privatekey", _required())


# --- policy and networking -----------------------------------------------------------------


def _pod_disruption_budget(c: _Checker, body: Obj) -> None:
    """ValidatePodDisruptionBudgetSpec."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    low = spec.get("minAvailable")
    high = spec.get("maxUnavailable")
    if low is not None and high is not None:
        c.add(
            "/spec",
            _invalid_shown(_show(spec), "minAvailable and maxUnavailable cannot be both set"),
        )
    for key, value in (("minAvailable", low), ("maxUnavailable", high)):
        if value is not None:
            _int_or_percent(c, value, f"/spec/{key}")
    _label_selector(c, spec.get("selector"), "/spec/selector")


def _network_policy(c: _Checker, body: Obj) -> None:
    """ValidateNetworkPolicySpec: selectors, peers, ports and policyTypes."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return
    _label_selector(c, spec.get("podSelector"), "/spec/podSelector")
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        rules = spec.get(direction)
        for ri, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, dict):
                continue
            where = f"/spec/{direction}/{ri}"
            ports = rule.get("ports")
            for pi, port in enumerate(ports if isinstance(ports, list) else []):
                if isinstance(port, dict):
                    _network_policy_port(c, port, f"{where}/ports/{pi}")
            peers = rule.get(peers_key)
            for pi, peer in enumerate(peers if isinstance(peers, list) else []):
                if not isinstance(peer, dict):
                    continue
                peer_path = f"{where}/{peers_key}/{pi}"
                kinds = [
                    key
                    for key in ("podSelector", "namespaceSelector", "ipBlock")
                    if isinstance(peer.get(key), dict)
                ]
                for key in kinds[:2]:
                    if key != "ipBlock":
                        _label_selector(c, peer[key], f"{peer_path}/{key}")
                if not kinds:
                    c.add(peer_path, _required("must specify a peer"))
                elif len(kinds) > 1 and "ipBlock" in kinds:
                    c.add(peer_path, _forbidden("may not specify both ipBlock and another peer"))
    types = spec.get("policyTypes")
    if isinstance(types, list):
        if len(types) > 2:
            c.add("/spec/policyTypes", _invalid(types, "may not specify more than two policyTypes"))
            return
        for index, kind in enumerate(types):
            if isinstance(kind, str) and kind not in ("Ingress", "Egress"):
                c.add(f"/spec/policyTypes/{index}", _not_supported(kind, ("Ingress", "Egress")))


def _network_policy_port(c: _Checker, port: Obj, path: str) -> None:
    protocol = port.get("protocol")
    if isinstance(protocol, str) and protocol not in ("TCP", "UDP", "SCTP"):
        c.add(f"{path}/protocol", _not_supported(protocol, ("TCP", "UDP", "SCTP")))
    number = port.get("port")
    end = port.get("endPort")
    if _is_int(number):
        for message in kv.is_valid_port_num(number):
            c.add(f"{path}/port", _invalid(number, message))
        if _is_int(end):
            if end < number:
                c.add(
                    f"{path}/endPort", _invalid(number, "must be greater than or equal to `port`")
                )
            for message in kv.is_valid_port_num(end):
                c.add(f"{path}/endPort", _invalid(end, message))
    elif isinstance(number, str):
        if _is_int(end):
            c.add(
                f"{path}/endPort", _invalid(end, "may not be specified when `port` is non-numeric")
            )
        c.names(f"{path}/port", number, _port_name_errors(number))
    elif number is None and _is_int(end):
        c.add(f"{path}/endPort", _invalid(end, "may not be specified when `port` is not specified"))


_HANDLERS: dict[tuple[str, str], Callable[[_Checker, Obj], None]] = {
    ("v1", "Pod"): _pod,
    ("v1", "PodTemplate"): _pod_template_object,
    ("v1", "ReplicationController"): _replication_controller,
    ("v1", "Service"): _service,
    ("v1", "PersistentVolumeClaim"): _pvc,
    ("v1", "PersistentVolume"): _pv,
    ("v1", "ResourceQuota"): _resource_quota,
    ("v1", "LimitRange"): _limit_range,
    ("v1", "ConfigMap"): _config_map,
    ("v1", "Secret"): _secret,
    ("apps/v1", "Deployment"): _deployment,
    ("apps/v1", "ReplicaSet"): _replica_set,
    ("apps/v1", "DaemonSet"): _daemon_set,
    ("apps/v1", "StatefulSet"): _stateful_set,
    ("batch/v1", "Job"): _job,
    ("batch/v1", "CronJob"): _cron_job,
    ("policy/v1", "PodDisruptionBudget"): _pod_disruption_budget,
    ("networking.k8s.io/v1", "NetworkPolicy"): _network_policy,
}
