"""The wiring stage over every application of the shared real-world corpus, with every
finding listed and explained.

An application is a project folder; in the kubernetes/examples folders it is each example
folder (a `volumes/<example>` folder with its subfolders, and a
`persistent-volume-provisioning/<example>` folder with the claim and classes beside it).
Each is planned as `kplan wiring FOLDER` would plan it against an empty cluster: objects the
API server rejects (see test_corpus_validate.py) are left out, the rest are wired with their
pods expanded by kplan.plan.pods. Two projects are applied into the namespace their docs
name (`kubectl apply -n argocd`, the chart's `otel-demo`), as a user would pass
`--namespace`.

Numbers: 74 applications, 32 findings (6 error, 13 warning, 13 info), each explained in
EXPECTED. Before the RBAC softening (kplan.plan.wiring.rbac) the 13 info findings were
warnings and 4 of the warnings errors; before reading `nodePort: 0` as unset there were 3
false nodeport-on-clusterip errors. None is of the kinds kube-linter and kube-score get wrong
(matchExpressions, empty selectors and namespaces are read per kind: tests/rules).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kplan.load import load_paths
from kplan.plan.wiring.stage import run_wiring
from kplan.results import INVALID
from kplan.schema import newest_version
from kplan.snapshot.load import load_snapshot
from kplan.validate import ValidateOptions, validate
from tests.paths import FIXTURES, corpus_or_skip

EXAMPLES = ("k8s-examples", "k8s-examples-archived")
NAMESPACES = {"argo-cd": "argocd", "opentelemetry-demo": "otel-demo"}
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

ARGO = "argo-cd"
ARGO_REDIS = (
    "argocd-redis is written at run time by the argocd-redis pod's init container "
    "(`argocd admin redis-initial-password`), whose Role may create Secrets: until it has "
    "run, the pods wait in CreateContainerConfigError. Real at apply time, hence a warning."
)
OPERATOR = (
    "these pods are made by an operator of the input from custom resources, so no manifest "
    "lists them; RBAC shows the operator may create pods there, so the finding is info"
)
LONGHORN = (
    "longhorn-manager creates these pods (instance managers, backing image managers) or "
    "labels its own pods at run time; its Role may create pods: info"
)

# (application, rule, object) -> (severity, why it is right)
EXPECTED: dict[tuple[str, str, str], tuple[str, str]] = {
    **{
        (ARGO, "missing-secret", ref): ("warning", ARGO_REDIS)
        for ref in (
            "Deployment/argocd/argocd-redis",
            "Deployment/argocd/argocd-repo-server",
            "Deployment/argocd/argocd-server",
            "StatefulSet/argocd/argocd-application-controller",
        )
    },
    (ARGO, "statefulset-service-missing", "StatefulSet/argocd/argocd-application-controller"): (
        "warning",
        "serviceName names a Service the install does not have (argocd-metrics is the "
        "controller's Service), so its pods get no DNS records; Argo CD does not use them",
    ),
    (
        "cert-manager-legacy",
        "service-selects-nothing",
        "Service/cert-manager/cert-manager-webhook",
    ): (
        "warning",
        "the webhook Deployment is apps/v1beta1, no longer served: it is rejected, so "
        "nothing the plan creates carries app=webhook",
    ),
    (
        "ingress-nginx",
        "missing-secret",
        "Deployment/ingress-nginx/ingress-nginx-controller",
    ): (
        "warning",
        "ingress-nginx-admission is written by the admission-create Job "
        "(kube-webhook-certgen --secret-name=ingress-nginx-admission), whose Role may create "
        "Secrets; the controller pod waits in ContainerCreating until the Job has run",
    ),
    **{
        ("k8s-examples/mysql-wordpress-pd", "missing-secret", f"Deployment/default/{name}"): (
            "error",
            "mysql-pass comes from the example's kustomization secretGenerator, which is not "
            "among these files: applied as they are, both pods never start",
        )
        for name in ("wordpress", "wordpress-mysql")
    },
    (
        "k8s-examples-archived/https-nginx",
        "missing-configmap",
        "ReplicationController/default/my-nginx",
    ): ("error", "the README creates nginxconfigmap by hand (kubectl create configmap)"),
    (
        "k8s-examples-archived/https-nginx",
        "missing-secret",
        "ReplicationController/default/my-nginx",
    ): ("error", "the README creates nginxsecret by hand (make secret)"),
    ("k8s-examples-archived/newrelic", "missing-secret", "DaemonSet/default/newrelic-agent"): (
        "error",
        "newrelic-config is made by the example's config-to-secret.sh script",
    ),
    **{
        ("k8s-examples-archived/openshift-origin", "service-selects-nothing", ref): (
            "warning",
            "the matching controllers repeat the `selector` key and are rejected when read "
            "(duplicate keys), so no pod of the plan carries the label",
        )
        for ref in (
            "Service/default/etcd",
            "Service/default/etcd-discovery",
            "Service/default/openshift",
        )
    },
    **{
        ("k8s-examples-archived/storage/minio", "overlapping-selectors", ref): (
            "warning",
            "the folder holds two alternative installs of app=minio (standalone Deployment, "
            "distributed StatefulSet); applied together, each selector matches the other's pods",
        )
        for ref in ("Deployment/default/minio-deployment", "StatefulSet/default/minio")
    },
    ("k8s-examples-archived/storage/vitess", "service-selects-nothing", "Service/default/vtgate"): (
        "warning",
        "the example's scripts create the vtgate controller from a template that is not in "
        "the folder",
    ),
    ("k8s-examples-archived/volumes/scaleio", "missing-pvc", "Pod/default/pod-sio-small"): (
        "error",
        "sc-pvc.yaml repeats a key and is rejected, so the claim pvc-sio-small is never made",
    ),
    **{
        ("kube-prometheus", rule, f"{kind}/monitoring/{name}"): ("info", OPERATOR)
        for rule, kind in (
            ("service-selects-nothing", "Service"),
            ("networkpolicy-selects-nothing", "NetworkPolicy"),
            ("pdb-selects-nothing", "PodDisruptionBudget"),
        )
        for name in ("alertmanager-main", "prometheus-k8s")
    },
    **{
        ("longhorn", "networkpolicy-selects-nothing", f"NetworkPolicy/longhorn-system/{name}"): (
            "info",
            LONGHORN,
        )
        for name in (
            "backing-image-data-source",
            "backing-image-manager",
            "instance-manager",
            "longhorn-recovery-backend",
            "longhorn-webhook",
        )
    },
    **{
        ("longhorn", "service-selects-nothing", f"Service/longhorn-system/{name}"): (
            "info",
            LONGHORN,
        )
        for name in ("longhorn-admission-webhook", "longhorn-recovery-backend")
    },
}


def _manifests(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in MANIFEST_SUFFIXES)


def applications(corpus: Path) -> Iterator[tuple[str, list[Path]]]:
    """(name, paths) of every application, in name order."""
    for project in sorted(p for p in corpus.iterdir() if p.is_dir() and p.name != "snapshots"):
        if project.name not in EXAMPLES:
            yield project.name, [project]
            continue
        for folder in sorted(p for p in project.rglob("*") if p.is_dir()):
            parts = folder.relative_to(project).parts
            if parts[0] == "volumes":
                if len(parts) == 2:
                    yield folder.relative_to(corpus).as_posix(), [folder]
                continue
            files = _manifests(folder)
            if not files:
                continue
            if folder.parent.name == "persistent-volume-provisioning":
                files += _manifests(folder.parent)
            yield folder.relative_to(corpus).as_posix(), files


def _wire(name: str, paths: list[Path]):
    namespace = NAMESPACES.get(name, "default")
    loaded = load_paths([str(path) for path in paths])
    crds = [r for r in loaded.resources if r.kind == "CustomResourceDefinition"]
    options = ValidateOptions(kubernetes_version=newest_version(), namespace=namespace)
    report = validate(loaded, options, crds)
    planned = [entry.resource for entry in report.resources if entry.status != INVALID]
    return run_wiring(planned, None, namespace=namespace)


@pytest.fixture(scope="module")
def corpus_results() -> dict[str, tuple[dict, list]]:
    corpus = corpus_or_skip()
    return {name: _wire(name, paths) for name, paths in applications(corpus)}


def test_every_corpus_finding_is_known_and_explained(corpus_results) -> None:
    assert len(corpus_results) == 74
    found = {
        (name, finding.rule, finding.object): finding.severity
        for name, (_, findings) in corpus_results.items()
        for finding in findings
    }
    count = sum(len(findings) for _, findings in corpus_results.values())
    assert count == len(found) == 32
    unexplained = sorted(set(found) - set(EXPECTED))
    missed = sorted(set(EXPECTED) - set(found))
    assert unexplained == [], "findings nobody explained"
    assert missed == [], "expected findings that are gone"
    wrong = sorted(key for key, severity in found.items() if EXPECTED[key][0] != severity)
    assert wrong == []


def test_corpus_wiring_is_sane(corpus_results) -> None:
    """Every planned pod gets the kubernetes Service's variables, every Service an address,
    and Services with selectors and matching pods get endpoints."""
    services = endpoints = pods = 0
    for wiring, _ in corpus_results.values():
        for service in wiring["services"]:
            services += 1
            endpoints += len(service["endpoints"])
            assert service["clusterIP"] or service["type"] == "ExternalName"
        for env in wiring["env"].values():
            pods += 1
            assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    assert services > 120 and endpoints > 150 and pods > 150


def test_online_boutique_against_the_recorded_clusters() -> None:
    """Against boutique-prod (GKE-like, service range 10.56.0.0/x): the range note, and the
    recorded productcatalogservice-canary Deployment whose pods (app=productcatalogservice,
    track=canary) the planned Deployment's selector matches: real, the canary pattern
    relies on it for the Service, and the Deployment docs warn about it. Against kind: none.
    """
    desired = load_paths([str(FIXTURES / "manifests" / "online-boutique")]).resources
    prod = load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])
    wiring, findings = run_wiring(desired, prod, kubernetes_version="1.31")
    assert [(f.rule, f.object, f.severity) for f in findings] == [
        ("service-cidr-mismatch", "", "info"),
        ("overlapping-selectors", "Deployment/default/productcatalogservice", "warning"),
    ]
    kind = load_snapshot([str(FIXTURES / "snapshots" / "kind-3node.yaml")])
    wiring, findings = run_wiring(desired, kind, kubernetes_version="1.31")
    assert findings == []
    assert len(wiring["services"]) == 12
    assert all(service["endpoints"] for service in wiring["services"])
    for env in wiring["env"].values():
        assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
        assert env["CARTSERVICE_SERVICE_PORT_GRPC"] == "7070"
