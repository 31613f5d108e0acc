"""The driver: order, pods the scheduler does not handle, preemption, versions, capacity."""

from __future__ import annotations

import pytest

from kplan.plan.scheduling import capacity, schedule
from tests.plan.scheduling.helpers import container, make_node, make_pod


def _nodes(*names: str, **kw):
    return [make_node(name, **kw) for name in names]


def test_order_priority_then_owner_then_replica() -> None:
    """CONTRACT "Models the plan assumes": priority (highest first), then the order of the
    owners in the input, then replica."""
    pods = [
        make_pod("b-1", owner="Deployment/default/b", replica=1),
        make_pod("a-0", owner="Deployment/default/a", replica=0),
        make_pod("b-0", owner="Deployment/default/b", replica=0),
        make_pod("urgent", owner="Deployment/default/u", priority=100),
    ]
    result = schedule(pods, [], _nodes("n1"), kubernetes_version="1.31")
    assert [p["pod"] for p in result.placements] == [
        "default/urgent",
        "default/b-0",
        "default/b-1",
        "default/a-0",
    ]
    assert all(p["node"] == "n1" for p in result.placements)
    assert pods[0].node == "n1"


def test_each_placed_pod_counts_for_the_next() -> None:
    pods = [
        make_pod(f"p{i}", containers=[container("600m")], owner="Deployment/default/p", replica=i)
        for i in range(3)
    ]
    result = schedule(pods, [], _nodes("n1", "n2", cpu="1"), kubernetes_version="1.31")
    assert [p["node"] for p in result.placements] == ["n1", "n2", None]
    assert result.placements[2]["message"] == (
        "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: "
        "2 No preemption victims found for incoming pod.."
    )
    assert result.unschedulable == 1


def test_terminal_and_unplaced_existing_pods_do_not_count() -> None:
    existing = [
        make_pod("done", containers=[container("1")], node="n1", phase="Succeeded"),
        make_pod("failed", containers=[container("1")], node="n1", phase="Failed"),
        make_pod("elsewhere", containers=[container("1")], node="gone"),
    ]
    result = schedule(
        [make_pod("p", containers=[container("1")])],
        existing,
        _nodes("n1", cpu="1"),
        kubernetes_version="1.31",
    )
    assert result.placements[0]["node"] == "n1"


def test_pods_with_node_name() -> None:
    """Bound pods are not scheduled: they go to their node; a missing node or a pod kubelet
    would reject (it does not fit) is reported as a problem and does not occupy the node."""
    nodes = _nodes("n1", cpu="1")
    pods = [
        make_pod("bound", containers=[container("600m")], nodeName="n1"),
        make_pod("too-big", containers=[container("600m")], nodeName="n1"),
        make_pod("lost", nodeName="n9"),
        make_pod("next", containers=[container("400m")]),
    ]
    placements = schedule(pods, [], nodes, kubernetes_version="1.31").placements
    assert [p["node"] for p in placements] == ["n1", "n1", "n9", "n1"]
    assert "problem" not in placements[0]
    assert placements[1]["problem"].startswith("kubelet would reject the pod: OutOfcpu")
    assert placements[2]["problem"] == 'node "n9" does not exist: the pod stays Pending'
    assert placements[3]["message"] is None


def test_pods_the_scheduler_does_not_handle() -> None:
    pods = [
        make_pod("gated", schedulingGates=[{"name": "wait"}]),
        make_pod("other", schedulerName="my-scheduler"),
        make_pod("no-class", priorityClassName="missing"),
    ]
    placements = schedule(pods, [], _nodes("n1"), kubernetes_version="1.31").placements
    by_pod = {p["pod"]: p for p in placements}
    assert by_pod["default/gated"]["node"] is None
    assert "SchedulingGated" in by_pod["default/gated"]["problem"]
    assert by_pod["default/other"]["problem"] == (
        'no kube-scheduler profile handles schedulerName "my-scheduler"'
    )
    assert by_pod["default/no-class"]["problem"] == (
        'pods "no-class" is forbidden: no PriorityClass with name missing was found'
    )
    # scheduling gates are dropped by 1.26 API servers (PodSchedulingReadiness alpha, off)
    old = schedule(
        [make_pod("gated", schedulingGates=[{"name": "wait"}])],
        [],
        _nodes("n1"),
        kubernetes_version="1.26",
    ).placements
    assert old[0]["node"] == "n1"


def test_no_nodes() -> None:
    [placement] = schedule([make_pod("p")], [], [], kubernetes_version="1.31").placements
    assert placement["message"] == "no nodes available to schedule pods"


