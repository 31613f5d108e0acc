"""The apimachinery string validators, checked against the upstream test tables.

Tables come from kubernetes/kubernetes staging/src/k8s.io/apimachinery: pkg/util/validation/
validation_test.go and pkg/api/validate/content/kube_test.go; messages from validation.go and
content/{dns,kube}.go.
"""

from __future__ import annotations

import pytest

from kplan.k8s import validation as v


@pytest.mark.parametrize(
    "value",
    [
        "a",
        "ab",
        "abc",
        "a1",
        "a-1",
        "a--1--2--b",
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
        "a" * 63,
    ],
)
def test_dns1123_label_good(value: str) -> None:
    """validation_test.go TestIsDNS1123Label, goodValues."""
    assert v.is_dns1123_label(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "A",
        "ABC",
        "aBc",
        "A1",
        "A-1",
        "1-A",
        "-",
        "a-",
        "-a",
        "1-",
        "-1",
        "_",
        "a_",
        "_a",
        "a_b",
        "1_",
        "_1",
        "1_2",
        ".",
        "a.",
        ".a",
        "a.b",
        "1.",
        ".1",
        "1.2",
        " ",
        "a ",
        " a",
        "a b",
        "1 ",
        " 1",
        "1 2",
        "a" * 64,
    ],
)
def test_dns1123_label_bad(value: str) -> None:
    """validation_test.go TestIsDNS1123Label, badValues."""
    assert v.is_dns1123_label(value)


def test_dns1123_label_messages() -> None:
    """content/dns.go IsDNS1123Label: a valid subdomain that is not a label gets the short
    "must not contain dots"; the rest gets RegexError, with upstream's double spaces."""
    assert v.is_dns1123_label("a.b") == ["must not contain dots"]
    assert v.is_dns1123_label("My_Name") == [
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    ]
    assert v.is_dns1123_label("a" * 64) == ["must be no more than 63 characters"]


@pytest.mark.parametrize(
    "value",
    [
        "a",
        "ab",
        "abc",
        "a1",
        "a-1",
        "a--1--2--b",
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
        "a.a",
        "ab.a",
        "abc.a",
        "a1.a",
        "a-1.a",
        "a--1--2--b.a",
        "a.1",
        "ab.1",
        "abc.1",
        "a1.1",
        "a-1.1",
        "a--1--2--b.1",
        "0.a",
        "01.a",
        "012.a",
        "1a.a",
        "1-a.a",
        "0.1",
        "01.1",
        "012.1",
        "1a.1",
        "1-a.1",
        "1--a--b--2.1",
        "a.b.c.d.e",
        "aa.bb.cc.dd.ee",
        "1.2.3.4.5",
        "11.22.33.44.55",
        "a" * 253,
    ],
)
def test_dns1123_subdomain_good(value: str) -> None:
    """validation_test.go TestIsDNS1123Subdomain, goodValues."""
    assert v.is_dns1123_subdomain(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "A",
        "ABC",
        "aBc",
        "A1",
        "A-1",
        "1-A",
        "-",
        "a-",
        "-a",
        "1-",
        "-1",
        "_",
        "a_",
        "_a",
        "a_b",
        "1_",
        "_1",
        "1_2",
        ".",
        "a.",
        ".a",
        "a..b",
        "1.",
        ".1",
        "1..2",
        " ",
        "a ",
        " a",
        "a b",
        "1 ",
        " 1",
        "1 2",
        "A.a",
        "aB.a",
        "ab.A",
        "A1.a",
        "a1.A",
        "A.1",
        "aB.1",
        "A1.1",
        "1A.1",
        "0.A",
        "01.A",
        "012.A",
        "1A.a",
        "1a.A",
        "A.B.C.D.E",
        "AA.BB.CC.DD.EE",
        "a.B.c.d.e",
        "aa.bB.cc.dd.ee",
        "a@b",
        "a,b",
        "a_b",
        "a;b",
        "a:b",
        "a%b",
        "a?b",
        "a$b",
        "a" * 254,
    ],
)
def test_dns1123_subdomain_bad(value: str) -> None:
    """validation_test.go TestIsDNS1123Subdomain, badValues."""
    assert v.is_dns1123_subdomain(value)


