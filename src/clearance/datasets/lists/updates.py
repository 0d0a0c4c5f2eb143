"""The list life cycle behind `clearance lists`: import, update, load what is active (verified), verify
the home, compare versions.

An import is all or nothing: each list's files are copied into the home, read and checked there (so
that what was checked is byte for byte what is kept), every source is checked against its active
snapshot (`checks.check_shrink`), and only then are the new snapshots made active, together
(`staging.Transaction`). An update downloads each source and imports those that arrived whole and pass
the checks, together; a source that fails keeps its previous snapshot.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from clearance.datasets.lists.base import ListData
from clearance.datasets.lists.checks import (
    DEFAULT_MAX_LOSS,
    DEFAULT_MAX_SHRINK,
    ImportFailed,
    check_loss,
    check_one_per_source,
    check_shrink,
    share,
)
from clearance.datasets.lists.download import SOURCES, DownloadFailed, fetch_source
from clearance.datasets.lists.manifest import FileCheck, Snapshot, copy_checked, verify
from clearance.datasets.lists.reading import Group, content_hash, detect, plan, read, read_group
from clearance.datasets.lists.snapshots import active, current_on, find, history, root
from clearance.datasets.lists.staging import Transaction
from clearance.domain.model import Entity
from clearance.errors import DataError


@dataclass(frozen=True)
class Imported:
    data: ListData
    snapshot: Snapshot
    created: bool  # False: the same content was already active


@dataclass(frozen=True)
class Loaded:
    """An active (or as-of) snapshot read back, with its manifest."""

    data: ListData
    snapshot: Snapshot


@dataclass(frozen=True)
class _Limits:
    max_loss: float
    max_shrink: float
    allow_shrink: bool


def import_files(
    paths: Sequence[str | Path],
    home: Path,
    *,
    fmt: str = "auto",
    max_loss: float = DEFAULT_MAX_LOSS,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    allow_shrink: bool = False,
    origin: str | None = None,
) -> list[Imported]:
    """Read files, and keep each source as a new active snapshot. All or nothing per call: every list
    is read and checked, and every snapshot staged, before any becomes active."""
    limits = _Limits(share(max_loss, "--max-loss"), share(max_shrink, "--max-shrink"), allow_shrink)
    groups = plan(paths, fmt=fmt)
    with _writing(home), Transaction(home) as txn:
        done, _ = _stage(txn, [(g, origin, "") for g in groups], limits, keep_going=False)
        txn.commit()
    return done


def update(
    names: Sequence[str],
    home: Path,
    *,
    max_loss: float = DEFAULT_MAX_LOSS,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    allow_shrink: bool = False,
) -> list[Imported]:
    """Download sources from their official (or configured) URLs and import those that arrived whole and
    pass the checks, together. A source that fails keeps its active snapshot; the failures are raised
    (`UpdateFailed`) after the others are done."""
    limits = _Limits(share(max_loss, "--max-loss"), share(max_shrink, "--max-shrink"), allow_shrink)
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise ImportFailed(f"unknown source '{unknown[0]}': use one of {', '.join(SOURCES)}")
    failures: list[str] = []
    items: list[tuple[Group, str | None, str]] = []
    with tempfile.TemporaryDirectory(prefix="clearance-update-") as tmp:
        for name in names or list(SOURCES):
            source = SOURCES[name]
            folder = Path(tmp) / name
            folder.mkdir()
            try:
                items.extend((g, source.url(), name) for g in plan(fetch_source(source, folder)))
            except (DownloadFailed, ImportFailed) as exc:
                failures.append(f"{name}: {exc}")
        with _writing(home), Transaction(home) as txn:
            done, more = _stage(txn, items, limits, keep_going=True)
            txn.commit()
    failures.extend(more)
    if failures:
        raise UpdateFailed(failures, done)
    return done


@contextlib.contextmanager
def _writing(home: Path) -> Iterator[None]:
    """An error of the file system while the home is written (a full disk, no permission): one line, and
    the home as it was (the transaction removes what it staged)."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or root(home)
        raise ImportFailed(f"{where}: {exc.strerror or exc}; nothing was imported") from exc


class UpdateFailed(ImportFailed):
    def __init__(self, failures: list[str], done: list[Imported]) -> None:
        super().__init__("; ".join(failures))
        self.failures = failures
        self.done = done


@dataclass
class _Ready:
    """A list copied into the home, read there and checked, waiting to be staged."""

    data: ListData
    folder: Path
    checks: tuple[FileCheck, ...]
    origin: str | None
    label: str


