"""The rules behind a plan's findings: stable ids, default severities, one-line docs, checks.

Modelled on yamllint's rule modules: each family module (kplan.rules.services, .workloads,
.policies, .ingress, .references, .plan) declares its rules with `declare` and, where a rule
judges the final state as a whole, registers a check with `@check`. The registry is the only
list of rules, so the README table, config validation and `--help` cannot drift from the code.

Stages that discover a problem while computing something (the wiring stage resolving a
targetPort, allocating a nodePort) emit the finding themselves through `Rule.finding`; rules
that only judge (a Service that selects nothing) are checks run over the wiring context.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kplan.plan.model import Finding, Location

if TYPE_CHECKING:
    from kplan.plan.wiring.index import WiringIndex

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# Family modules, imported on first use: they import the plan stages lazily, and the stages
# import this package, so nothing here may import them at module load.
FAMILIES = ("plan", "services", "ingress", "references", "workloads", "policies")


@dataclass(frozen=True)
class Rule:
    """One rule: `id` is stable (users suppress and configure by it), `summary` is the one
    line the README lists, `family` groups rules in docs."""

    id: str
    severity: str
    summary: str
    family: str

    def finding(
        self,
        obj: str,
        message: str,
        *,
        location: Location | None = None,
        path: str = "",
        severity: str | None = None,
    ) -> Finding:
        """A finding of this rule; `severity` overrides the default for a milder case of the
        same problem (an image pull secret that is missing hurts less than a volume's)."""
        return Finding(self.id, severity or self.severity, obj, message, location, path)


Check = Callable[["WiringIndex"], Iterable[Finding]]

_RULES: dict[str, Rule] = {}
_CHECKS: list[tuple[str, Check]] = []
_loaded = False


def declare(rule_id: str, severity: str, summary: str, family: str) -> Rule:
    """Register a rule; ids are unique across all families."""
    if severity not in SEVERITIES:
        raise ValueError(f"rule {rule_id}: unknown severity {severity!r}")
    if rule_id in _RULES:
        raise ValueError(f"rule {rule_id} declared twice")
    rule = _RULES[rule_id] = Rule(rule_id, severity, summary, family)
    return rule


def check(function: Check) -> Check:
    """Register a check: a function of the wiring context that yields findings."""
    _CHECKS.append((f"{function.__module__}.{function.__qualname__}", function))
    return function


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")


def all_rules() -> list[Rule]:
    """Every declared rule, sorted by id (the README order)."""
    _load()
    return sorted(_RULES.values(), key=lambda rule: rule.id)


def get(rule_id: str) -> Rule | None:
    _load()
    return _RULES.get(rule_id)


def run_checks(index: WiringIndex) -> list[Finding]:
    """All registered checks over one wiring context, in registration order."""
    _load()
    findings: list[Finding] = []
    for _name, function in _CHECKS:
        findings.extend(function(index))
    return findings


def rules_table() -> list[dict[str, Any]]:
    """Plain rows for docs and `--list-rules`: id, default severity, summary."""
    return [
        {"id": rule.id, "severity": rule.severity, "summary": rule.summary, "family": rule.family}
        for rule in all_rules()
    ]
