"""Running a channel command over its files: every item read is screened and written as a record, every
part that could not be read or screened as a reject with its place and reason, and the groups of items
(a device's apps) as records of their own at the end.

    summary = run(ChannelJob(inputs=[Path("pacs008.xml")], read=read_payments, output=Path("out.jsonl")),
                  engine=engine)

The batch's conventions (`faces.batch`): with an output file, records go to it (JSON lines, or CSV by
its name), rejects to `OUTPUT.rejects.csv`, and after every `chunk_size` entries a progress record
(`OUTPUT.progress.json`) is replaced atomically; `resume=True` goes on from the last one written and
gives the same files as a run never interrupted, and is refused when the inputs, the settings, the data
versions, the as-of date or the thresholds differ (`faces.batch.progress`). Without an output file,
records go to `on_record` (the command line prints them) and rejects to `on_reject`.

Accounting: entries read = items decided + rejects, checked at the end (`AccountingError`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import KW_ONLY, asdict, dataclass, field
from pathlib import Path
from typing import Any

from clearance.channels.items import Channel, Item, Reject
from clearance.channels.screen import Screener
from clearance.errors import ClearanceError, InputError
from clearance.faces.batch.job import AccountingError
from clearance.faces.batch.output import csv_line, writing
from clearance.faces.batch.progress import check_basis, decided_on
from clearance.faces.channels.records import (
    GROUPED,
    ITEM_COLUMNS,
    REJECT_COLUMNS,
    Group,
    csv_row,
    item_record,
    reject_record,
)
from clearance.screening.engine import Engine

Reader = Callable[[Path], Iterator[Item | Reject]]
Sink = Callable[[dict[str, Any]], None]


@dataclass
class ChannelJob:
    """What to screen: the files, the reader that turns each into items, and where records go."""

    inputs: Sequence[Path]
    read: Reader
    _: KW_ONLY
    output: Path | None = None
    rejects: Path | None = None
    as_of: str | None = None
    activity: str | None = None
    resume: bool = False
    chunk_size: int = 500
    settings: dict[str, str] = field(default_factory=dict)  # what else changes the output (a layout)

    def check_files(self) -> None:
        """Raise `InputError` when the files cannot be used: an input that is no file; a file the run
        writes (records, rejects, progress record) that is one of the inputs, by path or by inode, or
        another of them; a folder to write into that does not exist."""
        for path in self.inputs:
            if str(path) != "-" and not path.is_file():
                raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
        if self.output is None:
            return
        writes = {
            "output": self.output,
            "rejects file": self.rejects_path(),
            "progress record": self.progress_path(),
        }
        for what, target in writes.items():
            if not target.parent.is_dir():
                raise InputError(f"cannot write the {what} {target}: no folder {target.parent}")
            if target.is_dir():
                raise InputError(f"cannot write the {what} {target}: it is a folder")
            for path in self.inputs:
                if str(path) != "-" and _same_file(path, target):
                    raise InputError(f"the {what} {target} is the input {path}: choose another name")
        if len({p.resolve() for p in writes.values()}) < len(writes):
            raise InputError(
                f"the output and the rejects file must differ ({self.output}, {self.rejects_path()})"
            )

    def output_format(self) -> str:
        assert self.output is not None
        return "csv" if self.output.suffix.lower() == ".csv" else "jsonl"

    def rejects_path(self) -> Path:
        assert self.output is not None
        return self.rejects or self.output.with_name(self.output.name + ".rejects.csv")

    def progress_path(self) -> Path:
        assert self.output is not None
        return self.output.with_name(self.output.name + ".progress.json")


@dataclass
class ChannelSummary:
    """Counts of a run: entries read, items decided by decision, rejects, groups by decision, and items
    whose screening failed by a fault of ours (rejected, exit 3)."""

    read: int = 0
    items: int = 0
    rejects: int = 0
    internal_errors: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    groups: Counter[str] = field(default_factory=Counter)
    output: str | None = None
    rejects_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["decisions"], doc["groups"] = dict(self.decisions), dict(self.groups)
        return doc


def run(
    job: ChannelJob,
    *,
    engine: Engine,
    on_record: Sink | None = None,
    on_reject: Sink | None = None,
    on_progress: Callable[[ChannelSummary], None] | None = None,
) -> ChannelSummary:
    """Screen every item of `job.inputs`. Raises `InputError` for inputs that cannot be read and a
    resume that is not the same run, `OutputError` for a file that cannot be written, `DataError` when
    the data policy refuses to screen, `AccountingError` when an entry read is neither decided nor
    rejected."""
    job.check_files()
    screener = Screener(engine, as_of=job.as_of, activity=job.activity)
    basis = decided_on(engine.dataset.versions, engine.config, screener.as_of.isoformat())
    out = _Output(job, basis) if job.output is not None else None
    summary, groups, done = out.start() if out else (ChannelSummary(), {}, 0)
    seen = 0
    for entry in _entries(job):
        seen += 1
        if seen <= done:
            continue  # written before the run was killed
        summary.read += 1
        record = _decide(entry, screener, summary)
        if record["record"] == "reject":
            summary.rejects += 1
            out.reject(record) if out else on_reject and on_reject(record)
        else:
            summary.items += 1
            summary.decisions[record["decision"]] += 1
            if record["group"] is not None and Channel(record["channel"]) in GROUPED:
                key = f"{record['channel']}\x1f{record['group']}"
                groups.setdefault(key, Group(record["channel"], record["group"])).add(record)
            out.record(record) if out else on_record and on_record(record)
        if out and seen % job.chunk_size == 0:
            out.save(summary, groups, seen)
        if on_progress and seen % 100 == 0:
            on_progress(summary)
    for group in groups.values():
        record = group.record()
        summary.groups[record["decision"]] += 1
        out.record(record) if out else on_record and on_record(record)
    if summary.read != summary.items + summary.rejects:
        raise AccountingError(
            f"{summary.read} entries read, {summary.items} decided, {summary.rejects} rejected"
        )
    if out:
        out.finish(summary, seen)
    return summary


def _entries(job: ChannelJob) -> Iterator[Item | Reject]:
    for path in job.inputs:
        yield from job.read(path)


def _decide(entry: Item | Reject, screener: Screener, summary: ChannelSummary) -> dict[str, Any]:
    """An item's record, or a reject's: an item that cannot be screened (a value no name holds, beyond
    the size limit) is rejected with the reason, never cleared; one that fails by a fault of ours too,
    counted apart."""
    if isinstance(entry, Reject):
        return reject_record(entry)
    try:
        return item_record(screener.screen(entry))
    except InputError as exc:
        reason = f"cannot be screened: {exc}"
    except ClearanceError:
        raise  # the data policy refuses to screen: the run stops
    except Exception as exc:  # a fault of ours: this item is rejected, the others go on
        summary.internal_errors += 1
        reason = f"internal error ({type(exc).__name__}: {exc})"
    reject = Reject(entry.source, reason, line=entry.line, position=entry.position or entry.key)
    return reject_record(reject)


class _Output:
    """The output, rejects and progress files of a run with `--output`."""

    def __init__(self, job: ChannelJob, basis: dict[str, Any]) -> None:
        assert job.output is not None
        self.job, self.basis = job, basis
        self.path, self.rejects, self.progress = job.output, job.rejects_path(), job.progress_path()
        self.csv = job.output_format() == "csv"
        self.fingerprint = _fingerprint(job)

    def start(self) -> tuple[ChannelSummary, dict[str, Group], int]:
        """The summary, groups and entries done of the run resumed, or a fresh start (files emptied)."""
        doc = self._load() if self.job.resume else None
        if doc is None:
            self._truncate(self.path, 0, csv_line(ITEM_COLUMNS) if self.csv else "")
            self._truncate(self.rejects, 0, csv_line(REJECT_COLUMNS))
            return ChannelSummary(), {}, 0
        self._truncate(self.path, doc["output_bytes"], "")
        self._truncate(self.rejects, doc["rejects_bytes"], "")
        s = doc["summary"]
        summary = ChannelSummary(
            read=s["read"], items=s["items"], rejects=s["rejects"], internal_errors=s["internal_errors"],
            decisions=Counter(s["decisions"]), groups=Counter(),
        )  # fmt: skip
        groups = {k: Group(**g) for k, g in doc["groups"].items()}
        return summary, groups, int(doc["done"])

    def record(self, record: dict[str, Any]) -> None:
        line = csv_line(csv_row(record)) if self.csv else json.dumps(record, ensure_ascii=False) + "\n"
        self._append(self.path, line)

    def reject(self, record: dict[str, Any]) -> None:
        self._append(self.rejects, csv_line(record.get(c, "") for c in REJECT_COLUMNS))

    def save(
        self, summary: ChannelSummary, groups: dict[str, Group], done: int, *, finished: bool = False
    ) -> None:
        doc = {
            "fingerprint": self.fingerprint,
            "decided_on": self.basis,
            "done": done,
            "output_bytes": self.path.stat().st_size,
            "rejects_bytes": self.rejects.stat().st_size,
            "summary": summary.to_dict(),
            "groups": {k: asdict(g) for k, g in groups.items()},
            "finished": finished,
        }
        for path in (self.path, self.rejects):  # what the record counts is on disk before it is
            with writing(path), path.open("ab") as f:
                os.fsync(f.fileno())
        tmp = self.progress.with_suffix(".tmp")
        with writing(self.progress):
            tmp.write_text(json.dumps(doc), encoding="utf-8")
            tmp.replace(self.progress)

    def finish(self, summary: ChannelSummary, done: int) -> None:
        summary.output, summary.rejects_file = str(self.path), str(self.rejects)
        self.save(summary, {}, done, finished=True)

    def _load(self) -> dict[str, Any] | None:
        if not self.progress.exists():
            return None
        try:
            doc: dict[str, Any] = json.loads(self.progress.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{self.progress}: cannot be read ({exc}); run without --resume") from None
        check_basis(self.progress, doc.get("decided_on"), self.basis)
        if doc.get("fingerprint") != self.fingerprint:
            raise InputError(
                f"{self.progress}: it records a run with other inputs or other settings; "
                "delete it or run without --resume"
            )
        if doc.get("finished"):
            raise InputError(f"{self.progress}: that run finished; run without --resume to screen again")
        return doc

    @staticmethod
    def _truncate(path: Path, size: int, header: str) -> None:
        if size and (not path.exists() or path.stat().st_size < size):
            raise InputError(
                f"{path}: it holds less than its progress record says (cut since?); run without --resume"
            )
        with writing(path):
            if size:
                with path.open("r+b") as f:
                    f.truncate(size)
            else:
                path.write_bytes(header.encode())

    @staticmethod
    def _append(path: Path, text: str) -> None:
        with writing(path), path.open("ab") as f:
            f.write(text.encode("utf-8", errors="surrogateescape"))


def _fingerprint(job: ChannelJob) -> str:
    """The identity of a run: each input's path, size and modification time, and the settings that
    change the output (the as-of date and thresholds are compared apart, by `check_basis`)."""
    files: list[Any] = []
    for path in job.inputs:
        if str(path) == "-":
            if job.resume:
                raise InputError("--resume needs files: standard input cannot be read again")
            files.append("-")
            continue
        with writing(path):  # an input that vanished: one line
            stat = path.stat()
        files.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
    doc = [
        files,
        getattr(job.read, "__qualname__", str(job.read)),
        job.activity,
        sorted(job.settings.items()),
    ]
    return hashlib.sha256(json.dumps(doc).encode()).hexdigest()


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return b.exists() and a.samefile(b)
    except OSError:
        return False
