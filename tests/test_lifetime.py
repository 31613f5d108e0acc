"""kplan.lifetime: `retain` keeps objects to the end only in a process that ends with
os._exit (the console script); anywhere else dropped objects are freed as usual, so that
running many commands in one process (these tests) does not accumulate plans."""

from __future__ import annotations

import subprocess
import sys
import weakref

from kplan.lifetime import retain


class _Payload:
    pass


def test_without_the_console_script_retain_keeps_nothing() -> None:
    payload = _Payload()
    alive = weakref.ref(payload)
    retain(payload)
    del payload
    assert alive() is None


def test_once_enabled_retained_objects_outlive_their_last_reference() -> None:
    program = (
        "import weakref\n"
        "from kplan.lifetime import retain, retain_until_exit\n"
        "class Payload: pass\n"
        "retain_until_exit()\n"
        "kept, dropped = Payload(), Payload()\n"
        "alive = weakref.ref(kept), weakref.ref(dropped)\n"
        "retain(kept)\n"
        "del kept, dropped\n"
        "print(alive[0]() is not None, alive[1]() is None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True"]
