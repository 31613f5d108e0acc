"""The rule checks over the final state.

Where linters go wrong (kube-linter's dangling-service, kube-score's
service-targets-pod / networkpolicy-targets-pod / pdb-targets-pod match selectors by
equality on matchLabels only, ignore namespaces, and read {} one way for every kind), kplan
follows each kind's own semantics:
- a Service selector is an equality map in the Service's namespace; {} selects nothing
  (core/v1 ServiceSpec.selector doc);
- NetworkPolicy podSelector {} selects every pod of the namespace (networking/v1 doc);
- a policy/v1 PDB selector {} selects every pod of the namespace, a null one none;
  policy/v1beta1 reads {} as none (policy/v1 and v1beta1 PodDisruptionBudgetSpec docs);
- matchExpressions (In, NotIn, Exists, DoesNotExist) count, and NotIn / DoesNotExist also
  match pods without the key (apimachinery labels.Requirement.Matches).
"""

from __future__ import annotations

from typing import Any

from tests.plan.wiring.builders import deployment, obj, recorded_pod, rules_of, service, wire


def _policy(kind: str, spec: dict[str, Any], api_version: str, namespace: str = "default"):
    return obj(
        {
            "apiVersion": api_version,
            "kind": kind,
            "metadata": {"name": "p", "namespace": namespace},
            "spec": spec,
        }
    )


def _netpol(selector: dict[str, Any], namespace: str = "default"):
    return _policy("NetworkPolicy", {"podSelector": selector}, "networking.k8s.io/v1", namespace)


def _pdb(spec: dict[str, Any], api_version: str = "policy/v1"):
    return _policy("PodDisruptionBudget", spec, api_version)


PODS = [
    recorded_pod("web-1", {"app": "web", "tier": "front"}),
    recorded_pod("db-1", {"app": "db"}),
    recorded_pod("other-1", {"app": "api"}, namespace="other"),
]


def _rules(objects, pods=PODS, **options):
    _, findings = wire(objects, pods, **options)
    return rules_of(findings)


def test_service_selects_nothing_respects_namespace_and_every_pair():
    assert _rules([service("web", {"app": "web"}, [{"port": 80}])]) == []
    assert _rules([service("api", {"app": "api"}, [{"port": 80}])]) == [
        ("service-selects-nothing", "Service/default/api")
    ]
    assert _rules([service("web", {"app": "web", "tier": "back"}, [{"port": 80}])]) == [
        ("service-selects-nothing", "Service/default/web")
    ]


def test_service_selects_nothing_is_not_said_when_pods_come_and_go_or_are_unknown():
    cron = obj(
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": "c"},
            "spec": {
                "schedule": "* * * * *",
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "metadata": {"labels": {"app": "batch"}},
                            "spec": {"containers": []},
                        }
                    }
                },
            },
        },
        planned=False,
    )
    svc = service("batch", {"app": "batch"}, [{"port": 80}])
    assert _rules([svc, cron]) == []
    lonely = service("x", {"app": "x"}, [{"port": 80}])
    assert _rules([lonely], recorded_kinds={("", "Service")}) == []


def test_service_selecting_a_workload_scaled_to_zero_says_so():
    svc = service("web", {"app": "zero"}, [{"port": 80}])
    _, findings = wire([svc, deployment("zero", {"app": "zero"}, replicas=0)])
    (finding,) = findings
    assert "(Deployment/default/zero matches but runs 0 replicas)" in finding.message


