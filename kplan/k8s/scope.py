"""Which built-in kinds are cluster-scoped (no namespace).

The OpenAPI schemas do not say; the API server's discovery does (`kubectl api-resources
--namespaced=false`). This list is that output for the built-in groups of Kubernetes
1.25-1.37; custom resources take their scope from their CRD's spec.scope.
"""

from __future__ import annotations

from collections.abc import Mapping

CLUSTER_SCOPED_KINDS: frozenset[tuple[str, str]] = frozenset(
    {
        ("", "ComponentStatus"),
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("authentication.k8s.io", "SelfSubjectReview"),
        ("authentication.k8s.io", "TokenReview"),
        ("authorization.k8s.io", "SelfSubjectAccessReview"),
        ("authorization.k8s.io", "SelfSubjectRulesReview"),
        ("authorization.k8s.io", "SubjectAccessReview"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "DeviceTaintRule"),
        ("resource.k8s.io", "ResourceSlice"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
    }
)


def group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def is_cluster_scoped(
    api_version: str, kind: str, crd_scopes: Mapping[tuple[str, str], str]
) -> bool:
    """True for cluster-scoped kinds; `crd_scopes` maps (group, kind) to a CRD's spec.scope."""
    group = group_of(api_version)
    if (group, kind) in CLUSTER_SCOPED_KINDS:
        return True
    return crd_scopes.get((group, kind)) == "Cluster"


def crd_scope(body: dict) -> tuple[tuple[str, str], str] | None:
    """((group, kind), scope) declared by a CustomResourceDefinition body, if well formed."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return None
    names = spec.get("names")
    group = spec.get("group")
    scope = spec.get("scope")
    if not isinstance(names, dict) or not isinstance(group, str) or not isinstance(scope, str):
        return None
    kind = names.get("kind")
    return ((group, kind), scope) if isinstance(kind, str) else None
