"""A snapshot's manifest, and the check that its files are still the ones it names.

    CLEARANCE_HOME/snapshots/<source>/<snapshot id>/manifest.json

The manifest says what a snapshot is (source, format, origin, retrieval time, counts) and, for each file,
its size, modification time and SHA-256 as imported. A decision is only as good as the list behind it,
so the files are checked every time they are read: cheaply (size and modification time as recorded),
and by their SHA-256 when those differ; `verify(..., full=True)` (`clearance lists verify`) always
hashes. A file edited, emptied or deleted, or a manifest that cannot be read, is a `DataError` naming
the source and the file, never a silent drop of that source. (A file edited with its size and time put
back passes the cheap check; the full one finds it.) Manifests written before the per-file checks have
only the SHA-256 of the whole snapshot, which is then computed on every read.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from clearance.errors import DataError

MANIFEST = "manifest.json"
_REPAIR = "import the list again to replace it"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileCheck:
    """One file of a snapshot as imported."""

    name: str
    size: int
    mtime_ns: int
    sha256: str


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
    checks: tuple[FileCheck, ...] = ()

    @property
    def version(self) -> str:
        """What `data_versions` names: source snapshot id, whose suffix is the content hash."""
        return self.id

    def file_paths(self) -> list[Path]:
        return [Path(self.path) / name for name in self.files]

    def label(self) -> str:
        return f"{self.source}/{self.id}"


def copy_checked(src: Path, dest: Path) -> FileCheck:
    """Copy a file byte for byte, flushed to disk, and return its check (size, time, SHA-256 of what was
    written)."""
    digest = hashlib.sha256()
    with src.open("rb") as fin, dest.open("wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    stat = dest.stat()
    return FileCheck(dest.name, stat.st_size, stat.st_mtime_ns, digest.hexdigest())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(folder: Path, snapshot: Snapshot) -> None:
    """Write a snapshot's manifest into its folder, flushed to disk."""
    doc = asdict(snapshot)
    doc.pop("path")  # where it lies is where it is found
    with (folder / MANIFEST).open("w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2))
        f.flush()
        os.fsync(f.fileno())


def load(folder: Path, source: str) -> Snapshot:
    """The snapshot in `folder` (`<source>/<id>`), or DataError naming the source and the manifest when it
    is missing, cannot be read, or is not the snapshot of this folder."""
    manifest = folder / MANIFEST
    try:
        doc: Any = json.loads(manifest.read_bytes().decode("utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
        known = {f.name for f in fields(Snapshot)}
        doc = {k: v for k, v in doc.items() if k in known}
        doc["path"] = str(folder)
        doc["files"] = tuple(_names(doc["files"]))
        doc["checks"] = tuple(FileCheck(**c) for c in doc.get("checks", ()))
        snapshot = Snapshot(**doc)
        _check_types(snapshot)
    except FileNotFoundError as exc:
        raise DataError(f"{source}: {manifest} is missing: the snapshot is damaged") from exc
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        raise DataError(f"{source}: {manifest} is corrupt ({_short(exc)}): the snapshot is damaged") from exc
    if (snapshot.source, snapshot.id) != (source, folder.name):
        raise DataError(
            f"{source}: {manifest} describes {snapshot.source}/{snapshot.id}, not {source}/{folder.name}: "
            "the snapshot is damaged"
        )
    return snapshot


def verify(snapshot: Snapshot, *, full: bool = False) -> None:
    """Raise DataError naming the source and the file when a snapshot's files are not those it was
    imported with: a file missing, or (size and time differing, or `full`) its SHA-256 different."""
    paths = snapshot.file_paths()
    for path in paths:
        if not path.is_file():
            raise DataError(f"{snapshot.source}: {path} is missing from snapshot {snapshot.id}; {_REPAIR}")
    if not snapshot.checks:  # a manifest written before the per-file checks: the whole content's hash
        if _content_hash(paths) != snapshot.sha256:
            raise DataError(
                f"{snapshot.source}: the files of snapshot {snapshot.id} ({', '.join(snapshot.files)}) do "
                f"not match its manifest's SHA-256: edited or damaged since they were imported; {_REPAIR}"
            )
        return
    for check in snapshot.checks:
        path = Path(snapshot.path) / check.name
        try:
            stat = path.stat()
            if not full and (stat.st_size, stat.st_mtime_ns) == (check.size, check.mtime_ns):
                continue
            actual = file_sha256(path)
        except OSError as exc:
            raise DataError(f"{snapshot.source}: {path} cannot be read ({_short(exc)})") from exc
        if actual != check.sha256:
            raise DataError(
                f"{snapshot.source}: {path} does not match its manifest (SHA-256 {actual[:16]}..., "
                f"imported as {check.sha256[:16]}...; {stat.st_size:,} bytes, imported {check.size:,}): "
                f"edited or damaged since it was imported; {_REPAIR}"
            )


def _content_hash(paths: list[Path]) -> str:
    """The SHA-256 over a snapshot's files as `reading.content_hash` computes it."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def _names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v and "/" not in v for v in value):
        raise ValueError("'files' is not a list of file names")
    return value


def _check_types(snapshot: Snapshot) -> None:
    for name in ("source", "id", "format", "sha256", "retrieved_at"):
        if not isinstance(getattr(snapshot, name), str):
            raise ValueError(f"'{name}' is not text")
    if not all(isinstance(getattr(snapshot, n), int) for n in ("entities", "names", "rows", "problems")):
        raise ValueError("a count is not a number")
    names = {c.name for c in snapshot.checks}
    if snapshot.checks and names != set(snapshot.files):
        raise ValueError("'checks' do not name the snapshot's files")


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
