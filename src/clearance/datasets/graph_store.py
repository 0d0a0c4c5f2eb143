"""The ownership graph a user imported, kept under CLEARANCE_HOME and versioned like a list snapshot.

    CLEARANCE_HOME/graph/<version>.json   one imported graph: its parties and relations, resolved
    CLEARANCE_HOME/graph/ACTIVE           the active version, and the log of every activation with the
                                          SHA-256 of the version's file

A new version is written whole, then ACTIVE is replaced in one atomic step, so a reader sees the old
graph or the new one, never half of one. Reading checks the file against the SHA-256 the log holds: a
graph edited by hand or cut short is a `DataError`, never a silent partial graph. Screening "as the data
stood" (`current_on`) takes the version active at the end of that day.

`apply` adds a graph to a dataset: the parties that are no listed entity become entities on the
registry list (`datasets.registry.REGISTRY_LIST`, which restricts nothing by itself), and every relation
joins the entity it starts from, so that screening follows it (`screening.graph`, `screening.ownership`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from clearance.datasets.builtin import Dataset
from clearance.datasets.registry import REGISTRY_LIST
from clearance.domain.enums import Kind, RelationType
from clearance.domain.model import Entity, Relation
from clearance.errors import DataError

FORMAT = "clearance-graph/1"
SOURCE = "graph"
_SET_ASIDE: ContextVar[bool] = ContextVar("graph_set_aside", default=False)


@dataclass(frozen=True, slots=True)
class Party:
    """A party of the registry that no list holds: screening finds it by `name` from then on."""

    id: str
    name: str
    kind: str = Kind.ORGANIZATION


@dataclass(frozen=True, slots=True)
class Link:
    """A relation between two entity ids, with where it came from (`file`, `line`) and as written
    there (`parent_name`, `child_name`)."""

    parent: str
    child: str
    relation: str
    share: float | None
    source: str
    start: str | None  # YYYY-MM-DD
    end: str | None
    file: str
    line: int
    parent_name: str
    child_name: str

    @property
    def key(self) -> tuple[str, str, str, str | None, str | None]:
        """What makes a relation the same one: its parties, its kind and its days (a stake of 20% until
        2019 and one of 60% since 2020 are two relations)."""
        return (self.parent, self.child, self.relation, self.start, self.end)


@dataclass(frozen=True)
class Graph:
    """One version of the imported graph."""

    version: str
    created: str  # ISO time, UTC
    files: tuple[str, ...]
    parties: tuple[Party, ...]
    links: tuple[Link, ...]
    # rows held back when it was imported, for the user to confirm ("file:line: why"): every result
    # says they are pending (`apply`), so that a company whose owner is unconfirmed is never silently clear
    pending: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "created": self.created,
            "files": list(self.files),
            "parties": [asdict(p) for p in self.parties],
            "links": [asdict(link) for link in self.links],
            "pending": list(self.pending),
        }

    @classmethod
    def of_json(cls, doc: dict[str, Any]) -> Graph:
        return cls(
            version=doc["version"],
            created=doc["created"],
            files=tuple(doc["files"]),
            parties=tuple(Party(**p) for p in doc["parties"]),
            links=tuple(Link(**link) for link in doc["links"]),
            pending=tuple(doc.get("pending", ())),
        )


def new_graph(*, files: list[str], parties: list[Party], links: list[Link]) -> Graph:
    """A graph with a new version id: the time and a hash of its content."""
    created = datetime.now(UTC)
    body = json.dumps([[asdict(p) for p in parties], [asdict(x) for x in links]], sort_keys=True)
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    version = f"{created.strftime('%Y%m%dT%H%M%S%fZ')}-{digest}"
    return Graph(version, created.isoformat(), tuple(files), tuple(parties), tuple(links))


def root(home: Path) -> Path:
    return home / "graph"


@contextmanager
def locked(home: Path) -> Iterator[None]:
    """Hold the graph's lock (one import at a time: an import reads the active graph, then replaces
    it; two at once would each lose what the other added)."""
    where = root(home)
    where.mkdir(parents=True, exist_ok=True)
    with (where / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@contextmanager
def set_aside() -> Iterator[None]:
    """Read no graph inside: `active`, `current_on`, `version_on`, `history` and `stamp_on` say there is
    none, for the engine of an import that replaces a graph that cannot be read (its activation log
    gone, its version not as imported): an import resolves names against the lists, never against the
    graph. `save` still reads the log there is, and appends to it."""
    token = _SET_ASIDE.set(True)
    try:
        yield
    finally:
        _SET_ASIDE.reset(token)


def stamp_on(home: Path, day: date | None = None) -> str | None:
    """The active version's id (now, or at the end of `day`) with its file's size, modification time and
    change time: a cache keyed by it is not used once the file was changed (its SHA-256 is then checked
    again), even by an edit of the same size whose modification time was set back (`touch -r`), since
    no user can set the change time."""
    found = version_on(home, day)
    if found is None:
        return None
    try:
        info = (root(home) / f"{found}.json").stat()
    except OSError:
        return f"{found}:missing"
    return f"{found}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def save(home: Path, graph: Graph) -> None:
    """Write `graph` and make it the active version (atomically; the previous versions stay)."""
    where = root(home)
    where.mkdir(parents=True, exist_ok=True)
    text = json.dumps(graph.to_json(), ensure_ascii=False, indent=1)
    log = _log(home, strict=False)
    _write(where / f"{graph.version}.json", text)
    log.append({"at": datetime.now(UTC).isoformat(), "version": graph.version, "sha256": _sha(text)})
    _write(where / "ACTIVE", json.dumps({"format": FORMAT, "log": log}, indent=1))


def history(home: Path) -> list[dict[str, str]]:
    """Every activation, oldest first: {"at", "version", "sha256"}."""
    return _log(home)


def active(home: Path) -> Graph | None:
    """The active graph, or None when none was imported."""
    log = _log(home)
    return _read(home, log[-1]) if log else None


def current_on(home: Path, day: date) -> Graph | None:
    """The graph that was active at the end of `day` (UTC), or None."""
    end = datetime.combine(day, time.max, tzinfo=UTC)
    log = [entry for entry in _log(home) if datetime.fromisoformat(entry["at"]) <= end]
    return _read(home, log[-1]) if log else None


def version_on(home: Path, day: date | None = None) -> str | None:
    """The id of the version active now (or at the end of `day`), from the log alone; None: none."""
    end = datetime.combine(day, time.max, tzinfo=UTC) if day else None
    log = [e for e in _log(home) if end is None or datetime.fromisoformat(e["at"]) <= end]
    return log[-1]["version"] if log else None


def version(home: Path, wanted: str) -> Graph:
    """One version by its id (or a unique prefix of it); raises `DataError` when there is none."""
    found = [entry for entry in _log(home) if entry["version"].startswith(wanted)]
    if len({e["version"] for e in found}) != 1:
        raise DataError(f"graph: no single version '{wanted}' (see `clearance graph show --history`)")
    return _read(home, found[-1])


def apply(dataset: Dataset, graph: Graph | None) -> Dataset:
    """The dataset with the graph's parties and relations (see the module's docstring). A relation to an
    entity the data no longer holds (a list entry removed since the import) is left out and said in
    the dataset's `problems`, which every result carries as a warning."""
    if graph is None:
        return dataset
    entities = list(dataset.entities)
    at = {e.id: n for n, e in enumerate(entities)}
    for party in graph.parties:
        if party.id not in at:
            at[party.id] = len(entities)
            entities.append(
                Entity(party.id, Kind(party.kind), party.name, names=(), lists=(REGISTRY_LIST.id,))
            )
    problems = list(dataset.problems)
    for link in graph.links:
        missing = [x for x in (link.parent, link.child) if x not in at]
        if missing:
            problems.append(
                f"ownership graph {graph.version[:15]}: line {link.line} names '{missing[0]}', which the "
                "lists no longer hold; import the registry again"
            )
            continue
        relation = RelationType(link.relation)
        holder, target = (
            (link.child, link.parent) if relation is RelationType.SUBSIDIARY_OF else (link.parent, link.child)
        )
        made = Relation(
            relation,
            target,
            citation=f"{link.source or 'registry'} ({Path(link.file).name}, line {link.line})",
            share=link.share,
            start=date.fromisoformat(link.start) if link.start else None,
            end=date.fromisoformat(link.end) if link.end else None,
        )
        entity = entities[at[holder]]
        entities[at[holder]] = replace(entity, relations=(*entity.relations, made))
    if graph.pending:
        problems.append(
            f"ownership graph {graph.version[:15]}: {len(graph.pending)} registry rows wait for you to "
            f"confirm a party (the first: {graph.pending[0]}); their relations do not count yet"
        )
    merged = replace(dataset, entities=()).merged(
        entities, {REGISTRY_LIST.id: REGISTRY_LIST}, {SOURCE: graph.version}
    )
    return replace(merged, problems=tuple(problems))


