"""Built-in API versions that Kubernetes deprecated or stopped serving, and what replaces them.

Source: the Kubernetes "Deprecated API Migration Guide" (kubernetes/website,
content/en/docs/reference/using-api/deprecation-guide.md, "Removed APIs by release": v1.16,
v1.22, v1.25, v1.26, v1.27, v1.29, v1.32). The release in which each API became deprecated
(needed for the warning while it is still served) comes from the generated
`APILifecycleDeprecated()` of the type in kubernetes/kubernetes
(staging/src/k8s.io/api/<group>/<version>/zz_generated.prerelease-lifecycle.go), which is
also what kube-apiserver's own deprecation warning prints.

The guide only covers APIs that were on by default. Pre-release versions that come and go
between releases (e.g. resource.k8s.io/v1alpha3) are detected from the bundled schemas
instead (see `kplan.schema.catalog`), so this table does not need to list them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiChange:
    """One apiVersion + kind that stopped being served in `removed_in`.

    `replacement` is "apiVersion Kind" of what to use instead, or None when nothing replaces
    it (then `note` says what to do). `deprecated_in` is known for the APIs that were still
    served by some bundled Kubernetes version, so the warning can say since when.
    """

    api_version: str
    kind: str
    removed_in: str
    replacement: str | None
    deprecated_in: str | None = None
    note: str | None = None


def _changes(
    api_versions: tuple[str, ...],
    kinds: tuple[str, ...],
    removed_in: str,
    replacement_api_version: str | None,
    deprecated_in: str | None = None,
    note: str | None = None,
) -> list[ApiChange]:
    return [
        ApiChange(
            api_version,
            kind,
            removed_in,
            f"{replacement_api_version} {kind}" if replacement_api_version else None,
            deprecated_in,
            note,
        )
        for api_version in api_versions
        for kind in kinds
    ]


_PSA_NOTE = (
    "PodSecurityPolicy has no replacement API: use Pod Security Admission "
    "(pod-security.kubernetes.io/* labels on the namespace) or an admission webhook"
)

CHANGES: tuple[ApiChange, ...] = tuple(
    # v1.32
    _changes(
        ("flowcontrol.apiserver.k8s.io/v1beta3",),
        ("FlowSchema", "PriorityLevelConfiguration"),
        "1.32",
        "flowcontrol.apiserver.k8s.io/v1",
        deprecated_in="1.29",
    )
    # v1.29
    + _changes(
        ("flowcontrol.apiserver.k8s.io/v1beta2",),
        ("FlowSchema", "PriorityLevelConfiguration"),
        "1.29",
        "flowcontrol.apiserver.k8s.io/v1",
        deprecated_in="1.26",
    )
    # v1.27
    + _changes(
        ("storage.k8s.io/v1beta1",),
        ("CSIStorageCapacity",),
        "1.27",
        "storage.k8s.io/v1",
        deprecated_in="1.24",
    )
    # v1.26
    + _changes(
        ("flowcontrol.apiserver.k8s.io/v1beta1",),
        ("FlowSchema", "PriorityLevelConfiguration"),
        "1.26",
        "flowcontrol.apiserver.k8s.io/v1beta2",
        deprecated_in="1.23",
    )
    + _changes(
        ("autoscaling/v2beta2",),
        ("HorizontalPodAutoscaler",),
        "1.26",
        "autoscaling/v2",
        deprecated_in="1.23",
    )
    # v1.25
    + _changes(("batch/v1beta1",), ("CronJob",), "1.25", "batch/v1", deprecated_in="1.21")
    + _changes(
        ("discovery.k8s.io/v1beta1",),
        ("EndpointSlice",),
        "1.25",
        "discovery.k8s.io/v1",
        deprecated_in="1.21",
    )
    + _changes(
        ("events.k8s.io/v1beta1",), ("Event",), "1.25", "events.k8s.io/v1", deprecated_in="1.22"
    )
    + _changes(
        ("autoscaling/v2beta1",),
        ("HorizontalPodAutoscaler",),
        "1.25",
        "autoscaling/v2",
        deprecated_in="1.22",
    )
    + _changes(
        ("policy/v1beta1",), ("PodDisruptionBudget",), "1.25", "policy/v1", deprecated_in="1.21"
    )
    + _changes(
        ("policy/v1beta1",),
        ("PodSecurityPolicy",),
        "1.25",
        None,
        deprecated_in="1.21",
        note=_PSA_NOTE,
    )
    + _changes(
        ("node.k8s.io/v1beta1",), ("RuntimeClass",), "1.25", "node.k8s.io/v1", deprecated_in="1.22"
    )
    # v1.22
    + _changes(
        ("admissionregistration.k8s.io/v1beta1",),
        ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
        "1.22",
        "admissionregistration.k8s.io/v1",
    )
    + _changes(
        ("apiextensions.k8s.io/v1beta1",),
        ("CustomResourceDefinition",),
        "1.22",
        "apiextensions.k8s.io/v1",
    )
    + _changes(
        ("apiregistration.k8s.io/v1beta1",), ("APIService",), "1.22", "apiregistration.k8s.io/v1"
    )
    + _changes(
        ("authentication.k8s.io/v1beta1",), ("TokenReview",), "1.22", "authentication.k8s.io/v1"
    )
    + _changes(
        ("authorization.k8s.io/v1beta1",),
        (
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SubjectAccessReview",
            "SelfSubjectRulesReview",
        ),
        "1.22",
        "authorization.k8s.io/v1",
    )
    + _changes(
        ("certificates.k8s.io/v1beta1",),
        ("CertificateSigningRequest",),
        "1.22",
        "certificates.k8s.io/v1",
    )
    + _changes(("coordination.k8s.io/v1beta1",), ("Lease",), "1.22", "coordination.k8s.io/v1")
    + _changes(
        ("extensions/v1beta1", "networking.k8s.io/v1beta1"),
        ("Ingress",),
        "1.22",
        "networking.k8s.io/v1",
    )
    + _changes(("networking.k8s.io/v1beta1",), ("IngressClass",), "1.22", "networking.k8s.io/v1")
    + _changes(
        ("rbac.authorization.k8s.io/v1beta1",),
        ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
        "1.22",
        "rbac.authorization.k8s.io/v1",
    )
    + _changes(("scheduling.k8s.io/v1beta1",), ("PriorityClass",), "1.22", "scheduling.k8s.io/v1")
    + _changes(
        ("storage.k8s.io/v1beta1",),
        ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
        "1.22",
        "storage.k8s.io/v1",
    )
    # v1.16
    + _changes(("extensions/v1beta1",), ("NetworkPolicy",), "1.16", "networking.k8s.io/v1")
    + _changes(("extensions/v1beta1", "apps/v1beta2"), ("DaemonSet",), "1.16", "apps/v1")
    + _changes(
        ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"),
        ("Deployment", "ReplicaSet"),
        "1.16",
        "apps/v1",
    )
    + _changes(("apps/v1beta1", "apps/v1beta2"), ("StatefulSet",), "1.16", "apps/v1")
    + _changes(("extensions/v1beta1",), ("PodSecurityPolicy",), "1.16", None, note=_PSA_NOTE)
)

_BY_KEY: dict[tuple[str, str], ApiChange] = {
    (change.api_version, change.kind): change for change in CHANGES
}


def find_change(api_version: str, kind: str) -> ApiChange | None:
    """The table entry for this apiVersion and kind, if Kubernetes ever removed it."""
    return _BY_KEY.get((api_version, kind))
