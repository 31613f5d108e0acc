"""Removed and deprecated built-in API versions, per target Kubernetes version.

Facts: the Deprecated API Migration Guide (kubernetes/website) and the generated
APILifecycleDeprecated/Removed of each type (kubernetes/kubernetes), cited in
kplan/schema/deprecations.py; the bundled schemas tell which versions serve what.
"""

from __future__ import annotations

import pytest

from kplan.diagnostics import ERROR, WARNING
from kplan.schema import Catalog
from kplan.schema.deprecations import CHANGES


def check(version: str, api_version: str, kind: str) -> tuple[str, list[tuple[str, str, str]]]:
    found = Catalog(version).lookup(api_version, kind)
    return found.status, [(p.path, p.severity, p.message) for p in found.problems]


@pytest.mark.parametrize(
    ("version", "api_version", "kind", "removed_in", "replacement"),
    [
        ("1.25", "extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1 Ingress"),
        ("1.33", "networking.k8s.io/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1 Ingress"),
        ("1.33", "networking.k8s.io/v1beta1", "IngressClass", "1.22", "networking.k8s.io/v1 "),
        ("1.33", "apps/v1beta1", "Deployment", "1.16", "apps/v1 Deployment"),
        ("1.33", "apps/v1beta2", "Deployment", "1.16", "apps/v1 Deployment"),
        ("1.33", "extensions/v1beta1", "DaemonSet", "1.16", "apps/v1 DaemonSet"),
        ("1.33", "policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1 PodDisruptionBudget"),
        ("1.25", "batch/v1beta1", "CronJob", "1.25", "batch/v1 CronJob"),
        ("1.33", "rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.22", "rbac"),
        ("1.33", "apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22", "apiext"),
        ("1.33", "admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", "1.22",
         "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration"),
        ("1.26", "autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26",
         "autoscaling/v2 HorizontalPodAutoscaler"),
        ("1.33", "autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25",
         "autoscaling/v2 HorizontalPodAutoscaler"),
        ("1.27", "storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27",
         "storage.k8s.io/v1 CSIStorageCapacity"),
        ("1.32", "flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32",
         "flowcontrol.apiserver.k8s.io/v1 FlowSchema"),
        # the guide says v1beta2 for v1beta1; by 1.33 only v1 is served, so that is named
        ("1.33", "flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", "1.26",
         "flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration"),
    ],
)  # fmt: skip
def test_removed_apis_name_the_release_and_the_replacement(
    version: str, api_version: str, kind: str, removed_in: str, replacement: str
) -> None:
    status, problems = check(version, api_version, kind)
    assert status == "removed"
    [(path, severity, message)] = problems
    assert (path, severity) == ("/apiVersion", ERROR)
    assert message.startswith(f"{api_version} {kind} is no longer served: removed in ")
    assert f"Kubernetes v{removed_in}; use {replacement}" in message


def test_pod_security_policy_has_no_replacement_api() -> None:
    status, [(_, severity, message)] = check("1.33", "policy/v1beta1", "PodSecurityPolicy")
    assert (status, severity) == ("removed", ERROR)
    assert "removed in Kubernetes v1.25" in message and "Pod Security Admission" in message


@pytest.mark.parametrize(
    ("version", "api_version", "kind", "expected"),
    [
        ("1.25", "autoscaling/v2beta2", "HorizontalPodAutoscaler",
         "autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated in v1.23+, unavailable in "
         "v1.26+; use autoscaling/v2 HorizontalPodAutoscaler"),
        ("1.25", "storage.k8s.io/v1beta1", "CSIStorageCapacity",
         "storage.k8s.io/v1beta1 CSIStorageCapacity is deprecated in v1.24+, unavailable in "
         "v1.27+; use storage.k8s.io/v1 CSIStorageCapacity"),
        ("1.25", "flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema",
         "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema is deprecated in v1.23+, unavailable "
         "in v1.26+; use flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema"),
        ("1.26", "flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema",
         "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema is deprecated in v1.26+, unavailable "
         "in v1.29+; use flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"),
        ("1.29", "flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration",
         "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration is deprecated in "
         "v1.29+, unavailable in v1.32+; use flowcontrol.apiserver.k8s.io/v1 "
         "PriorityLevelConfiguration"),
    ],
)  # fmt: skip
def test_deprecated_but_served_apis_warn(
    version: str, api_version: str, kind: str, expected: str
) -> None:
    found = Catalog(version).lookup(api_version, kind)
    assert found.status == "builtin" and found.validator is not None
    assert [(p.path, p.severity, p.message) for p in found.problems] == [
        ("/apiVersion", WARNING, expected)
    ]


