"""Service endpoints and targetPort resolution.

Sources: kubernetes/kubernetes pkg/api/v1/pod/util.go FindPort with util_test.go
TestFindPort (case names quoted below); pkg/controller/endpointslice and
staging/src/k8s.io/endpointslice/utils.go (podToEndpoint, getEndpointPorts),
staging/src/k8s.io/endpointslice/util/controller_utils.go ShouldPodBeInEndpoints.
"""

from __future__ import annotations

import pytest

from kplan.plan.wiring.ports import ServicePort, find_port, service_ports
from tests.plan.wiring.builders import deployment, recorded_pod, rules_of, service, wire


def _port(target: int | str, protocol: str = "TCP") -> ServicePort:
    return ServicePort(0, "", 80, protocol, target, None)


TCP_PORTS = [
    {"name": "", "containerPort": 11, "protocol": "UDP"},
    {"name": "p", "containerPort": 22, "protocol": "TCP"},
    {"name": "q", "containerPort": 33, "protocol": "TCP"},
]


@pytest.mark.parametrize(
    ("name", "containers", "target", "expected"),
    [
        ("valid int, no ports", [{}], 93, 93),
        ("valid int, with ports", [{"ports": TCP_PORTS[1:2]}], 93, 93),
        ("valid str, no ports", [{}], "p", None),
        ("valid str, one ctr with ports", [{"ports": TCP_PORTS}], "q", 33),
        ("valid str, two ctr with ports", [{}, {"ports": TCP_PORTS}], "q", 33),
        (
            "valid str, two ctr with same port",
            [
                {},
                {"ports": [*TCP_PORTS[:2], {"name": "q", "containerPort": 22, "protocol": "TCP"}]},
            ],
            "q",
            22,
        ),
        (
            "valid str, invalid protocol",
            [{}, {"ports": [{"name": "a", "containerPort": 11, "protocol": "snmp"}]}],
            "a",
            None,
        ),
        (
            "valid hostPort",
            [
                {},
                {"ports": [{"name": "a", "containerPort": 11, "hostPort": 81, "protocol": "TCP"}]},
            ],
            "a",
            11,
        ),
    ],
)
def test_find_port_matches_upstream_table(name, containers, target, expected):
    """util_test.go TestFindPort: each row, with the Service port's protocol TCP."""
    assert find_port({"containers": containers}, _port(target)) == expected, name


def test_named_port_defaults_protocol_to_tcp_and_first_container_wins():
    """ContainerPort.protocol defaults to TCP; containers are searched in order."""
    spec = {
        "containers": [
            {"ports": [{"name": "web", "containerPort": 8080}]},
            {"ports": [{"name": "web", "containerPort": 9090}]},
        ]
    }
    assert find_port(spec, _port("web")) == 8080
    assert find_port(spec, _port("web", "UDP")) is None


def test_sidecar_init_containers_are_searched_but_plain_init_containers_are_not():
    """Newer FindPort also visits restartable init containers (restartPolicy: Always)."""
    sidecar = {
        "name": "proxy",
        "restartPolicy": "Always",
        "ports": [{"name": "m", "containerPort": 15090}],
    }
    plain = {"name": "setup", "ports": [{"name": "s", "containerPort": 7000}]}
    spec = {"containers": [{"name": "app"}], "initContainers": [plain, sidecar]}
    assert find_port(spec, _port("m")) == 15090
    assert find_port(spec, _port("s")) is None


def test_service_port_defaults():
    """ServicePort: protocol defaults to TCP, targetPort to port (core/v1 defaults.go)."""
    (port,) = service_ports({"ports": [{"port": 80}]})
    assert (port.protocol, port.target, port.name) == ("TCP", 80, "")


def _endpoints(wiring, name="default/web"):
    (entry,) = [s for s in wiring["services"] if s["service"] == name]
    return entry["endpoints"]


