"""The headline case: the Online Boutique manifests (v0.10.6) against a production-like
snapshot where an older edition was applied with `kubectl apply`. The snapshot's generator
(shared corpus, snapshots/make_snapshots.py and its README) lists exactly what differs; the
plan must show exactly that and nothing else."""

from __future__ import annotations

from kplan.k8s.labels import parse_selector
from kplan.load import load_paths
from kplan.plan.model import ABSENT, Plan
from kplan.plan.plan import PlanOptions, build_plan
from kplan.snapshot.load import load_snapshot
from tests.paths import FIXTURES

MANIFESTS = FIXTURES / "manifests" / "online-boutique"
SNAPSHOT = FIXTURES / "snapshots" / "boutique-prod.yaml"
IMAGE = "/spec/template/spec/containers/0/image"
REGISTRY = "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo"


def plan(**options: object) -> Plan:
    return build_plan(
        load_paths([str(MANIFESTS)]),
        load_snapshot([str(SNAPSHOT)]),
        PlanOptions(kubernetes_version="1.31", **options),  # type: ignore[arg-type]
    )


def summary(result: Plan) -> dict[str, list[tuple[str, object, object]]]:
    return {
        f"{change.action} {change.object.ref()}": [
            (f.path, f.before, f.after) for f in change.fields
        ]
        for change in result.changes
    }


def test_plan_shows_exactly_what_the_generator_changed() -> None:
    result = plan()
    assert result.input_errors == []
    updates = {k: v for k, v in summary(result).items() if k.startswith("update")}
    assert updates == {
        "update Deployment/default/frontend": [
            ("/spec/replicas", 3, 1),  # last-applied had replicas: 3; the server default is 1
            (IMAGE, f"{REGISTRY}/frontend:v0.10.5", f"{REGISTRY}/frontend:v0.10.6"),
        ],
        "update Deployment/default/cartservice": [
            (IMAGE, f"{REGISTRY}/cartservice:v0.10.5", f"{REGISTRY}/cartservice:v0.10.6"),
        ],
        "update Deployment/default/checkoutservice": [
            (IMAGE, f"{REGISTRY}/checkoutservice:v0.10.5", f"{REGISTRY}/checkoutservice:v0.10.6"),
        ],
        # scaled to 0 by hand; last-applied and the manifest say 1
        "update Deployment/default/loadgenerator": [("/spec/replicas", 0, 1)],
    }
    creates = sorted(k for k in summary(result) if k.startswith("create"))
    assert creates == [
        "create Deployment/default/adservice",
        "create Service/default/adservice",
    ] + [
        f"create ServiceAccount/default/{name}"
        for name in sorted(
            [
                "adservice",
                "cartservice",
                "checkoutservice",
                "currencyservice",
                "emailservice",
                "frontend",
                "loadgenerator",
                "paymentservice",
                "productcatalogservice",
                "recommendationservice",
                "shippingservice",
            ]
        )
    ]
    assert not any(k.startswith(("delete", "replace")) for k in summary(result))
    # ServiceAccounts were not recorded: their creation is flagged as an assumption
    unknown = [f for f in result.findings if f.rule == "kind-not-recorded"]
    assert len(unknown) == 11 and all(f.object.startswith("ServiceAccount/") for f in unknown)


def test_recommendationservice_scaled_by_kubectl_scale_keeps_its_replicas() -> None:
    """Its last-applied has no replicas, so apply leaves the 2 set by `kubectl scale`."""
    result = plan(show_all=True)
    (change,) = [
        c for c in result.changes if c.object.ref() == "Deployment/default/recommendationservice"
    ]
    assert change.action == "no-op"
    assert change.after is not None and change.after["spec"]["replicas"] == 2


def test_stale_canary_is_deleted_only_with_prune() -> None:
    pruned = plan(prune_selector=parse_selector("app"))
    deletes = [c for c in pruned.changes if c.action == "delete"]
    assert [c.object.ref() for c in deletes] == ["Deployment/default/productcatalogservice-canary"]
    assert deletes[0].before is not None and deletes[0].fields == []
    assert all(c.action != "delete" for c in plan().changes)


