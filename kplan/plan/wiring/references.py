"""Objects a pod template depends on, and the ones that are missing.

What fails, and where (kubernetes/kubernetes):
- ConfigMap / Secret in env (valueFrom, envFrom) or in a volume: kubelet refuses to start
  the container (makeEnvironmentVariables: `couldn't find key K in ConfigMap NS/N`; the
  configmap and secret volume plugins fail the mount) unless the reference says
  `optional: true`.
- ServiceAccount: the ServiceAccount admission plugin refuses the pod
  (`error looking up service account NS/N: serviceaccount "N" not found`); `default` is
  created in every namespace by the ServiceAccount controller.
- PriorityClass: the Priority admission plugin refuses the pod
  (`no PriorityClass with name N was found`).
- PVC: the scheduler leaves the pod Pending (`persistentvolumeclaim "N" not found`). A
  StatefulSet's volumeClaimTemplates create their claims, so those names are not missing.
- imagePullSecrets: kubelet goes on without the Secret ("The image pull may not
  succeed"), so that case is a warning.
Only kinds the snapshot recorded can be missing (WiringIndex.knows_absence). Secrets issued
by controllers from the input (cert-manager Certificates, SealedSecrets, ExternalSecrets)
count as existing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kplan.plan.model import Finding
from kplan.plan.wiring.index import WiringIndex
from kplan.plan.wiring.objects import WiredObject
from kplan.plan.wiring.templates import PodTemplate, containers
from kplan.rules import WARNING, Rule
from kplan.rules.references import (
    MISSING_CONFIGMAP,
    MISSING_KEY,
    MISSING_PRIORITYCLASS,
    MISSING_PVC,
    MISSING_SECRET,
    MISSING_SERVICEACCOUNT,
)

CONFIGMAP, SECRET = "ConfigMap", "Secret"
SERVICE_ACCOUNT, PVC, PRIORITY_CLASS = "ServiceAccount", "PersistentVolumeClaim", "PriorityClass"
GROUPS = {PRIORITY_CLASS: "scheduling.k8s.io"}
RULES: dict[str, Rule] = {
    CONFIGMAP: MISSING_CONFIGMAP,
    SECRET: MISSING_SECRET,
    SERVICE_ACCOUNT: MISSING_SERVICEACCOUNT,
    PVC: MISSING_PVC,
    PRIORITY_CLASS: MISSING_PRIORITYCLASS,
}
# Keys the implicit objects hold (IMPLICIT_NAMESPACED in kplan.plan.wiring.index).
IMPLICIT_KEYS = {(CONFIGMAP, "kube-root-ca.crt"): frozenset({"ca.crt"})}
# Volume sources that name a Secret for the mount: (source field, path to the name); the
# list of pkg/api/v1/pod/util.go VisitPodSecretNames (TestPodSecrets).
VOLUME_SECRET_REFS = (
    ("csi", ("nodePublishSecretRef", "name")),
    ("azureFile", ("secretName",)),
    ("cephfs", ("secretRef", "name")),
    ("cinder", ("secretRef", "name")),
    ("rbd", ("secretRef", "name")),
    ("iscsi", ("secretRef", "name")),
    ("flexVolume", ("secretRef", "name")),
    ("scaleIO", ("secretRef", "name")),
    ("storageos", ("secretRef", "name")),
)


@dataclass(frozen=True)
class Reference:
    """One use of another object: `path` is the JSON Pointer of the name in the manifest."""

    kind: str
    name: str
    path: str
    use: str
    key: str | None = None
    optional: bool = False
    soft: bool = False


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(source: dict[str, Any]) -> list[tuple[int, str]]:
    return [
        (i, item["key"])
        for i, item in enumerate(source.get("items") or [])
        if isinstance(item, dict) and isinstance(item.get("key"), str)
    ]


def _source_refs(
    kind: str, source: dict[str, Any], name_field: str, path: str, use: str
) -> Iterator[Reference]:
    name = _name(source.get(name_field))
    if name is None:
        return
    optional = source.get("optional") is True
    yield Reference(kind, name, f"{path}/{name_field}", use, optional=optional)
    for i, key in _items(source):
        yield Reference(kind, name, f"{path}/items/{i}/key", use, key=key, optional=optional)


def _volume_refs(spec: dict[str, Any], base: str) -> Iterator[Reference]:
    for index, volume in enumerate(spec.get("volumes") or []):
        if not isinstance(volume, dict):
            continue
        path = f"{base}/volumes/{index}"
        use = f"volume {volume.get('name')}"
        if isinstance(volume.get("configMap"), dict):
            yield from _source_refs(
                CONFIGMAP, volume["configMap"], "name", f"{path}/configMap", use
            )
        if isinstance(volume.get("secret"), dict):
            yield from _source_refs(SECRET, volume["secret"], "secretName", f"{path}/secret", use)
        claim = volume.get("persistentVolumeClaim")
        if isinstance(claim, dict) and _name(claim.get("claimName")):
            yield Reference(PVC, claim["claimName"], f"{path}/persistentVolumeClaim/claimName", use)
        projected = volume.get("projected")
        sources = projected.get("sources") if isinstance(projected, dict) else None
        for s_index, source in enumerate(sources or []):
            if not isinstance(source, dict):
                continue
            where = f"{path}/projected/sources/{s_index}"
            for kind, field in ((CONFIGMAP, "configMap"), (SECRET, "secret")):
                if isinstance(source.get(field), dict):
                    yield from _source_refs(kind, source[field], "name", f"{where}/{field}", use)
        for field, chain in VOLUME_SECRET_REFS:
            node: Any = volume.get(field)
            pointer = f"{path}/{field}"
            for token in chain:
                node = node.get(token) if isinstance(node, dict) else None
                pointer += f"/{token}"
            if _name(node):
                yield Reference(SECRET, node, pointer, use)


def _env_refs(container: dict[str, Any], path: str) -> Iterator[Reference]:
    label = container.get("name")
    for index, item in enumerate(container.get("env") or []):
        value_from = item.get("valueFrom") if isinstance(item, dict) else None
        if not isinstance(value_from, dict):
            continue
        for kind, field in ((CONFIGMAP, "configMapKeyRef"), (SECRET, "secretKeyRef")):
            ref = value_from.get(field)
            if not isinstance(ref, dict) or _name(ref.get("name")) is None:
                continue
            where = f"{path}/env/{index}/valueFrom/{field}"
            use = f"env {item.get('name')} of container {label}"
            optional = ref.get("optional") is True
            yield Reference(kind, ref["name"], f"{where}/name", use, optional=optional)
            if isinstance(ref.get("key"), str):
                yield Reference(kind, ref["name"], f"{where}/key", use, ref["key"], optional)
    for index, source in enumerate(container.get("envFrom") or []):
        if not isinstance(source, dict):
            continue
        for kind, field in ((CONFIGMAP, "configMapRef"), (SECRET, "secretRef")):
            ref = source.get(field)
            if isinstance(ref, dict) and _name(ref.get("name")):
                yield Reference(
                    kind,
                    ref["name"],
                    f"{path}/envFrom/{index}/{field}/name",
                    f"envFrom of container {label}",
                    optional=ref.get("optional") is True,
                )


def template_references(template: PodTemplate) -> Iterator[Reference]:
    """Every reference of a pod template, in manifest order."""
    spec, base = template.spec, template.spec_path
    account = _name(spec.get("serviceAccountName")) or _name(spec.get("serviceAccount"))
    if account is not None:
        field = "serviceAccountName" if _name(spec.get("serviceAccountName")) else "serviceAccount"
        yield Reference(SERVICE_ACCOUNT, account, f"{base}/{field}", "serviceAccountName")
    if _name(spec.get("priorityClassName")):
        yield Reference(
            PRIORITY_CLASS,
            spec["priorityClassName"],
            f"{base}/priorityClassName",
            "priorityClassName",
        )
    for index, item in enumerate(spec.get("imagePullSecrets") or []):
        if isinstance(item, dict) and _name(item.get("name")):
            yield Reference(
                SECRET,
                item["name"],
                f"{base}/imagePullSecrets/{index}/name",
                "imagePullSecrets",
                soft=True,
            )
    yield from _volume_refs(spec, base)
    for suffix, container in containers(spec):
        yield from _env_refs(container, f"{base}{suffix}")


def claim_templates(obj: WiredObject) -> set[str]:
    """Names of a StatefulSet's volumeClaimTemplates (their claims are created for it)."""
    if obj.kind != "StatefulSet":
        return set()
    names = set()
    for item in obj.spec.get("volumeClaimTemplates") or []:
        metadata = item.get("metadata") if isinstance(item, dict) else None
        if isinstance(metadata, dict) and _name(metadata.get("name")):
            names.add(metadata["name"])
    return names


