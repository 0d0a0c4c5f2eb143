"""The list life cycle behind `clearance lists`: import, update, load what is active, compare versions."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from clearance.datasets.lists.base import ListData
from clearance.datasets.lists.download import SOURCES, DownloadFailed, fetch_source
from clearance.datasets.lists.reading import DEFAULT_MAX_LOSS, ImportFailed, content_hash, detect, read
from clearance.datasets.lists.snapshots import Snapshot, active, history, store
from clearance.domain.model import Entity


@dataclass(frozen=True)
class Imported:
    data: ListData
    snapshot: Snapshot
    created: bool  # False: the same content was already active


def import_files(
    paths: Sequence[str | Path],
    home: Path,
    fmt: str = "auto",
    max_loss: float = DEFAULT_MAX_LOSS,
    origin: str | None = None,
) -> list[Imported]:
    """Read files, and keep each source as a new active snapshot. All or nothing per call: every file
    is read and checked before any snapshot is written."""
    sources = read(paths, fmt, max_loss)
    out = []
    for data in sources:
        snapshot, created = store(data, content_hash(data.files), origin or ", ".join(data.files), home)
        out.append(Imported(data, snapshot, created))
    return out


def update(names: Sequence[str], home: Path, max_loss: float = DEFAULT_MAX_LOSS) -> list[Imported]:
    """Download sources from their official (or configured) URLs and import each as a snapshot.
    A failure leaves that source's active snapshot as it was, and is raised after the others are done."""
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise ImportFailed(f"unknown source '{unknown[0]}': use one of {', '.join(SOURCES)}")
    out: list[Imported] = []
    failures: list[str] = []
    for name in names or list(SOURCES):
        source = SOURCES[name]
        with tempfile.TemporaryDirectory(prefix=f"clearance-{name}-") as tmp:
            try:
                paths = fetch_source(source, Path(tmp))
                out.extend(import_files(paths, home, max_loss=max_loss, origin=source.url()))
            except (DownloadFailed, ImportFailed) as exc:
                failures.append(f"{name}: {exc}")
    if failures:
        raise UpdateFailed(failures, out)
    return out


class UpdateFailed(ImportFailed):
    def __init__(self, failures: list[str], done: list[Imported]) -> None:
        super().__init__("; ".join(failures))
        self.failures = failures
        self.done = done


def load_active(home: Path, as_of: date | None = None) -> tuple[list[ListData], dict[str, str]]:
    """Every active snapshot read back, with the versions results name. With `as_of`, for each source
    the newest snapshot retrieved by the end of that day (UTC) instead: the lists as they stood then."""
    snaps = active(home) if as_of is None else _as_of(home, as_of)
    datas, versions = [], {}
    for snap in snaps:
        paths = snap.file_paths()
        reader = detect(paths[0], snap.format)
        if reader is None:  # pragma: no cover - the format was detected when the snapshot was made
            continue
        datas.append(reader.read(paths[:1]))
        versions[snap.source] = snap.version
    return datas, versions


def _as_of(home: Path, day: date) -> list[Snapshot]:
    cutoff = day.isoformat() + "T23:59:59"
    newest: dict[str, Snapshot] = {}
    for snap in history(home):
        if snap.retrieved_at[:19] <= cutoff:
            newest[snap.source] = snap  # history is oldest first
    return list(newest.values())


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
