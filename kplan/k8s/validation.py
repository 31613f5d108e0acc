"""The apimachinery string validators, as pure functions with the upstream error wording.

Each `is_*` function returns the list of problems the API server would list for the value; an
empty list means valid. Sources (kubernetes/kubernetes, under staging/src/k8s.io/apimachinery):
pkg/util/validation/validation.go, pkg/api/validate/content/{dns,kube,identifier}.go,
pkg/api/validation/{generic,objectmeta}.go and pkg/api/validation/path/name.go.

Go measures string length in UTF-8 bytes, so the length limits here do too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

__all__ = [
    "DNS1035_LABEL_MAX_LENGTH",
    "DNS1123_LABEL_MAX_LENGTH",
    "DNS1123_SUBDOMAIN_MAX_LENGTH",
    "LABEL_VALUE_MAX_LENGTH",
    "TOTAL_ANNOTATION_SIZE_LIMIT_B",
    "NameFunc",
    "annotations_size",
    "empty_error",
    "env_var_name_errors",
    "inclusive_range_error",
    "is_c_identifier",
    "is_config_map_key",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_env_var_name",
    "is_http_header_name",
    "is_label_key",
    "is_qualified_name",
    "is_relaxed_env_var_name",
    "is_valid_label_value",
    "is_valid_path_segment_name",
    "is_valid_path_segment_prefix",
    "is_valid_percent",
    "is_valid_port_name",
    "is_valid_port_num",
    "max_len_error",
    "name_is_dns1035_label",
    "name_is_dns_label",
    "name_is_dns_subdomain",
    "regex_error",
    "relaxed_env_var_names",
    "validate_path_segment_name",
]

DNS1123_LABEL_MAX_LENGTH = 63
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
DNS1035_LABEL_MAX_LENGTH = 63
LABEL_VALUE_MAX_LENGTH = 63
LABEL_KEY_NAME_MAX_LENGTH = 63
# pkg/api/validation/objectmeta.go TotalAnnotationSizeLimitB: keys and values together.
TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10)

NameFunc = Callable[[str, bool], list[str]]


def _blen(value: str) -> int:
    """Length in UTF-8 bytes, as Go's len() counts it."""
    return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """RegexError: the message, the examples, then the regex (with upstream's double spaces)."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{fmt}')"


def empty_error() -> str:
    return "must be non-empty"


def inclusive_range_error(low: int, high: int) -> str:
    return f"must be between {low} and {high}, inclusive"


# --- DNS names (content/dns.go) -----------------------------------------------------------

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character"
)
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL_ERR = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character"
)

_DNS1123_LABEL = re.compile(DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN = re.compile(DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL = re.compile(DNS1035_LABEL_FMT)


def is_dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label: at most 63 characters of [a-z0-9-], alphanumeric at both ends."""
    errors = []
    if _blen(value) > DNS1123_LABEL_MAX_LENGTH:
        errors.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _DNS1123_LABEL.fullmatch(value):
        if _DNS1123_SUBDOMAIN.fullmatch(value):
            # A valid subdomain that is not a label: the length is checked, so it is the dots.
            errors.append("must not contain dots")
        else:
            errors.append(regex_error(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errors


def is_dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain: dot-separated DNS-1123 labels, at most 253 characters."""
    errors = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errors.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        errors.append(regex_error(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label: a DNS-1123 label that starts with a letter (Service names)."""
    errors = []
    if _blen(value) > DNS1035_LABEL_MAX_LENGTH:
        errors.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _DNS1035_LABEL.fullmatch(value):
        errors.append(regex_error(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errors


# --- label keys and values (content/kube.go) ----------------------------------------------

LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
LABEL_KEY_ERR = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?"
LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character"
)
_LABEL_KEY = re.compile(LABEL_KEY_FMT)
_LABEL_VALUE = re.compile(LABEL_VALUE_FMT)
_LABEL_KEY_EXAMPLES = ("MyName", "my.name", "123-abc")


def is_label_key(value: str) -> list[str]:
    """IsLabelKey (alias IsQualifiedName): optional DNS-subdomain prefix and '/', then a name.

    The name part is 1..63 characters, alphanumeric at both ends, with '-', '_' and '.'
    inside; upper case is allowed. More than one '/' is rejected with a single message.
    """
    errors: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part " + empty_error())
        else:
            errors.extend("prefix part " + msg for msg in is_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key "
            + regex_error(LABEL_KEY_ERR, LABEL_KEY_FMT, *_LABEL_KEY_EXAMPLES)
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errors.append("name part " + empty_error())
    elif _blen(name) > LABEL_KEY_NAME_MAX_LENGTH:
        errors.append("name part " + max_len_error(LABEL_KEY_NAME_MAX_LENGTH))
    if not _LABEL_KEY.fullmatch(name):
        errors.append(
            "name part " + regex_error(LABEL_KEY_ERR, LABEL_KEY_FMT, *_LABEL_KEY_EXAMPLES)
        )
    return errors


is_qualified_name = is_label_key


def is_valid_label_value(value: str) -> list[str]:
    """IsLabelValue: empty, or at most 63 characters shaped like a label key's name part."""
    errors = []
    if _blen(value) > LABEL_VALUE_MAX_LENGTH:
        errors.append(max_len_error(LABEL_VALUE_MAX_LENGTH))
    if not _LABEL_VALUE.fullmatch(value):
        errors.append(regex_error(LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errors


def annotations_size(annotations: Mapping[str, object]) -> int:
    """ValidateAnnotationsSize: the bytes of every key and string value, added up."""
    total = 0
    for key, value in annotations.items():
        if isinstance(key, str):
            total += _blen(key)
        if isinstance(value, str):
            total += _blen(value)
    return total


# --- ports, identifiers, environment variables (util/validation/validation.go) ------------

_PORT_NAME_CHARSET = re.compile("[-a-z0-9]+")
_PORT_NAME_LETTER = re.compile("[a-z]")


def is_valid_port_name(port: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME): <= 15 of [-a-z0-9], a letter, no '--', no edge '-'."""
    errors = []
    if _blen(port) > 15:
        errors.append(max_len_error(15))
    if not _PORT_NAME_CHARSET.fullmatch(port):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(port):
        errors.append("must contain at least one letter (a-z)")
    if "--" in port:
        errors.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def is_valid_port_num(port: int) -> list[str]:
    """IsValidPortNum: 1..65535."""
    if 1 <= port <= 65535:
        return []
    return [inclusive_range_error(1, 65535)]


C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
C_IDENTIFIER_ERR = (
    "a valid C identifier must start with alphabetic character or '_', followed by a string of "
    "alphanumeric characters or '_'"
)
_C_IDENTIFIER = re.compile(C_IDENTIFIER_FMT)


def is_c_identifier(value: str) -> list[str]:
    """IsCIdentifier: the format only, not the length."""
    if _C_IDENTIFIER.fullmatch(value):
        return []
    return [regex_error(C_IDENTIFIER_ERR, C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]


def _has_chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
ENV_VAR_NAME_ERR = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', "
    "or '.', and must not start with a digit"
)
RELAXED_ENV_VAR_NAME_ERR = (
    "a valid environment variable name must consist only of printable ASCII characters other "
    "than '='"
)
_ENV_VAR_NAME = re.compile(ENV_VAR_NAME_FMT)


def is_env_var_name(value: str) -> list[str]:
    """IsEnvVarName: the strict rule, used before RelaxedEnvironmentVariableValidation."""
    errors = []
    if not _ENV_VAR_NAME.fullmatch(value):
        examples = ("my.env-name", "MY_ENV.NAME", "MyEnvName1")
        errors.append(regex_error(ENV_VAR_NAME_ERR, ENV_VAR_NAME_FMT, *examples))
    errors.extend(_has_chdir_prefix(value))
    return errors


def is_relaxed_env_var_name(value: str) -> list[str]:
    """IsRelaxedEnvVarName: any printable ASCII character except '='."""
    errors = []
    if not value:
        errors.append("environment variable name " + empty_error())
    for char in value:
        if not (" " <= char <= "~") or char == "=":
            errors.append(RELAXED_ENV_VAR_NAME_ERR)
            break
    return errors


def relaxed_env_var_names(kubernetes_version: tuple[int, int]) -> bool:
    """RelaxedEnvironmentVariableValidation: alpha (off) in 1.30, on by default from 1.32,
    GA in 1.34 (pkg/features/kube_features.go)."""
    return kubernetes_version >= (1, 32)


def env_var_name_errors(value: str, *, relaxed: bool) -> list[str]:
    return is_relaxed_env_var_name(value) if relaxed else is_env_var_name(value)


CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
CONFIG_MAP_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_CONFIG_MAP_KEY = re.compile(CONFIG_MAP_KEY_FMT)


def is_config_map_key(value: str) -> list[str]:
    """IsConfigMapKey: keys of ConfigMap/Secret data and of key selectors."""
    errors = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errors.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _CONFIG_MAP_KEY.fullmatch(value):
        errors.append(
            regex_error(CONFIG_MAP_KEY_ERR, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name")
        )
    errors.extend(_has_chdir_prefix(value))
    return errors


PERCENT_FMT = "[0-9]+%"
PERCENT_ERR = "a valid percent string must be a numeric string followed by an ending '%'"
_PERCENT = re.compile(PERCENT_FMT)


def is_valid_percent(value: str) -> list[str]:
    """IsValidPercent: digits then '%' (no sign, no decimals)."""
    if _PERCENT.fullmatch(value):
        return []
    return [regex_error(PERCENT_ERR, PERCENT_FMT, "1%", "93%")]


HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
HTTP_HEADER_NAME_ERR = "a valid HTTP header must consist of alphanumeric characters or '-'"
_HTTP_HEADER_NAME = re.compile(HTTP_HEADER_NAME_FMT)


def is_http_header_name(value: str) -> list[str]:
    if _HTTP_HEADER_NAME.fullmatch(value):
        return []
    return [regex_error(HTTP_HEADER_NAME_ERR, HTTP_HEADER_NAME_FMT, "X-Header-Name")]


# --- object names (api/validation/generic.go, api/validation/path/name.go) ----------------


def _mask_trailing_dash(name: str) -> str:
    """maskTrailingDash, quirk included: Go drops the last two bytes, not just the dash."""
    if name.endswith("-"):
        return name[:-2] + "a" if len(name) >= 2 else "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """NameIsDNSSubdomain; `prefix` is True for generateName, whose trailing '-' is fine."""
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """NameIsDNSLabel (ValidateNamespaceName)."""
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    """NameIsDNS1035Label (ValidateServiceName)."""
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


def is_valid_path_segment_name(name: str) -> list[str]:
    """IsValidPathSegmentName: not '.' or '..', and no '/' or '%'."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return is_valid_path_segment_prefix(name)


def is_valid_path_segment_prefix(name: str) -> list[str]:
    errors = []
    for illegal in ("/", "%"):
        if illegal in name:
            errors.append(f"may not contain '{illegal}'")
    return errors


def validate_path_segment_name(name: str, prefix: bool) -> list[str]:
    """ValidatePathSegmentName: what every object name must be, whatever its kind."""
    return is_valid_path_segment_prefix(name) if prefix else is_valid_path_segment_name(name)
