"""kube-apiserver's create-time validation of built-in kinds (kplan.schema.apiserver).

Every case names the upstream function it follows (kubernetes/kubernetes pkg/apis/*/validation,
pkg/apis/core/v1/defaults.go; k8s.io/apimachinery pkg/api/validation, pkg/apis/meta/v1/
validation, pkg/util/validation/field/errors.go for the wording).
"""

from __future__ import annotations

import copy
import functools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from kplan.diagnostics import ERROR, WARNING
from kplan.schema.apiserver import check_object

VERSIONS = [f"1.{minor}" for minor in range(25, 38)]

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "web",
        "namespace": "shop",
        "labels": {"app": "web"},
        "annotations": {"example.com/owner": "team-a"},
    },
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
        },
        "template": {
            "metadata": {"labels": {"app": "web", "tier": "frontend"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "imagePullPolicy": "IfNotPresent",
                        "ports": [
                            {"name": "http", "containerPort": 8080},
                            {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
                        ],
                        "env": [
                            {"name": "MODE", "value": "prod"},
                            {
                                "name": "PASSWORD",
                                "valueFrom": {
                                    "secretKeyRef": {"name": "web-secret", "key": "password"}
                                },
                            },
                        ],
                        "resources": {
                            "requests": {"cpu": "100m", "memory": "128Mi"},
                            "limits": {"cpu": "500m", "memory": "256Mi"},
                        },
                        "volumeMounts": [{"name": "cfg", "mountPath": "/etc/web"}],
                        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
                        "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 5},
                    }
                ],
                "volumes": [{"name": "cfg", "configMap": {"name": "web-config"}}],
                "tolerations": [
                    {
                        "key": "dedicated",
                        "operator": "Equal",
                        "value": "web",
                        "effect": "NoSchedule",
                    }
                ],
            },
        },
    },
}

SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"app": "web"},
        "ports": [
            {"name": "http", "port": 80, "targetPort": "http"},
            {"name": "metrics", "port": 9090, "targetPort": 9090},
        ],
    },
}

STATEFULSET: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "db"},
    "spec": {
        "serviceName": "db",
        "selector": {"matchLabels": {"app": "db"}},
        "template": {
            "metadata": {"labels": {"app": "db"}},
            "spec": {
                "containers": [
                    {
                        "name": "db",
                        "image": "postgres:16",
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }
                ]
            },
        },
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}},
                },
            }
        ],
    },
}

JOB: dict[str, Any] = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "migrate"},
    "spec": {
        "template": {
            "spec": {"restartPolicy": "Never", "containers": [{"name": "m", "image": "migrate:1"}]}
        }
    },
}

CRONJOB: dict[str, Any] = {
    "apiVersion": "batch/v1",
    "kind": "CronJob",
    "metadata": {"name": "backup"},
    "spec": {
        "schedule": "*/15 2-4 * jan-mar mon-fri",
        "jobTemplate": {
            "spec": {
                "template": {
                    "spec": {
                        "restartPolicy": "OnFailure",
                        "containers": [
                            {
                                "name": "b",
                                "image": "backup:1",
                                "resources": {"limits": {"memory": "1Gi"}},
                            }
                        ],
                    }
                }
            }
        },
    },
}

VALID = [
    DEPLOYMENT,
    SERVICE,
    STATEFULSET,
    JOB,
    CRONJOB,
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"generateName": "worker-"},
        "spec": {"containers": [{"name": "w", "image": "busybox"}]},
    },
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web-config"},
        "data": {"app.properties": "a=b", "KEY_1": "x"},
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "tls"},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": "Y2VydA==", "tls.key": "a2V5\n"},
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}},
    },
    {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "system:controller:web"},
        "rules": [],
    },
    {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {
                "matchExpressions": [{"key": "app", "operator": "In", "values": ["agent"]}]
            },
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            },
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "a", "image": "agent:1"}]},
            },
        },
    },
    {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": "q"},
        "spec": {"hard": {"pods": "10", "requests.cpu": "4", "count/deployments.apps": 5}},
    },
]


