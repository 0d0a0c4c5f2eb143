"""The candidate index must never lose a match that a brute-force scan with the same scorer finds, at any
review threshold: the index is built from the scorer's own configuration."""

from __future__ import annotations

import csv
import random
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance import Engine, ScorerConfig, load_dataset
from clearance.domain.enums import Kind, NameRules, NameType, QueryKind
from clearance.domain.model import Entity
from clearance.matching.index import Index
from clearance.matching.lookup import Lookup
from clearance.matching.matcher import Matcher
from clearance.matching.normalise import name_form
from clearance.matching.scorer import compare_forms
from fixtures import DATA

THRESHOLDS = (0.6, 0.7, 0.8, 0.9)


@cache
def matcher_at(review: float) -> Matcher:
    """The built-in entities, matched at this review threshold (an empty home: no user lists)."""
    config = ScorerConfig(review=review, strong=max(review, 0.9))
    return Engine(load_dataset(home=DATA / "no-home"), config=config).matcher


def _perturb(rng: random.Random, name: str) -> str:
    chars = list(name)
    op = rng.choice(["swap", "drop", "sub", "split", "case", "double", "move"])
    i = rng.randrange(max(1, len(chars) - 1))
    spaces = [j for j, c in enumerate(chars[1:-1], start=1) if c == " "]
    if op == "move" and spaces:  # a letter moved across a space: "arefullah aref" -> "arefullaha ref"
        j = rng.choice(spaces)
        chars[j], chars[j + 1] = chars[j + 1], chars[j]
    elif op == "double":
        chars.insert(i, chars[i])
    elif op == "swap" and len(chars) > 2:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif op == "drop" and len(chars) > 4:
        del chars[i]
    elif op == "sub":
        chars[i] = rng.choice("aeioubcdxyz")
    elif op == "split":
        chars.insert(i, " ")
    return "".join(chars).upper() if op == "case" else "".join(chars)


def _brute_force(matcher: Matcher, query: str) -> set[int]:
    """Every strong name that scores at the review threshold or above against the query, every pair of
    pieces tried (no index)."""
    form = name_form(query)
    strong = [n for n in matcher.index.names if n.name.type == NameType.STRONG]
    return {cand.number for cand, _ in matcher.score(form, strong)}


def _indexed(matcher: Matcher, query: str) -> set[int]:
    return {c.number for c in matcher.index.candidates(name_form(query))}


def _missing(matcher: Matcher, query: str) -> list[str]:
    missing = _brute_force(matcher, query) - _indexed(matcher, query)
    return [matcher.index.names[i].name.value for i in sorted(missing)]


@pytest.mark.parametrize("review", THRESHOLDS)
def test_index_finds_everything_brute_force_finds_on_perturbed_names(review: float) -> None:
    matcher = matcher_at(review)
    rng = random.Random(7)
    listed = [n.name.value for n in matcher.index.names]
    queries = [_perturb(rng, rng.choice(listed)) for _ in range(200)]
    queries += ["Tencent Music", "Ali Baba Pay", "Kings Office Supply", "Tencent Music Entertainment"]
    queries += ["Tencen tMusic", "Semiconducto rManufacturing", "Wee Chat", "Alli Pay"]
    for q in queries:
        assert not _missing(matcher, q), (review, q, _missing(matcher, q))


@pytest.mark.parametrize("review", THRESHOLDS)
@settings(max_examples=60, deadline=None)
@given(query=st.text(alphabet="abcdefghijklmnopqrstuvwxyz 腾讯中芯", min_size=1, max_size=25))
def test_index_is_recall_safe_on_arbitrary_text(review: float, query: str) -> None:
    assert not _missing(matcher_at(review), query)


# (query, listed name, entity): pairs whose score lies between 0.6 and 0.8, where an index built at its
# own default threshold once pruned what a lower review threshold asked for.
BELOW_DEFAULT = [
    ("Tencent Music", "Tencent", "org-tencent-holdings"),
    ("Ali Baba Pay", "阿里巴巴", "org-alibaba-group"),
    ("Tencent Music Entertainment", "Tencent", "org-tencent-holdings"),
    ("Kingsoft Cloud Office Software", "Beijing Kingsoft Office Software, Inc.", "org-kingsoft-office"),
]


