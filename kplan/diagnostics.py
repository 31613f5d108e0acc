"""Problems found in the input, as plain data that every stage and renderer shares."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field of an object, addressed by a JSON Pointer into the object.

    `line`/`column` are 1-based positions in the source file; stages that only know the
    pointer leave them None and the pipeline fills them in from the resource's positions.
    """

    path: str
    message: str
    severity: str = ERROR
    line: int | None = None
    column: int | None = None

    def at(self, line: int | None, column: int | None) -> FieldProblem:
        return FieldProblem(self.path, self.message, self.severity, line, column)


@dataclass(frozen=True)
class SourceProblem:
    """A problem that keeps a document from becoming a resource (YAML syntax, duplicate keys,
    not a mapping, missing kind/apiVersion, unreadable file)."""

    source: str
    line: int | None
    column: int | None
    message: str
    severity: str = ERROR

    def location(self) -> str:
        if self.line is None:
            return self.source
        if self.column is None:
            return f"{self.source}:{self.line}"
        return f"{self.source}:{self.line}:{self.column}"
