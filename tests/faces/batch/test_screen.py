"""A chunk screened in one process: remembered decisions take a short path that lets no bad row by."""

from __future__ import annotations

import csv
from pathlib import Path

from clearance import Engine
from clearance.faces.batch import BatchJob, run
from clearance.faces.batch.rows import Source
from clearance.faces.batch.screen import WorkerState
from faces.batch.batch_files import job


def test_a_remembered_name_does_not_let_a_bad_row_through(tmp_path: Path) -> None:
    """Rows repeating a name already decided take a short path; a bad one among them is still rejected,
    and a repeat with another date or kind is decided afresh."""
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"id,payee,date,kind\n"
        b"a,Tencent Holdings Ltd,2021-03-01,\n"
        b"b\xff,Tencent Holdings Ltd,2021-03-01,\n"
        b"c,Tencent Holdings Ltd,2021-07-01,\n"
        b"d,Tencent Holdings Ltd,2021-03-01,person\n"
        b"e,Tencent Holdings Ltd,2021-03-01,\n"
    )
    summary = run(job(tmp_path, src, kind_col="kind"))
    decided = {r["row_id"]: r for r in csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8"))}
    assert list(decided) == ["a", "c", "d", "e"] and summary.rejected == 1
    assert "not UTF-8" in (tmp_path / "out.csv.rejects.csv").read_text(encoding="utf-8")
    assert decided["e"]["decision"] == decided["a"]["decision"] != "clear"
    assert decided["c"]["as_of"] == "2021-07-01" and decided["d"]["kind"] == "person"
    assert decided["d"]["decision"] == "clear"  # no person is called Tencent Holdings


def test_a_chunk_screened_again_gives_the_same_outputs_from_what_it_remembers(
    tmp_path: Path, engine: Engine
) -> None:
    """Each row gets one output (None when rejected), in input order; the second time, every decision
    is one remembered, and the outputs are the same."""
    src = tmp_path / "in.csv"
    src.write_text(
        "id,name\n1,Tencent Holdings Ltd\n2,\n3,Acme Corp\nshort\n4,Tencent Holdings Ltd\n", encoding="utf-8"
    )
    batch_job = BatchJob(input=src, output=tmp_path / "out.csv", id_col="id", as_of="2021-03-01")
    source = Source(src, "csv")
    raws = list(source.raws)
    state = WorkerState(engine)
    first = state.screen_chunk(batch_job, source.header, raws)
    assert [o is None for o in first.outputs] == [False, True, False, True, False]
    assert [r["line"] for r in first.rejects] == [3, 5]
    assert first.rows == 3 and first.data_versions == dict(engine.dataset.versions)
    remembered = dict(state.decisions.recent)
    again = state.screen_chunk(batch_job, source.header, raws)
    assert again == first and dict(state.decisions.recent) == remembered
