"""The free-text scan does its work once per distinct word, reading and window (issue 18): what it finds
is what scoring every window around every starting word finds, at every place a phrase recurs."""

from __future__ import annotations

import gc

import pytest

from clearance import Engine
from clearance.domain.enums import Kind
from clearance.domain.model import Entity
from clearance.matching import textsearch
from clearance.matching.matcher import Matcher
from clearance.matching.normalise import name_form
from clearance.matching.text import scan, words
from clearance.matching.textindex import Readings
from clearance.matching.textscore import WindowScores
from fixtures import DATA


def _hits(matcher: Matcher, text: str) -> list[tuple[str, int, int, str]]:
    return [(m.entity.id, *m.span) for m in scan(matcher, text) if m.span]


def test_a_repeated_phrase_is_found_at_every_place(engine: Engine) -> None:
    """Readings, starts and comparisons are remembered per distinct word, reading and window: every
    occurrence is still a hit, with its own span (a legal form taken in, a weak alias alone)."""
    phrase = "Paid to Tencent Holdings Ltd. via Alipay; sent by qq today. "
    once = _hits(engine.matcher, phrase)
    assert {h[0] for h in once} >= {"org-tencent-holdings", "app-alipay"}
    many = _hits(engine.matcher, phrase * 50)
    step = len(phrase)
    assert many == [(e, s + n * step, t + n * step, w) for n in range(50) for e, s, t, w in once]


def test_readings_equal_for_equal_words_share_one_id(engine: Engine) -> None:
    text = "pay Ali Pay now, pay Ali Pay now"
    looked_up = [text[s:e] for s, e in words(text)]
    readings = Readings(engine.matcher.index)
    ids = [readings.at(pos, looked_up) for pos in range(len(looked_up))]
    assert ids[:2] == ids[4:6]  # the same word followed by the same two: read once
    assert len(readings.distinct) < len(ids)  # equal readings of other words share an id too
    ali = readings.distinct[ids[1]]
    assert [r.extent for r in ali][:1] == [0]  # the word alone, then its runs ("Ali Pay" ~ Alipay)
    assert any(r.extent == 1 and r.compact == "alipay" for r in ali)


def test_window_comparisons_are_those_of_the_scorer(engine: Engine) -> None:
    """A window is compared with a name through its lookup, and not at all when the pairs the lookup
    holds cannot cover enough of either side: the result is the scorer's, every pair of pieces tried."""
    matcher = engine.matcher
    index = matcher.index
    text = " ".join(p.read_text() for p in sorted((DATA / "news").glob("*.txt")))[:6000]
    text += ", ".join(n.name.value for n in index.names[::7])
    spans = words(text)
    compared = matched = 0
    for size in (1, 2, 3, 4):
        for a in range(0, len(spans) - size, 3):
            form = name_form(text[spans[a][0] : spans[a + size - 1][1]])
            if not form.tokens:
                continue
            key = (form.tokens, form.han, form.hangul)
            scores = WindowScores(matcher)  # remembers by form: "Tencent's" would take "Tencent"'s
            for number in sorted(index.positions(form))[:40]:
                cand = index.names[number]
                scored = matcher.score(form, [cand])
                expected = scored[0][1] if scored else None
                assert scores.comparison(form, key, cand) == expected, (form.original, cand.name.value)
                compared += 1
                matched += expected is not None
    assert compared > 1000 and matched > 50


def test_a_name_whose_other_words_are_nowhere_in_the_text_is_not_searched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    matcher = Matcher([Entity(id="inn", kind=Kind.ORGANIZATION, name="FRIENDS TRAVEL INN")])
    calls: list[int] = []
    start = textsearch.Search.start

    def counted(self: textsearch.Search, number: int, pos: int) -> None:
        calls.append(pos)
        start(self, number, pos)

    monkeypatch.setattr(textsearch.Search, "start", counted)
    assert scan(matcher, "friends of mine, " * 20) == []
    assert calls == []
    assert [m.entity.id for m in scan(matcher, "a night at Friends Travel Inn")] == ["inn"]
    assert calls


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_during_a_scan_and_restored_after(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    seen: list[bool] = []
    start = textsearch.Search.start

    def watched(self: textsearch.Search, number: int, pos: int) -> None:
        seen.append(gc.isenabled())
        start(self, number, pos)

    monkeypatch.setattr(textsearch.Search, "start", watched)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        scan(engine.matcher, "paid to Tencent Holdings via Alipay")
        assert seen and not any(seen)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
