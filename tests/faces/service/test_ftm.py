"""Our entities as followthemoney documents (`ftm`), yente queries read and hits scored (`ftm_match`),
on a small dataset of their own: every property emitted is checked against followthemoney's model."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from typing import Any

import pytest
from followthemoney import model, registry

from clearance import Engine
from clearance.datasets.builtin import Dataset
from clearance.domain.enums import Basis, EventType, Kind, NameType, QueryKind, RelationType, Restriction
from clearance.domain.model import (
    Coverage,
    Entity,
    Event,
    Identifier,
    ListInfo,
    Listing,
    Measure,
    Name,
    Relation,
)
from clearance.errors import InputError
from clearance.faces.service.ftm import Graph, entity_ftm, schema_of, topics
from clearance.faces.service.ftm_match import best_hits, explain, read_example, scored_results

AS_OF = datetime(2024, 6, 1, tzinfo=UTC)
SANCTIONS = ListInfo(
    "test-sdn", "Test Sanctions List", frozenset({Restriction.ALL}), "Test Treasury", "https://x.test/sdn"
)
EXPORTS = ListInfo("test-el", "Test Entity List", frozenset({Restriction.EXPORT}), "Test Commerce")
ORDER = Measure(
    id="test-order",
    short="TO 1",
    title="Test Order on Chat Apps",
    authority="Test President",
    citation="TO 1 sec. 1",
    url="https://x.test/order",
    timezone="America/New_York",
    restricts=frozenset({Restriction.ALL}),
    scope="All dealings with the named apps.",
    needs_implementation=False,
    events=(
        Event(EventType.SIGNED, datetime(2020, 1, 1, tzinfo=UTC), False),
        Event(EventType.EFFECTIVE, datetime(2020, 2, 1, tzinfo=UTC), False),
    ),
)
PERSON = Entity(
    id="p-sidorov",
    kind=Kind.PERSON,
    name="SIDOROV, Ivan Petrovich",
    names=(Name("SIDOROV, Vanya"), Name("VANO", NameType.WEAK)),
    identifiers=(Identifier("passport", "AB1234567"), Identifier("crypto", "0xabc")),
    lists=("test-sdn",),
    listings=(Listing("test-sdn", "501", ("TESTPROG",), listed=date(2019, 5, 1)),),
    details=(
        ("dob", "09 Feb 1961"),
        ("dob", "circa 1958"),
        ("pob", "Omsk, Russia"),
        ("nationality", "Russia"),
        ("gender", "Male"),
        ("passport", "AB1234567 (Russia)"),
        ("national_id", "770012345"),
        ("title", "Director of Shipping"),
    ),
)
COMPANY = Entity(
    id="o-acme",
    kind=Kind.ORGANIZATION,
    name="Acme Shipping Holdings Ltd",
    identifiers=(Identifier("isin", "US0000000001"), Identifier("lei", "5493001KJTIIGC8Y1R12")),
    countries=("cy",),
    relations=(Relation(RelationType.OWNS, "v-breeze"), Relation(RelationType.DEVELOPS, "a-chatnow")),
    lists=("test-sdn",),
)
SUBSIDIARY = Entity(
    id="o-acme-tankers",
    kind=Kind.ORGANIZATION,
    name="Acme Tankers Company",
    identifiers=(Identifier("company_number", "HE 12345"),),
    relations=(Relation(RelationType.SUBSIDIARY_OF, "o-acme"), Relation(RelationType.LINKED_TO, "gone-1")),
    lists=("test-el",),
)
VESSEL = Entity(
    id="v-breeze",
    kind=Kind.VESSEL,
    name="SEA BREEZE",
    identifiers=(Identifier("imo", "9187629"),),
    lists=("test-sdn",),
    details=(("vessel_flag", "Panama"), ("call_sign", "3EAB7"), ("tonnage", "2597")),
)
APP = Entity(
    id="a-chatnow",
    kind=Kind.APP,
    name="ChatNow",
    identifiers=(Identifier("android", "com.chatnow.app"),),
    measures=(Coverage("test-order", listed=date(2020, 1, 1)),),
    lists=("builtin",),
)
FEATURE = Entity(
    id="a-chatnow-pay",
    kind=Kind.APP,
    name="ChatNow Pay",
    relations=(Relation(RelationType.FEATURE_OF, "a-chatnow"),),
    measures=(Coverage("test-order", basis=Basis.HOSTS, via=("a-chatnow",)),),
    lists=("builtin",),
)
ENTITIES = (PERSON, COMPANY, SUBSIDIARY, VESSEL, APP, FEATURE)
LISTS = {"test-sdn": SANCTIONS, "test-el": EXPORTS}
GRAPH = Graph.of(ENTITIES, LISTS, {"test-order": ORDER})


def check_valid(doc: dict[str, Any]) -> int:
    """Every property of the document (and of those nested in it) is its schema's, every value one its
    type cleans to itself; returns how many documents were checked."""
    schema = model.get(doc["schema"])
    assert schema is not None, doc["schema"]
    checked = 1
    for name, values in doc["properties"].items():
        prop = schema.get(name)
        assert prop is not None, f"{schema.name} has no property {name}"
        assert not prop.stub or prop.type == registry.entity, name
        for value in values:
            if isinstance(value, dict):
                assert prop.type == registry.entity, f"{schema.name}.{name} holds a document"
                checked += check_valid(value)
            else:
                assert prop.type.clean(value) == value, f"{schema.name}.{name}: {value!r}"
    return checked


def test_importing_followthemoney_leaves_the_csv_limit_of_the_batch() -> None:
    """followthemoney raises the csv module's field limit on import; `ftm` puts the default back."""
    assert csv.field_size_limit() == 128 * 1024


