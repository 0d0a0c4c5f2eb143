"""Everyday words against every real list: a payment filter that blocks "payment" is switched off by its
users on day one (the common-words measure of benchmarks/quality.py, smaller, as a test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from wordfreq import top_n_list

from clearance import Engine, load_dataset
from clearance.faces.evaluation import screen_clear
from fixtures import DATA


@pytest.mark.integration
@pytest.mark.slow
def test_the_most_frequent_words_are_clear(shared_data: Path) -> None:
    lists = [shared_data / "ofac-sdn-2021", shared_data / "ofac-consolidated-2025", shared_data / "other"]
    engine = Engine(load_dataset(lists=lists, home=DATA / "no-home"))
    words = top_n_list("en", 3000) + top_n_list("fr", 500) + top_n_list("es", 500) + top_n_list("de", 500)
    for kind in ("party", "text"):
        tally, flagged = screen_clear(engine, words, kind=kind, as_of="2026-03-01")
        hits = [(r.query, r.decision, [h.matched_name for h in r.hits[:2]]) for r in flagged]
        assert tally.blocks <= 2, hits
        assert tally.reviews <= 0.005 * len(words), hits