def test_created_adservice_carries_the_manifest_object() -> None:
    (change,) = [c for c in plan().changes if c.object.ref() == "Deployment/default/adservice"]
    assert change.after is not None
    assert change.after["spec"]["template"]["spec"]["containers"][0]["image"].endswith(
        "adservice:v0.10.6"
    )
    assert change.before is None and change.fields == []
    assert all(f.before is not ABSENT or f.after is not ABSENT for f in change.fields)


def test_rollouts_for_the_changed_images_and_none_for_replica_changes() -> None:
    """The plan's rollouts section (issue: "the Online Boutique diff against boutique-prod
    shows the rollouts of the changed images and no rollout for the replica-only changes")."""
    rollouts = {r["workload"]: r for r in plan().rollouts or []}
    rolling = sorted(w for w, r in rollouts.items() if r["triggers_rollout"])
    assert rolling == [
        "Deployment/default/cartservice",
        "Deployment/default/checkoutservice",
        "Deployment/default/frontend",
    ]
    assert rollouts["Deployment/default/loadgenerator"]["reason"] == "replicas-only"
    assert rollouts["Deployment/default/adservice"]["reason"] == "new-object"
    assert "Deployment/default/recommendationservice" not in rollouts  # nothing changes
    steps = rollouts["Deployment/default/cartservice"]["steps"]
    assert [(s["new"], s["old"]) for s in steps] == [(1, 1), (1, 0)]


def test_new_pods_are_placed_as_the_free_capacity_allows() -> None:
    """The snapshot's README: by resources only g8vj can take adservice (200m/180Mi), and
    adservice and loadgenerator together do not fit there; loadgenerator stays Pending with
    kube-scheduler's message (the cordoned node counted as unschedulable)."""
    placements = {p["owner"]: p for p in (plan().scheduling or {})["placements"]}
    assert placements["Deployment/default/adservice"]["node"].endswith("-g8vj")
    pending = placements["Deployment/default/loadgenerator"]
    assert pending["node"] is None
    assert pending["message"].startswith("0/6 nodes are available: ")
    assert "1 node(s) were unschedulable" in pending["message"]
    assert [p["owner"].split("/")[-1] for p in plan().scheduling["placements"]] == [
        "frontend",
        "adservice",
        "cartservice",
        "loadgenerator",
        "checkoutservice",
    ]  # input order: the manifests list frontend first


def test_a_surge_pod_that_fits_nowhere_stalls_the_rollout(tmp_path) -> None:
    """maxUnavailable 0 (25% of 1 rounds down) keeps the old cartservice pod until a new one is
    available; a new template asking for 1800m CPU fits on no node of the cluster, so the
    rollout stalls after its first step (issue: stalls from the scheduling simulation)."""
    text = (MANIFESTS / "kubernetes-manifests.yaml").read_text()
    documents = [
        d for d in text.split("\n---\n") if "name: cartservice\n" in d and "kind: Deployment" in d
    ]
    (document,) = documents
    hungry = document.replace("cpu: 200m", "cpu: 1800m").replace("cpu: 300m", "cpu: 1800m")
    assert hungry != document
    path = tmp_path / "cart.yaml"
    path.write_text(hungry)
    result = build_plan(
        load_paths([str(path)]),
        load_snapshot([str(SNAPSHOT)]),
        PlanOptions(kubernetes_version="1.31", capacity=True),
    )
    assert result.input_errors == []
    (rollout,) = result.rollouts or []
    assert rollout["stall"]["step"] == 1 and "fit" in rollout["stall"]["reason"], rollout
    assert [(s["new"], s["old"]) for s in rollout["steps"]] == [(1, 1)]  # the surge pod waits
    (placement,) = (result.scheduling or {})["placements"]
    assert placement["node"] is None and "Insufficient cpu" in placement["message"]
    (capacity,) = result.scheduling["capacity"]
    assert capacity == {"workload": "Deployment/default/cartservice", "more_replicas": 0}
