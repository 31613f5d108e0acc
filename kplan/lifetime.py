"""Objects that live until the process ends.

The console script ends with `os._exit`, skipping the interpreter's teardown of a large
heap. An object dropped before then is still freed piece by piece by reference counting:
a plan dropping the loaded 20,000-object cluster at the end of its stage spent 0.2-0.3 s
doing so, with nothing left to use the memory. `retain` keeps such objects to the end
instead; it does so only once `retain_until_exit()` was called (by the console script), so
in-process callers, tests among them, free memory as usual.
"""

from __future__ import annotations

__all__ = ["retain", "retain_until_exit"]

_retained: list[object] | None = None


def retain_until_exit() -> None:
    """From now on `retain` keeps what it is given: the process will end with os._exit."""
    global _retained
    if _retained is None:
        _retained = []


def retain(*objects: object) -> None:
    """Keep `objects` alive until the process exits (a no-op unless retain_until_exit())."""
    if _retained is not None:
        _retained.append(objects)
