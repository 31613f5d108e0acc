"""Suppression and severity configuration: the `kplan.io/ignore` annotation, .kplan.yaml and
[tool.kplan] in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from kplan.plan.model import Finding
from kplan.rules.config import (
    ConfigError,
    annotation_ignores,
    apply_config,
    find_config,
    load_config,
    parse_config,
    read_config,
)
from tests.plan.wiring.builders import service, wire


def _finding(rule: str, obj: str = "Service/shop/web") -> Finding:
    return Finding(rule, "warning", obj, "m")


def test_annotation_parsing():
    assert annotation_ignores({"kplan.io/ignore": " a, b ,,"}) == {"a", "b"}
    assert annotation_ignores({"kplan.io/ignore": 3}) == frozenset()
    assert annotation_ignores(None) == frozenset()


def test_apply_config_annotations_rules_and_object_patterns():
    config = parse_config(
        {
            "rules": {"duplicate-env": "error", "pdb-blocks-eviction": "off"},
            "ignore": [
                "kind-not-recorded",
                {"rule": "missing-secret", "objects": ["Deployment/shop/*"]},
            ],
        }
    )
    findings = [
        _finding("duplicate-env"),
        _finding("pdb-blocks-eviction"),
        _finding("kind-not-recorded"),
        _finding("missing-secret", "Deployment/shop/web"),
        _finding("missing-secret", "Deployment/other/web"),
        _finding("service-selects-nothing"),
        _finding("overlapping-selectors", "Deployment/x/y"),
    ]
    kept = apply_config(
        findings,
        config,
        {
            "Service/shop/web": frozenset({"service-selects-nothing"}),
            "Deployment/x/y": frozenset({"*"}),
        },
    )
    assert [(f.rule, f.object, f.severity) for f in kept] == [
        ("duplicate-env", "Service/shop/web", "error"),
        ("missing-secret", "Deployment/other/web", "warning"),
    ]
    assert config.problems == ()


def test_unknown_rules_and_bad_values_are_problems_not_crashes():
    config = parse_config(
        {"rules": {"no-such-rule": "error", "missing-key": "loud"}, "ignore": [42], "extra": 1},
        "x.yaml",
    )
    assert config.problems == (
        "x.yaml: unknown key 'extra' (known: rules, ignore)",
        "x.yaml: unknown rule 'no-such-rule'",
        "x.yaml: rules.missing-key: 'loud' is not error, warning, info or off",
        "x.yaml: ignore entry 42 is neither a rule id nor {rule, objects}",
    )
    assert config.severities == {"no-such-rule": "error"}
    with pytest.raises(ConfigError):
        parse_config(["not", "a", "mapping"])


def test_files_are_found_upward_yaml_before_pyproject(tmp_path: Path):
    project = tmp_path / "project"
    nested = project / "deploy" / "prod"
    nested.mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.kplan]\nignore = ["duplicate-env"]\n\n'
        '[tool.kplan.rules]\noverlapping-selectors = "error"\n'
    )
    assert find_config(nested) == project / "pyproject.toml"
    config = load_config(start=nested)
    assert config.ignore == {"duplicate-env"}
    assert config.severities == {"overlapping-selectors": "error"}
    (project / "deploy" / ".kplan.yaml").write_text("rules:\n  missing-key: off\n")
    assert find_config(nested) == project / "deploy" / ".kplan.yaml"
    assert load_config(start=nested).severities == {"missing-key": "off"}
    (project / "deploy" / ".kplan.yaml").write_text("rules: [\n")
    with pytest.raises(ConfigError):
        load_config(start=nested)


def test_yaml_off_is_read_as_off_not_false(tmp_path: Path):
    """YAML 1.1 reads a bare `off` as false; both mean the rule is off."""
    path = tmp_path / ".kplan.yaml"
    path.write_text("rules:\n  missing-key: off\n  missing-pvc: 'off'\n")
    assert load_config(path).severities == {"missing-key": "off", "missing-pvc": "off"}


def test_plan_wiring_honours_the_annotation_on_the_object():
    svc = service("web", {"app": "nothing"}, [{"port": 80}])
    _, findings = wire([svc], [])
    assert [f.rule for f in findings] == ["service-selects-nothing"]
    svc.body["metadata"]["annotations"] = {"kplan.io/ignore": "service-selects-nothing"}
    _, findings = wire([svc], [])
    assert findings == []


def test_the_readme_example_config_is_understood(tmp_path: Path):
    from tests.paths import ROOT

    readme = (ROOT / "README.md").read_text()
    example = readme.split("```yaml\nrules:", 1)[1].split("```", 1)[0]
    path = tmp_path / ".kplan.yaml"
    path.write_text("rules:" + example)
    config = read_config(path)
    assert config.problems == ()
    assert config.severities == {"pdb-blocks-eviction": "error", "service-cidr-mismatch": "off"}
    assert "kind-not-recorded" in config.ignore
