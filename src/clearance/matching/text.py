"""Free text (a remittance line, a memo, a document): find every listed name or identifier in it, with spans.

How a text is scanned, in time linear in its length (a first version was quadratic in the length of a
word and scored every window against every name sharing a word with it: a 120,000-letter word took 11 s
and a 1 MB document of listed names did not finish in 10 minutes; benchmarks/bounds.py):

1. The text is cut into words (each Chinese character is a word of its own, since Chinese has no
   spaces). A word of more than `MAX_WORD` (64) characters, a URL, a hash, base64, is no word of any
   name (the longest word of the real lists has 24 letters): it is not looked up as a name's word, and
   no window crosses it. Every word is still looked up as an identifier (a package id may be long).
2. Each word, alone and run together with the next one or two, is read once per distinct word
   (`textindex.Readings`): the listed words and runs of words it pairs with.
3. A word starts a search only for the names holding one of those listed words among their *prefix
   words*, their rarest (`textindex.PrefixTable`), or one of its runs, or a weak alias it equals. A name
   whose words around the starting word (up to its length plus two either side, found by binary search
   in where each listed word was met; one-letter words, never looked up, count as met) cannot cover
   enough of its weight to reach the review threshold goes no further.
4. Windows of up to min(`MAX_WINDOW`, the name's length + 2) words around the starting word, whose first
   and last words both pair with the name (a word that pairs with nothing of the name only lowers the
   score at an edge; a one-letter word or a Chinese character of the name may pair), are scored
   against that name once each; comparisons are remembered by the window's normal form, since
   documents repeat their phrases.
5. The best windows that do not overlap become hits (`spans.best_spans`: the highest score, then the
   most words paired, then the tightest), each widened over up to `MAX_STRETCH` legal forms either side
   that change nothing once normalised ("Tencent Holdings Ltd").

So each word costs a bounded number of lookups, each started name at most 55 windows (10 words), each
window one comparison of at most 10 words (`scorer.MAX_TOKENS` bounds any comparison); how many names a
word starts depends on the lists, not on the text. Figures (benchmarks/bounds.py): a 1 MB document of
listed names takes about 12 s against the built-in data and about 3 minutes against every list in
../shared/data, where a document made of sanctioned names matches thousands of names in every page.
Weak aliases ("QQ") count only when they stand alone: not next to another capitalised word (unless a
semicolon, a bar or a line break stands between), which would make them part of some other name ("QQ
Fresh Foods").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from clearance.domain.enums import NameRules, NameType
from clearance.limits import Deadline
from clearance.matching.everyday import EVERYDAY
from clearance.matching.guards import WEAK_WORD_LETTERS, acronym_unwritten, frequent_alone
from clearance.matching.lookup import IndexedName
from clearance.matching.matcher import Match, Matcher
from clearance.matching.normalise import has_han, name_form
from clearance.matching.scorer import Comparison, Pair, listed_pieces
from clearance.matching.spans import Found, best_spans
from clearance.matching.textindex import Reading, Readings
from clearance.matching.tokens import is_initial
from clearance.perf import Recent

MAX_WINDOW = 10  # words in a window
MAX_WORD = 64  # characters in a word looked up as a name's word
MAX_STRETCH = 3  # words a scored window may take in either side when they change nothing
_SCORED_CACHE = 100_000  # (window form, name) comparisons remembered during one scan
_WORD = re.compile(r"[\w.\-']+", re.UNICODE)
_UNSCORED = object()


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


_SEPARATORS = frozenset(";|\n\r\t")  # between two names in a list ("DJI; Co. Ltd" is DJI alone)


def _capitalised_beside(text: str, spans: list[tuple[int, int]], pos: int, beside: int) -> bool:
    """Is word `beside` capitalised and next to word `pos`, no separator of names between them? A comma
    is none: lists write "SURNAME, Given names"."""
    if not 0 <= beside < len(spans):
        return False
    (s, e), (bs, be) = spans[pos], spans[beside]
    gap = text[e:bs] if pos < beside else text[be:s]
    return _SEPARATORS.isdisjoint(gap) and text[bs:be][:1].isupper()


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


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a name is matched by in text: its listed word ids, its runs of words joined (with the
    positions they cover), its letters run together, its Chinese characters, its words' first letters."""

    word_ids: tuple[int, ...]
    words: frozenset[int]
    runs: dict[str, set[int]]
    run_keys: frozenset[str]
    compact: str
    han: str
    firsts: frozenset[str]
    initials: tuple[int, ...]  # positions of one-letter words

    @classmethod
    def of(cls, cand: IndexedName) -> _Shape:
        joined: dict[str, set[int]] = {}
        for piece, positions in listed_pieces(cand.form.tokens):
            if len(positions) > 1:
                joined.setdefault(piece, set()).update(positions)
        tokens = cand.form.tokens
        return cls(
            word_ids=cand.word_ids,
            words=frozenset(cand.word_ids),
            runs=joined,
            run_keys=frozenset(joined),
            compact=cand.form.compact,
            han=cand.form.han,
            firsts=frozenset(t[0] for t in tokens),
            initials=tuple(p for p, t in enumerate(tokens) if is_initial(t)),
        )


