"""OFAC's 50 Percent Rule over `owns` relations (`screening.ownership`) and what it does to a hit
(`screening.links`): chains, aggregation, unknown shares, cycles, dates, OFAC FAQ 401's examples."""

from __future__ import annotations

from datetime import date

import pytest

from clearance import Engine
from clearance.datasets.builtin import builtin
from clearance.datasets.lists.ofac_programs import SDN_LIST
from clearance.datasets.registry import REGISTRY_LIST
from clearance.domain.enums import Kind, RelationType
from clearance.domain.model import Entity, Listing, Relation
from clearance.screening.ownership import Ownership

DAY = date(2024, 6, 1)


def org(eid: str, name: str, *owns: tuple[str, float | None], listed: bool = False, **dates: date) -> Entity:
    """An organisation owning `owns` (target, share) from `start` to `end`, on the SDN list from `since`."""
    relations = tuple(
        Relation(
            RelationType.OWNS,
            target,
            f"filing {eid}",
            share=share,
            start=dates.get("start"),
            end=dates.get("end"),
        )
        for target, share in owns
    )
    lists = (SDN_LIST.id,) if listed else ()
    listings = (Listing(SDN_LIST.id, listed=dates.get("since")),) if listed else ()
    return Entity(eid, Kind.ORGANIZATION, name, relations=relations, lists=lists, listings=listings)


def owned(*entities: Entity, day: date = DAY) -> dict[str, tuple[float, bool]]:
    found = Ownership(entities, {SDN_LIST.id: SDN_LIST}).on(day)
    return {eid: (o.total, o.blocked) for eid, o in found.items()}


def test_a_chain_of_majorities_blocks_all_the_way_down() -> None:
    # OFAC counts the blocked entity's whole share, not 60% of 60%: C is blocked (FAQ 401, example 1)
    result = owned(org("x", "X", ("a", 60), listed=True), org("a", "A", ("b", 60)), org("b", "B"))
    assert result == {"a": (60, True), "b": (60, True)}


def test_a_minority_owner_does_not_pass_its_holdings_on() -> None:
    result = owned(org("x", "X", ("a", 40), listed=True), org("a", "A", ("b", 100)), org("b", "B"))
    assert result == {"a": (40, False)}


def test_blocked_owners_add_up() -> None:
    result = owned(
        org("x", "X", ("c", 30), listed=True), org("y", "Y", ("c", 25), listed=True), org("c", "C")
    )
    assert result == {"c": (55, True)}


def test_faq_401_examples_two_and_three() -> None:
    # 2: X owns 50% of A and of B, which each own 25% of C; 3: X owns 50% of A and 10% of D, A owns 40% of D
    two = owned(
        org("x", "X", ("a", 50), ("b", 50), listed=True),
        org("a", "A", ("c", 25)),
        org("b", "B", ("c", 25)),
        org("c", "C"),
    )
    assert two["c"] == (50, True)
    three = owned(org("x", "X", ("a", 50), ("d", 10), listed=True), org("a", "A", ("d", 40)), org("d", "D"))
    assert three["d"] == (50, True)


def test_an_unknown_share_is_shown_and_not_counted() -> None:
    found = Ownership((org("x", "X", ("c", None), listed=True), org("c", "C")), {SDN_LIST.id: SDN_LIST}).on(
        DAY
    )
    assert found["c"].blocked is False
    assert [s.owner for s in found["c"].unknown] == ["x"]


def test_a_cycle_ends() -> None:
    result = owned(org("x", "X", ("a", 50), listed=True), org("a", "A", ("b", 60)), org("b", "B", ("a", 60)))
    assert result["a"] == (110, True)  # X's 50% and B's 60%, once B is blocked through A
    assert result["b"] == (60, True)


@pytest.mark.parametrize(
    ("dates", "blocked"),
    [
        ({"end": date(2024, 5, 31)}, False),  # sold the day before
        ({"end": date(2024, 6, 1)}, True),  # its last day
        ({"start": date(2024, 6, 2)}, False),  # bought the day after
        ({"since": date(2024, 7, 1)}, False),  # the owner listed later
        ({"since": date(2024, 6, 1), "start": date(2020, 1, 1)}, True),
    ],
)
def test_a_relation_or_listing_counts_only_on_its_days(dates: dict[str, date], blocked: bool) -> None:
    result = owned(org("x", "X", ("c", 60), listed=True, **dates), org("c", "C"))
    assert result.get("c", (0.0, False))[1] is blocked


def test_the_rule_counts_only_lists_whose_entries_block_what_they_own() -> None:
    from clearance.domain.model import ListInfo

    export_list = ListInfo("bis-entity-list", "Entity List")
    x = Entity(
        "x",
        Kind.ORGANIZATION,
        "X",
        relations=(Relation(RelationType.OWNS, "c", share=100),),
        lists=("bis-entity-list",),
    )
    assert Ownership((x, org("c", "C")), {"bis-entity-list": export_list}).on(DAY) == {}


