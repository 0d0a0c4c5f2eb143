"""Snapshots: the list files a decision used, kept as they came, and which of them are active.

    CLEARANCE_HOME/snapshots/<source>/<snapshot id>/   the files, byte for byte, and manifest.json
    CLEARANCE_HOME/snapshots/ACTIVE                    the active snapshot of every source, and the log
                                                       of every activation

ACTIVE is the one record of what is active: an import of several sources stages every snapshot first
and then replaces ACTIVE in one atomic step (`staging`), so a reader sees all of them or none, also when
the import was killed halfway. A snapshot folder that ACTIVE never named (an import that failed or was
killed before it was made active) is never read, and the next import removes it. Screening "as the
lists stood" (`current_on`) picks, for each source, the newest snapshot retrieved by that day among
those that became active.

Reading the home is checked: ACTIVE that cannot be read or names a snapshot that is not there, a
manifest that cannot be read, a file missing or not as imported (`manifest.verify`) is a `DataError`
naming the source and the file, never a silent drop of that source.

Homes written before ACTIVE kept one `<source>/ACTIVE` file per source. They are read as they are (the
snapshots up to the active one count as activated), and the next import writes the home's ACTIVE.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clearance.datasets.lists.manifest import Snapshot, load
from clearance.errors import DataError

__all__ = [
    "ACTIVE",
    "FORMAT",
    "Activation",
    "Index",
    "Snapshot",
    "active",
    "active_for",
    "current_on",
    "find",
    "history",
    "read_index",
    "root",
]

ACTIVE = "ACTIVE"
FORMAT = "clearance-active/1"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


@dataclass(frozen=True)
class Activation:
    """Snapshots made active together, and when."""

    at: str
    snapshots: dict[str, str]  # source -> snapshot id


@dataclass(frozen=True)
class Index:
    """What ACTIVE says: the active snapshot of each source, and every activation so far."""

    active: dict[str, str]
    activations: tuple[Activation, ...]
    legacy: bool = False  # read from per-source ACTIVE files (a home from before the one ACTIVE)

    def activated(self, source: str) -> set[str]:
        """The ids of every snapshot of `source` that was ever active."""
        return {a.snapshots[source] for a in self.activations if source in a.snapshots}

    def sources(self) -> set[str]:
        return {s for a in self.activations for s in a.snapshots}

    def to_json(self) -> str:
        doc = {
            "format": FORMAT,
            "active": dict(sorted(self.active.items())),
            "activations": [{"at": a.at, "snapshots": a.snapshots} for a in self.activations],
        }
        return json.dumps(doc, indent=2)


def root(home: Path) -> Path:
    return home / "snapshots"


def read_index(home: Path) -> Index:
    """What is active under `home` (nothing when there is no snapshot). Raises DataError when ACTIVE
    cannot be read, names a snapshot that is not there, or is missing while snapshots are kept."""
    base = root(home)
    if not base.is_dir():
        return Index({}, ())
    path = base / ACTIVE
    index = _parse(path) if path.exists() else _legacy(base)
    for source, snap_id in index.active.items():
        if not (base / source / snap_id).is_dir():
            raise DataError(
                f"{source}: {path if not index.legacy else base / source / ACTIVE} names snapshot {snap_id}, "
                f"but {base / source / snap_id} is not there: the home is damaged"
            )
    return index


def _damaged(path: Path, why: str) -> DataError:
    return DataError(
        f"{path} {why}: the record of which snapshots are active is damaged; restore it from a backup, or "
        f"move {path.parent} aside and import the lists again"
    )


def _parse(path: Path) -> Index:
    try:
        doc: Any = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} document")
        activations = tuple(
            Activation(_text(a["at"]), _ids(a["snapshots"])) for a in _list(doc.get("activations"))
        )
        active = _ids(doc.get("active"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        raise _damaged(path, f"is corrupt ({' '.join(str(exc).split()) or type(exc).__name__})") from exc
    replayed: dict[str, str] = {}
    for activation in activations:
        replayed.update(activation.snapshots)
    if replayed != active:
        raise _damaged(path, "is corrupt (its active snapshots are not those of its last activations)")
    return Index(active, activations)


def _legacy(base: Path) -> Index:
    """A home from before the one ACTIVE: one ACTIVE file per source."""
    active: dict[str, str] = {}
    activations: list[Activation] = []
    for folder in sorted(d for d in base.iterdir() if d.is_dir() and not d.name.startswith(".")):
        kept = sorted(d.name for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))
        marker = folder / ACTIVE
        if not marker.is_file():
            if kept:
                raise _damaged(base / ACTIVE, f"is missing, yet snapshots of {folder.name} are kept")
            continue
        try:
            snap_id = marker.read_bytes().decode("utf-8").strip()
            if not _NAME.fullmatch(snap_id):
                raise ValueError(f"{snap_id[:40]!r} is not a snapshot id")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DataError(f"{folder.name}: {marker} is corrupt ({exc}): the home is damaged") from exc
        active[folder.name] = snap_id
        # each import made its snapshot active: those up to the active one were active in their time
        activations.extend(Activation("", {folder.name: s}) for s in kept if s < snap_id)
        activations.append(Activation("", {folder.name: snap_id}))
    return Index(active, tuple(activations), legacy=True)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a time is not text")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("'activations' is not a list")
    return value


def _ids(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and _NAME.fullmatch(k) and _NAME.fullmatch(v)
        for k, v in value.items()
    ):
        raise ValueError("a source or snapshot id is not one")
    return dict(value)


def _load(home: Path, source: str, snap_id: str) -> Snapshot:
    return load(root(home) / source / snap_id, source)


def active_for(home: Path, source: str) -> Snapshot | None:
    """The active snapshot of a source, or None when it has none."""
    snap_id = read_index(home).active.get(source)
    return _load(home, source, snap_id) if snap_id else None


def active(home: Path) -> list[Snapshot]:
    """The active snapshot of every source, by source name."""
    index = read_index(home)
    return [_load(home, source, snap_id) for source, snap_id in sorted(index.active.items())]


def history(home: Path, source: str | None = None) -> list[Snapshot]:
    """Every snapshot that became active (of one source, or all), by source and oldest first."""
    index = read_index(home)
    sources = [source] if source else sorted(index.sources())
    return [_load(home, s, snap_id) for s in sources for snap_id in sorted(index.activated(s))]


def current_on(home: Path, day: date) -> list[Snapshot]:
    """For each source, the newest snapshot retrieved by the end of `day` (UTC) among those that became
    active: the lists as they stood then."""
    cutoff = day.isoformat() + "T23:59:59"
    newest: dict[str, Snapshot] = {}
    for snap in history(home):
        if snap.retrieved_at[:19] <= cutoff and (
            snap.source not in newest or snap.retrieved_at >= newest[snap.source].retrieved_at
        ):
            newest[snap.source] = snap
    return [newest[s] for s in sorted(newest)]


def find(home: Path, ref: str) -> Snapshot | None:
    """A snapshot that became active, by `source/id`, by id alone, or by `source` (its active one)."""
    index = read_index(home)
    if "/" in ref:
        source, snap_id = ref.split("/", 1)
        return _load(home, source, snap_id) if snap_id in index.activated(source) else None
    if ref in index.active:
        return _load(home, ref, index.active[ref])
    owner = next((s for s in sorted(index.sources()) if ref in index.activated(s)), None)
    return _load(home, owner, ref) if owner else None
