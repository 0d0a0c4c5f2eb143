"""Batch screening: a file of parties in, one decision record per row out, with rejects and resume.

    summary = run(BatchJob(input=Path("payments.csv"), output=Path("decisions.csv"), name_col="payee"))

* Input: CSV (with a header row), JSON lines, or Parquet; format from the file name or `fmt`.
* Each row keeps its id (`id_col`, else its line number) and gets: decision, best hit (entity id, name,
  matched name, list), score, the measures on the hit with their states, and the data versions.
* A bad row (no name, an impossible date, an unknown kind, a control character, undecodable bytes,
  broken JSON) goes to the rejects file with its line number and reason; the batch goes on.
* Rows are screened in chunks by `workers` processes, which share the engine built once (forked) and
  each read the input and screen their share of every chunk, split by name; chunks are written in
  input order, and after each one a progress record is replaced atomically. A batch killed
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
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from multiprocessing import get_context
from pathlib import Path
from queue import Empty, Full
from typing import Any

from clearance.datasets.loading import load_dataset
from clearance.domain.enums import Decision
from clearance.errors import ClearanceError, InputError
from clearance.perf import Recent, quiet_heap, settle_heap
from clearance.screening.engine import Engine
from clearance.screening.results import Result
from clearance.screening.validate import parse_as_of

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
        return Decision.most_severe([Decision(d) for d in self.decisions])

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
# A row as read, before it is checked and decoded: its line and its CSV values, JSON text or Parquet
# record. The parent process only splits the input into these; workers decode them (`parse_row`).
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
        pq = _pyarrow_parquet()
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
    _ENGINE = Engine(load_dataset(lists=lists, home=home))
    settle_heap()


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

    @staticmethod
    def merged(size: int, parts: Sequence[tuple[Sequence[int], Chunk]]) -> Chunk:
        """One chunk of `size` rows from parts screened apart, each with the positions of its rows."""
        out = Chunk(outputs=[None] * size)
        for positions, part in parts:
            for position, output in zip(positions, part.outputs, strict=True):
                out.outputs[position] = output
            out.rejects.extend(part.rejects)
            out.rows += part.rows
            out.decisions.update(part.decisions)
            out.data_versions = out.data_versions or part.data_versions
        out.rejects.sort(key=lambda r: int(r["line"]))  # lines (or Parquet row numbers) follow the input
        return out

    def text(self) -> str:
        return "".join(o for o in self.outputs if isinstance(o, str))

    def records(self) -> list[dict[str, Any]]:
        return [o for o in self.outputs if isinstance(o, dict)]


def _screen_chunk(job: BatchJob, header: Sequence[str], raws: Sequence[Raw]) -> Chunk:
    """Decode and screen rows: their outputs and rejects, in input order."""
    with quiet_heap():
        return _screened(job, header, raws)


def _screened(job: BatchJob, header: Sequence[str], raws: Sequence[Raw]) -> Chunk:
    assert _ENGINE is not None
    fmt_in, fmt = job.input_format(), job.output_format()
    default_as_of = job.as_of if job.as_of not in (None, "") else parse_as_of(None).isoformat()
    remembered = _remembered(_ENGINE)
    quick = _CsvColumns.of(job, header, default_as_of) if fmt_in == "csv" else None
    chunk = Chunk()
    outputs = chunk.outputs
    decisions: dict[str, int] = {}
    for raw in raws:
        # a CSV row whose decision is remembered goes straight to its output (most rows of a payment file)
        seen = quick.remembered(raw, remembered) if quick else None
        if seen is not None:
            line, row_id, decided = seen
        else:
            line, fields, problem = parse_row(fmt_in, header, raw)
            row_id = _row_id(job, line, fields)
            if fields is None:
                chunk.rejects.append({"line": line, "row_id": row_id, "reason": problem, "row": ""})
                outputs.append(None)
                continue
            try:
                decided = _decided(job, _ENGINE, fields, default_as_of)
            except ClearanceError as exc:
                chunk.rejects.append(
                    {"line": line, "row_id": row_id, "reason": str(exc), "row": _short(fields)}
                )
                outputs.append(None)
                continue
        decision = decided.values[4]
        decisions[decision] = decisions.get(decision, 0) + 1
        if fmt == "csv":
            outputs.append(f"{_csv_field(row_id)},{line},{decided.csv}")
        elif fmt == "jsonl":
            row_json = json.dumps(row_id, ensure_ascii=False)
            outputs.append(f'{{"row_id": {row_json}, "line": {line}, {decided.json}')
        else:
            outputs.append(decided.record(row_id, line))
    chunk.decisions.update(decisions)
    chunk.rows = sum(decisions.values())
    if chunk.rows:
        chunk.data_versions = dict(_ENGINE.dataset.versions)
    return chunk


@dataclass(frozen=True)
class _CsvColumns:
    """Where a job's columns are in a CSV header, to find a row's remembered decision without decoding
    the row into fields."""

    width: int
    name: int
    kind: int | None
    date: int | None
    activity: int | None
    row_id: int | None
    job: BatchJob
    default_as_of: Any

    @classmethod
    def of(cls, job: BatchJob, header: Sequence[str], default_as_of: Any) -> _CsvColumns | None:
        where = {column: i for i, column in enumerate(header)}
        if job.name_col not in where or (job.id_col and job.id_col not in where):
            return None  # the general path says what is wrong
        return cls(
            width=len(header),
            name=where[job.name_col],
            kind=where.get(job.kind_col or ""),
            date=where.get(job.date_col or ""),
            activity=where.get(job.activity_col or ""),
            row_id=where[job.id_col] if job.id_col else None,
            job=job,
            default_as_of=default_as_of,
        )

    def remembered(self, raw: Raw, decisions: dict[Any, Decided]) -> tuple[int, str, Decided] | None:
        line, values = raw
        if len(values) != self.width:
            return None
        job = self.job
        key = (
            values[self.name],
            (values[self.kind] if self.kind is not None else "") or job.kind,
            (values[self.date] if self.date is not None else "") or self.default_as_of,
            (values[self.activity] if self.activity is not None else "") or job.activity,
        )
        decided = decisions.get(key)
        if decided is None:
            return None
        try:
            "\x00".join(values).encode("utf-8")  # undecodable bytes: the general path rejects the row
        except UnicodeEncodeError:
            return None
        return line, values[self.row_id] if self.row_id is not None else str(line), decided


def screen_row(
    job: BatchJob, engine: Engine, line: int, fields: dict[str, Any] | None, problem: str | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """One row: its decision record, or its reject (line, row id, reason). Shared with the Spark path."""
    row_id = _row_id(job, line, fields)
    if fields is None:
        return None, {"line": line, "row_id": row_id, "reason": problem, "row": ""}
    try:
        return _decided(job, engine, fields, job.as_of).record(row_id, line), None
    except ClearanceError as exc:
        return None, {"line": line, "row_id": row_id, "reason": str(exc), "row": _short(fields)}


def _row_id(job: BatchJob, line: int, fields: dict[str, Any] | None) -> str:
    return str(fields.get(job.id_col, "")) if fields and job.id_col else str(line)


def _short(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, ensure_ascii=False, default=str)
    return text if len(text) <= 500 else text[:497] + "..."


def _value(fields: dict[str, Any], col: str | None, default: Any) -> Any:
    if not col:
        return default
    value = fields.get(col)
    return default if value in (None, "") else value


class Decided:
    """A row's output columns after its id and line, and their CSV or JSON encoding (made once, when
    first asked for)."""

    __slots__ = ("_csv", "_json", "values")

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values  # OUTPUT_COLUMNS[2:]
        self._csv: str | None = None
        self._json: str | None = None

    @property
    def csv(self) -> str:
        """The columns as the end of a CSV line, with its newline."""
        if self._csv is None:  # as the csv module writes them, without its writer's set-up per row
            self._csv = ",".join(_csv_field(v) if isinstance(v, str) else str(v) for v in self.values) + "\n"
        return self._csv

    @property
    def json(self) -> str:
        """The columns as the rest of a JSON object, with its closing brace and newline."""
        if self._json is None:
            self._json = (
                ", ".join(
                    f"{json.dumps(column)}: {json.dumps(value, ensure_ascii=False)}"
                    for column, value in zip(OUTPUT_COLUMNS[2:], self.values, strict=True)
                )
                + "}\n"
            )
        return self._json

    def record(self, row_id: str, line: int) -> dict[str, Any]:
        return {"row_id": row_id, "line": line, **dict(zip(OUTPUT_COLUMNS[2:], self.values, strict=True))}


# Decisions a worker remembers: enough for the distinct parties of a few million payments (each about
# half a kilobyte); beyond, the older half is forgotten and those names are screened again when they recur.
DECIDED_CACHE_SIZE = 250_000
_DECIDED: Recent[tuple[str, str, Any, str], Decided] = Recent(DECIDED_CACHE_SIZE)
_DECIDED_BY: list[Engine | None] = [None]


def _decided(job: BatchJob, engine: Engine, fields: dict[str, Any], default_as_of: Any) -> Decided:
    """A row's decision. Payment files repeat counterparties: the same name, kind, date and activity get
    the same decision, so it is remembered (per worker) for the most recent rows."""
    if job.name_col not in fields:
        raise InputError(f"no column '{job.name_col}' (say which with --name-col)")
    name = fields[job.name_col]
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    kind = str(_value(fields, job.kind_col, job.kind))
    activity = str(_value(fields, job.activity_col, job.activity))
    as_of = _value(fields, job.date_col, default_as_of)
    if isinstance(as_of, datetime | date):
        as_of = as_of.isoformat()
    key = (name, kind, as_of, activity)
    remembered = _remembered(engine)
    decided = remembered.get(key)
    if decided is None:
        decided = Decided(_columns(engine.screen(name, kind=kind, as_of=as_of, activity=activity)))
        remembered.remember(key, decided)
    return decided


def _remembered(engine: Engine) -> Recent[tuple[str, str, Any, str], Decided]:
    """The decisions remembered in this process, which hold for one engine (its data and thresholds)."""
    if _DECIDED_BY[0] is not engine:
        _DECIDED.clear()
        _DECIDED_BY[0] = engine
    return _DECIDED


def _columns(result: Result) -> tuple[Any, ...]:
    best = result.hits[0] if result.hits else None
    measures = (
        ";".join(f"{f.state.measure.id}:{f.state.state}:{f.effect}" for f in best.findings) if best else ""
    )
    return (
        result.query,
        result.kind,
        result.as_of.isoformat(),
        result.activity,
        result.decision,
        len(result.hits),
        best.entity.id if best else "",
        best.entity.name if best else "",
        best.matched_name if best else "",
        ";".join(best.entity.lists) if best else "",
        best.score if best else 0.0,
        measures,
        _versions_json(result.data_versions),
    )


def _csv_field(text: str) -> str:
    """A field as the csv module writes it (minimal quoting)."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


