"""An item screened field by field: each field as what it is (a party's name, a BIC, an IBAN, a country, a
town or an address line, free text, an app id, an ISIN), every hit tied to the field it came from, and
one decision per item, the most severe of its fields' (../shared/CONVENTIONS.md, "Decisions").

How each kind of field (`FieldKind`) is screened:

* name, person, organization: `Engine.screen` of kind party, person or organization, with the same
  party's countries and BICs as evidence (`screening.evidence`): a BIC equal to a listed one is a hit
  on its own;
* bic: against the listed identifiers, and its country (5th and 6th letters, read by schwifty) against
  the embargoed territories (`screening.territories`);
* iban: its country (first two letters, read by schwifty) against the territories; one whose check
  fails still counts by its country, and the finding says that it fails;
* account: kept on the record, not screened (a bare account number names no one);
* country: the territories; town, region, address: the territories' places ("Sevastopol", "UA-43");
* text: `Engine.screen` of kind text (listed names in free text), and the territories it names (at
  most review);
* app_id, app_name: `Engine.screen` of kind app, the id first: the name adds only entities the id did
  not hit;
* developer, issuer: `Engine.screen` of kind organization, an issuer with its ISIN and ticker as
  evidence; an ISIN or ticker without an issuer is looked up alone, as an identifier.

Structure is never screened: the readers keep tags, codes, amounts, currencies, dates and references
out of the fields. A field's result is remembered per (kind, value, evidence, date, activity) for the
life of the `Screener`, since a file repeats its agents, banks and apps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from clearance.channels.fields import PLACES, bic_country, controllers, evidence, iban_country
from clearance.channels.holdings import divestment, ticker_forms
from clearance.channels.items import Channel, Field, FieldKind, Item
from clearance.channels.portfolio import isin_problem
from clearance.domain.enums import Activity, Decision, Kind, QueryKind, parse
from clearance.errors import InputError
from clearance.screening.engine import Engine
from clearance.screening.results import Hit, Result
from clearance.screening.territories import Territories, TerritoryHit
from clearance.screening.validate import day_of, parse_as_of
from clearance.version import __version__

# the activity each channel screens for when the user gives none
CHANNEL_ACTIVITY = {
    Channel.PAYMENT: Activity.PAYMENT,
    Channel.APP: Activity.APP,
    Channel.HOLDING: Activity.SECURITIES,
    Channel.TEXT: Activity.ANY,
}
_NAME_KINDS = {
    FieldKind.NAME: QueryKind.PARTY,
    FieldKind.PERSON: QueryKind.PERSON,
    FieldKind.ORGANIZATION: QueryKind.ORGANIZATION,
    FieldKind.DEVELOPER: QueryKind.ORGANIZATION,
    FieldKind.ISSUER: QueryKind.ORGANIZATION,
}


@dataclass(frozen=True)
class Finding:
    """What one field produced: its hits on listed entities, its hits on embargoed territories, and a
    note (an IBAN whose check fails); `decision` the most severe of them."""

    field: Field
    decision: Decision
    hits: tuple[Hit, ...] = ()
    places: tuple[TerritoryHit, ...] = ()
    note: str | None = None
    # for a hit on an app: who develops, controls or hosts it, as (app id, relation, entity id, name)
    controllers: tuple[tuple[str, str, str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field.to_dict(),
            "decision": self.decision,
            "hits": [self._hit(h) for h in self.hits],
            "territories": [p.to_dict() for p in self.places],
            "note": self.note,
        }

    def _hit(self, hit: Hit) -> dict[str, Any]:
        doc = hit.to_dict()
        if hit.entity.kind is Kind.APP:
            doc["developed_by"] = [
                {"relation": rel, "entity_id": eid, "name": name}
                for app, rel, eid, name in self.controllers
                if app == hit.entity.id
            ]
        return doc

    def reasons(self) -> list[str]:
        fld = self.field
        where = f"{fld.role} {fld.path}" + (f" (line {fld.line})" if fld.line else "")
        out = [f"{where}: {h.entity.name}: {h.explanation}" for h in self.hits if h.decision == self.decision]
        out += [f"{where}: {p.explanation}" for p in self.places if p.decision == self.decision]
        return out


@dataclass(frozen=True)
class ItemResult:
    """The decision on one item as of a date for an activity: the most severe of its findings (clear
    when it has none), the reasons behind it, every finding with a hit or a note, how many fields were
    screened, and for a holding what its measures say about divesting it (`channels.holdings`)."""

    item: Item
    as_of: date | datetime  # a day (the end of it in each measure's zone) or an instant
    activity: Activity
    decision: Decision
    findings: tuple[Finding, ...]
    screened: int
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    engine_version: str
    data_versions: dict[str, str]
    divest: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": "item",
            **self.item.to_dict(),
            "as_of": self.as_of.isoformat(),
            "item_as_of": self.item.as_of.isoformat() if self.item.as_of else None,
            "activity": self.activity,
            "decision": self.decision,
            "reasons": list(self.reasons),
            "fields_screened": self.screened,
            "findings": [f.to_dict() for f in self.findings],
            "divestment": list(self.divest),
            "warnings": list(self.warnings),
            "engine_version": self.engine_version,
            "data_versions": dict(self.data_versions),
        }


class Screener:
    """Screens items with one engine. `activity` None: each channel's own (`CHANNEL_ACTIVITY`);
    `as_of` is the date of items that carry none (default today, UTC). Raises `InputError` for an
    unknown activity or an impossible date."""

    def __init__(
        self, engine: Engine, *, as_of: date | datetime | str | None = None, activity: str | None = None
    ) -> None:
        self.engine = engine
        self.as_of = parse_as_of(as_of)
        self.activity = parse(Activity, activity, "activity") if activity else None
        self.territories = Territories(engine.dataset)
        self._screen = lru_cache(maxsize=65536)(self._screen_uncached)
        self._controllers = controllers(engine)

    def screen(self, item: Item) -> ItemResult:
        """One item's decision. The item's own date wins over the screener's (a payment's settlement
        date is the date that matters). Raises `InputError` for an item with nothing to screen (only
        accounts, amounts, references) or a value no name holds, which the caller rejects, never clears;
        `DataError` when the data policy refuses to screen."""
        screened = sum(1 for f in item.fields if f.kind is not FieldKind.ACCOUNT)
        if not screened:  # fail closed: an item with nothing to screen is never clear
            raise InputError(
                "nothing to screen: no name, agent, account country, address or text in it"
                + (f" (it holds only {', '.join(k for k, _ in item.details)})" if item.details else "")
            )
        moment = parse_as_of(item.as_of) if item.as_of is not None else self.as_of
        activity = self.activity or CHANNEL_ACTIVITY[item.channel]
        findings = self._findings(item, moment, activity)
        decision = Decision.most_severe([f.decision for f in findings])
        reasons = tuple(r for f in findings if f.decision == decision for r in f.reasons())
        decision, reasons = self.engine.on_gaps(decision, reasons if decision is not Decision.CLEAR else ())
        divest = (
            divestment([(f.field.path, h) for f in findings for h in f.hits], day_of(moment))
            if item.channel is Channel.HOLDING
            else ()
        )
        return ItemResult(
            item=item,
            as_of=moment,
            activity=activity,
            decision=decision,
            findings=tuple(f for f in findings if f.hits or f.places or f.note),
            screened=screened,
            reasons=reasons,
            warnings=self.engine.dataset.warnings,
            engine_version=__version__,
            data_versions=dict(self.engine.dataset.versions),
            divest=divest,
        )

    def _findings(self, item: Item, moment: date | datetime, activity: Activity) -> list[Finding]:
        out: list[Finding] = []
        app_hit: set[str] = set()  # entities an app id already hit: its name adds only others
        has_issuer = any(f.kind is FieldKind.ISSUER for f in item.fields)
        for fld in sorted(item.fields, key=lambda f: f.kind is FieldKind.APP_NAME):
            if has_issuer and fld.kind is FieldKind.TICKER:
                continue  # screened with the issuer, as its evidence
            finding = self._field(fld, moment, activity, evidence(item.fields, fld), has_issuer=has_issuer)
            if fld.kind is FieldKind.APP_ID:
                app_hit.update(h.entity.id for h in finding.hits)
            elif fld.kind is FieldKind.APP_NAME and app_hit:
                kept = tuple(h for h in finding.hits if h.entity.id not in app_hit)
                finding = Finding(fld, Decision.most_severe([h.decision for h in kept]), hits=kept)
            out.append(finding)
        return out

    def _field(
        self,
        fld: Field,
        moment: date | datetime,
        activity: Activity,
        given: tuple[tuple[str, ...], tuple[str, ...]],
        *,
        has_issuer: bool = False,
    ) -> Finding:
        if fld.kind is FieldKind.ISIN and has_issuer:  # screened with the issuer: only its check here
            problem = isin_problem(fld.value)
            if problem is None:
                return Finding(fld, Decision.CLEAR)
            return Finding(fld, Decision.REVIEW, note=f"ISIN {fld.value}: {problem}; it cannot be verified")
        hits, places, note, floor = self._screen(fld.kind, fld.value, moment, activity, given)
        decision = Decision.most_severe([floor, *(h.decision for h in hits), *(p.decision for p in places)])
        controllers = tuple(c for h in hits for c in self._controllers.get(h.entity.id, ()))
        return Finding(fld, decision, hits=hits, places=places, note=note, controllers=controllers)

    def _screen_uncached(
        self,
        kind: FieldKind,
        value: str,
        moment: date | datetime,
        activity: Activity,
        given: tuple[tuple[str, ...], tuple[str, ...]],
    ) -> tuple[tuple[Hit, ...], tuple[TerritoryHit, ...], str | None, Decision]:
        """(hits, territory hits, note, the least the field decides) for one value; nothing here depends
        on the item around it but the evidence given (`fields.evidence`)."""
        countries, identifiers = given
        places: list[TerritoryHit] = []
        note = None
        floor = Decision.CLEAR
        result: Result | None = None
        terr = self.territories
        if kind in _NAME_KINDS:
            result = self.engine.screen(
                value,
                kind=_NAME_KINDS[kind],
                as_of=moment,
                activity=activity,
                country=list(countries),
                identifier=list(identifiers),
            )
        elif kind in (FieldKind.APP_ID, FieldKind.APP_NAME):
            result = self.engine.screen(value, kind=QueryKind.APP, as_of=moment, activity=activity)
        elif kind is FieldKind.ISIN:  # no issuer to carry it: the identifier alone
            result = self.engine.screen(
                f"ISIN {value}", kind=QueryKind.PARTY, as_of=moment, activity=activity
            )
            problem = isin_problem(value)
            if problem is not None:  # a mistyped ISIN cannot be cleared against the lists
                note, floor = f"ISIN {value}: {problem}; it cannot be verified", Decision.REVIEW
        elif kind is FieldKind.TICKER:  # the forms lists write, until one is found
            for form in ticker_forms(value):
                result = self.engine.screen(
                    f"ticker {form}", kind=QueryKind.PARTY, as_of=moment, activity=activity
                )
                if result.hits:
                    break
        elif kind is FieldKind.TEXT:
            result = self.engine.screen(value, kind=QueryKind.TEXT, as_of=moment, activity=activity)
            places = terr.in_text(value, as_of=moment, activity=activity)
        elif kind is FieldKind.BIC:
            result = self.engine.screen(f"BIC {value}", kind=QueryKind.PARTY, as_of=moment, activity=activity)
            country, note = bic_country(value)
            if country:
                places = terr.country(country, as_of=moment, activity=activity, how="bic_country")
        elif kind is FieldKind.IBAN:
            country, note = iban_country(value)
            if country:
                places = terr.country(country, as_of=moment, activity=activity, how="iban_country")
        elif kind is FieldKind.COUNTRY:
            places = terr.country(value, as_of=moment, activity=activity, how="country")
        elif kind in PLACES:
            places = terr.place(
                value, as_of=moment, activity=activity, country=countries[0] if countries else None
            )
            if kind is FieldKind.ADDRESS:  # a line may name a party ("c/o ...", a name on line 3 of :59:)
                result = self.engine.screen(value, kind=QueryKind.TEXT, as_of=moment, activity=activity)
        hits = result.hits if result is not None else ()
        return hits, tuple(places), note, floor