def with_value(obj: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """A deep copy of `obj` with the JSON Pointer's target set (or deleted for DELETE)."""
    result = copy.deepcopy(obj)
    *parents, last = [
        token.replace("~1", "/").replace("~0", "~") for token in pointer.lstrip("/").split("/")
    ]
    node: Any = result
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    key: Any = int(last) if isinstance(node, list) else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return result


DELETE = object()


def errors(obj: dict[str, Any], version: str = "1.33") -> list[tuple[str, str]]:
    return [
        (p.path, p.message)
        for p in check_object(obj, kubernetes_version=version)
        if p.severity == ERROR
    ]


def warnings(obj: dict[str, Any], version: str = "1.33") -> list[tuple[str, str]]:
    return [
        (p.path, p.message)
        for p in check_object(obj, kubernetes_version=version)
        if p.severity == WARNING
    ]


C0 = "/spec/template/spec/containers/0"
DNS_LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
    "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
    "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character (e.g. "
    "'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', "
    "'_' or '.', and must start and end with an alphanumeric character (e.g. "
    "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
FORMAT_WRONG = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("obj", VALID, ids=lambda obj: obj["kind"])
def test_valid_objects_have_no_problems(obj: dict[str, Any], version: str) -> None:
    """Realistic manifests pass every version's checks, after the defaults of
    pkg/apis/{core,apps,batch}/v1/defaults.go (SetDefaults_Service, SetDefaults_Probe...)."""
    assert check_object(obj, kubernetes_version=version) == []


# --- metadata ------------------------------------------------------------------------------


def test_name_is_required_unless_generate_name() -> None:
    """api/validation/objectmeta.go ValidateObjectMetaAccessor."""
    obj = with_value(DEPLOYMENT, "/metadata/name", DELETE)
    assert errors(obj) == [("/metadata/name", "Required value: name or generateName is required")]
    obj["metadata"]["generateName"] = "web-"
    assert errors(obj) == []
    obj["metadata"]["generateName"] = "Web-"
    assert errors(obj) == [("/metadata/generateName", f'Invalid value: "Web-": {SUBDOMAIN}')]


@pytest.mark.parametrize(
    ("obj", "name", "message"),
    [
        (
            SERVICE,
            "1web",
            'Invalid value: "1web": a DNS-1035 label must consist of lower case '
            "alphanumeric characters or '-', start with an alphabetic character, and "
            "end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex "
            "used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        ),
        (VALID[6], "a.b", 'Invalid value: "a.b": must not contain dots'),
        (DEPLOYMENT, "Web", f'Invalid value: "Web": {SUBDOMAIN}'),
        (VALID[10], "a/b", "Invalid value: \"a/b\": may not contain '/'"),
    ],
)
def test_names_per_kind(obj: dict[str, Any], name: str, message: str) -> None:
    """ValidateServiceName (DNS-1035), ValidateNamespaceName (DNS label), NameIsDNSSubdomain,
    rbac ValidateRBACName (path segment: "system:controller:web" is fine)."""
    assert errors(with_value(obj, "/metadata/name", name)) == [("/metadata/name", message)]


def test_statefulset_names_are_labels_from_1_27() -> None:
    """apps ValidateStatefulSetName: NameIsDNSLabel since kubernetes/kubernetes#114172."""
    obj = with_value(STATEFULSET, "/metadata/name", "db.v2")
    assert errors(obj, "1.26") == []
    assert errors(obj, "1.27") == [
        ("/metadata/name", 'Invalid value: "db.v2": must not contain dots')
    ]


def test_namespace_is_a_dns_label_on_namespaced_kinds_only() -> None:
    """validateObjectMetaAccessorWithOptsCommon: ValidateNamespaceName when namespaced; a
    cluster-scoped object's namespace is cleared before validation (rest.BeforeCreate)."""
    assert errors(with_value(DEPLOYMENT, "/metadata/namespace", "Shop")) == [
        ("/metadata/namespace", f'Invalid value: "Shop": {DNS_LABEL}')
    ]
    assert errors(with_value(VALID[10], "/metadata/namespace", "Shop")) == []


def test_labels_keys_and_values() -> None:
    """meta/v1/validation ValidateLabels; the pointer escapes '/' in the key."""
    obj = with_value(DEPLOYMENT, "/metadata/labels", {"example.com/app": "web app", "bad key": "x"})
    assert errors(obj) == [
        ("/metadata/labels/example.com~1app", f'Invalid value: "web app": {LABEL_VALUE}'),
        (
            "/metadata/labels/bad key",
            "Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', "
            "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  "
            "or 'my.name',  or '123-abc', regex used for validation is "
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
    ]


def test_template_labels_are_labels_too() -> None:
    """core ValidatePodTemplateSpec validates template labels; long values are rejected."""
    obj = with_value(DEPLOYMENT, "/spec/template/metadata/labels/tier", "x" * 64)
    assert (
        "/spec/template/metadata/labels/tier",
        'Invalid value: "' + "x" * 64 + '": must be no more than 63 characters',
    ) in errors(obj)


def test_annotations_keys_are_case_insensitive_and_size_is_limited() -> None:
    """api/validation/objectmeta.go ValidateAnnotations: keys lowercased, then qualified
    names; keys and values together at most 256 KiB (field.TooLong)."""
    obj = with_value(DEPLOYMENT, "/metadata/annotations", {"Example.COM/Owner": "x"})
    assert errors(obj) == []
    obj = with_value(DEPLOYMENT, "/metadata/annotations", {"a": "x" * 262143})
    assert errors(obj) == []
    obj = with_value(DEPLOYMENT, "/metadata/annotations", {"a": "x" * 262144})
    assert errors(obj) == [("/metadata/annotations", "Too long: may not be more than 262144 bytes")]


def test_finalizers() -> None:
    """ValidateFinalizers and core's validateKubeFinalizerName (core ValidateObjectMeta; not
    run for custom resources)."""
    obj = with_value(DEPLOYMENT, "/metadata/finalizers", ["kubernetes", "example.com/x", "mine"])
    assert errors(obj) == [
        (
            "/metadata/finalizers/2",
            'Invalid value: "mine": name is neither '
            "a standard finalizer name nor is it fully qualified",
        )
    ]
    custom = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "finalizers": ["mine"]},
    }
    assert errors(custom) == []


# --- quantities and resources --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5.5", FORMAT_WRONG),
        ("512Mb", FORMAT_WRONG),
        ("", FORMAT_WRONG),
        ("1e", "unable to parse quantity's suffix"),
    ],
)
def test_bad_quantities_are_decoding_errors(value: str, message: str) -> None:
    """resource.ParseQuantity runs while the body is decoded: the error is the message."""
    obj = with_value(DEPLOYMENT, f"{C0}/resources/limits/memory", value)
    assert (f"{C0}/resources/limits/memory", message) in errors(obj)


