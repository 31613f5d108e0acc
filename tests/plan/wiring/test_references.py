"""Missing ConfigMaps, Secrets, keys, ServiceAccounts, PVCs and PriorityClasses.

Sources: kubernetes/kubernetes pkg/kubelet/kubelet_pods.go makeEnvironmentVariables
("couldn't find key %v in ConfigMap", `optional` handling), pkg/api/v1/pod/util.go
VisitPodSecretNames (TestPodSecrets lists every Secret reference of a pod),
plugin/pkg/admission/serviceaccount (serviceaccount "x" not found), the Priority admission
plugin ("no PriorityClass with name x was found"), and kube-controller-manager's
ServiceAccount controller and root-CA publisher (default ServiceAccount and
kube-root-ca.crt exist in every namespace).
"""

from __future__ import annotations

from typing import Any

from tests.plan.wiring.builders import deployment, obj, rules_of, wire


def _cm(name: str, **data: str):
    return obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})


def _secret(name: str, **data: str):
    return obj(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "stringData": data}
    )


def _app(pod_spec: dict[str, Any], containers: list[dict[str, Any]] | None = None):
    return deployment("app", {"app": "a"}, containers, pod_spec=pod_spec)


def test_env_volume_and_envfrom_references():
    containers = [
        {
            "name": "c",
            "env": [
                {"name": "A", "valueFrom": {"configMapKeyRef": {"name": "conf", "key": "a"}}},
                {"name": "B", "valueFrom": {"configMapKeyRef": {"name": "conf", "key": "zzz"}}},
                {"name": "C", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "x"}}},
                {
                    "name": "D",
                    "valueFrom": {"secretKeyRef": {"name": "opt", "key": "x", "optional": True}},
                },
            ],
            "envFrom": [
                {"configMapRef": {"name": "gone"}},
                {"secretRef": {"name": "maybe", "optional": True}},
            ],
        }
    ]
    pod_spec = {
        "volumes": [
            {
                "name": "v",
                "configMap": {"name": "conf", "items": [{"key": "missing", "path": "m"}]},
            },
            {
                "name": "ca",
                "configMap": {
                    "name": "kube-root-ca.crt",
                    "items": [{"key": "ca.crt", "path": "ca"}],
                },
            },
            {"name": "p", "projected": {"sources": [{"secret": {"name": "proj"}}]}},
            {"name": "csi", "csi": {"driver": "x", "nodePublishSecretRef": {"name": "csi-secret"}}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
        ]
    }
    _, findings = wire([_app(pod_spec, containers), _cm("conf", a="1")])
    got = sorted((f.rule, f.path.rsplit("/spec/", 1)[-1]) for f in findings)
    assert got == [
        ("missing-configmap", "containers/0/envFrom/0/configMapRef/name"),
        ("missing-key", "containers/0/env/1/valueFrom/configMapKeyRef/key"),
        ("missing-key", "volumes/0/configMap/items/0/key"),
        ("missing-pvc", "volumes/4/persistentVolumeClaim/claimName"),
        ("missing-secret", "containers/0/env/2/valueFrom/secretKeyRef/name"),
        ("missing-secret", "volumes/2/projected/sources/0/secret/name"),
        ("missing-secret", "volumes/3/csi/nodePublishSecretRef/name"),
    ]


def test_service_account_priority_class_and_implicit_objects():
    _, findings = wire(
        [_app({"serviceAccountName": "default", "priorityClassName": "system-node-critical"})]
    )
    assert findings == []
    _, findings = wire([_app({"serviceAccountName": "robot", "priorityClassName": "high"})])
    assert sorted(rules_of(findings)) == [
        ("missing-priorityclass", "Deployment/default/app"),
        ("missing-serviceaccount", "Deployment/default/app"),
    ]
    account = next(f for f in findings if f.rule == "missing-serviceaccount")
    assert 'serviceaccount "robot" not found' in account.message


def test_only_kinds_the_snapshot_recorded_can_be_missing():
    """A snapshot without Secrets says nothing about them; ConfigMaps it recorded can be."""
    containers = [
        {"name": "c", "envFrom": [{"secretRef": {"name": "s"}}, {"configMapRef": {"name": "m"}}]}
    ]
    app = _app({}, containers)
    _, findings = wire([app], recorded_kinds={("", "ConfigMap"), ("", "Pod")})
    assert rules_of(findings) == [("missing-configmap", "Deployment/default/app")]
    _, findings = wire(
        [app], recorded_kinds={("", "ConfigMap"), ("", "Secret")}, recorded_namespaces={"other"}
    )
    assert findings == []


def test_statefulset_claim_templates_and_secret_keys():
    sts = deployment(
        "db",
        {"app": "db"},
        kind="StatefulSet",
        pod_spec={
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
        },
    )
    sts.spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}}]
    sts.spec["serviceName"] = ""
    containers = [
        {
            "name": "c",
            "env": [
                {"name": "P", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
                {"name": "U", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "user"}}},
            ],
        }
    ]
    _, findings = wire([sts, _app({}, containers), _secret("creds", user="u")])
    assert [(f.rule, f.message) for f in findings] == [
        (
            "missing-key",
            "Secret default/creds has no key 'password' (env P of container c): the container "
            "cannot start",
        ),
    ]


def test_image_pull_secret_is_a_warning():
    """kubelet goes on without it ("The image pull may not succeed")."""
    _, findings = wire([_app({"imagePullSecrets": [{"name": "registry"}]})])
    (finding,) = findings
    assert (finding.rule, finding.severity) == ("missing-secret", "warning")
