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
* any other name: a new party (`reg-` and a hash of its folded name, so that the same name in another
  row or a later import is the same party).

Parties of an earlier import are never candidates: the registry joins names to the lists, not to itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clearance.datasets.graph_store import Link, Party
from clearance.datasets.registry import REGISTRY_LIST, Row
from clearance.domain.enums import QueryKind
from clearance.matching.matcher import MatchedBy
from clearance.matching.normalise import fold
from clearance.screening.engine import Engine

NEW = "new:"


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
    confirmation (`held`: line, message), and how each distinct cell was resolved."""

    parties: tuple[Party, ...]
    links: tuple[Link, ...]
    held: tuple[tuple[int, str], ...]
    resolutions: tuple[Resolution, ...]


def resolve(engine: Engine, rows: Sequence[Row], *, file: Path) -> Resolved:
    """Resolve the parties of `rows` (see the module's docstring) against `engine`'s data."""
    cells: dict[str, Resolution] = {}
    for row in rows:
        for cell in (row.parent, row.child):
            if cell not in cells:
                cells[cell] = _resolve(engine, cell)
    parties: dict[str, Party] = {}
    links: list[Link] = []
    held: list[tuple[int, str]] = []
    for row in rows:
        ends = [cells[row.parent], cells[row.child]]
        parent, child = ends[0].entity, ends[1].entity
        if parent is None or child is None:
            held.append((row.line, "; ".join(_pending(r) for r in ends if r.entity is None)))
            continue
        if parent == child:
            held.append((row.line, f"'{row.parent}' and '{row.child}' are the same entity ({parent})"))
            continue
        for r in ends:
            if r.how in ("new", "declared"):
                parties.setdefault(r.entity or "", Party(r.entity or "", r.name))
        links.append(
            Link(
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
        )
    return Resolved(tuple(parties.values()), tuple(links), tuple(held), tuple(cells.values()))


def party_id(name: str) -> str:
    """The id of a new party: `reg-` and 12 hex digits of the SHA-256 of its folded, spaced name."""
    key = " ".join(fold(name).split())
    return "reg-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _resolve(engine: Engine, cell: str) -> Resolution:
    if cell.lower().startswith(NEW):
        name = " ".join(cell[len(NEW) :].split())
        return Resolution(cell, party_id(name), "declared", name)
    if cell in engine.entities and REGISTRY_LIST.id not in engine.entities[cell].lists:
        return Resolution(cell, cell, "id", engine.entities[cell].name)
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
    found = ", ".join(f"{eid} '{name}' ({score:.2f})" for eid, name, score in resolution.candidates)
    return (
        f"'{resolution.cell}' may be {found}: write the entity's id to join it, or "
        f"'{NEW}{resolution.cell}' if it is none of them"
    )
