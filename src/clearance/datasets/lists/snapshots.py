"""Snapshots: the list files a decision used, kept as they came, with where and when they came from.

    CLEARANCE_HOME/snapshots/<source>/<snapshot id>/   the files, byte for byte, and manifest.json
    CLEARANCE_HOME/snapshots/<source>/ACTIVE           the id of the snapshot screening uses

A new snapshot is written into a temporary folder, renamed into place, and only then made active by
replacing ACTIVE atomically: an import or update that fails or is interrupted at any point leaves the
previous snapshot active and whole. Older snapshots stay for as-of screening and audit.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from clearance.datasets.lists.base import ListData

_ACTIVE = "ACTIVE"
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Snapshot:
    source: str
    id: str
    format: str
    sha256: str
    retrieved_at: str
    origin: str
    files: tuple[str, ...]
    entities: int
    names: int
    rows: int
    problems: int
    published: str | None
    path: str

    @property
    def version(self) -> str:
        """What `data_versions` names: source snapshot id, whose suffix is the content hash."""
        return self.id

    def file_paths(self) -> list[Path]:
        return [Path(self.path) / name for name in self.files]


def root(home: Path) -> Path:
    return home / "snapshots"


def store(data: ListData, sha256: str, origin: str, home: Path) -> tuple[Snapshot, bool]:
    """Keep a source's files as a new snapshot and make it active. Returns (snapshot, created): when the
    content is the same as the active snapshot's, nothing is written and the active one is returned."""
    current = active_for(home, data.source)
    if current is not None and current.sha256 == sha256:
        return current, False
    folder = root(home) / data.source
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    snap_id = f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{sha256[:12]}"
    tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
    try:
        names = []
        for raw in data.files:
            src = Path(raw)
            shutil.copy2(src, tmp / src.name)
            names.append(src.name)
        snapshot = Snapshot(
            source=data.source,
            id=snap_id,
            format=data.format,
            sha256=sha256,
            retrieved_at=now.isoformat(timespec="seconds"),
            origin=origin,
            files=tuple(names),
            entities=len(data.entities),
            names=sum(len(e.all_names()) for e in data.entities),
            rows=data.rows,
            problems=len(data.problems),
            published=data.published,
            path=str(folder / snap_id),
        )
        (tmp / _MANIFEST).write_text(json.dumps(asdict(snapshot), indent=2), encoding="utf-8")
        os.replace(tmp, folder / snap_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_atomic(folder / _ACTIVE, snap_id)
    return snapshot, True


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".active-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _load(folder: Path) -> Snapshot | None:
    manifest = folder / _MANIFEST
    if not manifest.is_file():
        return None
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["files"] = tuple(doc["files"])
    doc["path"] = str(folder)
    return Snapshot(**doc)


def active_for(home: Path, source: str) -> Snapshot | None:
    marker = root(home) / source / _ACTIVE
    if not marker.is_file():
        return None
    return _load(root(home) / source / marker.read_text(encoding="utf-8").strip())


def active(home: Path) -> list[Snapshot]:
    """The active snapshot of every source, by source name."""
    base = root(home)
    if not base.is_dir():
        return []
    found = (active_for(home, d.name) for d in sorted(base.iterdir()) if d.is_dir())
    return [s for s in found if s is not None]


def history(home: Path, source: str | None = None) -> list[Snapshot]:
    """Every snapshot kept, oldest first."""
    base = root(home)
    if not base.is_dir():
        return []
    folders = [base / source] if source else sorted(d for d in base.iterdir() if d.is_dir())
    out: list[Snapshot] = []
    for folder in folders:
        if folder.is_dir():
            out.extend(s for d in sorted(folder.iterdir()) if d.is_dir() and (s := _load(d)) is not None)
    return out


def find(home: Path, ref: str) -> Snapshot | None:
    """A snapshot by `source/id`, by id alone, or by `source` (its active one)."""
    if "/" in ref:
        source, snap_id = ref.split("/", 1)
        return _load(root(home) / source / snap_id)
    by_source = active_for(home, ref)
    if by_source is not None:
        return by_source
    return next((s for s in history(home) if s.id == ref), None)
