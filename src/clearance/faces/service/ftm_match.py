"""yente's matching API in clearance's terms: a yente query entity becomes the arguments of
`Engine.screen`, and the hits become yente's scored results (yente's `routers/match.py`,
`data/common.py` `ScoredEntityResponse`; nomenklatura's `FeatureResult` for the explanations).

A query (`read_example`) is `{"id"?, "schema": "Person", "properties": {"name": [...], ...}}`:

* the schema gives the kind: Person (and its descendants) -> person, Organization, Company and the other
  descendants of Organization -> organization, any other matchable schema (LegalEntity, Vessel,
  Airplane, Security) -> party; a schema followthemoney does not know, or cannot match (Thing,
  Ownership), is an `InputError`;
* every name (`name`, `alias`, `previousName`, `weakAlias`, `abbreviation`; for a person with none,
  `firstName` `middleName` `fatherName` `lastName` joined) is screened, at most `MAX_NAMES`, and each
  entity keeps its best hit; without a name, the first identifier is the query;
* `birthDate` is a date of birth (YYYY, YYYY-MM or YYYY-MM-DD: a time is cut off), each screened in
  turn (at most `MAX_DATES`), the best hit kept;
* `nationality`, `citizenship`, `country`, `jurisdiction`, `mainCountry`, `birthCountry` and `flag`
  are the countries;
* every property of followthemoney's identifier type (registrationNumber, leiCode, isin, isinCode,
  imoNumber, idNumber, passportNumber, taxNumber, innCode, swiftBic, ...) is an identifier, even when
  the query's schema lacks it (yente's docs ask for `isin` on a Company);
* other properties are left out, as are values that do not read (a country or a date no one can read),
  as yente cleans them; `query` in the answer echoes what was used.

A result is the entity's FtM document (`ftm.entity_ftm`, not nested) with `score` (the hit's, the
evidence weighed in), `match` (score >= threshold), `features` (what each piece contributed) and
`explanations` ({feature: {"score", "detail", "query", "candidate"}}, the sentence of each), and under
"clearance" the hit's document (decision, measures in their state, lists, path, evidence).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from followthemoney import model, registry
from followthemoney.schema import Schema

from clearance.domain.enums import QueryKind
from clearance.errors import InputError
from clearance.faces.service.ftm import Graph, entity_ftm, schema_of
from clearance.matching.matcher import Match, MatchedBy
from clearance.screening.evidence import (
    BIRTH_AGREES,
    BIRTH_DIFFERS,
    COUNTRY_AGREES,
    COUNTRY_DIFFERS,
    Evidence,
    Finding,
)
from clearance.screening.results import Hit

MAX_NAMES = 10  # names and aliases screened per query
MAX_DATES = 3  # dates of birth screened per query
NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "abbreviation")
NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = (
    "nationality",
    "citizenship",
    "country",
    "jurisdiction",
    "mainCountry",
    "birthCountry",
    "flag",
)
DOCS = "docs/yente.md#features"
Reader = Callable[[str], str | None]  # a value as used, or None to leave it out
# feature -> (coefficient: the most it adds to or takes from a score, description)
FEATURES: dict[str, tuple[float, str]] = {
    "name_match": (1.0, "The best score of the query's names against the entity's names and aliases."),
    "weak_alias_match": (1.0, "The whole query equals a weak alias (a short or generic name): review only."),
    "identifier_match": (1.0, "An identifier equals a listed one: the score is 1.0, whatever the rest says."),
    "identifier_unmatched": (0.0, "An identifier the entity does not list, among others it does: neutral."),
    "identifier_not_listed": (0.0, "The entity lists no identifier: neutral."),
    "dob_match": (BIRTH_AGREES, "A date of birth agrees with a listed one."),
    "dob_close": (0.0, "A date of birth in the year of a listed one or a year apart: neutral."),
    "dob_disjoint": (-BIRTH_DIFFERS, "Every listed date of birth is more than a year away: review at most."),
    "dob_not_listed": (0.0, "The entity lists no date of birth: neutral."),
    "country_match": (
        COUNTRY_AGREES,
        "A country is among the listed nationalities, countries, places, flags.",
    ),
    "country_mismatch": (-COUNTRY_DIFFERS, "No country is among the listed ones (never below review)."),
    "country_not_listed": (0.0, "The entity lists no country: neutral."),
}
_FINDING_FEATURES = {
    ("birth_date", "agrees"): "dob_match",
    ("birth_date", "close"): "dob_close",
    ("birth_date", "differs"): "dob_disjoint",
    ("birth_date", "not_listed"): "dob_not_listed",
    ("country", "agrees"): "country_match",
    ("country", "differs"): "country_mismatch",
    ("country", "not_listed"): "country_not_listed",
    ("identifier", "agrees"): "identifier_match",
    ("identifier", "unmatched"): "identifier_unmatched",
    ("identifier", "not_listed"): "identifier_not_listed",
}
_IDENTIFIER_PROPS = frozenset(
    prop.name for schema in model for prop in schema.properties.values() if prop.type == registry.identifier
)


@dataclass(frozen=True)
class Example:
    """One yente query entity, read: its schema and kind, and what is screened (see the docstring)."""

    id: str | None
    schema: Schema
    kind: QueryKind
    names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    identifiers: tuple[str, ...]
    properties: dict[str, list[str]]

    def screens(self) -> list[dict[str, Any]]:
        """The keyword arguments of each `Engine.screen` call: `query`, `kind`, `birth_date`,
        `country`, `identifier`."""
        queries = list(self.names) or list(self.identifiers[:1])
        dates: Sequence[str | None] = self.birth_dates or (None,)
        return [
            {
                "query": query,
                "kind": str(self.kind),
                "birth_date": day,
                "country": list(self.countries),
                "identifier": list(self.identifiers),
            }
            for query in queries
            for day in dates
        ]

    def echo(self) -> dict[str, Any]:
        """The query as yente's answer gives it back: `{"id", "schema", "properties"}`."""
        return {"id": self.id, "schema": self.schema.name, "properties": self.properties}


