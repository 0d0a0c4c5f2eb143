"""Reading a batch's input: its rows as read (`Raw`), checked and decoded (`Row`), in chunks.

A CSV row is its values, a JSON line its bytes, a Parquet row its record; `parse_row` decodes one into
its fields or says why it cannot. Screening processes read the input themselves (see `workers`)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from clearance.errors import InputError
from clearance.faces.batch.job import FORMATS, BatchJob

Row = tuple[int, dict[str, Any] | None, str | None]  # line, fields (None when unreadable), problem
# A row as read, before it is checked and decoded: its line and its CSV values, JSON text or Parquet
# record. Reading only splits the input into these; screening decodes them (`parse_row`).
Raw = tuple[int, Any]


class Source:
    """An input file's rows, as read: `header` (CSV), then `raws`."""

    def __init__(self, path: Path, fmt: str) -> None:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if fmt not in FORMATS:
            raise InputError(f"unknown input format '{fmt}': use one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.header: tuple[str, ...] = ()
        if fmt == "csv":
            self._file = path.open("r", encoding="utf-8", errors="surrogateescape", newline="")
            self._reader = csv.reader(self._file)
            first = next(self._reader, None)
            if first:
                self.header = (first[0].lstrip("\ufeff"), *first[1:])
        self.raws: Iterator[Raw] = {"csv": self._csv, "jsonl": self._jsonl, "parquet": self._parquet}[fmt](
            path
        )

    def _csv(self, path: Path) -> Iterator[Raw]:
        line = self._reader.line_num
        with self._file:
            for values in self._reader:
                start, line = line + 1, self._reader.line_num
                if "".join(values).strip():  # blank lines are not rows
                    yield start, values

    def _jsonl(self, path: Path) -> Iterator[Raw]:
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                if raw.strip():
                    yield number, raw

    def _parquet(self, path: Path) -> Iterator[Raw]:
        pq = pyarrow_parquet()
        number = 0
        files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
        for file in files:
            for batch in pq.ParquetFile(file).iter_batches(batch_size=10_000):
                for record in batch.to_pylist():
                    number += 1
                    yield number, record


def parse_row(fmt: str, header: Sequence[str], raw: Raw) -> Row:
    """A row as read, checked and decoded into its fields, or the reason it cannot be."""
    number, value = raw
    if fmt == "csv":
        if len(value) != len(header):
            return number, None, f"{len(value)} fields where the header has {len(header)}"
        try:
            "\x00".join(value).encode("utf-8")  # undecodable bytes were kept as surrogates
        except UnicodeEncodeError:
            return number, None, "bytes that are not UTF-8"
        return number, dict(zip(header, value, strict=True)), None
    if fmt == "jsonl":
        try:
            doc = json.loads(value.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return number, None, f"not a JSON line ({exc.__class__.__name__})"
        if not isinstance(doc, dict):
            return number, None, "a JSON line must be an object"
        return number, doc, None
    return number, value, None


def read_rows(path: Path, fmt: str) -> Iterator[Row]:
    """Every data row with its line (CSV, JSON lines) or row number (Parquet); bad rows with the reason."""
    source = Source(path, fmt)
    for raw in source.raws:
        yield parse_row(fmt, source.header, raw)


def source_after(job: BatchJob, done: int) -> Source:
    """The job's input, its first `done` rows (written by an earlier run) skipped."""
    source = Source(job.input, job.input_format())
    for _ in range(done):
        next(source.raws, None)
    return source


def in_chunks(raws: Iterator[Raw], size: int) -> Iterator[list[Raw]]:
    """Rows in lists of `size` (the last one shorter)."""
    chunk: list[Raw] = []
    for raw in raws:
        chunk.append(raw)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def pyarrow_parquet() -> Any:
    """`pyarrow.parquet`, or an input error saying how to install it."""
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - the dev install has it
        raise InputError("Parquet needs pyarrow: pip install 'clearance[parquet]'") from None
    return pq
