"""Batch screening: outputs keyed by row, rejects with line numbers, resume, workers, formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance import Engine
from clearance.errors import ClearanceError
from clearance.faces.batch.run import BatchJob, Summary, read_rows, run
from clearance.faces.cli.app import app
from fixtures import PARTY_ROWS as ROWS


def _write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "payee", "date"])
        writer.writerows(rows)
    return path


def _job(tmp: Path, src: Path, out: str = "out.csv", **kw: object) -> BatchJob:
    defaults: dict[str, object] = dict(name_col="payee", date_col="date", id_col="id", home=tmp / "home")
    defaults.update(kw)
    return BatchJob(input=src, output=tmp / out, **defaults)  # type: ignore[arg-type]


def test_each_row_gets_a_decision_and_bad_rows_go_to_rejects(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "in.csv", ROWS)
    with src.open("ab") as f:
        f.write(b'p9,"short row"\n')
        f.write(b"p10,Caf\xe9 Lumi\xe8re,2021-03-01\n")  # cp1252 bytes in a UTF-8 file
    summary = run(_job(tmp_path, src))
    out = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["row_id"] for r in out] == ["p1", "p2", "p5", "p7", "p8"]
    by_id = {r["row_id"]: r for r in out}
    assert by_id["p1"]["decision"] == "review" and by_id["p1"]["best_entity_id"] == "org-tencent-holdings"
    assert "us-eo-13971:in_force:review" in by_id["p1"]["measures"]
    assert by_id["p5"]["decision"] == "clear" and "us-eo-13971:revoked" in by_id["p5"]["measures"]
    assert by_id["p7"]["decision"] == "review"
    assert by_id["p8"]["decision"] == "clear"
    assert json.loads(by_id["p1"]["data_versions"])["builtin"].startswith("builtin-")
    rejects = list(csv.DictReader((tmp_path / "out.csv.rejects.csv").open(encoding="utf-8")))
    assert [(r["line"], r["row_id"]) for r in rejects] == [
        ("4", "p3"),
        ("5", "p4"),
        ("7", "p6"),
        ("10", "10"),
        ("11", "11"),
    ]
    assert "empty" in rejects[0]["reason"] and "invalid date" in rejects[1]["reason"]
    assert "fields" in rejects[3]["reason"] and "UTF-8" in rejects[4]["reason"]
    assert summary.rows == 5 and summary.rejected == 5 and summary.worst == "review"


def _many(n: int) -> list[tuple[str, str, str]]:
    names = [
        "Tencent Holdings",
        "Acme Corp",
        "Alipay",
        "John Smith",
        "SMIC",
        "Kings Office Supply",
        "WeChat Pay",
    ]
    return [(f"r{i}", names[i % len(names)] + ("" if i % 3 else f" {i}"), "2021-03-01") for i in range(n)]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_killed_batch_resumes_to_the_same_output(tmp_path: Path, workers: int) -> None:
    """Killed after four chunks (with two workers, others may be in flight: they are not written), then
    resumed: the output is byte for byte that of a run never interrupted."""
    src = _write_csv(tmp_path / "in.csv", [*_many(230), ("bad", "", "2021-03-01"), *_many(40)])
    run(_job(tmp_path, src, "full.csv", chunk_size=25))

    calls = {"n": 0}

    def crash(summary: Summary) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # killed after the fourth chunk was written

    job = _job(tmp_path, src, "part.csv", chunk_size=25, workers=workers)
    with pytest.raises(KeyboardInterrupt):
        run(job, on_chunk=crash)
    # a half-written chunk after the last progress record must not survive the resume
    with (tmp_path / "part.csv").open("a", encoding="utf-8") as f:
        f.write("r999,garbage\n")
    resumed = run(_job(tmp_path, src, "part.csv", chunk_size=25, resume=True, workers=workers))
    assert resumed.resumed_from == 100
    assert (tmp_path / "part.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()
    assert (tmp_path / "part.csv.rejects.csv").read_bytes() == (
        tmp_path / "full.csv.rejects.csv"
    ).read_bytes()
    assert resumed.rows == 270 and resumed.rejected == 1


def test_resume_refuses_another_input(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "in.csv", _many(10))
    run(_job(tmp_path, src))
    other = _write_csv(tmp_path / "in.csv", _many(12))
    with pytest.raises(Exception, match="another input"):
        run(_job(tmp_path, other, resume=True))


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_two_workers_give_the_same_output_as_one(tmp_path: Path, fmt: str) -> None:
    """Rows split among workers by name come back in input order, bad rows and rejects included."""
    rows = [*_many(100), ("bad1", "", "2021-03-01"), ("bad2", "Acme", "2021-13-01"), *_many(20)]
    if fmt == "csv":
        src = _write_csv(tmp_path / "in.csv", rows)
        with src.open("a", encoding="utf-8") as f:
            f.write("short,row\n")
    else:
        src = tmp_path / "in.jsonl"
        lines = [json.dumps({"id": i, "payee": n, "date": d}) for i, n, d in rows] + ["{broken"]
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = run(_job(tmp_path, src, f"one.{fmt}", chunk_size=20, workers=1))
    two = run(_job(tmp_path, src, f"two.{fmt}", chunk_size=20, workers=2))
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
    import clearance.faces.batch.run as batch

    rows = [*_many(60), ("bad", "", "2021-03-01")]
    src = _write_csv(tmp_path / "in.csv", rows)
    one = run(_job(tmp_path, src, "one.csv", chunk_size=20, workers=1))
    monkeypatch.setattr(batch, "START_METHOD", "spawn")
    two = run(_job(tmp_path, src, "two.csv", chunk_size=20, workers=2))
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert (one.rows, one.rejected, one.decisions) == (two.rows, two.rejected, two.decisions)


def test_jsonl_and_parquet(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "payee": n, "date": d}) for i, n, d in ROWS[:2]] + ["{broken", "[1, 2]"]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(_job(tmp_path, src, "out.parquet"))
    records = [fields for _, fields, _ in read_rows(tmp_path / "out.parquet", "parquet")]
    assert [(r["row_id"], r["decision"]) for r in records if r] == [("p1", "review"), ("p2", "clear")]
    rejects = (tmp_path / "out.parquet.rejects.csv").read_text(encoding="utf-8")
    assert "3,3,not a JSON line" in rejects and "4,4,a JSON line must be an object" in rejects
    run(
        _job(
            tmp_path,
            tmp_path / "out.parquet",
            "again.jsonl",
            name_col="name",
            date_col="as_of",
            id_col="row_id",
        )
    )
    again = [json.loads(line) for line in (tmp_path / "again.jsonl").read_text().splitlines()]
    assert [(r["row_id"], r["decision"]) for r in again] == [("p1", "review"), ("p2", "clear")]


def test_cli_batch_exit_codes_and_summary(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "in.csv", ROWS[:2])
    env = {"CLEARANCE_HOME": str(tmp_path / "home")}
    r = CliRunner().invoke(
        app,
        [
            "batch",
            str(src),
            "-o",
            str(tmp_path / "o.csv"),
            "--name-col",
            "payee",
            "--date-col",
            "date",
            "--id-col",
            "id",
            "--workers",
            "1",
            "--json",
        ],
        env=env,
    )
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert doc["rows"] == 2 and doc["decisions"] == {"review": 1, "clear": 1}
    clear = _write_csv(tmp_path / "clear.csv", [("a", "Mary Johnson Bakery", "2021-03-01")])
    r = CliRunner().invoke(
        app,
        ["batch", str(clear), "-o", str(tmp_path / "c.csv"), "--name-col", "payee", "--workers", "1"],
        env=env,
    )
    assert r.exit_code == 0
    r = CliRunner().invoke(
        app, ["batch", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "m.csv")], env=env
    )
    assert r.exit_code == 2 and "error:" in r.output


def test_every_output_format_holds_what_screening_each_row_gives(tmp_path: Path, engine: Engine) -> None:
    """CSV, JSON lines and Parquet carry the same records, equal to `Engine.screen` row by row, with row
    ids that need quoting kept as they were; a name repeated on another date is decided again."""
    rows = [
        ('id,with "comma"', "Tencent Holdings Ltd", "2021-03-01"),
        ("id\nnewline", "Tencent Holdings Ltd", "2021-07-01"),
        ("plain", "Mary Johnson Bakery", "2021-03-01"),
        ("späce ", "CamScanner", "2021-02-01"),
        ("again", "CamScanner", "2021-02-01"),
    ]
    src = _write_csv(tmp_path / "in.csv", rows)
    outputs = {}
    for name in ("out.csv", "out.jsonl", "out.parquet"):
        run(_job(tmp_path, src, name))
        fmt = name.split(".")[1]
        outputs[fmt] = [fields for _, fields, _ in read_rows(tmp_path / name, fmt)]
    for fmt, records in outputs.items():
        assert [r["row_id"] for r in records] == [r[0] for r in rows], fmt
        for record, (_, name, day) in zip(records, rows, strict=True):
            result = engine.screen(name, as_of=day)
            best = result.hits[0] if result.hits else None
            expected = {
                "name": name, "as_of": day, "decision": result.decision, "hits": len(result.hits),
                "best_entity_id": best.entity.id if best else "",
                "best_matched_name": best.matched_name if best else "", "score": best.score if best else 0.0,
            }  # fmt: skip
            got = {k: record[k] for k in expected}
            if fmt == "csv":  # CSV holds text
                expected = {k: str(v) for k, v in expected.items()}
            assert got == expected, fmt
    assert outputs["csv"][0]["decision"] != outputs["csv"][1]["decision"]  # in force, then revoked


def test_decisions_remembered_for_one_engine_are_not_reused_by_another(
    tmp_path: Path, shared_data: Path
) -> None:
    """Two runs in one process, the second with the SDN list: its listed name is decided afresh."""
    src = _write_csv(tmp_path / "in.csv", [("c1", "BANCO NACIONAL DE CUBA", "2021-03-01")])
    run(_job(tmp_path, src, "builtin.csv"))
    run(_job(tmp_path, src, "sdn.csv", lists=[shared_data / "ofac-sdn-2021"]))
    decisions = [
        next(csv.DictReader((tmp_path / name).open(encoding="utf-8")))["decision"]
        for name in ("builtin.csv", "sdn.csv")
    ]
    assert decisions == ["clear", "block"]


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
    summary = run(_job(tmp_path, src, kind_col="kind"))
    decided = {r["row_id"]: r for r in csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8"))}
    assert list(decided) == ["a", "c", "d", "e"] and summary.rejected == 1
    assert "not UTF-8" in (tmp_path / "out.csv.rejects.csv").read_text(encoding="utf-8")
    assert decided["e"]["decision"] == decided["a"]["decision"] != "clear"
    assert decided["c"]["as_of"] == "2021-07-01" and decided["d"]["kind"] == "person"
    assert decided["d"]["decision"] == "clear"  # no person is called Tencent Holdings


def test_a_worker_that_dies_stops_the_batch_and_it_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process killed midway (as the out-of-memory killer would) stops the batch with a clear
    error instead of hanging; the same command with --resume then gives the uninterrupted output."""
    import os
    import time

    import clearance.faces.batch.run as batch

    rows = [*_many(60), ("doomed", "Kill Me Now Ltd", "2021-03-01"), *_many(60)]
    src = _write_csv(tmp_path / "in.csv", rows)
    run(_job(tmp_path, src, "full.csv", chunk_size=20, workers=2))
    screened = batch._screened

    def dies_on_doomed(job: BatchJob, header: object, raws: list[tuple[int, list[str]]]) -> object:
        if any(values[0] == "doomed" for _, values in raws):
            time.sleep(1)  # the chunks it screened before reach the parent, as they would in a long run
            os._exit(9)  # the forked worker inherits this stand-in and dies on that row
        return screened(job, header, raws)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_screened", dies_on_doomed)
    with pytest.raises(ClearanceError, match=r"worker process died.*--resume"):
        run(_job(tmp_path, src, "part.csv", chunk_size=20, workers=2))
    monkeypatch.setattr(batch, "_screened", screened)
    resumed = run(_job(tmp_path, src, "part.csv", chunk_size=20, workers=2, resume=True))
    assert resumed.resumed_from > 0
    assert (tmp_path / "part.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()
