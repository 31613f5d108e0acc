"""resource.Quantity parsing and printing, from k8s.io/apimachinery pkg/api/resource
quantity_test.go (TestQuantityParse, TestQuantityString, TestQuantityParseEmit,
TestParseQuantityString, TestJSONWhitespace, TestQuantityRoundUp) and quantity.go itself.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kplan.k8s.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    Quantity,
    QuantityError,
    canonicalize,
    canonicalize_resource,
    parse_quantity,
    parse_quantity_string,
)

FORMAT_WRONG = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
SUFFIX = "unable to parse quantity's suffix"
MAX = 2**63 - 1

# quantity_test.go TestQuantityParse: input, exact value, format.
PARSE_TABLE = [
    ("0", 0, DECIMAL_SI),
    ("0n", 0, DECIMAL_SI),
    ("0u", 0, DECIMAL_SI),
    ("0m", 0, DECIMAL_SI),
    ("0Ki", 0, BINARY_SI),
    ("0k", 0, DECIMAL_SI),
    ("0Mi", 0, BINARY_SI),
    ("0M", 0, DECIMAL_SI),
    ("0Gi", 0, BINARY_SI),
    ("0G", 0, DECIMAL_SI),
    ("0Ti", 0, BINARY_SI),
    ("0T", 0, DECIMAL_SI),
    ("1", 1, DECIMAL_SI),
    ("1Ki", 1024, BINARY_SI),
    ("8Ki", 8 * 1024, BINARY_SI),
    ("7Mi", 7 * 2**20, BINARY_SI),
    ("6Gi", 6 * 2**30, BINARY_SI),
    ("5Ti", 5 * 2**40, BINARY_SI),
    ("4Pi", 4 * 2**50, BINARY_SI),
    ("3Ei", 3 * 2**60, BINARY_SI),
    ("10Ti", 10 * 2**40, BINARY_SI),
    ("100Ti", 100 * 2**40, BINARY_SI),
    ("5n", "5e-9", DECIMAL_SI),
    ("4u", "4e-6", DECIMAL_SI),
    ("3m", "3e-3", DECIMAL_SI),
    ("9", 9, DECIMAL_SI),
    ("8k", "8e3", DECIMAL_SI),
    ("50k", "5e4", DECIMAL_SI),
    ("7M", "7e6", DECIMAL_SI),
    ("6G", "6e9", DECIMAL_SI),
    ("5T", "5e12", DECIMAL_SI),
    ("40T", "4e13", DECIMAL_SI),
    ("300T", "3e14", DECIMAL_SI),
    ("2P", "2e15", DECIMAL_SI),
    ("1E", "1e18", DECIMAL_SI),
    ("1E-3", "1e-3", DECIMAL_EXPONENT),
    ("1e3", "1e3", DECIMAL_EXPONENT),
    ("1E6", "1e6", DECIMAL_EXPONENT),
    ("1e9", "1e9", DECIMAL_EXPONENT),
    ("1E12", "1e12", DECIMAL_EXPONENT),
    ("1e15", "1e15", DECIMAL_EXPONENT),
    ("1E18", "1e18", DECIMAL_EXPONENT),
    ("1e14", "1e14", DECIMAL_EXPONENT),
    ("1e13", "1e13", DECIMAL_EXPONENT),
    ("100.035k", 100035, DECIMAL_SI),
    ("0.001", "1e-3", DECIMAL_SI),
    ("0.0005k", "5e-1", DECIMAL_SI),
    ("0.005", "5e-3", DECIMAL_SI),
    ("0.05", "5e-2", DECIMAL_SI),
    ("0.5", "5e-1", DECIMAL_SI),
    ("0.00050k", "5e-1", DECIMAL_SI),
    ("0.00500", "5e-3", DECIMAL_SI),
    ("0.05000", "5e-2", DECIMAL_SI),
    ("0.50000", "5e-1", DECIMAL_SI),
    ("0.5e0", "5e-1", DECIMAL_EXPONENT),
    ("0.5e-1", "5e-2", DECIMAL_EXPONENT),
    ("0.5e-2", "5e-3", DECIMAL_EXPONENT),
    ("10.035M", "10035e3", DECIMAL_SI),
    ("1.2e3", "12e2", DECIMAL_EXPONENT),
    ("1.3E+6", "13e5", DECIMAL_EXPONENT),
    ("1.40e9", "14e8", DECIMAL_EXPONENT),
    ("1.53E12", "153e10", DECIMAL_EXPONENT),
    ("1.6e15", "16e14", DECIMAL_EXPONENT),
    ("1.7E18", "17e17", DECIMAL_EXPONENT),
    ("9.01", "901e-2", DECIMAL_SI),
    ("8.1k", "81e2", DECIMAL_SI),
    ("7.123456M", 7123456, DECIMAL_SI),
    ("6.987654321G", 6987654321, DECIMAL_SI),
    ("5.444T", "5444e9", DECIMAL_SI),
    ("40.1T", "401e11", DECIMAL_SI),
    ("300.2T", "3002e11", DECIMAL_SI),
    ("2.5P", "25e14", DECIMAL_SI),
    ("1.01E", "101e16", DECIMAL_SI),
    # Things that saturate/round
    ("3.001n", "4e-9", DECIMAL_SI),
    ("1.1E-9", "2e-9", DECIMAL_EXPONENT),
    ("0.0000000001", "1e-9", DECIMAL_SI),
    ("0.0000000005", "1e-9", DECIMAL_SI),
    ("0.00000000050", "1e-9", DECIMAL_SI),
    ("0.5e-9", "1e-9", DECIMAL_EXPONENT),
    ("0.9n", "1e-9", DECIMAL_SI),
    ("0.00000012345", "124e-9", DECIMAL_SI),
    ("0.00000012354", "124e-9", DECIMAL_SI),
    ("9Ei", MAX, BINARY_SI),
    ("9223372036854775807Ki", MAX, BINARY_SI),
    ("12E", "12e18", DECIMAL_SI),
    # Fractional binary
    ("100.035Ki", "10243584e-2", BINARY_SI),
    ("0.5Mi", 2**19, BINARY_SI),
    ("0.05Gi", "536870912e-1", BINARY_SI),
    ("0.025Ti", "274877906944e-1", BINARY_SI),
    # Things written by trolls
    ("0.000000000001Ki", "2e-9", DECIMAL_SI),
    (".001", "1e-3", DECIMAL_SI),
    (".0001k", "100e-3", DECIMAL_SI),
    ("1.", 1, DECIMAL_SI),
    ("1.G", "1e9", DECIMAL_SI),
]


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE)
def test_parse_table(text: str, value: int | str, fmt: str) -> None:
    """quantity_test.go TestQuantityParse: value and format."""
    parsed = parse_quantity_string(text)
    assert parsed.value == Decimal(value)
    assert parsed.format == fmt


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE)
def test_parse_table_signed(text: str, value: int | str, fmt: str) -> None:
    """TestQuantityParse: "-" + input is the negated value, "+" + input the same value."""
    negative = parse_quantity_string("-" + text)
    assert negative.value == -Decimal(value)
    assert negative.format == fmt
    assert parse_quantity_string("+" + text).value == Decimal(value)


@pytest.mark.parametrize(
    "text",
    [
        "1.1.M",
        "1+1.0M",
        "0.1mi",
        "0.1am",
        "aoeu",
        ".5i",
        "1i",
        "-3.01i",
        "-3.01e-",
        " 1",
        "1 ",
        "",
    ],
)
def test_parse_invalid(text: str) -> None:
    """TestQuantityParse `invalid` (whitespace is forbidden to ParseQuantity itself)."""
    with pytest.raises(QuantityError):
        parse_quantity_string(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", FORMAT_WRONG),
        ("1.5.5", FORMAT_WRONG),
        ("512Mb", FORMAT_WRONG),
        ("1 Gi", FORMAT_WRONG),
        ("1e", SUFFIX),
        ("1K", SUFFIX),
        ("1kk", SUFFIX),
        ("0.1mi", SUFFIX),
        ("1e3.5", FORMAT_WRONG),
        ("1ee3", SUFFIX),
        ("1e99999999999999999999", SUFFIX),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    """quantity.go ErrFormatWrong / ErrSuffix: parseQuantityString rejects anything but an
    exponent after the suffix letters ("512Mb"); interpret rejects unknown suffixes."""
    with pytest.raises(QuantityError) as raised:
        parse_quantity_string(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("text", ["-", "+", ".", "-."])
def test_degenerate_inputs_are_zero(text: str) -> None:
    """TestParseQuantityString: "." and "-." scan as num "0"; a lone sign does too."""
    assert parse_quantity_string(text).value == 0


# quantity_test.go TestQuantityString: (expect, alternate) - both print as `expect`.
STRING_TABLE = [
    ("1Gi", "1024Mi"),
    ("300Mi", "307200Ki"),
    ("6Ki", ""),
    ("1001Gi", "1025024Mi"),
    ("1Ti", "1024Gi"),
    ("5", "5000m"),
    ("500m", "0.5"),
    ("1G", "1000M"),
    ("1G", "0.001T"),
    ("1m", "1000u"),
    ("80m", ""),
    ("1080m", "1.08"),
    ("1080m", "1080000000n"),
    ("300M", ""),
    ("1T", ""),
    ("1E", ""),
    ("1e21", "1000E"),
    ("5e21", "5000E"),
    ("1e24", "1000000E"),
    ("1234567M", ""),
    ("3k", ""),
    ("1025", ""),
    ("0", ""),
    ("1e9", ".001e12"),
    ("1e-3", "0.001e0"),
    ("1e-9", "1000e-12"),
    ("80e-3", ""),
    ("300e6", ""),
    ("1e12", ""),
    ("1e3", ""),
    ("3e3", ""),
    ("0", "00"),
    ("1n", ""),
    ("80n", ""),
    ("1080n", ""),
    ("1u", ""),
    ("80u", ""),
    ("1080u", ""),
]


@pytest.mark.parametrize(("expect", "alternate"), STRING_TABLE)
def test_canonical_string(expect: str, alternate: str) -> None:
    """TestQuantityString: a canonical string is kept on parse, an alternate is rewritten."""
    assert canonicalize(expect) == expect
    assert parse_quantity_string(expect).cached == expect
    if alternate:
        parsed = parse_quantity_string(alternate)
        assert parsed.cached is None
        assert str(parsed) == expect


@pytest.mark.parametrize(("expect", "alternate"), [row for row in STRING_TABLE if row[0] != "0"])
def test_canonical_string_negative(expect: str, alternate: str) -> None:
    """TestQuantityString: the negated value prints with a leading '-'."""
    assert (
        str(Quantity(-parse_quantity_string(expect).value, parse_quantity_string(expect).format))
        == "-" + expect
    )


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
    ],
)
def test_parse_emit(text: str, expect: str) -> None:
    """TestQuantityParseEmit, both signs."""
    assert canonicalize(text) == expect
    assert canonicalize("-" + text) == "-" + expect


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("1000Mi", "1000Mi"),
        ("1073741824", "1073741824"),
        ("1.5Gi", "1536Mi"),
        ("1.5Ki", "1536"),
        ("100.035Ki", "102435840m"),
        ("9Ei", "9223372036854775807"),
        ("1.7E18", "1700e15"),
        ("0.5Ki", "512"),
        ("1e3", "1e3"),
        ("2000", "2k"),
        ("1000m", "1"),
    ],
)
def test_canonical_examples(text: str, expect: str) -> None:
    """CanonicalizeBytes: binary values below 1024 or fractional print as decimal; decimal
    exponents go down to a multiple of 3 so no fractional digit is printed."""
    assert canonicalize(text) == expect


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("+1Mi", "+1Mi"),
        ("01Mi", "01Mi"),
        ("1.500", "1.500"),
        ("0100m", "0100m"),
        ("1.", "1."),
        ("1.G", "1.G"),
        ("+100m", "+100m"),
    ],
)
def test_upstream_keeps_some_non_canonical_inputs(text: str, kept: str) -> None:
    """ParseQuantity reuses the input string when its int64 fast path finds it canonical by
    its own test (binary: value&7 != 0; decimal: scale%3 == 0, no "000" tail, no leading 0
    digit), which lets a sign, leading zeros or trailing decimals through unchanged."""
    assert canonicalize(text) == kept


@pytest.mark.parametrize(
    ("raw", "expect"),
    [
        ('" 1"', "1"),
        ('"1 "', "1"),
        ("1", "1"),
        (10, "10"),
        (-1, "-1"),
        ("\t2Gi\n", "2Gi"),
    ],
)
def test_json_whitespace(raw: object, expect: str) -> None:
    """TestJSONWhitespace: UnmarshalJSON trims spaces; numbers are read from their text."""
    value = raw[1:-1] if isinstance(raw, str) and raw.startswith('"') else raw
    assert canonicalize(value) == expect


@pytest.mark.parametrize(
    ("number", "expect"),
    [
        (0.5, "500m"),
        (1.5, "1500m"),
        (100.0, "100"),
        (1e21, "1e+21"),
        (1.5e-7, "150e-9"),
        (2.0, "2"),
        (-0.25, "-250m"),
    ],
)
def test_floats_are_read_from_go_json_text(number: float, expect: str) -> None:
    """A YAML float reaches UnmarshalJSON as encoding/json prints it: fixed notation between
    1e-6 and 1e21, "1e+21" outside (kept verbatim as a DecimalExponent string)."""
    assert canonicalize(number) == expect


def test_non_quantities() -> None:
    """UnmarshalJSON: null is the zero quantity; true/false fail to parse."""
    assert parse_quantity(None) == 0
    with pytest.raises(QuantityError):
        parse_quantity(True)
    with pytest.raises(QuantityError):
        parse_quantity(float("nan"))


def test_exact_values_and_huge_exponents() -> None:
    """Quantities are exact (inf.Dec), decimal ones are not capped, exponents are int32."""
    assert parse_quantity("0.1") + parse_quantity("0.2") == parse_quantity("0.3")
    assert parse_quantity("123456789012345678901234567890") == Decimal(
        "123456789012345678901234567890"
    )
    assert parse_quantity("1e2000000000") > 0
    assert parse_quantity("-9Ei") == -MAX


@pytest.mark.parametrize(
    ("text", "scale", "expect"),
    [
        ("9.01", -3, "9.01"),
        ("9.01", -2, "9.01"),
        ("9.01", -1, "9.1"),
        ("9.01", 0, "10"),
        ("9.01", 1, "10"),
        ("9.01", 2, "100"),
        ("-9.01", -3, "-9.01"),
        ("-9.01", -1, "-9.1"),
        ("-9.01", 0, "-10"),
        ("-9.01", 2, "-100"),
    ],
)
def test_round_up(text: str, scale: int, expect: str) -> None:
    """TestQuantityRoundUp: away from zero, to a multiple of 10^scale."""
    assert parse_quantity_string(text).round_up(scale).value == Decimal(expect)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("0.0001", "1m"),
        ("100m", "100m"),
        ("1n", "1m"),
        ("-0.0001", "-1m"),
        ("1Gi", "1Gi"),
        ("0.5", "500m"),
        ("+100m", "+100m"),
    ],
)
def test_resource_list_entries_are_rounded_to_milli(text: str, expect: str) -> None:
    """pkg/apis/core/v1/defaults.go SetDefaults_ResourceList rounds every ResourceList value
    up to milli (RoundUp(-3)), keeping the string of an int64 value already that coarse."""
    assert canonicalize_resource(text) == expect
