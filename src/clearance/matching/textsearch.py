"""The search of one free text for the names its words started (`matching.text` cuts the text into words,
reads them and says which names each word starts; this module decides which windows to score and
records what they match).

A document repeats its words, and the names its words start are started again and again ("in" starts
FRIENDS TRAVEL INN at every "in" of 1 MB of prose: 5,000 times), so the work is done per distinct thing
where the outcome depends on nothing else, and per occurrence only where it depends on the place:

* per name (`_Name`, built the first time it is started): the positions each of its listed words and
  runs of words pairs with, with the words of the text they were met at (complete by then: every word
  is read before any name is searched). A name none of whose starts could reach the review threshold
  with every word of it met anywhere in the text is dropped at once;
* per name and occurrence: whether its words met around the starting word (a binary search per listed
  word met somewhere) cover enough of its weight (`Index.coverage`, remembered per set of positions);
* per name and distinct readings of a word (`textindex.Readings` gives equal readings one id): whether
  they pair with the name, and how far (which words may then end a window);
* per window: scored once per name (`done`), the comparison remembered by the window's normal form.

The windows scored, and the order in which what they match is recorded, are those of scoring every
window around every starting word, as the first version did: the hits are the same.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from clearance.domain.enums import NameRules, NameType
from clearance.matching.everyday import EVERYDAY
from clearance.matching.guards import WEAK_WORD_LETTERS, acronym_unwritten, frequent_alone
from clearance.matching.lookup import IndexedName
from clearance.matching.matcher import Matcher
from clearance.matching.normalise import NameForm, name_form
from clearance.matching.scorer import Comparison, Pair, listed_pieces
from clearance.matching.spans import Found
from clearance.matching.textindex import Reading, Readings
from clearance.matching.textscore import FormKey, WindowScores
from clearance.matching.tokens import is_initial
from clearance.perf import Recent

MAX_WINDOW = 10  # words in a window
MAX_STRETCH = 3  # words a scored window may take in either side when they change nothing
_WINDOWS = 100_000  # (window as written, name) comparisons remembered during one scan
_UNSEEN = object()
_SEPARATORS = frozenset(";|\n\r\t")  # between two names in a list ("DJI; Co. Ltd" is DJI alone)


def _capitalised_beside(text: str, spans: list[tuple[int, int]], pos: int, beside: int) -> bool:
    """Is word `beside` capitalised and next to word `pos`, no separator of names between them? A comma
    is none: lists write "SURNAME, Given names"."""
    if not 0 <= beside < len(spans):
        return False
    (s, e), (bs, be) = spans[pos], spans[beside]
    gap = text[e:bs] if pos < beside else text[be:s]
    return _SEPARATORS.isdisjoint(gap) and text[bs:be][:1].isupper()


def _mask(positions: set[int] | list[int] | range) -> int:
    return sum(1 << p for p in set(positions))


@dataclass(slots=True)
class _Name:
    """One started name as the search sees it: what its words pair with in the text, and where."""

    cand: IndexedName
    weak: bool
    reach: int  # words either side of a starting word where its other words are looked for
    width: int  # words in its longest window
    words: frozenset[int]
    run_keys: frozenset[str]
    compact: str
    han: str
    firsts: frozenset[str]
    initials: int  # the positions of its one-letter words (never looked up: counted as met), a bit each
    # per listed word or run met somewhere in the text: the words it was met at, the positions it covers
    probes: list[tuple[list[int], int]]
    viable: bool  # could some start reach the threshold, with every word met anywhere in the text?
    ends: dict[int, int] = field(default_factory=dict)  # readings id -> how far a pairing reading reaches
    done: set[tuple[int, int]] = field(default_factory=set)  # windows scored (near the last start)
    last: int = -1  # the last start that searched windows


class Search:
    """The windows scored for the names the words of one text started, and what they found."""

    def __init__(self, matcher: Matcher, text: str, spans: list[tuple[int, int]], lookups: Readings) -> None:
        self.matcher = matcher
        self.index = matcher.index
        self.text = text
        self.spans = spans
        self.lookups = lookups
        self.rids: list[int] = []  # per word of the text: the id of its readings
        self.segment: list[tuple[int, int]] = []
        self.found: list[Found] = []
        self._names: dict[int, _Name] = {}
        self._covers: dict[tuple[int, int], bool] = {}  # (name, positions met) -> could it reach review
        self._where: dict[int, list[int]] = {}  # listed word id -> the words that pair with it, in order
        self._where_runs: dict[str, list[int]] = {}  # listed run -> the same
        self.scores = WindowScores(matcher)
        self._windows: Recent[tuple[str, int], object] = Recent(_WINDOWS)  # (window, name) -> comparison

    def seen(self, pos: int, rid: int) -> None:
        """File the listed words and runs the readings at word `pos` pair with, by where they were met."""
        self.rids.append(rid)
        for reading in self.lookups.distinct[rid]:
            for wid in reading.words:
                self._where.setdefault(wid, []).append(pos)
            for piece in reading.runs:
                self._where_runs.setdefault(piece, []).append(pos)

    def _name(self, number: int) -> _Name:
        """What the search needs of a name, once every word of the text has been read."""
        cand = self.index.names[number]
        tokens = cand.form.tokens
        joined: dict[str, set[int]] = {}
        for piece, positions in listed_pieces(tokens):
            if len(positions) > 1:
                joined.setdefault(piece, set()).update(positions)
        by_word: dict[int, list[int]] = {}
        for p, wid in enumerate(cand.word_ids):
            by_word.setdefault(wid, []).append(p)
        probes = [(self._where[w], _mask(ps)) for w, ps in by_word.items() if w in self._where]
        probes += [(self._where_runs[r], _mask(ps)) for r, ps in joined.items() if r in self._where_runs]
        initials = _mask([p for p, t in enumerate(tokens) if is_initial(t)])
        weak = cand.name.type == NameType.WEAK
        everything = initials
        for _, bits in probes:
            everything |= bits
        size = len(tokens)
        return _Name(
            cand=cand,
            weak=weak,
            reach=size + 2,
            width=min(MAX_WINDOW, size + 2),
            words=frozenset(cand.word_ids),
            run_keys=frozenset(joined),
            compact=cand.form.compact,
            han=cand.form.han,
            firsts=frozenset(t[0] for t in tokens),
            initials=initials,
            probes=probes,
            viable=weak or self._could_reach(number, everything),
        )

    def _could_reach(self, number: int, mask: int) -> bool:
        found = self._covers.get((number, mask))
        if found is None:
            positions = {p for p in range(mask.bit_length()) if mask >> p & 1}
            found = self._covers[number, mask] = self.index.coverage(number, positions)
        return found

    def _end(self, name: _Name, rid: int) -> int:
        """How many words after its first the furthest of the readings `rid` that pair with the name
        reaches (-1: none pairs). A one-letter word (an initial, 阿 "a") is not looked up, and a Chinese
        character read alone may take another reading (茄 jia, in 茄子 qie): either may pair."""
        found = -1
        for reading in self.lookups.distinct[rid]:
            if reading.extent > found and _pairs(name, reading):
                found = reading.extent
        name.ends[rid] = found
        return found

    def viable(self, number: int) -> bool:
        """Could the name reach the review threshold anywhere, with every word of it met anywhere in
        the text (only once every word has been read)?"""
        name = self._names.get(number)
        if name is None:
            name = self._names[number] = self._name(number)
        return name.viable

    def start(self, number: int, pos: int) -> None:
        """Search the windows around word `pos` for the name `number` it started: when the name's words
        met around it (up to its length plus two either side) cover enough of its weight, every window
        of up to min(`MAX_WINDOW`, its length + 2) words holding word `pos` whose first and last words
        pair with the name."""
        name = self._names[number]  # `viable` has been asked
        first, last = self.segment[pos]
        if not name.weak:
            lo, hi = max(first, pos - name.reach), min(last, pos + name.reach)
            mask = name.initials
            for met, bits in name.probes:
                i = bisect_left(met, lo)
                if i < len(met) and met[i] <= hi:
                    mask |= bits
            covers = self._covers.get((number, mask))
            if covers is None:
                covers = self._could_reach(number, mask)
            if not covers:
                return
        width = name.width
        if pos - name.last > 2 * name.reach:
            name.done.clear()  # no window near the last start can hold a word this far on
        name.last = pos
        lo, hi = max(first, pos - width + 1), min(last, pos + width - 1)
        ends, reached, rids, known = [], -1, self.rids, name.ends
        for q in range(max(first, lo - 2), hi + 1):
            rid = rids[q]
            end = known.get(rid)
            if end is None:
                end = self._end(name, rid)
            if end >= 0 and q + end > reached:
                reached = q + end
            if q >= lo and reached >= q:
                ends.append(q)
        done = name.done
        for a in ends:
            if a > pos:
                break
            for b in ends:
                if b >= pos and b - a < width and (a, b) not in done:
                    done.add((a, b))
                    self._window(name.cand, a, b)

    def _form(self, a: int, b: int) -> tuple[NameForm, FormKey]:
        """The normal form of words a to b, and its key (equal for equal forms)."""
        form = name_form(self.text[self.spans[a][0] : self.spans[b][1]])
        return form, (form.tokens, form.han, form.hangul)

    def _tried(self, cand: IndexedName, a: int, b: int) -> FormKey:
        """The key of a wider window tried, compared with the name as the first version did: a later
        window of the same normal form takes this comparison, explanation included."""
        form, key = self._form(a, b)
        if form.tokens:
            self.scores.comparison(form, key, cand)
        return key

    def _window(self, cand: IndexedName, a: int, b: int) -> None:
        """Score words a to b against the name; a match may take in neighbouring legal forms that
        normalise away ("Tencent Holdings Ltd"): the span widens over them once chosen
        (`spans.best_spans`)."""
        window = (self.text[self.spans[a][0] : self.spans[b][1]], cand.number)
        cmp = self._windows.get(window, _UNSEEN)
        if cmp is _UNSEEN:
            form, key = self._form(a, b)
            cmp = self.scores.comparison(form, key, cand) if form.tokens else None
            self._windows.remember(window, cmp)
        if cmp is None:
            return
        assert isinstance(cmp, Comparison)
        key = self._form(a, b)[1]
        first, last = self.segment[a]
        wide_a, wide_b = a, b
        for nb in range(b + 1, min(last, b + MAX_STRETCH) + 1):
            if not self._legal(nb, nb - 1) or self._tried(cand, a, nb) != key:
                break
            wide_b = nb
        for na in range(a - 1, max(first, a - MAX_STRETCH) - 1, -1):
            if not self._legal(na, na + 1) or self._tried(cand, na, wide_b) != key:
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


def _pairs(name: _Name, reading: Reading) -> bool:
    """Does the reading pair with some word of the name: a listed word or run of it, its letters run
    together, one of its initials, one of its Chinese characters?"""
    return (
        not name.words.isdisjoint(reading.words)
        or (bool(reading.runs) and not name.run_keys.isdisjoint(reading.runs))
        or reading.compact == name.compact
        or (bool(reading.letters) and not name.firsts.isdisjoint(reading.letters))
        or (bool(reading.han) and reading.han in name.han)
    )


def _short_run(pair: Pair) -> bool:
    """Short words of prose run together: two or more, each of one or two letters ("is is", "I an")."""
    words = pair.left.split()
    return len(words) > 1 and all(len(w) <= 2 for w in words)


def _everyday_typo_run(pair: Pair) -> bool:
    """Everyday words of prose run together that meet a listed word only with a typo ("how this")."""
    words = pair.left.split()
    return len(words) > 1 and pair.similarity < 1.0 and all(w in EVERYDAY for w in words)
