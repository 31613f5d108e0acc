"""ClusterIPs and NodePorts.

Sources: kubernetes/kubernetes pkg/registry/core/service/ipallocator (bitmap.go
calculateRangeOffset, KEP-3070), pkg/registry/core/service/portallocator,
pkg/registry/core/service/storage/alloc.go initNodePorts / findRequestedNodePort,
pkg/kubeapiserver/options/options.go DefaultServiceNodePortRange, and
pkg/apis/core/validation/validation.go ValidateService; the messages are the API
server's as real clusters print them (reference/wiring.md section 6).
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from kplan.plan.wiring.cluster_ip import Allocator, range_offset
from tests.plan.wiring.builders import service, wire


def _by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_range_offset_matches_calculate_range_offset():
    """min(max(16, size/16), 256); ranges under 16 addresses have no static band."""
    assert range_offset(8) == 0
    assert range_offset(64) == 16
    assert range_offset(1024) == 64
    assert range_offset(1 << 20) == 256


def test_planned_cluster_ips_are_deterministic_in_the_upper_band_and_skip_used():
    network = ipaddress.ip_network("10.96.0.0/12")
    first = Allocator(network, set()).allocate("shop/web")
    assert first == Allocator(network, set()).allocate("shop/web")
    offset = int(ipaddress.ip_address(first)) - int(network.network_address)
    assert offset >= 256
    again = Allocator(network, {first}).allocate("shop/web")
    assert again != first
    tiny = Allocator(ipaddress.ip_network("10.0.0.0/30"), set())
    assert tiny.allocate("a") == "10.0.0.2"  # .0 network, .1 kubernetes, .3 broadcast
    assert tiny.allocate("b") is None


def test_recorded_cluster_ip_survives_an_apply_that_omits_it():
    """An apply that leaves spec.clusterIP out keeps the allocated address (the field is
    immutable and server-set)."""
    recorded = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"clusterIP": "10.96.3.3", "ports": [{"port": 80}]},
    }
    svc = service("web", {"app": "web"}, [{"port": 80}])
    svc = replace(svc, recorded_body=recorded)
    wiring, _ = wire([svc], [])
    assert wiring["services"][0]["clusterIP"] == "10.96.3.3"
    assert "clusterIP_planned" not in wiring["services"][0]


def test_cluster_ip_conflict_with_recorded_and_with_the_kubernetes_service():
    """ "provided IP is already allocated"; 10.96.0.1 belongs to default/kubernetes."""
    held = service("old", {"app": "a"}, [{"port": 80}], clusterIP="10.96.0.10", planned=False)
    new = service("new", {"app": "b"}, [{"port": 80}], clusterIP="10.96.0.10", namespace="x")
    api = service("api", {"app": "c"}, [{"port": 80}], clusterIP="10.96.0.1")
    _, findings = wire([held, new, api], [])
    messages = sorted((f.object, f.message) for f in _by_rule(findings, "clusterip-conflict"))
    assert messages == [
        (
            "Service/default/api",
            'spec.clusterIP: Invalid value: "10.96.0.1": provided IP is already allocated '
            "(to Service/default/kubernetes)",
        ),
        (
            "Service/x/new",
            'spec.clusterIP: Invalid value: "10.96.0.10": provided IP is already allocated '
            "(to Service/default/old)",
        ),
    ]


def test_out_of_range_only_when_recorded_services_agree_with_the_range():
    recorded = service("old", {"app": "a"}, [{"port": 80}], clusterIP="10.96.0.20", planned=False)
    outside = service("dns", {"app": "b"}, [{"port": 53}], clusterIP="10.0.0.10")
    _, findings = wire([recorded, outside], [])
    (finding,) = _by_rule(findings, "clusterip-out-of-range")
    assert finding.message.endswith("The range of valid IPs is 10.96.0.0/12")
    _, no_snapshot = wire([outside], [])
    assert not _by_rule(no_snapshot, "clusterip-out-of-range")


def test_recorded_ips_outside_the_cidr_give_one_note_instead():
    gke = service("old", {"app": "a"}, [{"port": 80}], clusterIP="10.56.0.21", planned=False)
    _, findings = wire(
        [gke, service("new", {"app": "b"}, [{"port": 80}], clusterIP="10.0.0.9")], []
    )
    assert [f.rule for f in findings if "cidr" in f.rule or "range" in f.rule] == [
        "service-cidr-mismatch"
    ]


def test_node_port_out_of_range_and_on_cluster_ip():
    low = service("low", {"app": "a"}, [{"port": 80, "nodePort": 29999}], type="NodePort")
    cip = service("cip", {"app": "a"}, [{"port": 80, "nodePort": 30080}])
    _, findings = wire([low, cip], [])
    assert [f.message for f in _by_rule(findings, "nodeport-out-of-range")] == [
        "spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid "
        "range. The range of valid ports is 30000-32767"
    ]
    assert [f.message for f in _by_rule(findings, "nodeport-on-clusterip")] == [
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    ]
    _, wide = wire([low], [], node_port_range=(20000, 32767))
    assert not _by_rule(wide, "nodeport-out-of-range")


def test_node_port_conflicts_are_cluster_wide_across_namespaces_and_protocols():
    """The allocator has one bitmap for the cluster."""
    held = service(
        "a",
        {"app": "a"},
        [{"port": 53, "protocol": "UDP", "nodePort": 30053}],
        type="NodePort",
        namespace="one",
        planned=False,
    )
    new = service(
        "b", {"app": "b"}, [{"port": 80, "nodePort": 30053}], type="LoadBalancer", namespace="two"
    )
    _, findings = wire([held, new], [])
    (finding,) = _by_rule(findings, "nodeport-conflict")
    assert finding.object == "Service/two/b"
    assert finding.message == (
        "spec.ports[0].nodePort: Invalid value: 30053: provided port is already allocated "
        "(held by Service/one/a)"
    )


def test_same_port_number_tcp_and_udp_share_a_node_port_but_two_numbers_cannot():
    """initNodePorts: one nodePort per distinct `port` number."""
    shared = service(
        "dns",
        {"app": "d"},
        [
            {"name": "dns-udp", "port": 53, "protocol": "UDP", "nodePort": 30053},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "nodePort": 30053},
        ],
        type="NodePort",
    )
    clash = service(
        "web",
        {"app": "w"},
        [
            {"name": "http", "port": 80, "protocol": "TCP", "nodePort": 30080},
            {"name": "alt", "port": 81, "protocol": "UDP", "nodePort": 30080},
        ],
        type="NodePort",
    )
    _, findings = wire([shared, clash], [])
    assert [(f.object, f.path) for f in _by_rule(findings, "nodeport-conflict")] == [
        ("Service/default/web", "/spec/ports/1/nodePort")
    ]


def test_a_service_keeping_its_own_node_port_and_two_new_ones_in_apply_order():
    mine = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "mine"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30100}]},
    }
    kept = service("mine", {"app": "m"}, [{"port": 80, "nodePort": 30100}], type="NodePort")
    kept = replace(kept, recorded_body=mine)
    _, findings = wire([kept], [])
    assert not _by_rule(findings, "nodeport-conflict")
    first = service("first", {"app": "f"}, [{"port": 80, "nodePort": 30200}], type="NodePort")
    second = service("second", {"app": "s"}, [{"port": 80, "nodePort": 30200}], type="NodePort")
    second = replace(second, location=type(second.location)("test.yaml", 9))
    _, findings = wire([first, second], [])
    assert [f.object for f in _by_rule(findings, "nodeport-conflict")] == ["Service/default/second"]


def test_type_change_to_cluster_ip_wipes_kept_node_ports():
    """ServicePort.nodePort doc: wiped when the Service no longer needs it."""
    before = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30100}]},
    }
    now = service("web", {"app": "w"}, [{"port": 80, "nodePort": 30100}], type="ClusterIP")
    now = replace(now, recorded_body=before)
    _, findings = wire([now], [])
    assert not _by_rule(findings, "nodeport-on-clusterip")


def test_duplicate_port_and_protocol():
    svc = service("web", {"app": "w"}, [{"name": "a", "port": 80}, {"name": "b", "port": 80}])
    _, findings = wire([svc], [])
    (finding,) = _by_rule(findings, "duplicate-service-port")
    assert finding.message == "spec.ports[1]: Duplicate value: 80/TCP (also spec.ports[0])"
