"""Screening on Spark, when one machine is not enough: the same decisions as `clearance batch`.

    from clearance.faces.spark import screen
    decisions = screen(df, name_col="payee", date_col="value_date", id_col="ref")

`screen` returns a DataFrame with the columns of `clearance batch`'s output plus `reject_reason` (a row
that cannot be screened is kept, with the reason, never dropped). It runs as `mapInArrow`: no cross
join, no shuffle.

The engine is built once, on the driver, when `screen` is called: the built-in data, the active list
snapshots under CLEARANCE_HOME and the given list files are read and merged there, the index is built,
and the whole `Engine` is shipped pickled as one Spark broadcast. Each Python worker process loads it
on its first task and keeps it for every later task and batch that uses the same broadcast (Spark
reuses its Python workers: `spark.python.worker.reuse`, on by default), so neither the list files nor
CLEARANCE_HOME need to exist on the executors. Each `screen` call builds and broadcasts its own engine.
A broadcast needs a classic session (`session()` below), not Spark Connect.

The built engine, index included, is broadcast rather than the merged `Dataset` (with each worker
rebuilding the index from it) because a fresh worker has it ready more than three times sooner.
Measured with `.venv/bin/python benchmarks/spark_broadcast.py` (all of ../shared/data: 10,962
entities, 28,337 indexed names; medians of 5 fresh processes each, the pickle loaded with the collector
paused as PySpark loads a broadcast; Python 3.11 on a 2-core machine, clearance at 75b044a):

    broadcast                 pickled size   pickle on driver   ready in a fresh worker
    Engine (index included)       19.9 MB             2.0 s     0.67 s (load)
    Dataset and thresholds         5.7 MB             0.3 s     2.48 s (0.18 s load + 2.30 s index)

The larger broadcast and the extra time on the driver are paid once per `screen` call; the saving, on
every Python worker. The price of shipping an index's inner state is that the workers must run the
same clearance code as the driver: each checks a digest of the package's source (`CODE_VERSION`)
before loading and fails with a clear error otherwise. `tests/faces/test_spark.py` checks that decisions
equal the local batch's, also when the list files are deleted before the Spark job runs, and that each
worker process loads the engine once however many partitions it screens.

PySpark is an optional extra: `pip install 'clearance[spark]'`.
"""

from __future__ import annotations

import hashlib
import os
import sys
import uuid
import weakref
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from clearance.datasets.loading import load_dataset
from clearance.errors import ClearanceError
from clearance.faces.batch import OUTPUT_COLUMNS, BatchJob, DecisionCache, screen_row
from clearance.limits import time_limit
from clearance.matching.config import DEFAULT_CONFIG, ScorerConfig
from clearance.screening.engine import Engine

_TYPES = {"line": "long", "hits": "long", "score": "double"}
SCHEMA = ", ".join(f"{c} {_TYPES.get(c, 'string')}" for c in (*OUTPUT_COLUMNS, "reject_reason"))


class WorkerEngines:
    """In each Python worker process, by broadcast (a key minted with it on the driver: PySpark gives a
    broadcast no public id): the engine, held weakly so that it lives exactly as long as PySpark keeps
    the broadcast's value in this process (until the driver drops the broadcast), not for the life of a
    reused worker; how many times this process loaded it (once, unless Spark dropped and re-sent the
    broadcast); and how many partitions it screened with it. PySpark offers no per-process hook but the
    module itself, so one instance lives at module level (`WORKER`)."""

    def __init__(self) -> None:
        self.engines: weakref.WeakValueDictionary[str, Engine] = weakref.WeakValueDictionary()
        self.loads: Counter[str] = Counter()
        self.partitions: Counter[str] = Counter()


WORKER = WorkerEngines()


def _code_version() -> str:
    """A digest of the clearance source this process runs (read through importlib, so that a package
    shipped as a zip with --py-files counts too). A pickled engine holds the inner state of its index,
    which only the same code reads correctly: each worker checks its digest against the driver's."""
    digest = hashlib.sha256()

    def walk(folder: Any, prefix: str) -> None:
        for item in sorted(folder.iterdir(), key=lambda item: item.name):
            if item.is_dir():
                walk(item, f"{prefix}{item.name}/")
            elif item.name.endswith(".py"):
                digest.update(f"{prefix}{item.name}".encode() + b"\0" + item.read_bytes() + b"\0")

    walk(resources.files("clearance"), "")
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()  # when this module is imported, just after the engine's modules


class SparkMissing(ClearanceError):
    """PySpark is not installed."""


def _require_pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError:
        raise SparkMissing(
            "the Spark engine needs PySpark and Java: pip install 'clearance[spark]'"
        ) from None
    return pyspark.sql


def session(master: str = "local[*]", *, app_name: str = "clearance") -> Any:
    """A Spark session whose Python workers run this interpreter (so they can import clearance)."""
    sql = _require_pyspark()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        sql.SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )


