"""A whole run: every row decided or rejected, and the command line's exit codes and summary."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from clearance.faces.batch import run
from clearance.faces.cli.app import app
from faces.batch.batch_files import job, write_csv
from fixtures import PARTY_ROWS as ROWS


def test_each_row_gets_a_decision_and_bad_rows_go_to_rejects(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS)
    with src.open("ab") as f:
        f.write(b'p9,"short row"\n')
        f.write(b"p10,Caf\xe9 Lumi\xe8re,2021-03-01\n")  # cp1252 bytes in a UTF-8 file
    summary = run(job(tmp_path, src))
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


def test_cli_batch_exit_codes_and_summary(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS[:2])
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
    clear = write_csv(tmp_path / "clear.csv", [("a", "Mary Johnson Bakery", "2021-03-01")])
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
