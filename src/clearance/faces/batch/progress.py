"""Resuming a batch: the progress record replaced atomically after each chunk is written, and the output
files cut back to what it records when a killed run is resumed.

The record (`OUTPUT.progress.json`) holds the run's fingerprint, the rows done, the bytes of the output
and rejects files (or the Parquet parts) written so far, and the running summary."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from clearance.errors import InputError
from clearance.faces.batch.job import BatchJob
from clearance.faces.batch.output import REJECTS_HEADER, output_header


def fingerprint_of(job: BatchJob) -> str:
    """What makes two runs the same run: the input's identity and every setting that changes output."""
    stat = job.input.stat()
    settings = {k: str(v) for k, v in asdict(job).items() if k not in ("workers", "resume", "chunk_size")}
    return hashlib.sha256(
        json.dumps(
            [str(job.input.resolve()), stat.st_size, stat.st_mtime_ns, settings], sort_keys=True
        ).encode()
    ).hexdigest()


def load_progress(job: BatchJob, fingerprint: str) -> dict[str, Any] | None:
    """The progress record of an earlier run of the same job, if there is one; raises `InputError` when
    it records a run with another input or other settings."""
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


def save_progress(job: BatchJob, doc: dict[str, Any]) -> None:
    """Replace the progress record atomically: a run killed at any moment leaves the old one or the new."""
    tmp = job.progress_path().with_suffix(".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, job.progress_path())


def finish_progress(job: BatchJob, fingerprint: str) -> None:
    """Mark the progress record finished."""
    path = job.progress_path()
    final = json.loads(path.read_text()) if path.exists() else {}
    save_progress(job, {**final, "fingerprint": fingerprint, "finished": True})


def reset_outputs(job: BatchJob, progress: dict[str, Any] | None) -> None:
    """Make the output and rejects files ready to append to: cut back to what `progress` records (what a
    killed run wrote after its last record is not part of the output), or, without a record, started
    afresh with their headers."""
    fmt = job.output_format()
    parts = int(progress["parts"]) if progress else 0
    if fmt == "parquet":
        job.output.mkdir(parents=True, exist_ok=True)
        for stale in job.output.glob("part-*.parquet"):
            if int(stale.stem.split("-")[1]) >= parts:
                stale.unlink()  # written after the last progress record: not part of the output
    else:
        _truncate(job.output, progress["output_bytes"] if progress else 0, output_header(fmt))
    _truncate(job.rejects_path(), progress["rejects_bytes"] if progress else 0, REJECTS_HEADER)


def _truncate(path: Path, size: int, header: str) -> None:
    if size:
        with path.open("r+b") as f:
            f.truncate(size)
    else:
        path.write_bytes(header.encode())
