"""scripts/build_schemas.py regenerates the bundled files byte for byte.

Needs kubernetes-validate (the `bench` extra), the data source; skipped without it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "scripts" / "build_schemas.py"
BUNDLED = ROOT / "schemas" / "kubernetes"


def test_regenerating_gives_the_committed_bundles(tmp_path: Path) -> None:
    if importlib.util.find_spec("kubernetes_validate") is None:
        pytest.skip("kubernetes-validate is not installed (pip install kubernetes-validate)")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    built = sorted(path.name for path in tmp_path.iterdir())
    assert built == sorted(path.name for path in BUNDLED.glob("v1.*.json.gz"))
    assert len(built) == 13
    for name in built:
        assert (tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes(), name
    assert "v1.33.json.gz: 707 definitions" in run.stdout
