"""The result of `kplan validate` as plain data: what every renderer reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from kplan.diagnostics import FieldProblem, SourceProblem
from kplan.resource import Resource

VALID = "valid"
INVALID = "invalid"
SKIPPED = "skipped"


@dataclass
class ResourceReport:
    """One resource's verdict: `valid`, `invalid` (the API server would reject it) or
    `skipped` (no schema, e.g. a custom resource whose CRD kplan was not given)."""

    resource: Resource
    namespace: str
    status: str = VALID
    errors: list[FieldProblem] = field(default_factory=list)
    warnings: list[FieldProblem] = field(default_factory=list)


@dataclass
class ValidationReport:
    kubernetes_version: str
    resources: list[ResourceReport] = field(default_factory=list)
    errors: list[SourceProblem] = field(default_factory=list)
    # Problems that concern no single field: e.g. warnings about a whole source.
    warnings: list[SourceProblem] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = {"resources": len(self.resources), VALID: 0, INVALID: 0, SKIPPED: 0}
        for report in self.resources:
            counts[report.status] += 1
        counts["errors"] = len(self.errors)
        return counts

    @property
    def failed(self) -> bool:
        """Exit code 1 territory: anything unparseable or invalid."""
        return bool(self.errors) or any(r.status == INVALID for r in self.resources)
