"""Every real-world manifest in the shared corpus, validated file by file as `kubectl apply -f
FILE` would see it (with the CRDs of the file's project known), and every rejection explained.

The expected rejections were each checked by hand against the Kubernetes sources named in the
unit tests: removed API versions (deprecated-api-migration-guide), duplicate keys (sigs.k8s.io/
yaml strict decoding), `protocol: tcp` (core validation supportedPortProtocols), a missing
`spec.selector` (apps validation), unknown fields (strict field validation), and a file whose
Kustomization lacks apiVersion (it is a kustomize config, not an API object).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from kplan.load import Loaded, load_paths
from kplan.schema import newest_version
from kplan.validate import ValidateOptions, validate
from tests.paths import corpus_or_skip

REMOVED = "is no longer served"
CERT_MANAGER = "cert-manager-legacy/cert-manager.yaml"
AZURE_CLAIMS = "k8s-examples-archived/volumes/azure_disk/claim"

# (file relative to the corpus, "Kind/name" or "-" for a document that is no object, reason)
EXPECTED_REJECTIONS = {
    *(
        (CERT_MANAGER, f"CustomResourceDefinition/{name}.certmanager.k8s.io", REMOVED)
        for name in ("certificates", "challenges", "clusterissuers", "issuers", "orders")
    ),
    (CERT_MANAGER, "ClusterRole/cert-manager-cainjector", REMOVED),
    (CERT_MANAGER, "ClusterRoleBinding/cert-manager-cainjector", REMOVED),
    (CERT_MANAGER, "ClusterRole/cert-manager", REMOVED),
    (CERT_MANAGER, "ClusterRoleBinding/cert-manager", REMOVED),
    (CERT_MANAGER, "ClusterRoleBinding/cert-manager-webhook:auth-delegator", REMOVED),
    (CERT_MANAGER, "RoleBinding/cert-manager-webhook:webhook-authentication-reader", REMOVED),
    (CERT_MANAGER, "Deployment/cert-manager-cainjector", REMOVED),
    (CERT_MANAGER, "Deployment/cert-manager-webhook", REMOVED),
    (CERT_MANAGER, "Deployment/cert-manager", REMOVED),
    (CERT_MANAGER, "APIService/v1beta1.admission.certmanager.k8s.io", REMOVED),
    (CERT_MANAGER, "ValidatingWebhookConfiguration/cert-manager-webhook", REMOVED),
    ("emojivoto/kustomize-deployment/kustomization.yml", "-", "missing 'apiVersion' key"),
    (
        "k8s-examples-archived/cockroachdb/cockroachdb-statefulset.yaml",
        "PodDisruptionBudget/cockroachdb-budget",
        REMOVED,
    ),
    (
        "k8s-examples-archived/newrelic-infrastructure/newrelic-infra-daemonset.yaml",
        "DaemonSet/newrelic-infra-agent",
        REMOVED,
    ),
    *(
        (f"k8s-examples-archived/openshift-origin/{name}", "-", 'duplicate key "selector"')
        for name in (
            "etcd-controller.yaml",
            "etcd-discovery-controller.yaml",
            "openshift-controller.yaml",
        )
    ),
    (
        "k8s-examples-archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml",
        "-",
        'duplicate key "type"',
    ),
    (
        "k8s-examples-archived/podsecuritypolicy/rbac/policies.yaml",
        "PodSecurityPolicy/privileged",
        REMOVED,
    ),
    (
        "k8s-examples-archived/podsecuritypolicy/rbac/policies.yaml",
        "PodSecurityPolicy/restricted",
        REMOVED,
    ),
    (
        "k8s-examples-archived/storage/vitess/vttablet-pod-template.yaml",
        "Pod/vttablet-{{uid}}",
        'Invalid value: "vttablet-{{uid}}": a lowercase RFC 1123 subdomain',
    ),
    (
        "k8s-examples-archived/sysdig-cloud/sysdig-rc.yaml",
        "ReplicationController/sysdig-agent",
        "Required value",
    ),
    (
        "k8s-examples-archived/volumes/aws_ebs/aws-ebs-web.yaml",
        "Pod/aws-web",
        'Unsupported value: "tcp"',
    ),
    *(
        (
            f"{AZURE_CLAIMS}/{folder}/storageclass-{name}.yaml",
            f"StorageClass/{name.replace('-', '')}",
            REMOVED,
        )
        for folder, name in (
            ("blob-based-disk/account-specified-hdd", "account-hdd"),
            ("blob-based-disk/dedicated-hdd", "dedicated-hdd"),
            ("blob-based-disk/shared-hdd", "shared-hdd"),
            ("blob-based-disk/shared-ssd", "shared-ssd"),
            ("managed-disk/managed-hdd", "managed-hdd"),
            ("managed-disk/managed-ssd", "managed-ssd"),
        )
    ),
    (
        "k8s-examples-archived/volumes/cinder/cinder-web.yaml",
        "Pod/cinder-web",
        'Unsupported value: "tcp"',
    ),
    (
        "k8s-examples-archived/volumes/fibre_channel/fc.yaml",
        "Pod/fibre-channel-example-pod",
        "expected integer, got string",
    ),
    ("k8s-examples-archived/volumes/flexvolume/deploy/ds.yaml", "DaemonSet/flex-ds", REMOVED),
    (
        "k8s-examples-archived/volumes/rbd/rbd.yaml",
        "Pod/rbd",
        'unknown field "spec.volumes[0].rbd.imageformat"',
    ),
    (
        "k8s-examples-archived/volumes/scaleio/pod.yaml",
        "Pod/pod-0",
        'unknown field "spec.volumes[0].scaleIO.protectionDoamin"',
    ),
    (
        "k8s-examples-archived/volumes/scaleio/sc-pvc.yaml",
        "-",
        'duplicate key "storageClassName"',
    ),
    (
        "k8s-examples-archived/volumes/storageos/storageos-pod.yaml",
        "Pod/test-storageos-redis",
        'unknown field "spec.volumes[0].storageos.pool"',
    ),
    (
        "k8s-examples-archived/volumes/storageos/storageos-pv.yaml",
        "PersistentVolume/pv0001",
        'unknown field "spec.storageos.secretName"',
    ),
    ("metrics-server/base/deployment.yaml", "Deployment/metrics-server", "Required value"),
}


def _rejections() -> tuple[int, set[tuple[str, str, str]]]:
    corpus = corpus_or_skip()
    options = ValidateOptions(kubernetes_version=newest_version())
    checked = 0
    found: set[tuple[str, str, str]] = set()
    projects = sorted(p for p in corpus.iterdir() if p.is_dir() and p.name != "snapshots")
    for project in projects:
        loaded = load_paths([str(project)])
        crds = [r for r in loaded.resources if r.kind == "CustomResourceDefinition"]
        by_file: dict[str, Loaded] = defaultdict(Loaded)
        for resource in loaded.resources:
            by_file[resource.origin.source].resources.append(resource)
        for problem in loaded.problems:
            by_file[problem.source].problems.append(problem)
        for source, part in sorted(by_file.items()):
            relative = Path(source).relative_to(corpus).as_posix()
            report = validate(part, options, crds)
            for error in report.errors:
                found.add((relative, "-", error.message))
            for entry in report.resources:
                checked += 1
                if entry.status == "invalid":
                    ref = f"{entry.resource.kind}/{entry.resource.name}"
                    found.add((relative, ref, entry.errors[0].message))
    return checked, found


def _matches(expected: tuple[str, str, str], actual: tuple[str, str, str]) -> bool:
    return expected[:2] == actual[:2] and expected[2] in actual[2]


def test_every_corpus_rejection_is_known_and_explained() -> None:
    checked, found = _rejections()
    assert checked > 800  # the corpus really was read
    unexplained = sorted(a for a in found if not any(_matches(e, a) for e in EXPECTED_REJECTIONS))
    missed = sorted(e for e in EXPECTED_REJECTIONS if not any(_matches(e, a) for a in found))
    assert unexplained == [], "kplan rejects objects the API server accepts"
    assert missed == [], "kplan accepts objects the API server rejects"
