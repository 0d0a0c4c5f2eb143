"""`clearance batch` from the command line: thresholds reach the engine, a bad default option or an output
that cannot be written where asked is a usage error before anything is written, the summary accounts for
every row, a batch that screened no row exits 2 saying why, and a row failing by our fault exits 3."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clearance.faces.batch.output import Chunk
from clearance.faces.batch.screen import WorkerState
from clearance.faces.cli.app import app
from clearance.screening.engine import Engine
from faces.batch.batch_files import full_disk_after

ROWS = [("r1", "Tencent Music"), ("r2", "Mary Johnson Bakery"), ("r3", "Tencent Holdings Ltd")]


def _input(tmp_path: Path) -> Path:
    path = tmp_path / "parties.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "name"), *ROWS])
    return path


def _decisions(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {row["row_id"]: row["decision"] for row in csv.DictReader(f)}


def test_the_review_threshold_reaches_the_batch(tmp_path: Path) -> None:
    src = _input(tmp_path)
    args = ["batch", str(src), "--id-col", "id", "--as-of", "2021-03-01", "--workers", "1", "--json"]
    default = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "default.csv")])
    low = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "low.csv"), "--review", "0.6"])
    assert default.exit_code == 1 and low.exit_code == 1, (default.output, low.output)
    assert _decisions(tmp_path / "default.csv") == {"r1": "clear", "r2": "clear", "r3": "review"}
    assert _decisions(tmp_path / "low.csv") == {"r1": "review", "r2": "clear", "r3": "review"}


def test_the_review_threshold_comes_from_the_environment_too(tmp_path: Path) -> None:
    src = _input(tmp_path)
    out = tmp_path / "env.csv"
    args = ["batch", str(src), "-o", str(out), "--id-col", "id", "--as-of", "2021-03-01", "--workers", "1"]
    result = CliRunner().invoke(app, args, env={"CLEARANCE_REVIEW_THRESHOLD": "0.6"})
    assert result.exit_code == 1, result.output
    assert _decisions(out)["r1"] == "review"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--kind", "vessel", "unknown kind 'vessel'"),
        ("--activity", "bogus", "unknown activity 'bogus'"),
        ("--as-of", "2021-02-30", "invalid date '2021-02-30'"),
        ("--review", "0.95", "0 < review <= strong <= 1"),
        ("--format", "xlsx", "unknown format 'xlsx'"),
    ],
)
def test_a_bad_default_option_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    src = _input(tmp_path)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out), option, value, "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert len(result.output.strip().splitlines()) == 1  # one line, no progress bar after it


def _batch(tmp_path: Path, *args: str, src: Path | None = None, out: str = "out.csv") -> Any:
    src = src or _input(tmp_path)
    command = ["batch", str(src), "-o", str(tmp_path / out), "--id-col", "id", "--workers", "1"]
    return CliRunner().invoke(app, [*command, "--as-of", "2021-03-01", *args])


def _errors(result: Any) -> list[str]:
    """The error lines a command printed (one is expected), after checking it printed no traceback."""
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line.startswith("error:")]


def test_the_summary_says_rows_read_are_decisions_plus_rejects_and_what_they_were_decided_on(
    tmp_path: Path,
) -> None:
    src = _input(tmp_path)
    with src.open("a", encoding="utf-8") as f:
        f.write('r4,"Acme\nr5,\n')
    result = _batch(tmp_path, src=src)
    assert result.exit_code == 1, result.output
    summary = result.output
    assert "5 rows read = 3 decided (clear 2, review 1) + 2 rejected" in summary
    assert "decided on builtin builtin-" in summary and "as of 2021-03-01, review 0.8, strong 0.9" in summary
    doc = json.loads(_batch(tmp_path, "--json", src=src, out="again.csv").stdout)
    assert (doc["read"], doc["rows"], doc["rejected"], doc["as_of"]) == (5, 3, 2, "2021-03-01")


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            b"id,name\nr1,Acme\n",
            ["--name-col", "payee"],
            "no column 'payee' (its columns: id, name); say which",
        ),
        (b'{"id": "r1", "name": "Acme"}\n', ["--name-col", "payee"], "all 1 rows were rejected, the first"),
        (b"id,name\nr1,Caf\xe9\nr2,\xff\xfe\n", [], "(line 2: bytes that are not UTF-8)"),
        (b"", [], "the file is empty (no header, no rows)"),
        (b"id,name\n", [], "no row to screen: the input holds no rows"),
        (b"id,name\nr1,\n", [], "(line 2: the query is empty); see"),
    ],
)
def test_a_batch_that_screened_no_row_exits_2_saying_why(
    tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    src = tmp_path / ("in.jsonl" if content.startswith(b"{") else "in.csv")
    src.write_bytes(content)
    result = _batch(tmp_path, *args, src=src)
    assert result.exit_code == 2, result.output
    errors = _errors(result)
    assert len(errors) == 1 and message in errors[0], result.output


@pytest.mark.parametrize("where", ["input", "rejects", "missing folder", "folder"])
def test_an_output_that_cannot_be_written_where_asked_is_a_usage_error(tmp_path: Path, where: str) -> None:
    src = _input(tmp_path)
    before = src.read_bytes()
    (tmp_path / "folder.csv").mkdir()
    out, args, message = {
        "input": (src.name, [], "would overwrite the input"),
        "rejects": ("out.csv", ["--rejects", str(src)], "the rejects file would overwrite the input"),
        "missing folder": ("missing/out.csv", [], "does not exist"),
        "folder": ("folder.csv", [], "is a folder"),
    }[where]
    result = _batch(tmp_path, *args, src=src, out=out)
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert message in _errors(result)[0]
    assert src.read_bytes() == before and not (tmp_path / "out.csv").exists()


def test_spark_may_not_replace_its_input_either(tmp_path: Path) -> None:
    """Spark writes a folder of parts in place of OUTPUT: onto the input, or a folder holding it, it
    would delete the input. Refused before Spark starts."""
    src = _input(tmp_path)
    for out in (src.name, "."):
        result = _batch(tmp_path, "--engine", "spark", src=src, out=out)
        assert result.exit_code == 2 and "would overwrite the input" in _errors(result)[0], result.output
    assert src.exists()


def test_a_row_that_fails_by_our_fault_is_rejected_and_the_batch_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = Engine.screen

    def crashes(engine: Engine, query: str, **kw: Any) -> Any:
        if query == "Mary Johnson Bakery":
            raise RecursionError("maximum recursion depth exceeded")
        return screen(engine, query, **kw)

    monkeypatch.setattr(Engine, "screen", crashes)
    result = _batch(tmp_path)
    assert result.exit_code == 3, result.output
    errors = _errors(result)
    assert len(errors) == 1 and "1 rows failed by a fault of clearance's own" in errors[0]
    assert _decisions(tmp_path / "out.csv") == {"r1": "clear", "r3": "review"}
    assert "internal error" in (tmp_path / "out.csv.rejects.csv").read_text(encoding="utf-8")


def test_rows_neither_decided_nor_rejected_stop_the_batch_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = WorkerState.screen

    def loses_a_row(state: WorkerState, job: Any, header: Any, raws: Any) -> Chunk:
        chunk = screen(state, job, header, raws)
        chunk.outputs[0] = None
        return chunk

    monkeypatch.setattr(WorkerState, "screen", loses_a_row)
    result = _batch(tmp_path)
    assert result.exit_code == 2, result.output
    errors = _errors(result)
    assert len(errors) == 1 and "3 rows read in a chunk, 2 decided and 0 rejected" in errors[0]


def test_a_full_disk_is_a_one_line_error_and_resume_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "many.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "name"), *((f"r{i}", f"Name {i}") for i in range(30))])
    full_disk_after(monkeypatch, tmp_path / "out.csv", 2)
    result = _batch(tmp_path, "--chunk-size", "10", src=src)
    assert result.exit_code == 2, result.output
    assert _errors(result) == [f"error: cannot write {tmp_path / 'out.csv'}: No space left on device"]
    monkeypatch.undo()
    result = _batch(tmp_path, "--chunk-size", "10", "--resume", src=src)
    assert result.exit_code == 0, result.output
    assert len(_decisions(tmp_path / "out.csv")) == 30 and "resumed after 10 rows" in result.output


def test_a_row_over_the_time_limit_is_a_reject_with_its_reason(tmp_path: Path) -> None:
    src = _input(tmp_path)
    out = tmp_path / "limited.csv"
    args = ["batch", str(src), "-o", str(out), "--id-col", "id", "--as-of", "2021-03-01", "--workers", "1"]
    result = CliRunner().invoke(app, args, env={"CLEARANCE_TIME_LIMIT": "0.000000001"})
    with (tmp_path / "limited.csv.rejects.csv").open(encoding="utf-8") as f:
        rejects = {row["row_id"]: row["reason"] for row in csv.DictReader(f)}
    assert "CLEARANCE_TIME_LIMIT" in rejects["r3"], (result.output, rejects)
    assert _decisions(out)["r2"] == "clear"


def test_the_data_policy_s_warnings_reach_the_batch(tmp_path: Path) -> None:
    """With no sanctions list loaded, the summary says so, and under the default policy no row clears."""
    src = _input(tmp_path)
    out = tmp_path / "policy.csv"
    args = ["batch", str(src), "-o", str(out), "--id-col", "id", "--as-of", "2021-03-01", "--workers", "1"]
    result = CliRunner().invoke(app, [*args, "--json"], env={"CLEARANCE_ON_STALE": "review"})
    assert result.exit_code == 1, result.output
    assert "no sanctions list is loaded" in result.output
    assert set(_decisions(out).values()) == {"review"}
