"""kplan.plan.encoded: a section carried as its JSON text reads like the section, pickles as
that text, and the JSON reports write exactly the bytes they write for the section itself."""

from __future__ import annotations

import pickle

from kplan.plan.encoded import EncodedSection
from kplan.report.json_out import layout

SECTION = {
    "services": [
        {"service": "Service/shop/front", "ports": [{"port": 80, "targetPort": "http"}]},
        {"service": "Service/shop/caf\u00e9", "endpoints": [], "note": None, "ok": True},
    ],
    "ingresses": [],
}


def test_reads_like_the_section_it_encodes() -> None:
    encoded = EncodedSection(SECTION)
    assert encoded == SECTION and dict(encoded) == SECTION
    assert encoded["services"][1]["service"] == "Service/shop/caf\u00e9"
    assert encoded.get("missing") is None and len(encoded) == 2


def test_the_json_report_writes_the_same_bytes() -> None:
    document = {"format_version": "1", "wiring": SECTION, "findings": [{"rule": "r"}]}
    encoded = {**document, "wiring": EncodedSection(SECTION)}
    assert layout(encoded) == layout(document)


def test_pickles_as_its_text() -> None:
    encoded = EncodedSection(SECTION)
    assert encoded == SECTION  # decoded once: the pickle still carries the text alone
    payload = pickle.dumps(encoded)
    copy = pickle.loads(payload)
    assert copy.text == encoded.text and copy == SECTION
    assert len(payload) < len(encoded.text.encode()) + 200
