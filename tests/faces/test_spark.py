"""Spark in local mode gives the same decisions as the local batch on the same input; the workers get
the engine from the driver (never the list files) and load it once per process."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clearance.faces.batch import BatchJob, run
from fixtures import DATA, PARTY_ROWS

# an excerpt of the real OFAC SDN files (tests/data/lists/README.md), with BANCO NACIONAL DE CUBA
SDN = DATA / "lists" / "ofac-sdn-2021"

ROWS = [
    *PARTY_ROWS[:5],
    ("p6", "BANCO NACIONAL DE CUBA", "2021-07-01"),
    ("p7", "Semiconductor Manufacturing International Corp", "2022-03-01"),
    PARTY_ROWS[7],
] + [(f"q{i}", name, "2021-03-01") for i, name in enumerate(["Tencnet", "Cam Scanner", "John Smith"] * 10)]


def _local_batch(
    tmp_path: Path, lists: list[Path]
) -> tuple[Path, dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """ROWS as a CSV file, and the local batch's decisions and rejects on it, by row id."""
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "payee", "date"), *ROWS])
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
    return src, local, rejected


def _assert_same(
    rows: dict[str, dict[str, Any]], local: dict[str, dict[str, str]], rejected: dict[str, dict[str, str]]
) -> None:
    assert set(rows) == set(local) | set(rejected)
    for row_id, mine in local.items():
        theirs = rows[row_id]
        for col in ("decision", "best_entity_id", "best_matched_name", "measures", "data_versions"):
            assert str(theirs[col] or "") == mine[col], (row_id, col)
        assert theirs["score"] == pytest.approx(float(mine["score"]))
        assert theirs["reject_reason"] is None
    for row_id, reject in rejected.items():
        assert rows[row_id]["reject_reason"] == reject["reason"]
    # p6 is only on the SDN list: it blocks only if the list's entries reached the workers
    assert rows["p6"]["decision"] == "block" and rows["p1"]["decision"] == "review"


def _on_spark(
    src: Path, lists: list[Path], home: Path, before_collect: Callable[[], object] = lambda: None
) -> dict[str, dict[str, Any]]:
    """The rows of a CSV screened by `clearance.faces.spark.screen` in local mode, by row id; `before_collect`
    runs after `screen` returns and before any worker screens."""
    from clearance.faces.spark import screen, session

    spark = session("local[2]")
    try:
        df = spark.read.option("header", True).csv(str(src))
        result = screen(df, name_col="payee", date_col="date", id_col="id", lists=lists, home=home)
        before_collect()
        return {r["row_id"]: r.asDict() for r in result.collect()}
    finally:
        spark.stop()


@pytest.mark.slow
def test_spark_and_local_batch_agree(tmp_path: Path) -> None:
    lists = [SDN]
    src, local, rejected = _local_batch(tmp_path, lists)
    _assert_same(_on_spark(src, lists, tmp_path / "home"), local, rejected)


@pytest.mark.slow
def test_workers_do_not_read_the_list_files(tmp_path: Path) -> None:
    """The list is read on the driver when `screen` is called; it is gone before any worker runs."""
    lists = [tmp_path / "lists" / "sdn"]
    shutil.copytree(SDN, lists[0])
    src, local, rejected = _local_batch(tmp_path, lists)
    rows = _on_spark(src, lists, tmp_path / "home", lambda: shutil.rmtree(tmp_path / "lists"))
    assert not lists[0].exists()
    _assert_same(rows, local, rejected)


@pytest.mark.slow
def test_each_worker_process_loads_the_engine_once() -> None:
    """Twelve partitions screened (one job run twice) by the workers of a one-core session: each worker
    process counts one engine load for the broadcast, however many of the partitions it screened."""
    import json

    from pyspark.sql import functions as F

    from clearance.faces.spark import screen, session

    names = ["Tencent Holdings Ltd", "Mary Johnson Bakery", "CamScanner", "John Smith"]
    spark = session("local[1]")
    try:
        df = spark.range(0, 60, 1, numPartitions=6).select(
            F.col("id").cast("string").alias("id"),
            F.element_at(F.array(*map(F.lit, names)), (F.col("id") % len(names) + 1).cast("int")).alias(
                "payee"
            ),
        )
        result = screen(df, name_col="payee", id_col="id", as_of="2021-03-01")
        first, second = result.collect(), result.collect()

        def probe(batches: Iterator[Any]) -> Iterator[Any]:  # runs in the workers: what they hold
            import os

            import pyarrow as pa

            from clearance.faces import spark as module

            for _ in batches:
                pass
            yield pa.RecordBatch.from_pylist(
                [
                    {
                        "pid": os.getpid(),
                        "loads": json.dumps(module.WORKER.loads),
                        "partitions": json.dumps(module.WORKER.partitions),
                    }
                ]
            )

        probed = spark.range(0, 6, 1, numPartitions=6).mapInArrow(
            probe, "pid long, loads string, partitions string"
        )
        workers = {r["pid"]: (json.loads(r["loads"]), json.loads(r["partitions"])) for r in probed.collect()}
    finally:
        spark.stop()
    assert len(first) == len(second) == 60
    assert {r["row_id"]: r["decision"] for r in first} == {r["row_id"]: r["decision"] for r in second}
    broadcasts = {key for loads, _ in workers.values() for key in loads}
    assert len(broadcasts) == 1, workers  # this session screened with one broadcast engine
    for loads, _ in workers.values():
        assert set(loads.values()) == {1}, workers
    screened = sum(n for _, partitions in workers.values() for n in partitions.values())
    assert screened == 12, workers  # every process that screened a partition was probed
    assert len(workers) < screened, workers  # so some process screened several, loading once


class _Broadcast:
    """Stands in for a PySpark broadcast in a worker: counts how often its value is read."""

    def __init__(self, value: object) -> None:
        self._value, self.reads = value, 0

    @property
    def value(self) -> object:
        self.reads += 1
        return self._value


def test_a_worker_loads_each_broadcast_engine_once_and_only_with_the_drivers_code(engine: Any) -> None:
    from clearance.errors import ClearanceError
    from clearance.faces import spark

    broadcast = _Broadcast(engine)
    with pytest.raises(ClearanceError, match="other clearance code"):
        spark._engine("test-key", "another-version", broadcast)
    assert broadcast.reads == 0 and spark.WORKER.loads["test-key"] == 0
    for _ in range(3):
        assert spark._engine("test-key", spark.CODE_VERSION, broadcast) is engine
    assert broadcast.reads == 1 and spark.WORKER.loads["test-key"] == 1
    other = _Broadcast(engine)
    assert spark._engine("other-key", spark.CODE_VERSION, other) is engine and other.reads == 1


@pytest.mark.slow
def test_cli_batch_on_spark(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from clearance.faces.cli.app import app

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
