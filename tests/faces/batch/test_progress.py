"""Resuming: a killed batch resumes to the output of a run never interrupted, and only the same run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.faces.batch import Summary, run
from clearance.faces.batch.progress import fingerprint_of, load_progress, reset_outputs
from faces.batch.batch_files import job, many, write_csv


@pytest.mark.parametrize("workers", [1, 2])
def test_a_killed_batch_resumes_to_the_same_output(tmp_path: Path, workers: int) -> None:
    """Killed after four chunks (with two workers, others may be in flight: they are not written), then
    resumed: the output is byte for byte that of a run never interrupted."""
    src = write_csv(tmp_path / "in.csv", [*many(230), ("bad", "", "2021-03-01"), *many(40)])
    run(job(tmp_path, src, "full.csv", chunk_size=25))

    calls = {"n": 0}

    def crash(summary: Summary) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # killed after the fourth chunk was written

    killed = job(tmp_path, src, "part.csv", chunk_size=25, workers=workers)
    with pytest.raises(KeyboardInterrupt):
        run(killed, on_chunk=crash)
    # a half-written chunk after the last progress record must not survive the resume
    with (tmp_path / "part.csv").open("a", encoding="utf-8") as f:
        f.write("r999,garbage\n")
    resumed = run(job(tmp_path, src, "part.csv", chunk_size=25, resume=True, workers=workers))
    assert resumed.resumed_from == 100
    assert (tmp_path / "part.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()
    assert (tmp_path / "part.csv.rejects.csv").read_bytes() == (
        tmp_path / "full.csv.rejects.csv"
    ).read_bytes()
    assert resumed.rows == 270 and resumed.rejected == 1


def test_resume_refuses_another_input(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", many(10))
    run(job(tmp_path, src))
    other = write_csv(tmp_path / "in.csv", many(12))
    with pytest.raises(Exception, match="another input"):
        run(job(tmp_path, other, resume=True))


def test_a_finished_run_records_that_it_finished(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", many(30))
    finished = job(tmp_path, src, chunk_size=20)
    run(finished)
    record = json.loads(finished.progress_path().read_text(encoding="utf-8"))
    assert record["finished"] is True and record["rows_done"] == 30 and record["rows"] == 30
    assert record["fingerprint"] == fingerprint_of(finished)
    assert load_progress(job(tmp_path, src, chunk_size=20, resume=True), fingerprint_of(finished)) == record


def test_settings_that_do_not_change_the_output_do_not_change_the_fingerprint(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", many(3))
    base = fingerprint_of(job(tmp_path, src))
    assert fingerprint_of(job(tmp_path, src, workers=4, chunk_size=7, resume=True)) == base
    assert fingerprint_of(job(tmp_path, src, kind="person")) != base
    # the as-of date and the thresholds are compared by value with what the rows written were decided on
    # (test_resume_refuses_rows_decided_on_another_basis), so that --as-of may name the day a run began
    assert fingerprint_of(job(tmp_path, src, as_of="2021-03-01")) == base
    (tmp_path / "out.csv.progress.json").write_text(json.dumps({"fingerprint": "other"}))
    with pytest.raises(InputError, match="another input"):
        load_progress(job(tmp_path, src), base)


def test_outputs_start_afresh_with_their_headers_or_are_cut_back_to_the_record(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", many(3))
    fresh = job(tmp_path, src)
    (tmp_path / "out.csv").write_text("left over\n", encoding="utf-8")
    reset_outputs(fresh, None)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("row_id,line,name,")
    assert (tmp_path / "out.csv.rejects.csv").read_text(encoding="utf-8") == "line,row_id,reason,row\n"
    with (tmp_path / "out.csv").open("a", encoding="utf-8") as f:
        f.write("after the record\n")
    header = len((tmp_path / "out.csv").read_bytes()) - len("after the record\n")
    reset_outputs(fresh, {"parts": 0, "output_bytes": header, "rejects_bytes": 5})
    assert (tmp_path / "out.csv").read_bytes().endswith(b"data_versions\n")
    assert (tmp_path / "out.csv.rejects.csv").read_text(encoding="utf-8") == "line,"
