"""Who develops, owns and controls whom: the relations of every entity as one directed graph, and the
measures that follow it.

An edge runs from the upper party to the lower one: a developer to its app (`develops`), an owner to
what it owns (`owns`, with a share), a controller to what it controls (`controls`, and a parent to its
subsidiary, written on the subsidiary as `subsidiary_of`), a host app to a feature inside it (written on
the feature as `feature_of`); `linked_to` is a link with no direction. Control, for the measures that
reach controllers and subsidiaries, is `controls`, `subsidiary_of`, or ownership of more than 50%.

A measure says how it reaches past what it names (`Measure.reaches`, from `measures.yaml`): EO 13971
"persons that develop or control" the named apps "or their subsidiaries" (86 FR 1250, sec. 1(a))
reaches developers, their controllers upward and the subsidiaries of both downward, and the app that
hosts a named feature; EO 13942 and EO 13943 the subsidiaries of the company they name. `derive` adds
that coverage to each entity it reaches, once, when the engine is built: a `Coverage` whose `via` is
the path to what the measure names and whose `link_start` / `link_end` are the dates all its relations
hold (`Decider` treats a coverage outside them as context). Coverage a measure gives explicitly is kept
and never duplicated; cycles end because each entity is reached once per measure and window.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from clearance.domain.enums import Basis, Certainty, Kind, RelationType
from clearance.domain.model import Coverage, Entity, Measure

MAJORITY = 50.0  # more than this share of a company is control of it
VERIFIED = Certainty.VERIFIED
_CERTAINTY_ORDER = (Certainty.VERIFIED, Certainty.SECONDARY, Certainty.UNCERTAIN)


@dataclass(frozen=True, slots=True)
class Edge:
    """A relation as an edge from the upper party to the lower one (see the module's docstring); `type`
    is the relation as written, on whichever of the two it was written."""

    upper: str
    lower: str
    type: RelationType
    share: float | None = None
    start: date | None = None
    end: date | None = None
    citation: str | None = None
    certainty: Certainty = Certainty.VERIFIED

    @property
    def control(self) -> bool:
        """Does the upper party control the lower one?"""
        if self.type is RelationType.OWNS:
            return self.share is not None and self.share > MAJORITY
        return self.type in (RelationType.CONTROLS, RelationType.SUBSIDIARY_OF)

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def words(self) -> str:
        """The edge read from the lower party: "owned 30% by", "a subsidiary of", "developed by"."""
        if self.type is RelationType.OWNS:
            return "owned " + (f"{self.share:g}% " if self.share is not None else "(share unknown) ") + "by"
        return {
            RelationType.DEVELOPS: "developed by",
            RelationType.CONTROLS: "controlled by",
            RelationType.SUBSIDIARY_OF: "a subsidiary of",
            RelationType.FEATURE_OF: "a feature of",
            RelationType.LINKED_TO: "linked to",
        }[self.type]


def edges(entities: Iterable[Entity]) -> list[Edge]:
    """Every relation of `entities` as an edge (upper, lower)."""
    out = []
    for entity in entities:
        for r in entity.relations:
            reverse = r.type in (RelationType.SUBSIDIARY_OF, RelationType.FEATURE_OF)
            upper, lower = (r.target, entity.id) if reverse else (entity.id, r.target)
            out.append(Edge(upper, lower, r.type, r.share, r.start, r.end, r.citation, r.certainty))
    return out


@dataclass(frozen=True, slots=True)
class _Reach:
    entity: str
    basis: Basis
    via: tuple[str, ...]
    steps: tuple[Edge, ...]
    start: date | None
    end: date | None

    def further(self, entity: str, basis: Basis, edge: Edge) -> _Reach | None:
        """This reach extended by one edge to `entity`, or None when the edge never holds with it."""
        start = max((d for d in (self.start, edge.start) if d), default=None)
        end = min((d for d in (self.end, edge.end) if d), default=None)
        if start and end and start > end:
            return None
        return _Reach(entity, basis, (self.entity, *self.via), (edge, *self.steps), start, end)


def derive(
    entities: tuple[Entity, ...], measures: Mapping[str, Measure], *, relations: Sequence[Edge] | None = None
) -> tuple[Entity, ...]:
    """The entities with the coverage each measure's `reaches` gives them through the relations
    (`relations`: their `edges`, when the caller has them already); an entity a measure already covers
    keeps its own coverage for it."""
    ups: dict[str, list[Edge]] = defaultdict(list)
    downs: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges(entities) if relations is None else relations:
        ups[edge.lower].append(edge)
        downs[edge.upper].append(edge)
    kinds = {e.id: e.kind for e in entities}
    # a feature inside another app comes after the apps themselves, so that a path runs through the app
    features = {e.id for e in entities if any(r.type is RelationType.FEATURE_OF for r in e.relations)}
    added: dict[str, list[Coverage]] = defaultdict(list)
    for measure in measures.values():
        if not measure.reaches:
            continue
        seeds = sorted(
            (
                _Reach(e.id, c.basis, c.via, (), None, None)
                for e in entities
                for c in e.measures
                if c.measure == measure.id
            ),
            key=lambda r: (r.entity in features, r.entity),
        )
        for reach in _spread(measure.reaches, seeds, ups, downs, kinds):
            added[reach.entity].append(_coverage(measure, reach))
    if not added:
        return entities
    return tuple(
        replace(e, measures=e.measures + tuple(added[e.id])) if e.id in added else e for e in entities
    )


_UPWARD = frozenset({Basis.NAMED, Basis.DEVELOPS, Basis.CONTROLS})


def _spread(
    reaches: frozenset[Basis],
    seeds: list[_Reach],
    ups: Mapping[str, list[Edge]],
    downs: Mapping[str, list[Edge]],
    kinds: Mapping[str, Kind],
) -> list[_Reach]:
    """Breadth first from what the measure covers: the developers of a covered app and the app hosting a
    covered feature; the controllers of a covered app, developer or controller, upward; the
    subsidiaries of every covered organisation, downward."""
    covered = {seed.entity for seed in seeds}
    seen: set[tuple[str, date | None, date | None]] = set()
    found: list[_Reach] = []
    queue: deque[_Reach] = deque(seeds)

    def visit(reach: _Reach | None) -> None:
        if reach is None or reach.entity in covered or (reach.entity, reach.start, reach.end) in seen:
            return
        seen.add((reach.entity, reach.start, reach.end))
        found.append(reach)
        queue.append(reach)

    while queue:
        at = queue.popleft()
        app = kinds.get(at.entity) is Kind.APP
        for edge in ups.get(at.entity, ()):
            if app and edge.type is RelationType.DEVELOPS and Basis.DEVELOPS in reaches:
                visit(at.further(edge.upper, Basis.DEVELOPS, edge))
            elif app and edge.type is RelationType.FEATURE_OF and Basis.HOSTS in reaches:
                visit(at.further(edge.upper, Basis.HOSTS, edge))
            elif edge.control and Basis.CONTROLS in reaches and _controls_upward(at, app=app):
                visit(at.further(edge.upper, Basis.CONTROLS, edge))
        if app or Basis.SUBSIDIARY_OF not in reaches:
            continue
        for edge in downs.get(at.entity, ()):
            if edge.control:
                visit(at.further(edge.lower, Basis.SUBSIDIARY_OF, edge))
    return found


def _controls_upward(at: _Reach, *, app: bool) -> bool:
    """Are the controllers of `at` reached? Those of a covered app, developer or controller; not those
    of a company the measure names (EO 13943 names Tencent, not whoever controls it)."""
    return at.basis in _UPWARD and (app or at.basis is not Basis.NAMED)


def _coverage(measure: Measure, reach: _Reach) -> Coverage:
    steps = "; ".join(
        f"{edge.lower} {edge.words()} {edge.upper}" + (f" ({edge.citation})" if edge.citation else "")
        for edge in reversed(reach.steps)
    )
    rule = measure.reach_citation or f"{measure.short} reaches {', '.join(sorted(measure.reaches))}"
    certainty = max(
        (e.certainty for e in reach.steps), key=_CERTAINTY_ORDER.index, default=Certainty.VERIFIED
    )
    return Coverage(
        measure=measure.id,
        basis=reach.basis,
        via=reach.via,
        citation=f"{rule}; {steps}",
        certainty=certainty,
        link_start=reach.start,
        link_end=reach.end,
    )


def neighbourhood(
    entities: Mapping[str, Entity], start: str, *, depth: int = 2, relations: Sequence[Edge] | None = None
) -> dict[str, Any]:
    """The entities within `depth` relations of `start`, either way, for a person to read or a UI to
    draw: {"root", "nodes": [{id, name, kind, lists, measures}], "edges": [{from (upper), to (lower),
    relation, share, start, end, citation}]}. Raises `KeyError` for an unknown `start`."""
    root = entities[start]
    near: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges(entities.values()) if relations is None else relations:
        near[edge.upper].append(edge)
        near[edge.lower].append(edge)
    seen, frontier, found = {root.id}, [root.id], dict[Edge, None]()
    for _ in range(depth):
        step = []
        for eid in frontier:
            for edge in near.get(eid, ()):
                found[edge] = None
                for other in (edge.upper, edge.lower):
                    if other not in seen and other in entities:
                        seen.add(other)
                        step.append(other)
        frontier = step
    nodes = [
        {
            "id": eid,
            "name": entities[eid].name,
            "kind": entities[eid].kind,
            "lists": list(entities[eid].lists),
            "measures": sorted({c.measure for c in entities[eid].measures}),
        }
        for eid in sorted(seen, key=lambda x: (x != start, x))
    ]
    links = [
        {
            "from": e.upper,
            "to": e.lower,
            "relation": e.type,
            "share": e.share,
            "start": e.start.isoformat() if e.start else None,
            "end": e.end.isoformat() if e.end else None,
            "citation": e.citation,
        }
        for e in found
        if e.upper in seen and e.lower in seen
    ]
    return {"root": start, "nodes": nodes, "edges": links}
