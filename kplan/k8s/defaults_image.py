"""Container image references as kubernetes/kubernetes pkg/util/parsers ParseImageName reads
them (github.com/distribution/reference ParseNormalizedNamed), for the imagePullPolicy default.

Only the tag matters to the default: a reference that parses with the tag `latest`, or with
neither tag nor digest (which ParseImageName reports as `latest`), pulls Always; anything
else, including a reference that does not parse, pulls IfNotPresent (SetDefaults_Container
ignores the parse error and sees an empty tag).
"""

from __future__ import annotations

import re

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|{_IPV6})"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"^(?P<name>(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)
_IDENTIFIER = re.compile(r"^[a-f0-9]{64}$")
# go-digest: the algorithms registered by pkg/util/parsers' crypto imports, and their lengths.
_DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}
_NAME_TOTAL_LENGTH_MAX = 255


def image_tag(image: object) -> str:
    """The tag ParseImageName returns: "latest" when there is neither tag nor digest, "" when
    the reference has only a digest or does not parse."""
    if not isinstance(image, str):
        return ""
    parsed = _parse(image)
    if parsed is None:
        return ""
    tag, digest = parsed
    if not tag and not digest:
        return "latest"
    return tag


def pull_policy(image: object) -> str:
    """SetDefaults_Container's imagePullPolicy for this image."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


def _parse(image: str) -> tuple[str, str] | None:
    """(tag, digest) of a valid reference, else None (ParseNormalizedNamed's errors)."""
    if _IDENTIFIER.match(image):
        return None  # "cannot specify 64-byte hexadecimal strings"
    if not _has_lowercase_repository(image):
        return None
    match = _REFERENCE.match(image)
    if match is None or len(match.group("name")) > _NAME_TOTAL_LENGTH_MAX:
        return None
    digest = match.group("digest") or ""
    if digest and not _valid_digest(digest):
        return None
    return match.group("tag") or "", digest


def _has_lowercase_repository(image: str) -> bool:
    """splitDockerDomain: the first component is a registry only when it has a "." or ":" or
    is "localhost"; the rest (the repository) must be lowercase."""
    name = image.split("@", 1)[0]
    first, slash, rest = name.partition("/")
    is_domain = bool(slash) and (first == "localhost" or "." in first or ":" in first)
    remote = rest if is_domain else name
    remote = remote.rsplit(":", 1)[0] if ":" in remote.rsplit("/", 1)[-1] else remote
    return remote == remote.lower()


def _valid_digest(digest: str) -> bool:
    algorithm, _, hex_part = digest.partition(":")
    expected = _DIGEST_HEX_LENGTH.get(algorithm)
    return expected is not None and len(hex_part) == expected and hex_part == hex_part.lower()
