"""Screening a batch in worker processes. Every worker reads the input itself and screens its share of
each chunk (the rows whose name hashes to it); the parent only merges the shares in input order.

Workers are forked where the system can: they then share the state (the engine) the parent built,
copy-on-write. Started afresh (spawn), each builds its own."""

from __future__ import annotations

import json
import os
import traceback
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from queue import Empty, Full
from typing import Any

from clearance.errors import ClearanceError
from clearance.faces.batch.job import BatchJob
from clearance.faces.batch.output import Chunk
from clearance.faces.batch.rows import Raw, in_chunks, source_after
from clearance.faces.batch.screen import WorkerState
from clearance.perf import quiet_heap

START_METHOD = "fork" if os.name == "posix" else "spawn"
AHEAD = 16  # chunks a worker may screen before the parent has written them (evens out uneven shares)
WAIT = 0.5  # seconds between checks that a silent worker is still alive


def shares_parent_state() -> bool:
    """Whether workers are forked, and so share the state the parent builds before starting them."""
    return START_METHOD == "fork"


@dataclass(frozen=True)
class _Failure:
    """What a worker sends instead of a chunk when it cannot go on."""

    error: ClearanceError


# what a worker sends for each chunk: its size, the positions of the worker's rows, those rows screened;
# None once the input is read
Share = tuple[int, list[int], Chunk] | None


def in_workers(job: BatchJob, done: int, state: WorkerState | None) -> Iterator[tuple[Chunk, int]]:
    """Screen the rows after the first `done` in `job.workers` processes, yielding chunks in input order
    with their sizes as read. Forked workers use `state` (built by the parent); spawned ones build their
    own. Every worker reads the input itself and screens its share of each chunk: the rows whose name
    hashes to it, so that a recurring name is screened once, by one worker. The parent only merges the
    shares in input order and writes; it neither reads nor sends rows, which kept a core busy. A worker
    that dies stops the batch with a clear error, never a hang."""
    context: Any = get_context(START_METHOD)
    inherited = state if START_METHOD == "fork" else None  # a spawned worker is sent no engine
    queues = [context.Queue(AHEAD) for _ in range(job.workers)]
    workers = [
        context.Process(target=_share, args=(job, done, i, queue, os.getpid(), inherited), daemon=True)
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


def _share(job: BatchJob, done: int, worker: int, queue: Any, parent: int, state: WorkerState | None) -> None:
    """A worker process: screen this worker's share of every chunk and send it, then None."""
    try:
        if state is None:  # started afresh (no fork): build its own engine
            state = WorkerState.build(job, prepare=False)
        source = source_after(job, done)
        chunks = in_chunks(source.raws, job.chunk_size)
        while True:
            with quiet_heap():  # reading too makes objects that the collector need not chase
                raws = next(chunks, None)
                if raws is None:
                    break
                positions, own = _own(job, source.header, raws, worker)
                share = (len(raws), positions, state.screen(job, source.header, own))
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
