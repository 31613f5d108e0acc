"""A stand-in for kubectl, so that recording is tested without a cluster.

`install(folder, scenario)` writes an executable `kubectl` into `folder`. It answers
`config current-context` and `get TYPES -o json [--context C] [-A | -n NS]` from the scenario's
objects, appends its arguments (one JSON list a line) to `kubectl.log` beside itself, and fails
the way kubectl does (messages copied from kubectl v1.32) for an unknown context, a type the
server does not serve, and a forbidden type (kubectl then still prints what it could list).

scenario = {
    "current": "kind-kind" | None,          # current-context
    "contexts": ["kind-kind"],
    "types": {"pods": ["", "Pod", True]},   # served: name -> group, kind, namespaced
    "forbidden": ["secrets"],
    "objects": [...],
}
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "scenario.json")) as handle:
    scenario = json.load(handle)
arguments = sys.argv[1:]
with open(os.path.join(here, "kubectl.log"), "a") as handle:
    handle.write(json.dumps(arguments) + "\n")


def fail(message, code=1):
    sys.stderr.write(message + "\n")
    sys.exit(code)


if arguments[:2] == ["config", "current-context"]:
    if not scenario.get("current"):
        fail("error: current-context is not set")
    print(scenario["current"])
    sys.exit(0)
if not arguments or arguments[0] != "get":
    fail("fake kubectl: unsupported command " + " ".join(arguments))

names = arguments[1].split(",")
rest = arguments[2:]
context = rest[rest.index("--context") + 1] if "--context" in rest else scenario.get("current")
namespace = rest[rest.index("-n") + 1] if "-n" in rest else None
if rest[rest.index("-o") + 1] != "json":
    fail("fake kubectl: only -o json")
if context is None:
    fail("The connection to the server localhost:8080 was refused - "
         "did you specify the right host or port?")
if context not in scenario["contexts"]:
    fail("error: context was not found for specified context: " + context)
for name in names:
    if name not in scenario["types"]:
        fail('error: the server doesn\'t have a resource type "' + name.split(".")[0] + '"')

items, errors = [], []
for name in names:
    group, kind, namespaced = scenario["types"][name]
    if name in scenario.get("forbidden", []):
        plural = name.split(".")[0]
        where = "in the namespace \"" + namespace + "\"" if namespace else "at the cluster scope"
        errors.append(
            'Error from server (Forbidden): ' + plural + ' is forbidden: User "dev" cannot list '
            'resource "' + plural + '" in API group "' + group + '" ' + where
        )
        continue
    for item in scenario["objects"]:
        api_version = item["apiVersion"]
        item_group = api_version.rpartition("/")[0] if "/" in api_version else ""
        if (item_group, item["kind"]) != (group, kind):
            continue
        if namespaced and namespace and item["metadata"].get("namespace") != namespace:
            continue
        items.append(item)
print(json.dumps({"apiVersion": "v1", "items": items, "kind": "List",
                  "metadata": {"resourceVersion": ""}}, indent=4))
if errors:
    fail("\n".join(errors))
"""


def install(folder: Path, scenario: dict) -> Path:
    """Write the fake kubectl and its scenario into `folder`; returns the executable."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.json").write_text(json.dumps(scenario))
    executable = folder / "kubectl"
    executable.write_text(f"#!{sys.executable}\n{SCRIPT}")
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return executable


def calls(folder: Path) -> list[list[str]]:
    """The argument lists the fake was called with, in order."""
    log = folder / "kubectl.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def on_path(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("KPLAN_KUBECTL", raising=False)