def read_example(data: Mapping[str, Any]) -> Example:
    """A yente query entity read (see the module's docstring). Raises `InputError` for an unknown or
    unmatchable schema, a query with neither a name nor an identifier, or identifiers the engine
    refuses (more than 20, one over 100 characters)."""
    schema_name = str(data.get("schema") or "")
    schema = model.get(schema_name)
    if schema is None or not schema.matchable:
        what = "is not a followthemoney schema" if schema is None else "cannot be matched"
        raise InputError(
            f"schema '{schema_name}' {what}: use Person, Company, Organization, LegalEntity or Vessel"
        )
    raw = data.get("properties") or {}
    if not isinstance(raw, Mapping):
        raise InputError("'properties' must be an object of lists of values")
    values = {str(k): _strings(v) for k, v in raw.items()}
    used: dict[str, list[str]] = {}
    names = _take(used, values, [p for p in NAME_PROPS if schema.get(p) is not None], _name)
    if not names and schema.is_a("Person"):
        parts = [" ".join(values.get(p, [])) for p in NAME_PARTS if schema.get(p) is not None]
        joined = " ".join(p for p in parts if p.strip())
        if joined:
            names = [joined]
            for p in NAME_PARTS:
                if values.get(p):
                    used[p] = values[p]
    dates = _take(used, values, ["birthDate"] if schema.get("birthDate") else [], _birth_date)
    countries = _take(used, values, [p for p in COUNTRY_PROPS if schema.get(p) is not None], _country)
    id_props = [p for p in values if p in _IDENTIFIER_PROPS]
    identifiers = _take(used, values, id_props, lambda v: v.strip() or None)
    Evidence.of(identifier=identifiers)  # the engine's rules: at most 20, printable, 100 characters
    if not names and not identifiers:
        raise InputError("a query needs a name (name, alias, ...) or an identifier (registrationNumber, ...)")
    kind = QueryKind.PERSON if schema.is_a("Person") else QueryKind.PARTY
    if schema.is_a("Organization"):
        kind = QueryKind.ORGANIZATION
    return Example(
        id=str(data["id"]) if data.get("id") else None,
        schema=schema,
        kind=kind,
        names=tuple(dict.fromkeys(names))[:MAX_NAMES],
        birth_dates=tuple(dict.fromkeys(dates))[:MAX_DATES],
        countries=tuple(dict.fromkeys(countries)),
        identifiers=tuple(dict.fromkeys(identifiers)),
        properties=used,
    )


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    return [str(v) for v in items if isinstance(v, str | int | float) and str(v).strip()]


def _take(
    used: dict[str, list[str]], values: Mapping[str, list[str]], props: Iterable[str], read: Reader
) -> list[str]:
    """The values of `props` that `read` keeps (it returns the value to use, or None), noted in `used`."""
    out: list[str] = []
    for prop in props:
        kept = [r for v in values.get(prop, []) if (r := read(v)) is not None]
        if kept:
            used[prop] = kept
            out.extend(kept)
    return out