def produced_secrets(index: WiringIndex, namespace: str) -> set[str]:
    """Secrets controllers will create from objects of the final state: cert-manager
    Certificates (spec.secretName), Bitnami SealedSecrets and ExternalSecrets (their
    target name, by default their own name)."""
    names: set[str] = set()
    for certificate in index.of_kind("Certificate"):
        if certificate.namespace == namespace and certificate.group in (
            "cert-manager.io",
            "certmanager.k8s.io",
        ):
            if _name(certificate.spec.get("secretName")):
                names.add(certificate.spec["secretName"])
    for sealed in index.of_kind("SealedSecret"):
        if sealed.namespace == namespace and sealed.group == "bitnami.com":
            names.add(sealed.name)
    for external in index.of_kind("ExternalSecret"):
        if external.namespace == namespace and external.group == "external-secrets.io":
            target = external.spec.get("target")
            override = _name(target.get("name")) if isinstance(target, dict) else None
            names.add(override or external.name)
    return names


def object_keys(index: WiringIndex, kind: str, namespace: str, name: str) -> set[str] | None:
    """Keys of a ConfigMap (data, binaryData) or Secret (data, stringData); None if unknown."""
    implicit = IMPLICIT_KEYS.get((kind, name))
    found = index.find(kind, namespace, name, "")
    if found is None:
        return set(implicit) if implicit is not None else None
    fields = ("data", "binaryData") if kind == CONFIGMAP else ("data", "stringData")
    keys: set[str] = set()
    for field in fields:
        value = found.body.get(field)
        if isinstance(value, dict):
            keys.update(str(key) for key in value)
    return keys


