"""Our entities as FollowTheMoney (FtM) entity documents, the shape yente's `/entities` and `/match`
answer in (yente's `data/common.py`, `EntityResponse`; the schemata are followthemoney's `schema/*.yaml`):

    {"id", "caption", "schema", "properties": {prop: [values]}, "datasets", "referents": [],
     "target": true, "first_seen": null, "last_seen": null, "last_change": null, "clearance": {...}}

Every key under "properties" is a property of the document's schema in followthemoney's model, and every
value is one that property's type cleans (`_put` checks both; a value that does not clean is left out
of "properties" and stays in "clearance"). What FtM has no property for (measures and their state, the
list entries, identifier schemes, the dates as the list writes them) is under "clearance", the
entity's document as every face shows it (`screening.documents.entity_document`).

Schemata: person -> Person; organization -> Company when it holds a company's identifier (ISIN,
ticker, LEI, registration number, USCC, BIC) or another owns it, else Organization; vessel -> Vessel;
aircraft -> Airplane; security -> Security; app -> LegalEntity (FtM has no schema for software: an app
is screened by its name like a legal person's, and a client's Company or Organization query can match it).

With `nested=True`, as yente's `GET /entities/{id}?nested=true` (yente `search/nested.py`), related
entities sit in the properties as documents: each listing and each measure is a `Sanction` under
`sanctions`; an ownership is an `Ownership` under `ownershipOwner` (the entity owns) or `ownershipAsset`
(it is owned: a subsidiary), with the other side nested in `asset` / `owner`; any other relation
(develops, controls, linked to, feature of) is an `UnknownLink` with its `role`, under `unknownLinkTo`
(the entity is its subject) or `unknownLinkFrom` (its object). As in yente, a nested link leaves out the
side that points back to the entity it is nested in, and goes one level deep.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from followthemoney import model, registry
from followthemoney.schema import Schema

from clearance.domain.births import listed_span
from clearance.domain.enums import Basis, Kind, NameType, RelationType, Restriction
from clearance.domain.model import Coverage, Entity, ListInfo, Listing, Measure, Relation
from clearance.domain.timeline import entity_state
from clearance.screening.documents import coverage_document, entity_document

# Importing followthemoney raises the csv module's field limit for the whole process to 30 MB (for its
# statement files: followthemoney/statement/serialize.py). The batch reads CSV with the module's default,
# 128 KiB (`faces.batch.rows.FIELD_LIMIT`): put it back.
csv.field_size_limit(128 * 1024)

Properties = dict[str, list[Any]]

SCHEMA_OF_KIND = {Kind.PERSON: "Person", Kind.ORGANIZATION: "Organization", Kind.APP: "LegalEntity"}
SCHEMA_OF_KIND |= {Kind.SECURITY: "Security", Kind.VESSEL: "Vessel", Kind.AIRCRAFT: "Airplane"}
COMPANY_SCHEMES = frozenset({"isin", "ticker", "lei", "company_number", "uscc", "bic", "bik"})
# identifier scheme -> the FtM properties it may go to, the first the schema has; else idNumber
ID_PROPERTIES: dict[str, tuple[str, ...]] = {
    **{"passport": ("passportNumber",), "tax_id": ("taxNumber",), "lei": ("leiCode",), "bic": ("swiftBic",)},
    **{"company_number": ("registrationNumber",), "isin": ("isinCode", "isin"), "ticker": ("ticker",)},
    **{"uscc": ("uscCode",), "bik": ("bikCode",), "imo": ("imoNumber",), "mmsi": ("mmsi",)},
    **{"aircraft_msn": ("serialNumber",)},
}
NOT_AN_ID_NUMBER = frozenset({"crypto", "un_reference"})  # wallets are entities in FtM; UN refs: Sanction
# list details (`Entity.details`) -> FtM property; dates are read by `_dates`
DETAIL_PROPERTIES = {k: k for k in ("nationality", "citizenship", "gender", "position", "address", "website")}
DETAIL_PROPERTIES |= {"email": "email", "phone": "phone", "pob": "birthPlace", "title": "position"}
DETAIL_PROPERTIES |= {"remarks": "notes", "vessel_flag": "flag", "former_vessel_flag": "pastFlags"}
DETAIL_PROPERTIES |= {"call_sign": "callSign", "vessel_type": "type", "tonnage": "tonnage"}
DETAIL_PROPERTIES |= {"grt": "grossRegisteredTonnage", "aircraft_model": "model"}
DATE_DETAILS = {
    "dob": "birthDate",
    "established": "incorporationDate",
    "aircraft_manufacture_date": "buildDate",
}
ID_DETAILS = ("passport", "national_id", "tax_id", "company_number")
OWNERSHIP = (RelationType.OWNS, RelationType.SUBSIDIARY_OF)
ROLES = {  # a relation in words: an UnknownLink's or Ownership's `role`, and the link's caption
    RelationType.OWNS: "owns",
    RelationType.SUBSIDIARY_OF: "subsidiary of",
    RelationType.DEVELOPS: "develops",
    RelationType.CONTROLS: "controls",
    RelationType.LINKED_TO: "linked to",
    RelationType.FEATURE_OF: "feature of",
}


@dataclass(frozen=True)
class Graph:
    """What a document is made from: the entities by id, the lists and measures, and for each entity the
    relations other entities have to it (`incoming`: target id -> (source id, relation)), and the ids of
    the entities another owns (`owned`)."""

    entities: Mapping[str, Entity]
    lists: Mapping[str, ListInfo]
    measures: Mapping[str, Measure]
    incoming: Mapping[str, tuple[tuple[str, Relation], ...]]
    owned: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, entities: Iterable[Entity], lists: Mapping[str, ListInfo], measures: Mapping[str, Measure]
    ) -> Graph:
        by_id = {e.id: e for e in entities}
        incoming: dict[str, list[tuple[str, Relation]]] = {}
        for entity in by_id.values():
            for rel in entity.relations:
                incoming.setdefault(rel.target, []).append((entity.id, rel))
        owned = {r.target for e in by_id.values() for r in e.relations if r.type is RelationType.OWNS}
        owned |= {e.id for e in by_id.values() for r in e.relations if r.type is RelationType.SUBSIDIARY_OF}
        return cls(by_id, lists, measures, {k: tuple(v) for k, v in incoming.items()}, frozenset(owned))


def schema_of(entity: Entity, graph: Graph | None = None) -> Schema:
    """The FtM schema an entity is shown as (see the module's docstring; an organization the `graph`
    says another owns is a Company)."""
    name = SCHEMA_OF_KIND.get(entity.kind, "LegalEntity")
    if entity.kind is Kind.ORGANIZATION and (
        any(i.scheme in COMPANY_SCHEMES for i in entity.identifiers) or (graph and entity.id in graph.owned)
    ):
        name = "Company"
    schema = model.get(name)
    assert schema is not None  # the names above are FtM's
    return schema


def topics(entity: Entity, lists: Mapping[str, ListInfo]) -> list[str]:
    """FtM topics: `sanction` for an entity a measure names or a list restricting more than exports
    holds, `sanction.linked` for one a measure reaches through another (it develops, is controlled
    by ...), `export.control` for one on an export-control list (Entity List, Denied Persons)."""
    found: list[str] = []
    for cov in entity.measures:
        found.append("sanction" if cov.basis in (Basis.NAMED, Basis.LISTED) else "sanction.linked")
    for lid in entity.lists:
        info = lists.get(lid)
        if lid == "builtin":  # the built-in list: its entities' measures say
            continue
        export_only = info is not None and info.restricts == frozenset({Restriction.EXPORT})
        found.append("export.control" if export_only else "sanction")
    return sorted(set(found))


def entity_properties(entity: Entity, schema: Schema, lists: Mapping[str, ListInfo]) -> Properties:
    """The entity's facts as properties of `schema`, each checked against followthemoney's model."""
    props: Properties = {}
    _put(props, schema, "name", entity.name)
    for n in entity.names:
        _put(props, schema, "weakAlias" if n.type is NameType.WEAK else "alias", n.value)
    for code in entity.countries:
        _put(props, schema, "country", code)
    for ident in entity.identifiers:
        _identifier(props, schema, ident.scheme, ident.value)
    ids = [i.value for i in entity.identifiers]
    for key, value in entity.details:
        if key in DATE_DETAILS:
            for day in _dates(value):
                _put(props, schema, DATE_DETAILS[key], day)
        elif key in DETAIL_PROPERTIES:
            _put(props, schema, DETAIL_PROPERTIES[key], value)
        elif key in ID_DETAILS and not any(i in value for i in ids):  # "92/664 (Egypt)": given above
            _identifier(props, schema, key, value.split(" (")[0])
    if entity.notes:
        _put(props, schema, "notes", entity.notes)
    for name in topics(entity, lists):
        _put(props, schema, "topics", name)
    for listing in _listings(entity):
        info = lists.get(listing.list_id)
        _put(props, schema, "program", info.title if info else listing.list_id)
        for program in listing.programs:
            _put(props, schema, "programId", program)
        if info is not None and info.url:
            _put(props, schema, "sourceUrl", info.url)
    for cov in entity.measures:
        _put(props, schema, "programId", cov.measure)
    return props


def entity_ftm(
    entity: Entity, graph: Graph, *, nested: bool = False, as_of: datetime | None = None
) -> dict[str, Any]:
    """The entity's FtM document (see the module's docstring); with `nested`, its listings, measures
    and relations as nested documents. `as_of` (default: now) is when the measures' states are taken."""
    moment = as_of or datetime.now(UTC)
    schema = schema_of(entity, graph)
    props = entity_properties(entity, schema, graph.lists)
    if nested:
        for name, docs in _adjacent(entity, schema, graph, moment).items():
            props.setdefault(name, []).extend(docs)
    extras = entity_document(entity)
    extras["kind"] = str(entity.kind)
    extras["measures"] = [_measure(cov, graph, moment) for cov in entity.measures]
    extras["listings"] = [_listing(listing, graph.lists) for listing in _listings(entity)]
    doc = _document(entity.id, entity.name, schema.name, props, list(entity.lists), is_target(entity))
    doc["clearance"] = extras
    return doc


