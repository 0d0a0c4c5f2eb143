"""Screening on Spark, when one machine is not enough: the same decisions as `clearance batch`.

    from clearance.spark import screen
    decisions = screen(df, name_col="payee", date_col="value_date", id_col="ref")

`screen` returns a DataFrame with the columns of `clearance batch`'s output plus `reject_reason` (a row
that cannot be screened is kept, with the reason, never dropped). It runs as `mapInArrow`: each Python
worker builds the engine once (the built-in data and the given list files, which must be readable on
every executor) and keeps it for all the batches it is given; no cross join, no shuffle.

PySpark is an optional extra: `pip install 'clearance[spark]'`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clearance.batch import OUTPUT_COLUMNS, BatchJob, screen_row
from clearance.engine import Engine
from clearance.errors import ClearanceError

_TYPES = {"line": "long", "hits": "long", "score": "double"}
SCHEMA = ", ".join(f"{c} {_TYPES.get(c, 'string')}" for c in (*OUTPUT_COLUMNS, "reject_reason"))
_ENGINES: dict[tuple[tuple[str, ...], str | None], Engine] = {}


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


def session(master: str = "local[*]", app_name: str = "clearance") -> Any:
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


def _engine(lists: tuple[str, ...], home: str | None) -> Engine:
    key = (lists, home)
    if key not in _ENGINES:
        _ENGINES[key] = Engine.default(lists=[Path(p) for p in lists], home=Path(home) if home else None)
    return _ENGINES[key]


def screen(
    df: Any,
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
    )
    return screen_job(df, job)


def screen_job(df: Any, job: BatchJob) -> Any:
    """Screen a DataFrame with the settings of a batch job (its input and output are not used)."""
    functions = _require_pyspark().functions
    job = replace(job, as_of=job.as_of.isoformat() if isinstance(job.as_of, date | datetime) else job.as_of)
    if job.id_col is None:  # Spark has no line numbers: give each row an id to join the decision back
        job.id_col = "_clearance_row"
        df = df.withColumn(job.id_col, functions.monotonically_increasing_id().cast("string"))
    list_paths = tuple(str(Path(p).resolve()) for p in job.lists)
    home_path = str(job.home) if job.home else None

    def process(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        types = {"string": pa.string(), "long": pa.int64(), "double": pa.float64()}
        schema = pa.schema([(c, types[_TYPES.get(c, "string")]) for c in (*OUTPUT_COLUMNS, "reject_reason")])
        engine = _engine(list_paths, home_path)
        for batch in batches:
            out = []
            for fields in batch.to_pylist():
                record, reject = screen_row(job, engine, 0, fields)
                out.append(record | {"reject_reason": None} if record else _rejected(reject or {}))
            for row in out:
                row["line"] = None  # Spark rows have ids, not lines
            yield pa.RecordBatch.from_pylist(out, schema=schema)

    return df.mapInArrow(process, SCHEMA)


def _rejected(reject: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(OUTPUT_COLUMNS)
    row.update({"row_id": reject.get("row_id"), "line": reject.get("line"), "hits": 0, "score": 0.0})
    row["reject_reason"] = reject.get("reason")
    return row
