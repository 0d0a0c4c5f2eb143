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


@pytest.mark.parametrize("order", [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)])
def test_shares_that_add_up_to_50_block_in_any_order(order: tuple[int, int, int]) -> None:
    """10.2 + 21.9 + 17.9 is 49.99999999999999 as floats in some orders: the rule adds the decimals."""
    shares = (10.2, 21.9, 17.9)
    # the rule adds the stakes in the order of the owners' ids: each order of the shares in turn
    owners = [org(f"ofac-{n}", f"OWNER {n}", ("reg-c", shares[k]), listed=True) for n, k in enumerate(order)]
    assert owned(*owners, org("reg-c", "C")) == {"reg-c": (50, True)}
    engine = _engine(*owners, org("reg-c", "Caribe Nickel Trading SA"))
    hit = engine.screen("Caribe Nickel Trading SA", as_of=DAY).hits[0]
    assert hit.decision == "block", hit.explanation
    assert "owned 50% in the aggregate" in hit.explanation and "under 50%" not in hit.explanation


def test_a_total_just_under_50_never_reads_as_50() -> None:
    engine = _engine(
        org("ofac-1", "MARBLE HARBOUR HOLDINGS", ("reg-c", 49.99999), listed=True),
        org("reg-c", "Caribe Nickel Trading SA"),
    )
    hit = engine.screen("Caribe Nickel Trading SA", as_of=DAY).hits[0]
    assert hit.decision == "review"
    assert "owned 49.99999% by blocked persons" in hit.explanation


def chain(*links: tuple[str, RelationType, str, float | None], **dates: date) -> list[Entity]:
    """Entities holding `links` (holder, relation, target, share): ofac-* on the SDN list, the rest
    registry parties."""
    held: dict[str, list[Relation]] = {}
    for holder, relation, target, share in links:
        held.setdefault(holder, []).append(
            Relation(relation, target, f"filing {holder}", share=share, **dates)
        )
        held.setdefault(target, [])
    return [
        Entity(
            eid,
            Kind.ORGANIZATION,
            {"ofac-1": "MARBLE HARBOUR HOLDINGS", "reg-mid": "Mid Anchor Holdings"}.get(eid, f"{eid} Ltd"),
            relations=tuple(relations),
            lists=(SDN_LIST.id,) if eid.startswith("ofac-") else ("registry",),
        )
        for eid, relations in held.items()
    ]


CONTROLS, OWNS, SUBSIDIARY = RelationType.CONTROLS, RelationType.OWNS, RelationType.SUBSIDIARY_OF


@pytest.mark.parametrize(
    ("links", "relations"),
    [
        (  # the blocked person controls Mid, which owns the whole of Leaf
            [("ofac-1", CONTROLS, "reg-mid", None), ("reg-mid", OWNS, "reg-leaf", 100)],
            ["owned_by", "controlled_by"],
        ),
        (  # Mid a subsidiary of the blocked person, Leaf controlled by Mid
            [("reg-mid", SUBSIDIARY, "ofac-1", None), ("reg-mid", CONTROLS, "reg-leaf", None)],
            ["controlled_by", "subsidiary_of"],
        ),
        (  # three steps: Leaf a subsidiary of Low, 60% owned by Mid, which the blocked person controls
            [
                ("ofac-1", CONTROLS, "reg-mid", None),
                ("reg-mid", OWNS, "reg-low", 60),
                ("reg-leaf", SUBSIDIARY, "reg-low", None),
            ],
            ["subsidiary_of", "owned_by", "controlled_by"],
        ),
    ],
    ids=["controls-then-owns", "subsidiary-then-controls", "three-steps"],
)
def test_control_reaches_up_a_chain(
    links: list[tuple[str, RelationType, str, float | None]], relations: list[str]
) -> None:
    """OFAC FAQ 398: what a blocked person controls through a company it controls asks for review."""
    engine = _engine(*chain(*links))
    mid = engine.screen("Mid Anchor Holdings", as_of=DAY)
    assert mid.decision == "review"
    leaf = engine.screen("reg-leaf Ltd", as_of=DAY)
    assert leaf.decision == "review", leaf
    hit = leaf.hits[0]
    assert [s["relation"] for s in hit.path] == relations
    assert hit.path[0]["from"] == "reg-leaf" and hit.path[-1]["to"] == "ofac-1"
    assert all(a["to"] == b["from"] for a, b in zip(hit.path, hit.path[1:], strict=False))
    assert "OFAC FAQ 398" in hit.explanation and "MARBLE HARBOUR HOLDINGS (listed on" in hit.explanation
    if "owned_by" in relations:
        assert any(s.get("share") for s in hit.path if s["relation"] == "owned_by")


def test_a_control_chain_ends_at_minority_stakes_dates_cycles_and_its_depth() -> None:
    # a 50% stake is no control: Leaf is clear
    minority = _engine(*chain(("ofac-1", CONTROLS, "reg-mid", None), ("reg-mid", OWNS, "reg-leaf", 50)))
    assert minority.screen("reg-leaf Ltd", as_of=DAY).decision == "clear"
    # control that ended before the day
    ended = _engine(
        *chain(
            ("ofac-1", CONTROLS, "reg-mid", None), ("reg-mid", OWNS, "reg-leaf", 100), end=date(2020, 1, 1)
        )
    )
    assert ended.screen("reg-leaf Ltd", as_of=DAY).decision == "clear"
    assert ended.screen("reg-leaf Ltd", as_of=date(2019, 6, 1)).decision == "review"
    # a cycle with no blocked person in it ends, clear
    cycle = _engine(*chain(("reg-a", CONTROLS, "reg-b", None), ("reg-b", CONTROLS, "reg-a", None)))
    assert cycle.screen("reg-a Ltd", as_of=DAY).decision == "clear"
    # six relations up is reached, seven is not
    links = [("ofac-1", CONTROLS, "reg-0", None)] + [
        (f"reg-{k}", CONTROLS, f"reg-{k + 1}", None) for k in range(6)
    ]
    deep = _engine(*chain(*links))
    assert deep.screen("reg-5 Ltd", as_of=DAY).decision == "review"
    assert deep.screen("reg-6 Ltd", as_of=DAY).decision == "clear"


def test_a_chain_of_majority_stakes_alone_is_the_rules_and_blocks() -> None:
    engine = _engine(*chain(("ofac-1", OWNS, "reg-mid", 60), ("reg-mid", OWNS, "reg-leaf", 100)))
    hit = engine.screen("reg-leaf Ltd", as_of=DAY).hits[0]
    assert hit.decision == "block" and "OFAC FAQ 398" not in hit.explanation
