"""NodePorts: TestNodePorts, plugins/nodeports/node_ports_test.go.

Ports are written as upstream's newPod does, "PROTOCOL/hostIP/hostPort"; the node holds one
pod with the used ports.
"""

from __future__ import annotations

import pytest

from tests.plan.scheduling.helpers import Harness, container, make_node, make_pod, reasons

REASON = "node(s) didn't have free ports for the requested pod ports"


def _ports(*infos):
    ports = []
    for info in infos:
        protocol, host_ip, host_port = info.split("/")
        ports.append({"hostIP": host_ip, "hostPort": int(host_port), "protocol": protocol})
    return ports


def _port(host_port, protocol="TCP"):
    return {"containerPort": host_port, "hostPort": host_port, "protocol": protocol}


CASES = [
    ("other port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/9090"], True),
    ("same udp port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/8080"], False),
    ("same tcp port", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], False),
    ("different host ip", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.2/8080"], True),
    ("different protocol", ["UDP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], True),
    (
        "second udp port conflict",
        ["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"],
        ["UDP/127.0.0.1/8080"],
        False,
    ),
    (
        "first tcp port conflict",
        ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
        ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"],
        False,
    ),
    (
        "first tcp port conflict due to 0.0.0.0 hostIP",
        ["TCP/0.0.0.0/8001"],
        ["TCP/127.0.0.1/8001"],
        False,
    ),
    (
        "TCP hostPort conflict due to 0.0.0.0 hostIP",
        ["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
        ["TCP/127.0.0.1/8001"],
        False,
    ),
    (
        "second tcp port conflict to 0.0.0.0 hostIP",
        ["TCP/127.0.0.1/8001"],
        ["TCP/0.0.0.0/8001"],
        False,
    ),
    ("second different protocol", ["UDP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001"], True),
    (
        "UDP hostPort conflict due to 0.0.0.0 hostIP",
        ["UDP/127.0.0.1/8001"],
        ["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
        False,
    ),
]


@pytest.mark.parametrize(("name", "wanted", "used", "fits"), CASES, ids=[c[0] for c in CASES])
def test_node_ports(name, wanted, used, fits):
    """TestNodePorts: the pod asks for `wanted`, the node's pod holds `used`."""
    existing = [make_pod("e", containers=[container(ports=_ports(*used))], node="m1")]
    harness = Harness([make_node("m1")], existing)
    pod = make_pod("p", containers=[container(ports=_ports(*wanted))])
    status = harness.filter("NodePorts", pod)["m1"]
    if fits:
        assert status is None
    else:
        assert reasons(status) == [REASON]


def test_node_ports_skip_filter():
    """TestNodePorts "skip filter": a pod without host ports. Upstream's PreFilter returns Skip;
    kplan's NodePorts has no PreFilter and its Filter accepts such a pod on any node, which
    is the same outcome."""
    harness = Harness([make_node("m1")])
    assert harness.filter("NodePorts", make_pod("p"))["m1"] is None


def test_node_ports_sidecars_only():
    """GetHostPorts: restartable init containers' ports count, other init containers' not."""
    harness = Harness(
        [make_node("n")], [make_pod("e", containers=[container(ports=[_port(80)])], node="n")]
    )
    init = make_pod("p", initContainers=[container(ports=[_port(80)])])
    assert harness.filter("NodePorts", init)["n"] is None
    sidecar = make_pod("p", initContainers=[container(ports=[_port(80)], restartPolicy="Always")])
    assert harness.filter("NodePorts", sidecar)["n"] is not None
