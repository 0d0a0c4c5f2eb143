"""Faults a batch meets, each with the outcome a user can rely on: every row read is decided or rejected
(and the run stops when not), no file it writes is its input, a resume continues only the same run, a
row that crashes screening is that row's reject, and a full disk is an error that --resume gets past."""

from __future__ import annotations

import csv
import errno
import importlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from clearance.errors import ClearanceError, InputError
from clearance.faces.batch import BatchJob, Summary, run
from clearance.faces.batch.job import AccountingError, OutputError
from clearance.faces.batch.output import Chunk
from clearance.faces.batch.screen import WorkerState
from clearance.screening.engine import Engine
from faces.batch.batch_files import full_disk_after, job, many, write_csv

run_module = importlib.import_module("clearance.faces.batch.run")  # the package's `run` is the function


def _rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[1:]


@pytest.mark.parametrize("workers", [1, 2])
def test_rows_read_are_decisions_plus_rejects(tmp_path: Path, workers: int) -> None:
    src = write_csv(tmp_path / "in.csv", many(30))
    with src.open("a", encoding="utf-8") as f:
        f.write('x1,"Acme,2021-03-01\nx2,Tencent Holdings Ltd,2021-03-01\nx3,,2021-03-01\nshort\n')
    summary = run(job(tmp_path, src, chunk_size=7, workers=workers))
    assert (summary.read, summary.rows, summary.rejected) == (34, 31, 3)
    assert summary.to_dict()["read"] == 34
    assert len(_rows(tmp_path / "out.csv")) == 31 and len(_rows(tmp_path / "out.csv.rejects.csv")) == 3
    record = json.loads((tmp_path / "out.csv.progress.json").read_text(encoding="utf-8"))
    assert record["rows_done"] == record["rows"] + record["rejected"] == 34