def test_request_must_not_exceed_limit() -> None:
    """ValidateContainerResourceRequirements: request <= limit for the same resource."""
    obj = with_value(DEPLOYMENT, f"{C0}/resources/requests/cpu", "1")
    assert errors(obj) == [
        (
            f"{C0}/resources/requests/cpu",
            'Invalid value: "1": must be less than or equal to cpu limit of 500m',
        )
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/resources/requests/cpu", 0.5)
    assert errors(obj) == []


def test_resource_names() -> None:
    """validateResourceName / validateContainerResourceName / IsExtendedResourceName."""
    obj = with_value(
        DEPLOYMENT, f"{C0}/resources/limits", {"cpus": "1", "pods": "1", "nvidia.com/gpu": "1"}
    )
    assert errors(obj) == [
        (
            f"{C0}/resources/limits/cpus",
            'Invalid value: "cpus": must be a standard resource type or fully qualified',
        ),
        (
            f"{C0}/resources/limits/cpus",
            'Invalid value: "cpus": must be a standard resource for containers',
        ),
        (
            f"{C0}/resources/limits/pods",
            'Invalid value: "pods": must be a standard resource for containers',
        ),
    ]


def test_extended_and_hugepages_resources() -> None:
    """Extended resources are integers and not overcommitted (request == limit); hugepages
    need cpu or memory (validateResourceRequirements, ValidateResourceQuantityValue)."""
    obj = with_value(
        DEPLOYMENT,
        f"{C0}/resources",
        {"limits": {"example.com/gpu": "2"}, "requests": {"example.com/gpu": "1"}},
    )
    assert errors(obj) == [
        (
            f"{C0}/resources/requests/example.com~1gpu",
            'Invalid value: "1": must be equal to example.com/gpu limit of 2',
        )
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/resources", {"limits": {"example.com/gpu": "0.5"}})
    assert errors(obj) == [
        (f"{C0}/resources/limits/example.com~1gpu", 'Invalid value: "500m": must be an integer')
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/resources", {"limits": {"hugepages-2Mi": "4Mi"}})
    assert errors(obj) == [(f"{C0}/resources", "Forbidden: HugePages require cpu or memory")]
    obj = with_value(DEPLOYMENT, f"{C0}/resources", {"requests": {"example.com/gpu": "1"}})
    assert errors(obj) == [
        (
            f"{C0}/resources/limits",
            "Required value: Limit must be set for non overcommitable resources",
        )
    ]


def test_negative_quantities_and_milli_rounding() -> None:
    """ValidateNonnegativeQuantity prints the value as the API stores it: the v1 defaults
    round ResourceList entries up to milli (SetDefaults_ResourceList)."""
    obj = with_value(DEPLOYMENT, f"{C0}/resources/requests/cpu", "-0.0001")
    assert errors(obj) == [
        (f"{C0}/resources/requests/cpu", 'Invalid value: "-1m": must be greater than or equal to 0')
    ]


def test_quantities_everywhere() -> None:
    """Quantities are decoded in every ResourceList and Quantity field: init containers,
    overhead, emptyDir.sizeLimit, CronJob job templates."""
    obj = with_value(
        DEPLOYMENT,
        "/spec/template/spec/initContainers",
        [{"name": "init", "image": "i", "resources": {"limits": {"cpu": "1 m"}}}],
    )
    obj["spec"]["template"]["spec"]["overhead"] = {"memory": "1x"}
    obj["spec"]["template"]["spec"]["volumes"].append(
        {"name": "tmp", "emptyDir": {"sizeLimit": "1Gb"}}
    )
    assert errors(obj) == [
        ("/spec/template/spec/volumes/1/emptyDir/sizeLimit", FORMAT_WRONG),
        ("/spec/template/spec/initContainers/0/resources/limits/cpu", FORMAT_WRONG),
        ("/spec/template/spec/overhead/memory", FORMAT_WRONG),
    ]
    cron = with_value(
        CRONJOB, "/spec/jobTemplate/spec/template/spec/containers/0/resources/limits/memory", "1GB"
    )
    assert errors(cron) == [
        ("/spec/jobTemplate/spec/template/spec/containers/0/resources/limits/memory", FORMAT_WRONG)
    ]


def test_empty_dir_size_limit_must_not_be_negative() -> None:
    """validateVolumeSource: a negative sizeLimit is Forbidden. ValidateVolumes leaves a
    volume with errors out of the map mounts are looked up in, so its mount is Not found."""
    obj = with_value(
        DEPLOYMENT,
        "/spec/template/spec/volumes/0",
        {"name": "cfg", "emptyDir": {"sizeLimit": "-1Gi"}},
    )
    assert errors(obj) == [
        (
            "/spec/template/spec/volumes/0/emptyDir/sizeLimit",
            "Forbidden: SizeLimit field must be a valid resource quantity",
        ),
        (f"{C0}/volumeMounts/0/name", 'Not found: "cfg"'),
    ]


def test_persistent_volume_claims() -> None:
    """ValidatePersistentVolumeClaimSpec: access modes, storage request, volumeMode."""
    pvc = VALID[9]
    assert errors(with_value(pvc, "/spec/resources/requests", {})) == [
        ("/spec/resources/requests/storage", "Required value")
    ]
    assert errors(with_value(pvc, "/spec/resources/requests/storage", "0")) == [
        ("/spec/resources/requests/storage", 'Invalid value: "0": must be greater than zero')
    ]
    assert errors(with_value(pvc, "/spec/accessModes", [])) == [
        ("/spec/accessModes", "Required value: at least 1 access mode is required")
    ]
    assert errors(with_value(pvc, "/spec/accessModes", ["ReadWriteOnly"])) == [
        (
            "/spec/accessModes",
            'Unsupported value: "ReadWriteOnly": supported values: '
            '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", '
            '"ReadWriteOncePod"',
        )
    ]
    assert errors(with_value(pvc, "/spec/accessModes", ["ReadWriteOncePod", "ReadWriteOnce"])) == [
        ("/spec/accessModes", "Forbidden: may not use ReadWriteOncePod with other access modes")
    ]
    assert errors(with_value(pvc, "/spec/volumeMode", "Raw")) == [
        ("/spec/volumeMode", 'Unsupported value: "Raw": supported values: "Block", "Filesystem"')
    ]


def test_read_write_once_pod_before_1_27() -> None:
    """ReadWriteOncePod became a default-on beta in 1.27; before, it is not supported."""
    pvc = with_value(VALID[9], "/spec/accessModes", ["ReadWriteOncePod"])
    assert errors(pvc, "1.27") == []
    assert errors(pvc, "1.26") == [
        (
            "/spec/accessModes",
            'Unsupported value: "ReadWriteOncePod": supported values: '
            '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce"',
        )
    ]


def test_quota_and_limit_range() -> None:
    """ValidateResourceQuotaSpec (integer resources) and ValidateLimitRange (min <= max)."""
    quota = with_value(VALID[12], "/spec/hard/pods", "1.5")
    quota["spec"]["hard"]["cpus"] = "1"
    assert errors(quota) == [
        ("/spec/hard/pods", 'Invalid value: "1500m": must be an integer'),
        (
            "/spec/hard/cpus",
            'Invalid value: "cpus": must be a standard resource type or fully qualified',
        ),
        ("/spec/hard/cpus", 'Invalid value: "cpus": must be a standard resource for quota'),
    ]
    limits = {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": {"name": "l"},
        "spec": {"limits": [{"type": "Container", "min": {"cpu": "1"}, "max": {"cpu": "500m"}}]},
    }
    assert errors(limits) == [
        ("/spec/limits/0/min/cpu", 'Invalid value: "1": min value 1 is greater than max value 500m')
    ]


# --- ports ---------------------------------------------------------------------------------


def test_container_port_names_and_numbers() -> None:
    """validateContainerPorts: IANA_SVC_NAME names unique within the container, numbers
    1..65535, containerPort required, protocol TCP/UDP/SCTP."""
    ports = [
        {"name": "http", "containerPort": 8080},
        {"name": "my-very-long-port-name", "containerPort": 0},
        {"name": "http", "containerPort": 70000, "hostPort": -1, "protocol": "tcp"},
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/ports", ports)
    assert errors(obj) == [
        (
            f"{C0}/ports/1/name",
            'Invalid value: "my-very-long-port-name": must be no more than 15 characters',
        ),
        (f"{C0}/ports/1/containerPort", "Required value"),
        (f"{C0}/ports/2/name", 'Duplicate value: "http"'),
        (
            f"{C0}/ports/2/containerPort",
            "Invalid value: 70000: must be between 1 and 65535, inclusive",
        ),
        (f"{C0}/ports/2/hostPort", "Invalid value: -1: must be between 1 and 65535, inclusive"),
        (
            f"{C0}/ports/2/protocol",
            'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
        ),
    ]


def test_port_names_may_repeat_across_containers_but_host_ports_may_not() -> None:
    """Port names are checked per container; AccumulateUniqueHostPorts spans the pod."""
    spec = DEPLOYMENT["spec"]["template"]["spec"]
    second = {
        "name": "side",
        "image": "side:1",
        "ports": [{"name": "http", "containerPort": 80, "hostPort": 80}],
    }
    first = copy.deepcopy(spec["containers"][0])
    first["ports"] = [{"name": "http", "containerPort": 80, "hostPort": 80}]
    obj = with_value(DEPLOYMENT, "/spec/template/spec/containers", [first, second])
    assert errors(obj) == [
        ("/spec/template/spec/containers/1/ports/0/hostPort", 'Duplicate value: "TCP//80"')
    ]


def test_probe_ports() -> None:
    """ValidatePortNumOrName on probes: a quoted number is a name and is rejected."""
    obj = with_value(DEPLOYMENT, f"{C0}/livenessProbe/httpGet/port", "8080")
    assert errors(obj) == [
        (
            f"{C0}/livenessProbe/httpGet/port",
            'Invalid value: "8080": must contain at least one letter (a-z)',
        )
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/readinessProbe", {"grpc": {"port": 0}})
    assert errors(obj) == [
        (
            f"{C0}/readinessProbe/grpc/port",
            "Invalid value: 0: must be between 1 and 65535, inclusive",
        )
    ]


def test_probe_rules() -> None:
    """validateHandler (one action), validateLivenessProbe (successThreshold 1), probe
    counters non-negative; a zero threshold is defaulted (SetDefaults_Probe)."""
    obj = with_value(
        DEPLOYMENT,
        f"{C0}/livenessProbe",
        {
            "exec": {"command": ["true"]},
            "tcpSocket": {"port": 80},
            "successThreshold": 2,
            "periodSeconds": -1,
        },
    )
    assert errors(obj) == [
        (f"{C0}/livenessProbe/tcpSocket", "Forbidden: may not specify more than 1 handler type"),
        (
            f"{C0}/livenessProbe/periodSeconds",
            "Invalid value: -1: must be greater than or equal to 0",
        ),
        (f"{C0}/livenessProbe/successThreshold", "Invalid value: 2: must be 1"),
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/livenessProbe", {"successThreshold": 0})
    assert errors(obj) == [(f"{C0}/livenessProbe", "Required value: must specify a handler type")]


def test_service_ports() -> None:
    """validateServicePort: names required with several ports, DNS labels, unique; port
    1..65535; targetPort a number or an IANA_SVC_NAME ("8080" quoted is a name)."""
    ports = [
        {"port": 80, "targetPort": "8080"},
        {"name": "HTTP", "port": 0},
        {"name": "x", "port": 81, "targetPort": 70000},
        {"name": "x", "port": 81, "protocol": "TCP"},
    ]
    obj = with_value(SERVICE, "/spec/ports", ports)
    assert errors(obj) == [
        ("/spec/ports/0/name", "Required value"),
        (
            "/spec/ports/0/targetPort",
            'Invalid value: "8080": must contain at least one letter (a-z)',
        ),
        ("/spec/ports/1/name", f'Invalid value: "HTTP": {DNS_LABEL}'),
        ("/spec/ports/1/port", "Invalid value: 0: must be between 1 and 65535, inclusive"),
        (
            "/spec/ports/2/targetPort",
            "Invalid value: 70000: must be between 1 and 65535, inclusive",
        ),
        ("/spec/ports/3/name", 'Duplicate value: "x"'),
        (
            "/spec/ports/3",
            'Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,'
            '"Port":81,"TargetPort":0,"NodePort":0}',
        ),
    ]


def test_single_service_port_needs_no_name_and_target_port_defaults() -> None:
    """SetDefaults_Service: targetPort 0 or "" becomes port."""
    obj = with_value(SERVICE, "/spec/ports", [{"port": 80, "targetPort": 0}])
    assert errors(obj) == []


def test_service_node_ports() -> None:
    """ValidateService: nodePort Forbidden on ClusterIP; duplicates per protocol. The
    30000-32767 range is the cluster's --service-node-port-range, not checked here."""
    obj = with_value(SERVICE, "/spec/ports/0/nodePort", 30080)
    assert errors(obj) == [
        ("/spec/ports/0/nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'")
    ]
    obj["spec"]["type"] = "NodePort"
    obj["spec"]["ports"][1]["nodePort"] = 30080
    assert errors(obj) == [("/spec/ports/1/nodePort", "Duplicate value: 30080")]
    obj["spec"]["ports"][1]["nodePort"] = 70000
    assert errors(obj) == [
        ("/spec/ports/1/nodePort", "Invalid value: 70000: must be between 1 and 65535, inclusive")
    ]


def test_service_enums_and_types() -> None:
    """ValidateService enums: type, sessionAffinity, internalTrafficPolicy, ipFamilyPolicy."""
    obj = with_value(SERVICE, "/spec/type", "Internal")
    obj["spec"]["sessionAffinity"] = "Sticky"
    obj["spec"]["internalTrafficPolicy"] = "Node"
    obj["spec"]["ipFamilyPolicy"] = "DualStack"
    assert errors(obj) == [
        (
            "/spec/sessionAffinity",
            'Unsupported value: "Sticky": supported values: "ClientIP", "None"',
        ),
        (
            "/spec/type",
            'Unsupported value: "Internal": supported values: "ClusterIP", '
            '"ExternalName", "LoadBalancer", "NodePort"',
        ),
        (
            "/spec/ipFamilyPolicy",
            'Unsupported value: "DualStack": supported values: '
            '"PreferDualStack", "RequireDualStack", "SingleStack"',
        ),
        (
            "/spec/internalTrafficPolicy",
            'Unsupported value: "Node": supported values: "Cluster", "Local"',
        ),
    ]


def test_external_traffic_policy_by_version() -> None:
    """validateServiceExternalTrafficPolicy; kubernetes/kubernetes#119150 (1.29) also allows
    it with externalIPs and rewords the error."""
    obj = with_value(SERVICE, "/spec/externalTrafficPolicy", "Local")
    assert errors(obj, "1.28") == [
        (
            "/spec/externalTrafficPolicy",
            "Invalid value: \"Local\": may only be set when `type` is 'NodePort' or 'LoadBalancer'",
        )
    ]
    assert errors(obj, "1.29") == [
        (
            "/spec/externalTrafficPolicy",
            'Invalid value: "Local": may only be set for externally-accessible services',
        )
    ]
    obj["spec"]["externalIPs"] = ["192.0.2.10"]
    assert errors(obj, "1.29") == []
    obj["spec"]["type"] = "LoadBalancer"
    obj["spec"]["externalTrafficPolicy"] = "Nearest"
    assert errors(obj, "1.25") == [
        (
            "/spec/externalTrafficPolicy",
            'Unsupported value: "Nearest": supported values: "Cluster", "Local"',
        )
    ]


def test_headless_and_external_name_services() -> None:
    """ValidateService: ports may be empty only for headless or ExternalName services;
    'None' is not a NodePort clusterIP; ExternalName needs a DNS name."""
    assert errors(with_value(SERVICE, "/spec/ports", [])) == [("/spec/ports", "Required value")]
    headless = with_value(SERVICE, "/spec/ports", [])
    headless["spec"]["clusterIP"] = "None"
    assert errors(headless) == []
    headless["spec"]["type"] = "NodePort"
    assert errors(headless) == [
        (
            "/spec/clusterIP",
            "Invalid value: \"None\": may not be set to 'None' for NodePort services",
        )
    ]
    external = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "db"},
        "spec": {"type": "ExternalName"},
    }
    assert errors(external) == [("/spec/externalName", "Required value")]
    external["spec"]["externalName"] = "db.example.com."
    assert errors(external) == []


# --- enums the schemas leave open ----------------------------------------------------------


def test_image_pull_policy() -> None:
    """validatePullPolicy: NotSupported, values sorted (sets.List)."""
    obj = with_value(DEPLOYMENT, f"{C0}/imagePullPolicy", "Sometimes")
    assert errors(obj) == [
        (
            f"{C0}/imagePullPolicy",
            'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        )
    ]


def test_restart_policies() -> None:
    """validateRestartPolicy for pods; controllers accept only Always; Jobs OnFailure/Never
    (an absent or Always restartPolicy is "Required" for Jobs since Always is the default)."""
    obj = with_value(DEPLOYMENT, "/spec/template/spec/restartPolicy", "Never")
    assert errors(obj) == [
        (
            "/spec/template/spec/restartPolicy",
            'Unsupported value: "Never": supported values: "Always"',
        )
    ]
    obj = with_value(DEPLOYMENT, "/spec/template/spec/restartPolicy", "Sometimes")
    assert errors(obj) == [
        (
            "/spec/template/spec/restartPolicy",
            'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        ),
        (
            "/spec/template/spec/restartPolicy",
            'Unsupported value: "Sometimes": supported values: "Always"',
        ),
    ]
    job = with_value(JOB, "/spec/template/spec/restartPolicy", DELETE)
    assert errors(job) == [
        ("/spec/template/spec/restartPolicy", 'Required value: valid values: "OnFailure", "Never"')
    ]
    job["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    job["spec"]["podFailurePolicy"] = {"rules": []}
    assert errors(job) == [
        (
            "/spec/template/spec/restartPolicy",
            'Invalid value: "OnFailure": '
            'only "Never" is supported when podFailurePolicy is specified',
        )
    ]


def test_pod_level_enums() -> None:
    """validateDNSPolicy, validateContainerCommon's terminationMessagePolicy."""
    obj = with_value(DEPLOYMENT, "/spec/template/spec/dnsPolicy", "Cluster")
    obj["spec"]["template"]["spec"]["containers"][0]["terminationMessagePolicy"] = "Logs"
    assert errors(obj) == [
        (
            f"{C0}/terminationMessagePolicy",
            'Unsupported value: "Logs": supported values: "File", "FallbackToLogsOnError"',
        ),
        (
            "/spec/template/spec/dnsPolicy",
            'Unsupported value: "Cluster": supported values: '
            '"ClusterFirstWithHostNet", "ClusterFirst", '
            '"Default", "None"',
        ),
    ]


def test_deployment_strategy() -> None:
    """apps ValidateDeploymentStrategy and ValidateRollingUpdateDeployment."""
    obj = with_value(DEPLOYMENT, "/spec/strategy/type", "Recreate")
    assert errors(obj) == [
        (
            "/spec/strategy/rollingUpdate",
            "Forbidden: may not be specified when strategy `type` is 'Recreate'",
        )
    ]
    obj = with_value(DEPLOYMENT, "/spec/strategy/type", "BlueGreen")
    assert errors(obj) == [
        (
            "/spec/strategy/type",
            'Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"',
        )
    ]
    obj = with_value(
        DEPLOYMENT, "/spec/strategy/rollingUpdate", {"maxSurge": 0, "maxUnavailable": "0%"}
    )
    assert errors(obj) == [
        (
            "/spec/strategy/rollingUpdate/maxUnavailable",
            'Invalid value: "0%": may not be 0 when `maxSurge` is 0',
        )
    ]
    obj = with_value(
        DEPLOYMENT, "/spec/strategy/rollingUpdate", {"maxSurge": "25", "maxUnavailable": "120%"}
    )
    assert errors(obj) == [
        (
            "/spec/strategy/rollingUpdate/maxUnavailable",
            'Invalid value: "120%": must not be greater than 100%',
        ),
        (
            "/spec/strategy/rollingUpdate/maxSurge",
            'Invalid value: "25": a valid percent string must be a numeric string followed by an '
            "ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
    ]
    obj = with_value(DEPLOYMENT, "/spec/strategy/rollingUpdate", {"maxSurge": 0})
    assert errors(obj) == []  # maxUnavailable defaults to 25%


def test_deployment_counts() -> None:
    """ValidateDeploymentSpec: replicas, revisionHistoryLimit >= 0; progressDeadlineSeconds
    (default 600) greater than minReadySeconds."""
    obj = with_value(DEPLOYMENT, "/spec/replicas", -1)
    obj["spec"]["revisionHistoryLimit"] = -2
    assert errors(obj) == [
        ("/spec/replicas", "Invalid value: -1: must be greater than or equal to 0"),
        ("/spec/revisionHistoryLimit", "Invalid value: -2: must be greater than or equal to 0"),
    ]
    obj = with_value(DEPLOYMENT, "/spec/minReadySeconds", 600)
    assert errors(obj) == [
        (
            "/spec/progressDeadlineSeconds",
            "Invalid value: 600: must be greater than minReadySeconds",
        )
    ]


def test_statefulset_and_daemonset_strategies() -> None:
    """ValidateStatefulSetSpec and ValidateDaemonSetUpdateStrategy."""
    sts = with_value(STATEFULSET, "/spec/podManagementPolicy", "Random")
    sts["spec"]["updateStrategy"] = {"type": "OnDelete", "rollingUpdate": {"partition": 1}}
    assert errors(sts) == [
        (
            "/spec/podManagementPolicy",
            "Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
        ),
        (
            "/spec/updateStrategy/rollingUpdate",
            "Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'",
        ),
    ]
    ds = with_value(VALID[11], "/spec/updateStrategy/rollingUpdate/maxUnavailable", 1)
    assert errors(ds) == [
        (
            "/spec/updateStrategy/rollingUpdate/maxSurge",
            "Invalid value: 1: may not be set when maxUnavailable is non-zero",
        )
    ]
    ds = with_value(VALID[11], "/spec/updateStrategy/rollingUpdate/maxSurge", 0)
    assert errors(ds) == [
        (
            "/spec/updateStrategy/rollingUpdate/maxUnavailable",
            "Required value: cannot be 0 when maxSurge is 0",
        )
    ]


def test_jobs_and_cron_jobs() -> None:
    """batch validateJobSpec (completionMode) and validateCronJobSpec."""
    job = with_value(JOB, "/spec/completionMode", "Indexed")
    assert errors(job) == [("/spec/completions", "Required value: when completion mode is Indexed")]
    cron = with_value(CRONJOB, "/spec/concurrencyPolicy", "Skip")
    cron["spec"]["schedule"] = "0 0 * *"
    assert errors(cron) == [
        (
            "/spec/schedule",
            'Invalid value: "0 0 * *": expected exactly 5 fields, found 4: [0 0 * *]',
        ),
        (
            "/spec/concurrencyPolicy",
            'Unsupported value: "Skip": supported values: "Allow", "Forbid", "Replace"',
        ),
    ]
    cron = with_value(CRONJOB, "/spec/schedule", "CRON_TZ=UTC 61 * * * *")
    assert errors(cron) == [
        (
            "/spec/schedule",
            'Invalid value: "CRON_TZ=UTC 61 * * * *": end of range (61) above maximum (59): 61',
        ),
        (
            "/spec/schedule",
            'Invalid value: "CRON_TZ=UTC 61 * * * *": cannot use TZ or CRON_TZ '
            "in schedule, use timeZone field instead",
        ),
    ]
    cron = with_value(CRONJOB, "/metadata/name", "b" * 53)
    assert errors(cron) == [
        ("/metadata/name", f'Invalid value: "{"b" * 53}": must be no more than 52 characters')
    ]


# --- required values, names, references ----------------------------------------------------


def test_required_container_fields() -> None:
    """validateContainerCommon: name and image are required; containers must not be empty."""
    obj = with_value(DEPLOYMENT, f"{C0}/image", "")
    assert errors(obj) == [(f"{C0}/image", "Required value")]
    obj = with_value(DEPLOYMENT, "/spec/template/spec/containers", [])
    assert errors(obj) == [("/spec/template/spec/containers", "Required value")]


def test_container_names_unique_across_init_containers() -> None:
    """validateContainers / validateInitContainers: DNS labels, unique across both lists."""
    obj = with_value(
        DEPLOYMENT,
        "/spec/template/spec/initContainers",
        [{"name": "web", "image": "x"}, {"name": "Init", "image": "x"}],
    )
    assert errors(obj) == [
        ("/spec/template/spec/initContainers/0/name", 'Duplicate value: "web"'),
        ("/spec/template/spec/initContainers/1/name", f'Invalid value: "Init": {DNS_LABEL}'),
    ]


def test_volumes_and_mounts() -> None:
    """ValidateVolumes (DNS labels, unique, one source) and ValidateVolumeMounts (Not found);
    a volume without a source is defaulted to emptyDir (SetDefaults_Volume)."""
    obj = with_value(
        DEPLOYMENT,
        "/spec/template/spec/volumes",
        [
            {"name": "config"},
            {"name": "config", "emptyDir": {}},
            {"name": "both", "emptyDir": {}, "secret": {"secretName": "s"}},
        ],
    )
    assert errors(obj) == [
        ("/spec/template/spec/volumes/1/name", 'Duplicate value: "config"'),
        (
            "/spec/template/spec/volumes/2/secret",
            "Forbidden: may not specify more than 1 volume type",
        ),
        (f"{C0}/volumeMounts/0/name", 'Not found: "cfg"'),
    ]


def test_env_var_names_follow_the_version() -> None:
    """ValidateEnv: IsEnvVarName before RelaxedEnvironmentVariableValidation (1.32),
    IsRelaxedEnvVarName after."""
    obj = with_value(DEPLOYMENT, f"{C0}/env/0/name", "1MODE")
    assert errors(obj, "1.32") == []
    assert errors(obj, "1.31") == [
        (
            f"{C0}/env/0/name",
            'Invalid value: "1MODE": a valid '
            "environment variable name must consist of alphabetic "
            "characters, digits, '_', '-', or '.', and must not start "
            "with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
            "'MyEnvName1', regex used for validation is "
            "'[-._a-zA-Z][-._a-zA-Z0-9]*')",
        )
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/env/0/name", "A=B")
    assert errors(obj, "1.35") == [
        (
            f"{C0}/env/0/name",
            'Invalid value: "A=B": a valid '
            "environment variable name must consist only of printable "
            "ASCII characters other than '='",
        )
    ]


def test_env_value_sources() -> None:
    """validateEnvVarValueFrom and validateSecretKeySelector (the name is always checked)."""
    obj = with_value(DEPLOYMENT, f"{C0}/env/1/valueFrom", {"secretKeyRef": {"key": "p"}})
    assert errors(obj) == [
        (f"{C0}/env/1/valueFrom/secretKeyRef/name", f'Invalid value: "": {SUBDOMAIN}')
    ]
    obj = with_value(DEPLOYMENT, f"{C0}/env/1/valueFrom", {})
    assert errors(obj) == [
        (
            f"{C0}/env/1/valueFrom",
            'Invalid value: "": must specify one of: '
            "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
            "`secretKeyRef`",
        )
    ]


def test_sidecar_init_containers_by_version() -> None:
    """validateInitContainers: restartPolicy Always (SidecarContainers, on from 1.29) allows
    probes; without it, probes are forbidden on init containers."""
    init = {
        "name": "proxy",
        "image": "p",
        "restartPolicy": "Always",
        "readinessProbe": {"tcpSocket": {"port": 15001}},
    }
    obj = with_value(DEPLOYMENT, "/spec/template/spec/initContainers", [init])
    assert errors(obj, "1.29") == []
    assert errors(obj, "1.28") == [
        (
            "/spec/template/spec/initContainers/0/readinessProbe",
            "Forbidden: may not be set for init containers without restartPolicy=Always",
        )
    ]
    init["restartPolicy"] = "OnFailure"
    obj = with_value(DEPLOYMENT, "/spec/template/spec/initContainers", [init])
    assert errors(obj, "1.33") == [
        (
            "/spec/template/spec/initContainers/0/restartPolicy",
            'Unsupported value: "OnFailure": supported values: "Always"',
        ),
        (
            "/spec/template/spec/initContainers/0/readinessProbe",
            "Forbidden: may not be set for init containers without restartPolicy=Always",
        ),
    ]


def test_tolerations_and_node_selector() -> None:
    """ValidateTolerations and ValidateLabels on nodeSelector."""
    obj = with_value(
        DEPLOYMENT,
        "/spec/template/spec/tolerations",
        [
            {"operator": "Equal", "value": "x"},
            {
                "key": "k",
                "operator": "Exists",
                "value": "v",
                "tolerationSeconds": 30,
                "effect": "NoSchedule",
            },
        ],
    )
    obj["spec"]["template"]["spec"]["nodeSelector"] = {"disk": "fast ssd"}
    assert errors(obj) == [
        ("/spec/template/spec/nodeSelector/disk", f'Invalid value: "fast ssd": {LABEL_VALUE}'),
        (
            "/spec/template/spec/tolerations/0/operator",
            'Invalid value: "Equal": operator must be '
            'Exists when `key` is empty, which means "match all values and all keys"',
        ),
        (
            "/spec/template/spec/tolerations/1/effect",
            'Invalid value: "NoSchedule": effect must '
            "be 'NoExecute' when `tolerationSeconds` is set",
        ),
        (
            "/spec/template/spec/tolerations/1/operator",
            "Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
        ),
    ]


def test_security_contexts() -> None:
    """ValidateSecurityContext and validatePodSpecSecurityContext: uint32 IDs; a privileged
    container cannot also forbid privilege escalation."""
    obj = with_value(
        DEPLOYMENT,
        f"{C0}/securityContext",
        {"privileged": True, "allowPrivilegeEscalation": False, "runAsUser": -1},
    )
    obj["spec"]["template"]["spec"]["securityContext"] = {
        "fsGroup": 2**32,
        "supplementalGroups": [1, -5],
    }
    assert errors(obj) == [
        (
            f"{C0}/securityContext/runAsUser",
            "Invalid value: -1: must be between 0 and 4294967295, inclusive",
        ),
        (
            f"{C0}/securityContext",
            'Invalid value: {"allowPrivilegeEscalation":false,'
            '"privileged":true,"runAsUser":-1}: cannot set '
            "`allowPrivilegeEscalation` to false and `privileged` to true",
        ),
        (
            "/spec/template/spec/securityContext/fsGroup",
            "Invalid value: 4294967296: must be between 0 and 4294967295, inclusive",
        ),
        (
            "/spec/template/spec/securityContext/supplementalGroups/1",
            "Invalid value: -5: must be between 0 and 4294967295, inclusive",
        ),
    ]


# --- selectors -----------------------------------------------------------------------------


def test_selector_must_match_template_labels() -> None:
    """ValidatePodTemplateSpecForReplicaSet: the error is on the template's labels."""
    obj = with_value(DEPLOYMENT, "/spec/selector/matchLabels/app", "api")
    assert errors(obj) == [
        (
            "/spec/template/metadata/labels",
            'Invalid value: {"app":"web","tier":"frontend"}: `selector` does not '
            "match template `labels`",
        )
    ]
    obj = with_value(
        DEPLOYMENT,
        "/spec/selector",
        {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["frontend"]}]},
    )
    assert errors(obj) == [
        (
            "/spec/template/metadata/labels",
            'Invalid value: {"app":"web","tier":"frontend"}: `selector` does not '
            "match template `labels`",
        )
    ]


def test_selector_required_and_not_empty() -> None:
    """ValidateDeploymentSpec: selector Required, an empty selector is invalid."""
    assert errors(with_value(DEPLOYMENT, "/spec/selector", DELETE)) == [
        ("/spec/selector", "Required value")
    ]
    assert errors(with_value(DEPLOYMENT, "/spec/selector", {})) == [
        ("/spec/selector", "Invalid value: {}: empty selector is invalid for deployment")
    ]


def test_selector_requirements() -> None:
    """ValidateLabelSelectorRequirement; a selector that does not convert is reported once
    more as "invalid label selector" and the template is not matched."""
    obj = with_value(
        DEPLOYMENT,
        "/spec/selector",
        {
            "matchExpressions": [
                {"key": "app", "operator": "Equals", "values": ["web"]},
                {"key": "tier", "operator": "In"},
            ]
        },
    )
    assert errors(obj) == [
        (
            "/spec/selector/matchExpressions/0/operator",
            'Invalid value: "Equals": not a valid selector operator',
        ),
        (
            "/spec/selector/matchExpressions/1/values",
            "Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ),
        (
            "/spec/selector",
            'Invalid value: {"matchExpressions":[{"key":"app","operator":'
            '"Equals","values":["web"]},{"key":"tier","operator":"In"}]}: '
            "invalid label selector",
        ),
    ]


def test_service_selector_values_are_label_values() -> None:
    """ValidateService runs ValidateLabels on spec.selector."""
    obj = with_value(SERVICE, "/spec/selector/app", "web app")
    assert errors(obj) == [("/spec/selector/app", f'Invalid value: "web app": {LABEL_VALUE}')]


def test_job_selectors() -> None:
    """batch validateGeneratedSelector: without manualSelector the selector is generated and
    a hand-written one cannot match; with it, it must match the template."""
    obj = with_value(JOB, "/spec/selector", {"matchLabels": {"app": "migrate"}})
    assert errors(obj) == [
        (
            "/spec/selector",
            'Invalid value: {"matchLabels":{"app":"migrate"}}: `selector` not auto-generated',
        )
    ]
    obj["spec"]["manualSelector"] = True
    assert errors(obj) == [
        (
            "/spec/template/metadata/labels",
            "Invalid value: null: `selector` does not match template `labels`",
        )
    ]
    obj["spec"]["template"]["metadata"] = {"labels": {"app": "migrate"}}
    assert errors(obj) == []
    cron = with_value(CRONJOB, "/spec/jobTemplate/spec/selector", {"matchLabels": {"a": "b"}})
    assert errors(cron) == [
        (
            "/spec/jobTemplate/spec/selector",
            'Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
        )
    ]


def test_replication_controller_selector_defaults_from_template() -> None:
    """SetDefaults_ReplicationController copies template labels into an empty selector;
    with neither, ValidateNonEmptySelector says Required."""
    rc = {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": "rc"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "x"}},
                "spec": {"containers": [{"name": "c", "image": "i"}]},
            }
        },
    }
    assert errors(rc) == []
    del rc["spec"]["template"]["metadata"]
    assert errors(rc) == [("/spec/selector", "Required value")]


# --- StatefulSets --------------------------------------------------------------------------


def test_statefulset_templates_are_warnings() -> None:
    """ValidatePodTemplateSpecForStatefulSet does not validate the pod spec: the StatefulSet is
    accepted and its pods are rejected later, so those problems are warnings. Quantities are
    still decoded, so their errors stay errors."""
    obj = with_value(STATEFULSET, "/spec/template/spec/containers/0/image", DELETE)
    obj["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1 core"}}
    assert errors(obj) == [("/spec/template/spec/containers/0/resources/limits/cpu", FORMAT_WRONG)]
    found = warnings(obj)
    assert len(found) == 1
    assert found[0][0] == "/spec/template/spec/containers/0/image"
    assert found[0][1].startswith("Required value (StatefulSet templates are not validated")


def test_statefulset_claim_templates_provide_volumes() -> None:
    """The StatefulSet controller adds one volume per volumeClaimTemplate (updateStorage), so
    mounting "data" needs no volume in the template."""
    assert check_object(STATEFULSET, kubernetes_version="1.33") == []
    obj = with_value(STATEFULSET, "/spec/volumeClaimTemplates/0/metadata/name", "storage")
    assert warnings(obj)[0][:1] == ("/spec/template/spec/containers/0/volumeMounts/0/name",)


def test_statefulset_service_name_from_1_33() -> None:
    """kubernetes/kubernetes#130233 (1.33): serviceName must be a DNS label."""
    obj = with_value(STATEFULSET, "/spec/serviceName", "db.svc")
    assert errors(obj, "1.32") == []
    assert errors(obj, "1.33") == [
        ("/spec/serviceName", 'Invalid value: "db.svc": must not contain dots')
    ]


# --- Secrets, ConfigMaps, policy ------------------------------------------------------------


def test_secret_data() -> None:
    """ValidateSecret: keys are config keys, TLS secrets need both keys; data is base64, and a
    bad value fails decoding like encoding/json's []byte ("illegal base64 data")."""
    secret = with_value(VALID[8], "/data", {"tls.crt": "not base64!"})
    assert errors(secret) == [
        ("/data/tls.crt", "illegal base64 data at input byte 3"),
        ("/data/tls.key", "Required value"),
    ]
    secret = with_value(VALID[8], "/stringData", {"tls.key": "k", "bad key": "x"})
    secret["data"] = {"tls.crt": "YWJj"}
    assert errors(secret) == [
        (
            "/stringData/bad key",
            'Invalid value: "bad key": a valid config key must consist of '
            "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is "
            "'[-._a-zA-Z0-9]+')",
        )
    ]
    assert errors(with_value(VALID[8], "/data/tls.key", "abc")) == [
        ("/data/tls.key", "illegal base64 data at input byte 0")
    ]


def test_config_map_keys() -> None:
    """ValidateConfigMap: keys, and no key in both data and binaryData."""
    cm = with_value(VALID[7], "/binaryData", {"KEY_1": "eA=="})
    cm["data"]["../etc"] = "x"
    assert errors(cm) == [
        ("/data/KEY_1", 'Invalid value: "KEY_1": duplicate of key present in binaryData'),
        (
            "/data/..~1etc",
            'Invalid value: "../etc": a valid config key must consist of '
            "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is "
            "'[-._a-zA-Z0-9]+')",
        ),
        ("/data/..~1etc", "Invalid value: \"../etc\": must not start with '..'"),
    ]


def test_pod_disruption_budget() -> None:
    """policy ValidatePodDisruptionBudgetSpec."""
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p"},
        "spec": {
            "minAvailable": "50%",
            "maxUnavailable": 1,
            "selector": {"matchLabels": {"app": "web"}},
        },
    }
    assert errors(pdb) == [
        (
            "/spec",
            'Invalid value: {"maxUnavailable":1,"minAvailable":"50%",'
            '"selector":{"matchLabels":{"app":"web"}}}: minAvailable '
            "and maxUnavailable cannot be both set",
        )
    ]


def test_pods_only_rules() -> None:
    """validateContainerOnlyForPod (image whitespace) and ValidatePodCreate (no ephemeral
    containers on create); templates forbid ephemeral containers altogether."""
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "containers": [{"name": "c", "image": "busybox "}],
            "ephemeralContainers": [{"name": "debug", "image": "busybox"}],
        },
    }
    assert errors(pod) == [
        (
            "/spec/containers/0/image",
            'Invalid value: "busybox ": must not have leading or trailing whitespace',
        ),
        ("/spec/ephemeralContainers", "Forbidden: cannot be set on create"),
    ]
    obj = with_value(
        DEPLOYMENT,
        "/spec/template/spec/ephemeralContainers",
        [{"name": "debug", "image": "busybox"}],
    )
    assert errors(obj) == [
        (
            "/spec/template/spec/ephemeralContainers",
            "Forbidden: ephemeral containers not allowed in pod template",
        )
    ]


# --- robustness ----------------------------------------------------------------------------

ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    3.5,
    "",
    "x",
    [],
    {},
    [None],
    [{}],
    {"": None},
    {"a": [1, {"b": None}]},
    "1.5.5",
]


def _pointers(node: Any, prefix: str = "") -> list[str]:
    found = []
    if isinstance(node, dict):
        items = [(str(key), value) for key, value in node.items()]
    elif isinstance(node, list):
        items = [(str(index), value) for index, value in enumerate(node)]
    else:
        return found
    for key, value in items:
        pointer = f"{prefix}/{key.replace('~', '~0').replace('/', '~1')}"
        found.append(pointer)
        found.extend(_pointers(value, pointer))
    return found


@pytest.mark.parametrize("obj", VALID, ids=lambda obj: obj["kind"])
def test_odd_values_anywhere_never_raise(obj: dict[str, Any]) -> None:
    """Values of the wrong type never reach upstream's validation (the JSON decoder into the
    typed structs rejects them); here they are the schema layer's to report. Every field of
    every valid object, replaced by every odd value, must not make the checks raise."""
    rng = random.Random(1)
    for pointer in _pointers(obj):
        for value in ODD_VALUES:
            check_object(with_value(obj, pointer, value), kubernetes_version=rng.choice(VERSIONS))


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "Deployment",
        3,
        {},
        {"kind": 1, "apiVersion": []},
        {"apiVersion": "v1", "kind": "Pod"},
        {"apiVersion": "v1", "kind": "Pod", "metadata": [], "spec": "x"},
    ],
)
def test_non_objects(body: Any) -> None:
    """Not a mapping, or no usable kind: the decoder (runtime.Decode) would reject it before
    any ValidateXxx runs, so there is nothing to check and nothing raised."""
    check_object(body, kubernetes_version="1.33")