def test_dns1123_subdomain_trailing_newline_is_not_ignored() -> None:
    """Go's `$` is the end of the text: "a\\n" must fail although Python's `$` would match."""
    assert v.is_dns1123_subdomain("a\n")
    assert v.is_dns1123_label("a\n")


@pytest.mark.parametrize("value", ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a" * 63])
def test_dns1035_label_good(value: str) -> None:
    """validation_test.go TestIsDNS1035Label, goodValues."""
    assert v.is_dns1035_label(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "01",
        "012",
        "1a",
        "1-a",
        "1--a--b--2",
        "",
        "A",
        "ABC",
        "aBc",
        "A1",
        "A-1",
        "1-A",
        "-",
        "a-",
        "-a",
        "1-",
        "-1",
        "_",
        "a_",
        "_a",
        "a_b",
        "1_",
        "_1",
        "1_2",
        ".",
        "a.",
        ".a",
        "a.b",
        "1.",
        ".1",
        "1.2",
        " ",
        "a ",
        " a",
        "a b",
        "1 ",
        " 1",
        "1 2",
        "a" * 64,
    ],
)
def test_dns1035_label_bad(value: str) -> None:
    """validation_test.go TestIsDNS1035Label, badValues (Service names)."""
    assert v.is_dns1035_label(value)


@pytest.mark.parametrize("port", [1, 2, 1000, 16384, 32768, 65535])
def test_port_num_good(port: int) -> None:
    """validation_test.go TestIsValidPortNum, goodValues."""
    assert v.is_valid_port_num(port) == []


@pytest.mark.parametrize("port", [0, -1, 65536, 100000])
def test_port_num_bad(port: int) -> None:
    """validation_test.go TestIsValidPortNum, badValues; InclusiveRangeError's wording."""
    assert v.is_valid_port_num(port) == ["must be between 1 and 65535, inclusive"]


@pytest.mark.parametrize(
    "name",
    [
        "telnet",
        "re-mail-ck",
        "pop3",
        "a",
        "a-1",
        "1-a",
        "a-1-b-2-c",
        "1-a-2-b-3",
    ],
)
def test_port_name_good(name: str) -> None:
    """validation_test.go TestIsValidPortName, goodValues."""
    assert v.is_valid_port_name(name) == []


@pytest.mark.parametrize(
    "name",
    [
        "longerthan15characters",
        "",
        "a" * 16,
        "12345",
        "1-2-3-4",
        "-begin",
        "end-",
        "two--hyphens",
        "whois++",
    ],
)
def test_port_name_bad(name: str) -> None:
    """validation_test.go TestIsValidPortName, badValues."""
    assert v.is_valid_port_name(name)


def test_port_name_messages() -> None:
    """validation.go IsValidPortName: each broken rule is its own message; a quoted "8080"
    (a Service targetPort written as a string) fails the letter rule."""
    assert v.is_valid_port_name("my-very-long-port-name") == ["must be no more than 15 characters"]
    assert v.is_valid_port_name("8080") == ["must contain at least one letter (a-z)"]
    assert v.is_valid_port_name("-WEB--") == [
        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        "must contain at least one letter (a-z)",
        "must not contain consecutive hyphens",
        "must not begin or end with a hyphen",
    ]


@pytest.mark.parametrize(
    "key",
    [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
        "a" * 63,
        "a" * 253 + "/" + "b" * 63,
    ],
)
def test_qualified_name_good(key: str) -> None:
    """validation_test.go TestIsQualifiedName / content/kube_test.go TestIsLabelKey."""
    assert v.is_qualified_name(key) == []


@pytest.mark.parametrize(
    "key",
    [
        "nospecialchars%^=@",
        "cantendwithadash-",
        "-cantstartwithadash-",
        "only/one/slash",
        "Example.com/abc",
        "example_com/abc",
        "example.com/",
        "/simple",
        "a" * 64,
        "a" * 254 + "/abc",
    ],
)
def test_qualified_name_bad(key: str) -> None:
    """validation_test.go TestIsQualifiedName / content/kube_test.go TestIsLabelKey."""
    assert v.is_qualified_name(key)