def _log(home: Path, *, strict: bool = True) -> list[dict[str, str]]:
    """The activation log; `strict`: versions kept without a log are an error (the log was removed),
    not "no graph" (an import starting a new log is not strict); inside `set_aside`, strict reads see
    none."""
    if strict and _SET_ASIDE.get():
        return []
    path = root(home) / "ACTIVE"
    if not path.exists():
        if strict and root(home).is_dir() and any(root(home).glob("*.json")):
            raise DataError(
                f"graph: versions are kept under {root(home)} but its ACTIVE log is gone: restore it, or "
                "import the registry again"
            )
        return []
    try:
        doc = json.loads(path.read_text("utf-8"))
        log = doc["log"]
        if doc.get("format") != FORMAT or not isinstance(log, list):
            raise ValueError("not a graph log")
        return [dict(entry) for entry in log]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"graph: {path} cannot be read ({exc})") from exc


def _read(home: Path, entry: dict[str, str]) -> Graph:
    path = root(home) / f"{entry['version']}.json"
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise DataError(f"graph: version {entry['version']} is missing ({exc.strerror or exc})") from exc
    if _sha(text) != entry["sha256"]:
        raise DataError(f"graph: {path} is not as imported (its SHA-256 differs): import the registry again")
    try:
        return Graph.of_json(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"graph: {path} cannot be read ({exc})") from exc


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
