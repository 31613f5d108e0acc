"""One stage in a forked child while the parent does another: a plan has stages that need
none of each other's results (reading the manifests and reading the recorded cluster; the
wiring section and the rollout section), and the machines kplan runs on have two cores or
more.

The child inherits everything the parent has built (fork copies the process), computes,
and sends its result back pickled through a pipe. Whatever goes wrong in the child (an
exception, a result that does not pickle, a crash), the parent computes the stage itself,
so a result never depends on whether a child ran: problems are reported by the parent, as
they would be without a child. Without fork (Windows), with one core, or with
KPLAN_JOBS=1 every stage runs in the parent, in order.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Deferred", "in_background", "parallel_enabled"]

T = TypeVar("T")

JOBS_ENV = "KPLAN_JOBS"


def parallel_enabled() -> bool:
    """Whether stages may run in a forked child."""
    if not hasattr(os, "fork"):
        return False
    jobs = os.environ.get(JOBS_ENV, "").strip()
    if jobs:
        return jobs.isdigit() and int(jobs) > 1
    return (os.cpu_count() or 1) > 1


class Deferred(Generic[T]):
    """A stage's result, computed in a child or (fallback, or no child) on first ask."""

    def __init__(self, compute: Callable[[], T], pid: int | None, reader: int | None) -> None:
        self._compute = compute
        self._pid = pid
        self._reader = reader
        self._done = False
        self._value: T | None = None
        self.from_child = False  # whether the result is the child's (tests check it)

    def result(self) -> T:
        if not self._done:
            self._value = self._collect()
            self._done = True
        return self._value  # type: ignore[return-value]

    def _collect(self) -> T:
        if self._pid is None or self._reader is None:
            return self._compute()
        with os.fdopen(self._reader, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = self._reader = None
        if status == 0 and payload:
            try:
                ok, value = pickle.loads(payload)
            except Exception:  # noqa: BLE001 - any failure: compute it here instead
                ok, value = False, None
            if ok:
                self.from_child = True
                return value  # type: ignore[no-any-return]
        return self._compute()


def in_background(compute: Callable[[], T], *, worth_it: bool = True) -> Deferred[T]:
    """Start `compute` in a forked child; `.result()` waits for it. `compute` must not
    read standard input or write output: the child's effects other than its result are
    lost. `worth_it=False` (the parent has nothing to do meanwhile) computes on `.result()`."""
    if not worth_it or not parallel_enabled():
        return Deferred(compute, None, None)
    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return Deferred(compute, None, None)
    if pid == 0:  # the child: never returns
        os.close(reader)
        code = 1
        try:
            payload = pickle.dumps((True, compute()), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload)
            code = 0
        except BaseException:  # noqa: BLE001 - the parent computes it again
            pass
        finally:
            os._exit(code)
    os.close(writer)
    return Deferred(compute, pid, reader)
