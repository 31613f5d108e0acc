"""render_validation: one name per format, and no rich import for the machine formats."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from kplan.report import FORMATS, render_validation
from kplan.results import ValidationReport
from tests.paths import ROOT
from tests.report.samples import sample_report


def test_every_format_renders_a_report() -> None:
    assert FORMATS == ("text", "json", "sarif", "junit", "github")
    for fmt in FORMATS:
        stream = io.StringIO()
        render_validation(sample_report(), fmt, stream)
        assert stream.getvalue().endswith("\n")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown output format 'yaml'"):
        render_validation(ValidationReport("1.30"), "yaml", io.StringIO())


@pytest.mark.parametrize("fmt", ["json", "github", "sarif", "junit"])
def test_machine_formats_do_not_import_rich(fmt: str) -> None:
    """pre-commit starts kplan once per batch of files: rich costs startup time for nothing."""
    code = (
        "import io, sys\n"
        "from kplan.report import render_validation\n"
        "from kplan.results import ValidationReport\n"
        f"render_validation(ValidationReport('1.30'), {fmt!r}, io.StringIO())\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
