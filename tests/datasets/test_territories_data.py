"""The built-in territories and the embargo measures (territories.yaml, measures.yaml): complete, cited,
pointing at measures that exist, and checked strictly when they are edited."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from clearance import DataError
from clearance.datasets.builtin import builtin, parse
from clearance.domain.enums import State
from clearance.domain.timeline import state_on

EMBARGOES = {
    "us-ofac-cuba",
    "us-ofac-iran",
    "us-ofac-north-korea",
    "us-ofac-syria",
    "us-eo-13685",
    "us-eo-14065",
}
MEASURE = """
measures:
  - id: m1
    title: T
    citation: C
    restricts: [all]
    events:
      - {type: signed, at: 2020-01-01}
"""
TERRITORY = """
territories:
  - id: t1
    name: Somewhere
    country: UA
    subdivisions: [UA-43]
    citation: C
    measures: [m1]
    places:
      - {name: Yalta, citation: C}
"""


def test_every_territory_is_cited_and_covered_by_known_measures() -> None:
    d = builtin()
    ids = {t.id for t in d.territories}
    assert ids == {"cu", "ir", "kp", "sy", "ua-crimea", "ua-dnr", "ua-lnr"}
    for t in d.territories:
        assert t.citation and t.measures, t.id
        assert all(m in d.measures for m in t.measures), t.id
        assert all(p.citation for p in (*t.names, *t.places)), t.id
        assert t.whole_country != bool(t.subdivisions), t.id
    partial = {t.id for t in d.territories if t.partial}
    assert partial == {"ua-dnr", "ua-lnr"}


def test_the_embargo_measures_are_complete_and_cited() -> None:
    d = builtin()
    assert EMBARGOES | {"us-eo-14312"} <= set(d.measures)
    for mid in EMBARGOES:
        m = d.measures[mid]
        assert m.timezone == "America/New_York" and not m.needs_implementation, mid
        assert m.restricts_activity("payment") and m.restricts_activity("any"), mid
        assert m.scope and m.licences, mid
        assert all(e.citation for e in m.events) and all(lic.citation for lic in m.licences), mid


@pytest.mark.parametrize(
    ("mid", "day", "state"),
    [
        ("us-ofac-cuba", date(1963, 7, 8), State.IN_FORCE),
        ("us-ofac-cuba", date(1963, 7, 7), State.NOT_YET),
        ("us-ofac-iran", date(1995, 5, 6), State.SIGNED),
        ("us-ofac-iran", date(1995, 5, 7), State.IN_FORCE),
        ("us-ofac-north-korea", date(2016, 3, 16), State.IN_FORCE),
        ("us-ofac-syria", date(2025, 6, 30), State.IN_FORCE),
        ("us-ofac-syria", date(2025, 7, 1), State.REVOKED),
        ("us-eo-13685", date(2014, 12, 19), State.IN_FORCE),
        ("us-eo-14065", date(2022, 2, 20), State.NOT_YET),
        ("us-eo-14065", date(2022, 2, 21), State.IN_FORCE),
    ],
)
def test_the_timelines(mid: str, day: date, state: State) -> None:
    assert state_on(builtin().measures[mid], day).state is state


def test_territories_count_in_the_data_version() -> None:
    data = resources.files("clearance.datasets") / "data"
    measures, entities = ((data / f).read_text("utf-8") for f in ("measures.yaml", "entities.yaml"))
    without = parse(measures, entities)
    assert without.territories == ()
    assert builtin().versions["builtin"] != without.versions["builtin"]


def test_merging_lists_keeps_the_territories() -> None:
    d = builtin()
    assert d.merged([], {}, {"x": "1"}).territories == d.territories


def test_licences_are_parsed_and_checked() -> None:
    text = (
        MEASURE
        + "    licences:\n      - {id: gl-1, citation: 31 CFR 1.2, note: a  note, certainty: secondary}\n"
    )
    m = parse(text, "entities: []").measures["m1"]
    assert m.licences[0].id == "gl-1" and m.licences[0].note == "a note"
    with pytest.raises(DataError, match=r"m1\) licence 1: missing 'citation'"):
        parse(MEASURE + "    licences:\n      - {id: gl-1}\n", "entities: []")
    with pytest.raises(DataError, match=r"licence 1: unknown key 'url'"):
        parse(MEASURE + "    licences:\n      - {id: gl-1, citation: C, url: x}\n", "entities: []")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("measures: [m1]", "measures: [m9]"), r"territories.yaml item 1 \(t1\): unknown measure 'm9'"),
        (("country: UA", "country: XX"), r"item 1 \(t1\): unknown ISO 3166 country 'XX'"),
        (("[UA-43]", "[RU-CR]"), r"\(t1\): 'RU-CR' is not an ISO 3166-2 subdivision of UA"),
        (("[UA-43]", "[UA-99]"), r"'UA-99' is not an ISO 3166-2 subdivision of UA"),
        (("    subdivisions: [UA-43]\n", ""), r"\(t1\): a region needs its ISO 3166-2 'subdivisions'"),
        (("citation: C\n    measures", "measures"), r"\(t1\): missing 'citation'"),
        (("{name: Yalta, citation: C}", "{name: Yalta}"), r"\(t1\) place 1: missing 'citation'"),
        (
            ("{name: Yalta, citation: C}", "{name: Yalta, citation: C, txt: false}"),
            r"place 1: unknown key 'txt'",
        ),
        (
            ("citation: C\n    measures", "citation: C\n    partial: yes-ish\n    measures"),
            r"'partial' must be",
        ),
        (("    name: Somewhere\n", "    nmae: Somewhere\n"), r"item 1: unknown key 'nmae'"),
        (("territories:\n", "territories:\n  - [1, 2]\n"), r"item 1: expected a mapping"),
        (("  - id: t1", "  - id: t1\n    whole_country: true"), r"a whole country has no 'subdivisions'"),
        ((TERRITORY, TERRITORY + TERRITORY.split("territories:\n")[1]), r"territory id 't1' appears twice"),
        (("territories:", "territories: ["), "territories.yaml: not valid YAML"),
    ],
)
def test_a_malformed_territory_fails_loudly_with_the_place(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in TERRITORY
    with pytest.raises(DataError, match=message):
        parse(MEASURE, "entities: []", TERRITORY.replace(old, new, 1))


def test_a_well_formed_territory_loads() -> None:
    (t,) = parse(MEASURE, "entities: []", TERRITORY).territories
    assert t.id == "t1" and t.subdivisions == ("UA-43",) and t.places[0].name == "Yalta"
    assert t.places[0].text and not t.partial and not t.whole_country