def test_named_target_port_resolves_per_pod_and_a_failing_pod_leaves_only_that_port():
    """FindPort failure drops the pod from that Service port only (getEndpointPorts logs
    "Failed to find port for service" and goes on)."""
    good = deployment(
        "good",
        {"app": "web", "v": "1"},
        [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}],
    )
    bad = deployment("bad", {"app": "web", "v": "2"}, [{"name": "c", "ports": []}])
    svc = service(
        "web",
        {"app": "web"},
        [{"name": "http", "port": 80, "targetPort": "http"}, {"name": "admin", "port": 9000}],
    )
    wiring, findings = wire([svc, good, bad])
    assert _endpoints(wiring) == [
        {"pod": "default/bad-0", "name": "admin", "port": 9000, "protocol": "TCP", "ready": True},
        {"pod": "default/good-0", "name": "admin", "port": 9000, "protocol": "TCP", "ready": True},
        {"pod": "default/good-0", "name": "http", "port": 8080, "protocol": "TCP", "ready": True},
    ]
    assert ("target-port-unresolved", "Service/default/web") in rules_of(findings)
    (finding,) = [f for f in findings if f.rule == "target-port-unresolved"]
    assert "1 of 2 selected pod(s), of Deployment/default/bad" in finding.message
    assert finding.path == "/spec/ports/0/targetPort"


def test_selection_is_by_namespace_and_equality_of_every_pair():
    """syncService lists podLister.Pods(service.Namespace) with labels.Set(selector)."""
    svc = service("web", {"app": "web", "tier": "front"}, [{"port": 80}])
    pods = [
        recorded_pod("a", {"app": "web", "tier": "front", "extra": "x"}),
        recorded_pod("b", {"app": "web"}),
        recorded_pod("c", {"app": "web", "tier": "front"}, namespace="other"),
    ]
    wiring, _ = wire([svc], pods)
    assert [e["pod"] for e in _endpoints(wiring)] == ["default/a"]


def test_terminal_pods_and_pods_without_ip_are_left_out_not_ready_ones_are_marked():
    """ShouldPodBeInEndpoints drops Succeeded/Failed pods and pods without an IP; a pod
    whose Ready condition is not True is a not-ready endpoint."""
    svc = service("web", {"app": "web"}, [{"port": 80}])
    pods = [
        recorded_pod("done", {"app": "web"}, phase="Succeeded"),
        recorded_pod("failed", {"app": "web"}, phase="Failed"),
        recorded_pod("pending", {"app": "web"}, ip=None, phase="Pending", ready=False),
        recorded_pod("starting", {"app": "web"}, ready=False),
        recorded_pod("up", {"app": "web"}),
    ]
    wiring, _ = wire([svc], pods)
    assert [(e["pod"], e["ready"]) for e in _endpoints(wiring)] == [
        ("default/starting", False),
        ("default/up", True),
    ]


def test_publish_not_ready_addresses_makes_every_endpoint_ready_but_keeps_terminal_out():
    """EndpointSlice: ready = publishNotReadyAddresses || (serving && !terminating)."""
    svc = service("web", {"app": "web"}, [{"port": 80}], publishNotReadyAddresses=True)
    pods = [
        recorded_pod("starting", {"app": "web"}, ready=False),
        recorded_pod("done", {"app": "web"}, phase="Succeeded"),
    ]
    wiring, _ = wire([svc], pods)
    assert [(e["pod"], e["ready"]) for e in _endpoints(wiring)] == [("default/starting", True)]


def test_headless_without_ports_publishes_pods_with_null_port():
    """ "Allow headless service not to have ports": every pod, no port."""
    svc = service("db", {"app": "db"}, None, clusterIP="None")
    wiring, _ = wire([svc], [recorded_pod("db-0", {"app": "db"})])
    (entry,) = wiring["services"]
    assert entry["clusterIP"] == "None"
    assert entry["endpoints"] == [
        {"pod": "default/db-0", "name": None, "port": None, "protocol": None, "ready": True}
    ]


@pytest.mark.parametrize(
    "spec",
    [
        {"type": "ExternalName", "externalName": "db.example.com", "selector": {"app": "web"}},
        {"selector": {}},
        {},
    ],
    ids=["external-name", "empty-selector", "no-selector"],
)
def test_no_managed_endpoints(spec):
    """ExternalName gets none; nil and {} selectors mean endpoints are managed elsewhere."""
    selector = spec.pop("selector", None)
    svc = service("web", selector, [{"port": 80}], **spec)
    wiring, findings = wire([svc], [recorded_pod("a", {"app": "web"})])
    assert wiring["services"][0]["endpoints"] == []
    assert "service-selects-nothing" not in [f.rule for f in findings]


def test_planned_pods_count_as_running_and_ready():
    svc = service("web", {"app": "web"}, [{"port": 80, "targetPort": 8080}])
    wiring, _ = wire([svc, deployment("web", {"app": "web"}, replicas=2)])
    assert [(e["pod"], e["port"], e["ready"]) for e in _endpoints(wiring)] == [
        ("default/web-0", 8080, True),
        ("default/web-1", 8080, True),
    ]
