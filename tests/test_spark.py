"""Spark in local mode gives the same decisions as the local batch on the same input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clearance.batch import BatchJob, run
from conftest import PARTY_ROWS

ROWS = [
    *PARTY_ROWS[:5],
    ("p6", "BANCO NACIONAL DE CUBA", "2021-07-01"),
    ("p7", "Semiconductor Manufacturing International Corp", "2022-03-01"),
    PARTY_ROWS[7],
] + [(f"q{i}", name, "2021-03-01") for i, name in enumerate(["Tencnet", "Cam Scanner", "John Smith"] * 10)]


@pytest.mark.slow
def test_spark_and_local_batch_agree(tmp_path: Path, shared_data: Path) -> None:
    from clearance.spark import screen, session

    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "payee", "date"), *ROWS])
    lists = [shared_data / "ofac-sdn-2021"]
    run(
        BatchJob(
            input=src,
            output=tmp_path / "local.csv",
            name_col="payee",
            date_col="date",
            id_col="id",
            lists=lists,
            home=tmp_path / "home",
        )
    )
    local = {r["row_id"]: r for r in csv.DictReader((tmp_path / "local.csv").open(encoding="utf-8"))}
    rejected = {
        r["row_id"]: r for r in csv.DictReader((tmp_path / "local.csv.rejects.csv").open(encoding="utf-8"))
    }

    spark = session("local[2]")
    try:
        df = spark.read.option("header", True).csv(str(src))
        result = screen(
            df, name_col="payee", date_col="date", id_col="id", lists=lists, home=tmp_path / "home"
        )
        rows = {r["row_id"]: r.asDict() for r in result.collect()}
    finally:
        spark.stop()
    assert set(rows) == set(local) | set(rejected)
    for row_id, mine in local.items():
        theirs = rows[row_id]
        for col in ("decision", "best_entity_id", "best_matched_name", "measures", "data_versions"):
            assert str(theirs[col] or "") == mine[col], (row_id, col)
        assert theirs["score"] == pytest.approx(float(mine["score"]))
        assert theirs["reject_reason"] is None
    for row_id, reject in rejected.items():
        assert rows[row_id]["reject_reason"] == reject["reason"]
    assert rows["p6"]["decision"] == "block" and rows["p1"]["decision"] == "review"


@pytest.mark.slow
def test_cli_batch_on_spark(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from clearance.cli import app

    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "payee", "date"), *ROWS[:5]])
    r = CliRunner().invoke(
        app,
        ["batch", str(src), "-o", str(tmp_path / "out"), "--output-format", "jsonl", "--name-col", "payee",
         "--date-col", "date", "--id-col", "id", "--engine", "spark", "--json"],
        env={"CLEARANCE_HOME": str(tmp_path / "home"), "CLEARANCE_SPARK_MASTER": "local[2]"},
    )  # fmt: skip
    assert r.exit_code == 1, r.output
    doc = json.loads(
        r.stdout.strip().splitlines()[-1] if r.stdout.strip().startswith("{") is False else r.stdout
    )
    assert doc["rows"] == 3 and doc["rejected"] == 2
    parts = [
        json.loads(line) for p in (tmp_path / "out").glob("part-*") for line in p.read_text().splitlines()
    ]
    assert {p["row_id"]: p["decision"] for p in parts if p.get("decision")} == {
        "p1": "review", "p2": "clear", "p5": "clear",
    }  # fmt: skip