_VERSIONS: dict[tuple[tuple[str, str], ...], str] = {}


def _versions_json(versions: dict[str, str]) -> str:
    """The same few versions on every row: encode them once."""
    key = tuple(sorted(versions.items()))
    text = _VERSIONS.get(key)
    if text is None:
        text = _VERSIONS[key] = json.dumps(dict(key), sort_keys=True)
    return text


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

    def write(self, chunk: Chunk) -> None:
        if self.fmt == "parquet":
            records = chunk.records()
            if records:
                import pyarrow as pa

                pq = _pyarrow_parquet()
                pq.write_table(
                    pa.Table.from_pylist(records), self.job.output / f"part-{self.parts:05d}.parquet"
                )
            self.parts += 1
        else:
            _append_text(self.job.output, chunk.text())
        _append_text(self.job.rejects_path(), _csv_text(chunk.rejects, REJECT_COLUMNS))

    def sizes(self) -> tuple[int, int]:
        out = 0 if self.fmt == "parquet" else self.job.output.stat().st_size
        return out, self.job.rejects_path().stat().st_size


def _csv_text(records: list[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n").writerows(records)
    return buf.getvalue()


def _append_text(path: Path, text: str) -> None:
    with path.open("ab") as f:
        f.write(text.encode("utf-8", errors="surrogateescape"))
        f.flush()
        os.fsync(f.fileno())


def _save_progress(job: BatchJob, doc: dict[str, Any]) -> None:
    tmp = job.progress_path().with_suffix(".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, job.progress_path())


def _chunks(rows: Iterator[Raw], size: int) -> Iterator[list[Raw]]:
    chunk: list[Raw] = []
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
    global _ENGINE
    if job.workers <= 1 or START_METHOD == "fork":  # forked workers share this engine copy-on-write
        _ENGINE = Engine(load_dataset(lists=job.lists, home=job.home))
        _ENGINE.prepare()
        settle_heap()
    start = time.perf_counter()
    for chunk, size in _map(job, done):
        writer.write(chunk)
        done += size
        summary.rows += chunk.rows
        summary.rejected += len(chunk.rejects)
        summary.decisions.update(chunk.decisions)
        if chunk.data_versions and not summary.data_versions:
            summary.data_versions = dict(chunk.data_versions)
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


def _source_after(job: BatchJob, done: int) -> Source:
    """The input, its first `done` rows (written by an earlier run) skipped."""
    source = Source(job.input, job.input_format())
    for _ in range(done):
        next(source.raws, None)
    return source


def _map(job: BatchJob, done: int) -> Iterator[tuple[Chunk, int]]:
    """Screen the rows after the first `done`, yielding chunks in input order with their sizes as read."""
    if job.workers > 1:
        yield from _in_workers(job, done)
        return
    source = _source_after(job, done)
    for raws in _chunks(source.raws, job.chunk_size):
        yield _screen_chunk(job, source.header, raws), len(raws)


# Workers are forked where the system can: they then share the engine the parent built. Started afresh
# (spawn), each builds its own.
START_METHOD = "fork" if os.name == "posix" else "spawn"
AHEAD = 16  # chunks a worker may screen before the parent has written them (evens out uneven shares)
WAIT = 0.5  # seconds between checks that a silent worker is still alive


@dataclass(frozen=True)
class _Failure:
    """What a worker sends instead of a chunk when it cannot go on."""

    error: ClearanceError


def _in_workers(job: BatchJob, done: int) -> Iterator[tuple[Chunk, int]]:
    """Every worker reads the input itself and screens its share of each chunk: the rows whose name
    hashes to it, so that a recurring name is screened once, by one worker. The parent only merges the
    shares in input order and writes; it neither reads nor sends rows, which kept a core busy. A worker
    that dies stops the batch with a clear error, never a hang."""
    context: Any = get_context(START_METHOD)
    queues = [context.Queue(AHEAD) for _ in range(job.workers)]
    workers = [
        context.Process(target=_share, args=(job, done, i, queue, os.getpid()), daemon=True)
        for i, queue in enumerate(queues)
    ]
    for worker in workers:
        worker.start()
    try:
        while True:
            shares = [_receive(queue, worker) for queue, worker in zip(queues, workers, strict=True)]
            first = shares[0]
            if first is None:
                return  # the workers have read the whole input
            parts = [(share[1], share[2]) for share in shares if share is not None]
            yield Chunk.merged(first[0], parts), first[0]
    finally:
        for worker in workers:
            worker.kill()  # a finished worker is unaffected; one still screening is not needed
            worker.join()
        for queue in queues:
            queue.close()


# what a worker sends for each chunk: its size, the positions of the worker's rows, those rows screened;
# None once the input is read
Share = tuple[int, list[int], Chunk] | None


def _share(job: BatchJob, done: int, worker: int, queue: Any, parent: int) -> None:
    """A worker process: screen this worker's share of every chunk and send it, then None."""
    try:
        if _ENGINE is None:  # started afresh (no fork): build its own engine
            _init_worker(job.lists, job.home)
        source = _source_after(job, done)
        chunks = _chunks(source.raws, job.chunk_size)
        while True:
            with quiet_heap():  # reading too makes objects that the collector need not chase
                raws = next(chunks, None)
                if raws is None:
                    break
                positions, own = _own(job, source.header, raws, worker)
                share = (len(raws), positions, _screened(job, source.header, own))
            _send(queue, share, parent)
        _send(queue, None, parent)
    except ClearanceError as exc:
        _send(queue, _Failure(exc), parent)  # its kind too (a bad input is exit 2)
    except Exception:  # a bug: its traceback must reach the user, not die with the worker
        _send(queue, _Failure(ClearanceError(f"a worker failed:\n{traceback.format_exc()}")), parent)


def _send(queue: Any, message: Share | _Failure, parent: int) -> None:
    """Put a message on the queue, waiting while it is full, unless the parent is gone."""
    while True:
        try:
            queue.put(message, timeout=WAIT)
            return
        except Full:
            if os.getppid() != parent:
                os._exit(1)  # nobody will read it: do not linger


def _receive(queue: Any, worker: Any) -> Share:
    while True:
        try:
            message = queue.get(timeout=WAIT)
        except Empty:
            if worker.exitcode is None:
                continue  # still screening
            try:
                message = queue.get(timeout=WAIT)  # what it sent just before it ended
            except Empty:
                raise ClearanceError(
                    "a worker process died (killed, or out of memory); every chunk before it is "
                    "written: run the same command again with --resume"
                ) from None
        if isinstance(message, _Failure):
            raise message.error
        result: Share = message
        return result


def _own(job: BatchJob, header: Sequence[str], raws: list[Raw], worker: int) -> tuple[list[int], list[Raw]]:
    """The rows of a chunk that fall to `worker`, with their positions. The hash of the name is one that
    every process computes alike (Python's own `hash` differs between processes that were not forked)."""
    positions: list[int] = []
    own: list[Raw] = []
    fmt, ways = job.input_format(), job.workers
    column = header.index(job.name_col) if job.name_col in header else None
    for position, raw in enumerate(raws):
        value = raw[1]
        if fmt == "csv":
            name = value[column] if column is not None and column < len(value) else ""
        elif fmt == "jsonl":
            name = _json_name(value, job.name_col)
        else:
            name = value.get(job.name_col)
        if zlib.crc32(str(name).encode("utf-8", "surrogateescape")) % ways == worker:
            positions.append(position)
            own.append(raw)
    return positions, own


def _json_name(line: bytes, column: str) -> Any:
    try:
        doc = json.loads(line)
    except ValueError:
        return None
    return doc.get(column) if isinstance(doc, dict) else None


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
