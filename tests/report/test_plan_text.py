"""`diff -o text`: terraform's plan shape, plain and byte-stable off a terminal."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from kplan.plan.model import (
    CREATE,
    NO_OP,
    UPDATE,
    Change,
    FieldChange,
    Finding,
    Location,
    ObjectId,
    Plan,
)
from kplan.report import render_plan
from kplan.report.plan_text import NO_CHANGES
from tests.paths import ROOT
from tests.report.test_plan_samples import (
    IMAGE,
    SECRETS,
    adservice_create,
    boutique_plan,
    failing_plan,
    frontend_update,
)

ANSI = "\x1b["


def _render(plan: Plan, *, color: bool | None = False, verbose: bool = False) -> str:
    stream = io.StringIO()
    render_plan(plan, "text", stream, color=color, verbose=verbose)
    return stream.getvalue()


MANIFESTS_AT = "release/kubernetes-manifests.yaml"

BOUTIQUE = [
    "Resource actions are indicated with the following symbols:",
    "  + create",
    "  ~ update in-place",
    "  - destroy",
    "-/+ destroy and then create replacement",
    "",
    "kplan will perform the following actions:",
    "",
    "  # Deployment/default/adservice will be created",
    "    + /spec/replicas: 1",
    '    + /spec/selector: {"matchLabels": {"app": "adservice"}}',
    f'    + /spec/template/spec/containers/0/image: "{IMAGE}/adservice:v0.10.6"',
    "    # (12 more fields)",
    "",
    "  # Deployment/default/frontend will be updated in-place",
    "    ~ /spec/replicas: 3 -> 1",
    f'    ~ /spec/template/spec/containers/0/image: "{IMAGE}/frontend:v0.10.5" -> '
    f'"{IMAGE}/frontend:v0.10.6"',
    '    - /spec/template/metadata/annotations/sidecar.istio.io~1inject: "true"',
    '    + /spec/template/spec/containers/0/env/3: {"name": "ENV_PLATFORM"}',
    "",
    "  # Secret/default/payment-credentials will be updated in-place",
    "    ~ /data/api-key: *** (changed)",
    "    + /stringData/webhook: ***",
    "",
    "  # Secret/default/redis-auth will be created",
    "    + /data/password: ***",
    "    # (1 more field)",
    "",
    "  # Deployment/default/cartservice must be replaced",
    '    ~ /spec/selector/matchLabels/app: "cart" -> "cartservice" # forces replacement',
    '    ~ /spec/template/metadata/labels/app: "cart" -> "cartservice"',
    "",
    "  # ConfigMap/default/legacy-flags will be destroyed",
    '    - /data/FEATURE_X: "on"',
    '    - /data/motd: "welcome" ... (3 lines)',
    "    # (1 more field)",
    "",
    "  # Secret/default/old-token will be destroyed",
    "    - /data/token: ***",
    "    # (1 more field)",
    "",
    "Plan: 3 to add, 2 to change, 3 to destroy.",
    "",
    "Scheduling: 2 new pods, 1 pending",
    "  default/adservice-5f4c6d7b9-q7x2m -> worker-1",
    "  default/cartservice-7d9c8b6f5-k2p9z -> pending: 0/3 nodes are available: "
    "3 Insufficient cpu.",
    "",
    "Wiring:",
    "  Service default/adservice (ClusterIP 10.96.0.21): 1 endpoint",
    "  Service default/cartservice (ClusterIP 10.96.0.22): no endpoints",
    "  Ingress default/frontend: shop.example/ -> default/frontend:80",
    "",
    "Rollouts:",
    "  Deployment/default/frontend: RollingUpdate (maxSurge 1, maxUnavailable 0), "
    "2 steps (new,old): (1,1) (1,0)",
    "",
    "Findings: 0 errors, 1 warning",
    f"{MANIFESTS_AT}:171:5: warning: Service/default/cartservice: /spec/selector: "
    "selector app=cart matches no pod after the plan (service-selects-nothing)",
]


def test_the_whole_boutique_plan() -> None:
    assert _render(boutique_plan()) == "\n".join(BOUTIQUE) + "\n"


def test_output_is_byte_stable() -> None:
    assert _render(boutique_plan()) == _render(boutique_plan())
    assert _render(boutique_plan(), color=True) == _render(boutique_plan(), color=True)


def test_no_changes() -> None:
    assert _render(Plan("1.33")) == NO_CHANGES + "\n"
    assert NO_CHANGES == "No changes. The manifests match the cluster."


def test_no_op_objects_listed_with_all_and_no_legend() -> None:
    unchanged = Change(NO_OP, "v1", ObjectId("", "Service", "default", "frontend"))
    assert _render(Plan("1.33", [unchanged])).splitlines() == [
        "  # Service/default/frontend has no changes",
        "",
        NO_CHANGES,
    ]


def test_legend_lists_only_the_actions_used() -> None:
    lines = _render(Plan("1.33", [frontend_update()])).splitlines()
    assert lines[:4] == [
        "Resource actions are indicated with the following symbols:",
        "  ~ update in-place",
        "",
        "kplan will perform the following actions:",
    ]
    assert lines[-1] == "Plan: 0 to add, 1 to change, 0 to destroy."


def test_replace_counts_as_add_and_destroy() -> None:
    text = _render(boutique_plan())
    # 2 creates + 1 replace to add; 2 deletes + 1 replace to destroy.
    assert "\nPlan: 3 to add, 2 to change, 3 to destroy.\n" in text


def test_failing_plan_findings_by_severity_with_positions() -> None:
    lines = _render(failing_plan()).splitlines()
    start = lines.index("Findings: 3 errors, 0 warnings, 1 info")
    assert lines[start:] == [
        "Findings: 3 errors, 0 warnings, 1 info",
        "broken.yaml:4:5: error: YAML syntax error: mapping values are not allowed here "
        "(yaml-syntax)",
        'checkout.yaml:9:3: error: Deployment/default/checkout: /spec/replica: unknown field "'
        'spec.replica" (unknown-field)',
        "debug.yaml:7:13: error: Pod/default/debug: /spec/nodeName: node worker-9 does not exist "
        "(pod-does-not-fit)",
        # No position of its own: it points at its object's manifest.
        f"{MANIFESTS_AT}:230:1: info: Service/default/frontend: no pods yet "
        "(service-selects-nothing)",
    ]
    assert "  # Namespace/boutique will be created" in lines


def test_errors_come_before_warnings_whatever_the_plan_order() -> None:
    plan = Plan(
        "1.33",
        findings=[
            Finding("r-info", "info", "", "third"),
            Finding("r-warn", "warning", "", "second"),
            Finding("r-err", "error", "", "first"),
        ],
    )
    lines = _render(plan).splitlines()
    assert lines[-3:] == [
        "error: first (r-err)",
        "warning: second (r-warn)",
        "info: third (r-info)",
    ]


def test_verbose_shows_every_field_and_where_objects_are() -> None:
    lines = _render(Plan("1.33", [adservice_create()]), verbose=True).splitlines()
    start = lines.index("  # Deployment/default/adservice will be created")
    block = lines[start + 1 : lines.index("", start)]
    assert block[0] == f"    # {MANIFESTS_AT}:12:1"
    assert '    + /metadata/labels/app: "adservice"' in block
    assert '    + /spec/template/spec/containers/0/resources/limits/memory: "300Mi"' in block
    assert len(block) == 1 + 15
    assert not any("more field" in line for line in block)


def _one_field(before: object, after: object, *, verbose: bool = False) -> str:
    change = Change(
        UPDATE,
        "v1",
        ObjectId("", "ConfigMap", "default", "c"),
        fields=[FieldChange("/data/x", before, after)],
    )
    lines = _render(Plan("1.33", [change]), verbose=verbose).splitlines()
    return lines[lines.index("  # ConfigMap/default/c will be updated in-place") + 1]


def test_long_and_multiline_values_are_abbreviated() -> None:
    long = "a" * 60 + "b" * 100 + "c" * 30
    assert _one_field("short", long) == (
        f'    ~ /data/x: "short" -> "{"a" * 60}" ... "{"c" * 30}" (190 chars)'
    )
    assert _one_field("line 1\nline 2\n", None).endswith(': "line 1" ... (2 lines) -> null')
    big = {f"key{i}": i for i in range(20)}
    assert _one_field(None, big) == "    ~ /data/x: null -> {...} (20 keys)"
    assert _one_field(list(range(50)), []) == "    ~ /data/x: [...] (50 items) -> []"
    # verbose never abbreviates
    assert long in _one_field("short", long, verbose=True)


def test_scalars_are_json() -> None:
    assert _one_field(True, False) == "    ~ /data/x: true -> false"
    assert _one_field(80, "80") == '    ~ /data/x: 80 -> "80"'
    assert _one_field(0.5, None) == "    ~ /data/x: 0.5 -> null"


def test_control_characters_cannot_restyle_the_terminal() -> None:
    plan = Plan(
        "1.33",
        findings=[Finding("r", "warning", "Pod/default/x", "bad\x1b[31mred\x9bq\nnext")],
    )
    text = _render(plan)
    assert "\x1b" not in text and "\x9b" not in text
    assert "warning: Pod/default/x: bad\\x1b[31mred\\x9bq\\nnext (r)" in text
    assert _one_field("a\x1b[2J", "b") == '    ~ /data/x: "a\\u001b[2J" -> "b"'


def test_secrets_never_appear() -> None:
    for verbose in (False, True):
        for color in (False, True):
            text = _render(boutique_plan(), color=color, verbose=verbose)
            for secret in SECRETS:
                assert secret not in text
    verbose = _render(boutique_plan(), verbose=True)
    assert "    - /metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration: ***" in (
        verbose.splitlines()
    )


def test_sensitive_map_shows_keys_only() -> None:
    change = Change(
        UPDATE,
        "v1",
        ObjectId("", "Secret", "default", "s"),
        fields=[FieldChange("/data", {"user": "YQ=="}, {"user": "Yg==", "pass": "Yw=="})],
    )
    lines = _render(Plan("1.33", [change])).splitlines()
    assert '    ~ /data: {"user": ***} -> {"user": ***, "pass": ***}' in lines


def test_colour_follows_terraform() -> None:
    text = _render(boutique_plan(), color=True)
    assert ANSI in text
    plain = _render(boutique_plan(), color=False)
    assert ANSI not in plain
    assert "\x1b[32m+\x1b[0m /spec/replicas: 1" in text  # green +
    assert "\x1b[33m~\x1b[0m /spec/replicas: 3 -> 1" in text  # yellow ~
    assert "\x1b[31m-\x1b[0m /data/FEATURE_X" in text  # red -
    assert "\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m destroy and then create replacement" in text
    assert "\x1b[31m # forces replacement\x1b[0m" in text


def test_colour_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert ANSI not in _render(boutique_plan(), color=None)  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ANSI in _render(boutique_plan(), color=None)
    monkeypatch.setenv("NO_COLOR", "1")
    assert ANSI not in _render(boutique_plan(), color=None)
    assert ANSI in _render(boutique_plan(), color=True)  # an explicit choice wins


def test_sections_are_brief() -> None:
    plan = Plan(
        "1.33",
        rollouts=[
            {"workload": "Deployment/default/a", "strategy": "Recreate", "triggers_rollout": False},
            {
                "workload": "StatefulSet/default/db",
                "strategy": "RollingUpdate",
                "triggers_rollout": True,
                "order": ["db-2", "db-1", "db-0"],
            },
        ],
        wiring={
            "services": [
                {
                    "service": "default/db",
                    "type": "ClusterIP",
                    "clusterIP": None,
                    "endpoints": [
                        {"pod": "default/db-0", "name": "", "port": 5432, "ready": True},
                        {"pod": "default/db-1", "name": "", "port": 5432, "ready": False},
                    ],
                }
            ]
        },
        scheduling={"placements": []},
    )
    lines = _render(plan).splitlines()
    assert lines == [
        NO_CHANGES,
        "",
        "Wiring:",
        "  Service default/db (ClusterIP): 2 endpoints, 1 not ready",
        "",
        "Rollouts:",
        "  Deployment/default/a: Recreate: existing pods are not replaced",
        "  StatefulSet/default/db: RollingUpdate, order db-2, db-1, db-0",
    ]


def test_create_without_a_whole_object_lists_its_fields() -> None:
    change = Change(
        CREATE,
        "v1",
        ObjectId("", "ConfigMap", "default", "c"),
        fields=[FieldChange("/data/a", after="1")],
        location=Location("c.yaml", 1),
    )
    lines = _render(Plan("1.33", [change])).splitlines()
    assert lines[lines.index("  # ConfigMap/default/c will be created") + 1] == '    + /data/a: "1"'


def test_plain_text_does_not_import_rich() -> None:
    code = (
        "import io, sys\n"
        "from kplan.report import render_plan\n"
        "from tests.report.test_plan_samples import boutique_plan\n"
        "render_plan(boutique_plan(), 'text', io.StringIO(), color=False)\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_preemption_victims_are_named() -> None:
    """Beyond kube-scheduler's message: which lower-priority pods preemption evicts."""
    plan = Plan(
        "1.33",
        scheduling={
            "placements": [
                {
                    "pod": "shop/api-0",
                    "owner": "StatefulSet/shop/api",
                    "replica": 0,
                    "node": "worker-1",
                    "message": "0/1 nodes are available: 1 Insufficient cpu.",
                    "preemption": {"node": "worker-1", "victims": ["batch/job-a", "batch/job-b"]},
                }
            ]
        },
    )
    lines = _render(plan).splitlines()
    assert "  shop/api-0 -> worker-1" in lines
    assert "    after preempting on worker-1: batch/job-a, batch/job-b" in lines
