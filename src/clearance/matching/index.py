"""Candidate index: which listed names could reach the review threshold against a query, found without
scoring every listed name, and which pieces of each are worth scoring.

Built once per engine over the distinct tokens of all strong names (a vocabulary), not over every name:

* each distinct token is filed under the keys of every way the scorer can match it: itself; its deletion
  neighbourhood up to the edits the scorer allows for its length (as in SymSpell: two words within k
  edits share a word with at most k letters deleted from each); its consonant skeleton (against names
  written without vowels); its romanised spelling; its given-name group; its number value; its Korean
  syllable key; its vowel frame;
* each run of two to four adjacent tokens of a name is filed as one joined string, since the scorer
  matches a run only when it equals a token of the other name ("cam scanner" ~ "camscanner").

A query gets one `Lookup`: its tokens and runs are looked up and the listed tokens found are verified
in bulk (edit distances in one rapidfuzz call). Names are then narrowed in steps, each of them safe:

* gathered only through the query's rarest tokens (a prefix filter: without one of them, the rest of
  the query's weight could not reach the threshold);
* kept only if they match every essential word of the query (one without which it could not either);
* kept only if their own coverage, and then the query's, could reach the threshold with every matched
  position matched perfectly: the score is low^0.7 * high^0.3 of the two coverages, so it cannot reach
  `review` unless both coverages reach review^(1/0.7).

`tests/test_index.py` checks that the index returns every name that a brute-force scan with the same
scorer finds, and that scoring only the pairs of pieces the lookup found (`Lookup.pairs`) gives the
score of all pairs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from clearance.domain.model import Entity, Identifier, Name
from clearance.matching.normalise import NameForm, name_form, number_value
from clearance.matching.scorer import (
    _GIVEN,
    _SYLLABLE,
    DEFAULT_THRESHOLDS,
    VOWEL_FRAME_MIN,
    _abjad,
    _pieces,
    _weights,
    allowed_edits,
    korean_key,
    pieces,
    romanised,
    run_skeleton,
    skeleton,
    token_similarity,
    vowel_frame,
)
from clearance.perf import Recent, paused_gc

_ID_CLEAN = re.compile(r"[\s\-]+")


def identifier_key(value: str) -> str:
    """Identifiers compare exactly after case folding and removing spaces and hyphens."""
    return _ID_CLEAN.sub("", value).casefold()


def _deletions(token: str, depth: int) -> set[str]:
    """Every string made by deleting up to `depth` letters (depth 0, 1 or 2)."""
    if depth == 0:
        return set()
    first = {token[:i] + token[i + 1 :] for i in range(len(token))}
    if depth == 1:
        return first
    return first | {d[:i] + d[i + 1 :] for d in first for i in range(len(d))}


# Keys are plain strings for a token's own spelling, its romanised spelling and its deletion neighbourhood
# (one namespace: a romanised spelling is just another spelling), and prefixed by a character no token
# holds for the rest: "\x01" given-name group, "\x02" number, "\x03" Korean syllable, "\x04"/"\x05"
# consonant skeleton of a word written without / with vowels, "\x06" vowel frame (vowels blanked).
_GROUP, _NUMBER, _KOREAN, _ABJAD, _VOWELLED, _FRAME = "\x01", "\x02", "\x03", "\x04", "\x05", "\x06"


@lru_cache(maxsize=65536)
def query_keys(token: str, typos: bool = True) -> tuple[str, ...]:
    """The keys a query token is looked up under: with typos, against listed tokens; without, against
    joined runs of listed names (the scorer then allows no romanisation or Korean variants either)."""
    if typos:
        keys = _variant_keys(token) | _deletions(token, allowed_edits(len(token))) | _frame_key(token)
    else:
        keys = _exact_keys(token)
    return tuple(keys | _across_writing(token, skeleton(token), _abjad(token)))


def joined_keys(tokens: Sequence[str]) -> set[str]:
    """The keys a run of the query's tokens, joined, is looked up under among listed tokens."""
    joined = "".join(tokens)
    return _exact_keys(joined) | _across_writing(joined, *run_skeleton(tokens))