def _engine(key: str, code: str, broadcast: Any) -> Engine:
    """In a worker: the broadcast engine, loaded on this process's first task and kept for the others."""
    engine = WORKER.engines.get(key)
    if engine is None:
        if code != CODE_VERSION:
            raise ClearanceError(
                f"the Spark workers run other clearance code ({CODE_VERSION}) than the driver ({code}): "
                "install the same clearance on the driver and the executors"
            )
        engine = broadcast.value  # unpickled here, once per process, by PySpark
        WORKER.engines[key] = engine
        WORKER.loads[key] += 1
    return engine


def screen(
    df: Any,
    *,
    name_col: str = "name",
    kind_col: str | None = None,
    date_col: str | None = None,
    id_col: str | None = None,
    activity_col: str | None = None,
    kind: str = "party",
    as_of: date | datetime | str | None = None,
    activity: str = "any",
    lists: Sequence[str | Path] = (),
    home: str | Path | None = None,
    config: ScorerConfig = DEFAULT_CONFIG,
) -> Any:
    """Screen every row of a Spark DataFrame; see the module's doc."""
    job = BatchJob(
        input=Path("."),
        output=Path("."),
        name_col=name_col,
        kind_col=kind_col,
        date_col=date_col,
        id_col=id_col,
        activity_col=activity_col,
        kind=kind,
        as_of=as_of,
        activity=activity,
        lists=[Path(p) for p in lists],
        home=Path(home) if home else None,
        config=config,
    )
    return screen_job(df, job)


def screen_job(df: Any, job: BatchJob) -> Any:
    """Screen a DataFrame with the settings of a batch job (its input and output are not used). The
    engine is built here, on the driver, and broadcast; the DataFrame returned is lazy as usual."""
    functions = _require_pyspark().functions
    job.check()
    dataset = load_dataset(lists=job.lists, home=job.home, lists_as_of=job.lists_as_of)
    engine = Engine(dataset, config=job.config, time_limit=time_limit())
    as_of = job.as_of.isoformat() if isinstance(job.as_of, date | datetime) else job.as_of
    job = replace(job, as_of=as_of, lists=(), home=None)  # the workers get the engine, not the paths
    if job.id_col is None:  # Spark has no line numbers: give each row an id to join the decision back
        job.id_col = "_clearance_row"
        df = df.withColumn(job.id_col, functions.monotonically_increasing_id().cast("string"))
    broadcast, key, code = df.sparkSession.sparkContext.broadcast(engine), uuid.uuid4().hex, CODE_VERSION

    def process(batches: Iterator[Any]) -> Iterator[Any]:
        return _screen_partition(key, code, broadcast, job, batches)

    return df.mapInArrow(process, SCHEMA)


def _screen_partition(
    key: str, code: str, broadcast: Any, job: BatchJob, batches: Iterator[Any]
) -> Iterator[Any]:
    """In a worker: one partition's Arrow batches in, decision records out. A module function, not part
    of the closure Spark ships, so that it counts in this module's state and not in a copy of it."""
    import pyarrow as pa

    types = {"string": pa.string(), "long": pa.int64(), "double": pa.float64()}
    schema = pa.schema([(c, types[_TYPES.get(c, "string")]) for c in (*OUTPUT_COLUMNS, "reject_reason")])
    engine = _engine(key, code, broadcast)
    WORKER.partitions[key] += 1
    decisions = DecisionCache(engine)  # a partition's recurring counterparties are screened once
    for batch in batches:
        out = []
        for fields in batch.to_pylist():
            record, reject = screen_row(job, engine, 0, fields, decisions=decisions)
            out.append(record | {"reject_reason": None} if record else _rejected(reject or {}))
        for row in out:
            row["line"] = None  # Spark rows have ids, not lines
        yield pa.RecordBatch.from_pylist(out, schema=schema)


def _rejected(reject: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(OUTPUT_COLUMNS)
    row.update({"row_id": reject.get("row_id"), "line": reject.get("line"), "hits": 0, "score": 0.0})
    row["reject_reason"] = reject.get("reason")
    return row


def screen_files(job: BatchJob, *, master: str = "local[*]") -> dict[str, int]:
    """`clearance batch --engine spark`: read the job's input (CSV with a header, JSON lines or Parquet)
    into Spark, screen it, write the decisions with `reject_reason` to `job.output` (a folder of parts,
    replaced), and return the count of rows per decision, rejected rows under "rejected"."""
    spark = session(master)
    try:
        fmt, out_fmt = job.input_format(), job.output_format()
        reader = spark.read.option("header", True) if fmt == "csv" else spark.read
        df = {"csv": reader.csv, "jsonl": reader.json, "parquet": reader.parquet}[fmt](str(job.input))
        result = screen_job(df, job).select(*OUTPUT_COLUMNS, "reject_reason").cache()
        writer = result.write.mode("overwrite")
        write = {"csv": writer.option("header", True).csv, "jsonl": writer.json, "parquet": writer.parquet}
        write[out_fmt](str(job.output))
        rows = result.groupBy("decision").count().collect()
        return {r["decision"] or "rejected": r["count"] for r in rows}
    finally:
        spark.stop()
