"""Secret values in a plan: compared, never shown.

A snapshot recorded by `kplan snapshot` holds hashes instead of Secret values; the desired
value is hashed the same way before comparing, so a changed key still shows as changed.
Whatever the plan outputs carries MASK in place of every value (kubectl diff prints `***`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kplan.k8s.jsoncopy import deep_copy
from kplan.plan.model import ABSENT, MASK, FieldChange

SECRET_FIELDS = ("data", "stringData")


def is_secret(body: dict[str, Any]) -> bool:
    return body.get("kind") == "Secret" and body.get("apiVersion") == "v1"


def align_with_redacted(desired: dict[str, Any], live: dict[str, Any]) -> None:
    """Hash desired `data` values, in place, where the live value is a redaction hash."""
    from kplan.snapshot.redact import REDACTED_PREFIX, redacted_value

    live_data = live.get("data")
    data = desired.get("data")
    if not isinstance(live_data, dict) or not isinstance(data, dict):
        return
    for key, value in data.items():
        recorded = live_data.get(key)
        if isinstance(recorded, str) and recorded.startswith(REDACTED_PREFIX):
            if isinstance(value, str):
                try:
                    raw = base64.b64decode(value, validate=True)
                except (binascii.Error, ValueError):
                    continue
                data[key] = redacted_value(raw)


def masked(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy of a Secret with every value replaced by MASK; other objects unchanged."""
    if body is None or not is_secret(body):
        return body
    result = deep_copy(body)
    for field in SECRET_FIELDS:
        values = result.get(field)
        if isinstance(values, dict):
            result[field] = {key: MASK for key in values}
    return result


def mask_changes(changes: list[FieldChange]) -> None:
    """Mark every change under /data or /stringData sensitive and drop its values."""
    for change in changes:
        top = change.path.split("/")[1] if change.path.count("/") >= 1 else ""
        if top not in SECRET_FIELDS:
            continue
        change.sensitive = True
        change.before = _mask_value(change.before)
        change.after = _mask_value(change.after)


def _mask_value(value: Any) -> Any:
    if value is ABSENT:
        return ABSENT
    if isinstance(value, dict):
        return {key: MASK for key in value}
    return MASK
