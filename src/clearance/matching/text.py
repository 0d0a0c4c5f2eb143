"""Free text (a remittance line, a memo, a document): find every listed name or identifier in it, with spans.

How a text is scanned, in time linear in its length (a first version was quadratic in the length of a
word and scored every window against every name sharing a word with it: a 120,000-letter word took 11 s
and a 1 MB document of listed names did not finish in 10 minutes; benchmarks/bounds.py):

1. The text is cut into words (each Chinese character is a word of its own, since Chinese has no
   spaces). A word of more than `MAX_WORD` (64) characters, a URL, a hash, base64, is no word of any
   name (the longest word of the real lists has 24 letters): it is not looked up as a name's word, and
   no window crosses it. Every word is still looked up as an identifier (a package id may be long).
2. Each word, alone and run together with the next one or two, is read once per distinct word, run
   and word with the two after it (`textindex.Readings`): the listed words and runs of words it pairs
   with; equal readings share an id, so that what follows from them is worked out once.
3. A word starts a search only for the names holding one of those listed words among their *prefix
   words*, their rarest (`textindex.PrefixTable`), or one of its runs, or a weak alias it equals. Once
   every word is read, a name that could not reach the review threshold even with every word of it met
   somewhere in the text is dropped; one whose words around the starting word (up to its length plus
   two either side, found by binary search in where each listed word was met; one-letter words, never
   looked up, count as met) cannot cover enough of its weight goes no further (`textsearch`).
4. Windows of up to min(`MAX_WINDOW`, the name's length + 2) words around the starting word, whose first
   and last words both pair with the name (a word that pairs with nothing of the name only lowers the
   score at an edge; a one-letter word or a Chinese character of the name may pair), are compared with
   that name once each; comparisons are remembered by the window's normal form, since documents repeat
   their phrases, and a window whose lookup shows it cannot cover enough of either side is not scored
   (`textscore`).
5. The best windows that do not overlap become hits (`spans.best_spans`: the highest score, then the
   most words paired, then the tightest), each widened over up to `MAX_STRETCH` legal forms either side
   that change nothing once normalised ("Tencent Holdings Ltd").

So each word costs a bounded number of lookups, each started name at most 55 windows (10 words), each
window one comparison of at most 10 words (`scorer.MAX_TOKENS` bounds any comparison); how many names a
word starts depends on the lists, not on the text. Figures (benchmarks/bounds.py): a 1 MB document of
listed names takes about 10 s against the built-in data and about 1.5 minutes against every list in
../shared/data, where a document made of sanctioned names matches thousands of names in every page
(benchmarks/text.py: 1 MB of prose about 7 s, of common names about 4.5 s).
Weak aliases ("QQ") count only when they stand alone: not next to another capitalised word (unless a
semicolon, a bar or a line break stands between), which would make them part of some other name ("QQ
Fresh Foods").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clearance.domain.model import Entity, Identifier
from clearance.limits import Deadline
from clearance.matching.matcher import Match, Matcher
from clearance.matching.normalise import has_han
from clearance.matching.spans import Found, best_spans
from clearance.matching.textindex import Readings
from clearance.matching.textsearch import MAX_STRETCH, MAX_WINDOW, Search
from clearance.perf import paused_gc

__all__ = ["MAX_STRETCH", "MAX_WINDOW", "MAX_WORD", "scan", "words"]

MAX_WORD = 64  # characters in a word looked up as a name's word
_WORD = re.compile(r"[\w.\-']+", re.UNICODE)


def words(text: str) -> list[tuple[int, int]]:
    """Spans of words; Chinese characters one by one, trailing punctuation trimmed."""
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in ".-'":
            end -= 1
        if end <= start:
            continue
        chunk = text[start:end]
        if not has_han(chunk):
            spans.append((start, end))
            continue
        run_start = start
        for i, ch in enumerate(chunk):
            if has_han(ch):
                if run_start < start + i:
                    spans.append((run_start, start + i))
                spans.append((start + i, start + i + 1))
                run_start = start + i + 1
        if run_start < end:
            spans.append((run_start, end))
    return spans


def _segments(looked_up: list[str]) -> list[tuple[int, int]]:
    """Per word, the first and last word of its run of looked-up words (a long word ends a run)."""
    out: list[tuple[int, int]] = []
    first = 0
    for pos, word in enumerate([*looked_up, ""]):
        if not word:
            out.extend([(first, pos - 1)] * (pos - first))
            if pos < len(looked_up):
                out.append((pos + 1, pos))  # empty: nothing starts here
            first = pos + 1
    return out


MIN_IDENTIFIER = 6  # characters a word of free text needs to be looked up as an identifier, as a query does


def scan(matcher: Matcher, text: str, *, deadline: Deadline | None = None) -> list[Match]:
    """Every listed name or identifier in `text`, each with its span; overlapping spans resolved (see
    `spans.best_spans`). Matches are in text order. Raises `QueryTimeout` once `deadline` has passed
    (checked every 64 words). The cyclic garbage collector is paused meanwhile: a scan makes hundreds of
    thousands of short-lived objects and cache entries, never a cycle (tests/test_perf.py), and the
    collector's passes over them and the engine cost a third of the time of a 1 MB scan."""
    with paused_gc():
        return _scan(matcher, text, deadline)


def _scan(matcher: Matcher, text: str, deadline: Deadline | None) -> list[Match]:
    spans = words(text)
    index = matcher.index
    table = matcher.prefix_table()
    looked_up = [text[s:e] if e - s <= MAX_WORD else "" for s, e in spans]
    lookups = Readings(index)
    search = Search(matcher, text, spans, lookups)
    search.segment = _segments(looked_up)
    started_by: dict[int, tuple[int, ...]] = {}  # readings id -> the names they start
    identifiers: dict[str, Sequence[tuple[Entity, Identifier]]] = {}  # word -> the identifiers it is
    for pos, (s, e) in enumerate(spans):
        if deadline is not None and pos % 64 == 0:
            deadline.check()
        word = text[s:e]
        # a short number in text (a field tag "20", a day) is no evidence of an identifier
        idents = identifiers.get(word) if e - s >= MIN_IDENTIFIER else ()
        if idents is None:
            idents = identifiers[word] = index.by_identifier(word)
        for entity, ident in idents:
            why = f"identifier {ident.scheme} {ident.value} appears in the text"
            match = Match.of_identifier(entity, ident, why, (s, e, word))
            search.found.append(Found(2.0, s, e, s, e, match=match))
        rid = lookups.at(pos, looked_up)
        search.seen(pos, rid)
        if rid not in started_by:
            started: set[int] = set()
            for reading in lookups.distinct[rid]:
                for wid in reading.words:
                    started.update(table.names_by_word.get(wid, ()))
                for joined in reading.runs:
                    started.update(name for name, _ in index.vocabulary.runs.get(joined, ()))
                started.update(index.weak(reading.compact))
            started_by[rid] = tuple(sorted(started))
    # every word read: the names that no start could take further go now, once per distinct reading
    viable = {rid: tuple(filter(search.viable, names)) for rid, names in started_by.items()}
    for pos, rid in enumerate(search.rids):
        if deadline is not None and pos % 64 == 0:
            deadline.check()
        for number in viable[rid]:
            search.start(number, pos)
    return best_spans(text, search.found)
