"""Workers: rows split among processes by name come back in input order; forked or spawned workers
give the same output; a worker that dies stops the batch, which then resumes; workers die with their
parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import clearance.faces.batch.workers as workers_module
from clearance.errors import ClearanceError
from clearance.faces.batch import BatchJob, run
from clearance.faces.batch.rows import Raw
from clearance.faces.batch.screen import WorkerState
from clearance.faces.batch.workers import _own
from faces.batch.batch_files import job, many, write_csv


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_two_workers_give_the_same_output_as_one(tmp_path: Path, fmt: str) -> None:
    """Rows split among workers by name come back in input order, bad rows and rejects included."""
    rows = [*many(100), ("bad1", "", "2021-03-01"), ("bad2", "Acme", "2021-13-01"), *many(20)]
    if fmt == "csv":
        src = write_csv(tmp_path / "in.csv", rows)
        with src.open("a", encoding="utf-8") as f:
            f.write("short,row\n")
    else:
        src = tmp_path / "in.jsonl"
        lines = [json.dumps({"id": i, "payee": n, "date": d}) for i, n, d in rows] + ["{broken"]
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = run(job(tmp_path, src, f"one.{fmt}", chunk_size=20, workers=1))
    two = run(job(tmp_path, src, f"two.{fmt}", chunk_size=20, workers=2))
    for suffix in ("", ".rejects.csv"):
        assert (tmp_path / f"one.{fmt}{suffix}").read_bytes() == (
            tmp_path / f"two.{fmt}{suffix}"
        ).read_bytes()
    assert (one.rows, one.rejected, one.decisions) == (two.rows, two.rejected, two.decisions)
    assert one.rejected == 3


def test_workers_started_afresh_build_their_own_engine_and_split_rows_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where processes cannot be forked (Windows), workers are spawned: each builds its engine, and
    rows still go to exactly one worker each, by a hash of the name that every process computes alike."""
    rows = [*many(60), ("bad", "", "2021-03-01")]
    src = write_csv(tmp_path / "in.csv", rows)
    one = run(job(tmp_path, src, "one.csv", chunk_size=20, workers=1))
    monkeypatch.setattr(workers_module, "START_METHOD", "spawn")
    two = run(job(tmp_path, src, "two.csv", chunk_size=20, workers=2))
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert (one.rows, one.rejected, one.decisions) == (two.rows, two.rejected, two.decisions)


def test_a_worker_that_dies_stops_the_batch_and_it_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process killed midway (as the out-of-memory killer would) stops the batch with a clear
    error instead of hanging; the same command with --resume then gives the uninterrupted output."""
    rows = [*many(60), ("doomed", "Kill Me Now Ltd", "2021-03-01"), *many(60)]
    src = write_csv(tmp_path / "in.csv", rows)
    run(job(tmp_path, src, "full.csv", chunk_size=20, workers=2))
    screen = WorkerState.screen

    def dies_on_doomed(
        state: WorkerState, job: BatchJob, header: object, raws: list[tuple[int, list[str]]]
    ) -> object:
        if any(values[0] == "doomed" for _, values in raws):
            time.sleep(1)  # the chunks it screened before reach the parent, as they would in a long run
            os._exit(9)  # the forked worker inherits this stand-in and dies on that row
        return screen(state, job, header, raws)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkerState, "screen", dies_on_doomed)
    with pytest.raises(ClearanceError, match=r"worker process died.*--resume"):
        run(job(tmp_path, src, "part.csv", chunk_size=20, workers=2))
    monkeypatch.setattr(WorkerState, "screen", screen)
    resumed = run(job(tmp_path, src, "part.csv", chunk_size=20, workers=2, resume=True))
    assert resumed.resumed_from > 0
    assert (tmp_path / "part.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()


def test_each_row_falls_to_exactly_one_worker_and_a_name_always_to_the_same(tmp_path: Path) -> None:
    header = ("id", "payee", "date")
    raws: list[Raw] = [(i + 2, list(row)) for i, row in enumerate(many(50))]
    raws.append((60, ["short"]))  # a row without its name still falls to one worker
    three = job(tmp_path, tmp_path / "in.csv", workers=3)
    shares = [_own(three, header, raws, worker) for worker in range(3)]
    positions = sorted(p for owned, _ in shares for p in owned)
    assert positions == list(range(len(raws)))
    owner = {raw[1][1]: worker for worker, (_, own) in enumerate(shares) for raw in own if len(raw[1]) > 1}
    for worker, (_, own) in enumerate(shares):
        assert all(owner[raw[1][1]] == worker for raw in own if len(raw[1]) > 1)


_KILLED_PARENT = """
import sys, time
from pathlib import Path
from clearance.faces.batch import BatchJob, run
from clearance.faces.batch.screen import WorkerState

screen = WorkerState.screen

def stuck(state, job, header, raws):
    if any(values[0] == "r25" for _, values in raws):
        time.sleep(3600)  # one worker hangs on this row, the other goes on until its queue is full
    return screen(state, job, header, raws)

WorkerState.screen = stuck
src, out = Path(sys.argv[1]), Path(sys.argv[2])
run(BatchJob(input=src, output=out, name_col="payee", id_col="id", workers=2, chunk_size=10))
"""


def _children(parent: int) -> list[int]:
    """The processes whose parent is `parent` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie, ended and not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait(condition: Callable[[], bool], limit: float = 60.0) -> bool:
    """Poll `condition` until it holds or `limit` seconds pass (a generous bound, not a measure)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_workers_die_with_a_parent_killed_outright(tmp_path: Path) -> None:
    """A batch parent killed with SIGKILL runs no clean-up; its workers, one of them stuck in a row and
    the other waiting on a full queue, notice that it is gone and end: none is left running."""
    src = write_csv(tmp_path / "in.csv", many(400))
    progress = tmp_path / "out.csv.progress.json"
    parent = subprocess.Popen([sys.executable, "-c", _KILLED_PARENT, str(src), str(tmp_path / "out.csv")])
    workers: list[int] = []
    try:
        assert _wait(lambda: progress.exists() and len(_children(parent.pid)) >= 2), "the batch never started"
        workers = _children(parent.pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert _wait(lambda: not any(_alive(pid) for pid in workers)), "workers outlived their parent"
    finally:
        parent.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