def test_unknown_version_strings_mean_the_newest() -> None:
    """An unparsable version falls back to the newest rules (pkg/features/kube_features.go
    defaults of the newest release) instead of failing."""
    assert check_object(DEPLOYMENT, kubernetes_version="latest") == []


# --- the real-world corpus -----------------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

NOT_API_OBJECTS = (
    "not an API object (kube-scheduler Policy / kustomize Kustomization): "
    "kplan's pipeline finds no schema for it and never runs these checks on it; "
    "called directly, it has no metadata.name"
)

# (file, kind, pointer, message start, why it is a true positive upstream)
CORPUS_FINDINGS = [
    (
        "k8s-examples-archived/scheduler-policy/scheduler-policy-config-with-extender.json",
        "Policy",
        "/metadata/name",
        "Required value: name or generateName is required",
        NOT_API_OBJECTS,
    ),
    (
        "k8s-examples-archived/scheduler-policy/scheduler-policy-config.json",
        "Policy",
        "/metadata/name",
        "Required value: name or generateName is required",
        NOT_API_OBJECTS,
    ),
    (
        "k8s-examples-archived/storage/vitess/vttablet-pod-template.yaml",
        "Pod",
        "/metadata/name",
        'Invalid value: "vttablet-{{uid}}": a lowercase RFC 1123 subdomain',
        "an unrendered template: '{' is not allowed in a Pod name (NameIsDNSSubdomain)",
    ),
    (
        "k8s-examples-archived/storage/vitess/vttablet-pod-template.yaml",
        "Pod",
        "/metadata/labels/keyspace",
        'Invalid value: "{{keyspace}}": a valid label must be',
        "an unrendered template placeholder is not a label value (IsValidLabelValue)",
    ),
    (
        "k8s-examples-archived/storage/vitess/vttablet-pod-template.yaml",
        "Pod",
        "/metadata/labels/shard",
        'Invalid value: "{{shard_label}}": a valid label must be',
        "an unrendered template placeholder is not a label value (IsValidLabelValue)",
    ),
    (
        "k8s-examples-archived/storage/vitess/vttablet-pod-template.yaml",
        "Pod",
        "/metadata/labels/tablet",
        'Invalid value: "{{alias}}": a valid label must be',
        "an unrendered template placeholder is not a label value (IsValidLabelValue)",
    ),
    (
        "k8s-examples-archived/sysdig-cloud/sysdig-rc.yaml",
        "ReplicationController",
        "/spec/selector",
        "Required value",
        "no selector and no template labels to default it from "
        "(SetDefaults_ReplicationController, then ValidateNonEmptySelector)",
    ),
    (
        "k8s-examples-archived/volumes/aws_ebs/aws-ebs-web.yaml",
        "Pod",
        "/spec/containers/0/ports/0/protocol",
        'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
        "protocols are case-sensitive (validateContainerPorts)",
    ),
    (
        "k8s-examples-archived/volumes/cinder/cinder-web.yaml",
        "Pod",
        "/spec/containers/0/ports/0/protocol",
        'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
        "protocols are case-sensitive (validateContainerPorts)",
    ),
    (
        "kube-state-metrics/standard/kustomization.yaml",
        "Kustomization",
        "/metadata/name",
        "Required value: name or generateName is required",
        NOT_API_OBJECTS,
    ),
    (
        "metrics-server/base/deployment.yaml",
        "Deployment",
        "/spec/selector",
        "Required value",
        "a kustomize base: its commonLabels add the selector; applied as is, apps/v1 rejects it",
    ),
    (
        "metrics-server/base/kustomization.yaml",
        "Kustomization",
        "/metadata/name",
        "Required value: name or generateName is required",
        NOT_API_OBJECTS,
    ),
]