def test_networkpolicy_empty_selector_selects_all_and_match_expressions_count():
    assert _rules([_netpol({})]) == []
    assert (
        _rules(
            [_netpol({"matchExpressions": [{"key": "app", "operator": "In", "values": ["db"]}]})]
        )
        == []
    )
    assert (
        _rules([_netpol({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]})]) == []
    )
    assert _rules(
        [
            _netpol(
                {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web", "db"]}]}
            )
        ]
    ) == [("networkpolicy-selects-nothing", "NetworkPolicy/default/p")]
    assert _rules([_netpol({"matchLabels": {"app": "api"}})]) == [
        ("networkpolicy-selects-nothing", "NetworkPolicy/default/p")
    ]


def test_pdb_selector_semantics_per_version():
    assert _rules([_pdb({"selector": {}, "maxUnavailable": 1})]) == []
    assert _rules([_pdb({"maxUnavailable": 1})]) == [
        ("pdb-selects-nothing", "PodDisruptionBudget/default/p")
    ]
    assert _rules([_pdb({"selector": {}, "maxUnavailable": 1}, "policy/v1beta1")]) == [
        ("pdb-selects-nothing", "PodDisruptionBudget/default/p")
    ]
    assert _rules([_pdb({"selector": {"matchLabels": {"app": "api"}}, "maxUnavailable": 1})]) == [
        ("pdb-selects-nothing", "PodDisruptionBudget/default/p")
    ]


def test_pdb_blocks_eviction_follows_the_disruption_controller_arithmetic():
    """disruption.go getExpectedPodCount: desiredHealthy = minAvailable (int), or the
    scaled percentage rounded up, or expected - maxUnavailable (rounded up)."""
    web = {"matchLabels": {"app": "web"}}
    two = [recorded_pod("a", {"app": "web"}), recorded_pod("b", {"app": "web"})]
    blocked = [
        {"selector": web, "minAvailable": 2},
        {"selector": web, "minAvailable": "100%"},
        {"selector": web, "maxUnavailable": 0},
        {"selector": web, "maxUnavailable": "0%"},
    ]
    for spec in blocked:
        assert _rules([_pdb(spec)], two) == [
            ("pdb-blocks-eviction", "PodDisruptionBudget/default/p")
        ], spec
    allowed = [
        {"selector": web, "minAvailable": 1},
        {"selector": web, "minAvailable": "50%"},
        {"selector": web, "maxUnavailable": "1%"},  # 1% of 2 rounds up to 1
        {"selector": web},  # policy/v1: no default
    ]
    for spec in allowed:
        assert _rules([_pdb(spec)], two) == [], spec
    assert _rules([_pdb({"selector": web}, "policy/v1beta1")], [two[0]]) == [
        ("pdb-blocks-eviction", "PodDisruptionBudget/default/p")
    ]


def test_hpa_target_missing_only_for_recorded_kinds():
    hpa = _policy(
        "HorizontalPodAutoscaler",
        {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 3,
        },
        "autoscaling/v2",
    )
    assert _rules([hpa]) == [("hpa-target-missing", "HorizontalPodAutoscaler/default/p")]
    assert _rules([hpa, deployment("web", {"app": "web"})]) == []
    assert _rules([hpa], recorded_kinds={("", "Pod")}) == []


def test_selector_template_mismatch_and_empty_selector():
    bad = deployment("bad", {"app": "web"}, selector={"matchLabels": {"app": "other"}}, replicas=0)
    empty = deployment("empty", {"app": "web2"}, selector={}, replicas=0)
    expr = deployment(
        "expr",
        {"app": "web3", "track": "stable"},
        replicas=0,
        selector={
            "matchExpressions": [
                {"key": "track", "operator": "NotIn", "values": ["canary"]},
                {"key": "app", "operator": "In", "values": ["web3"]},
            ]
        },
    )
    assert sorted(_rules([bad, empty, expr], [])) == [
        ("selector-template-mismatch", "Deployment/default/bad"),
        ("selector-template-mismatch", "Deployment/default/empty"),
    ]


def test_overlapping_selectors_within_a_namespace_only():
    a = deployment("a", {"app": "web", "track": "stable"}, selector={"matchLabels": {"app": "web"}})
    b = deployment(
        "b",
        {"app": "web", "track": "canary"},
        selector={"matchLabels": {"app": "web", "track": "canary"}},
    )
    c = deployment("c", {"app": "web"}, namespace="other")
    owned = obj(
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": "a-123",
                "ownerReferences": [{"controller": True, "kind": "Deployment", "name": "a"}],
            },
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {}},
            },
        },
        planned=False,
    )
    _, findings = wire([a, b, c, owned])
    overlaps = [f for f in findings if f.rule == "overlapping-selectors"]
    assert [(f.object, f.message) for f in overlaps] == [
        (
            "Deployment/default/a",
            "selector app=web overlaps with Deployment/default/b: each matches the other's pods",
        ),
        (
            "Deployment/default/b",
            "selector app=web,track=canary overlaps with Deployment/default/a: each matches the "
            "other's pods",
        ),
    ]


def test_probe_port_names_resolve_in_the_same_container_only():
    """kubelet prober: findPortByName over the probed container; a number written as a
    string is tried as a number last ("Last ditch effort")."""
    containers = [
        {
            "name": "app",
            "ports": [{"name": "http", "containerPort": 8080}],
            "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
            "livenessProbe": {"tcpSocket": {"port": "8080"}},
        },
        {"name": "side", "readinessProbe": {"httpGet": {"path": "/", "port": "http"}}},
    ]
    _, findings = wire([deployment("web", {"app": "web"}, containers)])
    (finding,) = findings
    assert finding.rule == "probe-port-not-exposed"
    assert finding.path == "/spec/template/spec/containers/1/readinessProbe/httpGet/port"


def test_duplicate_env_follows_the_api_server_warning():
    """pkg/api/pod/warnings_test.go "duplicate env": every redefinition warns except one
    whose value refers to the earlier one ("$(b) $(b)")."""
    env = [
        {"name": "b", "value": "b"},
        {"name": "b", "value": "b"},
        {"name": "b", "value": "other"},
        {"name": "b", "value": ""},
        {"name": "b", "value": "$(b)"},
        {"name": "b", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "b", "value": "$(b) $(b)"},
    ]
    _, findings = wire([deployment("web", {"app": "web"}, [{"name": "c", "env": env}])])
    assert [f.path.rsplit("/", 1)[-1] for f in findings if f.rule == "duplicate-env"] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]


def test_statefulset_service_missing_and_not_headless():
    sts = deployment("db", {"app": "db"}, kind="StatefulSet", replicas=0)
    sts.spec["serviceName"] = "db"
    assert _rules([sts], []) == [("statefulset-service-missing", "StatefulSet/default/db")]
    plain = service("db", {"app": "db"}, [{"port": 5432}], planned=False)
    assert _rules([sts, plain], []) == [
        ("statefulset-service-not-headless", "StatefulSet/default/db")
    ]
    headless = service("db", {"app": "db"}, [{"port": 5432}], clusterIP="None", planned=False)
    assert _rules([sts, headless], []) == []


def test_recorded_objects_are_not_judged():
    svc = service("api", {"app": "nothing"}, [{"port": 80}], planned=False)
    assert _rules([svc]) == []
