"""How measures reach through relations (`screening.graph`): the built-in developers, controllers and
host apps derived from relations alone, subsidiaries added by a registry, dates, links, neighbourhoods."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from clearance import Engine
from clearance.datasets.builtin import builtin
from clearance.datasets.registry import REGISTRY_LIST
from clearance.domain.enums import Certainty, Kind, RelationType
from clearance.domain.model import Entity, Relation
from clearance.screening.graph import derive

MARCH_2021 = date(2021, 3, 1)


def derived() -> dict[str, dict[str, tuple[str, tuple[str, ...], Certainty]]]:
    data = builtin()
    return {
        e.id: {c.measure: (c.basis, c.via, c.certainty) for c in e.measures if c.basis != "named"}
        for e in derive(data.entities, data.measures)
    }


@pytest.mark.parametrize(
    ("entity", "basis", "via"),
    [
        ("org-ant-group", "develops", ("app-alipay",)),
        ("org-ucweb", "develops", ("app-vmate",)),
        ("org-alibaba-group", "controls", ("org-ucweb", "app-vmate")),  # through its subsidiary
        ("person-ma-yun", "controls", ("org-ant-group", "app-alipay")),
        ("org-tencent-holdings", "develops", ("app-tencent-qq",)),  # the app before its feature
        ("app-wechat", "hosts", ("app-wechat-pay",)),
        ("org-kingsoft-corp", "controls", ("org-kingsoft-office", "app-wps-office")),
    ],
)
def test_eo_13971_reaches_developers_controllers_and_host_apps(
    entity: str, basis: str, via: tuple[str, ...]
) -> None:
    assert derived()[entity]["us-eo-13971"][:2] == (basis, via)


def test_a_derived_coverage_is_as_certain_as_its_weakest_relation() -> None:
    assert derived()["org-kingsoft-corp"]["us-eo-13971"][2] == Certainty.UNCERTAIN
    assert derived()["org-ucweb"]["us-eo-13971"][2] == Certainty.SECONDARY


def test_a_minority_stake_is_no_control() -> None:
    # Alibaba holds about 33% of Ant Group: no coverage through Alipay (it has one through VMate)
    assert derived()["org-alibaba-group"]["us-eo-13971"][1][0] == "org-ucweb"


def test_eo_13943_reaches_tencents_subsidiaries_but_not_its_controllers() -> None:
    assert derived()["org-tenpay"]["us-eo-13943"][:2] == ("subsidiary_of", ("org-tencent-holdings",))


def registry_engine(*relations: Relation, name: str = "Harbour Lights Games Ltd") -> Engine:
    data = builtin()
    party = Entity("reg-harbour", Kind.ORGANIZATION, name, lists=(REGISTRY_LIST.id,))
    entities = [e for e in data.entities if e.id != "org-tencent-holdings"]
    tencent = next(e for e in data.entities if e.id == "org-tencent-holdings")
    tencent = replace(tencent, relations=(*tencent.relations, *relations))
    lists = {**data.lists, REGISTRY_LIST.id: REGISTRY_LIST}
    return Engine(replace(data, entities=(*entities, tencent, party), lists=lists))


def test_a_company_owned_by_tencent_shows_eo_13971_through_tencent() -> None:
    engine = registry_engine(Relation(RelationType.OWNS, "reg-harbour", "registry line 2", share=100))
    hit = engine.screen("Harbour Lights Games Ltd", as_of=MARCH_2021).hits[0]
    assert hit.decision == "review"  # EO 13971 was in force but never implemented
    measures = {f.state.measure.id: f for f in hit.findings}
    assert measures["us-eo-13971"].state.coverage.basis == "subsidiary_of"
    assert measures["us-eo-13943"].effect == "clear"  # enjoined
    assert [s["to"] for s in hit.path] == ["org-tencent-holdings", "app-tencent-qq", "us-eo-13971"]
    assert hit.path[0]["relation"] == "owned_by" and hit.path[0]["share"] == "100"
    july = engine.screen("Harbour Lights Games Ltd", as_of=date(2021, 7, 1))
    assert july.decision == "clear"  # EO 13971 revoked on 2021-06-09


@pytest.mark.parametrize(("share", "reached"), [(100, True), (51, True), (50, False), (None, False)])
def test_only_control_makes_a_subsidiary(share: float | None, reached: bool) -> None:
    engine = registry_engine(Relation(RelationType.OWNS, "reg-harbour", share=share))
    hits = engine.screen("Harbour Lights Games Ltd", as_of=MARCH_2021).hits
    assert any(f.state.measure.id == "us-eo-13971" for h in hits for f in h.findings) is reached


def test_a_registry_party_that_nothing_reaches_is_no_hit() -> None:
    engine = registry_engine(Relation(RelationType.OWNS, "reg-harbour", share=10))
    assert engine.screen("Harbour Lights Games Ltd", as_of=MARCH_2021).decision == "clear"


def test_a_relation_that_ended_before_the_date_is_context() -> None:
    ended = Relation(RelationType.OWNS, "reg-harbour", share=100, end=date(2021, 2, 1))
    hit = registry_engine(ended).screen("Harbour Lights Games Ltd", as_of=MARCH_2021).hits[0]
    assert hit.decision == "clear"
    eo = next(f for f in hit.findings if f.state.measure.id == "us-eo-13971")
    assert "ended on 2021-02-01" in eo.reason


def test_a_link_to_a_restricted_entity_asks_for_review() -> None:
    data = builtin()
    party = Entity(
        "reg-x", Kind.ORGANIZATION, "Quiet Harbour Foundry Ltd",
        relations=(Relation(RelationType.LINKED_TO, "org-smic", "registry"),), lists=(REGISTRY_LIST.id,),
    )  # fmt: skip
    engine = Engine(
        replace(data, entities=(*data.entities, party), lists={**data.lists, "registry": REGISTRY_LIST})
    )
    hit = engine.screen("Quiet Harbour Foundry Ltd", as_of="2022-03-01").hits[0]
    assert hit.decision == "review"
    assert hit.path[-1]["to"] == "org-smic" and "a link, not ownership" in hit.explanation


def test_the_neighbourhood_has_nodes_and_edges_both_ways(engine: Engine) -> None:
    graph = engine.neighbourhood("org-ucweb")
    ids = {n["id"] for n in graph["nodes"]}
    assert {"org-ucweb", "org-alibaba-group", "app-vmate", "org-ant-group"} <= ids
    assert {"from": "org-alibaba-group", "to": "org-ucweb"}.items() <= next(
        e for e in graph["edges"] if e["to"] == "org-ucweb"
    ).items()
