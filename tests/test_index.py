"""The candidate index must never lose a match that a brute-force scan with the same scorer finds."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance import Engine
from clearance.domain.model import Entity
from clearance.matching.index import Index, Lookup
from clearance.matching.normalise import name_form
from clearance.matching.scorer import compare_forms


def _perturb(rng: random.Random, name: str) -> str:
    chars = list(name)
    op = rng.choice(["swap", "drop", "sub", "split", "case"])
    i = rng.randrange(max(1, len(chars) - 1))
    if op == "swap" and len(chars) > 2:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif op == "drop" and len(chars) > 4:
        del chars[i]
    elif op == "sub":
        chars[i] = rng.choice("aeioubcdxyz")
    elif op == "split":
        chars.insert(i, " ")
    return "".join(chars).upper() if op == "case" else "".join(chars)


def _brute_force(engine: Engine, query: str) -> set[int]:
    """Every strong name that scores at the review threshold or above (a match) against the query."""
    form = name_form(query)
    review = engine.thresholds.review
    return {
        i
        for i, n in enumerate(engine.index.names)
        if n.name.type == "strong"
        and compare_forms(form, n.form, "person" if n.entity.kind == "person" else "organization").score
        >= review
    }


def test_index_finds_everything_brute_force_finds_on_perturbed_names(engine: Engine) -> None:
    rng = random.Random(7)
    listed = [n.name.value for n in engine.index.names]
    queries = [_perturb(rng, rng.choice(listed)) for _ in range(300)] + [
        "Tencent Music",
        "Kings Office Supply",
    ]
    for q in queries:
        found = {engine.index.names.index(c) for c in engine.index.candidates(name_form(q))}
        missing = _brute_force(engine, q) - found
        assert not missing, (q, [engine.index.names[i].name.value for i in missing])


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz 腾讯中芯", min_size=1, max_size=25))
def test_index_is_recall_safe_on_arbitrary_text(engine: Engine, query: str) -> None:
    found = {engine.index.names.index(c) for c in engine.index.candidates(name_form(query))}
    assert _brute_force(engine, query) <= found


@pytest.mark.slow
def test_index_equals_brute_force_on_a_real_list(shared_data: Path) -> None:
    """The UN list (1,003 entries, 4,000 names in many scripts): perturbed listed names and innocent
    queries find exactly what a brute-force scan with the same scorer finds."""
    engine = Engine.default(
        lists=[shared_data / "other" / "un-consolidated-2026.xml"], home=shared_data / "none"
    )
    rng = random.Random(11)
    listed = [n.name.value for n in engine.index.names if n.name.type == "strong"]
    queries = [_perturb(rng, rng.choice(listed)) for _ in range(40)] + [
        "Al Qaida",
        "Mohammed Omar",
        "Kim Jong",
    ]
    for q in queries:
        found = {id(c) for c in engine.index.candidates(name_form(q))}
        expected = _brute_force(engine, q)
        missing = [
            engine.index.names[i].name.value for i in expected if id(engine.index.names[i]) not in found
        ]
        assert not missing, (q, missing)
        _scored_both_ways(engine.index, q, "person")
        _scored_both_ways(engine.index, q, "organization")


def _scored_both_ways(index: Index, query: str, kind: str) -> None:
    """Scoring a candidate with only the pairs of pieces the index found gives the all-pairs result."""
    form = name_form(query)
    lookup = index.lookup(form)
    for number in lookup.candidates:
        cand = index.names[number]
        if cand.name.type == "weak":
            continue
        full = compare_forms(form, cand.form, kind)
        tried = compare_forms(form, cand.form, kind, tried=lookup.pairs(number))
        assert (tried.score, tried.pairs) == (full.score, full.pairs), (query, cand.name.value)


def test_scoring_the_index_pairs_equals_scoring_all_pairs_on_labelled_names() -> None:
    """Every labelled pair (Latin, Cyrillic, Han, Hangul, Arabic ... persons and firms), each side indexed
    as a listed name and the other screened against it, with every candidate also scored all-pairs."""
    with (Path(__file__).parent / "data" / "name_pairs.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    entities = [Entity(id=f"e{i}", kind=row["kind"], name=row["right"]) for i, row in enumerate(rows)]
    index = Index(entities)
    for row in rows:
        _scored_both_ways(index, row["left"], "person" if row["kind"] == "person" else "organization")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz .", min_size=1, max_size=30))
def test_scoring_the_index_pairs_equals_scoring_all_pairs_on_arbitrary_text(
    engine: Engine, query: str
) -> None:
    for kind in ("person", "organization"):
        _scored_both_ways(engine.index, query, kind)


@pytest.fixture(scope="module")
def un_engine(shared_data: Path) -> Engine:
    return Engine.default(
        lists=[shared_data / "other" / "un-consolidated-2026.xml"], home=shared_data / "none"
    )


NAME_WORDS = "al abu muhammad mohammed ali a j m hassan abdul rahman bin laden bank of iran kim".split()


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=5))
def test_the_vectorised_name_side_bound_equals_the_loop(un_engine: Engine, words: list[str]) -> None:
    """Both ways of bounding the gathered names' own side (initials on either side included) agree, on
    a real list's names (common Arabic words gather hundreds)."""
    index = un_engine.index
    form = name_form(" ".join(words))
    lookup = Lookup(index, form)
    names, _ = index._gather(lookup, True)
    initials = {t for t in form.tokens if len(t) == 1}
    vectorised = index._name_side(names, lookup, initials, small=-1)
    assert vectorised == index._name_side_loop(names, lookup, initials)
