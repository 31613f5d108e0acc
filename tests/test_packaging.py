"""Every package directory ships: a subpackage missing from pyproject's explicit list installs
without error and then fails at import time on a user's machine (or in CI's fresh install)."""

from __future__ import annotations

import pytest

from tests.paths import ROOT


def test_every_package_directory_is_listed_in_pyproject() -> None:
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "kplan").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert on_disk <= listed, f"add to pyproject packages: {sorted(on_disk - listed)}"
    mapped = {name for name in listed if name in config.get("package-dir", {})}
    assert listed - mapped <= on_disk, f"listed but missing: {sorted(listed - mapped - on_disk)}"
