"""Turning findings off or up: the `kplan.io/ignore` annotation and the config file.

- On an object: `metadata.annotations["kplan.io/ignore"]: "rule-a,rule-b"` silences those
  rules for that object (`*` or `all` for every rule), as a `# noqa` would.
- In a project: `.kplan.yaml` (or `.kplan.yml`), else `[tool.kplan]` in pyproject.toml,
  found in the starting folder or the nearest parent that has one:

      rules:                      # per-rule severity: error | warning | info | off
        overlapping-selectors: error
        pdb-blocks-eviction: off
      ignore:                     # a rule id, or a rule for some objects (fnmatch patterns)
        - kind-not-recorded
        - rule: missing-secret
          objects: ["Deployment/shop/*"]

  In pyproject.toml the same keys live under `[tool.kplan]` / `[tool.kplan.rules]`.
Unknown rule ids and bad values are reported as problems (a typo must not pass silently)
but do not stop the run: the rest of the configuration still applies.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kplan.plan.model import Finding
from kplan.rules import SEVERITIES, get

IGNORE_ANNOTATION = "kplan.io/ignore"
OFF = "off"
YAML_NAMES = (".kplan.yaml", ".kplan.yml")
PYPROJECT = "pyproject.toml"


class ConfigError(ValueError):
    """A config file that cannot be read at all (bad YAML/TOML, not a mapping)."""


@dataclass(frozen=True)
class ObjectIgnore:
    rule: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class RulesConfig:
    """Severity per rule ("off" drops it), rules ignored everywhere, and per-object ignores.
    `source` is the file read (None: defaults); `problems` lists what was not understood."""

    severities: Mapping[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    object_ignores: tuple[ObjectIgnore, ...] = ()
    source: str | None = None
    problems: tuple[str, ...] = ()


def annotation_ignores(annotations: Mapping[str, Any] | None) -> frozenset[str]:
    """Rule ids named by an object's `kplan.io/ignore` annotation."""
    value = (annotations or {}).get(IGNORE_ANNOTATION)
    if not isinstance(value, str):
        return frozenset()
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def apply_config(
    findings: Iterable[Finding],
    config: RulesConfig | None = None,
    object_ignores: Mapping[str, frozenset[str]] | None = None,
) -> list[Finding]:
    """The findings left after suppression, with configured severities. `object_ignores`
    maps an object ref to the rule ids its annotation silences."""
    config = config or RulesConfig()
    object_ignores = object_ignores or {}
    kept: list[Finding] = []
    for finding in findings:
        silenced = object_ignores.get(finding.object, frozenset())
        if finding.rule in silenced or "*" in silenced or "all" in silenced:
            continue
        if finding.rule in config.ignore:
            continue
        if any(
            item.rule == finding.rule
            and any(fnmatch.fnmatchcase(finding.object, p) for p in item.patterns)
            for item in config.object_ignores
        ):
            continue
        severity = config.severities.get(finding.rule)
        if severity == OFF:
            continue
        kept.append(replace(finding, severity=severity) if severity else finding)
    return kept


def parse_config(data: Any, source: str | None = None) -> RulesConfig:
    """A RulesConfig from the mapping a config file holds."""
    if data is None:
        return RulesConfig(source=source)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source or 'config'}: expected a mapping at the top level")
    problems: list[str] = []
    where = source or "config"
    for key in data:
        if key not in ("rules", "ignore"):
            problems.append(f"{where}: unknown key {key!r} (known: rules, ignore)")
    severities: dict[str, str] = {}
    rules = data.get("rules") or {}
    if not isinstance(rules, Mapping):
        problems.append(f"{where}: `rules` must map rule ids to a severity")
        rules = {}
    for rule_id, value in rules.items():
        level = str(value).lower() if value is not False else OFF
        if level not in (*SEVERITIES, OFF):
            problems.append(
                f"{where}: rules.{rule_id}: {value!r} is not error, warning, info or off"
            )
            continue
        _known(rule_id, where, problems)
        severities[str(rule_id)] = level
    ignored: set[str] = set()
    per_object: list[ObjectIgnore] = []
    entries = data.get("ignore") or []
    if not isinstance(entries, list):
        problems.append(f"{where}: `ignore` must be a list")
        entries = []
    for entry in entries:
        if isinstance(entry, str):
            _known(entry, where, problems)
            ignored.add(entry)
        elif isinstance(entry, Mapping) and isinstance(entry.get("rule"), str):
            patterns = entry.get("objects") or ["*"]
            if isinstance(patterns, str):
                patterns = [patterns]
            _known(entry["rule"], where, problems)
            per_object.append(ObjectIgnore(entry["rule"], tuple(str(p) for p in patterns)))
        else:
            problems.append(
                f"{where}: ignore entry {entry!r} is neither a rule id nor {{rule, objects}}"
            )
    return RulesConfig(severities, frozenset(ignored), tuple(per_object), source, tuple(problems))


def _known(rule_id: Any, where: str, problems: list[str]) -> None:
    if get(str(rule_id)) is None:
        problems.append(f"{where}: unknown rule {rule_id!r}")


def read_config(path: Path) -> RulesConfig:
    """One config file: YAML (.kplan.yaml) or pyproject.toml ([tool.kplan])."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from None
    if path.name == PYPROJECT or path.suffix == ".toml":
        return parse_config(_toml_section(text, str(path)), str(path))
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        raise ConfigError(f"{path}: {error}") from None
    return parse_config(data, str(path))


def _toml_section(text: str, where: str) -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError(
                f"{where}: reading pyproject.toml needs Python 3.11+ or tomli"
            ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: {error}") from None
    return (data.get("tool") or {}).get("kplan")


def find_config(start: Path) -> Path | None:
    """The nearest .kplan.yaml / .kplan.yml, else pyproject.toml with [tool.kplan], looking
    in `start` and then its parents."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in YAML_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and "[tool.kplan" in pyproject.read_text(
            encoding="utf-8", errors="replace"
        ):
            return pyproject
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> RulesConfig:
    """The given file, else the one found from `start` (default: the current folder), else
    the defaults."""
    chosen = path if path is not None else find_config(start or Path.cwd())
    return read_config(chosen) if chosen is not None else RulesConfig()
