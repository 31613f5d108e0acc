"""kplan.parallel: a stage computed in a forked child gives exactly what the parent would
have computed, and any failure in the child falls back to the parent."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from kplan import parallel
from kplan.parallel import Deferred, in_background, in_background_each, parallel_enabled

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


@pytest.fixture
def two_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.JOBS_ENV, "2")


@needs_fork
def test_the_result_comes_from_the_child(two_jobs: None) -> None:
    """The child's pid is in its result: the value was computed there and sent back."""
    job = in_background(lambda: {"pid": os.getpid(), "items": list(range(5))})
    result = job.result()
    assert result["pid"] != os.getpid()
    assert result["items"] == [0, 1, 2, 3, 4]
    assert job.result() is result  # asked twice, computed once


@needs_fork
def test_an_exception_in_the_child_is_raised_by_the_parent(two_jobs: None) -> None:
    """The parent computes the stage again, so the error is the parent's own."""
    parent = os.getpid()

    def fails() -> int:
        raise ValueError(f"in {os.getpid()}")

    with pytest.raises(ValueError, match=f"in {parent}"):
        in_background(fails).result()


@needs_fork
def test_a_result_that_does_not_pickle_is_computed_again(two_jobs: None) -> None:
    parent = os.getpid()
    result = in_background(lambda: (os.getpid(), lambda: None)).result()
    assert result[0] == parent


@needs_fork
def test_a_child_that_dies_is_replaced_by_the_parent(two_jobs: None) -> None:
    parent = os.getpid()

    def dies() -> int:
        if os.getpid() != parent:
            os._exit(9)
        return 42

    assert in_background(dies).result() == 42


@needs_fork
def test_the_child_does_not_touch_the_parents_files(two_jobs: None, tmp_path: Path) -> None:
    """Output buffered before the fork is written once, by the parent only."""
    target = tmp_path / "out.txt"
    with target.open("w") as stream:
        stream.write("before\n")
        stream.flush()
        in_background(lambda: 1).result()
        stream.write("after\n")
    assert target.read_text() == "before\nafter\n"


def test_one_job_runs_everything_in_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert not parallel_enabled()
    job = in_background(os.getpid)
    assert job.result() == os.getpid()


def test_not_worth_it_means_no_child(two_jobs: None) -> None:
    job = in_background(os.getpid, worth_it=False)
    assert isinstance(job, Deferred)
    assert job.result() == os.getpid()


@needs_fork
def test_the_plan_stages_results_cross_the_pipe(two_jobs: None) -> None:
    """The stages kplan runs in a child (reading and validating the manifests; changes; the
    wiring section; the rollouts' drafts) have results that pickle: a result that did not
    would silently cost the stage twice."""
    from kplan.cli_plan import PlanInputs, _read_and_validate
    from kplan.plan.changes import ChangeOptions, ChangePlanner
    from kplan.plan.rollouts import draft_rollouts
    from kplan.plan.wiring.stage import run_wiring
    from kplan.snapshot.load import load_snapshot
    from tests.paths import FIXTURES

    inputs = PlanInputs(
        paths=(str(FIXTURES / "manifests" / "online-boutique"),),
        snapshot_paths=(),
        kubernetes_version=None,
        strict=True,
        crd_paths=(),
        namespace="default",
        service_cidr="10.96.0.0/12",
        config_path=None,
    )
    read = in_background(lambda: _read_and_validate(inputs, "1.33"))
    manifests, crds, report = read.result()
    assert read.from_child
    assert len(manifests.resources) == len(report.resources) > 20 and crds == []
    snapshot = load_snapshot([str(FIXTURES / "snapshots" / "boutique-prod.yaml")])
    wiring = in_background(lambda: run_wiring(manifests.resources, snapshot))
    section, findings = wiring.result()
    assert wiring.from_child
    assert section["services"] and isinstance(findings, list)
    planner = ChangePlanner(manifests.resources, snapshot, ChangeOptions(kubernetes_version="1.33"))
    changes = in_background(lambda: planner.compute(list(planner.chosen)))
    computed = changes.result()
    assert changes.from_child and len(computed) == len(planner.chosen)
    drafts = in_background(
        lambda: draft_rollouts([change for _, change, _ in computed], snapshot, "1.33")
    )
    assert drafts.result() and drafts.from_child


