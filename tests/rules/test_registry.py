"""The rule registry: stable ids, one declaration each, documented in one line."""

from __future__ import annotations

import re

import pytest

from kplan.rules import SEVERITIES, all_rules, declare, get, rules_table

REQUIRED = {
    "service-selects-nothing",
    "networkpolicy-selects-nothing",
    "pdb-selects-nothing",
    "hpa-target-missing",
    "target-port-unresolved",
    "probe-port-not-exposed",
    "selector-template-mismatch",
    "overlapping-selectors",
    "ingress-service-missing",
    "ingress-port-missing",
    "missing-configmap",
    "missing-secret",
    "missing-key",
    "missing-serviceaccount",
    "missing-pvc",
    "missing-priorityclass",
    "nodeport-conflict",
    "nodeport-out-of-range",
    "nodeport-on-clusterip",
    "clusterip-conflict",
    "duplicate-env",
    "statefulset-service-not-headless",
    "statefulset-service-missing",
    "pdb-blocks-eviction",
    "ingress-tls-secret-missing",
    "ingressclass-missing",
}


def test_every_required_rule_is_declared_with_a_one_line_doc():
    rules = {rule.id: rule for rule in all_rules()}
    assert REQUIRED <= set(rules)
    for rule in rules.values():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.id)
        assert rule.severity in SEVERITIES
        assert "\n" not in rule.summary and rule.summary.endswith(".")
        assert len(rule.summary) <= 100


def test_ids_are_unique_and_sorted_in_the_table():
    table = rules_table()
    ids = [row["id"] for row in table]
    assert ids == sorted(set(ids))
    with pytest.raises(ValueError, match="declared twice"):
        declare("missing-secret", "error", "Again.", "test")


def test_rule_finding_uses_the_default_severity_unless_told():
    rule = get("missing-secret")
    assert rule is not None
    assert rule.finding("Deployment/a/b", "m").severity == "error"
    assert rule.finding("Deployment/a/b", "m", severity="warning").severity == "warning"


def test_readme_lists_every_rule_with_its_severity() -> None:
    """The README's rules table is the documentation of each rule id."""
    from kplan.rules import rules_table
    from tests.paths import ROOT

    readme = (ROOT / "README.md").read_text()
    for rule in rules_table():
        assert f"| `{rule['id']}` | {rule['severity']} | {rule['summary']} |" in readme
