"""Run the real `kplan` command as a user would: a separate process, real stdin/stdout."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def kplan(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "kplan", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=300,
    )
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())