@needs_fork
def test_one_child_sends_several_results_asked_for_in_any_order(two_jobs: None) -> None:
    """in_background_each: one fork, each result sent when ready; asking for the second
    first still gives each its own value, both computed in the child."""
    first, second = in_background_each([lambda: ("a", os.getpid()), lambda: ("b", os.getpid())])
    assert second.result()[0] == "b" and first.result()[0] == "a"
    assert first.result()[1] == second.result()[1] != os.getpid()
    assert first.from_child and second.from_child


@needs_fork
def test_a_failing_result_among_several_is_computed_by_the_parent(two_jobs: None) -> None:
    """The child sends a failure for the one that raised and goes on with the next."""
    parent = os.getpid()

    def fails_in_child() -> int:
        if os.getpid() != parent:
            raise RuntimeError("child only")
        return parent

    jobs = in_background_each([os.getpid, fails_in_child, os.getpid])
    values = [job.result() for job in jobs]
    assert values[1] == parent and not jobs[1].from_child
    assert values[0] == values[2] != parent and jobs[0].from_child and jobs[2].from_child


@needs_fork
def test_results_after_the_child_died_are_computed_by_the_parent(
    two_jobs: None, tmp_path: Path
) -> None:
    """The child dies once the parent has read its first result (a file says so): that
    result stays the child's, the rest are the parent's."""
    parent = os.getpid()
    read = tmp_path / "read"

    def dies() -> int:
        if os.getpid() != parent:
            _wait_for(read)
            os._exit(9)
        return 0

    jobs = in_background_each([os.getpid, dies, os.getpid])
    assert [job.from_child for job in jobs] == [False] * 3  # nothing asked yet
    assert jobs[0].result() != parent and jobs[0].from_child
    read.touch()
    assert jobs[2].result() == parent and jobs[1].result() == 0
    assert not jobs[1].from_child and not jobs[2].from_child


@needs_fork
def test_a_big_result_not_read_yet_does_not_hold_the_next_one_back(
    two_jobs: None, tmp_path: Path
) -> None:
    """A result bigger than a pipe holds waits for the parent to read it; the child goes on
    with the next stage meanwhile (it says so in a file before the parent reads anything)."""
    started = tmp_path / "second-started"

    def second() -> str:
        started.touch()
        return "second"

    jobs = in_background_each([lambda: b"x" * (4 << 20), second])
    _wait_for(started)
    assert jobs[0].result() == b"x" * (4 << 20) and jobs[0].from_child
    assert jobs[1].result() == "second" and jobs[1].from_child


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path.exists()


@needs_fork
def test_ready_says_whether_the_result_would_wait(two_jobs: None, tmp_path: Path) -> None:
    """A child blocked on a file the test creates: not ready until then; ready once it has
    sent its result; a stage without a child is always ready (nothing to wait for)."""
    go = tmp_path / "go"

    def waits() -> str:
        while not go.exists():
            time.sleep(0.01)
        return "done"

    job = in_background(waits)
    assert not job.ready()
    go.touch()
    deadline = time.monotonic() + 30
    while not job.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.ready()
    assert job.result() == "done" and job.from_child
    assert job.ready()
    assert Deferred(lambda: 1).ready()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_a_pipe_is_widened_to_hold_a_mebibyte() -> None:
    import fcntl

    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < 1 << 20:
        pytest.skip("this system's pipes may not hold 1 MiB")
    reader, writer = os.pipe()
    try:
        parallel._widen(writer)
        size = fcntl.fcntl(writer, getattr(fcntl, "F_GETPIPE_SZ", 1032))
    finally:
        os.close(reader)
        os.close(writer)
    assert size == 1 << 20
