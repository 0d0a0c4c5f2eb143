"""Every comparison and every text scan is bounded by design (issue 16, items 9 and 10): the work is
counted, never timed. Each of these inputs hung or raised before."""

from __future__ import annotations

import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance import Engine
from clearance.domain.enums import Kind, NameRules
from clearance.domain.model import Entity
from clearance.matching import keys, scorer, text, textsearch
from clearance.matching.matcher import Matcher
from clearance.matching.normalise import name_form, number_value
from clearance.matching.scorer import MAX_TOKENS, compare
from clearance.matching.tokens import MAX_TYPO_LETTERS, allowed_edits, token_similarity


@contextmanager
def hang_guard(seconds: int = 600) -> Iterator[None]:
    """Fail instead of hanging (the unbounded code took hours on these inputs); never a speed limit:
    the bounds are asserted by counting work."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: the work is not bounded")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _words(rng: random.Random, n: int) -> str:
    return " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(n)
    )


class _Counted:
    """Counts the calls of a module-level function by patching it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
        self.calls = 0
        original = getattr(module, name)

        def counting(*args: object, **kwargs: object) -> object:
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)


def test_two_5000_word_names_pair_at_most_max_tokens_words_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairing was quadratic in words (800 words a side: 24 s); only the first MAX_TOKENS words of each
    side are paired now, so the pieces tried are bounded whatever the length."""
    rng = random.Random(5)
    left, right = _words(rng, 5000), _words(rng, 5000)
    counted = _Counted(monkeypatch, scorer, "token_similarity")
    with hang_guard():
        cmp = compare(left, right)
    bound = (MAX_TOKENS * scorer.MAX_RUN) ** 2  # pieces of MAX_TOKENS words: at most 4 per word
    assert 0 < counted.calls <= bound
    assert len(cmp.unmatched_left) >= 5000 - MAX_TOKENS  # the rest counts as words the other lacks


def test_a_long_name_against_itself_scores_by_the_words_paired() -> None:
    name = " ".join(f"word{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(3 * MAX_TOKENS))
    same = compare(name, name)
    assert 0 < same.score < 1.0
    short = " ".join(name.split()[:MAX_TOKENS])
    assert compare(short, short).score == 1.0


def test_screening_a_name_of_thousands_of_words_pairs_a_bounded_number(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [n.name.value for n in engine.matcher.index.names]
    query = " ".join(random.Random(2).choice(names) for _ in range(1500))[:10_000]
    counted = _Counted(monkeypatch, scorer, "token_similarity")
    with hang_guard():
        engine.screen(query, as_of="2021-03-01")
    candidates = len(engine.matcher.index.lookup(name_form(query)).candidates)
    assert counted.calls <= max(1, candidates) * (MAX_TOKENS * scorer.MAX_RUN) ** 2


@pytest.mark.parametrize("length", [MAX_TYPO_LETTERS + 1, 1_000, 120_000])
def test_a_very_long_word_is_filed_under_no_deletion(length: int) -> None:
    """The deletion neighbourhood of an n-letter word is about n^2 / 2 strings of n letters: a
    120,000-letter word took 11 s (and random letters would take hours). Over MAX_TYPO_LETTERS letters a
    word must be equal: it is filed under a handful of keys."""
    word = "".join(random.Random(length).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))
    assert allowed_edits(length) == 0
    assert len(keys.query_keys(word)) <= 6
    assert len(keys.vocabulary_keys(word)) <= 6


def test_typos_still_pair_up_to_the_word_length_limit() -> None:
    word = "neftepererabatyvayuschey"  # the longest word of the real lists
    assert token_similarity(word, word.replace("sch", "hsc")) > 0.9  # two edits in 24 letters
    long = "a" * MAX_TYPO_LETTERS
    assert token_similarity(long, long[:-1] + "b") > 0.9
    assert token_similarity(long + "c", long + "d") == 0.0  # over the limit: equal or nothing


def test_text_with_one_very_long_word_is_read_in_one_pass(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 120,000-letter word (base64, a URL, a hash) is no name's word: not looked up, no window crosses
    it; the names around it are still found."""
    counted = _Counted(monkeypatch, textsearch, "name_form")
    long = "".join(random.Random(9).choice("abcdefghij") for _ in range(120_000))
    with hang_guard():
        r = engine.screen(f"paid to Tencent Holdings {long} via Alipay", kind="text", as_of="2021-03-01")
    assert {"org-tencent-holdings", "app-alipay"} <= {h.entity.id for h in r.hits}
    assert all(len(h.span[2]) < 100 for h in r.hits if h.span)
    assert counted.calls < 100  # windows, each a handful of short words


