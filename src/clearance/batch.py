"""Batch screening: a file of parties in, one decision record per row out, with rejects and resume.

    summary = run(BatchJob(input=Path("payments.csv"), output=Path("decisions.csv"), name_col="payee"))

* Input: CSV (with a header row), JSON lines, or Parquet; format from the file name or `fmt`.
* Each row keeps its id (`id_col`, else its line number) and gets: decision, best hit (entity id, name,
  matched name, list), score, the measures on the hit with their states, and the data versions.
* A bad row (no name, an impossible date, an unknown kind, a control character, undecodable bytes,
  broken JSON) goes to the rejects file with its line number and reason; the batch goes on.
* Rows are screened in chunks by `workers` processes (each builds its own engine once); chunks are
  written in input order, and after each one a progress record is replaced atomically. A batch killed
  halfway resumes (`resume=True`) from the last chunk written and produces the same output as a run
  that was never interrupted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from clearance.engine import Engine, Result
from clearance.errors import ClearanceError, InputError
from clearance.model import severity

FORMATS = ("csv", "jsonl", "parquet")
OUTPUT_COLUMNS = (
    "row_id", "line", "name", "kind", "as_of", "activity", "decision", "hits", "best_entity_id",
    "best_name", "best_matched_name", "best_lists", "score", "measures", "data_versions",
)  # fmt: skip
REJECT_COLUMNS = ("line", "row_id", "reason", "row")


@dataclass
class BatchJob:
    """What to screen and how. Column names refer to the input's header (CSV, Parquet) or keys (JSON)."""

    input: Path
    output: Path
    name_col: str = "name"
    kind_col: str | None = None
    date_col: str | None = None
    id_col: str | None = None
    activity_col: str | None = None
    kind: str = "party"
    as_of: date | datetime | str | None = None
    activity: str = "any"
    fmt: str | None = None
    output_fmt: str | None = None
    rejects: Path | None = None
    workers: int = 1
    chunk_size: int = 2000
    resume: bool = False
    lists: Sequence[Path] = ()
    home: Path | None = None

    def input_format(self) -> str:
        return self.fmt or _format_of(self.input)

    def output_format(self) -> str:
        return self.output_fmt or _format_of(self.output)

    def rejects_path(self) -> Path:
        return self.rejects or self.output.with_name(self.output.name + ".rejects.csv")

    def progress_path(self) -> Path:
        return self.output.with_name(self.output.name + ".progress.json")


@dataclass
class Summary:
    rows: int = 0
    rejected: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    resumed_from: int = 0
    data_versions: dict[str, str] = field(default_factory=dict)

    @property
    def worst(self) -> str:
        return max(self.decisions, key=severity) if self.decisions else "clear"

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["decisions"] = dict(self.decisions)
        doc["rows_per_second"] = round(self.rows / self.seconds, 1) if self.seconds else None
        doc["worst"] = self.worst
        return doc


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("parquet", "pq") or path.is_dir():
        return "parquet"
    raise InputError(f"{path}: cannot tell the format from the name; say --format csv, jsonl or parquet")


# -- reading -------------------------------------------------------------------------------------------

Row = tuple[int, dict[str, Any] | None, str | None]  # line, fields (None when unreadable), problem


def read_rows(path: Path, fmt: str) -> Iterator[Row]:
    """Every data row with its line (CSV, JSON lines) or row number (Parquet); bad rows with the reason."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if fmt == "csv":
        yield from _csv_rows(path)
    elif fmt == "jsonl":
        yield from _jsonl_rows(path)
    elif fmt == "parquet":
        yield from _parquet_rows(path)
    else:
        raise InputError(f"unknown input format '{fmt}': use one of {', '.join(FORMATS)}")


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open("r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            return
        header[0] = header[0].lstrip("\ufeff")
        line = reader.line_num
        for values in reader:
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield start, None, f"{len(values)} fields where the header has {len(header)}"
                continue
            try:
                "\x00".join(values).encode("utf-8")  # undecodable bytes were kept as surrogates
            except UnicodeEncodeError:
                yield start, None, "bytes that are not UTF-8"
                continue
            yield start, dict(zip(header, values, strict=True)), None


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                doc = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield number, None, f"not a JSON line ({exc.__class__.__name__})"
                continue
            if not isinstance(doc, dict):
                yield number, None, "a JSON line must be an object"
                continue
            yield number, doc, None


def _parquet_rows(path: Path) -> Iterator[Row]:
    pq = _pyarrow_parquet()
    number = 0
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    for file in files:
        for batch in pq.ParquetFile(file).iter_batches(batch_size=10_000):
            for record in batch.to_pylist():
                number += 1
                yield number, record, None


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - the dev install has it
        raise InputError("Parquet needs pyarrow: pip install 'clearance[parquet]'") from None
    return pq


# -- screening -----------------------------------------------------------------------------------------

_ENGINE: Engine | None = None


def _init_worker(lists: Sequence[Path], home: Path | None) -> None:
    global _ENGINE
    _ENGINE = Engine.default(lists=list(lists), home=home)


def _screen_chunk(job: BatchJob, rows: list[Row]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Screen one chunk: decision records and rejects, both in input order."""
    assert _ENGINE is not None
    records, rejects = [], []
    for line, fields, problem in rows:
        record, reject = screen_row(job, _ENGINE, line, fields, problem)
        if record is not None:
            records.append(record)
        if reject is not None:
            rejects.append(reject)
    return records, rejects