def _engine(*entities: Entity) -> Engine:
    data = builtin()
    return Engine(
        data.merged(entities, {SDN_LIST.id: SDN_LIST, REGISTRY_LIST.id: REGISTRY_LIST}, {"test": "1"})
    )


def test_a_hit_owned_by_blocked_persons_is_blocked_with_every_owner_in_its_path() -> None:
    engine = _engine(
        org("ofac-1", "MARBLE HARBOUR HOLDINGS", ("reg-c", 30), listed=True),
        org("ofac-2", "NORTHERN LANTERN TRADING", ("reg-c", 25), listed=True),
        org("ofac-3", "SILVER ORCHID SHIPPING", ("reg-d", 20), listed=True),
        org("reg-c", "Caribe Nickel Trading SA"),
        org("reg-d", "Blue Lagoon Tours SL"),
    )
    hit = engine.screen("Caribe Nickel Trading SA", as_of=DAY).hits[0]
    assert hit.decision == "block"
    assert {(s["to"], s["share"]) for s in hit.path} == {("ofac-1", "30"), ("ofac-2", "25")}
    assert "owned 55% in the aggregate by blocked persons" in hit.explanation
    minority = engine.screen("Blue Lagoon Tours SL", as_of=DAY)
    assert minority.decision == "review"  # shown, not blocked
    assert "not blocked by OFAC's 50 Percent Rule" in minority.hits[0].explanation
    assert minority.hits[0].path[0]["to"] == "ofac-3"


def test_a_weak_name_match_on_a_blocked_company_asks_for_review_only() -> None:
    engine = _engine(
        org("ofac-1", "MARBLE HARBOUR HOLDINGS", ("reg-c", 60), listed=True),
        org("reg-c", "Caribe Nickel Trading SA"),
    )
    result = engine.screen("Carib Nickel Trading", as_of=DAY)  # 0.89: below strong
    assert result.decision == "review"


def test_a_listed_entity_owned_by_another_is_described_by_its_owners_share() -> None:
    # an SDN entry 60% owned by another: the rule's own finding says blocked, never "under 50%"
    result = owned(org("x", "X", ("y", 60), listed=True), org("y", "Y", listed=True))
    assert result == {"y": (60, True)}
    assert owned(org("x", "X", ("y", 20), listed=True), org("y", "Y", listed=True)) == {"y": (20, False)}


def related(
    eid: str, name: str, relation: RelationType, target: str, *, listed: bool = False, **dates: date
) -> Entity:
    """An organisation with one relation of `relation` to `target`."""
    made = Relation(relation, target, f"filing {eid}", start=dates.get("start"), end=dates.get("end"))
    lists = (SDN_LIST.id,) if listed else ("registry",)  # a registry's party: it restricts nothing itself
    return Entity(eid, Kind.ORGANIZATION, name, relations=(made,), lists=lists)


@pytest.mark.parametrize(
    ("holder", "relation", "target"),
    [
        ("ofac-1", RelationType.CONTROLS, "reg-c"),  # the blocked person controls it
        ("reg-c", RelationType.SUBSIDIARY_OF, "ofac-1"),  # a subsidiary of the blocked person
        ("ofac-1", RelationType.LINKED_TO, "reg-c"),  # linked, written on the listed side
        ("reg-c", RelationType.LINKED_TO, "ofac-1"),  # linked, written on the other side
    ],
    ids=["controlled", "subsidiary", "linked-from-listed", "linked-to-listed"],
)
def test_control_and_links_to_a_blocked_person_are_never_clear(
    holder: str, relation: RelationType, target: str
) -> None:
    """OFAC FAQ 398: the rule counts ownership only, but control asks for caution; a link has no side."""
    entities = {"ofac-1": ("MARBLE HARBOUR HOLDINGS", True), "reg-c": ("Caribe Nickel Trading SA", False)}
    made = [
        related(eid, name, relation, target if eid == holder else "", listed=listed)
        if eid == holder
        else Entity(eid, Kind.ORGANIZATION, name, lists=(SDN_LIST.id,) if listed else ("registry",))
        for eid, (name, listed) in entities.items()
    ]
    result = _engine(*made).screen("Caribe Nickel Trading SA", as_of=DAY)
    assert result.decision == "review", result.hits[0].explanation if result.hits else result
    hit = result.hits[0]
    assert hit.path and hit.path[0]["to"] == "ofac-1"
    if relation is not RelationType.LINKED_TO:
        assert "OFAC FAQ 398" in hit.explanation


def test_control_counts_only_on_its_days() -> None:
    engine = _engine(
        related(
            "ofac-1",
            "MARBLE HARBOUR HOLDINGS",
            RelationType.CONTROLS,
            "reg-c",
            listed=True,
            end=date(2020, 12, 31),
        ),
        Entity("reg-c", Kind.ORGANIZATION, "Caribe Nickel Trading SA", lists=("registry",)),
    )
    assert engine.screen("Caribe Nickel Trading SA", as_of=DAY).decision == "clear"
    assert engine.screen("Caribe Nickel Trading SA", as_of=date(2020, 6, 1)).decision == "review"
