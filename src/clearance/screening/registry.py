"""Which entity each party of a user's ownership registry is (`datasets.registry` reads the file).

A party is resolved, in this order:

* `new:Name`: the user says it is no listed entity: a new party, found by its name from then on;
* an entity id the data holds (`ofac-30951`, `org-tencent-holdings`): that entity;
* a name the matcher finds with a strong score (`ScorerConfig.strong`) on one listed or built-in
  entity alone: that entity;
* a name whose best match is weaker than strong but at least `review`, or strong on two different
  entities: **pending**: the rows that name it are held back and reported with the candidates, for the
  user to confirm by writing the entity's id, or `new:` before the name; a weak match is never joined
  silently to a listed entity, and never silently made a new party either;
* a cell written like an entity id that no entity has (`ofac-99999999`), or one no real name holds
  (control characters, over 10 kB, nothing but a legal form such as "Ltd"): held back, never a party;
* any other name: a new party (`reg-` and a hash of its folded name, so that the same name in another
  row or a later import is the same party).

Two names of one entity relating the same way to the same party over the same days are one relation:
the larger share is kept (fail closed) and the other row said in a note; nothing of it is lost, so it is
not held back and does not count against `--max-loss`.

A cell quoted in a message is cut to `QUOTED` characters (a cell over 10 kB is named, not repeated).

Parties of an earlier import are never candidates: the registry joins names to the lists, not to itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearance.datasets.graph_store import Link, Party
from clearance.datasets.registry import REGISTRY_LIST, Row
from clearance.domain.enums import QueryKind
from clearance.errors import InputError
from clearance.matching.matcher import MatchedBy
from clearance.matching.normalise import fold, name_form
from clearance.screening.engine import Engine
from clearance.screening.validate import check_query

NEW = "new:"
STRONG_SAID = 0.9  # candidates at least this strong are said to match, not that they "may be"
QUOTED = 80  # characters of a cell quoted in a message


@dataclass(frozen=True, slots=True)
class Resolution:
    """How one party cell was resolved: `entity` its id (None while pending), `how` one of id, match,
    new, declared; `candidates` (id, name, score) for a pending one or a match."""

    cell: str
    entity: str | None
    how: str
    name: str
    candidates: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True)
class Resolved:
    """A registry file resolved: the new parties, the links, the rows held back for a party pending
    confirmation (`held`: line, message), how each distinct cell was resolved, and `notes` (line,
    message) on rows merged into another (two names of one entity: the larger share kept)."""

    parties: tuple[Party, ...]
    links: tuple[Link, ...]
    held: tuple[tuple[int, str], ...]
    resolutions: tuple[Resolution, ...]
    notes: tuple[tuple[int, str], ...] = ()


def resolve(
    engine: Engine, rows: Sequence[Row], *, file: Path, progress: Callable[[int], None] | None = None
) -> Resolved:
    """Resolve the parties of `rows` (see the module's docstring) against `engine`'s data; `progress`
    is told how many rows are done, every 500."""
    cells: dict[str, Resolution] = {}
    ids = Ids(engine)
    for done, row in enumerate(rows, start=1):
        for cell in (row.parent, row.child):
            if cell not in cells:
                cells[cell] = _resolve(engine, ids, cell)
        if progress is not None and (done % 500 == 0 or done == len(rows)):
            progress(done)
    parties: dict[str, Party] = {}
    links: list[Link] = []
    by_key: dict[tuple[str, str, str, str | None, str | None], int] = {}
    held: list[tuple[int, str]] = []
    notes: list[tuple[int, str]] = []
    for row in rows:
        ends = [cells[row.parent], cells[row.child]]
        parent, child = ends[0].entity, ends[1].entity
        if parent is None or child is None:
            held.append((row.line, "; ".join(_pending(r) for r in ends if r.entity is None)))
            continue
        if parent == child:
            held.append(
                (row.line, f"{quoted(row.parent)} and {quoted(row.child)} are the same entity ({parent})")
            )
            continue
        for r in ends:
            if r.how in ("new", "declared"):
                parties.setdefault(r.entity or "", Party(r.entity or "", r.name))
        link = Link(
            parent=parent,
            child=child,
            relation=str(row.relation),
            share=row.share,
            source=row.source,
            start=row.start.isoformat() if row.start else None,
            end=row.end.isoformat() if row.end else None,
            file=str(file),
            line=row.line,
            parent_name=cells[row.parent].name,
            child_name=cells[row.child].name,
        )
        if link.key in by_key:  # two names of one entity: the same relation twice
            kept = links[by_key[link.key]]
            larger, smaller = (link, kept) if (link.share or 0) > (kept.share or 0) else (kept, link)
            links[by_key[link.key]] = larger
            notes.append(
                (
                    smaller.line,
                    f"the same relation as line {larger.line} ({quoted(smaller.parent_name)} is "
                    f"{quoted(larger.parent_name)}): the larger share is kept",
                )
            )
            continue
        by_key[link.key] = len(links)
        links.append(link)
    return Resolved(tuple(parties.values()), tuple(links), tuple(held), tuple(cells.values()), tuple(notes))


def quoted(cell: str) -> str:
    """A cell as a message quotes it: in quotes, cut to `QUOTED` characters with an ellipsis."""
    return f"'{cell if len(cell) <= QUOTED else cell[: QUOTED - 1] + '…'}'"


def party_id(name: str) -> str:
    """The id of a new party: `reg-` and 12 hex digits of the SHA-256 of its folded, spaced name."""
    key = " ".join(fold(name).split())
    return "reg-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


class Ids:
    """The entity ids of the data, without regard to case, and the prefixes they start with (`ofac-`,
    `org-`, ...): a cell written like an id that no entity has is a mistake, never a new party."""

    def __init__(self, engine: Engine) -> None:
        self.by_fold = {
            eid.casefold(): eid for eid, e in engine.entities.items() if REGISTRY_LIST.id not in e.lists
        }
        self.prefixes = {eid.split("-", 1)[0] for eid in self.by_fold if "-" in eid}

    def find(self, cell: str) -> str | None:
        return self.by_fold.get(cell.casefold())

    def looks_like_one(self, cell: str) -> bool:
        head, dash, rest = cell.casefold().partition("-")
        return bool(dash and rest) and head in self.prefixes and not any(ch.isspace() for ch in cell)


def _invalid(cell: str) -> str | None:
    """Why a cell can be no party's name, or None (the rules of a screened name, `validate`)."""
    try:
        check_query(cell, QueryKind.PARTY)
    except InputError as exc:
        return str(exc)
    if not name_form(cell).tokens or name_form("zqxv " + cell).tokens == ("zqxv",):
        # nothing left once spacing and legal forms are set aside ("Ltd", a zero-width space): a
        # party of that name would match every company that has the legal form
        return "it holds no name once legal forms are set aside"
    return None


def _resolve(engine: Engine, ids: Ids, cell: str) -> Resolution:
    if cell.lower().startswith(NEW):
        name = " ".join(cell[len(NEW) :].split())
        if why := _invalid(name):
            return Resolution(cell, None, "invalid", f"{quoted(cell)} is no party's name: {why}")
        return Resolution(cell, party_id(name), "declared", name)
    if (found := ids.find(cell)) is not None:
        return Resolution(cell, found, "id", engine.entities[found].name)
    if ids.looks_like_one(cell):
        return Resolution(
            cell, None, "invalid", f"{quoted(cell)} is written like an entity id, but no entity has it"
        )
    if why := _invalid(cell):
        return Resolution(cell, None, "invalid", f"{quoted(cell)} is no party's name: {why}")
    config = engine.config
    matches = [
        m
        for m in engine.matcher.name(cell, kind=QueryKind.PARTY)
        if REGISTRY_LIST.id not in m.entity.lists and m.score >= config.review
    ]
    matches.sort(key=lambda m: (-m.score, m.entity.id))
    candidates = tuple((m.entity.id, m.entity.name, round(m.score, 4)) for m in matches[:5])
    strong = [m for m in matches if m.score >= config.strong and m.by is not MatchedBy.WEAK_ALIAS]
    if len(strong) == 1:
        return Resolution(cell, strong[0].entity.id, "match", strong[0].entity.name, candidates)
    if matches:
        return Resolution(cell, None, "pending", cell, candidates)
    return Resolution(cell, party_id(cell), "new", cell)


def _pending(resolution: Resolution) -> str:
    if resolution.how == "invalid":
        return resolution.name
    strong = [c for c in resolution.candidates if c[2] >= STRONG_SAID]
    if len(strong) > 1:
        found = ", ".join(f"{eid} '{name}' ({score:.2f})" for eid, name, score in strong)
        return (
            f"{quoted(resolution.cell)} matches several listed entities strongly ({found}): write the one's "
            f"id, or {quoted(NEW + resolution.cell)} if it is none of them"
        )
    found = ", ".join(f"{eid} '{name}' ({score:.2f})" for eid, name, score in resolution.candidates)
    return (
        f"{quoted(resolution.cell)} may be {found}: write the entity's id to join it, or "
        f"{quoted(NEW + resolution.cell)} if it is none of them"
    )
