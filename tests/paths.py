"""Where the tests find the project's fixtures and the shared real-world corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("the shared real-world corpus is not beside this checkout")
    return CORPUS
