"""Plain scalars resolve as sigs.k8s.io/yaml (go-yaml v2) resolves them.

Facts: kubernetes-sigs/yaml goyaml.v2/resolve.go (resolve table, ParseInt(plain, 0, 64) after
removing "_", yamlStyleFloat regex, timestamps kept as text when decoding into interface{}),
and the measured table in the project's reliability notes (kubectl vs PyYAML vs ruamel).
"""

from __future__ import annotations

import pytest

from kplan.load.scalars import ScalarError, go_format_float, go_parse_int, json_key, resolve_plain


@pytest.mark.parametrize(
    "text",
    ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"],
)
def test_yaml11_true_forms_are_booleans(text: str) -> None:
    """resolve.go lists these as !!bool true; ruamel's YAML 1.2 reads most of them as str."""
    assert resolve_plain(text) is True


@pytest.mark.parametrize(
    "text",
    ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"],
)
def test_yaml11_false_forms_are_booleans(text: str) -> None:
    assert resolve_plain(text) is False


@pytest.mark.parametrize("text", ["yEs", "oN", "tRUE", "nO"])
def test_mixed_case_booleans_are_strings(text: str) -> None:
    """Only the listed case forms are booleans in resolve.go's table."""
    assert resolve_plain(text) == text


@pytest.mark.parametrize("text", ["", "~", "null", "Null", "NULL"])
def test_nulls(text: str) -> None:
    assert resolve_plain(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0644", 420),  # leading-zero octal: defaultMode 0644 is 420, not 644
        ("0o644", 420),
        ("0x1F", 31),
        ("0b101", 5),
        ("-0b101", -5),
        ("1_000", 1000),
        ("+12", 12),
        ("-7", -7),
        ("08", 8),  # not octal, so the float rule reads it: 8
        ("0999", 999),
        ("1e3", 1000),  # a float; Go's JSON encoder prints 1000
        ("1.0e3", 1000),
        ("1.10", 1.1),
        (".5", 0.5),
        ("1.", 1),
        ("12345678901234567890", 12345678901234567890),  # ParseUint fallback
        ("-9223372036854775808", -(2**63)),
    ],
)
def test_numbers(text: str, value: object) -> None:
    resolved = resolve_plain(text)
    assert resolved == value
    assert type(resolved) is type(value)


@pytest.mark.parametrize(
    "text",
    ["1:30", "2024-01-01", "2024-01-01T10:00:00Z", "1.5.5", "0x", "-", "+", "1e", "abc", "12h"],
)
def test_strings_stay_strings(text: str) -> None:
    """Base-60 is unsupported and timestamps keep their text (goyaml.v2/decode.go)."""
    assert resolve_plain(text) == text


@pytest.mark.parametrize("text", [".inf", "-.Inf", "+.INF", ".nan", ".NaN"])
def test_infinity_and_nan_have_no_json_form(text: str) -> None:
    """YAMLToJSON fails with `json: unsupported value: +Inf`."""
    with pytest.raises(ScalarError):
        resolve_plain(text)


def test_go_parse_int_rejects_out_of_range_signed() -> None:
    assert go_parse_int("-9223372036854775809") is None
    assert go_parse_int("18446744073709551616") is None


@pytest.mark.parametrize(
    ("key", "text"),
    [(5, "5"), (True, "true"), (False, "false"), (3.5, "3.5"), (1000000.0, "1e+06"), ("a", "a")],
)
def test_json_keys(key: object, text: str) -> None:
    """sigs.k8s.io/yaml yaml.go convertToJSONableObject prints non-string keys: ints with
    strconv.FormatInt, bools as true/false, floats with FormatFloat(f, 'g', -1, 64)."""
    assert json_key(key) == text


def test_null_key_has_no_json_form() -> None:
    assert json_key(None) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (100000.0, "100000"),
        (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"),
        (1e-05, "1e-05"),
        (-2.5, "-2.5"),
        (0.0, "0"),
    ],
)
def test_go_format_float_g(value: float, text: str) -> None:
    """strconv.FormatFloat 'g' with precision -1 uses %e when exp < -4 || exp >= 6."""
    assert go_format_float(value) == text