@pytest.mark.parametrize("nested", [False, True])
def test_every_property_is_valid_in_followthemoney(nested: bool) -> None:
    for entity in ENTITIES:
        doc = entity_ftm(entity, GRAPH, nested=nested, as_of=AS_OF)
        assert check_valid(doc) >= 1
        assert set(doc) >= {"id", "caption", "schema", "properties", "datasets", "referents", "target"}
        assert doc["id"] == entity.id and doc["caption"] == entity.name


def test_schemata_of_the_kinds() -> None:
    assert [schema_of(e).name for e in ENTITIES] == [
        "Person",
        "Company",  # an ISIN and an LEI: a company
        "Company",  # a registration number
        "Vessel",
        "LegalEntity",  # an app
        "LegalEntity",
    ]
    plain = Entity(id="o-x", kind=Kind.ORGANIZATION, name="Some Front")
    assert schema_of(plain).name == "Organization"


def test_a_person_with_the_facts_a_list_gives() -> None:
    props = entity_ftm(PERSON, GRAPH)["properties"]
    assert props["name"] == ["SIDOROV, Ivan Petrovich"]
    assert props["alias"] == ["SIDOROV, Vanya"] and props["weakAlias"] == ["VANO"]
    assert props["birthDate"] == ["1961-02-09", "1958"]  # "circa 1958": its middle year
    assert props["birthPlace"] == ["Omsk, Russia"] and props["nationality"] == ["ru"]
    assert props["gender"] == ["male"] and props["position"] == ["Director of Shipping"]
    assert props["passportNumber"] == ["AB1234567"]  # the detail repeating it is not added again
    assert props["idNumber"] == ["770012345"]  # a national id only the details give
    assert "cryptoWallets" not in props  # an entity in FtM: only under "clearance"
    assert props["topics"] == ["sanction"] and props["programId"] == ["TESTPROG"]
    assert props["program"] == ["Test Sanctions List"] and props["sourceUrl"] == ["https://x.test/sdn"]


