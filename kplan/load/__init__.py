"""Sources -> resources: files, folders and stdin read the way Kubernetes reads YAML/JSON.

Every value keeps its file position (kplan.resource.Positions); problems that keep a document
from becoming a resource are SourceProblems, and never stop the other documents or files.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import BinaryIO

from kplan.diagnostics import SourceProblem
from kplan.load.documents import Loaded, decode_bytes, load_text
from kplan.load.sources import MissingPath, SourceFile, expand_paths

__all__ = ["Loaded", "MissingPath", "load_paths", "load_bytes", "load_text"]


def load_bytes(data: bytes, source: str, *, recorded: bool = False) -> Loaded:
    return load_text(decode_bytes(data), source, recorded=recorded)


def load_paths(
    paths: Sequence[str],
    stdin: BinaryIO | None = None,
    *,
    recorded: bool = False,
) -> Loaded:
    """Load every file named or found under `paths`; MissingPath for a path that is not there.

    `recorded` marks what kubectl printed from a cluster (a snapshot): it is never sent to an
    API server, so the 3 MiB request limit does not apply to its one big List, and JSON
    written by kubectl has no duplicate keys to look for (a third of its decoding time).

    The garbage collector is paused while loading: the parsed objects are all kept, so its
    scans only cost time (measured: a third of the load time on big inputs).
    """
    files = list(expand_paths(paths))
    result = Loaded()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for source in files:
            data = _read(source, stdin, result)
            if data is None:
                continue
            loaded = load_bytes(data, source.name, recorded=recorded)
            result.resources.extend(loaded.resources)
            result.problems.extend(loaded.problems)
    finally:
        if enabled:
            gc.enable()
    return result


def _read(source: SourceFile, stdin: BinaryIO | None, result: Loaded) -> bytes | None:
    if source.path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return stream.read()
    try:
        with open(source.path, "rb") as handle:
            return handle.read()
    except OSError as error:
        result.problems.append(
            SourceProblem(source.name, None, None, f"cannot read: {error.strerror or error}")
        )
        return None
