"""Screening a chunk of rows in one process: what the process holds (`WorkerState`: the engine and the
decisions remembered for it), and each row decoded, decided and encoded for the output, or rejected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearance.errors import ClearanceError
from clearance.faces.batch.decisions import (
    Decided,
    DecisionCache,
    Key,
    evidence_of,
    internal_reason,
    reject_of,
    row_id_of,
)
from clearance.faces.batch.job import BatchJob
from clearance.faces.batch.output import Chunk, csv_line
from clearance.faces.batch.rows import Raw, parse_row
from clearance.limits import time_limit
from clearance.perf import quiet_heap, settle_heap
from clearance.screening.engine import Engine
from clearance.screening.prepared import prepared_engine


def job_engine(job: BatchJob) -> Engine:
    """The engine of a batch job's lists and thresholds, kept on disk per data version, prepared."""
    return prepared_engine(
        config=job.config,
        time_limit=time_limit(),
        lists=job.lists,
        lists_as_of=job.lists_as_of,
        home=job.home,
    )


class WorkerState:
    """What a screening process holds for a batch: the engine, and the decisions remembered for it.

    Built once per run: in the parent, whose forked workers then share it (copy-on-write), or in a worker
    started afresh (spawned), which builds its own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.decisions = DecisionCache(engine)

    @classmethod
    def build(cls, job: BatchJob, *, engine: Engine | None = None) -> WorkerState:
        """A state with the engine of the job's lists (`engine`, when it is built already; else the one
        kept on disk for them, `screening.prepared`, prepared: a parent builds it before forking, so that
        the workers share it). The heap is then settled."""
        if engine is None:
            engine = job_engine(job)
        settle_heap()
        return cls(engine)

    def screen_chunk(self, job: BatchJob, header: Sequence[str], raws: Sequence[Raw]) -> Chunk:
        """`screen`, with what the chunk leaves alive moved out of the collector's sight afterwards."""
        with quiet_heap():
            return self.screen(job, header, raws)

    def screen(self, job: BatchJob, header: Sequence[str], raws: Sequence[Raw]) -> Chunk:
        """Decode and screen rows: their outputs and rejects, in input order."""
        engine, cache = self.engine, self.decisions
        fmt_in, fmt = job.input_format(), job.output_format()
        default_as_of = job.default_as_of()
        quick = _CsvColumns.of(job, header, default_as_of) if fmt_in == "csv" else None
        chunk = Chunk()
        outputs, rejects, recent = chunk.outputs, chunk.rejects, cache.recent
        decisions: dict[str, int] = {}
        for raw in raws:
            fields: dict[str, Any] | None = None
            decided: Decided | None = None
            try:
                # a CSV row whose decision is remembered goes straight to its output (most rows of a
                # payment file)
                seen = quick.remembered(raw, recent) if quick else None
                if seen is not None:
                    line, row_id, decided = seen
                else:
                    line, fields, problem = parse_row(fmt_in, header, raw)
                    row_id = row_id_of(job, line, fields)
                    if fields is None:
                        reject = reject_of(line, row_id, problem)
                    else:
                        try:
                            decided = cache.decide(job, fields, default_as_of)
                        except ClearanceError as exc:
                            reject = reject_of(line, row_id, str(exc), fields)
                if decided is not None:
                    if fmt == "csv":
                        output: str | dict[str, Any] = (
                            csv_line((row_id, line, decided.query), end=",") + decided.outcome.csv
                        )
                    elif fmt == "jsonl":
                        row_json = json.dumps(row_id, ensure_ascii=False)
                        name_json = json.dumps(decided.query, ensure_ascii=False)
                        output = (
                            f'{{"row_id": {row_json}, "line": {line}, "name": {name_json}, '
                            + decided.outcome.json
                        )
                    else:
                        output = decided.record(row_id, line)
            except MemoryError:
                raise
            except Exception as exc:  # a fault of our own, in this row only: it is rejected, the rest go on
                decided, reject = None, _internal_reject(job, raw[0], fields, exc)
                chunk.internal += 1
            if decided is None:
                rejects.append(reject)
                outputs.append(None)
            else:
                decision = decided.decision
                decisions[decision] = decisions.get(decision, 0) + 1
                outputs.append(output)
        chunk.decisions.update(decisions)
        chunk.rows = sum(decisions.values())
        if chunk.rows:
            chunk.data_versions = dict(engine.dataset.versions)
        return chunk


def _internal_reject(
    job: BatchJob, line: int, fields: dict[str, Any] | None, exc: Exception
) -> dict[str, Any]:
    """The reject of a row whose screening failed by a fault of our own, with the reason in one line."""
    try:
        row_id = row_id_of(job, line, fields)
    except Exception:  # its id cannot be shown either
        row_id = str(line)
    return reject_of(line, row_id, internal_reason(exc), fields) | {"internal": True}


@dataclass(frozen=True)
class _CsvColumns:
    """Where a job's columns are in a CSV header, to find a row's remembered decision without decoding
    the row into fields."""

    width: int
    name: int
    kind: int | None
    date: int | None
    activity: int | None
    evidence: tuple[tuple[str, int | None], ...]  # each evidence column and where it is
    row_id: int | None
    job: BatchJob
    default_as_of: Any

    @classmethod
    def of(cls, job: BatchJob, header: Sequence[str], default_as_of: Any) -> _CsvColumns | None:
        where = {column: i for i, column in enumerate(header)}
        if job.name_col not in where or (job.id_col and job.id_col not in where):
            return None  # the general path says what is wrong
        if any(named and col not in where for col, named in job.evidence_cols()):
            return None
        return cls(
            width=len(header),
            name=where[job.name_col],
            kind=where.get(job.kind_col or ""),
            date=where.get(job.date_col or ""),
            activity=where.get(job.activity_col or ""),
            evidence=tuple((col, where.get(col)) for col, _ in job.evidence_cols()),
            row_id=where[job.id_col] if job.id_col else None,
            job=job,
            default_as_of=default_as_of,
        )

    def remembered(self, raw: Raw, decisions: dict[Key, Decided]) -> tuple[int, str, Decided] | None:
        line, values = raw
        if len(values) != self.width:
            return None
        job = self.job
        kind = (values[self.kind] if self.kind is not None else "") or job.kind
        cells = {col: values[i] for col, i in self.evidence if i is not None}
        key = (
            values[self.name],
            kind,
            (values[self.date] if self.date is not None else "") or self.default_as_of,
            (values[self.activity] if self.activity is not None else "") or job.activity,
            evidence_of(job, cells.get, kind),
        )
        decided = decisions.get(key)
        if decided is None:
            return None
        try:
            "\x00".join(values).encode("utf-8")  # undecodable bytes: the general path rejects the row
        except UnicodeEncodeError:
            return None
        return line, values[self.row_id] if self.row_id is not None else str(line), decided
