"""plan_wiring as a whole: the contract's `wiring` section (CONTRACT.md, schemas/plan.schema.json),
what it lists, determinism, and the stage that builds its inputs from loaded input and a
snapshot (kplan.plan.wiring.stage)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import jsonschema

from kplan.load import load_paths
from kplan.plan.wiring import plan_wiring
from kplan.plan.wiring.stage import run_wiring, wiring_inputs
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES, ROOT
from tests.plan.wiring.builders import deployment, obj, planned_pods, recorded_pod, service, wire

SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())


def _validate_section(wiring: dict) -> None:
    schema = {"$defs": SCHEMA["$defs"], **SCHEMA["properties"]["wiring"]}
    jsonschema.validate(wiring, schema)


def test_section_shape_and_schema():
    svc = service("web", {"app": "web"}, [{"name": "http", "port": 80, "targetPort": 8080}])
    wiring, findings = wire([svc, deployment("web", {"app": "web"})])
    _validate_section(wiring)
    assert set(wiring) == {"services", "env", "ingresses"}
    (entry,) = wiring["services"]
    assert list(entry) == ["service", "type", "clusterIP", "clusterIP_planned", "endpoints"]
    assert entry["endpoints"] == [
        {"pod": "default/web-0", "name": "http", "port": 8080, "protocol": "TCP", "ready": True}
    ]
    assert findings == []
    json.dumps(wiring)


def test_recorded_services_are_listed_only_when_they_reach_planned_pods():
    """The section is about the plan: untouched Services with untouched pods stay out."""
    old = service("old", {"app": "old"}, [{"port": 80}], planned=False, clusterIP="10.96.1.1")
    reaches = service(
        "shared", {"app": "web"}, [{"port": 80}], planned=False, clusterIP="10.96.1.2"
    )
    pods = [recorded_pod("old-1", {"app": "old"}), *planned_pods(deployment("web", {"app": "web"}))]
    wiring, _ = plan_wiring([old, reaches], pods)
    assert [s["service"] for s in wiring["services"]] == ["default/shared"]
    assert list(wiring["env"]) == ["default/web-0"]


def test_output_does_not_depend_on_input_order():
    objects = [
        service(f"s{i}", {"app": f"a{i % 3}"}, [{"port": 80 + i}], namespace=f"n{i % 2}")
        for i in range(8)
    ] + [deployment(f"d{i}", {"app": f"a{i}"}, namespace=f"n{i % 2}", replicas=2) for i in range(3)]
    pods = [pod for item in objects if item.kind == "Deployment" for pod in planned_pods(item)]
    first = plan_wiring(objects, pods)
    shuffled_objects, shuffled_pods = objects[:], pods[:]
    random.Random(7).shuffle(shuffled_objects)
    random.Random(8).shuffle(shuffled_pods)
    second = plan_wiring(shuffled_objects, shuffled_pods)
    assert json.dumps(first[0]) == json.dumps(second[0])
    assert first[1] == second[1]


def test_operator_rbac_softens_selects_nothing_and_missing_secrets():
    """A workload whose ServiceAccount may create pods / Secrets in the namespace (rbac
    RuleAllows; `create` is never limited by resourceNames) makes "selects nothing" info and
    "missing Secret" a warning."""
    svc = service("made-later", {"app": "made-later"}, [{"port": 80}])
    app = deployment(
        "app", {"app": "app"}, [{"name": "c", "envFrom": [{"secretRef": {"name": "later"}}]}]
    )
    _, findings = wire([svc, app])
    assert sorted((f.rule, f.severity) for f in findings) == [
        ("missing-secret", "error"),
        ("service-selects-nothing", "warning"),
    ]
    operator = deployment("operator", {"app": "op"}, pod_spec={"serviceAccountName": "op"})
    role = obj(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "op"},
            "rules": [
                {
                    "apiGroups": ["", "apps"],
                    "resources": ["secrets", "statefulsets"],
                    "verbs": ["create", "get"],
                }
            ],
        }
    )
    binding = obj(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "op"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "op"},
            "subjects": [{"kind": "ServiceAccount", "name": "op"}],
        }
    )
    account = obj({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "op"}})
    _, findings = wire([svc, app, operator, role, binding, account])
    assert sorted((f.rule, f.severity) for f in findings) == [
        ("missing-secret", "warning"),
        ("service-selects-nothing", "info"),
    ]
    assert "Deployment/default/operator may create" in findings[0].message + findings[1].message
    named = {**role.body, "rules": [{**role.body["rules"][0], "resourceNames": ["later"]}]}
    _, findings = wire([svc, app, operator, obj(named), binding, account])
    assert sorted(f.severity for f in findings) == ["error", "warning"]


def test_stage_replaces_recorded_pods_of_planned_workloads(tmp_path: Path):
    """Against the kind snapshot: coredns re-applied as recorded keeps its two pods (its
    controller has nothing to do); with a new image they give way to planned ones unless it
    is named unchanged. kindnet (a DaemonSet) runs on the 3 nodes whose taints it tolerates."""
    import copy

    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "kind-3node.yaml")])
    coredns = next(
        r for r in snapshot.resources() if r.kind == "Deployment" and r.name == "coredns"
    )
    kindnet = next(r for r in snapshot.resources() if r.kind == "DaemonSet" and r.name == "kindnet")
    upgraded = copy.deepcopy(coredns.body)
    upgraded["spec"]["template"]["spec"]["containers"][0]["image"] += "-patched"

    def desired_of(*bodies: dict) -> list:
        manifest = tmp_path / "apply.json"
        manifest.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": bodies}))
        return load_paths([str(manifest)]).resources

    same = desired_of(coredns.body, kindnet.body)
    _, pods = wiring_inputs(same, snapshot, kubernetes_version="1.31")
    dns = [p for p in pods if p.owner == "Deployment/kube-system/coredns"]
    assert [p.planned for p in dns] == [False, False]
    desired = desired_of(upgraded, kindnet.body)
    _, pods = wiring_inputs(desired, snapshot, kubernetes_version="1.31")
    dns = [p for p in pods if p.owner == "Deployment/kube-system/coredns"]
    assert [p.planned for p in dns] == [True, True]
    net = [p for p in pods if p.owner == "DaemonSet/kube-system/kindnet"]
    assert len(net) == 3
    _, pods = wiring_inputs(desired, snapshot, unchanged={"Deployment/kube-system/coredns"})
    assert [p.planned for p in pods if p.owner == "Deployment/kube-system/coredns"] == [
        False,
        False,
    ]
    wiring, findings = run_wiring(desired, snapshot, kubernetes_version="1.31")
    (dns_service,) = [s for s in wiring["services"] if s["service"] == "kube-system/kube-dns"]
    assert dns_service["clusterIP"] == "10.96.0.10"
    assert {e["name"] for e in dns_service["endpoints"]} == {"dns", "dns-tcp", "metrics"}
    assert findings == []
