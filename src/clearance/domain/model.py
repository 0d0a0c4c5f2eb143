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
    """A link from the entity that holds it to `target`: it develops, controls, owns (`share`, a percentage
    from 0 to 100, None when unknown), is a subsidiary of, is linked to, or is a feature of the target,
    from `start` to `end` (days, both included; None: open). `citation` is its source."""

    type: RelationType
    target: str
    citation: str | None = None
    certainty: Certainty = Certainty.VERIFIED
    share: float | None = None
    start: date | None = None
    end: date | None = None


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
    # a coverage derived through relations (`screening.graph`) holds while all of them hold: from
    # `link_start` to `link_end` (days, both included; None: open)
    link_start: date | None = None
    link_end: date | None = None


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
    # its entries block what they own: any entity owned 50% or more, in the aggregate, directly or
    # indirectly, by entries of this list is blocked too (OFAC's 50 Percent Rule, `screening.ownership`)
    blocks_owned: bool = False

    def restricts_activity(self, activity: str) -> bool:
        """Does the list restrict this activity? Under `any`, only a list that restricts all dealings."""
        return Restriction.ALL in self.restricts or activity in self.restricts


@dataclass(frozen=True, slots=True)
class Licence:
    """A general licence that changes the answer for some payments under a measure (a family remittance
    to Cuba, a personal remittance to Crimea). Documented for the analyst, never applied by screening:
    a filter stops the payment, and the analyst decides whether the licence covers it."""

    id: str
    citation: str
    note: str = ""
    certainty: Certainty = Certainty.VERIFIED


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
    licences: tuple[Licence, ...] = field(default=())
    # how the measure reaches past what it names (`screening.graph`): to those that develop a named app,
    # that control what it covers, to their subsidiaries, to the app that hosts a named feature
    reaches: frozenset[Basis] = field(default=frozenset())
    reach_citation: str | None = None

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


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A name of a territory, of one of its regions or of one of its towns, as payments spell it.

    `text` False keeps a name out of free-text search because it has a common other use (Shiraz, a
    wine; DNR, "do not resuscitate"): it is still found in an address. `not_followed_by` lists the next
    words that make an occurrence something else ("Damascus steel", "Aleppo pepper")."""

    name: str
    citation: str
    certainty: Certainty = Certainty.VERIFIED
    lang: str | None = None
    text: bool = True
    not_followed_by: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Territory:
    """A country or region under a comprehensive embargo, and the measures that cover it.

    `whole_country`: the measures cover the whole of `country`. Otherwise they cover the regions whose
    ISO 3166-2 codes are `subdivisions`; `partial` says they cover only part of those subdivisions (the
    so-called DNR covers only part of Donetsk oblast), so that an address there needs review, not a
    block. `names` are other names of the territory itself (DPRK, Krym), `places` its regions and towns;
    `claimed_by` the countries whose addresses also hold it (Russia writes Crimean addresses as its own),
    so that an address with such a country is not taken for a namesake elsewhere."""

    id: str
    name: str
    country: str  # ISO 3166-1 alpha-2, upper case
    measures: tuple[str, ...]
    citation: str
    subdivisions: tuple[str, ...] = ()
    whole_country: bool = False
    partial: bool = False
    names: tuple[PlaceName, ...] = ()
    places: tuple[PlaceName, ...] = ()
    claimed_by: tuple[str, ...] = ()
    certainty: Certainty = Certainty.VERIFIED
    note: str | None = None
