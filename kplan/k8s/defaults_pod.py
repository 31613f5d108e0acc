"""Pod spec defaults, shared by bare Pods and every pod template.

Upstream: kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec,
SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_Volume and
the volume-source defaulters, SetDefaults_ObjectFieldSelector,
SetDefaults_PersistentVolumeClaimSpec) wired per type by pkg/apis/core/v1/
zz_generated.defaults.go, plus the declarative `+default` markers of
staging/src/k8s.io/api/core/v1/types.go (ContainerPort.protocol "TCP", GRPCAction.service "",
RBD/ISCSI volume fields). Also the v1 conversion's serviceAccount alias
(pkg/apis/core/v1/conversion.go Convert_core_PodSpec_To_v1_PodSpec).
"""

from __future__ import annotations

from typing import Any

from kplan.k8s.defaults_base import (
    Version,
    child,
    dicts,
    set_if_empty_string,
    set_if_nil,
    set_if_zero,
)
from kplan.k8s.defaults_image import pull_policy

# Until 1.28 SetDefaults_PodSpec also set hostPort = containerPort under hostNetwork, so pod
# templates carried it; 1.28 moved it to SetDefaults_Pod (feature gate
# DefaultHostNetworkHostPortsInPodTemplates, deprecated and off in 1.28, removed in 1.31).
TEMPLATE_HOST_PORTS_BEFORE: Version = (1, 28)
# ImageVolume: alpha 1.31, beta but off 1.33, on by default from 1.35.
IMAGE_VOLUME_FROM: Version = (1, 35)

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")

# The members of v1.VolumeSource; a volume naming none of them gets emptyDir.
VOLUME_SOURCES = frozenset(
    {
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo",
        "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume",
        "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
        "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
    }
)  # fmt: skip
# 0644: SecretVolumeSourceDefaultMode and the ConfigMap/DownwardAPI/Projected equivalents.
DEFAULT_MODE = 420


def default_pod_spec(spec: dict[str, Any], version: Version, *, bare_pod: bool) -> None:
    """Everything a PodSpec gets, in place; `bare_pod` adds SetDefaults_Pod's extras."""
    _pod_spec_fields(spec)
    for key in CONTAINER_LISTS:
        for container in dicts(spec.get(key)):
            default_container(container)
    for volume in dicts(spec.get("volumes")):
        default_volume(volume, version)
    _service_account_alias(spec)
    if spec.get("hostNetwork") is True and (bare_pod or version < TEMPLATE_HOST_PORTS_BEFORE):
        _host_network_ports(spec)


def default_pod_template(template: dict[str, Any], version: Version) -> None:
    """A PodTemplateSpec (Deployment, Job, ... `spec.template`)."""
    spec = child(template, "spec")
    if spec is not None:
        default_pod_spec(spec, version, bare_pod=False)


def _pod_spec_fields(spec: dict[str, Any]) -> None:
    """SetDefaults_PodSpec."""
    set_if_empty_string(spec, "dnsPolicy", "ClusterFirst")
    set_if_empty_string(spec, "restartPolicy", "Always")
    set_if_nil(spec, "securityContext", {})
    set_if_nil(spec, "terminationGracePeriodSeconds", 30)
    set_if_empty_string(spec, "schedulerName", "default-scheduler")


def _service_account_alias(spec: dict[str, Any]) -> None:
    """The deprecated `serviceAccount` is read as an alias when serviceAccountName is empty,
    and always written back as a copy of serviceAccountName."""
    name = spec.get("serviceAccountName")
    if not name:
        alias = spec.get("serviceAccount")
        if isinstance(alias, str) and alias:
            spec["serviceAccountName"] = name = alias
    if isinstance(name, str) and name:
        spec["serviceAccount"] = name


def _host_network_ports(spec: dict[str, Any]) -> None:
    """defaultHostNetworkPorts: containers and init containers (not ephemeral ones)."""
    for key in ("containers", "initContainers"):
        for container in dicts(spec.get(key)):
            for port in dicts(container.get("ports")):
                container_port = port.get("containerPort")
                if isinstance(container_port, int) and not isinstance(container_port, bool):
                    set_if_zero(port, "hostPort", container_port)


