"""A plan section carried as its JSON text.

The wiring section of a big plan is thousands of small dicts, built in a second process
(kplan.parallel). As one string it crosses the pipe at the speed of a copy, and `-o json`
writes that string as it is instead of encoding the section again (measured on the benchmark
plan: 6 MB of wiring, 0.15 s off the critical path). Read as a mapping (the text report,
tests), it is decoded once, on first use.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any


class EncodedSection(Mapping[str, Any]):
    """`text` is exactly `json.dumps(section, ensure_ascii=False)`: what the JSON reports
    write for a section (kplan.report.json_out.layout), so output is byte-identical."""

    def __init__(self, section: Mapping[str, Any]) -> None:
        self.text = json.dumps(section, ensure_ascii=False)
        self._decoded: dict[str, Any] | None = None

    def _value(self) -> dict[str, Any]:
        if self._decoded is None:
            self._decoded = json.loads(self.text)
        return self._decoded

    def __getitem__(self, key: str) -> Any:
        return self._value()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its text alone."""
        return (_from_text, (self.text,))


def _from_text(text: str) -> EncodedSection:
    section = EncodedSection.__new__(EncodedSection)
    section.text = text
    section._decoded = None
    return section
