"""Running a batch job: the rows screened chunk by chunk, in this process or in workers, written in input
order, with a progress record after each chunk.

    summary = run(BatchJob(input=Path("payments.csv"), output=Path("decisions.csv"), name_col="payee"))

Every row read is accounted for: each chunk's rows are decided or rejected before it is written
(`Chunk.check`), and the summary's rows read = decisions + rejects (`Summary.check`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import replace
from typing import Any

from clearance.errors import InputError
from clearance.faces.batch.job import BatchJob, Summary
from clearance.faces.batch.output import Chunk, Writer
from clearance.faces.batch.progress import (
    decided_on,
    fingerprint_of,
    finish_progress,
    load_progress,
    reset_outputs,
    save_progress,
)
from clearance.faces.batch.rows import Source, in_chunks, parquet_files, pyarrow_parquet, source_after
from clearance.faces.batch.screen import WorkerState, job_engine
from clearance.faces.batch.workers import in_workers, shares_parent_state


def run(job: BatchJob, *, on_chunk: Callable[[Summary], None] | None = None) -> Summary:
    """Screen every row of `job.input` into `job.output`. `on_chunk` sees the running summary after each
    chunk is written (the CLI's progress bar). Raises `InputError` for files or columns that cannot be
    used and a resume that is not the same run, `OutputError` for a file that cannot be written (the
    progress record then stands at the last chunk written) and `AccountingError` for rows read that are
    neither decided nor rejected; a row whose screening fails by a fault of our own is rejected and
    counted in `Summary.internal_errors`."""
    job.check()
    job.check_files()
    check_columns(job)
    as_of = job.default_as_of()
    job = replace(job, as_of=as_of)  # one date for the whole run, over midnight too
    fingerprint = fingerprint_of(job)
    engine = job_engine(job)  # kept on disk per data version: built once, read on later runs
    dataset = engine.dataset
    basis = decided_on(dataset.versions, job.config, as_of)
    progress = load_progress(job, fingerprint, basis) if job.resume else None
    summary = Summary(
        data_versions=basis["data_versions"],
        as_of=as_of,
        thresholds=job.config.thresholds(),
        warnings=dataset.warnings,
    )
    if progress:
        summary.rows, summary.rejected = progress["rows"], progress["rejected"]
        summary.decisions = Counter(progress["decisions"])
        summary.read = summary.resumed_from = progress["rows_done"]
        summary.internal_errors = progress.get("internal_errors", 0)
        summary.first_reject = progress.get("first_reject", "")
        summary.check()
    reset_outputs(job, progress)
    writer = Writer(job, parts=int(progress["parts"]) if progress else 0)
    state = None
    if job.workers <= 1 or shares_parent_state():  # forked workers share this engine copy-on-write
        state = WorkerState.build(job, engine=engine)
    del dataset, engine  # spawned workers read their own
    start = time.perf_counter()
    with closing(_map(job, summary.read, state)) as chunks:
        for chunk, size in chunks:
            chunk.check(size)
            if chunk.data_versions and chunk.data_versions != summary.data_versions:
                raise InputError(  # a worker started afresh read lists changed since the run began
                    "the lists changed while the batch ran (a list import?): run it again, without --resume"
                )
            writer.write(chunk)
            _count(summary, chunk, size)
            out_bytes, rej_bytes = writer.sizes()
            save_progress(job, {
                "fingerprint": fingerprint, "decided_on": basis, "rows_done": summary.read,
                "output_bytes": out_bytes, "rejects_bytes": rej_bytes, "parts": writer.parts,
                "rows": summary.rows, "rejected": summary.rejected, "decisions": dict(summary.decisions),
                "internal_errors": summary.internal_errors, "first_reject": summary.first_reject,
                "data_versions": summary.data_versions, "finished": False,
            })  # fmt: skip
            summary.seconds = time.perf_counter() - start
            if on_chunk:
                on_chunk(summary)
    summary.seconds = time.perf_counter() - start
    summary.check()
    finish_progress(job, fingerprint)
    return summary


def _count(summary: Summary, chunk: Chunk, size: int) -> None:
    """Add a chunk written to the running summary."""
    summary.read += size
    summary.rows += chunk.rows
    summary.rejected += len(chunk.rejects)
    summary.internal_errors += chunk.internal
    summary.decisions.update(chunk.decisions)
    if chunk.rejects and not summary.first_reject:
        first = chunk.rejects[0]
        summary.first_reject = f"line {first['line']}: {first['reason']}"


def check_columns(job: BatchJob) -> None:
    """Raise `InputError` when the input cannot give a row to screen: an empty CSV file, or a column
    named in the job that its header (CSV) or schema (Parquet) does not have. (JSON lines name their
    fields row by row: a row without the name is rejected.)"""
    fmt = job.input_format()
    if fmt == "jsonl":
        return
    columns: Sequence[str]
    if fmt == "csv":
        source = Source(job.input, fmt)
        source.close()
        if not source.has_header:
            raise InputError(f"{job.input}: the file is empty (no header, no rows)")
        columns = source.header
        if any("\udc80" <= c <= "\udcff" for column in columns for c in column):
            raise InputError(f"{job.input}: its header holds bytes that are not UTF-8; save it as UTF-8")
    else:
        files = parquet_files(job.input)
        if not files:
            raise InputError(f"{job.input}: the folder holds no .parquet file")
        columns = pyarrow_parquet().ParquetFile(files[0]).schema_arrow.names
    named = {
        "--name-col": job.name_col, "--id-col": job.id_col, "--date-col": job.date_col,
        "--kind-col": job.kind_col, "--activity-col": job.activity_col,
        "--birth-date-col": job.birth_date_col, "--country-col": job.country_col,
        "--identifier-col": job.identifier_col,
    }  # fmt: skip
    for option, column in named.items():
        if column and column not in columns:
            shown = ", ".join(_shown(c) for c in columns[:30]) + (", ..." if len(columns) > 30 else "")
            raise InputError(
                f"{job.input}: no column '{_shown(column)}' (its columns: {shown}); say which with {option}"
            )


def _shown(text: Any) -> str:
    """A column's name on one line."""
    return " ".join(str(text).split()) or repr(text)


def _map(job: BatchJob, done: int, state: WorkerState | None) -> Generator[tuple[Chunk, int], None, None]:
    """Screen the rows after the first `done`, yielding chunks in input order with their sizes as read:
    in workers, or in this process with `state`."""
    if job.workers > 1:
        yield from in_workers(job, done, state)
        return
    assert state is not None
    source = source_after(job, done)
    for raws in in_chunks(source.raws, job.chunk_size):
        yield state.screen_chunk(job, source.header, raws), len(raws)
