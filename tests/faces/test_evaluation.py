"""The labelled sets: the matcher must not fall under the figures the README quotes."""

from __future__ import annotations

from clearance import Engine
from clearance.faces.evaluation import (
    Tally,
    kinds,
    pairs,
    precision_recall,
    rate,
    read_column,
    screen_clear,
    screening,
)
from fixtures import DATA


def test_name_pairs_precision_and_recall(engine: Engine) -> None:
    counts, errors, _ = pairs(engine, DATA / "name_pairs.csv")
    precision, recall = precision_recall(counts)
    assert sum(counts.values()) >= 400
    assert precision >= 0.98, errors
    assert recall >= 0.95, errors


def test_name_kinds_precision_and_recall(engine: Engine) -> None:
    counts, by_category, errors = kinds(engine, DATA / "name_kinds.csv")
    precision, recall = precision_recall(counts)
    assert sum(counts.values()) >= 800 and len(by_category) >= 20
    assert precision >= 0.96 and recall >= 0.82, errors
    assert by_category["common_word"]["fp"] == 0, errors  # no everyday word matches a listed name


def test_screening_cases_precision_and_recall(engine: Engine) -> None:
    counts, errors = screening(engine, DATA / "screening_cases.csv")
    precision, recall = precision_recall(counts)
    assert precision >= 0.98 and recall >= 0.98, errors


YENTE = DATA / "yente_un_benchmark"


def test_yente_un_benchmark_fixtures_load() -> None:
    treated = read_column(YENTE / "positives_un_treated.csv", "full_name")
    untreated = read_column(YENTE / "positives_un_untreated.csv", "full_name")
    assert len(treated) == len(untreated) == 683
    assert len(read_column(YENTE / "negatives_global.csv", "full_name")) == 1000
    assert len(read_column(YENTE / "negatives_us.csv", "full_name")) == 1000
    key = read_column(YENTE / "expected_un.csv", "entity_id")
    assert read_column(YENTE / "expected_un.csv", "query") == treated  # the key follows the fixture
    assert sum(1 for k in key if k) == 680
    assert all(i.startswith("un-sc-") for k in key if k for i in k.split(";"))


def test_tally_counts_what_is_not_clear(engine: Engine) -> None:
    tally, flagged = screen_clear(
        engine, ["Mary Johnson Bakery", "Tencent Holdings Ltd", ""], kind="party", as_of="2021-03-01"
    )
    assert (tally.screened, tally.refused) == (2, 1)  # the empty query is refused, not screened
    assert tally.blocks + tally.reviews == len(flagged) >= 1
    assert [r.query for r in flagged] == ["Tencent Holdings Ltd"]
    total = Tally()
    total += tally
    total += tally
    assert (total.screened, total.refused) == (4, 2)
    assert "4 screenings" in total.line("all")
    assert rate(1, 200) == "0.500%" and rate(0, 0) == "n/a"
