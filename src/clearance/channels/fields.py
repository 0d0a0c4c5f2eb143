"""What goes with a field when it is screened: the evidence from the rest of its item (the same party's
countries and BICs, a security's ISIN and tickers), the country a BIC or an IBAN names, and who
develops or controls an app. Used by `channels.screen`."""

from __future__ import annotations

from collections.abc import Sequence

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from clearance.channels.holdings import ticker_forms
from clearance.channels.items import Field, FieldKind
from clearance.domain.enums import Kind, RelationType
from clearance.errors import InputError
from clearance.screening.countries import given_country
from clearance.screening.engine import Engine

PARTY_NAMES = (FieldKind.NAME, FieldKind.PERSON, FieldKind.ORGANIZATION)
PLACES = (FieldKind.TOWN, FieldKind.REGION, FieldKind.ADDRESS)


def evidence(fields: Sequence[Field], fld: Field) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(countries, identifiers) that go with a field: for a party's name, the same party's countries
    and BICs (a payment); for a town, region or address line, the same party's countries; for an
    issuer, the security's ISIN and the forms of its tickers (a holding)."""
    if fld.kind in PARTY_NAMES or fld.kind in PLACES:
        same = [f for f in fields if f.role == fld.role]
        countries = tuple(
            sorted({c for f in same if f.kind is FieldKind.COUNTRY if (c := _country(f.value))})
        )
        if fld.kind in PLACES:  # an address is read with its own country
            return countries, ()
        ids = tuple(sorted({f"BIC {f.value}" for f in same if f.kind is FieldKind.BIC}))
        return countries, ids
    if fld.kind is FieldKind.ISSUER:
        ids = tuple(f.value for f in fields if f.kind is FieldKind.ISIN)
        ids += tuple(
            f"ticker {t}" for f in fields if f.kind is FieldKind.TICKER for t in ticker_forms(f.value)
        )
        return (), ids
    return (), ()


def _country(value: str) -> str | None:
    """A country a message gives, as an ISO code; None when it names none (it is still screened as a
    country field, where a bad value hits nothing; as evidence it would stop the name's screening)."""
    try:
        return given_country(value)
    except InputError:
        return None


def bic_country(value: str) -> tuple[str | None, str | None]:
    """A BIC's country (its 5th and 6th letters), and a note when schwifty finds it invalid; a BIC that
    fails its checks still counts by its country when those letters are one (fail closed)."""
    try:
        return BIC(value).country_code, None
    except SchwiftyException as exc:
        letters = value.strip().upper()[4:6]
        return (letters if len(letters) == 2 and letters.isalpha() else None), f"BIC {value}: {exc}"


def iban_country(value: str) -> tuple[str | None, str | None]:
    """An IBAN's country (its first two letters), and a note when its check fails (it still counts by
    those letters when they are a country's)."""
    try:
        return IBAN(value).country_code, None
    except SchwiftyException as exc:
        letters = value.strip().upper()[:2]
        return (letters if letters.isalpha() else None), f"IBAN {value}: {exc}"


CONTROL = (RelationType.DEVELOPS, RelationType.CONTROLS)


def controllers(engine: Engine) -> dict[str, tuple[tuple[str, str, str, str], ...]]:
    """For each app: who develops or controls it, directly or through the app that hosts it as a
    feature (QQ Wallet in QQ), as (app id, relation, entity id, entity name), from the entities'
    relations (built-in data: who develops each EO 13971 app, with its citation there)."""
    apps = {e.id: e for e in engine.entities.values() if e.kind is Kind.APP}
    direct: dict[str, list[tuple[str, str, str, str]]] = {}
    for entity in engine.entities.values():
        for rel in entity.relations:
            if rel.type in CONTROL and rel.target in apps:
                direct.setdefault(rel.target, []).append((rel.target, rel.type, entity.id, entity.name))
    out = {app: tuple(found) for app, found in direct.items()}
    for app in apps.values():  # a feature's app: its controllers too
        for rel in app.relations:
            if rel.type is RelationType.FEATURE_OF and app.id not in out:
                out[app.id] = tuple(
                    (app.id, f"{c[1]} (via {rel.target})", c[2], c[3]) for c in direct.get(rel.target, ())
                )
    return out
