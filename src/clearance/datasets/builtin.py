"""The built-in measures, entities and embargoed territories (package data in
`clearance/datasets/data/*.yaml`), read into the model.

The YAML files are written for people (their README explains the vocabulary); this module checks them
strictly, so that a typo in an event type or a dangling entity id fails loudly with the file and item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from importlib import resources
from typing import Any, TypeVar

from clearance.datasets.territories_yaml import parse_territories
from clearance.datasets.yamlcheck import check, load_yaml, only, require
from clearance.domain.enums import (
    Basis,
    Certainty,
    EventType,
    Kind,
    NameType,
    OnStale,
    RelationType,
    Restriction,
)
from clearance.domain.model import (
    Coverage,
    Entity,
    Event,
    Identifier,
    Licence,
    ListInfo,
    Measure,
    Name,
    Relation,
    Territory,
)
from clearance.domain.timeline import start_of
from clearance.errors import DataError

E = TypeVar("E", bound=StrEnum)

BUILTIN_LIST = ListInfo(id="builtin", title="clearance built-in measures")


@dataclass(frozen=True)
class Dataset:
    """Measures by id, entities, the lists they come from, and a version for each source; with the gaps
    found in the data (`warnings`, see `datasets.policy`) and what screening does about them, and the
    territories under comprehensive embargoes (`territories.yaml`, see `screening.territories`)."""

    measures: Mapping[str, Measure]
    entities: tuple[Entity, ...]
    lists: Mapping[str, ListInfo]
    versions: Mapping[str, str]
    warnings: tuple[str, ...] = ()
    on_stale: OnStale = OnStale.WARN
    territories: tuple[Territory, ...] = ()
    # what went wrong putting the data together and stays true while it is used (a relation of the
    # ownership graph to an entity the lists no longer hold): added to `warnings` by every check
    problems: tuple[str, ...] = ()

    def merged(
        self, entities: Sequence[Entity], lists: Mapping[str, ListInfo], versions: Mapping[str, str]
    ) -> Dataset:
        """This dataset with more entities, lists and versions (from list files or snapshots)."""
        return Dataset(
            measures=self.measures,
            entities=self.entities + tuple(entities),
            lists={**self.lists, **lists},
            versions={**self.versions, **versions},
            warnings=self.warnings,
            on_stale=self.on_stale,
            territories=self.territories,
            problems=self.problems,
        )


def _moment(value: Any, zone: str, where: str) -> tuple[datetime, bool]:
    """A date (00:00 in the zone, untimed) or an ISO datetime with offset (timed)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return start_of(value, zone), False
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise DataError(f"{where}: '{value}' is not a date or ISO datetime") from exc
        if len(str(value)) == 10:
            return start_of(moment.date(), zone), False
    if moment.tzinfo is None:
        raise DataError(f"{where}: datetime '{value}' needs a UTC offset")
    return moment, True


