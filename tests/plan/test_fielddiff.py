"""Field differences with the API's equality: omitempty makes absent, null, {} and [] the
same (k8s.io/apimachinery JSON serialisation of `omitempty` fields; Argo CD's diff treats
them alike for the same reason); int-or-string keeps its type (k8s.io/apimachinery
pkg/util/intstr: 80 and "80" are different values); lists with a patch merge key are matched
by key (k8s.io/apimachinery pkg/util/strategicpatch)."""

from __future__ import annotations

import copy
import random
from typing import Any

from kplan.k8s.equality import same
from kplan.plan.fielddiff import field_changes
from kplan.plan.model import ABSENT
from kplan.schema.structure import structure

S = structure("1.33")
DEPLOYMENT = S.root("apps/v1", "Deployment")
SERVICE = S.root("v1", "Service")


def test_empty_values_are_equal() -> None:
    assert same({"a": {}}, {})
    assert same({"a": None, "b": []}, {"b": None})
    assert not same({"a": 0}, {})  # zero is a value, not "empty"


def test_types_matter() -> None:
    assert not same(80, "80")
    assert not same(True, 1)
    assert same(1, 1.0)


def test_reordered_env_is_no_change_and_one_changed_value_is_one_change() -> None:
    env_before = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    env_after = [{"name": "B", "value": "3"}, {"name": "A", "value": "1"}]
    before = {"spec": {"template": {"spec": {"containers": [{"name": "c", "env": env_before}]}}}}
    after = {"spec": {"template": {"spec": {"containers": [{"name": "c", "env": env_after}]}}}}
    changes = field_changes(before, after, S, DEPLOYMENT)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("/spec/template/spec/containers/0/env/0/value", "2", "3")
    ]


def test_added_and_removed_items_are_whole_changes() -> None:
    before = {"spec": {"ports": [{"port": 80}, {"port": 443}]}}
    after = {"spec": {"ports": [{"port": 80}, {"port": 8080, "name": "alt"}]}}
    changes = field_changes(before, after, S, SERVICE)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("/spec/ports/1", ABSENT, {"port": 8080, "name": "alt"}),
        ("/spec/ports/1", {"port": 443}, ABSENT),
    ]


def test_atomic_list_changes_as_a_whole() -> None:
    before = {"spec": {"template": {"spec": {"tolerations": [{"key": "a"}]}}}}
    after = {"spec": {"template": {"spec": {"tolerations": [{"key": "a"}, {"key": "b"}]}}}}
    (change,) = field_changes(before, after, S, DEPLOYMENT)
    assert change.path == "/spec/template/spec/tolerations"
    assert change.after == [{"key": "a"}, {"key": "b"}]


def test_keys_with_slashes_are_escaped() -> None:
    before = {"metadata": {"labels": {"app.kubernetes.io/name": "a"}}}
    after = {"metadata": {"labels": {"app.kubernetes.io/name": "b"}}}
    (change,) = field_changes(before, after, S, DEPLOYMENT)
    assert change.path == "/metadata/labels/app.kubernetes.io~1name"


def _reference_same(left: Any, right: Any) -> bool:
    """kplan.k8s.equality's docstring, written as plainly as possible."""

    def empty(value: Any) -> bool:
        return value is ABSENT or value is None or value == {} or value == []

    if empty(left) and empty(right):
        return True
    if isinstance(left, dict) and isinstance(right, dict):
        return all(
            _reference_same(left.get(key, ABSENT), right.get(key, ABSENT))
            for key in left.keys() | right.keys()
        )
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_reference_same, left, right))
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers):
        return left == right
    return type(left) is type(right) and left == right


def test_same_agrees_with_the_plain_definition_on_random_trees() -> None:
    """same() is a hand-optimised walk; on 20,000 random pairs of small trees mixing the
    cases that matter (absent/null/{}/[], 1/1.0/true, "1"/1, nesting) it must say what the
    plain definition says, and every tree equals its own copy."""
    atoms = [ABSENT, None, {}, [], 0, 1, 1.0, True, False, "", "1", "a"]
    rng = random.Random(7)

    def tree(depth: int = 0) -> Any:
        roll = rng.random()
        if depth > 2 or roll < 0.5:
            return rng.choice(atoms)
        if roll < 0.75:
            return {rng.choice("ab"): tree(depth + 1) for _ in range(rng.randint(0, 2))}
        return [tree(depth + 1) for _ in range(rng.randint(0, 2))]

    disagreements = []
    for _ in range(20_000):
        left, right = tree(), tree()
        if same(left, right) != _reference_same(left, right):
            disagreements.append((left, right))
        assert same(left, copy.deepcopy(left))
    assert disagreements == []
    assert not same({"a": 1}, {"a": True}) and same({"a": 1}, {"a": 1.0, "b": []})