@dataclass(slots=True)
class _Started:
    """One name's search around the words that started it: which of its positions each word pairs
    with, which words can end a window, and the windows already scored (forgotten once the text has
    moved on past where they could be met again)."""

    last: int
    related: dict[int, frozenset[int]] = field(default_factory=dict)
    ends: set[int] = field(default_factory=set)
    done: set[tuple[int, int]] = field(default_factory=set)


class _Scan:
    """The windows scored for the names the words of one text started, and what they found."""

    def __init__(self, matcher: Matcher, text: str, spans: list[tuple[int, int]]) -> None:
        self.matcher = matcher
        self.index = matcher.index
        self.text = text
        self.spans = spans
        self.lookups = Readings(self.index)
        self.readings: list[list[Reading]] = []
        self.segment: list[tuple[int, int]] = []
        self.found: list[Found] = []
        self._started: dict[int, _Started] = {}
        self._shapes: dict[int, _Shape] = {}
        self._where: dict[int, list[int]] = {}  # listed word id -> the words that pair with it, in order
        self._where_runs: dict[str, list[int]] = {}  # listed run -> the same
        self._scored: Recent[tuple[object, ...], object] = Recent(_SCORED_CACHE)

    def _shape(self, cand: IndexedName) -> _Shape:
        found = self._shapes.get(cand.number)
        if found is None:
            found = self._shapes[cand.number] = _Shape.of(cand)
        return found

    def _relate(self, shape: _Shape, state: _Started, q: int) -> frozenset[int]:
        """The name's positions that the readings starting at word `q` pair with; the words they span
        become possible ends of a window. (The scan's innermost step: most names pair with no word
        near them, which the first test finds.)"""
        got = state.related.get(q)
        if got is None:
            positions: set[int] = set()
            for reading in self.readings[q]:
                words = not shape.words.isdisjoint(reading.words)
                joined = bool(reading.runs) and not shape.run_keys.isdisjoint(reading.runs)
                whole = reading.compact == shape.compact
                if words or joined or whole:
                    if words:
                        positions.update(p for p, w in enumerate(shape.word_ids) if w in reading.words)
                    if joined:
                        for piece in shape.run_keys & reading.runs:
                            positions.update(shape.runs[piece])
                    if whole:
                        positions.update(range(len(shape.word_ids)))
                elif not (
                    (reading.letters and not shape.firsts.isdisjoint(reading.letters))
                    or (reading.han and reading.han in shape.han)
                ):  # a one-letter word (an initial, 阿 "a") is not looked up, and a Chinese character
                    continue  # read alone may take another reading (茄 jia, in 茄子 qie): either may pair
                state.ends.update(range(q, reading.last + 1))
            got = state.related[q] = frozenset(positions)
        return got

    def seen(self, pos: int, readings: list[Reading]) -> None:
        """File the listed words and runs the readings at word `pos` pair with, by where they were met."""
        self.readings.append(readings)
        for reading in readings:
            for wid in reading.words:
                self._where.setdefault(wid, []).append(pos)
            for piece in reading.runs:
                self._where_runs.setdefault(piece, []).append(pos)

    def _near(self, shape: _Shape, lo: int, hi: int) -> set[int]:
        """The name's positions that some word from `lo` to `hi` pairs with (by binary search in where
        each listed word was met: a name's few words, not every word around it, are looked at)."""
        matched = set(shape.initials)  # one-letter words are not looked up: count them as met
        for p, wid in enumerate(shape.word_ids):
            met = self._where.get(wid)
            if met:
                i = bisect_left(met, lo)
                if i < len(met) and met[i] <= hi:
                    matched.add(p)
        for piece in shape.run_keys:
            met = self._where_runs.get(piece)
            if met:
                i = bisect_left(met, lo)
                if i < len(met) and met[i] <= hi:
                    matched.update(shape.runs[piece])
        return matched

    def start(self, number: int, pos: int) -> None:
        """Search the windows around word `pos` for the name `number` it started."""
        cand = self.index.names[number]
        size = len(cand.form.tokens)
        reach, width = size + 2, min(MAX_WINDOW, size + 2)
        state = self._started.get(number)
        if state is None or pos - state.last > 2 * reach:
            state = self._started[number] = _Started(pos)  # far from where it was last met
        state.last = pos
        first, last = self.segment[pos]
        lo, hi = max(first, pos - reach), min(last, pos + reach)
        shape = self._shape(cand)
        if cand.name.type != NameType.WEAK and not self.index.coverage(number, self._near(shape, lo, hi)):
            return
        for q in range(max(first, pos - width - 1), min(last, pos + width - 1) + 1):
            self._relate(shape, state, q)
        lefts = [q for q in range(max(first, pos - width + 1), pos + 1) if q in state.ends]
        rights = [q for q in range(pos, min(last, pos + width - 1) + 1) if q in state.ends]
        for a in lefts:
            for b in rights:
                if b - a < width and (a, b) not in state.done:
                    state.done.add((a, b))
                    self._window(cand, a, b)

    def _compared(self, cand: IndexedName, a: int, b: int) -> tuple[tuple[object, ...], Comparison | None]:
        s, e = self.spans[a][0], self.spans[b][1]
        form = name_form(self.text[s:e])
        key = (form.tokens, form.han, form.hangul, cand.number)
        if not form.tokens:
            return key, None
        cmp = self._scored.get(key, _UNSCORED)
        if cmp is _UNSCORED:
            scored = self.matcher.score(form, [cand])
            cmp = self._scored.remember(key, scored[0][1] if scored else None)
        assert cmp is None or isinstance(cmp, Comparison)
        return key, cmp

    def _window(self, cand: IndexedName, a: int, b: int) -> None:
        """Score words a to b against the name; a match may take in neighbouring legal forms that
        normalise away ("Tencent Holdings Ltd"): the span widens over them once chosen
        (`spans.best_spans`)."""
        key, cmp = self._compared(cand, a, b)
        if cmp is None:
            return
        first, last = self.segment[a]
        wide_a, wide_b = a, b
        for nb in range(b + 1, min(last, b + MAX_STRETCH) + 1):
            if not self._legal(nb, nb - 1) or self._compared(cand, a, nb)[0] != key:
                break
            wide_b = nb
        for na in range(a - 1, max(first, a - MAX_STRETCH) - 1, -1):
            if not self._legal(na, na + 1) or self._compared(cand, na, wide_b)[0] != key:
                break
            wide_a = na
        if not self._record(cand, cmp, (a, b), (wide_a, wide_b)):
            # a weak alias next to a capitalised word may stand alone once its legal form is taken in
            self._record(cand, cmp, (wide_a, wide_b), (wide_a, wide_b))

    def _legal(self, pos: int, beside: int) -> bool:
        """Is word `pos` a legal form that belongs with its neighbour `beside`: no more than a space, a
        comma, a dot or a bracket between them ("Co., Ltd", not "Ltd; SMIC")?"""
        (s, e), (bs, be) = self.spans[pos], self.spans[beside]
        gap = self.text[e:bs] if pos < beside else self.text[be:s]
        return not gap.strip(" ,.()") and self.lookups.is_legal_form(self.text[s:e])

    def _record(
        self, cand: IndexedName, cmp: Comparison, core: tuple[int, int], wide: tuple[int, int]
    ) -> bool:
        spans, text = self.spans, self.text
        a, b = core
        span = name_form(cmp.left)
        if cand.name.type == NameType.WEAK and (
            _capitalised_beside(text, spans, a, a - 1)
            or _capitalised_beside(text, spans, b, b + 1)
            or acronym_unwritten(span, cand.form, letters=WEAK_WORD_LETTERS)
            or len(span.tokens) != len(cand.form.tokens)  # "a bid" in prose is not the alias ABID
        ):
            return False
        if frequent_alone(span) and (
            span.tokens != cand.form.tokens
            or cand.form.legal_forms
            or NameRules.of(cand.entity.kind) is NameRules.CRAFT
        ):
            return False  # "Washington", "United", "Emma" in prose: only a listed name that is that word
        if any(_short_run(pair) or _everyday_typo_run(pair) for pair in cmp.pairs if " " not in pair.right):
            return False  # "is is" is not ISIS, "I an" not IAN LIMITED, "how this" not HOUTHIS
        self.found.append(
            Found(cmp.score, spans[a][0], spans[b][1], spans[wide[0]][0], spans[wide[1]][1], cand, cmp)
        )
        return True


