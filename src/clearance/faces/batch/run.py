"""Running a batch job: the rows screened chunk by chunk, in this process or in workers, written in input
order, with a progress record after each chunk.

    summary = run(BatchJob(input=Path("payments.csv"), output=Path("decisions.csv"), name_col="payee"))
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator

from clearance.errors import InputError
from clearance.faces.batch.job import BatchJob, Summary
from clearance.faces.batch.output import Chunk, Writer
from clearance.faces.batch.progress import (
    fingerprint_of,
    finish_progress,
    load_progress,
    reset_outputs,
    save_progress,
)
from clearance.faces.batch.rows import in_chunks, source_after
from clearance.faces.batch.screen import WorkerState
from clearance.faces.batch.workers import in_workers, shares_parent_state


def run(job: BatchJob, *, on_chunk: Callable[[Summary], None] | None = None) -> Summary:
    """Screen every row of `job.input` into `job.output`. `on_chunk` sees the running summary after each
    chunk is written (the CLI's progress bar)."""
    job.check()
    if not job.input.exists():
        raise InputError(f"{job.input}: no such file or folder")
    fingerprint = fingerprint_of(job)
    progress = load_progress(job, fingerprint) if job.resume else None
    summary = Summary()
    if progress:
        summary = Summary(
            rows=progress["rows"],
            rejected=progress["rejected"],
            decisions=Counter(progress["decisions"]),
            resumed_from=progress["rows_done"],
            data_versions=progress["data_versions"],
        )
    reset_outputs(job, progress)
    writer = Writer(job, parts=int(progress["parts"]) if progress else 0)
    done = progress["rows_done"] if progress else 0
    state = None
    if job.workers <= 1 or shares_parent_state():  # forked workers share this engine copy-on-write
        state = WorkerState.build(job, prepare=True)
    start = time.perf_counter()
    for chunk, size in _map(job, done, state):
        writer.write(chunk)
        done += size
        summary.rows += chunk.rows
        summary.rejected += len(chunk.rejects)
        summary.decisions.update(chunk.decisions)
        if chunk.data_versions and not summary.data_versions:
            summary.data_versions = dict(chunk.data_versions)
        out_bytes, rej_bytes = writer.sizes()
        save_progress(job, {
            "fingerprint": fingerprint, "rows_done": done, "output_bytes": out_bytes,
            "rejects_bytes": rej_bytes, "parts": writer.parts, "rows": summary.rows,
            "rejected": summary.rejected, "decisions": dict(summary.decisions),
            "data_versions": summary.data_versions, "finished": False,
        })  # fmt: skip
        summary.seconds = time.perf_counter() - start
        if on_chunk:
            on_chunk(summary)
    summary.seconds = time.perf_counter() - start
    finish_progress(job, fingerprint)
    return summary


def _map(job: BatchJob, done: int, state: WorkerState | None) -> Iterator[tuple[Chunk, int]]:
    """Screen the rows after the first `done`, yielding chunks in input order with their sizes as read:
    in workers, or in this process with `state`."""
    if job.workers > 1:
        yield from in_workers(job, done, state)
        return
    assert state is not None
    source = source_after(job, done)
    for raws in in_chunks(source.raws, job.chunk_size):
        yield state.screen_chunk(job, source.header, raws), len(raws)