def _across_writing(piece: str, consonants: str, abjad: bool) -> set[str]:
    """Consonants meet the other kind of writing: vowelled words for a piece written without vowels,
    and back."""
    if len(consonants) >= 2 and (abjad or len(piece) >= 4):
        return {(_VOWELLED if abjad else _ABJAD) + consonants}
    return set()


def vocabulary_keys(token: str) -> set[str]:
    """The keys a listed token is filed under (its runs: `_run_keys`)."""
    return (
        _variant_keys(token)
        | _deletions(token, allowed_edits(len(token)))
        | _skeleton_key(token)
        | _frame_key(token)
    )


def _frame_key(token: str) -> set[str]:
    return {_FRAME + vowel_frame(token)} if len(token) >= VOWEL_FRAME_MIN else set()


def _skeleton_key(piece: str) -> set[str]:
    sk = skeleton(piece)
    return {(_ABJAD if _abjad(piece) else _VOWELLED) + sk} if len(sk) >= 2 else set()


def _exact_keys(piece: str) -> set[str]:
    """The piece itself, its given-name group and its number value: what even a joined run meets."""
    keys = {piece}
    group = _GIVEN.get(piece)
    if group is not None:
        keys.add(f"{_GROUP}{group}")
    number = number_value(piece)
    if number is not None:
        keys.add(_NUMBER + number)
    return keys


def _variant_keys(token: str) -> set[str]:
    keys = _exact_keys(token)
    if len(token) >= 4:
        keys.add(romanised(token))
    if len(token) <= 6 and _SYLLABLE.match(token):
        keys.add(_KOREAN + korean_key(token))
    return keys


def runs(tokens: tuple[str, ...]) -> list[tuple[str, tuple[int, ...]]]:
    """Runs of two to four adjacent tokens, joined, with the positions they cover (the scorer's pieces
    other than single tokens)."""
    return [piece for piece in pieces(tokens) if len(piece[1]) > 1]


def _run_keys(joined: str) -> set[str]:
    """A joined run pairs with a token as written, as a given-name variant, by number, or by its
    consonants against a name written without vowels (those keys: `Index._skeletons`); never with a
    typo (see token_similarity)."""
    return _exact_keys(joined)


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: Entity
    name: Name
    form: NameForm
    number: int  # its place in `Index.names`


CACHE_SIZE = 100_000  # query tokens whose matching listed tokens and runs are remembered
_NONE: frozenset[int] = frozenset()  # one empty set shared by every run that meets no listed word
SMALL_GATHER = 48  # up to this many names gathered, the name-side bound loops; beyond, it is vectorised