def default_container(container: dict[str, Any]) -> None:
    """SetDefaults_Container plus the nested defaulters generated for a Container."""
    if container.get("imagePullPolicy") in (None, ""):
        container["imagePullPolicy"] = pull_policy(container.get("image"))
    set_if_empty_string(container, "terminationMessagePath", "/dev/termination-log")
    set_if_empty_string(container, "terminationMessagePolicy", "File")
    for port in dicts(container.get("ports")):
        set_if_empty_string(port, "protocol", "TCP")
    for env in dicts(container.get("env")):
        source = child(env, "valueFrom")
        field_ref = child(source, "fieldRef") if source is not None else None
        if field_ref is not None:
            set_if_empty_string(field_ref, "apiVersion", "v1")
    for key in PROBES:
        probe = child(container, key)
        if probe is not None:
            default_probe(probe)
    lifecycle = child(container, "lifecycle")
    if lifecycle is not None:
        for key in ("postStart", "preStop"):
            handler = child(lifecycle, key)
            http_get = child(handler, "httpGet") if handler is not None else None
            if http_get is not None:
                default_http_get(http_get)


def default_probe(probe: dict[str, Any]) -> None:
    """SetDefaults_Probe, SetDefaults_HTTPGetAction and GRPCAction.service `+default=""`."""
    set_if_zero(probe, "timeoutSeconds", 1)
    set_if_zero(probe, "periodSeconds", 10)
    set_if_zero(probe, "successThreshold", 1)
    set_if_zero(probe, "failureThreshold", 3)
    http_get = child(probe, "httpGet")
    if http_get is not None:
        default_http_get(http_get)
    grpc = child(probe, "grpc")
    if grpc is not None:
        set_if_nil(grpc, "service", "")


def default_http_get(action: dict[str, Any]) -> None:
    set_if_empty_string(action, "path", "/")
    set_if_empty_string(action, "scheme", "HTTP")


def default_volume(volume: dict[str, Any], version: Version) -> None:
    """SetDefaults_Volume and the defaulters of the source it names."""
    if not any(volume.get(key) is not None for key in VOLUME_SOURCES):
        volume["emptyDir"] = {}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        source = child(volume, key)
        if source is not None:
            set_if_nil(source, "defaultMode", DEFAULT_MODE)
    _volume_sources(volume)
    _projected(child(volume, "projected"))
    _downward_api_items(child(volume, "downwardAPI"))
    ephemeral = child(volume, "ephemeral")
    claim = child(ephemeral, "volumeClaimTemplate") if ephemeral is not None else None
    claim_spec = child(claim, "spec") if claim is not None else None
    if claim_spec is not None:
        default_claim_spec(claim_spec)
    image = child(volume, "image")
    if image is not None and version >= IMAGE_VOLUME_FROM:
        if image.get("pullPolicy") in (None, ""):
            image["pullPolicy"] = pull_policy(image.get("reference"))


def _volume_sources(holder: dict[str, Any]) -> None:
    """Defaults of in-tree sources shared by Volume and PersistentVolumeSpec."""
    host_path = child(holder, "hostPath")
    if host_path is not None:
        set_if_nil(host_path, "type", "")
    iscsi = child(holder, "iscsi")
    if iscsi is not None:
        set_if_empty_string(iscsi, "iscsiInterface", "default")
    rbd = child(holder, "rbd")
    if rbd is not None:
        set_if_empty_string(rbd, "pool", "rbd")
        set_if_empty_string(rbd, "user", "admin")
        set_if_empty_string(rbd, "keyring", "/etc/ceph/keyring")
    azure_disk = child(holder, "azureDisk")
    if azure_disk is not None:
        set_if_nil(azure_disk, "cachingMode", "ReadWrite")
        set_if_nil(azure_disk, "kind", "Shared")
        set_if_nil(azure_disk, "fsType", "ext4")
        set_if_nil(azure_disk, "readOnly", False)
    scale_io = child(holder, "scaleIO")
    if scale_io is not None:
        set_if_empty_string(scale_io, "storageMode", "ThinProvisioned")
        set_if_empty_string(scale_io, "fsType", "xfs")


def default_persistent_volume_source(spec: dict[str, Any]) -> None:
    """The source defaulters SetObjectDefaults_PersistentVolume calls."""
    _volume_sources(spec)


def _projected(projected: dict[str, Any] | None) -> None:
    if projected is None:
        return
    for source in dicts(projected.get("sources")):
        _downward_api_items(child(source, "downwardAPI"))
        token = child(source, "serviceAccountToken")
        if token is not None:
            set_if_nil(token, "expirationSeconds", 3600)


def _downward_api_items(downward: dict[str, Any] | None) -> None:
    if downward is None:
        return
    for item in dicts(downward.get("items")):
        field_ref = child(item, "fieldRef")
        if field_ref is not None:
            set_if_empty_string(field_ref, "apiVersion", "v1")


def default_claim_spec(spec: dict[str, Any]) -> None:
    """SetDefaults_PersistentVolumeClaimSpec."""
    set_if_nil(spec, "volumeMode", "Filesystem")