def test_not_yet_deprecated_means_no_warning() -> None:
    """flowcontrol v1beta2 is served in 1.25 and deprecated only from 1.26."""
    assert check("1.25", "flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema") == ("builtin", [])
    assert check("1.33", "apps/v1", "Deployment") == ("builtin", [])


def test_same_api_per_target_version() -> None:
    """One apiVersion through the releases: served, deprecated, removed."""
    api, kind = "flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"
    assert check("1.25", api, kind)[0] == "removed"  # not yet there: first appears in 1.26
    assert check("1.26", api, kind) == ("builtin", [])
    assert check("1.28", api, kind) == ("builtin", [])
    assert check("1.29", api, kind)[1][0][1] == WARNING
    assert check("1.31", api, kind)[1][0][1] == WARNING
    assert check("1.32", api, kind)[0] == "removed"
    assert check("1.37", api, kind)[0] == "removed"


def test_prerelease_apis_found_only_in_the_bundles() -> None:
    """Beta/alpha versions that were never on by default are not in the guide; the bundles
    tell when they went away and what serves the kind now."""
    status, [(_, severity, message)] = check("1.34", "admissionregistration.k8s.io/v1beta1",
                                             "ValidatingAdmissionPolicy")  # fmt: skip
    assert (status, severity) == ("removed", ERROR)
    assert message == (
        "admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is not served by "
        "Kubernetes v1.34: removed in v1.34; use admissionregistration.k8s.io/v1 "
        "ValidatingAdmissionPolicy"
    )
    status, [(_, _, message)] = check("1.33", "resource.k8s.io/v1alpha2", "ResourceClass")
    assert status == "removed"
    assert message.endswith("removed in v1.31; v1.33 has no other version of ResourceClass")


def test_prerelease_superseded_by_ga_warns() -> None:
    status, [(_, severity, message)] = check("1.33", "networking.k8s.io/v1beta1", "ServiceCIDR")
    assert (status, severity) == ("builtin", WARNING)
    assert message.endswith("use networking.k8s.io/v1 ServiceCIDR")


def test_api_newer_than_the_target_is_not_served() -> None:
    status, [(_, severity, message)] = check("1.30", "networking.k8s.io/v1", "ServiceCIDR")
    assert (status, severity) == ("removed", ERROR)
    assert message == (
        "networking.k8s.io/v1 ServiceCIDR is not served by Kubernetes v1.30: it first appears "
        "in v1.33; use networking.k8s.io/v1alpha1 ServiceCIDR"
    )


def test_other_versions_of_builtin_groups() -> None:
    status, [(_, _, message)] = check("1.33", "apps/v1beta2", "ControllerRevision")
    assert status == "removed"
    assert message.endswith("use apps/v1 ControllerRevision")
    assert check("1.33", "v2", "Pod")[1][0][2].endswith("use v1 Pod")


def test_every_replacement_in_the_table_is_served_by_the_newest_version() -> None:
    newest = Catalog("1.37")
    for change in CHANGES:
        if change.replacement is None:
            assert change.note
            continue
        api_version, _, kind = change.replacement.partition(" ")
        if api_version.startswith("flowcontrol.apiserver.k8s.io/v1beta"):
            continue  # the guide's interim replacement, itself removed since
        assert newest.lookup(api_version, kind).status == "builtin", change
        assert newest.lookup(change.api_version, change.kind).status == "removed", change