def is_target(entity: Entity) -> bool:
    """yente's `target`: the entity itself is listed or named by a measure (not only related to one)."""
    return bool(entity.measures or _listings(entity))


def _document(
    id_: str, caption: str, schema: str, props: Properties, datasets: list[str], target: bool
) -> dict[str, Any]:
    return {
        "id": id_,
        "caption": caption,
        "schema": schema,
        "properties": props,
        "datasets": datasets,
        "referents": [],
        "target": target,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
    }


def _put(props: Properties, schema: Schema, name: str, value: str) -> bool:
    """Add `value` to property `name` when the schema has it and its type cleans the value."""
    prop = schema.get(name)
    if prop is None or prop.stub or prop.type == registry.entity:
        return False
    cleaned = prop.type.clean(value)
    if cleaned is None:
        return False
    values = props.setdefault(name, [])
    if cleaned not in values:
        values.append(cleaned)
    return True


def _props(schema: Schema, pairs: Iterable[tuple[str, str | None]]) -> Properties:
    """The properties of `schema` from (property, value) pairs, those without a value left out."""
    props: Properties = {}
    for name, value in pairs:
        if value:
            _put(props, schema, name, value)
    return props


def _identifier(props: Properties, schema: Schema, scheme: str, value: str) -> None:
    if scheme in NOT_AN_ID_NUMBER:
        return
    for name in ID_PROPERTIES.get(scheme, ()):
        if _put(props, schema, name, value):
            return
    _put(props, schema, "idNumber", value)


