"""Recorded cluster state: read a snapshot (load), record one with kubectl (record), and keep
Secret values out of it (redact)."""

from __future__ import annotations

from kplan.snapshot.load import Snapshot, load_snapshot

__all__ = ["Snapshot", "load_snapshot"]
