"""What the batch writes: CSV, JSON lines and Parquet carry the same records, and every CSV line reads
back with the csv module as the values written."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from clearance import Engine
from clearance.faces.batch import OUTPUT_COLUMNS, REJECT_COLUMNS, BatchJob, read_rows, run, screen_row
from clearance.faces.batch.output import Writer
from clearance.faces.batch.progress import reset_outputs
from clearance.faces.batch.rows import Source
from clearance.faces.batch.screen import WorkerState
from faces.batch.batch_files import job, write_csv
from fixtures import PARTY_ROWS as ROWS


def test_jsonl_and_parquet(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "payee": n, "date": d}) for i, n, d in ROWS[:2]] + ["{broken", "[1, 2]"]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(job(tmp_path, src, "out.parquet"))
    records = [fields for _, fields, _ in read_rows(tmp_path / "out.parquet", "parquet")]
    assert [(r["row_id"], r["decision"]) for r in records if r] == [("p1", "review"), ("p2", "clear")]
    rejects = (tmp_path / "out.parquet.rejects.csv").read_text(encoding="utf-8")
    assert "3,3,not a JSON line" in rejects and "4,4,a JSON line must be an object" in rejects
    run(
        job(
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
    src = write_csv(tmp_path / "in.csv", rows)
    outputs = {}
    for name in ("out.csv", "out.jsonl", "out.parquet"):
        run(job(tmp_path, src, name))
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


# Values of an input column: text with what CSV must quote (commas, quotes, line breaks, a lone "\r"),
# non-ASCII and invisible characters, names the lists hold (some with a comma), and values with bytes
# that are not UTF-8 (kept as surrogates when read: such a row is rejected).
_TRICKY = st.text(alphabet=st.sampled_from([*'aZ ,"\r\n\t;', "é", "腾", "讯", "\u200d", "\u0301", "\x01"]))
_NAMES = st.one_of(
    _TRICKY,
    st.text(max_size=20),
    st.sampled_from(["Tencent Holdings Ltd", "KIM, Jong Un", 'Acme "Best" Corp', "CamScanner", "腾讯控股"]),
)
_NOT_UTF8 = st.sampled_from(["\udcff", "\udcfe", "\udcc0"])  # bytes that begin no UTF-8 character
_VALUES = st.one_of(_NAMES, st.tuples(_NAMES, _NOT_UTF8, _NAMES).map("".join))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_VALUES, _VALUES), max_size=10))
@example([("a\rb", ""), ("c\rd", 'Tencent "Holdings"\r\nLtd'), ("e,", "KIM, Jong Un"), ("f\udcff", "x")])
def test_csv_lines_the_batch_writes_read_back_as_the_values_written(
    engine: Engine, rows: list[tuple[str, str]]
) -> None:
    """Decisions and rejects, written as the batch writes a chunk, read back with `csv.reader` to exactly
    their values: a decided row's id and name as they were in the input, every row decided or rejected."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            csv.writer(f).writerows([("id", "name"), *rows])
        batch_job = BatchJob(input=src, output=out, id_col="id", as_of="2021-03-01")
        source = Source(src, "csv")
        reset_outputs(batch_job, None)
        Writer(batch_job).write(WorkerState(engine).screen(batch_job, source.header, list(source.raws)))

        expected: list[list[str]] = []
        expected_rejects: list[list[str]] = []
        inputs: list[tuple[str, str]] = []
        for line, fields, problem in read_rows(src, "csv"):
            record, reject = screen_row(batch_job, engine, line, fields, problem=problem)
            if record is not None:
                assert fields is not None
                expected.append([str(v) for v in record.values()])
                inputs.append((fields["id"], fields["name"]))
            else:
                assert reject is not None
                expected_rejects.append([str(reject[column]) for column in REJECT_COLUMNS])

        with out.open(encoding="utf-8", newline="") as f:
            written = list(csv.reader(f))
        with batch_job.rejects_path().open(encoding="utf-8", newline="") as f:
            rejected = list(csv.reader(f))
    assert written[0] == list(OUTPUT_COLUMNS) and rejected[0] == list(REJECT_COLUMNS)
    assert written[1:] == expected
    assert [(row[0], row[2]) for row in written[1:]] == inputs
    assert rejected[1:] == expected_rejects
    # every row on one line is one row read; a value over three lines or more can be shaped exactly as two
    # rows with a stray quote each around a row, and is then read as those rows (rows.py, `_continued`)
    if not any("\r" in value or "\n" in value for row in rows for value in row):
        assert len(expected) + len(expected_rejects) == sum(1 for row in rows if "".join(row).strip())
