"""kplan benchmarks: one command, numbers printed as objects/second and wall time.

    python benchmarks/run.py            # everything below
    python benchmarks/run.py --quick    # smaller sizes, for a smoke run

(a) validate >= 20,000 realistic objects (copies of real-world application manifests from the
    shared corpus, renamed so no two collide) in one `kplan validate` process;
(b) kubernetes-validate (pip install 'kplan[bench]') on the same files in the same run: it
    rebuilds its validator for every object, so it is timed on a sample of the files and its
    rate compared with (a);
(c) one 10-object file as a whole process, the pre-commit case (median of several runs);
(d) loading the 4.2 MB prometheus-operator bundle in process;
(e) `kplan diff` and `kplan wiring` of ~5,000 desired objects against a ~20,000-object
    recorded cluster (benchmarks/diff_data.py builds both), with and without the second
    process (KPLAN_JOBS=1).

A benchmark measures; tests assert behaviour. Numbers depend on the machine's load: the run
prints how long a fixed pure-Python loop takes before and after (`reference_loop`), so that
numbers from different days can be compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = HERE / ".data"
# Application manifests: the shapes users validate most (Deployments, Services, ConfigMaps...).
APP_SOURCES = [
    "online-boutique/kubernetes-manifests.yaml",
    "sock-shop/complete-demo.yaml",
    "istio-bookinfo/bookinfo.yaml",
    "k8s-examples/guestbook-all-in-one/guestbook-all-in-one.yaml",
    "kubernetes-dashboard/recommended.yaml",
    "ingress-nginx/deploy.yaml",
    "emojivoto/kustomize-deployment",
    "metrics-server/base",
    "kube-state-metrics/standard",
]
OBJECTS_PER_FILE = 100


def kplan_command() -> list[str]:
    """The installed `kplan` script (what pre-commit and users run), else `python -m kplan`."""
    script = Path(sys.executable).parent / "kplan"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "kplan"]


def generate(target: int) -> tuple[Path, int, list[Path]]:
    """Copies of the application objects, renamed per copy, in files of 100 objects."""
    from ruamel.yaml import YAML

    from kplan.load import load_paths

    folder = DATA / f"apps-{target}"
    marker = folder / "COUNT"
    if marker.exists():
        files = sorted(folder.glob("*.yaml"))
        return folder, int(marker.read_text()), files
    folder.mkdir(parents=True, exist_ok=True)
    loaded = load_paths([str(CORPUS / source) for source in APP_SOURCES])
    templates = [r.body for r in loaded.resources if r.kind not in ("Kustomization",)]
    dumper = YAML(typ="safe", pure=False)
    dumper.default_flow_style = False
    copies, written, batch = 0, 0, []
    files: list[Path] = []
    while written < target:
        for body in templates:
            clone = _renamed(body, copies)
            batch.append(clone)
            written += 1
            if len(batch) == OBJECTS_PER_FILE:
                files.append(_write(folder, len(files), batch, dumper))
                batch = []
        copies += 1
    if batch:
        files.append(_write(folder, len(files), batch, dumper))
    marker.write_text(str(written))
    return folder, written, files


def _renamed(body: dict, copy: int) -> dict:
    import copy as copying

    clone = copying.deepcopy(body)
    metadata = clone.setdefault("metadata", {})
    if isinstance(metadata.get("name"), str):
        metadata["name"] = f"{metadata['name']}-{copy}"
    return clone


def _write(folder: Path, index: int, batch: list[dict], dumper: object) -> Path:
    path = folder / f"apps-{index:04d}.yaml"
    with path.open("w") as handle:
        dumper.dump_all(batch, handle)  # type: ignore[attr-defined]
    return path


def timed_process(command: list[str], **extra_env: str) -> tuple[float, int]:
    # An installed package has its bytecode compiled; do not let the environment forbid it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra_env)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start, done.returncode


def bench_validate(folder: Path, count: int) -> float:
    wall, code = timed_process([*kplan_command(), "validate", "-o", "json", str(folder)])
    print(
        f"(a) kplan validate, {count} objects in {len(list(folder.glob('*.yaml')))} files: "
        f"{wall:.2f} s wall, {count / wall:,.0f} objects/s (exit {code})"
    )
    return count / wall


def bench_kubernetes_validate(files: list[Path], sample_objects: int, kplan_rate: float) -> None:
    try:
        import kubernetes_validate  # noqa: F401
    except ImportError:
        print("(b) kubernetes-validate: not installed (pip install 'kplan[bench]'), skipped")
        return
    sample = files[: max(1, sample_objects // OBJECTS_PER_FILE)]
    objects = len(sample) * OBJECTS_PER_FILE
    command = [
        sys.executable,
        "-m",
        "kubernetes_validate",
        "-k",
        "1.37.0",
        "--strict",
        "--quiet",
        *map(str, sample),
    ]
    wall, code = timed_process(command)
    rate = objects / wall
    print(
        f"(b) kubernetes-validate 1.37.0 -k 1.37.0 --strict, {objects} of the same objects: "
        f"{wall:.2f} s "
        f"wall, {rate:,.0f} objects/s (exit {code}); kplan is {kplan_rate / rate:,.0f}x faster"
    )


def bench_small_file(runs: int) -> None:
    path = DATA / "ten-objects.yaml"
    if not path.exists():
        source = (CORPUS / "online-boutique" / "kubernetes-manifests.yaml").read_text()
        documents = [d for d in source.split("\n---\n") if "kind:" in d][:10]
        path.write_text("\n---\n".join(documents) + "\n")
    command = [*kplan_command(), "validate", str(path)]
    timed_process(command)  # warm the file cache and the bytecode
    walls = [timed_process(command)[0] for _ in range(runs)]
    print(
        f"(c) one 10-object file, whole process: median {statistics.median(walls) * 1000:.0f} ms "
        f"wall, min {min(walls) * 1000:.0f} ms over {runs} runs"
    )


def bench_bundle(runs: int) -> None:
    from kplan.load import load_paths

    path = CORPUS / "prometheus-operator" / "bundle.yaml"
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        loaded = load_paths([str(path)])
        walls.append(time.perf_counter() - start)
    size = path.stat().st_size / 1e6
    print(
        f"(d) load prometheus-operator bundle ({size:.1f} MB, {len(loaded.resources)} objects): "
        f"median {statistics.median(walls):.2f} s, {size / statistics.median(walls):.1f} MB/s"
    )


def bench_diff(quick: bool) -> None:
    from diff_data import make

    sizes = (2_000, 500) if quick else (20_000, 5_000)
    snapshot, desired, recorded, wanted = make(
        DATA / f"nodes-{sizes[0]}", CORPUS, ROOT / "fixtures", *sizes
    )
    runs = 1 if quick else 3
    for command in ("diff", "wiring"):
        for jobs in ("2", "1"):  # kplan.parallel's second process, and without it
            walls, code = [], 0
            for _ in range(runs):
                wall, code = timed_process(
                    [
                        *kplan_command(),
                        command,
                        "-o",
                        "json",
                        str(desired),
                        "--snapshot",
                        str(snapshot),
                    ],
                    KPLAN_JOBS=jobs,
                )
                walls.append(wall)
            middle = statistics.median(walls)
            print(
                f"(e) kplan {command}, {wanted} desired objects against a {recorded}-object "
                f"snapshot, {'two processes' if jobs == '2' else 'one process'}: median "
                f"{middle:.2f} s wall (min {min(walls):.2f}, max {max(walls):.2f}, {runs} runs), "
                f"{(wanted + recorded) / middle:,.0f} objects/s (exit {code})"
            )


def bench_sections(quick: bool) -> None:
    """(f) wiring and (g) scheduling, each its own script (they print their own lines)."""
    for script, quick_args in (
        ("bench_wiring.py", ["--quick"]),
        ("bench_schedule.py", ["--nodes", "1000", "--pods", "2000", "--anti-pods", "500"]),
    ):
        print(f"-- {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *(quick_args if quick else [])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 objects instead of 20,000")
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument(
        "--kv-objects",
        type=int,
        default=1_000,
        help="objects given to kubernetes-validate (it runs ~100 objects/s)",
    )
    arguments = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit("the shared corpus is needed beside this checkout")
    target = 2_000 if arguments.quick else arguments.objects
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"machine speed before: {reference_loop():.2f} s for the reference loop")
    folder, count, files = generate(target)
    rate = bench_validate(folder, count)
    bench_kubernetes_validate(files, 200 if arguments.quick else arguments.kv_objects, rate)
    bench_small_file(5 if arguments.quick else 15)
    bench_bundle(3 if arguments.quick else 5)
    bench_diff(arguments.quick)
    bench_sections(arguments.quick)
    print(f"machine speed after: {reference_loop():.2f} s for the reference loop")


def reference_loop() -> float:
    """Seconds for 20 million pure-Python additions at module level (`python -c "s = 0;
    for i in range(20_000_000): s += i"`): the same work every time, so that numbers
    measured on a shared machine can be read against how fast it was then. On the machines
    these numbers come from it takes 1.5 s on a quiet day and up to 3.4 s on a busy one, and
    kplan's wall time follows it."""
    loop = compile("s = 0\nfor i in range(20_000_000):\n    s += i\n", "<reference>", "exec")
    start = time.perf_counter()
    exec(loop, {})  # noqa: S102 - a fixed statement, timed
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
