from __future__ import annotations

import pytest

from clearance import DataError
from clearance.datasets.builtin import builtin, parse

MEASURE = """
measures:
  - id: m1
    title: T
    citation: C
    restricts: [all]
    events:
      - {type: signed, at: 2020-01-01}
"""


def test_builtin_data_is_complete_and_cited() -> None:
    d = builtin()
    need = {
        "us-eo-13942",
        "us-eo-13943",
        "us-eo-13971",
        "us-eo-14034",
        "us-eo-13959",
        "us-eo-13974",
        "us-eo-14032",
        "us-bis-entity-list",
    }
    assert need <= set(d.measures)
    for m in d.measures.values():
        assert m.citation and all(e.citation for e in m.events), m.id
    apps = {e.name for e in d.entities if e.kind == "app"}
    assert {
        "Alipay",
        "CamScanner",
        "QQ Wallet",
        "SHAREit",
        "Tencent QQ",
        "VMate",
        "WeChat Pay",
        "WPS Office",
    } <= apps
    for e in d.entities:
        assert all(c.citation for c in e.measures), e.id


@pytest.mark.parametrize(
    ("entities", "message"),
    [
        ("entities:\n  - {id: e1, kind: planet, name: X}", "unknown entity kind 'planet'"),
        (
            "entities:\n  - {id: e1, kind: app, name: X, measures: [{measure: nope}]}",
            "unknown measure 'nope'",
        ),
        (
            "entities:\n  - {id: e1, kind: app, name: X, relations: [{type: develops, target: e9}]}",
            "unknown entity",
        ),
        ("entities: [", "not valid YAML"),
    ],
)
def test_bad_data_fails_loudly_with_the_place(entities: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse(MEASURE, entities)


def test_a_bad_event_type_names_the_measure() -> None:
    with pytest.raises(DataError, match=r"m1.*unknown event type 'ratified'"):
        parse(MEASURE.replace("signed", "ratified"), "entities: []")
