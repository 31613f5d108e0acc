"""Generate schemas/kubernetes/v1.XX.json.gz from the kubernetes-validate package.

kubernetes-validate (`pip install kubernetes-validate==1.37.0`, the `bench` extra) ships the
OpenAPI definitions of every Kubernetes minor version 1.25..1.37 as one draft 2020-12 document
per version (`kubernetes-json-schema/v1.XX.0-local/_definitions.json`, ~1.4 MB). kplan needs
only a fraction of that, offline and fast to load, so this script keeps for each version:

- `definitions`: the non-strict `$defs` with every `description` removed (descriptions are
  ~80% of the bytes and no validator reads them). All `x-kubernetes-*` keys stay: the diff
  planner reads the patch-merge keys and list-map keys.
- `kinds`: apiVersion -> kind -> definition name, from `x-kubernetes-group-version-kind`.
- `references`: definition name -> the definitions it `$ref`s directly, so that kplan finds
  the few definitions one kind needs without walking schemas at start-up (~7 ms of a
  pre-commit run).
- `history`: "apiVersion kind" -> the bundled versions that serve it, the same table in every
  file, so that one file is enough to tell "removed in 1.27" from "unknown kind".

The strict variant (`-local-strict`) is not stored: it equals the non-strict one plus
`additionalProperties: false` on exactly the definitions that have `properties`. The script
re-checks that for every version and fails if it ever stops being true, because kplan derives
strict mode from that rule at load time.

Output is deterministic (gzip mtime 0, sorted keys, compact separators), so regenerating
with the same input gives byte-identical files. Run from the repository root:

    python scripts/build_schemas.py
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kplan.schema.engines import referenced_definitions  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "schemas" / "kubernetes"
FOLDER = re.compile(r"^v1\.(\d+)\.0-local$")


def package_schema_root() -> Path:
    """The kubernetes-json-schema folder inside the installed kubernetes_validate package."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "kubernetes_validate is not installed: pip install kubernetes-validate==1.37.0"
        )
    root = Path(spec.origin).parent / "kubernetes-json-schema"
    if not root.is_dir():
        raise SystemExit(f"no kubernetes-json-schema folder in {root.parent}")
    return root


def strip_descriptions(node: Any) -> Any:
    """Drop `description` keys (documentation only) everywhere except inside property maps."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "description":
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: strip_descriptions(sub) for name, sub in value.items()}
            else:
                out[key] = strip_descriptions(value)
        return out
    if isinstance(node, list):
        return [strip_descriptions(item) for item in node]
    return node


def derive_strict(definitions: dict[str, Any]) -> dict[str, Any]:
    """The rule kplan applies at load time to get the strict set from the non-strict one."""
    strict = {}
    for name, schema in definitions.items():
        if "properties" in schema:
            schema = {**schema, "additionalProperties": False}
        strict[name] = schema
    return strict


def gvk_index(definitions: dict[str, Any]) -> dict[str, dict[str, str]]:
    """apiVersion -> kind -> definition name.

    A few meta types (DeleteOptions, WatchEvent) carry one GVK per API group; when two
    definitions claim the same GVK, the one made for a single GVK wins, then the first name.
    """
    claims: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for name, schema in definitions.items():
        gvks = schema.get("x-kubernetes-group-version-kind") or []
        for gvk in gvks:
            group, version, kind = gvk["group"], gvk["version"], gvk["kind"]
            api_version = f"{group}/{version}" if group else version
            claims.setdefault((api_version, kind), []).append((len(gvks), name))
    index: dict[str, dict[str, str]] = {}
    for (api_version, kind), names in sorted(claims.items()):
        index.setdefault(api_version, {})[kind] = min(names)[1]
    return index


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def read_versions(root: Path) -> dict[str, Path]:
    found = {}
    for folder in root.iterdir():
        match = FOLDER.match(folder.name)
        if match and (folder / "_definitions.json").is_file():
            found[f"1.{match.group(1)}"] = folder
    return dict(sorted(found.items(), key=lambda item: version_key(item[0])))


def load_definitions(folder: Path) -> dict[str, Any]:
    document = json.loads((folder / "_definitions.json").read_text(encoding="utf-8"))
    if document.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        raise SystemExit(f"{folder}: unexpected dialect {document.get('$schema')!r}")
    return document["$defs"]


def check_strict_rule(version: str, folder: Path, definitions: dict[str, Any]) -> None:
    strict_folder = folder.with_name(folder.name + "-strict")
    strict = load_definitions(strict_folder)
    if strict != derive_strict(definitions):
        differing = sorted(
            name
            for name in set(strict) | set(definitions)
            if strict.get(name) != derive_strict(definitions).get(name)
        )
        raise SystemExit(
            f"{version}: the strict schemas are no longer 'non-strict + additionalProperties: "
            f"false on definitions with properties' ({len(differing)} differ, e.g. "
            f"{differing[:3]}); kplan's load-time strict rule must change"
        )


def write_bundle(path: Path, bundle: dict[str, Any]) -> int:
    data = json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    compressed = gzip.compress(data.encode("utf-8"), compresslevel=9, mtime=0)
    path.write_bytes(compressed)
    return len(compressed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder to write into")
    args = parser.parse_args(argv)

    root = package_schema_root()
    versions = read_versions(root)
    if not versions:
        raise SystemExit(f"no v1.XX.0-local folders in {root}")

    stripped: dict[str, dict[str, Any]] = {}
    kinds: dict[str, dict[str, dict[str, str]]] = {}
    for version, folder in versions.items():
        definitions = load_definitions(folder)
        check_strict_rule(version, folder, definitions)
        stripped[version] = {
            name: strip_descriptions(schema) for name, schema in definitions.items()
        }
        kinds[version] = gvk_index(definitions)

    history: dict[str, list[str]] = {}
    for version, index in kinds.items():
        for api_version, by_kind in index.items():
            for kind in by_kind:
                history.setdefault(f"{api_version} {kind}", []).append(version)

    args.output.mkdir(parents=True, exist_ok=True)
    for stale in args.output.glob("v1.*.json.gz"):
        if stale.name.removeprefix("v").removesuffix(".json.gz") not in versions:
            stale.unlink()
    for version in versions:
        bundle = {
            "format": 1,
            "kubernetes_version": version,
            "source": f"kubernetes-validate kubernetes-json-schema/{versions[version].name}",
            "definitions": stripped[version],
            "kinds": kinds[version],
            "references": {
                name: sorted(referenced_definitions(schema))
                for name, schema in stripped[version].items()
            },
            "history": history,
        }
        path = args.output / f"v{version}.json.gz"
        size = write_bundle(path, bundle)
        print(f"{path.name}: {len(stripped[version])} definitions, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
