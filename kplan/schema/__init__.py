"""Kubernetes JSON schemas: bundled versions, strict mode, CRDs, deprecated APIs, two engines.

Importing this package is cheap: the schema data and the validation libraries load on first
use (see `kplan.schema.catalog`).
"""

from kplan.schema.catalog import (
    BUILTIN,
    CUSTOM,
    REMOVED,
    UNKNOWN,
    Catalog,
    Lookup,
    ObjectValidator,
    UnknownVersion,
    available_versions,
    newest_version,
    resolve_version,
)

__all__ = [
    "BUILTIN",
    "CUSTOM",
    "REMOVED",
    "UNKNOWN",
    "Catalog",
    "Lookup",
    "ObjectValidator",
    "UnknownVersion",
    "available_versions",
    "newest_version",
    "resolve_version",
]
