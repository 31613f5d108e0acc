"""Rules of the input and change stages (kplan.plan.plan, kplan.plan.changes).

Declared here so that the registry, the README table and the config file know every id a
plan can carry; the stages themselves emit these findings.
"""

from __future__ import annotations

from kplan.rules import ERROR, INFO, WARNING, declare

FAMILY = "input"

INVALID_INPUT = declare(
    "invalid-input", ERROR, "A document cannot be read (YAML/JSON syntax, not an object).", FAMILY
)
INVALID_OBJECT = declare(
    "invalid-object",
    ERROR,
    "The API server would reject the object (schema or validation).",
    FAMILY,
)
VALIDATION_WARNING = declare(
    "validation-warning", WARNING, "Deprecated API, unknown custom resource, and similar.", FAMILY
)
SNAPSHOT_PROBLEM = declare(
    "snapshot-problem", WARNING, "An object of the snapshot cannot be identified.", FAMILY
)
DUPLICATE_OBJECT = declare(
    "duplicate-object", WARNING, "The input defines one object twice; the last wins.", FAMILY
)
KIND_NOT_RECORDED = declare(
    "kind-not-recorded",
    INFO,
    "The snapshot does not record this kind; planned as a create.",
    FAMILY,
)
LAST_APPLIED_TOO_LARGE = declare(
    "last-applied-too-large",
    WARNING,
    "Client-side apply would exceed the 256 KiB annotation limit.",
    FAMILY,
)
NAMESPACE_MISSING = declare(
    "namespace-missing",
    WARNING,
    "Objects go to a namespace that neither exists nor is created.",
    FAMILY,
)