def test_identifiers_go_to_their_properties() -> None:
    company = entity_ftm(COMPANY, GRAPH)["properties"]
    assert company["isinCode"] == ["US0000000001"] and company["leiCode"] == ["5493001KJTIIGC8Y1R12"]
    assert company["country"] == ["cy"]
    assert entity_ftm(SUBSIDIARY, GRAPH)["properties"]["registrationNumber"] == ["HE 12345"]
    vessel = entity_ftm(VESSEL, GRAPH)["properties"]
    assert vessel["imoNumber"] == ["9187629"] and vessel["flag"] == ["pa"] and vessel["callSign"] == ["3EAB7"]
    assert entity_ftm(APP, GRAPH)["properties"]["idNumber"] == ["com.chatnow.app"]


def test_topics_and_target() -> None:
    assert topics(PERSON, LISTS) == ["sanction"]
    assert topics(SUBSIDIARY, LISTS) == ["export.control"]
    assert topics(APP, LISTS) == ["sanction"]  # named in a measure
    assert topics(FEATURE, LISTS) == ["sanction.linked"]  # reached through the app that hosts it
    unlisted = Entity(id="o-y", kind=Kind.ORGANIZATION, name="Context Only", lists=("builtin",))
    assert topics(unlisted, LISTS) == []
    assert entity_ftm(unlisted, GRAPH)["target"] is False and entity_ftm(APP, GRAPH)["target"] is True


def test_clearance_keeps_what_ftm_has_no_property_for() -> None:
    extras = entity_ftm(APP, GRAPH, as_of=AS_OF)["clearance"]
    assert extras["kind"] == "app" and extras["identifiers"][0]["scheme"] == "android"
    assert extras["measures"][0]["measure"] == "test-order" and extras["measures"][0]["state"] == "in_force"
    person = entity_ftm(PERSON, GRAPH)["clearance"]
    assert person["dates_of_birth"] == ["09 Feb 1961", "circa 1958"]
    listing = person["listings"][0]
    assert (listing["list_id"], listing["source_id"], listing["listed"]) == ("test-sdn", "501", "2019-05-01")
    assert listing["programs"] == ["TESTPROG"] and listing["restricts"] == ["all"]


def test_not_nested_has_no_related_entities() -> None:
    for entity in ENTITIES:
        props = entity_ftm(entity, GRAPH, nested=False)["properties"]
        assert not any(isinstance(v, dict) for values in props.values() for v in values)


def test_listings_and_measures_nest_as_sanctions() -> None:
    (listed,) = entity_ftm(PERSON, GRAPH, nested=True)["properties"]["sanctions"]
    assert listed["schema"] == "Sanction" and listed["datasets"] == ["test-sdn"]
    assert listed["properties"]["authorityId"] == ["501"] and listed["properties"]["listingDate"] == [
        "2019-05-01"
    ]
    assert listed["properties"]["authority"] == ["Test Treasury"] and "entity" not in listed["properties"]
    (order,) = entity_ftm(APP, GRAPH, nested=True, as_of=AS_OF)["properties"]["sanctions"]
    assert order["properties"]["programId"] == ["test-order"] and order["properties"]["status"] == [
        "in_force"
    ]
    (hosted,) = entity_ftm(FEATURE, GRAPH, nested=True, as_of=AS_OF)["properties"]["sanctions"]
    assert hosted["properties"]["reason"] == ["hosts a-chatnow"]


def test_ownership_nests_both_ways_without_the_back_reference() -> None:
    owner = entity_ftm(COMPANY, GRAPH, nested=True)["properties"]
    # Acme owns the vessel and (its subsidiary's relation) the tankers company: it is their owner
    assets = {link["properties"]["asset"][0]["id"] for link in owner["ownershipOwner"]}
    assert assets == {"v-breeze", "o-acme-tankers"}
    assert all("owner" not in link["properties"] for link in owner["ownershipOwner"])
    (develops,) = owner["unknownLinkTo"]
    assert develops["schema"] == "UnknownLink" and develops["properties"]["role"] == ["develops"]
    assert develops["properties"]["object"][0]["id"] == "a-chatnow"
    sub = entity_ftm(SUBSIDIARY, GRAPH, nested=True)["properties"]
    (parent,) = sub["ownershipAsset"]
    assert parent["properties"]["owner"][0]["id"] == "o-acme"
    assert parent["properties"]["role"] == ["subsidiary of"]
    assert sub["unknownLinkTo"][0]["properties"]["object"] == ["gone-1"]  # not loaded: its id
    app = entity_ftm(APP, GRAPH, nested=True)["properties"]
    assert {link["properties"]["subject"][0]["id"] for link in app["unknownLinkFrom"]} == {
        "o-acme",
        "a-chatnow-pay",
    }
    nested_doc = owner["ownershipOwner"][0]["properties"]["asset"][0]
    assert "clearance" not in nested_doc and not any(
        isinstance(v, dict) for vs in nested_doc["properties"].values() for v in vs
    )  # one level deep


