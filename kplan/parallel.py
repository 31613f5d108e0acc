"""Stages in a forked child while the parent does another: a plan has stages that need
none of each other's results (reading the manifests and reading the recorded cluster; the
wiring section and the scheduling), and the machines kplan runs on have two cores or more.

The child inherits everything the parent has built (fork copies the process), computes,
and sends each result back pickled through a pipe as soon as it has it (in_background_each:
several stages from one child, since after every fork the parent pays again, as
copy-on-write faults, for each memory page it writes). Whatever goes wrong in the child (an
exception, a result that does not pickle, a crash), the parent computes the stage itself,
so a result never depends on whether a child ran: problems are reported by the parent, as
they would be without a child. Without fork (Windows), with one core, or with
KPLAN_JOBS=1 every stage runs in the parent, in order.
"""

from __future__ import annotations

import os
import pickle
import select
import sys
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, Generic, NoReturn, TypeVar

__all__ = ["Deferred", "in_background", "in_background_each", "parallel_enabled"]

T = TypeVar("T")

JOBS_ENV = "KPLAN_JOBS"
_HEADER = 8  # bytes of a result's length on the pipe


def parallel_enabled() -> bool:
    """Whether stages may run in a forked child."""
    if not hasattr(os, "fork"):
        return False
    jobs = os.environ.get(JOBS_ENV, "").strip()
    if jobs:
        return jobs.isdigit() and int(jobs) > 1
    return (os.cpu_count() or 1) > 1


class _Channel:
    """The pipe from one child: its results in the order it computes them, each a length
    and a pickle of (ok, value), read as the parent asks for them."""

    def __init__(self, pid: int, reader: int, count: int) -> None:
        self._pid = pid
        self._pipe: BinaryIO | None = os.fdopen(reader, "rb")
        self._count = count
        self._results: list[tuple[bool, Any]] = []

    def result(self, index: int) -> tuple[bool, Any]:
        """(True, value) from the child, or (False, None): the parent computes it."""
        while len(self._results) <= index and self._pipe is not None:
            self._results.append(self._read())
            if len(self._results) == self._count:
                self._close()
        return self._results[index] if index < len(self._results) else (False, None)

    def arrived(self, index: int) -> bool:
        """Whether `result(index)` would not wait: it was read, or the child has begun to
        send it (or died). Conservative: False while any earlier result is unread."""
        if index < len(self._results) or self._pipe is None:
            return True
        if index > len(self._results):
            return False
        readable, _, _ = select.select([self._pipe], [], [], 0)
        return bool(readable)

    def _read(self) -> tuple[bool, Any]:
        assert self._pipe is not None
        header = self._pipe.read(_HEADER)
        payload = self._pipe.read(int.from_bytes(header, "little")) if header else b""
        if len(header) < _HEADER or len(payload) < int.from_bytes(header, "little"):
            self._close()  # the child died: the rest is the parent's to compute
            return False, None
        try:
            ok, value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - any failure: computed in the parent instead
            return False, None
        return bool(ok), value

    def _close(self) -> None:
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None
            _reap(self._pid)


_unreaped: list[int] = []


def _reap(pid: int) -> None:
    """Collect a finished child without waiting for it to free its memory: a child not
    gone yet is collected at the next fork (or by the system when kplan exits)."""
    for waiting in [*_unreaped, pid]:
        try:
            done, _ = os.waitpid(waiting, os.WNOHANG)
        except ChildProcessError:
            done = waiting
        if done == waiting:
            if waiting in _unreaped:
                _unreaped.remove(waiting)
        elif waiting not in _unreaped:
            _unreaped.append(waiting)


class Deferred(Generic[T]):
    """A stage's result, computed in a child or (fallback, or no child) on first ask."""

    def __init__(
        self, compute: Callable[[], T], channel: _Channel | None = None, index: int = 0
    ) -> None:
        self._compute = compute
        self._channel = channel
        self._index = index
        self._done = False
        self._value: T | None = None
        self.from_child = False  # whether the result is the child's (tests check it)

    def result(self) -> T:
        if not self._done:
            self._value = self._collect()
            self._done = True
        return self._value  # type: ignore[return-value]

    def ready(self) -> bool:
        """Whether `result()` would return without waiting for the child; True without a
        child (the parent computes it on `result()`, so there is nothing to wait for)."""
        return self._done or self._channel is None or self._channel.arrived(self._index)

    def _collect(self) -> T:
        if self._channel is not None:
            ok, value = self._channel.result(self._index)
            self._channel = None
            if ok:
                self.from_child = True
                return value  # type: ignore[no-any-return]
        return self._compute()


def in_background(compute: Callable[[], T], *, worth_it: bool = True) -> Deferred[T]:
    """Start `compute` in a forked child; `.result()` waits for it. `compute` must not
    read standard input or write output: the child's effects other than its result are
    lost. `worth_it=False` (the parent has nothing to do meanwhile) computes on `.result()`."""
    return in_background_each([compute], worth_it=worth_it)[0]


def in_background_each(
    computes: Sequence[Callable[[], Any]], *, worth_it: bool = True
) -> list[Deferred[Any]]:
    """One forked child computes each of `computes` in turn and sends each result as soon as
    it has it (one fork instead of several: after every fork the parent pays again for the
    memory pages it writes, as copy-on-write). Results are asked for in any order."""
    if not computes or not worth_it or not parallel_enabled():
        return [Deferred(compute) for compute in computes]
    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    _widen(writer)
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return [Deferred(compute) for compute in computes]
    if pid == 0:  # the child: never returns
        os.close(reader)
        _send_each(computes, writer)
    os.close(writer)
    _reap_finished()
    channel = _Channel(pid, reader, len(computes))
    return [Deferred(compute, channel, index) for index, compute in enumerate(computes)]


def _widen(pipe: int) -> None:
    """Let the pipe hold 1 MiB (Linux; 64 KiB by default): a result then crosses in a few
    writes, each of which the child's writer thread must take the interpreter lock for,
    from the stage its main thread computes meanwhile."""
    import fcntl

    try:
        fcntl.fcntl(pipe, getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except OSError:
        pass


_PIPE_BYTES = 1 << 20


def _send_each(computes: Sequence[Callable[[], Any]], writer: int) -> NoReturn:
    """In the child: compute, send, next; then exit at once (the parent owns the process's
    files and output). A result that fails is sent as a failure: the parent computes it.
    A thread writes the results, so that the next one is computed while the parent has not
    read the last yet (a pipe holds 1 MiB at most: writing more waits for the reader)."""
    import queue
    import threading

    code = 0
    try:
        with os.fdopen(writer, "wb") as pipe:
            payloads: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
            sender = threading.Thread(target=_write_each, args=(payloads, pipe), daemon=True)
            sender.start()
            for compute in computes:
                try:
                    payload = pickle.dumps((True, compute()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # noqa: BLE001 - the parent computes it again
                    payload = pickle.dumps((False, None))
                payloads.put(payload)
            payloads.put(None)
            sender.join()
    except BaseException:  # noqa: BLE001 - the parent computes what did not arrive
        code = 1
    finally:
        os._exit(code)


def _write_each(payloads: Any, pipe: BinaryIO) -> None:
    """Each payload with its length, until None; stops when the parent is gone."""
    try:
        while (payload := payloads.get()) is not None:
            pipe.write(len(payload).to_bytes(_HEADER, "little"))
            pipe.write(payload)
            pipe.flush()
    except OSError:
        pass


def _reap_finished() -> None:
    for pid in list(_unreaped):
        _reap(pid)