def _name(value: str) -> str | None:
    return value.strip() or None


def _birth_date(value: str) -> str | None:
    day = value.strip()[:10]
    try:
        Evidence.of(birth_date=day)
    except InputError:
        return None
    return day


def _country(value: str) -> str | None:
    """The country as FtM writes it (a lower-case code) when both FtM and clearance read it."""
    code = registry.country.clean(value)
    try:
        return code if code is not None and Evidence.of(country=code).countries else None
    except InputError:
        return None


def best_hits(results: Iterable[Iterable[Hit]]) -> list[Hit]:
    """Each entity's best hit among the screens of one query: the highest score, then the most severe."""
    best: dict[str, Hit] = {}
    for hits in results:
        for hit in hits:
            kept = best.get(hit.entity.id)
            if kept is None or (hit.score, hit.decision.severity) > (kept.score, kept.decision.severity):
                best[hit.entity.id] = hit
    return list(best.values())


def scored_results(
    hits: Iterable[Hit],
    graph: Graph,
    example: Example,
    *,
    threshold: float,
    cutoff: float,
    limit: int,
    names: Mapping[str, tuple[str, Match]] | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """yente's results for one query: the hits whose schema the query's can match and whose score is
    at least `cutoff`, best first (score, then decision), at most `limit`; and how many of them are
    matches (score >= `threshold`) before the limit, yente's `total`. `names` gives, by entity id, the
    query name and the name match before the evidence (`Matcher.name`), for the `name_match` feature."""
    kept = [h for h in hits if h.score >= cutoff and example.schema.can_match(schema_of(h.entity, graph))]
    kept.sort(key=lambda h: (-h.score, -h.decision.severity, h.entity.id))
    total = sum(1 for h in kept if h.score >= threshold)
    results = []
    for hit in kept[:limit]:
        doc = entity_ftm(hit.entity, graph)
        features, explanations = explain(hit, (names or {}).get(hit.entity.id))
        doc.update(
            score=hit.score, match=hit.score >= threshold, features=features, explanations=explanations
        )
        doc["clearance"] = hit.to_dict()
        results.append(doc)
    return total, results


def explain(hit: Hit, name: tuple[str, Match] | None) -> tuple[dict[str, float], dict[str, Any]]:
    """The features of a hit (each what it contributed to the score, before the score is kept within
    its bounds) and their explanations (nomenklatura's `FeatureResult`: score, detail, query,
    candidate)."""
    features: dict[str, float] = {}
    explanations: dict[str, dict[str, Any]] = {}
    if hit.by is MatchedBy.IDENTIFIER:
        _feature(features, explanations, "identifier_match", 1.0, hit.explanation, None, hit.matched_name)
    else:
        key = "weak_alias_match" if hit.by is MatchedBy.WEAK_ALIAS else "name_match"
        query, match = name if name is not None else (None, None)
        score = match.score if match is not None else hit.score
        detail = match.explanation if match is not None else hit.explanation
        _feature(features, explanations, key, score, detail, query, hit.matched_name)
    for finding in hit.evidence:
        _finding(features, explanations, finding)
    return features, explanations


def _finding(features: dict[str, float], explanations: dict[str, dict[str, Any]], finding: Finding) -> None:
    key = _FINDING_FEATURES.get((finding.about, str(finding.outcome)), f"{finding.about}_{finding.outcome}")
    value = 1.0 if key == "identifier_match" else finding.change
    listed = "; ".join(finding.listed) or None
    _feature(features, explanations, key, value, finding.text, finding.given, listed)


def _feature(
    features: dict[str, float],
    explanations: dict[str, dict[str, Any]],
    key: str,
    value: float,
    detail: str,
    query: str | None,
    candidate: str | None,
) -> None:
    """Record a feature; a second one of the same key (two identifiers) keeps the larger value and
    joins the details."""
    if key in explanations:
        features[key] = max(features[key], value)
        explanations[key]["detail"] += f"; {detail}"
        explanations[key]["score"] = features[key]
        return
    features[key] = round(value, 4)
    explanations[key] = {"score": round(value, 4), "detail": detail, "query": query, "candidate": candidate}


def feature_docs() -> dict[str, dict[str, Any]]:
    """yente's `matcher`: each feature's description, coefficient and where it is documented."""
    return {k: {"description": d, "coefficient": c, "url": DOCS} for k, (c, d) in FEATURES.items()}