def screen_row(
    job: BatchJob, engine: Engine, line: int, fields: dict[str, Any] | None, problem: str | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """One row: its decision record, or its reject (line, row id, reason). Shared with the Spark path."""
    row_id = str(fields.get(job.id_col, "")) if fields and job.id_col else str(line)
    if fields is None:
        return None, {"line": line, "row_id": row_id, "reason": problem, "row": ""}
    try:
        return _record(job, engine, line, row_id, fields), None
    except ClearanceError as exc:
        return None, {"line": line, "row_id": row_id, "reason": str(exc), "row": _short(fields)}


def _short(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, ensure_ascii=False, default=str)
    return text if len(text) <= 500 else text[:497] + "..."


def _value(fields: dict[str, Any], col: str | None, default: Any) -> Any:
    if not col:
        return default
    value = fields.get(col)
    return default if value in (None, "") else value


def _record(job: BatchJob, engine: Engine, line: int, row_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    if job.name_col not in fields:
        raise InputError(f"no column '{job.name_col}' (say which with --name-col)")
    name = fields[job.name_col]
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    kind = str(_value(fields, job.kind_col, job.kind))
    activity = str(_value(fields, job.activity_col, job.activity))
    as_of = _value(fields, job.date_col, job.as_of)
    if isinstance(as_of, datetime | date):
        as_of = as_of.isoformat()
    result = engine.screen(name, kind=kind, as_of=as_of, activity=activity)
    return _result_record(row_id, line, result)


_VERSIONS: dict[tuple[tuple[str, str], ...], str] = {}


def _versions_json(versions: dict[str, str]) -> str:
    """The same few versions on every row: encode them once."""
    key = tuple(sorted(versions.items()))
    text = _VERSIONS.get(key)
    if text is None:
        text = _VERSIONS[key] = json.dumps(dict(key), sort_keys=True)
    return text


def _result_record(row_id: str, line: int, result: Result) -> dict[str, Any]:
    best = result.hits[0] if result.hits else None
    return {
        "row_id": row_id,
        "line": line,
        "name": result.query,
        "kind": result.kind,
        "as_of": result.as_of.isoformat(),
        "activity": result.activity,
        "decision": result.decision,
        "hits": len(result.hits),
        "best_entity_id": best.entity.id if best else "",
        "best_name": best.entity.name if best else "",
        "best_matched_name": best.matched_name if best else "",
        "best_lists": ";".join(best.entity.lists) if best else "",
        "score": best.score if best else 0.0,
        "measures": ";".join(f"{f.state.measure.id}:{f.state.state}:{f.effect}" for f in best.findings)
        if best
        else "",
        "data_versions": _versions_json(result.data_versions),
    }


# -- writing and resuming ------------------------------------------------------------------------------


def _fingerprint(job: BatchJob) -> str:
    """What makes two runs the same run: the input's identity and every setting that changes output."""
    stat = job.input.stat()
    settings = {k: str(v) for k, v in asdict(job).items() if k not in ("workers", "resume", "chunk_size")}
    return hashlib.sha256(
        json.dumps(
            [str(job.input.resolve()), stat.st_size, stat.st_mtime_ns, settings], sort_keys=True
        ).encode()
    ).hexdigest()


class _Writer:
    """Appends records to the output (CSV or JSON lines, or a folder of Parquet parts) and rejects."""

    def __init__(self, job: BatchJob, progress: dict[str, Any] | None) -> None:
        self.job = job
        self.fmt = job.output_format()
        self.parts = int(progress["parts"]) if progress else 0
        if self.fmt == "parquet":
            job.output.mkdir(parents=True, exist_ok=True)
            for stale in job.output.glob("part-*.parquet"):
                if int(stale.stem.split("-")[1]) >= self.parts:
                    stale.unlink()  # written after the last progress record: not part of the output
        else:
            self._truncate(job.output, progress["output_bytes"] if progress else 0, self._header())
        self._truncate(
            job.rejects_path(), progress["rejects_bytes"] if progress else 0, self._reject_header()
        )

    def _header(self) -> bytes:
        if self.fmt != "csv":
            return b""
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(OUTPUT_COLUMNS)
        return buf.getvalue().encode()

    @staticmethod
    def _reject_header() -> bytes:
        return (",".join(REJECT_COLUMNS) + "\n").encode()

    @staticmethod
    def _truncate(path: Path, size: int, header: bytes) -> None:
        if size:
            with path.open("r+b") as f:
                f.truncate(size)
        else:
            path.write_bytes(header)

    def write(self, records: list[dict[str, Any]], rejects: list[dict[str, Any]]) -> None:
        if self.fmt == "parquet":
            if records:
                import pyarrow as pa

                pq = _pyarrow_parquet()
                pq.write_table(
                    pa.Table.from_pylist(records), self.job.output / f"part-{self.parts:05d}.parquet"
                )
            self.parts += 1
        else:
            _append(self.job.output, records, self.fmt, OUTPUT_COLUMNS)
        _append(self.job.rejects_path(), rejects, "csv", REJECT_COLUMNS)

    def sizes(self) -> tuple[int, int]:
        out = 0 if self.fmt == "parquet" else self.job.output.stat().st_size
        return out, self.job.rejects_path().stat().st_size


def _append(path: Path, records: list[dict[str, Any]], fmt: str, columns: Sequence[str]) -> None:
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
        writer.writerows(records)
    else:
        for record in records:
            buf.write(json.dumps(record, ensure_ascii=False) + "\n")
    with path.open("ab") as f:
        f.write(buf.getvalue().encode("utf-8", errors="surrogateescape"))
        f.flush()
        os.fsync(f.fileno())


def _save_progress(job: BatchJob, doc: dict[str, Any]) -> None:
    tmp = job.progress_path().with_suffix(".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, job.progress_path())


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(job: BatchJob, on_chunk: Callable[[Summary], None] | None = None) -> Summary:
    """Screen every row of `job.input` into `job.output`. `on_chunk` sees the running summary after each
    chunk is written (the CLI's progress bar)."""
    for fmt in (job.input_format(), job.output_format()):
        if fmt not in FORMATS:
            raise InputError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    if not job.input.exists():
        raise InputError(f"{job.input}: no such file or folder")
    fingerprint = _fingerprint(job)
    progress = _load_progress(job, fingerprint) if job.resume else None
    summary = Summary()
    if progress:
        summary = Summary(
            progress["rows"],
            progress["rejected"],
            Counter(progress["decisions"]),
            resumed_from=progress["rows_done"],
            data_versions=progress["data_versions"],
        )
    writer = _Writer(job, progress)
    done = progress["rows_done"] if progress else 0
    rows = read_rows(job.input, job.input_format())
    for _ in range(done):
        next(rows, None)
    global _ENGINE
    if job.workers <= 1 or os.name == "posix":  # with fork, workers share this engine copy-on-write
        _ENGINE = Engine.default(lists=list(job.lists), home=job.home)
    start = time.perf_counter()
    chunks = ((job, chunk) for chunk in _chunks(rows, job.chunk_size))
    for (records, rejects), size in _map(job, chunks):
        writer.write(records, rejects)
        done += size
        summary.rows += len(records)
        summary.rejected += len(rejects)
        summary.decisions.update(r["decision"] for r in records)
        if records and not summary.data_versions:
            summary.data_versions = json.loads(records[0]["data_versions"])
        out_bytes, rej_bytes = writer.sizes()
        _save_progress(job, {
            "fingerprint": fingerprint, "rows_done": done, "output_bytes": out_bytes,
            "rejects_bytes": rej_bytes, "parts": writer.parts, "rows": summary.rows,
            "rejected": summary.rejected, "decisions": dict(summary.decisions),
            "data_versions": summary.data_versions, "finished": False,
        })  # fmt: skip
        summary.seconds = time.perf_counter() - start
        if on_chunk:
            on_chunk(summary)
    summary.seconds = time.perf_counter() - start
    final = json.loads(job.progress_path().read_text()) if job.progress_path().exists() else {}
    _save_progress(job, {**final, "fingerprint": fingerprint, "finished": True})
    return summary


def _map(job: BatchJob, chunks: Iterator[tuple[BatchJob, list[Row]]]) -> Iterator[Any]:
    """Screen chunks in order: in this process for one worker, else in a pool (with fork the workers
    share the engine built in `run`; otherwise each builds its own)."""
    fork = os.name == "posix"
    if job.workers <= 1:
        yield from map(_screen_star, chunks)
        return
    context = get_context("fork" if fork else "spawn")
    init, args = (None, ()) if fork else (_init_worker, (list(job.lists), job.home))
    with context.Pool(job.workers, initializer=init, initargs=args) as pool:
        yield from pool.imap(_screen_star, chunks)


def _screen_star(
    args: tuple[BatchJob, list[Row]],
) -> tuple[tuple[list[dict[str, Any]], list[dict[str, Any]]], int]:
    job, chunk = args
    return _screen_chunk(job, chunk), len(chunk)


def _load_progress(job: BatchJob, fingerprint: str) -> dict[str, Any] | None:
    path = job.progress_path()
    if not path.exists():
        return None
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("fingerprint") != fingerprint:
        raise InputError(
            f"{path}: it records a run with another input or other settings; "
            "delete it or run without --resume"
        )
    return doc