@pytest.mark.parametrize("review", THRESHOLDS)
@pytest.mark.parametrize(("query", "listed", "entity"), BELOW_DEFAULT)
def test_screen_finds_what_compare_scores_at_every_threshold(
    review: float, query: str, listed: str, entity: str
) -> None:
    config = ScorerConfig(review=review, strong=max(review, 0.9))
    engine = Engine(load_dataset(home=DATA / "no-home"), config=config)
    score = engine.compare(query, listed).score
    hits = {h.entity.id for h in engine.screen(query, as_of="2021-03-01").hits}
    assert (entity in hits) == (score >= review), (review, query, listed, score, hits)


def test_the_cli_finds_tencent_music_at_a_lower_review_threshold() -> None:
    from typer.testing import CliRunner

    from clearance.faces.cli.app import app

    args = ["screen", "Tencent Music", "--as-of", "2021-03-01", "--json"]
    low = CliRunner().invoke(app, [*args, "--review", "0.6"])
    default = CliRunner().invoke(app, args)
    assert low.exit_code == 1 and '"org-tencent-holdings"' in low.output
    assert default.exit_code == 0, default.output


def _scored_both_ways(index: Index, matcher: Matcher, query: str, kind: QueryKind) -> None:
    """Scoring a candidate with only the pairs of pieces the index found gives the all-pairs result."""
    form = name_form(query)
    lookup = index.lookup(form)
    for number in lookup.candidates:
        cand = index.names[number]
        if cand.name.type == NameType.WEAK or not kind.admits(cand.entity.kind):
            continue
        rules = NameRules.of(cand.entity.kind)
        full = compare_forms(form, cand.form, rules=rules, config=matcher.config)
        tried = compare_forms(form, cand.form, rules=rules, config=matcher.config, tried=lookup.pairs(cand))
        assert (tried.score, tried.pairs) == (full.score, full.pairs), (query, cand.name.value)