def test_an_owned_thing_that_is_no_asset_is_an_unknown_link() -> None:
    owned_app = Entity(id="a-x", kind=Kind.APP, name="X App")
    owner = Entity(
        id="o-z", kind=Kind.ORGANIZATION, name="Zed", relations=(Relation(RelationType.OWNS, "a-x"),)
    )
    graph = Graph.of((owned_app, owner), LISTS, {})
    props = entity_ftm(owner, graph, nested=True)["properties"]
    assert "ownershipOwner" not in props and props["unknownLinkTo"][0]["properties"]["role"] == ["owns"]
    check_valid(entity_ftm(owner, graph, nested=True))


def test_an_organization_another_owns_is_a_company() -> None:
    owned = Entity(id="o-w", kind=Kind.ORGANIZATION, name="Wholly Owned")
    parent = Entity(
        id="o-p", kind=Kind.ORGANIZATION, name="Parent", relations=(Relation(RelationType.OWNS, "o-w"),)
    )
    graph = Graph.of((owned, parent), LISTS, {})
    assert schema_of(owned).name == "Organization" and schema_of(owned, graph).name == "Company"
    (link,) = entity_ftm(parent, graph, nested=True)["properties"]["ownershipOwner"]
    assert link["schema"] == "Ownership" and link["properties"]["asset"][0]["schema"] == "Company"


# --- yente queries and results (ftm_match) ---


def test_a_query_is_read_by_its_schema() -> None:
    person = read_example(
        {
            "schema": "Person",
            "properties": {
                "name": ["Ivan Sidorov"],
                "alias": "Vanya Sidorov",
                "birthDate": ["1961-02-09T00:00:00", "not a date"],
                "nationality": ["ru", "Atlantis"],
                "passportNumber": ["AB1234567"],
                "hairColour": ["red"],
            },
        }
    )
    assert person.kind is QueryKind.PERSON and person.names == ("Ivan Sidorov", "Vanya Sidorov")
    assert person.birth_dates == ("1961-02-09",) and person.countries == ("ru",)
    assert person.identifiers == ("AB1234567",)
    assert person.echo()["properties"] == {
        "name": ["Ivan Sidorov"],
        "alias": ["Vanya Sidorov"],
        "birthDate": ["1961-02-09"],
        "nationality": ["ru"],
        "passportNumber": ["AB1234567"],
    }
    company = read_example({"schema": "Company", "properties": {"name": ["Acme"], "isin": ["US0000000001"]}})
    assert company.kind is QueryKind.ORGANIZATION and company.identifiers == ("US0000000001",)
    for schema in ("LegalEntity", "Vessel"):
        assert read_example({"schema": schema, "properties": {"name": ["X"]}}).kind is QueryKind.PARTY
    parts = read_example({"schema": "Person", "properties": {"firstName": ["Ivan"], "lastName": ["Sidorov"]}})
    assert parts.names == ("Ivan Sidorov",)
    by_id = read_example({"schema": "Vessel", "properties": {"imoNumber": ["9187629"]}})
    assert [s["query"] for s in by_id.screens()] == ["9187629"]


