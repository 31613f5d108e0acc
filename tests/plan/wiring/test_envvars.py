"""Service environment variables, as kubelet injects them.

Sources: kubernetes/kubernetes pkg/kubelet/envvars/envvars.go and envvars_test.go
TestFromServices (the table below is that test's); pkg/kubelet/kubelet_pods.go
getServiceEnvVarMap and makeEnvironmentVariables, with kubelet_pods_test.go
TestMakeEnvironmentVariables ("master service in pod ns", enableServiceLinks cases).
"""

from __future__ import annotations

from kplan.plan.wiring.envvars import from_service, service_env_map
from kplan.plan.wiring.ports import service_ports
from tests.plan.wiring.builders import deployment, service, wire


def _vars(name: str, ip: str, ports: list[dict]) -> list[tuple[str, str]]:
    return from_service(name, ip, service_ports({"ports": ports}))


def test_from_services_upstream_table():
    """TestFromServices: names, order and values; None and "" ClusterIPs inject nothing."""
    got = (
        _vars("foo-bar", "1.2.3.4", [{"port": 8080, "protocol": "TCP"}])
        + _vars(
            "abc-123",
            "5.6.7.8",
            [
                {"name": "u-d-p", "port": 8081, "protocol": "UDP"},
                {"name": "t-c-p", "port": 8081, "protocol": "TCP"},
            ],
        )
        + _vars(
            "q-u-u-x",
            "9.8.7.6",
            [{"port": 8082, "protocol": "TCP"}, {"name": "8083", "port": 8083, "protocol": "TCP"}],
        )
    )
    assert got == [
        ("FOO_BAR_SERVICE_HOST", "1.2.3.4"),
        ("FOO_BAR_SERVICE_PORT", "8080"),
        ("FOO_BAR_PORT", "tcp://1.2.3.4:8080"),
        ("FOO_BAR_PORT_8080_TCP", "tcp://1.2.3.4:8080"),
        ("FOO_BAR_PORT_8080_TCP_PROTO", "tcp"),
        ("FOO_BAR_PORT_8080_TCP_PORT", "8080"),
        ("FOO_BAR_PORT_8080_TCP_ADDR", "1.2.3.4"),
        ("ABC_123_SERVICE_HOST", "5.6.7.8"),
        ("ABC_123_SERVICE_PORT", "8081"),
        ("ABC_123_SERVICE_PORT_U_D_P", "8081"),
        ("ABC_123_SERVICE_PORT_T_C_P", "8081"),
        ("ABC_123_PORT", "udp://5.6.7.8:8081"),
        ("ABC_123_PORT_8081_UDP", "udp://5.6.7.8:8081"),
        ("ABC_123_PORT_8081_UDP_PROTO", "udp"),
        ("ABC_123_PORT_8081_UDP_PORT", "8081"),
        ("ABC_123_PORT_8081_UDP_ADDR", "5.6.7.8"),
        ("ABC_123_PORT_8081_TCP", "tcp://5.6.7.8:8081"),
        ("ABC_123_PORT_8081_TCP_PROTO", "tcp"),
        ("ABC_123_PORT_8081_TCP_PORT", "8081"),
        ("ABC_123_PORT_8081_TCP_ADDR", "5.6.7.8"),
        ("Q_U_U_X_SERVICE_HOST", "9.8.7.6"),
        ("Q_U_U_X_SERVICE_PORT", "8082"),
        ("Q_U_U_X_SERVICE_PORT_8083", "8083"),
        ("Q_U_U_X_PORT", "tcp://9.8.7.6:8082"),
        ("Q_U_U_X_PORT_8082_TCP", "tcp://9.8.7.6:8082"),
        ("Q_U_U_X_PORT_8082_TCP_PROTO", "tcp"),
        ("Q_U_U_X_PORT_8082_TCP_PORT", "8082"),
        ("Q_U_U_X_PORT_8082_TCP_ADDR", "9.8.7.6"),
        ("Q_U_U_X_PORT_8083_TCP", "tcp://9.8.7.6:8083"),
        ("Q_U_U_X_PORT_8083_TCP_PROTO", "tcp"),
        ("Q_U_U_X_PORT_8083_TCP_PORT", "8083"),
        ("Q_U_U_X_PORT_8083_TCP_ADDR", "9.8.7.6"),
    ]
    links = [
        ("ns", "svrc-clusterip-none", "None", service_ports({"ports": [{"port": 8082}]})),
        ("ns", "svrc-clusterip-empty", "", service_ports({"ports": [{"port": 8082}]})),
    ]
    assert service_env_map("ns", True, links) == {}


