"""An engine built once per data version and kept on disk, so that a command answers without rebuilding.

Building the engine (reading the list snapshots, merging them with the built-in data, filing every name
in the candidate index) takes seconds with the real lists; a CLI call screens one name. So the built
data and index are kept under CLEARANCE_HOME, in `cache/engine-<key>.bin`, where the key is a SHA-256 of
everything they depend on: the active snapshots (their sources, ids and content hashes, or those
current on `--lists-as-of`), clearance's own code and data files (the package's files, the built-in
data among them), and the scorer's configuration. A new snapshot, an upgrade or another threshold is
another key, so a stale file is never read; the `KEEP` newest files are kept, older ones removed.

The file is a header line (`clearance-engine <format> <key> <sha256 of the rest>`) and a pickle of the
dataset and its matcher. A file that is missing, cut short, altered or of another format is rebuilt
and written again, never trusted; a home that cannot be written is screened without a cache. Only
clearance writes this file, under CLEARANCE_HOME, where the list snapshots it comes from live too:
whoever can write there can already change the lists. The gaps of the data (a list too old) are found
again on every load, as time passes (`datasets.loading.with_gaps`). `CLEARANCE_CACHE=off` turns it off.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import sys
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict, replace
from datetime import date
from functools import cache
from pathlib import Path

from clearance.datasets.builtin import Dataset
from clearance.datasets.graph_store import stamp_on
from clearance.datasets.lists.manifest import Snapshot
from clearance.datasets.lists.reading import expand
from clearance.datasets.lists.snapshots import active, current_on
from clearance.datasets.loading import load_dataset, retrieved_of, with_gaps
from clearance.datasets.policy import DataPolicy
from clearance.matching.config import ScorerConfig
from clearance.matching.matcher import Matcher
from clearance.perf import settle_heap
from clearance.screening.engine import Engine
from clearance.settings import home as default_home

FORMAT = 1  # bumped when the file's layout changes
KEEP = 3  # engine files kept: the newest, and two others (another threshold, --lists-as-of)
_MAGIC = b"clearance-engine"
_RECURSION = 100_000  # pickling the index's nested tables goes deeper than Python's default of 1,000


def prepared_engine(
    *,
    config: ScorerConfig,
    time_limit: float | None = None,
    lists: Sequence[str | Path] = (),
    lists_as_of: date | None = None,
    home: Path | None = None,
) -> Engine:
    """The engine of the built-in data, the active snapshots under `home` (default CLEARANCE_HOME) or
    those current on `lists_as_of`, and the list files or folders in `lists` (known by their SHA-256):
    read from the cache when it holds this data version, else built, prepared and written there.
    Raises what `load_dataset` raises (`DataError` for a damaged home, `ImportFailed` for a bad file)."""
    where = home or default_home()
    policy = DataPolicy.from_env()
    snapshots = current_on(where, lists_as_of) if lists_as_of else active(where)
    if os.environ.get("CLEARANCE_CACHE", "on").lower() in ("off", "0", "no", "false"):
        dataset = load_dataset(lists=lists, home=where, lists_as_of=lists_as_of, policy=policy)
        return Engine(dataset, config=config, time_limit=time_limit)
    files = file_hashes(lists)
    graph = stamp_on(where, lists_as_of)
    key = cache_key(snapshots, config, lists_as_of, files=files, graph=graph)
    path = where / "cache" / f"engine-{key}.bin"
    kept = _read(path, key)
    if kept is not None:
        dataset, matcher = kept
        read_now = {source for source, version in dataset.versions.items() if version.startswith("file-")}
        dataset = with_gaps(
            dataset,
            retrieved={k: v for k, v in retrieved_of(snapshots).items() if k not in read_now},
            loaded=sorted({snap.source for snap in snapshots} | read_now),
            lists_as_of=lists_as_of,
            policy=policy,
        )
        return Engine(dataset, config=config, time_limit=time_limit, matcher=matcher)
    dataset = load_dataset(lists=lists, home=where, lists_as_of=lists_as_of, policy=policy)
    engine = Engine(dataset, config=config, time_limit=time_limit)
    engine.prepare()  # kept prepared: reading the vectorised tables beats building them on a first query
    settle_heap()  # as for an engine read from the file: no pass of the collector walks it again
    read_now = {source for source, version in dataset.versions.items() if version.startswith("file-")}
    unchanged = file_hashes(lists) == files and all(
        dataset.versions.get(snap.source) == snap.version or snap.source in read_now for snap in snapshots
    )
    if unchanged:  # not when a list changed while it was read
        _write(path, key, (replace(dataset, warnings=()), engine.matcher))
    return engine


def file_hashes(lists: Sequence[str | Path]) -> list[tuple[str, str]]:
    """Each list file given (a folder's files), by its absolute path, with its SHA-256; raises
    `ImportFailed` for a path that is neither file nor folder."""
    return [(str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest()) for path in expand(lists)]


def cache_key(
    snapshots: list[Snapshot],
    config: ScorerConfig,
    lists_as_of: date | None,
    *,
    files: Sequence[tuple[str, str]] = (),
    graph: str | None = None,
) -> str:
    """The SHA-256 (hex) of what an engine is built from: the snapshots, the list files, the ownership
    graph's version, the code and the configuration."""
    parts = {
        "format": FORMAT,
        "code": code_version(),
        "python": sys.version_info[:2],
        "snapshots": [(s.source, s.id, s.sha256) for s in snapshots],
        "files": [list(f) for f in files],
        "config": asdict(config),
        "as_of": lists_as_of.isoformat() if lists_as_of else None,
        "graph": graph,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@cache
def code_version() -> str:
    """A SHA-256 of clearance's own files (code, word lists, built-in data), compiled files aside."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read(path: Path, key: str) -> tuple[Dataset, Matcher] | None:
    """The dataset and matcher kept in `path`, or None when the file is missing or not to be trusted."""
    try:
        with path.open("rb") as f:
            header = f.readline().split()
            payload = f.read()
    except OSError:
        return None
    expected = [_MAGIC, str(FORMAT).encode(), key.encode()]
    if (
        len(header) != 4
        or header[:3] != expected
        or hashlib.sha256(payload).hexdigest().encode() != header[3]
    ):
        return None
    enabled = gc.isenabled()
    gc.disable()  # millions of small objects: collecting while they load would only slow it down
    try:
        kept = pickle.loads(payload)
        # what was read lives as long as the engine and holds no cycles: out of the collector's sight,
        # or its next full pass walks every object read (a fifth of a CLI call)
        gc.freeze()
    except Exception:  # a file of another clearance version that slipped through: rebuild
        return None
    finally:
        if enabled:
            gc.enable()
    if not (isinstance(kept, tuple) and len(kept) == 2):
        return None
    dataset, matcher = kept
    if not (isinstance(dataset, Dataset) and isinstance(matcher, Matcher)):
        return None
    return dataset, matcher


def _digest(payload: bytes) -> bytes:
    return hashlib.sha256(payload).hexdigest().encode()


def _write(path: Path, key: str, kept: tuple[Dataset, Matcher]) -> None:
    """Write the file atomically (a temporary file renamed), and remove the older engine files beside
    it; a home that cannot be written is left as it is."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION))
    try:
        payload = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        sys.setrecursionlimit(limit)
    header = b" ".join(
        [_MAGIC, str(FORMAT).encode(), key.encode(), hashlib.sha256(payload).hexdigest().encode()]
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            f.write(header + b"\n")
            f.write(payload)
        tmp.replace(path)
        older = sorted(path.parent.glob("engine-*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in older[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
