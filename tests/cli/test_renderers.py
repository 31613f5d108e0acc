"""Real renderers piped into `kplan validate -`: kubectl kustomize and helm template."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.cli.run import kplan
from tests.paths import FIXTURES, corpus_or_skip
from tests.tools import helm, kubectl


def test_kubectl_kustomize_output_validates() -> None:
    """emojivoto's kustomize deployment (corpus) rendered by the real kubectl kustomize."""
    binary = kubectl()
    if binary is None:
        pytest.skip("kubectl is not installed")
    folder = corpus_or_skip() / "emojivoto" / "kustomize-deployment"
    rendered = subprocess.run(
        [binary, "kustomize", str(folder)], capture_output=True, check=True
    ).stdout
    result = kplan("validate", "-o", "json", "-", stdin=rendered)
    document = json.loads(result.stdout)
    assert result.code == 0, result.stdout
    kinds = sorted(r["kind"] for r in document["resources"])
    assert kinds.count("Deployment") == 4 and "Namespace" in kinds
    assert all(r["source"] == "<stdin>" for r in document["resources"])


@pytest.fixture(scope="module")
def helm_binary() -> str:
    binary = helm()
    if binary is None:
        pytest.skip("no helm binary on PATH and none could be downloaded")
    return binary


def test_helm_template_output_validates_with_template_names(helm_binary: str) -> None:
    rendered = subprocess.run(
        [helm_binary, "template", "shop", str(FIXTURES / "charts" / "shop")],
        capture_output=True,
        check=True,
    ).stdout
    result = kplan("validate", "-o", "json", "-", stdin=rendered)
    assert result.code == 0, result.stdout
    sources = sorted(r["helm_source"] for r in json.loads(result.stdout)["resources"])
    assert sources == ["shop/templates/deployment.yaml", "shop/templates/service.yaml"]


def test_helm_values_that_break_the_api_are_reported(helm_binary: str) -> None:
    rendered = subprocess.run(
        [
            helm_binary,
            "template",
            "shop",
            str(FIXTURES / "charts" / "shop"),
            "--set",
            "image.pullPolicy=Sometimes",
            "--set",
            "service.type=Cluster",
        ],
        capture_output=True,
        check=True,
    ).stdout
    result = kplan("validate", "-o", "json", "-", stdin=rendered)
    assert result.code == 1
    errors = {
        (r["helm_source"], e["path"])
        for r in json.loads(result.stdout)["resources"]
        for e in r["errors"]
    }
    assert errors == {
        ("shop/templates/deployment.yaml", "/spec/template/spec/containers/0/imagePullPolicy"),
        ("shop/templates/service.yaml", "/spec/type"),
    }