def test_ipv6_is_bracketed_in_urls_only_and_sctp():
    """envvars_test.go (at 729007a): udp://[2001:DB8::]:8084; SCTP_1_PORT_777_SCTP."""
    v6 = dict(_vars("v6", "2001:DB8::", [{"port": 8084, "protocol": "UDP"}]))
    assert v6["V6_PORT"] == "udp://[2001:DB8::]:8084"
    assert v6["V6_SERVICE_HOST"] == "2001:DB8::"
    assert v6["V6_PORT_8084_UDP_ADDR"] == "2001:DB8::"
    sctp = dict(_vars("sctp-1", "1.2.3.4", [{"port": 777, "protocol": "SCTP"}]))
    assert sctp["SCTP_1_PORT_777_SCTP"] == "sctp://1.2.3.4:777"


def _links():
    ports = service_ports({"ports": [{"port": 443}]})
    return [
        ("default", "kubernetes", "1.2.3.1", ports),
        ("test1", "kubernetes", "1.2.3.4", ports),
        ("test1", "other", "1.2.3.5", ports),
        ("test2", "third", "1.2.3.6", ports),
    ]


def test_master_service_in_pod_namespace_wins_when_links_are_on():
    """TestMakeEnvironmentVariables "master service in pod ns": a `kubernetes` Service in
    the pod's namespace replaces default/kubernetes; with links off, the real one stays."""
    on = service_env_map("test1", True, _links())
    assert on["KUBERNETES_SERVICE_HOST"] == "1.2.3.4"
    assert on["OTHER_SERVICE_HOST"] == "1.2.3.5"
    assert "THIRD_SERVICE_HOST" not in on  # other namespaces never count
    off = service_env_map("test1", False, _links())
    assert off["KUBERNETES_SERVICE_HOST"] == "1.2.3.1"
    assert {name.split("_")[0] for name in off} == {"KUBERNETES"}


def test_plan_env_for_planned_pods_with_planned_cluster_ips_and_implicit_kubernetes():
    """A Service without a ClusterIP gets a planned one, and the variables use it; with no
    recorded default/kubernetes, the one every cluster has (first address) is injected."""
    svc = service("redis-master", {"app": "redis"}, [{"port": 6379, "targetPort": 6379}])
    app = deployment("frontend", {"app": "frontend"})
    wiring, _ = wire([svc, app, deployment("redis", {"app": "redis"})])
    entry = next(s for s in wiring["services"] if s["service"] == "default/redis-master")
    assert entry["clusterIP_planned"] is True
    env = wiring["env"]["default/frontend-0"]
    assert env["REDIS_MASTER_SERVICE_HOST"] == entry["clusterIP"]
    assert env["REDIS_MASTER_PORT"] == f"tcp://{entry['clusterIP']}:6379"
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    assert env["KUBERNETES_SERVICE_PORT_HTTPS"] == "443"
    assert list(env) == sorted(env)


def test_enable_service_links_false_and_container_precedence():
    """enableServiceLinks: false still injects KUBERNETES_*; a variable every container
    defines itself replaces the service one (makeEnvironmentVariables deletes it)."""
    svc = service("web", {"app": "web"}, [{"port": 80}], clusterIP="10.96.5.5")
    quiet = deployment("quiet", {"app": "q"}, pod_spec={"enableServiceLinks": False})
    own = deployment(
        "own", {"app": "o"}, [{"name": "c", "env": [{"name": "WEB_SERVICE_HOST", "value": "x"}]}]
    )
    wiring, _ = wire([svc, quiet, own])
    assert set(wiring["env"]["default/quiet-0"]) == {
        "KUBERNETES_SERVICE_HOST",
        "KUBERNETES_SERVICE_PORT",
        "KUBERNETES_SERVICE_PORT_HTTPS",
        "KUBERNETES_PORT",
        "KUBERNETES_PORT_443_TCP",
        "KUBERNETES_PORT_443_TCP_PROTO",
        "KUBERNETES_PORT_443_TCP_PORT",
        "KUBERNETES_PORT_443_TCP_ADDR",
    }
    own_env = wiring["env"]["default/own-0"]
    assert "WEB_SERVICE_HOST" not in own_env
    assert own_env["WEB_SERVICE_PORT"] == "80"


def test_headless_and_external_name_services_inject_nothing():
    """IsServiceIPSet: clusterIP None or "" (ExternalName) are skipped."""
    headless = service("db", {"app": "db"}, [{"port": 5432}], clusterIP="None")
    external = service("ext", None, [{"port": 80}], type="ExternalName", externalName="x.example")
    wiring, _ = wire([headless, external, deployment("app", {"app": "a"})])
    env = wiring["env"]["default/app-0"]
    assert not [name for name in env if name.startswith(("DB_", "EXT_"))]