class Lookup:
    """What the index found for one query: the listed tokens and runs each piece of the query may pair
    with, and from those the names that could reach the review threshold (`candidates`).

    The same tables tell the scorer which pairs of pieces to try (`pairs`): a pair they do not hold
    scores 0, so the query is compared once with the whole vocabulary, here, and each candidate is then
    scored by table lookups instead of trying every piece of the query against every piece of the name."""

    __slots__ = (
        "_by_run",
        "_by_token",
        "_index",
        "candidates",
        "form",
        "matched",
        "matches",
        "pieces",
        "run_matches",
    )

    def __init__(self, index: Index, form: NameForm) -> None:
        self._index = index
        self.form = form
        self.pieces = pieces(form.tokens)  # not remembered: queries are nearly all new
        # per piece of the query (its tokens, then its runs, as `pieces` numbers them): listed token ids
        self.matches: list[frozenset[int]] = [
            (
                index.token_matches(piece, form.hangul)
                if len(positions) == 1
                else index.run_matches(form.tokens[positions[0] : positions[-1] + 1])
            )
            if len(piece) > 1
            else frozenset()
            for piece, positions in self.pieces
        ]
        # per token of the query: runs of listed names it pairs with ("camscanner" ~ "cam scanner")
        self.run_matches: list[frozenset[str]] = [
            index.matching_runs(t) if len(t) > 1 else frozenset() for t in form.tokens
        ]
        self.matched = frozenset().union(*self.matches)  # every listed token some piece pairs with
        self._by_token: dict[int, list[int]] | None = None
        self._by_run: dict[str, list[int]] | None = None
        self.candidates: list[int] = []

    @classmethod
    def empty(cls, index: Index, form: NameForm) -> Lookup:
        """A lookup known to have no candidates, without its tables."""
        lookup = cls.__new__(cls)
        lookup._index, lookup.form, lookup.pieces = index, form, ()
        lookup.matches, lookup.run_matches, lookup.matched = [], [], frozenset()
        lookup._by_token = lookup._by_run = None
        lookup.candidates = []
        return lookup

    def _tables(self) -> tuple[dict[int, list[int]], dict[str, list[int]]]:
        """Listed token id -> the query pieces it pairs with; listed run -> the query tokens (built only
        for a query that has candidates to score)."""
        if self._by_token is None or self._by_run is None:
            self._by_token = defaultdict(list)
            for a, tids in enumerate(self.matches):
                for tid in tids:
                    self._by_token[tid].append(a)
            self._by_run = defaultdict(list)
            for qi, joined in enumerate(self.run_matches):
                for j in joined:
                    self._by_run[j].append(qi)
        return self._by_token, self._by_run

    def pairs(self, name: int) -> list[tuple[int, int]]:
        """(query piece, listed piece) pairs, numbered as `pieces` numbers them, that may score above 0:
        those the tables hold, and every pair with a one-letter token (initials are not looked up)."""
        listed = _pieces(self._index.names[name].form.tokens)
        tids = self._index.name_tokens[name]
        by_token, by_run = self._tables()
        out: set[tuple[int, int]] = set()
        for b, (piece, positions) in enumerate(listed):
            if len(positions) == 1:
                out.update((a, b) for a in by_token.get(tids[positions[0]], ()))
                if len(piece) == 1:
                    out.update((a, b) for a in range(len(self.pieces)))
            else:
                out.update((a, b) for a in by_run.get(piece, ()))
        for a, token in enumerate(self.form.tokens):
            if len(token) == 1:
                out.update((a, b) for b in range(len(listed)))
        return sorted(out)


@dataclass(frozen=True, slots=True)
class _Arrays:
    """Every strong name's tokens end to end (`start[n]` to `start[n + 1]`), for vectorised bounds."""

    start: np.ndarray[Any, np.dtype[np.int64]]  # per name, and one past the last
    token: np.ndarray[Any, np.dtype[np.int32]]  # token id at each position
    weight: np.ndarray[Any, np.dtype[np.float64]]  # the scorer's weight of each position
    first: np.ndarray[Any, np.dtype[np.uint8]]  # first letter of each position's token
    person: np.ndarray[Any, np.dtype[np.bool_]]  # the position is in a person's name
    person_initial: np.ndarray[Any, np.dtype[np.bool_]]  # ... and is an initial
    need: np.ndarray[Any, np.dtype[np.float64]]  # per name: the weight its matched positions must reach

    @classmethod
    def of(cls, index: Index) -> _Arrays:
        lengths = [len(tids) for tids in index.name_tokens]
        start = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=start[1:])
        person = np.repeat(np.array(index._person, dtype=bool), lengths)
        first = np.fromiter(
            (ord(index._tokens[tid][0]) for tids in index.name_tokens for tid in tids), dtype=np.uint8
        )
        single = np.fromiter(
            (len(index._tokens[tid]) == 1 for tids in index.name_tokens for tid in tids), dtype=bool
        )
        return cls(
            start=start,
            token=np.fromiter((tid for tids in index.name_tokens for tid in tids), dtype=np.int32),
            weight=np.fromiter(
                (
                    w
                    for (weights, _), tids in zip(index._bounds, index.name_tokens, strict=True)
                    for w in weights[: len(tids)]
                ),
                dtype=np.float64,
            ),
            first=first,
            person=person,
            person_initial=person & single,
            need=np.array([index.need * total for _, total in index._bounds], dtype=np.float64),
        )