def _dates(text: str) -> list[str]:
    """A listed date as FtM dates (ISO prefixes): a day, a month or a year; a range of whole years as
    its years (five at most); an approximate year ("circa 1960") as its middle year."""
    span = listed_span(text)
    if span is None:
        return []
    first, last = span.first, span.last
    if first == last:
        return [first.isoformat()]
    whole_years = (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
    if span.approximate and whole_years:
        return [str((first.year + last.year) // 2)]
    if whole_years and last.year - first.year < 5:
        return [str(y) for y in range(first.year, last.year + 1)]
    if first.year == last.year and first.month == last.month and first.day == 1:
        return [first.isoformat()[:7]]
    return []


def _listings(entity: Entity) -> tuple[Listing, ...]:
    return entity.listings or tuple(Listing(lid) for lid in entity.lists if lid != "builtin")


def _listing(listing: Listing, lists: Mapping[str, ListInfo]) -> dict[str, Any]:
    info = lists.get(listing.list_id)
    return {
        "list_id": listing.list_id,
        "title": info.title if info else listing.list_id,
        "source_id": listing.source_id,
        "programs": list(listing.programs),
        "listed": listing.listed.isoformat() if listing.listed else None,
        "expires": listing.expires.isoformat() if listing.expires else None,
        "restricts": sorted(info.restricts) if info else [str(Restriction.ALL)],
        "citation": listing.citation,
    }


def _measure(cov: Coverage, graph: Graph, moment: datetime) -> dict[str, Any]:
    measure = graph.measures.get(cov.measure)
    state = entity_state(measure, cov, moment) if measure is not None else None
    return {
        **coverage_document(cov),
        "title": measure.title if measure else cov.measure,
        "state": state.state if state else None,
        "since": state.since.isoformat() if state and state.since else None,
    }


def _adjacent(entity: Entity, schema: Schema, graph: Graph, moment: datetime) -> dict[str, list[Any]]:
    """The nested documents by the property of `schema` they sit under (see the module's docstring)."""
    out: dict[str, list[Any]] = {}
    for listing in _listings(entity):
        out.setdefault("sanctions", []).append(_listing_sanction(entity, listing, graph.lists))
    for cov in entity.measures:
        out.setdefault("sanctions", []).append(_measure_sanction(entity, cov, graph, moment))
    links = [(entity.id, rel, True) for rel in entity.relations]
    links += [(source, rel, False) for source, rel in graph.incoming.get(entity.id, ())]
    for source, rel, outgoing in links:
        other_id = rel.target if outgoing else source
        other = graph.entities.get(other_id)
        other_doc: Any = _plain(other, graph) if other is not None else other_id
        # (link schema, the property of the link holding the other side, the entity's reverse property)
        owner = (rel.type is RelationType.OWNS) == outgoing  # the entity owns, or is owned
        asset = other if owner else entity
        if rel.type in OWNERSHIP and (asset is None or schema_of(asset, graph).is_a("Asset")):
            where, other_side = ("ownershipOwner", "asset") if owner else ("ownershipAsset", "owner")
            link_schema = "Ownership"
        else:
            where, other_side = ("unknownLinkTo", "object") if outgoing else ("unknownLinkFrom", "subject")
            link_schema = "UnknownLink"
        link = model.get(link_schema)
        if link is None or schema.get(where) is None:
            continue
        props = {
            other_side: [other_doc],
            **_props(link, [("role", _role(rel)), ("summary", rel.citation)]),
        }
        names = (entity.name, other.name if other else other_id)
        caption = f"{names[0 if outgoing else 1]} {_role(rel)} {names[1 if outgoing else 0]}"
        link_id = f"{source}-{rel.type}-{rel.target}"
        out.setdefault(where, []).append(_document(link_id, caption, link_schema, props, [], False))
    return out


def _role(rel: Relation) -> str:
    return ROLES.get(rel.type, str(rel.type).replace("_", " "))


def _plain(entity: Entity, graph: Graph) -> dict[str, Any]:
    """A related entity's document, not nested further (its "clearance" part left out)."""
    schema = schema_of(entity, graph)
    props = entity_properties(entity, schema, graph.lists)
    return _document(entity.id, entity.name, schema.name, props, list(entity.lists), is_target(entity))


def _sanction(sid: str, pairs: Iterable[tuple[str, str | None]], datasets: list[str]) -> dict[str, Any]:
    props = _props(model["Sanction"], pairs)
    return _document(sid, str(props.get("program", [sid])[0]), "Sanction", props, datasets, False)


def _listing_sanction(entity: Entity, listing: Listing, lists: Mapping[str, ListInfo]) -> dict[str, Any]:
    info = lists.get(listing.list_id)
    un = [
        i.value for i in entity.identifiers if i.scheme == "un_reference" and listing.list_id.startswith("un")
    ]
    pairs = [
        ("program", info.title if info else listing.list_id),
        *(("programId", program) for program in listing.programs),
        ("authority", info.authority if info else None),
        ("sourceUrl", info.url if info else None),
        ("provisions", "restricts " + ", ".join(sorted(info.restricts)) if info else None),
        ("authorityId", listing.source_id),
        *(("unscId", ref) for ref in un),
        ("listingDate", listing.listed.isoformat() if listing.listed else None),
        ("endDate", listing.expires.isoformat() if listing.expires else None),
    ]
    sid = f"{entity.id}-sanction-{listing.list_id}-{listing.source_id or ''}".rstrip("-")
    return _sanction(sid, pairs, [listing.list_id])


def _measure_sanction(entity: Entity, cov: Coverage, graph: Graph, moment: datetime) -> dict[str, Any]:
    measure = graph.measures.get(cov.measure)
    linked = cov.basis not in (Basis.NAMED, Basis.LISTED)
    pairs = [
        ("program", measure.title if measure else cov.measure),
        ("programId", cov.measure),
        ("authority", measure.authority if measure else None),
        ("provisions", measure.scope if measure else None),
        ("sourceUrl", measure.url if measure else None),
        ("status", str(entity_state(measure, cov, moment).state) if measure else None),
        ("reason", f"{cov.basis} {', '.join(cov.via)}".strip() if linked else None),
        ("summary", cov.citation),
        ("listingDate", cov.listed.isoformat() if cov.listed else None),
        ("startDate", cov.effective.date().isoformat() if cov.effective else None),
    ]
    return _sanction(f"{entity.id}-measure-{cov.measure}", pairs, [])