def test_each_name_and_date_is_screened() -> None:
    example = read_example(
        {"schema": "Person", "properties": {"name": ["A B", "C D"], "birthDate": ["1960", "1961"]}}
    )
    assert [(s["query"], s["birth_date"]) for s in example.screens()] == [
        ("A B", "1960"),
        ("A B", "1961"),
        ("C D", "1960"),
        ("C D", "1961"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"schema": "Spaceship", "properties": {"name": ["X"]}},
        {"schema": "Thing", "properties": {"name": ["X"]}},
        {"schema": "Ownership", "properties": {"name": ["X"]}},
        {"schema": "Person", "properties": {"birthDate": ["1960"]}},
        {"schema": "Person", "properties": {"name": ["X"], "idNumber": [f"ID{n}" for n in range(21)]}},
    ],
)
def test_a_query_that_cannot_be_read(data: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        read_example(data)


@pytest.fixture(scope="module")
def small_engine() -> Engine:
    dataset = Dataset(measures={"test-order": ORDER}, entities=ENTITIES, lists=LISTS, versions={"test": "1"})
    return Engine(dataset)


def match(engine: Engine, data: dict[str, Any], **kw: Any) -> tuple[int, list[dict[str, Any]]]:
    example = read_example(data)
    hits = best_hits(engine.screen(as_of="2024-06-01", **s).hits for s in example.screens())
    names = {m.entity.id: (n, m) for n in example.names for m in engine.matcher.name(n, kind=example.kind)}
    return scored_results(
        hits, GRAPH, example, **{"threshold": 0.7, "cutoff": 0.7, "limit": 5, **kw}, names=names
    )


def test_results_with_features_and_explanations(small_engine: Engine) -> None:
    query = {
        "schema": "Person",
        "properties": {"name": ["Ivan Petrovich Sidorov"], "birthDate": ["1961-02-09"]},
    }
    total, (result,) = match(
        small_engine, {**query, "properties": {**query["properties"], "nationality": ["ua"]}}
    )
    assert total == 1 and result["id"] == "p-sidorov" and result["match"] is True
    assert check_valid(result)
    features = result["features"]
    assert features["name_match"] == 1.0 and features["dob_match"] == 0.05
    assert features["country_mismatch"] == -0.03
    assert "agrees with listed 09 Feb 1961" in result["explanations"]["dob_match"]["detail"]
    assert result["explanations"]["name_match"]["query"] == "Ivan Petrovich Sidorov"
    assert result["clearance"]["decision"] == "block" and result["clearance"]["entity_id"] == "p-sidorov"
    _, (older,) = match(small_engine, {**query, "properties": {**query["properties"], "birthDate": ["1940"]}})
    assert older["features"]["dob_disjoint"] == -0.1 and older["score"] < result["score"]
    assert older["clearance"]["decision"] == "review"


def test_an_identifier_decides(small_engine: Engine) -> None:
    _, (result,) = match(
        small_engine, {"schema": "Vessel", "properties": {"name": ["Breezy"], "imoNumber": ["9187629"]}}
    )
    assert result["id"] == "v-breeze" and result["score"] == 1.0
    assert result["features"]["identifier_match"] == 1.0


def test_threshold_cutoff_limit_and_schema(small_engine: Engine) -> None:
    company = {"schema": "Company", "properties": {"name": ["Acme Shipping Holdings"]}}
    total, results = match(small_engine, company, threshold=1.01, cutoff=0.0)
    assert total == 0 and results and all(r["match"] is False for r in results)
    assert match(small_engine, company, cutoff=1.01)[1] == []
    assert len(match(small_engine, company, limit=0)[1]) == 0
    # a Person query never returns an organization, nor a Vessel query a person
    assert (
        match(small_engine, {"schema": "Vessel", "properties": {"name": ["Ivan Petrovich Sidorov"]}})[1] == []
    )


def test_explain_without_the_name_match_uses_the_hit(small_engine: Engine) -> None:
    (hit,) = small_engine.screen("ChatNow", as_of="2024-06-01").hits[:1]
    features, explanations = explain(hit, None)
    assert features == {"name_match": hit.score} and explanations["name_match"]["candidate"] == "ChatNow"