def _day(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from exc


def parse_measure(item: Mapping[str, Any], where: str) -> Measure:
    mid = require(item, "id", where)
    where = f"{where} ({mid})"
    zone = item.get("timezone", "America/New_York")
    events = []
    for n, ev in enumerate(item.get("events") or []):
        ew = f"{where} event {n + 1}"
        at, timed = _moment(require(ev, "at", ew), zone, ew)
        events.append(
            Event(
                type=check(require(ev, "type", ew), EventType, "event type", ew),
                at=at,
                timed=timed,
                citation=ev.get("citation"),
                certainty=check(ev.get("certainty", "verified"), Certainty, "certainty", ew),
                note=ev.get("note"),
                by=ev.get("by"),
            )
        )
    restricts = frozenset(check(r, Restriction, "restriction", where) for r in item.get("restricts") or [])
    licences = []
    for n, lic in enumerate(item.get("licences") or []):
        lw = f"{where} licence {n + 1}"
        only(lic, {"id", "citation", "note", "certainty"}, lw)
        licences.append(
            Licence(
                id=str(require(lic, "id", lw)),
                citation=str(require(lic, "citation", lw)),
                note=" ".join(str(lic.get("note") or "").split()),
                certainty=check(lic.get("certainty", "verified"), Certainty, "certainty", lw),
            )
        )
    return Measure(
        id=mid,
        short=item.get("short", mid),
        title=require(item, "title", where),
        authority=item.get("authority", ""),
        citation=require(item, "citation", where),
        url=item.get("url"),
        timezone=zone,
        restricts=restricts,
        scope=str(item.get("scope", "")).strip(),
        needs_implementation=bool(item.get("needs_implementation", False)),
        events=tuple(sorted(events, key=lambda e: e.at)),
        licences=tuple(licences),
        reaches=frozenset(check(b, Basis, "reach", where) for b in item.get("reaches") or []),
        reach_citation=item.get("reach_citation"),
    )


def parse_entity(item: Mapping[str, Any], where: str, measures: Mapping[str, Measure]) -> Entity:
    eid = require(item, "id", where)
    where = f"{where} ({eid})"
    names = tuple(
        Name(
            value=str(require(n, "name", where)),
            type=check(n.get("type", "strong"), NameType, "name type", where),
            lang=n.get("lang"),
            citation=n.get("citation"),
        )
        for n in item.get("names") or []
    )
    identifiers = tuple(
        Identifier(
            scheme=str(require(i, "scheme", where)).lower(),
            value=str(require(i, "value", where)),
            citation=i.get("citation"),
            certainty=check(i.get("certainty", "verified"), Certainty, "certainty", where),
        )
        for i in item.get("identifiers") or []
    )
    relations = tuple(_relation(r, where) for r in item.get("relations") or [])
    coverages = []
    for c in item.get("measures") or []:
        mid = require(c, "measure", where)
        if mid not in measures:
            raise DataError(f"{where}: unknown measure '{mid}'")
        zone = measures[mid].timezone
        effective = c.get("effective")
        coverages.append(
            Coverage(
                measure=mid,
                basis=check(c.get("basis", "named"), Basis, "basis", where),
                via=tuple(c.get("via") or ()),
                listed=_day(c.get("listed"), where),
                effective=_moment(effective, zone, where)[0] if effective else None,
                divest_by=_day(c.get("divest_by"), where),
                citation=c.get("citation"),
                certainty=check(c.get("certainty", "verified"), Certainty, "certainty", where),
            )
        )
    return Entity(
        id=eid,
        kind=check(require(item, "kind", where), Kind, "entity kind", where),
        name=str(require(item, "name", where)),
        names=names,
        identifiers=identifiers,
        countries=tuple(str(c).lower() for c in item.get("countries") or ()),
        relations=relations,
        measures=tuple(coverages),
        lists=tuple(item.get("lists") or (BUILTIN_LIST.id,)),
        notes=item.get("notes"),
    )


def _relation(r: Mapping[str, Any], where: str) -> Relation:
    share = r.get("share")
    if share is not None and not (isinstance(share, int | float) and 0 <= share <= 100):
        raise DataError(f"{where}: a share is a percentage from 0 to 100, got {share!r}")
    return Relation(
        type=check(require(r, "type", where), RelationType, "relation", where),
        target=require(r, "target", where),
        citation=r.get("citation"),
        certainty=check(r.get("certainty", "verified"), Certainty, "certainty", where),
        share=None if share is None else float(share),
        start=_day(r.get("start"), where),
        end=_day(r.get("end"), where),
    )


def _check_references(entities: Sequence[Entity], measures: Mapping[str, Measure]) -> None:
    ids = {e.id for e in entities}
    if len(ids) != len(entities):
        seen: set[str] = set()
        dup = next(e.id for e in entities if e.id in seen or seen.add(e.id))  # type: ignore[func-returns-value]
        raise DataError(f"entities.yaml: entity id '{dup}' appears twice")
    for e in entities:
        for r in e.relations:
            if r.target not in ids:
                raise DataError(f"entities.yaml ({e.id}): relation to unknown entity '{r.target}'")
        for c in e.measures:
            for step in c.via:
                if step not in ids:
                    raise DataError(f"entities.yaml ({e.id}): path through unknown entity '{step}'")
    for m in measures.values():
        for ev in m.events:
            if ev.by and ev.by not in measures:
                raise DataError(f"measures.yaml ({m.id}): event by unknown measure '{ev.by}'")


def parse(measures_text: str, entities_text: str, territories_text: str = "") -> Dataset:
    mdoc = load_yaml(measures_text, "measures.yaml") or {}
    edoc = load_yaml(entities_text, "entities.yaml") or {}
    measures = {}
    for n, item in enumerate(mdoc.get("measures") or []):
        m = parse_measure(item, f"measures.yaml item {n + 1}")
        measures[m.id] = m
    entities = tuple(
        parse_entity(item, f"entities.yaml item {n + 1}", measures)
        for n, item in enumerate(edoc.get("entities") or [])
    )
    _check_references(entities, measures)
    territories = parse_territories(territories_text, measures)
    texts = (measures_text, entities_text, territories_text)
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:12]
    return Dataset(
        measures=measures,
        entities=entities,
        lists={BUILTIN_LIST.id: BUILTIN_LIST},
        versions={BUILTIN_LIST.id: f"builtin-{digest}"},
        territories=territories,
    )


def builtin() -> Dataset:
    """The measures, entities and territories shipped with clearance."""
    data = resources.files("clearance.datasets") / "data"
    texts = (data / f"{name}.yaml" for name in ("measures", "entities", "territories"))
    return parse(*(t.read_text("utf-8") for t in texts))
