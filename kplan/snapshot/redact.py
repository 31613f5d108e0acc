"""Secret values never leave the cluster: a recorded snapshot holds a stable hash of each one.

The same value always gives the same hash, so a plan can still tell a changed Secret key from
an unchanged one (kplan.plan.secrets hashes the desired value with `redacted_value` and
compares). `data` values are base64 of the bytes and `stringData` values are plain text; both
are hashed as the bytes the Secret finally holds, so `stringData: {a: x}` and
`data: {a: eA==}` give the same hash.

The hash is unsalted (a salt stored beside it would not stop anyone holding the snapshot from
testing guesses either); it hides values, not the fact that two keys hold the same value, and a
short guessable password can be confirmed by hashing the guess.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

REDACTED_PREFIX = "kplan-redacted:sha256:"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_HEX_DIGITS = 16


def redacted_value(raw: bytes) -> str:
    """The stable stand-in for one Secret value: the first 64 bits of its SHA-256."""
    return REDACTED_PREFIX + hashlib.sha256(raw).hexdigest()[:_HEX_DIGITS]


def is_redacted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(REDACTED_PREFIX)


def is_secret(body: dict[str, Any]) -> bool:
    return body.get("kind") == "Secret" and body.get("apiVersion") == "v1"


def redact_secret(body: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Secret with every value hashed, also inside last-applied-configuration.

    Other objects are returned unchanged. Already-redacted values are kept, so redacting twice
    changes nothing.
    """
    if not is_secret(body):
        return body
    result = _redact_values(body)
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict) and isinstance(annotations.get(LAST_APPLIED), str):
            annotations = dict(annotations)
            annotations[LAST_APPLIED] = _redact_last_applied(annotations[LAST_APPLIED])
            result["metadata"] = {**metadata, "annotations": annotations}
    return result


def _redact_values(body: dict[str, Any]) -> dict[str, Any]:
    result = dict(body)
    data = body.get("data")
    if isinstance(data, dict):
        result["data"] = {key: _redact_data(value) for key, value in data.items()}
    elif data is not None:
        result["data"] = _redact_other(data)
    string_data = body.get("stringData")
    if isinstance(string_data, dict):
        result["stringData"] = {key: _redact_string(value) for key, value in string_data.items()}
    elif string_data is not None:
        result["stringData"] = _redact_other(string_data)
    return result


def _redact_data(value: Any) -> Any:
    """Hash the decoded bytes; a value that is not base64 is hashed as written (never kept)."""
    if value is None or is_redacted(value):
        return value
    if not isinstance(value, str):
        return _redact_other(value)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = value.encode("utf-8", "surrogatepass")
    return redacted_value(raw)


def _redact_string(value: Any) -> Any:
    if value is None or is_redacted(value):
        return value
    if not isinstance(value, str):
        return _redact_other(value)
    return redacted_value(value.encode("utf-8", "surrogatepass"))


def _redact_other(value: Any) -> str:
    """Anything of an unexpected type is hashed whole: better unreadable than leaked."""
    return redacted_value(json.dumps(value, sort_keys=True, default=str).encode("utf-8"))


def _redact_last_applied(text: str) -> str:
    """Redact the Secret kubectl stored as JSON, keeping its key order and trailing newline.

    Text that is not a JSON object is replaced by its hash as a whole.
    """
    try:
        parsed = json.loads(text)
    except ValueError:
        return redacted_value(text.encode("utf-8", "surrogatepass"))
    if not isinstance(parsed, dict):
        return redacted_value(text.encode("utf-8", "surrogatepass"))
    redacted = _redact_values(parsed)
    newline = "\n" if text.endswith("\n") else ""
    return json.dumps(redacted, separators=(",", ":"), ensure_ascii=False) + newline
