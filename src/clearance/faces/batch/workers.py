"""Screening a batch in worker processes. Every worker reads the input itself and screens its share of
each chunk (the rows whose name hashes to it); the parent only merges the shares in input order.

Workers are forked where the system can: they then share the state (the engine) the parent built,
copy-on-write. Started afresh (spawn), each builds its own. A worker dies with its parent: a thread in
it looks every `PARENT_POLL` seconds whether the parent is still there (killed with SIGKILL, a parent
runs no clean-up), whatever the worker is doing or waiting for."""

from __future__ import annotations

import json
import os
import threading
import time
import traceback
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context, parent_process
from queue import Empty, Full
from typing import Any

from clearance.errors import ClearanceError, InputError
from clearance.faces.batch.decisions import internal_reason
from clearance.faces.batch.job import BatchJob
from clearance.faces.batch.output import Chunk
from clearance.faces.batch.rows import Raw, in_chunks, source_after
from clearance.faces.batch.screen import WorkerState
from clearance.perf import quiet_heap

START_METHOD = "fork" if os.name == "posix" else "spawn"
AHEAD = 16  # chunks a worker may screen before the parent has written them (evens out uneven shares)
WAIT = 0.5  # seconds between checks that a silent worker is still alive
PARENT_POLL = 0.2  # seconds between a worker's checks that its parent is still alive


def shares_parent_state() -> bool:
    """Whether workers are forked, and so share the state the parent builds before starting them."""
    return START_METHOD == "fork"


class WorkerError(RuntimeError):
    """A worker failed by a fault of our own (not a `ClearanceError`: the CLI's exit 3); the message is
    one line, the worker's traceback a note on the exception (shown with a traceback, when asked for)."""


@dataclass(frozen=True)
class _Failure:
    """What a worker sends instead of a chunk when it cannot go on: an input error (exit 2), or a fault
    of our own, in one line with its traceback."""

    error: ClearanceError | None
    fault: str = ""
    trace: str = ""


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
    _die_with(parent)
    try:
        if state is None:  # started afresh (no fork): build its own engine
            state = WorkerState.build(job)
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
    except OSError as exc:  # a file could not be read (the input removed, a disk error)
        error = InputError(f"cannot read {exc.filename or job.input}: {exc.strerror or exc}")
        _send(queue, _Failure(error), parent)
    except Exception as exc:  # a bug: in one line, its traceback kept for whoever asks for it
        fault = f"a worker failed (a fault of clearance's own): {internal_reason(exc)}"
        _send(queue, _Failure(None, fault, traceback.format_exc()), parent)


def _die_with(parent: int) -> None:
    """End this process as soon as `parent` is gone, whatever its main thread is doing or waiting for
    (screening, a full queue, the queue's feeder thread at exit): a parent killed outright runs no
    clean-up, and its workers would go on alone, holding their memory."""

    def watch() -> None:
        while not _gone(parent):
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="clearance-parent-watch", daemon=True).start()


def _gone(parent: int) -> bool:
    """Whether this worker's parent is gone: on POSIX, an orphan is handed to another process, so its
    parent's id changes; a spawned worker also watches its parent's sentinel (Windows keeps the id)."""
    if os.getppid() != parent:
        return True
    process = parent_process() if START_METHOD == "spawn" else None
    return process is not None and not process.is_alive()


def _send(queue: Any, message: Share | _Failure, parent: int) -> None:
    """Put a message on the queue, waiting while it is full, unless the parent is gone."""
    while True:
        try:
            queue.put(message, timeout=WAIT)
            return
        except Full:
            if _gone(parent):
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
            if message.error is not None:
                raise message.error
            error = WorkerError(message.fault)
            error.add_note(f"in the worker:\n{message.trace}")
            raise error
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