def test_a_chunk_that_loses_a_row_stops_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row neither decided nor rejected (here, by a stand-in that drops a reject) stops the run before
    its chunk is written: the chunks before it are written and recorded."""
    src = write_csv(tmp_path / "in.csv", [*many(10), ("bad", "", "2021-03-01"), *many(5)])
    screen = WorkerState.screen

    def drops_rejects(state: WorkerState, job: BatchJob, header: Any, raws: Any) -> Chunk:
        chunk = screen(state, job, header, raws)
        chunk.rejects.clear()
        return chunk

    monkeypatch.setattr(WorkerState, "screen", drops_rejects)
    with pytest.raises(AccountingError, match="5 rows read in a chunk, 4 decided and 0 rejected"):
        run(job(tmp_path, src, chunk_size=5))
    assert len(_rows(tmp_path / "out.csv")) == 10
    assert json.loads((tmp_path / "out.csv.progress.json").read_text())["rows_done"] == 10
    with pytest.raises(AccountingError, match="rows read but"):
        Summary(read=3, rows=1, rejected=1).check()


@pytest.mark.parametrize("as_rejects", [False, True])
@pytest.mark.parametrize("how", ["path", "relative", "symlink", "hard link"])
def test_no_file_the_batch_writes_may_be_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, as_rejects: bool
) -> None:
    src = write_csv(tmp_path / "in.csv", many(3))
    before = src.read_bytes()
    target = {"path": src, "relative": Path("sub/../in.csv")}.get(how, tmp_path / "alias.csv")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    if how == "symlink":
        target.symlink_to(src)
    elif how == "hard link":
        target.hardlink_to(src)
    settings = {"rejects": target} if as_rejects else {}
    output = tmp_path / "out.csv" if as_rejects else target
    with pytest.raises(InputError, match="would overwrite the input"):
        run(BatchJob(input=src, output=output, name_col="payee", home=tmp_path / "home", **settings))
    assert src.read_bytes() == before


def test_files_the_batch_writes_need_a_folder_and_no_folder_in_their_place(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", many(3))
    (tmp_path / "folder.csv").mkdir()
    cases = {
        tmp_path / "missing" / "out.csv": "the folder .*missing does not exist",
        tmp_path / "folder.csv": "is a folder",
        src.parent: "would overwrite the input",  # a Parquet folder holding the input
    }
    for output, message in cases.items():
        with pytest.raises(InputError, match=message):
            run(job(tmp_path, src, str(output), output_fmt="parquet" if output == src.parent else None))
    with pytest.raises(InputError, match="the rejects file and the output would be the same"):
        run(job(tmp_path, src, rejects=tmp_path / "out.csv"))
    assert not (tmp_path / "missing").exists()


def test_a_row_that_crashes_screening_is_its_reject_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a ClearanceError is an input error: any other exception in a row (a bug) rejects that row,
    marked as an internal error and counted, and every other row is written; a run killed afterwards
    resumes past it to the output of an uninterrupted run."""
    src = write_csv(tmp_path / "in.csv", [*many(12), ("boom", "Crash Me Ltd", "2021-03-01"), *many(20)])
    screen = Engine.screen

    def crashes(engine: Engine, query: str, **kw: Any) -> Any:
        if query == "Crash Me Ltd":
            raise ValueError("Exceeds the limit (4300 digits)\nfor integer string conversion")
        return screen(engine, query, **kw)

    monkeypatch.setattr(Engine, "screen", crashes)
    for workers in (1, 2):
        summary = run(job(tmp_path, src, f"full{workers}.csv", chunk_size=5, workers=workers))
        assert (summary.read, summary.rows, summary.rejected, summary.internal_errors) == (33, 32, 1, 1)
    with (tmp_path / "full1.csv.rejects.csv").open(encoding="utf-8", newline="") as f:
        rejects = list(csv.DictReader(f))
    assert [(r["line"], r["row_id"]) for r in rejects] == [("14", "boom")]
    assert rejects[0]["reason"] == (
        "internal error (a fault of clearance, not of the row): "
        "ValueError: Exceeds the limit (4300 digits) for integer string conversion"
    )

    def killed(summary: Summary) -> None:
        if summary.read >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(job(tmp_path, src, "part.csv", chunk_size=5, workers=2), on_chunk=killed)
    resumed = run(job(tmp_path, src, "part.csv", chunk_size=5, workers=2, resume=True))
    assert resumed.internal_errors == 1 and resumed.resumed_from == 20
    for suffix in ("", ".rejects.csv"):
        assert (tmp_path / f"part.csv{suffix}").read_bytes() == (tmp_path / f"full1.csv{suffix}").read_bytes()


def test_a_name_holding_a_4301_digit_number_does_not_stop_the_file(tmp_path: Path) -> None:
    """Such a name raised ValueError deep in matching; whether it is now screened or rejected, the rows
    around it are decided."""
    src = write_csv(tmp_path / "in.csv", [*many(3), ("big", "Acme " + "1" * 4301, "2021-03-01"), *many(3)])
    summary = run(job(tmp_path, src))
    assert summary.read == 7 and summary.rows >= 6 and summary.rows + summary.rejected == 7


def _basis_runs(tmp_path: Path, **first: Any) -> tuple[Path, Any]:
    """A run over 40 rows killed after its second chunk of 10; returns the input and a resumer."""
    src = write_csv(tmp_path / "in.csv", [(f"r{i}", f"Name {i}", "") for i in range(40)])

    def killed(summary: Summary) -> None:
        if summary.read >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(job(tmp_path, src, chunk_size=10, date_col=None, **first), on_chunk=killed)

    def resume(**again: Any) -> Summary:
        return run(job(tmp_path, src, chunk_size=10, date_col=None, resume=True, **again))

    return src, resume


