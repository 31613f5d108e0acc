"""Secret redaction: stable hashes of the bytes a Secret holds, also in last-applied."""

from __future__ import annotations

import copy
import hashlib
import json

from kplan.snapshot.redact import REDACTED_PREFIX, redact_secret, redacted_value

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def sha(raw: bytes) -> str:
    return "kplan-redacted:sha256:" + hashlib.sha256(raw).hexdigest()[:16]


def secret(**fields) -> dict:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, **fields}


def test_redacted_value_is_a_stable_sha256_prefix():
    assert REDACTED_PREFIX == "kplan-redacted:sha256:"
    assert redacted_value(b"x") == sha(b"x") == redacted_value(b"x")
    assert redacted_value(b"x") != redacted_value(b"y")
    assert len(redacted_value(b"x")) == len(REDACTED_PREFIX) + 16


def test_data_and_string_data_hash_the_same_bytes():
    redacted = redact_secret(secret(data={"a": "eA=="}, stringData={"b": "x"}))
    assert redacted["data"] == {"a": sha(b"x")}
    assert redacted["stringData"] == {"b": sha(b"x")}


def test_binary_and_unicode_values():
    redacted = redact_secret(secret(data={"bin": "AP8="}, stringData={"u": "pässwörd"}))
    assert redacted["data"]["bin"] == sha(b"\x00\xff")
    assert redacted["stringData"]["u"] == sha("pässwörd".encode())


def test_values_that_are_not_base64_are_still_hidden():
    redacted = redact_secret(secret(data={"a": "not base64!", "n": None, "i": 5}))
    assert redacted["data"]["a"] == sha(b"not base64!")
    assert redacted["data"]["n"] is None
    assert redacted["data"]["i"].startswith(REDACTED_PREFIX)


def test_redaction_is_idempotent_and_does_not_mutate():
    original = secret(data={"a": "eA=="})
    kept = copy.deepcopy(original)
    once = redact_secret(original)
    assert original == kept
    assert redact_secret(once) == once


def test_other_objects_are_untouched():
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "eA=="}}
    assert redact_secret(config_map) is config_map


def test_last_applied_keeps_key_order_and_newline():
    applied = '{"apiVersion":"v1","stringData":{"pw":"x"},"kind":"Secret","data":{"a":"eA=="}}\n'
    body = secret(metadata={"name": "s", "annotations": {LAST_APPLIED: applied, "o": "k"}})
    redacted = redact_secret(body)
    text = redacted["metadata"]["annotations"][LAST_APPLIED]
    assert text.endswith("}\n")
    assert list(json.loads(text)) == ["apiVersion", "stringData", "kind", "data"]
    assert json.loads(text)["stringData"] == {"pw": sha(b"x")}
    assert json.loads(text)["data"] == {"a": sha(b"x")}
    assert redacted["metadata"]["annotations"]["o"] == "k"
    assert body["metadata"]["annotations"][LAST_APPLIED] == applied


def test_unparseable_last_applied_is_hashed_whole():
    body = secret(metadata={"name": "s", "annotations": {LAST_APPLIED: '{"data": {"a": "c2VjcmV0'}})
    text = redact_secret(body)["metadata"]["annotations"][LAST_APPLIED]
    assert text == sha(b'{"data": {"a": "c2VjcmV0')
