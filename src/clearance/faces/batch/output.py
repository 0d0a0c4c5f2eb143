"""Writing a batch's files: each chunk's rows, already encoded by the process that screened them (a CSV
or JSON line, or a record for Parquet), appended in input order with its rejects.

CSV is encoded by the standard library's `csv` module (minimal quoting), one line at a time, so that a
line can be made once for a decision and kept (`decisions.Decided`)."""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearance.faces.batch.job import OUTPUT_COLUMNS, REJECT_COLUMNS, AccountingError, BatchJob, OutputError
from clearance.faces.batch.rows import pyarrow_parquet


class _Echo:
    """A stand-in file whose `write` hands back the text it is given (`str` of a string is that string):
    a csv writer over it returns each line it encodes instead of keeping it."""

    write = str


# The csv module's writer, which keeps nothing between rows. Its lines end in "\r\n" so that a field
# holding a lone "\r" is quoted too (with "\n" alone, Python 3.11's writer leaves it bare, and a reader
# would end the row there); `csv_line` puts the end it is asked for in place of that "\r\n".
_ENCODER = csv.writer(_Echo(), lineterminator="\r\n")


def csv_line(fields: Iterable[Any], *, end: str = "\n") -> str:
    """Fields as one line of CSV, as the csv module writes them, ending in `end` (a newline, or a comma
    when more fields follow)."""
    line: str = _ENCODER.writerow(fields)
    return line[:-2] + end


def output_header(fmt: str) -> str:
    """The first line of an output file: the columns' names for CSV, nothing for JSON lines."""
    return csv_line(OUTPUT_COLUMNS) if fmt == "csv" else ""


REJECTS_HEADER = csv_line(REJECT_COLUMNS)


@dataclass
class Chunk:
    """Rows screened in a worker: each row's output already encoded (a CSV or JSON line, or a record
    for Parquet; None for a row rejected), the rejects, and what the summary needs, so that the parent
    only puts them in order and writes."""

    outputs: list[str | dict[str, Any] | None] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    data_versions: dict[str, str] | None = None
    internal: int = 0  # rows rejected by a fault of our own (their screening raised)

    @staticmethod
    def merged(size: int, parts: Sequence[tuple[Sequence[int], Chunk]]) -> Chunk:
        """One chunk of `size` rows from parts screened apart, each with the positions of its rows."""
        out = Chunk(outputs=[None] * size)
        for positions, part in parts:
            for position, output in zip(positions, part.outputs, strict=True):
                out.outputs[position] = output
            out.rejects.extend(part.rejects)
            out.rows += part.rows
            out.internal += part.internal
            out.decisions.update(part.decisions)
            out.data_versions = out.data_versions or part.data_versions
        out.rejects.sort(key=lambda r: int(r["line"]))  # lines (or Parquet row numbers) follow the input
        return out

    def check(self, size: int) -> None:
        """Raise `AccountingError` unless each of the `size` rows read is decided (one output) or
        rejected, and never both."""
        written = sum(1 for output in self.outputs if output is not None)
        if not (len(self.outputs) == size == written + len(self.rejects) and written == self.rows):
            raise AccountingError(
                f"{size:,} rows read in a chunk, {written:,} decided and {len(self.rejects):,} rejected: "
                "the chunk is not written (a fault of clearance's own); every chunk before it is"
            )

    def text(self) -> str:
        return "".join(o for o in self.outputs if isinstance(o, str))

    def records(self) -> list[dict[str, Any]]:
        return [o for o in self.outputs if isinstance(o, dict)]


class Writer:
    """Appends chunks to the job's output (a CSV or JSON lines file, or a folder of Parquet parts, of
    which `parts` are already written) and their rejects to the rejects file. The files are made ready
    first (`progress.reset_outputs`)."""

    def __init__(self, job: BatchJob, *, parts: int = 0) -> None:
        self.job = job
        self.fmt = job.output_format()
        self.parts = parts

    def write(self, chunk: Chunk) -> None:
        """Append a chunk's rows and rejects. Raises `OutputError` when a file cannot be written (a full
        disk): what was appended after the last progress record is cut away when the run is resumed."""
        if self.fmt == "parquet":
            records = chunk.records()
            if records:
                import pyarrow as pa

                pq = pyarrow_parquet()
                part = self.job.output / f"part-{self.parts:05d}.parquet"
                with writing(part):
                    pq.write_table(pa.Table.from_pylist(records), part)
            self.parts += 1
        else:
            _append_text(self.job.output, chunk.text())
        _append_text(self.job.rejects_path(), "".join(_reject_line(r) for r in chunk.rejects))

    def sizes(self) -> tuple[int, int]:
        """The bytes in the output (0 for a folder of Parquet parts) and in the rejects file."""
        out = 0 if self.fmt == "parquet" else self.job.output.stat().st_size
        return out, self.job.rejects_path().stat().st_size


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn an `OSError` while `path` is written (a full disk, no permission) into a one-line
    `OutputError` naming the file."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise OutputError(f"cannot write {path}: {reason}") from exc


def _reject_line(reject: dict[str, Any]) -> str:
    return csv_line(reject.get(column, "") for column in REJECT_COLUMNS)


def _append_text(path: Path, text: str) -> None:
    with writing(path), path.open("ab") as f:
        f.write(text.encode("utf-8", errors="surrogateescape"))
        f.flush()
        os.fsync(f.fileno())
