"""The countries and regions under comprehensive embargoes (`territories.yaml`), read and checked: a real
ISO country and subdivisions of it (pycountry), known measures, a citation on the territory and on
every name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pycountry

from clearance.datasets.yamlcheck import check, flag, load_yaml, only, require
from clearance.domain.enums import Certainty
from clearance.domain.model import Measure, PlaceName, Territory
from clearance.errors import DataError

_PLACE_KEYS = {"name", "citation", "certainty", "lang", "text", "not_followed_by", "note"}
_TERRITORY_KEYS = {
    "id", "name", "country", "subdivisions", "whole_country", "partial", "citation", "certainty", "note",
    "measures", "names", "places", "claimed_by",
}  # fmt: skip


def _place(item: Any, where: str) -> PlaceName:
    only(item, _PLACE_KEYS, where)
    after = item.get("not_followed_by") or []
    if not isinstance(after, list):
        raise DataError(f"{where}: 'not_followed_by' must be a list of words")
    return PlaceName(
        name=str(require(item, "name", where)),
        citation=str(require(item, "citation", where)),
        certainty=check(item.get("certainty", "verified"), Certainty, "certainty", where),
        lang=item.get("lang"),
        text=flag(item, "text", True, where),
        not_followed_by=tuple(str(w).casefold() for w in after),
        note=item.get("note"),
    )


def parse_territory(item: Any, where: str, measures: Mapping[str, Measure]) -> Territory:
    """One item of `territories.yaml`, checked: a real ISO country and subdivisions of it, known
    measures, a citation on the territory and on every name."""
    only(item, _TERRITORY_KEYS, where)
    tid = str(require(item, "id", where))
    where = f"{where} ({tid})"
    country = str(require(item, "country", where)).upper()
    if pycountry.countries.get(alpha_2=country) is None:
        raise DataError(f"{where}: unknown ISO 3166 country '{country}'")
    subdivisions = tuple(str(code).upper() for code in item.get("subdivisions") or ())
    for code in subdivisions:
        known = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]  # pycountry leaves it untyped
        if not code.startswith(country + "-") or known is None:
            raise DataError(f"{where}: '{code}' is not an ISO 3166-2 subdivision of {country}")
    whole = flag(item, "whole_country", False, where)
    partial = flag(item, "partial", False, where)
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
        name=str(require(item, "name", where)),
        country=country,
        measures=covering,
        citation=str(require(item, "citation", where)),
        subdivisions=subdivisions,
        whole_country=whole,
        partial=partial,
        names=tuple(_place(n, f"{where} name {i + 1}") for i, n in enumerate(item.get("names") or ())),
        places=tuple(_place(p, f"{where} place {i + 1}") for i, p in enumerate(item.get("places") or ())),
        claimed_by=claimed,
        certainty=check(item.get("certainty", "verified"), Certainty, "certainty", where),
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
