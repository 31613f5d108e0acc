"""Kubernetes versions: bundled files, parsing "1.33"/"v1.33"/"1.33.4", comparing as versions.

kubernetes-validate compares version strings, so `-k 1.3` silently validates against 1.29
(validators notes §1); kplan must compare (major, minor) numbers.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kplan.schema import UnknownVersion, available_versions, newest_version, resolve_version
from kplan.schema import catalog as catalog_module

BUNDLED = [f"1.{minor}" for minor in range(25, 38)]


def test_bundled_versions_are_sorted_as_versions() -> None:
    assert available_versions() == BUNDLED
    assert newest_version() == "1.37"


@pytest.mark.parametrize("text", ["1.33", "v1.33", "1.33.4", "v1.33.0", " 1.33 "])
def test_resolve_accepts_the_usual_spellings(text: str) -> None:
    assert resolve_version(text) == "1.33"


@pytest.mark.parametrize("text", ["1.3", "1.2", "1.9", "1.40", "2.33", "1.330", "1.24"])
def test_resolve_compares_numbers_not_strings(text: str) -> None:
    with pytest.raises(UnknownVersion) as caught:
        resolve_version(text)
    message = str(caught.value)
    assert "available: 1.25, 1.26" in message and message.endswith("1.37")


@pytest.mark.parametrize("text", ["", "latest", "1", "1.x", "v1.33-rc1", "1.33.4.5"])
def test_resolve_rejects_non_versions(text: str) -> None:
    with pytest.raises(UnknownVersion, match="available: 1.25"):
        resolve_version(text)


def test_unknown_version_is_a_value_error() -> None:
    assert issubclass(UnknownVersion, ValueError)


def test_catalog_rejects_unknown_versions_and_engines() -> None:
    with pytest.raises(UnknownVersion):
        catalog_module.Catalog("1.24")
    with pytest.raises(ValueError, match="engine"):
        catalog_module.Catalog("1.33", engine="turbo")


def test_ordering_of_two_digit_minors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1.9 < 1.10 < 1.33 (a string sort would put 1.10 first and 1.9 last)."""
    for minor in (9, 10, 33):
        data = {"definitions": {}, "kinds": {}, "history": {}}
        (tmp_path / f"v1.{minor}.json.gz").write_bytes(gzip.compress(json.dumps(data).encode()))
    (tmp_path / "README").write_text("not a bundle")
    monkeypatch.setattr(catalog_module, "_bundle_folder", lambda: tmp_path)
    catalog_module._versions.cache_clear()
    try:
        assert available_versions() == ["1.9", "1.10", "1.33"]
        assert newest_version() == "1.33"
        assert resolve_version("1.9") == "1.9"
        assert resolve_version("v1.10.2") == "1.10"
        with pytest.raises(UnknownVersion, match="available: 1.9, 1.10, 1.33"):
            resolve_version("1.1")
    finally:
        catalog_module._versions.cache_clear()


def _descriptions(node: object) -> Iterator[str]:
    """Documentation strings left in a schema (a property named "description" is fine)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                yield value
            else:
                yield from _descriptions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _descriptions(item)


def test_bundle_files_hold_what_the_catalog_reads() -> None:
    folder = catalog_module._bundle_folder()
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json.gz"))
    assert names == sorted(f"v{version}.json.gz" for version in BUNDLED)
    bundle = json.loads(gzip.decompress((folder / "v1.33.json.gz").read_bytes()))
    assert len(bundle["definitions"]) == 707
    assert bundle["kinds"]["apps/v1"]["Deployment"] == "io.k8s.api.apps.v1.Deployment"
    assert bundle["history"]["autoscaling/v2beta2 HorizontalPodAutoscaler"] == ["1.25"]
    assert not list(_descriptions(bundle["definitions"]))
    spec = bundle["definitions"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert spec["x-kubernetes-patch-merge-key"] == "name"
    assert spec["x-kubernetes-list-map-keys"] == ["name"]