def _daemon_pod(node: str, cpu: str = "500m"):
    return make_pod(
        f"ds-{node}",
        containers=[container(cpu)],
        owner="DaemonSet/default/ds",
        affinity={
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchFields": [
                                {"key": "metadata.name", "operator": "In", "values": [node]}
                            ]
                        }
                    ]
                }
            }
        },
    )


@pytest.mark.parametrize(
    ("version", "reason"),
    [
        ("1.30", "node is filtered out by the prefilter result"),
        ("1.31", "node(s) didn't satisfy plugin(s) [NodeAffinity]"),
    ],
)
def test_daemonset_pod_message(version: str, reason: str) -> None:
    """NodeAffinity's PreFilterResult: only the named node is evaluated; the others report
    the version's reason (real event: "0/4 nodes are available: 1 Insufficient cpu, 3
    node(s) didn't satisfy plugin(s) [NodeAffinity]")."""
    nodes = _nodes("n1", "n2", "n3", "n4", cpu="1")
    existing = [make_pod("busy", containers=[container("800m")], node="n2")]
    [placement] = schedule(
        [_daemon_pod("n2")], existing, nodes, kubernetes_version=version
    ).placements
    assert placement["message"] == (
        f"0/4 nodes are available: 1 Insufficient cpu, 3 {reason}. preemption: 0/4 nodes are "
        "available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful "
        "for scheduling.."
    )
    [placement] = schedule(
        [_daemon_pod("n3")], existing, nodes, kubernetes_version=version
    ).placements
    assert placement["node"] == "n3"


def test_preemption_never_and_victims() -> None:
    """DefaultPreemption: a pod with preemptionPolicy Never is not eligible; otherwise the
    lowest-priority pods that free enough room are evicted (reprieving the most important
    first) and the pod takes the node."""
    nodes = _nodes("n1", cpu="1")
    existing = [
        make_pod("low-a", containers=[container("300m")], node="n1", priority=0),
        make_pod("low-b", containers=[container("300m")], node="n1", priority=0),
        make_pod("mid", containers=[container("300m")], node="n1", priority=50),
    ]
    never = make_pod(
        "never", containers=[container("500m")], priority=100, preemptionPolicy="Never"
    )
    [placement] = schedule([never], existing, nodes, kubernetes_version="1.31").placements
    assert placement["message"] == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to "
        "preemptionPolicy=Never.."
    )
    pod = make_pod("urgent", containers=[container("400m")], priority=100)
    [placement] = schedule([pod], existing, nodes, kubernetes_version="1.31").placements
    assert placement["message"] == "0/1 nodes are available: 1 Insufficient cpu."
    # all three have a lower priority and are removed; reprieved most important first: mid
    # (300m + 400m fits), low-a (recorded first; 600m + 400m fits), low-b no longer fits
    assert placement["preemption"] == {"node": "n1", "victims": ["default/low-b"]}
    assert placement["node"] == "n1"
    [kept] = schedule(
        [make_pod("urgent", containers=[container("400m")], priority=100)],
        existing,
        nodes,
        kubernetes_version="1.31",
        apply_preemption=False,
    ).placements
    assert kept["node"] is None and kept["preemption"]["victims"] == ["default/low-b"]


def test_preemption_does_not_help_with_unresolvable_reasons() -> None:
    nodes = _nodes("n1", labels={"disk": "hdd"})
    existing = [make_pod("low", node="n1", priority=0)]
    pod = make_pod("p", priority=100, nodeSelector={"disk": "ssd"})
    [placement] = schedule([pod], existing, nodes, kubernetes_version="1.31").placements
    assert placement["message"] == (
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."
    )


def test_priority_classes() -> None:
    """The Priority admission plugin: a named class gives its value, the globalDefault class
    applies to pods without one, system classes always exist."""
    classes = [
        {"metadata": {"name": "high"}, "value": 1000},
        {"metadata": {"name": "base"}, "value": 10, "globalDefault": True},
    ]
    pods = [
        make_pod("plain", owner="Deployment/default/a"),
        make_pod("high", owner="Deployment/default/b", priorityClassName="high"),
        make_pod(
            "node-critical", owner="Deployment/default/c", priorityClassName="system-node-critical"
        ),
    ]
    placements = schedule(
        pods, [], _nodes("n1"), kubernetes_version="1.31", priority_classes=classes
    ).placements
    assert [p["pod"] for p in placements] == [
        "default/node-critical",
        "default/high",
        "default/plain",
    ]


