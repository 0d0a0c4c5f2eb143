from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clearance import Engine
from clearance.domain.model import Coverage
from clearance.domain.timeline import entity_state, state_on

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("measure", "day", "state"),
    [
        ("us-eo-13971", date(2021, 1, 4), "not_yet"),
        ("us-eo-13971", date(2021, 1, 5), "signed"),
        ("us-eo-13971", date(2021, 2, 18), "signed"),
        ("us-eo-13971", date(2021, 2, 19), "in_force"),
        ("us-eo-13971", date(2021, 6, 8), "in_force"),
        ("us-eo-13971", date(2021, 6, 9), "revoked"),
        ("us-eo-13943", date(2020, 9, 21), "enjoined"),  # enjoined the day before it took effect
        ("us-eo-13942", date(2020, 11, 1), "enjoined"),
        ("us-eo-13942", date(2021, 7, 1), "revoked"),
        ("us-eo-14032", date(2021, 8, 1), "signed"),
        ("us-eo-14032", date(2021, 8, 2), "in_force"),
        ("us-eo-13959", date(2021, 8, 2), "superseded"),
        ("us-bis-entity-list", date(2022, 1, 1), "in_force"),
    ],
)
def test_state_on_follows_the_life_cycle(engine: Engine, measure: str, day: date, state: str) -> None:
    assert state_on(engine.measures[measure], day).state == state


def test_events_timed_within_the_day_keep_their_time(engine: Engine) -> None:
    eo13959 = engine.measures["us-eo-13959"]
    assert state_on(eo13959, datetime(2021, 1, 11, 9, 29, tzinfo=NY)).state == "signed"
    assert state_on(eo13959, datetime(2021, 1, 11, 9, 30, tzinfo=NY)).state == "in_force"
    # a date means the end of that day in the measure's zone
    assert state_on(eo13959, date(2021, 1, 11)).state == "in_force"
    # the same instant given in UTC
    assert state_on(eo13959, datetime(2021, 1, 11, 14, 29, tzinfo=ZoneInfo("UTC"))).state == "signed"


def test_the_state_names_its_event_and_citation(engine: Engine) -> None:
    st = state_on(engine.measures["us-eo-13971"], date(2021, 7, 1))
    assert st.event is not None and st.event.by == "us-eo-14034"
    assert st.event.citation and "14034" in st.event.citation


def test_entity_dates_narrow_the_measure(engine: Engine) -> None:
    m = engine.measures["us-eo-14032"]
    dji = Coverage("us-eo-14032", listed=date(2021, 12, 16), effective=datetime(2022, 2, 14, tzinfo=NY))
    assert entity_state(m, dji, date(2021, 12, 1)).state == "not_yet"
    assert entity_state(m, dji, date(2022, 1, 1)).state == "signed"
    assert entity_state(m, dji, date(2022, 2, 14)).state == "in_force"


def test_injunction_holds_until_lifted() -> None:
    from clearance.datasets.builtin import parse_measure

    m = parse_measure(
        {
            "id": "x",
            "title": "t",
            "citation": "c",
            "restricts": ["all"],
            "events": [
                {"type": "signed", "at": date(2020, 1, 1)},
                {"type": "enjoined", "at": date(2020, 1, 10)},
                {"type": "effective", "at": date(2020, 2, 1)},
                {"type": "injunction_lifted", "at": date(2020, 3, 1)},
            ],
        },
        "test",
    )
    assert state_on(m, date(2020, 2, 15)).state == "enjoined"
    assert state_on(m, date(2020, 3, 1)).state == "in_force"