def test_scoring_the_index_pairs_equals_scoring_all_pairs_on_labelled_names() -> None:
    """Every labelled pair (Latin, Cyrillic, Han, Hangul, Arabic ... persons and firms), each side indexed
    as a listed name and the other screened against it, with every candidate also scored all-pairs."""
    with (DATA / "name_pairs.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    kinds = {"person": Kind.PERSON}
    entities = [
        Entity(id=f"e{i}", kind=kinds.get(row["kind"], Kind.ORGANIZATION), name=row["right"])
        for i, row in enumerate(rows)
    ]
    for review in THRESHOLDS:
        matcher = Matcher(entities, config=ScorerConfig(review=review, strong=max(review, 0.9)))
        for row in rows:
            _scored_both_ways(matcher.index, matcher, row["left"], QueryKind.PARTY)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz .", min_size=1, max_size=30))
def test_scoring_the_index_pairs_equals_scoring_all_pairs_on_arbitrary_text(query: str) -> None:
    matcher = matcher_at(0.7)
    for kind in (QueryKind.PERSON, QueryKind.ORGANIZATION):
        _scored_both_ways(matcher.index, matcher, query, kind)


# Real SDN entries whose names hold one-letter or one-digit words: screened exactly as listed, each of
# them once cleared, because the index counted neither initials outside persons' names nor digits.
SHORT_WORD_NAMES = [
    "CHONG RIM 2",
    "MI RIM 2",
    "7 KARNES",
    "H & H METALFORM GMBH",
    "B R C S.A.",
    "K. P. TO JEANS WEAR S. DE H.",
    "VESTIMENTA J Y J S. DE H.",
    "Korea Ryenha Machinery J/V Corporation",
]


@cache
def short_word_matcher(review: float) -> Matcher:
    entities = [Entity(id=f"s{i}", kind=Kind.ORGANIZATION, name=n) for i, n in enumerate(SHORT_WORD_NAMES)]
    entities.append(Entity(id="p", kind=Kind.PERSON, name="J. V. Stalin"))
    return Matcher(entities, config=ScorerConfig(review=review, strong=max(review, 0.9)))


@pytest.mark.parametrize("review", THRESHOLDS)
@pytest.mark.parametrize("name", SHORT_WORD_NAMES)
def test_a_listed_name_with_one_letter_or_digit_words_finds_itself(review: float, name: str) -> None:
    found = short_word_matcher(review).name(name)
    assert [m.score for m in found if m.entity.name == name] == [1.0], (name, found)


@pytest.mark.parametrize(("query", "listed"), [("Chong Rim II", "CHONG RIM 2"), ("MI RIM TWO", "MI RIM 2")])
def test_a_one_digit_number_meets_its_other_spellings(query: str, listed: str) -> None:
    found = short_word_matcher(0.8).name(query)
    assert [m.entity.name for m in found] == [listed]


SHORT_WORDS = "a b h j v p s 2 7 ii two chong rim metalform karnes jeans stalin korea".split()


@pytest.mark.parametrize("review", THRESHOLDS)
@settings(max_examples=80, deadline=None)
@given(words=st.lists(st.sampled_from(SHORT_WORDS), min_size=1, max_size=6))
def test_index_is_recall_safe_on_names_of_short_words(review: float, words: list[str]) -> None:
    assert not _missing(short_word_matcher(review), " ".join(words))


@pytest.mark.integration
def test_every_listed_name_of_the_real_lists_finds_its_entity(shared_data: Path) -> None:
    """25,000 strong names of the OFAC and other real lists, each screened exactly as listed."""
    lists = [shared_data / "ofac-sdn-2021", shared_data / "ofac-consolidated-2025", shared_data / "other"]
    matcher = Engine(load_dataset(lists=lists, home=DATA / "no-home")).matcher
    missed = [
        n.name.value
        for n in matcher.index.names
        if n.name.type == NameType.STRONG
        and n.entity.id not in {m.entity.id for m in matcher.name(n.name.value)}
    ]
    assert not missed, missed[:20]


def test_adding_an_entity_is_seen_by_the_next_query() -> None:
    """What the index and the matcher remember is forgotten when names are added."""
    matcher = Matcher([Entity(id="a", kind=Kind.ORGANIZATION, name="Tencent Holdings")])
    assert matcher.name("Zorblax Trading") == []
    matcher.add(Entity(id="b", kind=Kind.ORGANIZATION, name="Zorblax Trading"))
    assert [m.entity.id for m in matcher.name("Zorblax Trading")] == ["b"]


@pytest.mark.integration
@pytest.mark.parametrize("review", (0.7, 0.8))
def test_index_equals_brute_force_on_a_real_list(shared_data: Path, review: float) -> None:
    """The UN list (1,003 entries, 4,000 names in many scripts): perturbed listed names and innocent
    names, at two thresholds."""
    config = ScorerConfig(review=review, strong=0.9)
    dataset = load_dataset(lists=[shared_data / "other" / "un-consolidated-2026.xml"], home=DATA / "no-home")
    matcher = Engine(dataset, config=config).matcher
    rng = random.Random(11)
    listed = [n.name.value for n in matcher.index.names if n.name.type == NameType.STRONG]
    queries = [_perturb(rng, rng.choice(listed)) for _ in range(150)]
    queries += ["Mohammed Hassan", "Bank of Iran", "Kim Trading Company", "Abu Ahmad"]
    for q in queries:
        assert not _missing(matcher, q), (q, _missing(matcher, q))
        _scored_both_ways(matcher.index, matcher, q, QueryKind.PERSON)
        _scored_both_ways(matcher.index, matcher, q, QueryKind.ORGANIZATION)


NAME_WORDS = "al abu muhammad mohammed ali a j m hassan abdul rahman bin laden bank of iran kim".split()


@pytest.fixture(scope="module")
def un_index(shared_data: Path) -> Index:
    dataset = load_dataset(lists=[shared_data / "other" / "un-consolidated-2026.xml"], home=DATA / "no-home")
    return Engine(dataset).matcher.index


@pytest.mark.integration
@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=5))
def test_the_vectorised_name_side_bound_equals_the_loop(un_index: Index, words: list[str]) -> None:
    """Both ways of bounding the gathered names' own side (initials on either side included) agree, on
    a real list's names (common Arabic words gather hundreds)."""
    form = name_form(" ".join(words))
    lookup = Lookup(un_index.vocabulary, form)
    names, _ = un_index._gather(lookup, prune=True)
    initials = {t for t in form.tokens if len(t) == 1}
    vectorised = un_index._arrays().name_side(
        names, matched=lookup.matched, query=form.tokens, initials=initials
    )
    assert vectorised == un_index._name_side_loop(names, lookup, initials)