def _stage(
    txn: Transaction, items: Sequence[tuple[Group, str | None, str]], limits: _Limits, *, keep_going: bool
) -> tuple[list[Imported], list[str]]:
    """Copy, read and check each list (group, origin, label) in the home, then stage those that pass and
    are new. With `keep_going`, a list that fails is left out and named by its label in the failures;
    else the first failure is raised."""
    failures: list[str] = []
    ready: list[_Ready] = []
    for group, origin, label in items:
        folder = txn.incoming()
        try:
            try:
                checks = tuple(copy_checked(p, folder / p.name) for p in group.files)
            except OSError as exc:
                raise ImportFailed(
                    f"{exc.filename or group.primary}: {exc.strerror or exc} while copying it into the home"
                ) from exc
            data = read_group(group, at=folder)
            check_loss(data, limits.max_loss)
        except ImportFailed as exc:
            if not keep_going:
                raise
            failures.append(f"{label}: {exc}" if label else str(exc))
            continue
        ready.append(_Ready(data, folder, checks, origin, label))
    check_one_per_source([r.data for r in ready])
    done: list[Imported] = []
    for item in ready:
        data = item.data
        current = txn.current(data.source)
        digest = content_hash(item.folder / c.name for c in item.checks)
        if current is not None and current.sha256 == digest and _intact(current):
            done.append(Imported(data, current, False))
            continue
        try:
            before = current.entities if current else 0
            check_shrink(data, before, max_shrink=limits.max_shrink, allow_shrink=limits.allow_shrink)
        except ImportFailed as exc:
            if not keep_going:
                raise
            failures.append(str(exc))  # it names the source
            continue
        now = datetime.now(UTC)
        snapshot = Snapshot(
            source=data.source,
            id=f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{digest[:12]}",
            format=data.format,
            sha256=digest,
            retrieved_at=now.isoformat(timespec="seconds"),
            origin=item.origin or ", ".join(data.files),
            files=tuple(c.name for c in item.checks),
            entities=len(data.entities),
            names=sum(len(e.all_names()) for e in data.entities),
            rows=data.rows,
            problems=len(data.problems),
            published=data.published,
            path="",
            checks=item.checks,
        )
        done.append(Imported(data, txn.stage(item.folder, snapshot), True))
    return done, failures


def _intact(snapshot: Snapshot) -> bool:
    """Whether an active snapshot's files are as imported (else the same content imported again
    replaces it: that is how a damaged snapshot is repaired)."""
    try:
        verify(snapshot)
    except DataError:
        return False
    return True


# ------------------------------------------------------------------------------------ reading the home


def read_snapshot(snapshot: Snapshot) -> ListData:
    """A snapshot's list, its files verified first (`manifest.verify`, the cheap way). Raises DataError
    naming the source and the file when they are not as imported, or when the list is cut short (a
    snapshot imported before such files were refused)."""
    verify(snapshot)
    paths = snapshot.file_paths()
    try:
        reader = detect(paths[0], snapshot.format)
    except ImportFailed as exc:
        raise DataError(f"{snapshot.source}: snapshot {snapshot.id}: {exc}") from exc
    if reader is None:  # pragma: no cover - a format is always named
        raise DataError(f"{snapshot.source}: snapshot {snapshot.id} has no format")
    data = reader.read(paths[:1])
    if data.fatal:
        raise DataError(
            f"{snapshot.source}: snapshot {snapshot.id} is not a whole list ({data.fatal[0]}): import the "
            "whole list again"
        )
    return data


def load_snapshots(home: Path, as_of: date | None = None) -> list[Loaded]:
    """Every active snapshot read back (verified), with its manifest; with `as_of`, for each source the
    newest snapshot retrieved by the end of that day (UTC) among those that became active."""
    snaps = active(home) if as_of is None else current_on(home, as_of)
    return [Loaded(read_snapshot(s), s) for s in snaps]


def load_active(home: Path, as_of: date | None = None) -> tuple[list[ListData], dict[str, str]]:
    """Every active snapshot read back, with the versions results name. With `as_of`, for each source
    the newest snapshot retrieved by the end of that day (UTC) instead: the lists as they stood then.
    Raises DataError when the home is damaged (see `snapshots` and `manifest`)."""
    loaded = load_snapshots(home, as_of)
    return [item.data for item in loaded], {item.snapshot.source: item.snapshot.version for item in loaded}


def load_ref(home: Path, ref: str) -> list[ListData]:
    """A snapshot (`source/id`, an id, or a source for its active one), verified, or else list files."""
    snap = find(home, ref)
    return [read_snapshot(snap)] if snap else read([ref])


def verify_home(home: Path) -> int:
    """Check every snapshot that became active by the full SHA-256 of each file; return how many were
    checked. Raises DataError naming the first that is damaged (ACTIVE or a manifest included)."""
    snaps = history(home)
    for snap in snaps:
        verify(snap, full=True)
    return len(snaps)


# ------------------------------------------------------------------------------------------- diff


@dataclass
class ListDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def _signature(e: Entity) -> tuple[object, ...]:
    return (
        e.name,
        tuple(sorted(n.value for n in e.names)),
        tuple(sorted((i.scheme, i.value) for i in e.identifiers)),
        tuple(sorted((lst.list_id, lst.programs, lst.listed, lst.expires) for lst in e.listings)),
        tuple(sorted(c.measure for c in e.measures)),
    )


def diff(old: Sequence[ListData], new: Sequence[ListData]) -> dict[str, ListDiff]:
    """Entries added, removed and changed, by list."""

    def by_list(datas: Sequence[ListData]) -> dict[str, dict[str, Entity]]:
        out: dict[str, dict[str, Entity]] = {}
        for data in datas:
            for e in data.entities:
                for lid in e.lists or (data.source,):
                    out.setdefault(lid, {})[e.id] = e
        return out

    before, after = by_list(old), by_list(new)
    result: dict[str, ListDiff] = {}
    for lid in sorted(set(before) | set(after)):
        a, b = before.get(lid, {}), after.get(lid, {})
        d = ListDiff(
            added=sorted(set(b) - set(a)),
            removed=sorted(set(a) - set(b)),
            changed=sorted(k for k in set(a) & set(b) if _signature(a[k]) != _signature(b[k])),
        )
        if d.added or d.removed or d.changed:
            result[lid] = d
    return result