def test_qualified_name_messages() -> None:
    """content/kube.go IsLabelKey: prefix and name problems are prefixed; two slashes get a
    single message (TestIsDomainPrefixedKey's "invalid key 2")."""
    regex = (
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
        "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
        "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    )
    assert v.is_qualified_name("example.com/_e") == ["name part " + regex]
    assert v.is_qualified_name("example/foo/bar") == [
        "a valid label key "
        + regex
        + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    ]
    assert v.is_qualified_name("/simple") == ["prefix part must be non-empty"]
    assert v.is_qualified_name("example.com/") == [
        "name part must be non-empty",
        "name part " + regex,
    ]
    assert v.is_qualified_name("a" * 64) == ["name part must be no more than 63 characters"]


@pytest.mark.parametrize(
    "value",
    [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "end-with-num-1",
        "1234",
        "a" * 63,
        "",
    ],
)
def test_label_value_good(value: str) -> None:
    """validation_test.go TestIsValidLabelValue, successCases."""
    assert v.is_valid_label_value(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "nospecialchars%^=@",
        "Tama-nui-te-rā.is.Māori.sun",
        "\\backslashes\\are\\bad",
        "-starts-with-dash",
        "ends-with-dash-",
        ".starts.with.dot",
        "ends.with.dot.",
        "a" * 64,
    ],
)
def test_label_value_bad(value: str) -> None:
    """validation_test.go TestIsValidLabelValue, errorCases."""
    assert v.is_valid_label_value(value)


def test_label_value_length_is_in_bytes() -> None:
    """Go's len() counts UTF-8 bytes: 32 two-byte characters are 64 bytes, over the limit."""
    assert "must be no more than 63 characters" in v.is_valid_label_value("é" * 32)


@pytest.mark.parametrize("value", ["a", "_a", "a_", "A_9", "_"])
def test_c_identifier_good(value: str) -> None:
    """content/identifier.go IsCIdentifier: [A-Za-z_][A-Za-z0-9_]*."""
    assert v.is_c_identifier(value) == []


@pytest.mark.parametrize("value", ["", "1a", "a-b", "a.b", "a b"])
def test_c_identifier_bad(value: str) -> None:
    """content/identifier.go IsCIdentifier."""
    assert v.is_c_identifier(value) == [
        "a valid C identifier must start with alphabetic character or '_', followed by a string "
        "of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex "
        "used for validation is '[A-Za-z_][A-Za-z0-9_]*')"
    ]


@pytest.mark.parametrize(
    "value",
    [
        "-",
        ":",
        "_",
        "+a",
        ">a",
        "<a",
        "a.",
        "a..",
        "*a",
        "%a",
        "?a",
        "a:a",
        "a_a",
        "aAz",
        "~a",
        "|a",
        "a0a",
        "a9",
        "/a",
        "a ",
        "#a",
        "0a",
        "0 a",
        "'a",
        "(a",
        "@a",
    ],
)
def test_relaxed_env_var_name_good(value: str) -> None:
    """validation_test.go TestIsRelaxedEnvVarName, goodValues."""
    assert v.is_relaxed_env_var_name(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "=",
        "a=",
        "1=a",
        "a=b",
        "#%=&&",
        chr(1) + "abc",
        chr(130) + "abc",
        "Ç ç",
        "Ä ä",
        "Ñ ñ",
        "Ø ø",
    ],
)
def test_relaxed_env_var_name_bad(value: str) -> None:
    """validation_test.go TestIsRelaxedEnvVarName, badValues."""
    assert v.is_relaxed_env_var_name(value)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("my.env-name", True),
        ("MY_ENV.NAME", True),
        ("MyEnvName1", True),
        ("_a", True),
        ("1a", False),
        ("a b", False),
        ("a=b", False),
        (".", False),
        ("..", False),
        ("..a", False),
    ],
)
def test_strict_env_var_name(value: str, ok: bool) -> None:
    """validation.go IsEnvVarName: [-._a-zA-Z][-._a-zA-Z0-9]*, and no chdir prefix."""
    assert (v.is_env_var_name(value) == []) is ok


