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

import pycountry
import yaml

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
    PlaceName,
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
        )


def _require(item: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in item or item[key] in (None, ""):
        raise DataError(f"{where}: missing '{key}'")
    return item[key]


def _check(value: object, allowed: type[E], what: str, where: str) -> E:
    try:
        return allowed(str(value))
    except ValueError:
        words = ", ".join(member.value for member in allowed)
        raise DataError(f"{where}: unknown {what} '{value}' (one of: {words})") from None


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
    mid = _require(item, "id", where)
    where = f"{where} ({mid})"
    zone = item.get("timezone", "America/New_York")
    events = []
    for n, ev in enumerate(item.get("events") or []):
        ew = f"{where} event {n + 1}"
        at, timed = _moment(_require(ev, "at", ew), zone, ew)
        events.append(
            Event(
                type=_check(_require(ev, "type", ew), EventType, "event type", ew),
                at=at,
                timed=timed,
                citation=ev.get("citation"),
                certainty=_check(ev.get("certainty", "verified"), Certainty, "certainty", ew),
                note=ev.get("note"),
                by=ev.get("by"),
            )
        )
    restricts = frozenset(_check(r, Restriction, "restriction", where) for r in item.get("restricts") or [])
    licences = []
    for n, lic in enumerate(item.get("licences") or []):
        lw = f"{where} licence {n + 1}"
        _only(lic, {"id", "citation", "note", "certainty"}, lw)
        licences.append(
            Licence(
                id=str(_require(lic, "id", lw)),
                citation=str(_require(lic, "citation", lw)),
                note=" ".join(str(lic.get("note") or "").split()),
                certainty=_check(lic.get("certainty", "verified"), Certainty, "certainty", lw),
            )
        )
    return Measure(
        id=mid,
        short=item.get("short", mid),
        title=_require(item, "title", where),
        authority=item.get("authority", ""),
        citation=_require(item, "citation", where),
        url=item.get("url"),
        timezone=zone,
        restricts=restricts,
        scope=str(item.get("scope", "")).strip(),
        needs_implementation=bool(item.get("needs_implementation", False)),
        events=tuple(sorted(events, key=lambda e: e.at)),
        licences=tuple(licences),
    )


def parse_entity(item: Mapping[str, Any], where: str, measures: Mapping[str, Measure]) -> Entity:
    eid = _require(item, "id", where)
    where = f"{where} ({eid})"
    names = tuple(
        Name(
            value=str(_require(n, "name", where)),
            type=_check(n.get("type", "strong"), NameType, "name type", where),
            lang=n.get("lang"),
            citation=n.get("citation"),
        )
        for n in item.get("names") or []
    )
    identifiers = tuple(
        Identifier(
            scheme=str(_require(i, "scheme", where)).lower(),
            value=str(_require(i, "value", where)),
            citation=i.get("citation"),
            certainty=_check(i.get("certainty", "verified"), Certainty, "certainty", where),
        )
        for i in item.get("identifiers") or []
    )
    relations = tuple(
        Relation(
            type=_check(_require(r, "type", where), RelationType, "relation", where),
            target=_require(r, "target", where),
            citation=r.get("citation"),
            certainty=_check(r.get("certainty", "verified"), Certainty, "certainty", where),
        )
        for r in item.get("relations") or []
    )
    coverages = []
    for c in item.get("measures") or []:
        mid = _require(c, "measure", where)
        if mid not in measures:
            raise DataError(f"{where}: unknown measure '{mid}'")
        zone = measures[mid].timezone
        effective = c.get("effective")
        coverages.append(
            Coverage(
                measure=mid,
                basis=_check(c.get("basis", "named"), Basis, "basis", where),
                via=tuple(c.get("via") or ()),
                listed=_day(c.get("listed"), where),
                effective=_moment(effective, zone, where)[0] if effective else None,
                divest_by=_day(c.get("divest_by"), where),
                citation=c.get("citation"),
                certainty=_check(c.get("certainty", "verified"), Certainty, "certainty", where),
            )
        )
    return Entity(
        id=eid,
        kind=_check(_require(item, "kind", where), Kind, "entity kind", where),
        name=str(_require(item, "name", where)),
        names=names,
        identifiers=identifiers,
        countries=tuple(str(c).lower() for c in item.get("countries") or ()),
        relations=relations,
        measures=tuple(coverages),
        lists=tuple(item.get("lists") or (BUILTIN_LIST.id,)),
        notes=item.get("notes"),
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


def _only(item: Any, keys: set[str], where: str) -> None:
    """A mapping with none but the known keys: a misspelt key fails instead of being ignored."""
    if not isinstance(item, Mapping):
        raise DataError(f"{where}: expected a mapping of keys, got {type(item).__name__}")
    unknown = sorted(str(k) for k in item if k not in keys)
    if unknown:
        raise DataError(f"{where}: unknown key '{unknown[0]}' (one of: {', '.join(sorted(keys))})")


def _flag(item: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise DataError(f"{where}: '{key}' must be true or false, not '{value}'")
    return value


_PLACE_KEYS = {"name", "citation", "certainty", "lang", "text", "not_followed_by", "note"}
_TERRITORY_KEYS = {
    "id", "name", "country", "subdivisions", "whole_country", "partial", "citation", "certainty", "note",
    "measures", "names", "places", "claimed_by",
}  # fmt: skip


def _place(item: Any, where: str) -> PlaceName:
    _only(item, _PLACE_KEYS, where)
    after = item.get("not_followed_by") or []
    if not isinstance(after, list):
        raise DataError(f"{where}: 'not_followed_by' must be a list of words")
    return PlaceName(
        name=str(_require(item, "name", where)),
        citation=str(_require(item, "citation", where)),
        certainty=_check(item.get("certainty", "verified"), Certainty, "certainty", where),
        lang=item.get("lang"),
        text=_flag(item, "text", True, where),
        not_followed_by=tuple(str(w).casefold() for w in after),
        note=item.get("note"),
    )


def parse_territory(item: Any, where: str, measures: Mapping[str, Measure]) -> Territory:
    """One item of `territories.yaml`, checked: a real ISO country and subdivisions of it, known
    measures, a citation on the territory and on every name."""
    _only(item, _TERRITORY_KEYS, where)
    tid = str(_require(item, "id", where))
    where = f"{where} ({tid})"
    country = str(_require(item, "country", where)).upper()
    if pycountry.countries.get(alpha_2=country) is None:
        raise DataError(f"{where}: unknown ISO 3166 country '{country}'")
    subdivisions = tuple(str(code).upper() for code in item.get("subdivisions") or ())
    for code in subdivisions:
        known = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]  # pycountry leaves it untyped
        if not code.startswith(country + "-") or known is None:
            raise DataError(f"{where}: '{code}' is not an ISO 3166-2 subdivision of {country}")
    whole = _flag(item, "whole_country", False, where)
    partial = _flag(item, "partial", False, where)
    if whole and (partial or subdivisions):
        raise DataError(f"{where}: a whole country has no 'subdivisions' and is not 'partial'")
    if not whole and not subdivisions:
        raise DataError(f"{where}: a region needs its ISO 3166-2 'subdivisions'")
    claimed = tuple(str(c).upper() for c in item.get("claimed_by") or ())
    for code in claimed:
        if pycountry.countries.get(alpha_2=code) is None:
            raise DataError(f"{where}: unknown ISO 3166 country '{code}' in 'claimed_by'")
    covering = tuple(str(m) for m in item.get("measures") or ())
    if not covering:
        raise DataError(f"{where}: missing 'measures'")
    for mid in covering:
        if mid not in measures:
            raise DataError(f"{where}: unknown measure '{mid}'")
    return Territory(
        id=tid,
        name=str(_require(item, "name", where)),
        country=country,
        measures=covering,
        citation=str(_require(item, "citation", where)),
        subdivisions=subdivisions,
        whole_country=whole,
        partial=partial,
        names=tuple(_place(n, f"{where} name {i + 1}") for i, n in enumerate(item.get("names") or ())),
        places=tuple(_place(p, f"{where} place {i + 1}") for i, p in enumerate(item.get("places") or ())),
        claimed_by=claimed,
        certainty=_check(item.get("certainty", "verified"), Certainty, "certainty", where),
        note=item.get("note"),
    )


def parse_territories(text: str, measures: Mapping[str, Measure]) -> tuple[Territory, ...]:
    doc = load_yaml(text, "territories.yaml") or {}
    if not isinstance(doc, Mapping):
        raise DataError("territories.yaml: expected a mapping with the key 'territories'")
    territories = tuple(
        parse_territory(item, f"territories.yaml item {n + 1}", measures)
        for n, item in enumerate(doc.get("territories") or [])
    )
    seen: set[str] = set()
    for t in territories:
        if t.id in seen:
            raise DataError(f"territories.yaml: territory id '{t.id}' appears twice")
        seen.add(t.id)
    return territories


def load_yaml(text: str, name: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {exc}") from exc


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
