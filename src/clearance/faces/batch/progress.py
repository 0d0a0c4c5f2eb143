"""Resuming a batch: the progress record replaced atomically after each chunk is written, and the output
files cut back to what it records when a killed run is resumed.

The record (`OUTPUT.progress.json`) holds the run's fingerprint, what its rows are decided on (data
versions, as-of date, thresholds: a run resumed on anything else is refused, naming it), the rows done,
the bytes of the output and rejects files (or the Parquet parts) written so far, and the running
summary."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from clearance.errors import InputError
from clearance.faces.batch.job import BatchJob
from clearance.faces.batch.output import REJECTS_HEADER, output_header, writing
from clearance.matching.config import ScorerConfig

# Settings that do not change the output, and those compared by value with what the rows written were
# decided on (`decided_on`: a run without --as-of resumed with --as-of of the day it began is the same run)
_NOT_FINGERPRINTED = ("workers", "resume", "chunk_size", "as_of", "config")


def fingerprint_of(job: BatchJob) -> str:
    """What makes two runs the same run: the input's identity and every setting that changes output,
    besides the as-of date and the scorer's settings (see `decided_on`)."""
    stat = job.input.stat()
    settings = {k: str(v) for k, v in asdict(job).items() if k not in _NOT_FINGERPRINTED}
    return hashlib.sha256(
        json.dumps(
            [str(job.input.resolve()), stat.st_size, stat.st_mtime_ns, settings], sort_keys=True
        ).encode()
    ).hexdigest()


def decided_on(versions: Mapping[str, str], config: ScorerConfig, as_of: str) -> dict[str, Any]:
    """What a run decides its rows on, recorded with its progress: the data versions of its engine, the
    as-of date of rows without their own, and the scorer's thresholds and weights."""
    return {"data_versions": dict(sorted(versions.items())), "as_of": as_of, "config": asdict(config)}


def load_progress(
    job: BatchJob, fingerprint: str, basis: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The progress record of an earlier run of the same job, if there is one; raises `InputError` when
    it records a run with another input or other settings, or, given `basis` (`decided_on` of this
    run), one whose rows were decided on other data, another as-of date or other thresholds."""
    path = job.progress_path()
    if not path.exists():
        return None
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read ({exc}); run without --resume") from None
    if basis is not None:
        check_basis(path, doc.get("decided_on"), basis)
    if doc.get("fingerprint") != fingerprint:
        raise InputError(
            f"{path}: it records a run with another input or other settings; "
            "delete it or run without --resume"
        )
    return doc


def check_basis(path: Path, recorded: dict[str, Any] | None, basis: dict[str, Any]) -> None:
    """Raise `InputError` naming what differs when the rows written were decided on another basis (the
    progress record at `path` says `recorded`; `basis` is `decided_on` of this run)."""
    if not isinstance(recorded, dict):
        raise InputError(
            f"{path}: it does not say what its rows were decided on (data, as-of date, thresholds); "
            "run without --resume"
        )
    was, now = recorded.get("data_versions"), basis["data_versions"]
    if was != now:
        raise InputError(
            f"cannot resume: the rows written were decided on data {_versions(was)}, this run has "
            f"{_versions(now)}; run without --resume to decide every row on the same data"
        )
    was, now = recorded.get("as_of"), basis["as_of"]
    if was != now:
        raise InputError(
            f"cannot resume: the rows written were decided as of {was}, this run would decide as of {now} "
            f"(without --as-of: today); give --as-of {was} to finish the run as it began, or run "
            "without --resume"
        )
    was, now = recorded.get("config") or {}, basis["config"]
    if was != now:
        changed = ", ".join(f"{k} {was.get(k)} (now {v})" for k, v in now.items() if was.get(k) != v)
        raise InputError(
            f"cannot resume: the rows written were decided with {changed}; give the same thresholds, "
            "or run without --resume"
        )


def _versions(versions: Any) -> str:
    if not isinstance(versions, dict) or not versions:
        return "(none recorded)"
    return ", ".join(f"{source} {version}" for source, version in sorted(versions.items()))


def save_progress(job: BatchJob, doc: dict[str, Any]) -> None:
    """Replace the progress record atomically: a run killed at any moment leaves the old one or the new;
    one that cannot write it (a full disk) leaves the old one and raises `OutputError`."""
    tmp = job.progress_path().with_suffix(".tmp")
    with writing(job.progress_path()):
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
        with writing(job.output):
            job.output.mkdir(exist_ok=True)
            for stale in job.output.glob("part-*.parquet"):
                if int(stale.stem.split("-")[1]) >= parts:
                    stale.unlink()  # written after the last progress record: not part of the output
    else:
        _truncate(job.output, progress["output_bytes"] if progress else 0, output_header(fmt))
    _truncate(job.rejects_path(), progress["rejects_bytes"] if progress else 0, REJECTS_HEADER)


def _truncate(path: Path, size: int, header: str) -> None:
    if size and (not path.exists() or path.stat().st_size < size):
        raise InputError(
            f"{path}: it holds less than its progress record says was written (removed or cut since?); "
            "run without --resume"
        )
    with writing(path):
        if size:
            with path.open("r+b") as f:
                f.truncate(size)
        else:
            path.write_bytes(header.encode())