@functools.cache
def _corpus_objects() -> list[tuple[str, dict[str, Any]]]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    yaml.version = (1, 1)
    yaml.allow_duplicate_keys = True
    # prometheus-operator's CRDs have `- =` in an enum: YAML 1.1's value tag, read as "=".
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
    )
    found = []
    for path in sorted(CORPUS.rglob("*")):
        relative = path.relative_to(CORPUS)
        if relative.parts[0] == "snapshots" or path.suffix not in (".yaml", ".yml", ".json"):
            continue
        text = path.read_text(encoding="utf-8")
        documents = [json.loads(text)] if path.suffix == ".json" else yaml.load_all(text)
        for document in documents:
            if not isinstance(document, dict) or "apiVersion" not in document:
                continue
            items = document.get("items")
            if str(document.get("kind", "")).endswith("List") and isinstance(items, list):
                candidates = [item for item in items if isinstance(item, dict)]
            else:
                candidates = [document]
            found.extend((relative.as_posix(), item) for item in candidates)
    return found


@pytest.mark.parametrize("version", ["1.25", "1.29", "1.33", "1.37"])
def test_real_world_corpus(version: str) -> None:
    """Every object of the shared corpus through the checks above (ValidateObjectMeta,
    ValidatePodSpec, ValidateService, ...): only the listed problems, each explained as an
    upstream rejection, and no warnings."""
    if not CORPUS.is_dir():
        pytest.skip("the shared real-world corpus is not beside this checkout")
    found = []
    for source, obj in _corpus_objects():
        for problem in check_object(obj, kubernetes_version=version):
            found.append((source, obj.get("kind"), problem.path, problem.message, problem.severity))
    assert len(found) == len(CORPUS_FINDINGS)
    for (source, kind, path, message, severity), expected in zip(
        found, CORPUS_FINDINGS, strict=True
    ):
        assert (source, kind, path) == expected[:3]
        assert message.startswith(expected[3])
        assert severity == ERROR