def test_volumes() -> None:
    """VolumeRestrictions/VolumeBinding PreFilter and Filter with recorded claims: a missing
    claim, an unbound Immediate claim, a bound PV pinned to another node."""
    nodes = _nodes("n1", "n2")
    pvcs = [
        {
            "metadata": {"name": "unbound", "namespace": "default"},
            "spec": {"storageClassName": "standard", "accessModes": ["ReadWriteOnce"]},
        },
        {
            "metadata": {"name": "bound", "namespace": "default"},
            "spec": {"volumeName": "pv-1", "accessModes": ["ReadWriteOnce"]},
        },
    ]
    pvs = [
        {
            "metadata": {"name": "pv-1"},
            "spec": {
                "nodeAffinity": {
                    "required": {
                        "nodeSelectorTerms": [
                            {
                                "matchFields": [
                                    {"key": "metadata.name", "operator": "In", "values": ["n2"]}
                                ]
                            }
                        ]
                    }
                }
            },
        }
    ]
    classes = [
        {"metadata": {"name": "standard"}, "provisioner": "x", "volumeBindingMode": "Immediate"}
    ]

    def pod(claim: str):
        return make_pod(
            f"uses-{claim}",
            volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": claim}}],
        )

    placements = schedule(
        [pod("missing"), pod("unbound"), pod("bound")],
        [],
        nodes,
        kubernetes_version="1.31",
        pvcs=pvcs,
        pvs=pvs,
        storage_classes=classes,
        volumes_recorded=True,
    ).placements
    assert placements[0]["message"] == (
        '0/2 nodes are available: persistentvolumeclaim "missing" not found. preemption: '
        "0/2 nodes are available: 2 Preemption is not helpful for scheduling.."
    )
    assert placements[1]["message"].startswith(
        "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."
    )
    assert placements[2]["node"] == "n2"
    # claims not recorded in the snapshot are assumed bindable
    [placement] = schedule([pod("missing")], [], nodes, kubernetes_version="1.31").placements
    assert placement["node"] == "n1"


def test_capacity() -> None:
    """cluster-capacity style: how many more copies fit."""
    nodes = _nodes("n1", "n2", cpu="1", pods=110)
    existing = [make_pod("e", containers=[container("500m")], node="n1")]
    template = make_pod("web", containers=[container("250m")])
    assert capacity(template, existing, nodes, kubernetes_version="1.31") == 6
    assert capacity(make_pod("tiny"), [], _nodes("n1", pods=3), kubernetes_version="1.31") == 3
    anti = make_pod(
        "one-per-node",
        labels={"app": "x"},
        affinity={
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "labelSelector": {"matchLabels": {"app": "x"}},
                        "topologyKey": "kubernetes.io/hostname",
                    }
                ]
            }
        },
    )
    assert capacity(anti, [], _nodes("a", "b", "c"), kubernetes_version="1.31") == 3


def test_explain_lists_every_node() -> None:
    """--explain: per-node plugin scores and weighted total for feasible nodes, the filter
    reasons for the others."""
    nodes = [
        make_node("a", cpu="1"),
        make_node("b", cpu="2"),
        make_node("c", taints=[{"key": "x", "effect": "NoSchedule"}]),
    ]
    [placement] = schedule(
        [make_pod("p", containers=[container("1500m")])],
        [],
        nodes,
        kubernetes_version="1.31",
        explain=True,
    ).placements
    assert placement["node"] == "b"
    assert placement["filtered"] == {
        "a": ["Insufficient cpu"],
        "c": ["node(s) had untolerated taint {x: }"],
    }
    assert set(placement["scores"]) == {"b"}
    assert placement["scores"]["b"]["TaintToleration"] == 100
    bound = make_pod("bound", nodeName="a")
    [placement] = schedule([bound], [], nodes, kubernetes_version="1.31", explain=True).placements
    assert placement["scores"] == {} and placement["filtered"] == {}


def test_second_profile_from_config() -> None:
    """A pod naming another profile's schedulerName uses that profile: here one that scores
    by MostAllocated, packing pods onto the fuller node."""
    config = {
        "profiles": [
            {"schedulerName": "default-scheduler"},
            {
                "schedulerName": "packer",
                "pluginConfig": [
                    {
                        "name": "NodeResourcesFit",
                        "args": {
                            "scoringStrategy": {
                                "type": "MostAllocated",
                                "resources": [
                                    {"name": "cpu", "weight": 1},
                                    {"name": "memory", "weight": 1},
                                ],
                            }
                        },
                    }
                ],
            },
        ]
    }
    nodes = [make_node("a", cpu="4"), make_node("b", cpu="4")]
    existing = [make_pod("e", containers=[container("2", "1Gi")], node="b")]
    spread = make_pod("s", containers=[container("500m", "256Mi")])
    packed = make_pod("k", containers=[container("500m", "256Mi")], schedulerName="packer")
    placements = schedule(
        [spread, packed], existing, nodes, kubernetes_version="1.31", config=config
    ).placements
    assert [p["node"] for p in placements] == ["a", "b"]
