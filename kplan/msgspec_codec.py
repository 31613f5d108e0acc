"""msgspec, imported on first use: the one place that knows it may be missing.

It is a dependency (README "Dependencies"), used where the standard library is measurably
slower; every user has a slower path that gives the same result, so a broken install still
works. Importing it lazily keeps it out of a small run's start-up.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def msgspec() -> Any:
    """The msgspec module, or None if it cannot be imported."""
    try:
        import msgspec as module
    except ImportError:  # pragma: no cover - a dependency; callers fall back
        return None
    return module