class Index:
    """Names and identifiers of a set of entities, filed for candidate lookup."""

    def __init__(self, entities: Iterable[Entity], review: float = DEFAULT_THRESHOLDS.review) -> None:
        self.names: list[IndexedName] = []
        self.need: float = float(review ** (1 / 0.7)) - 1e-9  # the coverage both sides must be able to reach
        self.name_tokens: list[tuple[int, ...]] = []  # per name: its tokens' ids (none for weak aliases)
        self._vocab: dict[str, int] = {}
        self._tokens: list[str] = []
        self._names_of: list[list[int]] = []  # token id -> names holding it
        self._keys: dict[str, list[int]] = defaultdict(list)  # key -> token ids
        self._run_keys: dict[str, set[str]] = defaultdict(set)  # key -> joined runs
        # joined run -> (name, positions); runs by their consonants, for queries written without vowels
        # (needed by few queries: built on the first, or by `prepare`)
        self._runs: dict[str, list[tuple[int, tuple[int, ...]]]] = defaultdict(list)
        self._skeletons: dict[str, set[str]] | None = None
        self._weak: dict[str, list[int]] = defaultdict(list)
        self._identifiers: dict[str, list[tuple[Entity, Identifier]]] = defaultdict(list)
        self._initial_names: dict[str, list[int]] = defaultdict(list)  # letter -> persons with that initial
        self._bounds: list[tuple[tuple[float, ...], float]] = []  # per name: the scorer's weights, their sum
        self._person: list[bool] = []
        self._has_initial: list[bool] = []
        self._token_cache: Recent[tuple[str, bool], tuple[frozenset[int], int]] = Recent(CACHE_SIZE)
        self._hangul_tokens: set[int] = set()  # tokens of names written in Korean script
        self._run_cache: Recent[str, frozenset[str]] = Recent(CACHE_SIZE)
        self._joined_cache: Recent[tuple[str, ...], frozenset[int]] = Recent(CACHE_SIZE)  # runs' tokens
        # the queries without candidates; per query token, the names matching it
        self._fruitless: Recent[tuple[tuple[str, ...], str, bool], None] = Recent(CACHE_SIZE)
        self._token_names: Recent[tuple[str, bool], frozenset[int]] = Recent(CACHE_SIZE)
        self._flat: _Arrays | None = None  # built on the first lookup, again after `add`
        with paused_gc():
            for entity in entities:
                self.add(entity)

    def add(self, entity: Entity) -> None:
        self._flat = None  # what was built or remembered from the names so far no longer holds
        for cache in (
            self._token_cache,
            self._run_cache,
            self._joined_cache,
            self._fruitless,
            self._token_names,
        ):
            cache.clear()
        seen: set[tuple[str, tuple[str, ...], str]] = set()
        person = entity.kind == "person"
        for name in entity.all_names():
            form = name_form(name.value)
            key = (name.type, form.tokens, form.han)
            if not form.tokens or key in seen:
                continue  # the same name written another way adds nothing to match
            seen.add(key)
            pos = len(self.names)
            self.names.append(IndexedName(entity, name, form, pos))
            weights = _weights(form, person)
            self._bounds.append((weights, sum(weights)))
            self._person.append(person)
            initials = {t for t in form.tokens if len(t) == 1} if person else set()
            self._has_initial.append(bool(initials))
            if name.type == "weak":
                self.name_tokens.append(())
                self._weak[form.compact].append(pos)
                continue
            tids = tuple(self._token_id(token) for token in form.tokens)
            self.name_tokens.append(tids)
            if form.hangul:
                self._hangul_tokens.update(tids)
            for tid in set(tids):
                self._names_of[tid].append(pos)
            for letter in initials:
                self._initial_names[letter].append(pos)  # J. pairs with any word in J
            for joined, positions in runs(form.tokens):
                self._runs[joined].append((pos, positions))
                for run_key in _run_keys(joined):
                    self._run_keys[run_key].add(joined)
                if self._skeletons is not None:
                    for run_key in _skeleton_key(joined):
                        self._skeletons[run_key].add(joined)
        for ident in entity.identifiers:
            self._identifiers[identifier_key(ident.value)].append((entity, ident))

    def _token_id(self, token: str) -> int:
        tid = self._vocab.get(token)
        if tid is None:
            tid = self._vocab[token] = len(self._tokens)
            self._tokens.append(token)
            self._names_of.append([])
            for key in vocabulary_keys(token):
                self._keys[key].append(tid)
        return tid

    # -- what a query token pairs with (verified with the scorer, not just keyed), remembered ------------

    def token_matches(self, token: str, hangul: bool = False) -> frozenset[int]:
        """Listed tokens the scorer could pair with this query token; `hangul`: the query is written in
        Korean script (its syllables meet every other spelling)."""
        return self._token_matches(token, hangul)[0]

    def _token_matches(self, token: str, hangul: bool) -> tuple[frozenset[int], int]:
        """A query token's matching listed tokens and how many names hold them (its rarity), remembered:
        names share their tokens."""
        found = self._token_cache.get((token, hangul))
        if found is None:
            keyed = {tid for key in query_keys(token) for tid in self._keys.get(key, ())}
            tids = frozenset(self._verified(token, sorted(keyed), True, hangul))
            found = (tids, sum(len(self._names_of[tid]) for tid in tids))
            self._token_cache.remember((token, hangul), found)
        return found

    def run_matches(self, tokens: tuple[str, ...]) -> frozenset[int]:
        """Listed tokens the scorer could pair with a run of the query's tokens joined: by spelling,
        given-name group, number or consonants only. Remembered: runs recur (a given name with a middle
        name, the words of company names), more than half of them in a payment file."""
        found = self._joined_cache.get(tokens)
        if found is None:
            keyed = {tid for key in joined_keys(tokens) for tid in self._keys.get(key, ())}
            found = (
                frozenset(self._verified("".join(tokens), sorted(keyed), False, False)) if keyed else _NONE
            )
            self._joined_cache.remember(tokens, found)
        return found

    def _verified(self, piece: str, tids: list[int], typos: bool, hangul: bool) -> Iterable[int]:
        """The keyed tokens the scorer really pairs with the piece. Edit distances are computed in one
        vectorised call: within the allowed edits and with the same first letter, two words (not
        numbers) always pair; the scorer's other rules are tried one by one on the rest."""
        words = [self._tokens[tid] for tid in tids]
        close = [False] * len(tids)
        if typos and words and number_value(piece) is None:
            distances = cdist([piece], words, scorer=OSA.distance, score_cutoff=2, workers=1)[0].tolist()
            close = [
                d <= allowed_edits(min(len(piece), len(w))) and w[0] == piece[0] and number_value(w) is None
                for d, w in zip(distances, words, strict=True)
            ]
        for tid, word, near in zip(tids, words, close, strict=True):
            # Korean syllables meet other romanisations only when one side is written in Hangul
            korean = hangul or tid in self._hangul_tokens
            if near or token_similarity(piece, word, False, True, korean, typos) > 0:
                yield tid

    def matching_runs(self, token: str) -> frozenset[str]:
        """Joined runs of listed names that this query token pairs with."""
        found = self._run_cache.get(token)
        if found is None:
            found = frozenset(
                joined
                for key in query_keys(token, False)
                for joined in self._runs_under(key)
                if token_similarity(token, joined, False, True, True, False) > 0
            )
            self._run_cache.remember(token, found)
        return found

    def _runs_under(self, key: str) -> set[str]:
        if key[0] not in (_ABJAD, _VOWELLED):
            return self._run_keys.get(key, set())
        return self._run_skeletons().get(key, set())

    def _run_skeletons(self) -> dict[str, set[str]]:
        if self._skeletons is None:
            skeletons: dict[str, set[str]] = defaultdict(set)
            for joined in self._runs:
                for run_key in _skeleton_key(joined):
                    skeletons[run_key].add(joined)
            self._skeletons = skeletons
        return self._skeletons

    def prepare(self) -> None:
        """Build now what is otherwise built on first use: before forking workers, so that they share it,
        and before timing a first query."""
        with paused_gc():
            self._run_skeletons()
            self._arrays()

    # -- names a query could match --------------------------------------------------------------------

    def lookup(self, form: NameForm) -> Lookup:
        """The query's tables, and its candidates: strong names that could reach the review threshold,
        and weak aliases equal to the whole query.

        Names written differently but alike once normalised ("Star Imports Ltd", "STAR IMPORTS S.A.")
        share what was found: that there is no candidate, for the most recent such names (most names).
        A lookup with candidates is not kept: its tables are large, and the few names that have
        candidates are remembered with their matches by the engine."""
        key = (form.tokens, form.han, form.hangul)
        if key in self._fruitless:
            return Lookup.empty(self, form)
        found = self._lookup(form)
        if not found.candidates:
            self._fruitless.remember(key, None)
        return found

    def _lookup(self, form: NameForm) -> Lookup:
        lookup = Lookup(self, form)
        found = set(self._weak.get(form.compact, ()))
        initials = {t for t in form.tokens if len(t) == 1}
        query_weights = {False: _weights(form, False), True: _weights(form, True)}
        query_totals = {k: sum(v) for k, v in query_weights.items()}
        names, run_hits = self._gather(lookup, True)
        for i in self._essential(form, query_weights, query_totals):
            if not names:
                break
            direct, other = self._names_matching(lookup, i, run_hits)
            names = (names & direct) | (names & other)
        need = self.need
        for name in self._name_side(names, lookup, initials) | run_hits.keys():
            weights, total = self._bounds[name]
            person = self._person[name]
            npos, qpos = self._matched(name, lookup, run_hits)
            if person and (initials or self._has_initial[name]):
                npos, qpos = self._initials(self.names[name].form.tokens, form.tokens, npos, qpos, initials)
            qw, qt = query_weights[person], query_totals[person]
            if (
                total
                and qt
                and sum([weights[i] for i in npos]) >= need * total
                and sum([qw[i] for i in qpos]) >= need * qt
            ):
                found.add(name)
        lookup.candidates = sorted(found)
        return lookup

    def _essential(
        self, form: NameForm, weights: dict[bool, tuple[float, ...]], totals: dict[bool, float]
    ) -> list[int]:
        """Query tokens without which, under either weighting, the query's side cannot reach the
        threshold (each of two or three equal words): every candidate must match them."""
        return [
            i
            for i, token in enumerate(form.tokens)
            if len(token) > 1
            and all(totals[p] - weights[p][i] < self.need * totals[p] for p in (False, True))
        ]

    def _holding(self, lookup: Lookup, i: int) -> frozenset[int]:
        """The names holding a listed token that the query's token `i` pairs with (remembered)."""
        key = (lookup.form.tokens[i], lookup.form.hangul)
        found = self._token_names.get(key)
        if found is None:
            found = frozenset().union(*(self._names_of[tid] for tid in lookup.matches[i]))
            self._token_names.remember(key, found)
        return found

    def _names_matching(
        self, lookup: Lookup, i: int, run_hits: dict[int, list[tuple[tuple[int, ...], int]]]
    ) -> tuple[frozenset[int], set[int]]:
        """Every name that matches the query's token `i` by any way the scorer has: the token itself
        (remembered, as its matches are), and the rarer ways, a run of the query's tokens holding it, a
        run of the name's, or an initial of a person's name."""
        token = lookup.form.tokens[i]
        direct = self._holding(lookup, i)
        other: set[int] = set(self._initial_names.get(token[0], ()))
        for a in range(len(lookup.form.tokens), len(lookup.pieces)):
            if lookup.matches[a] and i in lookup.pieces[a][1]:
                for tid in lookup.matches[a]:
                    other.update(self._names_of[tid])
        other.update(name for name, hits in run_hits.items() if any(qi == i for _, qi in hits))
        return direct, other

    def _name_side(
        self, names: set[int], lookup: Lookup, initials: set[str], small: int = SMALL_GATHER
    ) -> set[int]:
        """The gathered names whose own side could reach the threshold by the tokens the query matched
        (and the initials a person's name pairs with), their runs aside: a loop for the handful of
        names most queries keep, one vectorised pass for the thousands a query of common words can."""
        if len(names) <= small:
            return self._name_side_loop(names, lookup, initials)
        arrays = self._arrays()
        gathered = np.fromiter(names, dtype=np.int64, count=len(names))
        starts = arrays.start[gathered]
        lengths = arrays.start[gathered + 1] - starts
        offsets = np.cumsum(lengths) - lengths
        flat = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
        matched = np.zeros(len(self._tokens), dtype=bool)
        matched[np.fromiter(lookup.matched, dtype=np.int64, count=len(lookup.matched))] = True
        hit = matched[arrays.token[flat]]
        first = arrays.first[flat]
        # a person's initial pairs with a query word it begins; a query initial with the words it begins
        firsts = np.zeros(128, dtype=bool)
        firsts[[ord(t[0]) for t in lookup.form.tokens]] = True
        hit |= arrays.person_initial[flat] & firsts[first]
        if initials:
            letters = np.zeros(128, dtype=bool)
            letters[[ord(t) for t in initials]] = True
            hit |= arrays.person[flat] & letters[first]
        covered = np.add.reduceat(np.where(hit, arrays.weight[flat], 0.0), offsets)
        return set(gathered[covered >= arrays.need[gathered]].tolist())

    def _name_side_loop(self, names: set[int], lookup: Lookup, initials: set[str]) -> set[int]:
        """`_name_side` one name at a time: faster for the few names most queries gather."""
        firsts = {t[0] for t in lookup.form.tokens}
        matched = lookup.matched
        out = set()
        for name in names:
            weights, total = self._bounds[name]
            tids = self.name_tokens[name]
            if self._person[name] and (initials or self._has_initial[name]):
                tokens = self.names[name].form.tokens
                covered = sum(
                    [
                        w
                        for w, tid, t in zip(weights, tids, tokens, strict=True)
                        if tid in matched or t[0] in initials or (len(t) == 1 and t in firsts)
                    ]
                )
            else:
                covered = sum([w for w, tid in zip(weights, tids, strict=True) if tid in matched])
            if covered >= self.need * total:
                out.add(name)
        return out

    def _arrays(self) -> _Arrays:
        if self._flat is None:
            self._flat = _Arrays.of(self)
        return self._flat

    def candidates(self, form: NameForm) -> list[IndexedName]:
        """The names `lookup` finds, themselves."""
        return [self.names[i] for i in self.lookup(form).candidates]

    def _gather(
        self, lookup: Lookup, prune: bool
    ) -> tuple[set[int], dict[int, list[tuple[tuple[int, ...], int]]]]:
        """Names sharing something with the query, and the listed runs each of them matched.

        With `prune`, names are gathered only from the query's rarest tokens (a prefix filter): a name
        must match enough of the query's weight to reach the threshold, so it must match one of the
        tokens without which the rest could not reach it: by itself, in a run of the query's tokens, or
        against a run of the name's. A name's matched runs are all returned, for its coverage."""
        tokens = lookup.form.tokens
        names: set[int] = set()
        walk = self._prefix(lookup) if prune else set(range(len(tokens)))
        for qi in walk:
            if len(tokens[qi]) > 1:
                names.update(self._holding(lookup, qi))
            if prune:
                names.update(self._initial_names.get(tokens[qi][0], ()))
        for a in range(len(tokens), len(lookup.pieces)):  # the query's runs against listed tokens
            if not walk.isdisjoint(lookup.pieces[a][1]):
                for tid in lookup.matches[a]:
                    names.update(self._names_of[tid])
        run_hits: dict[int, list[tuple[tuple[int, ...], int]]] = defaultdict(list)
        for qi, joined_runs in enumerate(lookup.run_matches):
            for joined in joined_runs:
                for name, positions in self._runs[joined]:
                    run_hits[name].append((positions, qi))
                    if qi in walk:
                        names.add(name)
        return names, run_hits

    def _matched(
        self, name: int, lookup: Lookup, run_hits: dict[int, list[tuple[tuple[int, ...], int]]]
    ) -> tuple[set[int], set[int]]:
        """The name's positions and the query's that some piece of the other side pairs with."""
        tids = self.name_tokens[name]
        npos = {p for p, tid in enumerate(tids) if tid in lookup.matched}
        qpos: set[int] = set()
        for matches, (_, positions) in zip(lookup.matches, lookup.pieces, strict=True):
            if matches and not matches.isdisjoint(tids):
                qpos.update(positions)
        for positions, qi in run_hits.get(name, ()):
            npos.update(positions)
            qpos.add(qi)
        return npos, qpos

    def _prefix(self, lookup: Lookup) -> set[int]:
        """The query tokens whose names must be gathered: the rarest ones, until the others together
        could not reach the threshold, under either weighting (person or not)."""
        form = lookup.form
        walk: set[int] = set()
        order = sorted(
            (i for i in range(len(form.tokens)) if len(form.tokens[i]) > 1),
            key=lambda i: self._token_matches(form.tokens[i], form.hangul)[1],
        )
        for person in (False, True):
            weights = _weights(form, person)
            total = sum(weights)
            # initials cannot be looked up: count them as matched, and never walk them
            remaining = total
            for i in order:
                if remaining < self.need * total:
                    break
                walk.add(i)
                remaining -= weights[i]
        return walk

    def positions(self, form: NameForm) -> dict[int, set[int]]:
        """For a word or two of free text: each name (by its number in `names`) sharing a matching token
        with it, and which of the name's positions match; weak aliases only when equal to it."""
        lookup = Lookup(self, form)
        names, run_hits = self._gather(lookup, False)
        found = {name: self._matched(name, lookup, run_hits)[0] for name in names}
        for name in self._weak.get(form.compact, ()):
            found[name] = set(range(len(self.names[name].form.tokens)))
        return found

    def coverage(self, name: int, positions: set[int]) -> bool:
        """Could a name reach the review threshold with these of its positions matched?"""
        weights, total = self._bounds[name]
        return total > 0 and sum(weights[i] for i in positions if i < len(weights)) >= self.need * total

    @staticmethod
    def _initials(
        tokens: Sequence[str], query: Sequence[str], npos: set[int], qpos: set[int], initials: set[str]
    ) -> tuple[set[int], set[int]]:
        """An initial pairs with any word it begins (J ~ John), on either side: count such positions."""
        name_initials = {t for t in tokens if len(t) == 1}
        if initials:
            npos = npos | {i for i, t in enumerate(tokens) if t[0] in initials}
            firsts = {t[0] for t in tokens}
            qpos = qpos | {i for i, t in enumerate(query) if len(t) == 1 and t in firsts}
        if name_initials:
            qpos = qpos | {i for i, t in enumerate(query) if t[0] in name_initials}
            firsts = {t[0] for t in query}
            npos = npos | {i for i, t in enumerate(tokens) if len(t) == 1 and t in firsts}
        return npos, qpos

    def by_identifier(self, value: str) -> Sequence[tuple[Entity, Identifier]]:
        return self._identifiers.get(identifier_key(value), ())

    def __len__(self) -> int:
        return len(self.names)