def test_relaxed_env_var_names_by_version() -> None:
    """pkg/features/kube_features.go RelaxedEnvironmentVariableValidation: alpha 1.30 (off),
    beta on by default 1.32, GA 1.34."""
    assert not v.relaxed_env_var_names((1, 31))
    assert v.relaxed_env_var_names((1, 32))
    assert v.env_var_name_errors("1a", relaxed=True) == []
    assert v.env_var_name_errors("1a", relaxed=False)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a", True),
        ("good", True),
        ("good-good", True),
        ("still.good", True),
        ("this.is.also.good", True),
        (".so.is.this", True),
        ("THIS_IS_GOOD", True),
        ("so_is_this_17", True),
        (".", False),
        ("..", False),
        ("..bad", False),
        ("b*d", False),
        ("bad!&bad", False),
    ],
)
def test_config_map_key(value: str, ok: bool) -> None:
    """validation_test.go TestIsConfigMapKey."""
    assert (v.is_config_map_key(value) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0%", True),
        ("00000%", True),
        ("1%", True),
        ("01%", True),
        ("99%", True),
        ("100%", True),
        ("101%", True),
        ("", False),
        ("0", False),
        ("100", False),
        ("0.0%", False),
        ("99.9%", False),
        ("hundred", False),
        (" 1%", False),
        ("1% ", False),
        ("-0%", False),
        ("-1%", False),
        ("+1%", False),
    ],
)
def test_percent(value: str, ok: bool) -> None:
    """validation_test.go TestIsValidPercent."""
    assert (v.is_valid_percent(value) == []) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("Accept-Encoding", True),
        ("X-Forwarded-For", True),
        ("--abc-123", True),
        ("Host:", False),
        ("X-@Home", False),
        ("", False),
        ("a_", False),
        ("a b", False),
    ],
)
def test_http_header_name(value: str, ok: bool) -> None:
    """validation_test.go TestIsHTTPHeaderName."""
    assert (v.is_http_header_name(value) == []) is ok


def test_name_functions_allow_a_trailing_dash_in_generate_name() -> None:
    """api/validation/generic.go NameIsDNSSubdomain etc.: with prefix=true a trailing '-' is
    masked (maskTrailingDash), so generateName "web-" is fine and name "web-" is not."""
    assert v.name_is_dns_subdomain("web-", True) == []
    assert v.name_is_dns_subdomain("web-", False)
    assert v.name_is_dns_label("web-", True) == []
    assert v.name_is_dns1035_label("web-", True) == []
    assert v.name_is_dns1035_label("1web-", True)


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("system:controller:foo", []),
        ("UPPER.case_ok", []),
        (".", ["may not be '.'"]),
        ("..", ["may not be '..'"]),
        ("a/b", ["may not contain '/'"]),
        ("a%b/c", ["may not contain '/'", "may not contain '%'"]),
    ],
)
def test_path_segment_names(name: str, errors: list[str]) -> None:
    """api/validation/path/name.go IsValidPathSegmentName (RBAC names)."""
    assert v.is_valid_path_segment_name(name) == errors


def test_path_segment_prefix_skips_the_exact_names() -> None:
    """path/name.go IsValidPathSegmentPrefix: "." may still get a suffix."""
    assert v.validate_path_segment_name(".", True) == []
    assert v.validate_path_segment_name("a/", True) == ["may not contain '/'"]


def test_annotation_size_counts_keys_and_values_in_bytes() -> None:
    """api/validation/objectmeta.go ValidateAnnotationsSize: len(k)+len(v), limit 256 KiB."""
    assert v.TOTAL_ANNOTATION_SIZE_LIMIT_B == 262144
    assert v.annotations_size({"a": "bc", "é": "é"}) == 3 + 4
