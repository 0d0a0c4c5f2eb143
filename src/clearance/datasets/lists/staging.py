"""Making snapshots active, all or nothing, also when the process is killed halfway.

    with Transaction(home) as txn:
        folder = txn.incoming()                 # CLEARANCE_HOME/snapshots/.incoming-*: copy, read, check
        txn.stage(folder, snapshot)             # -> snapshots/<source>/<id>, not yet active
        txn.commit()                            # one atomic replace of snapshots/ACTIVE

Every step before `commit` leaves ACTIVE as it was: the files of a new snapshot are copied into a
temporary folder, flushed to disk, and renamed to `<source>/<id>`; only the replace of ACTIVE (written
to a temporary file, flushed, then `os.replace`d) makes the staged snapshots active, all of them in one
step. A killed import therefore leaves the home either as it was or fully updated. What it leaves
behind (`.incoming-*` folders, `.active-*` files, staged snapshots ACTIVE never named) is never read,
and the next import removes it before it starts.

One import at a time: a transaction holds an exclusive lock on `snapshots/.lock` (released by the
system when its process dies), so that it never removes what another import is writing. Readers take no
lock: they read ACTIVE, which is always whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from clearance.datasets.lists import manifest
from clearance.datasets.lists.checks import ImportFailed
from clearance.datasets.lists.manifest import Snapshot
from clearance.datasets.lists.snapshots import ACTIVE, Activation, Index, read_index, root

LOCK = ".lock"
LOCK_WAIT = 60.0  # seconds an import waits for another one to finish
_TEMP = (".incoming-", ".active-")


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename or a new file in it) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_index(base: Path, index: Index) -> None:
    """Replace ACTIVE atomically: a temporary file, flushed, renamed over it, the folder flushed."""
    tmp = base / f".active-{secrets.token_hex(8)}"
    try:
        with tmp.open("x", encoding="utf-8") as f:  # made with the user's umask, like the other files
            f.write(index.to_json() + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, base / ACTIVE)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):  # replaced: done, even where a folder cannot be flushed
        sync_dir(base)


def cleanup(base: Path, index: Index) -> list[str]:
    """Remove what interrupted imports left: temporary folders and files, snapshots never made active,
    and the per-source ACTIVE files of an older home once the home's ACTIVE is written. Returns what it
    removed (relative to `base`). Only under the lock."""
    removed: list[str] = []

    def remove(path: Path) -> None:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(str(path.relative_to(base)))

    for entry in sorted(base.iterdir()):
        if entry.name.startswith(_TEMP):
            remove(entry)
        elif entry.is_dir() and not entry.name.startswith("."):
            activated = index.activated(entry.name)
            for item in sorted(entry.iterdir()):
                never_active = item.is_dir() and not item.name.startswith(".") and item.name not in activated
                if item.name.startswith(_TEMP) or item.name == ACTIVE or never_active:
                    remove(item)
    return removed


class Transaction:
    """One import: stage snapshots, then make them active together (see the module's note)."""

    def __init__(self, home: Path, *, wait: float = LOCK_WAIT) -> None:
        self.home = home
        self.base = root(home)
        self.wait = wait
        self.index = Index({}, ())
        self.cleaned: list[str] = []
        self._lock: IO[str] | None = None
        self._incoming: list[Path] = []
        self._staged: dict[str, Path] = {}  # source -> staged snapshot folder
        self._done = False

    def __enter__(self) -> Transaction:
        self.base.mkdir(parents=True, exist_ok=True)
        self._lock = self._take_lock()
        try:
            self.index = read_index(self.home)
            if self.index.legacy or not (self.base / ACTIVE).exists():
                self.index = replace(self.index, legacy=False)
                write_index(self.base, self.index)  # from now on, ACTIVE is the record
            self.cleaned = cleanup(self.base, self.index)
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            leftovers = self._incoming + ([] if self._done else list(self._staged.values()))
            for folder in leftovers:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            self._release()

    def _take_lock(self) -> IO[str]:
        handle = (self.base / LOCK).open("a", encoding="utf-8")
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise ImportFailed(
                        f"another import into {self.base} is still running: try again when it is done"
                    ) from None
                time.sleep(0.05)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    def incoming(self) -> Path:
        """A new temporary folder in the home, for the files of one snapshot."""
        folder = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.base))
        self._incoming.append(folder)
        return folder

    def current(self, source: str) -> Snapshot | None:
        """The active snapshot of a source, as this transaction found it."""
        snap_id = self.index.active.get(source)
        return manifest.load(self.base / source / snap_id, source) if snap_id else None

    def stage(self, folder: Path, snapshot: Snapshot) -> Snapshot:
        """Write the manifest into `folder` (from `incoming`) and move it to `<source>/<id>`; the snapshot
        becomes active at `commit`."""
        if snapshot.source in self._staged:
            raise ImportFailed(f"{snapshot.source}: staged twice in one import")
        manifest.write(folder, snapshot)
        sync_dir(folder)
        parent = self.base / snapshot.source
        parent.mkdir(exist_ok=True)
        dest = parent / snapshot.id
        os.rename(folder, dest)
        self._incoming.remove(folder)
        self._staged[snapshot.source] = dest
        sync_dir(parent)
        sync_dir(self.base)
        return replace(snapshot, path=str(dest))

    def commit(self) -> None:
        """Make every staged snapshot active, in one atomic replace of ACTIVE."""
        if self._staged:
            at = datetime.now(UTC).isoformat(timespec="microseconds")
            snapshots = {source: folder.name for source, folder in sorted(self._staged.items())}
            index = Index(
                {**self.index.active, **snapshots},
                (*self.index.activations, Activation(at, snapshots)),
            )
            write_index(self.base, index)
            self.index = index
        self._done = True
