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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from clearance.channels.holdings import divestment
from clearance.channels.items import Channel, Field, FieldKind, Item
from clearance.domain.enums import Activity, Decision, Kind, QueryKind, RelationType, parse
from clearance.errors import InputError
from clearance.screening.countries import given_country
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
_PLACE_KINDS = (FieldKind.TOWN, FieldKind.REGION, FieldKind.ADDRESS)


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
        self._controllers = _controllers(engine)

    def screen(self, item: Item) -> ItemResult:
        """One item's decision. The item's own date wins over the screener's (a payment's settlement
        date is the date that matters); raises `DataError` when the data policy refuses to screen."""
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
            screened=sum(1 for f in item.fields if f.kind is not FieldKind.ACCOUNT),
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
            if has_issuer and fld.kind in (FieldKind.ISIN, FieldKind.TICKER):
                continue  # screened with the issuer, as its evidence
            evidence = _evidence(item.fields, fld)
            finding = self._field(fld, moment, activity, evidence)
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
        evidence: tuple[tuple[str, ...], tuple[str, ...]],
    ) -> Finding:
        hits, places, note = self._screen(fld.kind, fld.value, moment, activity, evidence)
        decision = Decision.most_severe([h.decision for h in hits] + [p.decision for p in places])
        controllers = tuple(c for h in hits for c in self._controllers.get(h.entity.id, ()))
        return Finding(fld, decision, hits=hits, places=places, note=note, controllers=controllers)

    def _screen_uncached(
        self,
        kind: FieldKind,
        value: str,
        moment: date | datetime,
        activity: Activity,
        evidence: tuple[tuple[str, ...], tuple[str, ...]],
    ) -> tuple[tuple[Hit, ...], tuple[TerritoryHit, ...], str | None]:
        """(hits, territory hits, note) for one value; nothing here depends on the item around it but
        the evidence passed in."""
        countries, identifiers = evidence
        places: list[TerritoryHit] = []
        note = None
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
        elif kind in (FieldKind.ISIN, FieldKind.TICKER):  # no issuer to carry it: the identifier alone
            label = "ticker " if kind is FieldKind.TICKER else ""
            result = self.engine.screen(label + value, kind=QueryKind.PARTY, as_of=moment, activity=activity)
        elif kind is FieldKind.TEXT:
            result = self.engine.screen(value, kind=QueryKind.TEXT, as_of=moment, activity=activity)
            places = terr.in_text(value, as_of=moment, activity=activity)
        elif kind is FieldKind.BIC:
            result = self.engine.screen(f"BIC {value}", kind=QueryKind.PARTY, as_of=moment, activity=activity)
            country, note = _bic_country(value)
            if country:
                places = terr.country(country, as_of=moment, activity=activity, how="bic_country")
        elif kind is FieldKind.IBAN:
            country, note = _iban_country(value)
            if country:
                places = terr.country(country, as_of=moment, activity=activity, how="iban_country")
        elif kind is FieldKind.COUNTRY:
            places = terr.country(value, as_of=moment, activity=activity, how="country")
        elif kind in _PLACE_KINDS:
            places = terr.place(value, as_of=moment, activity=activity)
        hits = result.hits if result is not None else ()
        return hits, tuple(places), note


def _evidence(fields: Sequence[Field], fld: Field) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The evidence that goes with a name: the same party's countries and BICs (a payment), or a
    security's ISIN and ticker (a holding, with its issuer)."""
    if fld.kind in (FieldKind.NAME, FieldKind.PERSON, FieldKind.ORGANIZATION):
        same = [f for f in fields if f.role == fld.role]
        countries = tuple(
            sorted({c for f in same if f.kind is FieldKind.COUNTRY if (c := _country(f.value))})
        )
        ids = tuple(sorted({f"BIC {f.value}" for f in same if f.kind is FieldKind.BIC}))
        return countries, ids
    if fld.kind is FieldKind.ISSUER:
        ids = tuple(f.value for f in fields if f.kind is FieldKind.ISIN)
        ids += tuple(f"ticker {f.value}" for f in fields if f.kind is FieldKind.TICKER)
        return (), ids
    return (), ()


def _country(value: str) -> str | None:
    """A country a message gives, as an ISO code; None when it names none (it is still screened as a
    country field, where a bad value hits nothing; as evidence it would stop the name's screening)."""
    try:
        return given_country(value)
    except InputError:
        return None


def _bic_country(value: str) -> tuple[str | None, str | None]:
    """A BIC's country (its 5th and 6th letters), and a note when schwifty finds it invalid; a BIC that
    fails its checks still counts by its country when those letters are one (fail closed)."""
    try:
        return BIC(value).country_code, None
    except SchwiftyException as exc:
        letters = value.strip().upper()[4:6]
        return (letters if len(letters) == 2 and letters.isalpha() else None), f"BIC {value}: {exc}"


def _iban_country(value: str) -> tuple[str | None, str | None]:
    """An IBAN's country (its first two letters), and a note when its check fails (it still counts by
    those letters when they are a country's)."""
    try:
        return IBAN(value).country_code, None
    except SchwiftyException as exc:
        letters = value.strip().upper()[:2]
        return (letters if letters.isalpha() else None), f"IBAN {value}: {exc}"


_CONTROL = (RelationType.DEVELOPS, RelationType.CONTROLS)


def _controllers(engine: Engine) -> dict[str, tuple[tuple[str, str, str, str], ...]]:
    """For each app: who develops or controls it, directly or through the app that hosts it as a
    feature (QQ Wallet in QQ), as (app id, relation, entity id, entity name), from the entities'
    relations (built-in data: who develops each EO 13971 app, with its citation there)."""
    apps = {e.id: e for e in engine.entities.values() if e.kind is Kind.APP}
    direct: dict[str, list[tuple[str, str, str, str]]] = {}
    for entity in engine.entities.values():
        for rel in entity.relations:
            if rel.type in _CONTROL and rel.target in apps:
                direct.setdefault(rel.target, []).append((rel.target, rel.type, entity.id, entity.name))
    out = {app: tuple(found) for app, found in direct.items()}
    for app in apps.values():  # a feature's app: its controllers too
        for rel in app.relations:
            if rel.type is RelationType.FEATURE_OF and app.id not in out:
                out[app.id] = tuple(
                    (app.id, f"{c[1]} (via {rel.target})", c[2], c[3]) for c in direct.get(rel.target, ())
                )
    return out