def test_resume_refuses_rows_decided_on_another_basis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other data (a list imported in between), another as-of date (a run without --as-of resumed the
    next day) or other thresholds: refused, naming what differs. With --as-of of the day the run began,
    it resumes, and the summary names what every row was decided on."""
    _, resume = _basis_runs(tmp_path)
    build = run_module.job_engine

    def other_data(job: BatchJob) -> Any:
        engine = build(job)
        engine.dataset = engine.dataset.merged([], {}, {"ofac-sdn": "2021-03-02"})
        return engine

    monkeypatch.setattr(run_module, "job_engine", other_data)
    with pytest.raises(InputError, match=r"decided on data builtin builtin-\w+, this run has .*ofac-sdn"):
        resume()
    monkeypatch.setattr(run_module, "job_engine", build)
    first_day = json.loads((tmp_path / "out.csv.progress.json").read_text())["decided_on"]["as_of"]
    monkeypatch.setattr(BatchJob, "default_as_of", lambda job: job.as_of or "2099-01-02")
    with pytest.raises(
        InputError, match=f"decided as of {first_day}, .* as of 2099-01-02 .*--as-of {first_day}"
    ):
        resume()
    with pytest.raises(InputError, match=r"decided with review 0.8 \(now 0.7\)"):
        resume(config=replace_review(0.7), as_of=first_day)
    summary = resume(as_of=first_day)
    assert summary.resumed_from == 20 and summary.read == 40 and summary.as_of == first_day
    assert summary.thresholds == {"review": 0.8, "strong": 0.9} and "builtin" in summary.data_versions


def replace_review(review: float) -> Any:
    from clearance.matching.config import ScorerConfig

    return ScorerConfig(review=review)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_full_disk_is_one_line_and_resume_completes_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    src = write_csv(tmp_path / "in.csv", [*many(40), ("bad", "", "2021-03-01"), *many(10)])
    run(job(tmp_path, src, "full.csv", chunk_size=10, workers=workers))
    out = tmp_path / "part.csv"
    full_disk_after(monkeypatch, out, 3)
    with pytest.raises(OutputError) as error:
        run(job(tmp_path, src, "part.csv", chunk_size=10, workers=workers))
    assert str(error.value) == f"cannot write {out}: No space left on device"
    assert json.loads((tmp_path / "part.csv.progress.json").read_text())["rows_done"] == 20
    monkeypatch.undo()
    resumed = run(job(tmp_path, src, "part.csv", chunk_size=10, workers=workers, resume=True))
    assert resumed.resumed_from == 20 and resumed.read == 51
    for suffix in ("", ".rejects.csv"):
        assert (tmp_path / f"part.csv{suffix}").read_bytes() == (tmp_path / f"full.csv{suffix}").read_bytes()


def test_a_progress_record_that_cannot_be_written_leaves_the_last_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress record is replaced atomically: when it cannot be (no permission, a full disk), the
    one before stands, and a resume from it gives the whole output."""
    src = write_csv(tmp_path / "in.csv", many(30))
    run(job(tmp_path, src, "full.csv", chunk_size=10))
    calls = {"n": 0}
    replace = os.replace

    def refused(a: Any, b: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(b))
        replace(a, b)

    monkeypatch.setattr("clearance.faces.batch.progress.os.replace", refused)
    with pytest.raises(OutputError, match=r"cannot write .*part.csv.progress.json: Permission denied$"):
        run(job(tmp_path, src, "part.csv", chunk_size=10))
    monkeypatch.undo()
    assert json.loads((tmp_path / "part.csv.progress.json").read_text())["rows_done"] == 10
    run(job(tmp_path, src, "part.csv", chunk_size=10, resume=True))
    assert (tmp_path / "part.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()


def test_a_resume_whose_output_was_cut_is_refused(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", many(30))

    def killed(summary: Summary) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(job(tmp_path, src, chunk_size=10), on_chunk=killed)
    (tmp_path / "out.csv").write_text("row_id\n", encoding="utf-8")
    with pytest.raises(ClearanceError, match="holds less than its progress record says"):
        run(job(tmp_path, src, chunk_size=10, resume=True))