def test_a_window_never_crosses_a_long_word(engine: Engine) -> None:
    long = "x" * (text.MAX_WORD + 1)
    r = engine.screen(f"Tencent {long} Holdings", kind="text", as_of="2021-03-01")
    assert all(long not in (h.span[2] if h.span else "") for h in r.hits)


def _document_of_names(engine: Engine, size: int, seed: int = 3) -> str:
    names = [n.name.value for n in engine.matcher.index.names]
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        parts.append(rng.choice(names))
        total += len(parts[-1]) + 2
    return ", ".join(parts)


def test_a_document_of_listed_names_costs_a_bounded_number_of_comparisons_per_word(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, every window of up to 10 words around every word was scored against every name sharing
    a word with it: a 1 MB document of listed names did not finish in 10 minutes. The comparisons per
    word are now bounded, and they do not grow with the document."""
    per_word = []
    for size in (20_000, 80_000):
        doc = _document_of_names(engine, size)
        counted = _Counted(monkeypatch, text.Matcher, "score")
        with hang_guard():
            r = engine.screen(doc, kind="text", as_of="2021-03-01")
        monkeypatch.undo()
        assert sum(len(h.occurrences) for h in r.hits) > size // 50  # the names are found, each place
        per_word.append(counted.calls / len(text.words(doc)))
    assert per_word[1] <= per_word[0] * 1.5 + 0.1
    assert per_word[1] < 2


@pytest.mark.slow
def test_a_1_mb_document_of_listed_names_is_screened(engine: Engine) -> None:
    doc = _document_of_names(engine, 1_000_000, seed=4)
    with hang_guard():
        r = engine.screen(doc, kind="text", as_of="2021-03-01")
    assert sum(len(h.occurrences) for h in r.hits) > 10_000


def test_the_text_scan_starts_a_name_only_by_its_rare_words() -> None:
    """A text word starts a search for the names holding it among their prefix words: "bank" is held by
    thousands of listed names but starts none of those that have a rarer word ("Bank Melli Iran")."""
    entities = [
        Entity(id=f"b{i}", kind=Kind.ORGANIZATION, name=f"Bank Number{chr(97 + i)}x") for i in range(20)
    ]
    entities.append(Entity(id="melli", kind=Kind.ORGANIZATION, name="Bank Melli Iran"))
    matcher = Matcher(entities)
    table = matcher.prefix_table()
    bank = matcher.index.vocabulary.ids["bank"]
    assert table.names_by_word.get(bank, []) == []
    found = text.scan(matcher, "paid to Bank Melli Iran, bank of somewhere")
    assert [m.entity.id for m in found] == ["melli"]


# -- numbers of any length (issue 16, item 9: a 4,301-digit number raised ValueError) ------------------


@settings(max_examples=60, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=6000), zeros=st.integers(0, 5))
def test_a_number_of_any_length_compares_by_value(digits: str, zeros: int) -> None:
    value = number_value(digits)
    assert value == (digits.lstrip("0") or "0")
    assert number_value("0" * zeros + digits) == value
    if len(digits) < 4000:
        assert value == str(int(digits))
    assert token_similarity(digits, "0" * zeros + digits) == 1.0


def test_a_name_with_a_4301_digit_number_is_screened_and_compared(engine: Engine) -> None:
    name = "Tencent Holdings " + "9" * 4301
    assert engine.screen(name, as_of="2021-03-01").decision in ("clear", "review", "block")
    assert engine.compare(name, "Tencent Holdings " + "0" + "9" * 4301).score == 1.0
    assert engine.screen(name, kind="text", as_of="2021-03-01").decision in ("review", "block")
    m = Matcher([Entity(id="n", kind=Kind.ORGANIZATION, name="Vessel " + "7" * 5000)])
    assert [x.score for x in m.name("VESSEL " + "0" + "7" * 5000)] == [1.0]


def test_ordinals_compare_by_value_too() -> None:
    assert number_value("03rd") == number_value("3rd") == number_value("three") == "3"
    assert compare("Third Street", "3rd Street", rules=NameRules.OTHER).score == 1.0
