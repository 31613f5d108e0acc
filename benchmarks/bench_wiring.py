"""Wiring stage benchmark: ~5,000 desired objects against a ~20,000-object recorded cluster.

    python benchmarks/bench_wiring.py            # 20,000 recorded + 5,000 desired
    python benchmarks/bench_wiring.py --quick    # 2,000 + 500

The data is benchmarks/diff_data.py's (the boutique-prod snapshot copied into namespaces
shop-000, shop-001, ...; the Online Boutique manifests placed in as many namespaces). Loading
is timed apart from the stage itself: the stage is workload expansion of every desired
workload, recorded pods, final-state assembly (kplan.plan.wiring.stage.wiring_inputs) and
plan_wiring (endpoints, addresses, env, ingress, references, every rule check). The budget for
the stage at full size is 5 s. The garbage collector is off while timing, as in `kplan`
itself (kplan.cli.main). Numbers depend on the machine's load: check `uptime` first.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = HERE / ".data"
BUDGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 + 500 objects")
    arguments = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from diff_data import make

    from kplan.load import load_paths
    from kplan.plan.wiring import plan_wiring
    from kplan.plan.wiring.stage import wiring_inputs
    from kplan.snapshot.load import load_snapshot

    sizes = (2_000, 500) if arguments.quick else (20_000, 5_000)
    snapshot_path, desired_folder, recorded, wanted = make(
        DATA / f"diff-{sizes[0]}", CORPUS, ROOT / "fixtures", *sizes
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    snapshot = load_snapshot([str(snapshot_path)])
    desired = load_paths([str(desired_folder)]).resources
    loaded = time.perf_counter() - start
    print(f"load: {len(desired)} desired + {len(snapshot)} recorded objects in {loaded:.2f} s")

    gc.collect()
    gc.disable()  # as `kplan` runs (kplan.cli.main): everything loaded is kept until exit
    start = time.perf_counter()
    objects, pods = wiring_inputs(desired, snapshot, kubernetes_version="1.31")
    assembled = time.perf_counter() - start
    wiring, findings = plan_wiring(
        objects,
        pods,
        recorded_kinds=snapshot.recorded_kinds,
        recorded_namespaces=snapshot.recorded_namespaces,
    )
    wall = time.perf_counter() - start
    gc.enable()
    total = len(desired) + len(snapshot)
    endpoints = sum(len(service["endpoints"]) for service in wiring["services"])
    print(
        f"inputs: {len(objects)} final-state objects, {len(pods)} pods "
        f"({sum(p.planned for p in pods)} planned) in {assembled:.2f} s"
    )
    print(
        f"wiring: {len(wiring['services'])} services, {endpoints} endpoints, "
        f"{len(wiring['env'])} pods' env, {len(findings)} findings"
    )
    verdict = "within" if wall <= BUDGET_SECONDS else "OVER"
    print(
        f"wiring stage, {wanted} desired objects against a {recorded}-object snapshot: "
        f"{wall:.2f} s wall, {total / wall:,.0f} objects/s "
        f"({verdict} the {BUDGET_SECONDS:.0f} s budget)"
    )


if __name__ == "__main__":
    main()
