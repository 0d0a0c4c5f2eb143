"""The labelled sets: the matcher must not fall under the figures the README quotes."""

from __future__ import annotations

from clearance import Engine
from clearance.faces.evaluation import pairs, precision_recall, screening
from fixtures import DATA


def test_name_pairs_precision_and_recall(engine: Engine) -> None:
    counts, errors, _ = pairs(engine, DATA / "name_pairs.csv")
    precision, recall = precision_recall(counts)
    assert sum(counts.values()) >= 400
    assert precision >= 0.98, errors
    assert recall >= 0.94, errors


def test_screening_cases_precision_and_recall(engine: Engine) -> None:
    counts, errors = screening(engine, DATA / "screening_cases.csv")
    precision, recall = precision_recall(counts)
    assert precision >= 0.98 and recall >= 0.98, errors