def check_references(
    template: PodTemplate, index: WiringIndex, produced: set[str] | None = None
) -> list[Finding]:
    """Missing objects and keys of one planned object's pod template, one finding per
    (missing object) and per (object, key)."""
    owner = template.owner
    namespace = owner.namespace
    produced = produced_secrets(index, namespace) if produced is None else produced
    claims = claim_templates(owner)
    findings: list[Finding] = []
    reported: set[tuple[str, str, str | None]] = set()
    for ref in template_references(template):
        if ref.kind == PVC and ref.name in claims:
            continue
        if ref.kind == SECRET and ref.name in produced:
            continue
        scope = "" if ref.kind == PRIORITY_CLASS else namespace
        exists = index.exists(GROUPS.get(ref.kind, ""), ref.kind, scope, ref.name)
        target = f"{ref.kind} {namespace}/{ref.name}" if scope else f"{ref.kind} {ref.name}"
        if exists is False and not ref.optional and ref.key is None:
            if (ref.kind, ref.name, None) in reported:
                continue
            reported.add((ref.kind, ref.name, None))
            findings.append(_missing(owner, ref, target, index))
        elif exists and ref.key is not None and not ref.optional:
            keys = object_keys(index, ref.kind, namespace, ref.name)
            if keys is None or ref.key in keys or (ref.kind, ref.name, ref.key) in reported:
                continue
            reported.add((ref.kind, ref.name, ref.key))
            findings.append(
                MISSING_KEY.finding(
                    owner.ref,
                    f"{target} has no key {ref.key!r} ({ref.use}): the container cannot start",
                    location=owner.where(ref.path),
                    path=ref.path,
                )
            )
    return findings


# Kinds an operator or setup Job may create at run time: (API group, resource) for RBAC.
RUNTIME_RESOURCES = {
    SECRET: frozenset({("", "secrets")}),
    CONFIGMAP: frozenset({("", "configmaps")}),
}


def _missing(owner: WiredObject, ref: Reference, target: str, index: WiringIndex) -> Finding:
    """The finding for a missing object. A Secret or ConfigMap that a workload of the final
    state may create in the namespace (RBAC) may appear at run time (a setup Job writing a
    certificate, an init container writing a password): then it is a warning, and says who."""
    rule = RULES[ref.kind]
    effect = {
        SERVICE_ACCOUNT: f'pods are refused: serviceaccount "{ref.name}" not found',
        PRIORITY_CLASS: f"pods are refused: no PriorityClass with name {ref.name} was found",
        PVC: f'pods stay Pending: persistentvolumeclaim "{ref.name}" not found',
    }.get(ref.kind, "its pods cannot start")
    if ref.soft:
        effect = "image pulls that need it fail"
    makers = []
    if ref.kind in RUNTIME_RESOURCES:
        makers = [
            r for r in index.creators.in_namespace(owner.namespace, RUNTIME_RESOURCES[ref.kind])
        ]
    if makers:
        more = f" and {len(makers) - 1} more" if len(makers) > 1 else ""
        effect += (
            f" until something creates it; {makers[0]}{more} may create {ref.kind}s there at "
            "run time (RBAC allows it)"
        )
    return rule.finding(
        owner.ref,
        f"{target} ({ref.use}) does not exist and is not created by the input: {effect}",
        location=owner.where(ref.path),
        path=ref.path,
        severity=WARNING if ref.soft or makers else None,
    )