def _short_run(pair: Pair) -> bool:
    """Short words of prose run together: two or more, each of one or two letters ("is is", "I an")."""
    words = pair.left.split()
    return len(words) > 1 and all(len(w) <= 2 for w in words)


def _everyday_typo_run(pair: Pair) -> bool:
    """Everyday words of prose run together that meet a listed word only with a typo ("how this")."""
    words = pair.left.split()
    return len(words) > 1 and pair.similarity < 1.0 and all(w in EVERYDAY for w in words)


MIN_IDENTIFIER = 6  # characters a word of free text needs to be looked up as an identifier, as a query does


def scan(matcher: Matcher, text: str, *, deadline: Deadline | None = None) -> list[Match]:
    """Every listed name or identifier in `text`, each with its span; overlapping spans resolved (see
    `spans.best_spans`). Matches are in text order. Raises `QueryTimeout` once `deadline` has passed
    (checked every 64 words)."""
    spans = words(text)
    index = matcher.index
    table = matcher.prefix_table()
    looked_up = [text[s:e] if e - s <= MAX_WORD else "" for s, e in spans]
    state = _Scan(matcher, text, spans)
    state.segment = _segments(looked_up)
    starts: list[list[int]] = []
    for pos, (s, e) in enumerate(spans):
        if deadline is not None and pos % 64 == 0:
            deadline.check()
        word = text[s:e]
        # a short number in text (a field tag "20", a day) is no evidence of an identifier
        for entity, ident in index.by_identifier(word) if e - s >= MIN_IDENTIFIER else ():
            why = f"identifier {ident.scheme} {ident.value} appears in the text"
            match = Match.of_identifier(entity, ident, why, (s, e, word))
            state.found.append(Found(2.0, s, e, s, e, match=match))
        found = state.lookups.at(pos, looked_up) if looked_up[pos] else []
        state.seen(pos, found)
        started: set[int] = set()
        for reading in found:
            for wid in reading.words:
                started.update(table.names_by_word.get(wid, ()))
            for joined in reading.runs:
                started.update(name for name, _ in index.vocabulary.runs.get(joined, ()))
            started.update(index.weak(reading.compact))
        starts.append(sorted(started))
    for pos, names in enumerate(starts):
        if deadline is not None and pos % 64 == 0:
            deadline.check()
        for number in names:
            state.start(number, pos)
    return best_spans(text, state.found)
