"""Which files to read: paths, folders (recursively) and `-` for standard input."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
STDIN_NAME = "<stdin>"


class MissingPath(Exception):
    """A path on the command line that does not exist: a usage error (exit 3)."""


@dataclass(frozen=True)
class SourceFile:
    name: str  # as shown in messages: the path as the user wrote it, or <stdin>
    path: str | None  # None for stdin


def expand_paths(paths: Sequence[str]) -> Iterator[SourceFile]:
    """Files in a stable order: each argument in turn; a folder's files sorted by path, hidden
    folders and files skipped (like kubeconform and git tooling)."""
    for argument in paths:
        if argument == STDIN:
            yield SourceFile(STDIN_NAME, None)
        elif os.path.isdir(argument):
            yield from _walk(argument)
        elif os.path.exists(argument):
            yield SourceFile(argument, argument)
        else:
            raise MissingPath(f"{argument}: no such file or directory")


def _walk(folder: str) -> Iterator[SourceFile]:
    found: list[str] = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.lower().endswith(MANIFEST_SUFFIXES):
                found.append(os.path.join(directory, name))
    for path in sorted(found):
        yield SourceFile(path, path)
