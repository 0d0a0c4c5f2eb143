"""The domain: entities and their names, identifiers and relations; measures and their life cycle.

Frozen dataclasses, no I/O: readers build them, the index and the engine read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from clearance.domain.enums import (
    Basis,
    Certainty,
    EventType,
    Kind,
    NameType,
    RelationType,
    Restriction,
    State,
)
from clearance.domain.frozen import quick_pickle


@quick_pickle
@dataclass(frozen=True, slots=True)
class Name:
    value: str
    type: NameType = NameType.STRONG  # weak: a short or generic alias, matched only as the whole query
    lang: str | None = None
    citation: str | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Identifier:
    scheme: str  # android, ios, isin, lei, ticker, uscc, bic, company_number, ...
    value: str
    citation: str | None = None
    certainty: Certainty = Certainty.VERIFIED


@quick_pickle
@dataclass(frozen=True, slots=True)
class Relation:
    type: RelationType
    target: str
    citation: str | None = None
    certainty: Certainty = Certainty.VERIFIED


@dataclass(frozen=True, slots=True)
class Coverage:
    """Why an entity falls under a measure, with the entity's own dates where the measure gives them."""

    measure: str
    basis: Basis = Basis.NAMED
    via: tuple[str, ...] = ()
    listed: date | None = None
    effective: datetime | None = None
    divest_by: date | None = None
    citation: str | None = None
    certainty: Certainty = Certainty.VERIFIED


@quick_pickle
@dataclass(frozen=True, slots=True)
class Listing:
    """An entry on a source list, with the list's own dates for it.

    A listing counts from `listed` (when the source gives it) until `expires` (a denial order's end, a
    delisting): screening as of a date outside that span reports it as context only."""

    list_id: str
    source_id: str | None = None  # the entry's id in its source (OFAC ent_num, UN DATAID ...)
    programs: tuple[str, ...] = ()
    listed: date | None = None
    expires: date | None = None
    citation: str | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    kind: Kind
    name: str
    names: tuple[Name, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    countries: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    measures: tuple[Coverage, ...] = ()
    lists: tuple[str, ...] = ()
    notes: str | None = None
    listings: tuple[Listing, ...] = ()
    # facts a list gives about the entry, as (key, value): dob, pob, nationality, citizenship, passport,
    # national_id, address, gender, title, remarks ... shown to the analyst, not matched on
    details: tuple[tuple[str, str], ...] = ()

    def all_names(self) -> tuple[Name, ...]:
        return (Name(self.name), *self.names)


@dataclass(frozen=True, slots=True)
class Event:
    type: EventType
    at: datetime  # timezone-aware
    timed: bool  # True when the law gives a time of day; False for a date (00:00 in the measure's zone)
    citation: str | None = None
    certainty: Certainty = Certainty.VERIFIED
    note: str | None = None
    by: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "at": self.at.isoformat() if self.timed else self.at.date().isoformat(),
            "citation": self.citation,
            "certainty": self.certainty,
            "note": self.note,
            "by": self.by,
        }


@dataclass(frozen=True, slots=True)
class ListInfo:
    """A source list and what its entries restrict when no built-in measure covers them.

    A sanctions list (SDN, UN) restricts `all` dealings: a strong match blocks, a weaker one asks for
    review. An export list (Entity List, Denied Persons) restricts `export`: it blocks an export on a
    strong match and asks for review for any other activity, as a measure would."""

    id: str
    title: str
    restricts: frozenset[Restriction] = frozenset({Restriction.ALL})
    authority: str = ""
    url: str | None = None

    def restricts_activity(self, activity: str) -> bool:
        """Does the list restrict this activity? Under `any`, only a list that restricts all dealings."""
        return Restriction.ALL in self.restricts or activity in self.restricts


@dataclass(frozen=True)
class Measure:
    id: str
    short: str
    title: str
    authority: str
    citation: str
    url: str | None
    timezone: str
    restricts: frozenset[Restriction]
    scope: str
    needs_implementation: bool
    events: tuple[Event, ...] = field(default=())

    def restricts_activity(self, activity: str) -> bool:
        """Does the measure restrict this activity? Under `any`, only a ban on all dealings counts."""
        return Restriction.ALL in self.restricts or activity in self.restricts


@dataclass(frozen=True, slots=True)
class MeasureState:
    """A measure's state at an instant, with the event behind it."""

    state: State
    since: datetime | None
    event: Event | None
    implemented: bool
    instant: datetime
