"""Candidate index: which listed names could reach the review threshold against a query, found without
scoring every listed name.

Built once per engine over the distinct tokens of all strong names (a vocabulary), not over every name:

* each distinct token is filed under the keys of every way the scorer can match it: itself; its deletion
  neighbourhood up to the edits the scorer allows for its length (as in SymSpell: two words within k
  edits share a word with at most k letters deleted from each); its consonant skeleton (against names
  written without vowels); its romanised spelling; its given-name group; its number value; its Korean
  syllable key;
* each run of two to four adjacent tokens of a name is filed as one joined string, since the scorer
  matches a run only when it equals a token of the other name ("cam scanner" ~ "camscanner");
* a query's tokens and runs are looked up, the tokens found are checked with the scorer's own token
  similarity, and each name they occur in collects the positions matched on both sides.

A name survives only if both its coverage and the query's could still reach the review threshold with
every collected position matched perfectly: the score is low^0.7 * high^0.3 of the two coverages, so
it cannot reach `review` unless both coverages reach review^(1/0.7). This bound prunes names that share
only a generic word with the query, and it is safe: `tests/test_index.py` checks that the index returns
every name that a brute-force scan with the same scorer finds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from clearance.model import Entity, Identifier, Name
from clearance.names import NameForm, name_form, number_value
from clearance.perf import paused_gc
from clearance.scoring import (
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
    skeleton,
    token_similarity,
    vowel_frame,
)

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


@lru_cache(maxsize=262144)
def query_keys(token: str, typos: bool = True) -> tuple[str, ...]:
    """The keys a query token (or, without typos, a joined run) is looked up under."""
    keys = _variant_keys(token)
    if typos:
        keys |= _deletions(token, allowed_edits(len(token))) | _frame_key(token)
    sk = skeleton(token)
    if len(sk) >= 2 and (_abjad(token) or len(token) >= 4):
        # consonants meet the other kind of writing: vowelled words for an abjad query, and back
        keys.add((_VOWELLED if _abjad(token) else _ABJAD) + sk)
    return tuple(keys)


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


class Index:
    """Names and identifiers of a set of entities, filed for candidate lookup."""

    def __init__(self, entities: Iterable[Entity], review: float = DEFAULT_THRESHOLDS.review) -> None:
        self.names: list[IndexedName] = []
        self.need: float = float(review ** (1 / 0.7)) - 1e-9  # the coverage both sides must be able to reach
        self._vocab: dict[str, int] = {}
        self._tokens: list[str] = []
        self._postings: list[list[tuple[int, int]]] = []  # token id -> (name, position) pairs
        self._keys: dict[str, list[int]] = defaultdict(list)  # key -> token ids
        self._runs: dict[str, list[tuple[int, tuple[int, ...], str]]] = defaultdict(list)
        # runs by consonant skeleton: needed only by queries written without vowels, so built on the first
        self._skeletons: dict[str, list[tuple[int, tuple[int, ...], str]]] | None = None
        self._weak: dict[str, list[int]] = defaultdict(list)
        self._identifiers: dict[str, list[tuple[Entity, Identifier]]] = defaultdict(list)
        self._name_initials: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._bounds: list[tuple[tuple[float, ...], float]] = []  # per name: the scorer's weights, their sum
        with paused_gc():
            for entity in entities:
                self.add(entity)

    def add(self, entity: Entity) -> None:
        seen: set[tuple[str, tuple[str, ...], str]] = set()
        for name in entity.all_names():
            form = name_form(name.value)
            key = (name.type, form.tokens, form.han)
            if not form.tokens or key in seen:
                continue  # the same name written another way adds nothing to match
            seen.add(key)
            pos = len(self.names)
            self.names.append(IndexedName(entity, name, form))
            weights = _weights(form, entity.kind == "person")
            self._bounds.append((weights, sum(weights)))
            if name.type == "weak":
                self._weak[form.compact].append(pos)
                continue
            for i, token in enumerate(form.tokens):
                self._postings[self._token_id(token)].append((pos, i))
                if len(token) == 1 and entity.kind == "person":
                    self._name_initials[token].append((pos, i))  # J. pairs with any word in J
            for joined, positions in runs(form.tokens):
                for run_key in _run_keys(joined):
                    self._runs[run_key].append((pos, positions, joined))
                if self._skeletons is not None:
                    for run_key in _skeleton_key(joined):
                        self._skeletons[run_key].append((pos, positions, joined))
        for ident in entity.identifiers:
            self._identifiers[identifier_key(ident.value)].append((entity, ident))

    def _token_id(self, token: str) -> int:
        tid = self._vocab.get(token)
        if tid is None:
            tid = self._vocab[token] = len(self._tokens)
            self._tokens.append(token)
            self._postings.append([])
            for key in vocabulary_keys(token):
                self._keys[key].append(tid)
        return tid

    def _matching_tokens(self, piece: str, typos: bool = True) -> set[int]:
        """Listed tokens the scorer could pair with this query token or run (verified, not just keyed)."""
        found = set()
        for key in query_keys(piece, typos):
            for tid in self._keys.get(key, ()):
                if (
                    tid not in found
                    and token_similarity(piece, self._tokens[tid], False, True, True, typos) > 0
                ):
                    found.add(tid)
        return found

    def _collect(self, form: NameForm, prune: bool) -> dict[int, tuple[set[int], set[int]]]:
        """Each name sharing something with the query: its matched positions and the query's.

        With `prune`, postings are walked only for the query's rarest tokens (a prefix filter): a name
        must match enough of the query's weight to reach the threshold, so it must match one of the
        tokens without which the rest could not reach it. The other tokens are then checked against
        each collected name directly, which is cheap, instead of walking their long postings."""
        hits: dict[int, tuple[set[int], set[int]]] = {}

        def mark(name: int, name_positions: Iterable[int], query_positions: Iterable[int]) -> None:
            entry = hits.get(name)
            if entry is None:
                entry = hits[name] = (set(), set())
            entry[0].update(name_positions)
            entry[1].update(query_positions)

        matching = [self._matching_tokens(t) if len(t) > 1 else set() for t in form.tokens]
        walk = self._prefix(form, matching) if prune else set(range(len(form.tokens)))
        for qi in walk:
            token = form.tokens[qi]
            for tid in matching[qi]:
                for name, p in self._postings[tid]:
                    mark(name, (p,), (qi,))
            for name, p in self._name_initials.get(token[0], ()) if prune else ():
                mark(name, (p,), (qi,))
            checked: set[str] = set()
            for key in query_keys(token, False):
                for name, positions, joined in self._runs_under(key):
                    if joined in checked or token_similarity(token, joined, False, True, True, False) > 0:
                        checked.add(joined)
                        mark(name, positions, (qi,))
        for joined, qpositions in runs(form.tokens):
            for tid in self._matching_tokens(joined, typos=False):
                for name, p in self._postings[tid]:
                    mark(name, (p,), qpositions)
        rest = [qi for qi in range(len(form.tokens)) if qi not in walk and len(form.tokens[qi]) > 1]
        if rest:
            # what each unwalked query token pairs with: listed tokens (ids) and joined runs (strings)
            run_matches = {qi: self._matching_runs(form.tokens[qi]) for qi in rest}
            for name, (npos, qpos) in hits.items():
                for piece, positions in _pieces(self.names[name].form.tokens):
                    for qi in rest:
                        if (
                            self._vocab.get(piece) in matching[qi]
                            if len(positions) == 1
                            else piece in run_matches[qi]
                        ):
                            npos.update(positions)
                            qpos.add(qi)
        return hits

    def _runs_under(self, key: str) -> Sequence[tuple[int, tuple[int, ...], str]]:
        if key[0] not in (_ABJAD, _VOWELLED):
            return self._runs.get(key, ())
        if self._skeletons is None:
            self._skeletons = defaultdict(list)
            for pos, cand in enumerate(self.names):
                if cand.name.type == "strong":
                    for joined, positions in runs(cand.form.tokens):
                        for run_key in _skeleton_key(joined):
                            self._skeletons[run_key].append((pos, positions, joined))
        return self._skeletons.get(key, ())

    def _matching_runs(self, token: str) -> set[str]:
        """Joined runs of listed names that this query token pairs with."""
        found = set()
        for key in query_keys(token, False):
            for _, _, joined in self._runs_under(key):
                if joined not in found and token_similarity(token, joined, False, True, True, False) > 0:
                    found.add(joined)
        return found

    def _prefix(self, form: NameForm, matching: list[set[int]]) -> set[int]:
        """The query tokens whose postings must be walked: the rarest ones, until the others together
        could not reach the threshold, under either weighting (person or not)."""
        walk: set[int] = set()
        for person in (False, True):
            weights = _weights(form, person)
            total = sum(weights)
            # initials cannot be looked up: count them as matched, and never walk them
            remaining = total
            order = sorted(
                (i for i in range(len(form.tokens)) if len(form.tokens[i]) > 1),
                key=lambda i: sum(len(self._postings[t]) for t in matching[i]),
            )
            for i in order:
                if remaining < self.need * total:
                    break
                walk.add(i)
                remaining -= weights[i]
        return walk

    def positions(self, form: NameForm) -> dict[int, set[int]]:
        """For a word or two of free text: each name (by its number in `names`) sharing a matching token
        with it, and which of the name's positions match; weak aliases only when equal to it."""
        found = {name: npos for name, (npos, _) in self._collect(form, False).items()}
        for name in self._weak.get(form.compact, ()):
            found[name] = set(range(len(self.names[name].form.tokens)))
        return found

    def coverage(self, name: int, positions: set[int]) -> bool:
        """Could a name reach the review threshold with these of its positions matched?"""
        weights, total = self._bounds[name]
        return total > 0 and sum(weights[i] for i in positions if i < len(weights)) >= self.need * total

    def candidates(self, form: NameForm) -> list[IndexedName]:
        """Strong names that could reach the review threshold, and weak aliases equal to the whole query."""
        found = set(self._weak.get(form.compact, ()))
        initials = {t for t in form.tokens if len(t) == 1}
        query_weights = {False: _weights(form, False), True: _weights(form, True)}
        query_totals = {k: sum(v) for k, v in query_weights.items()}
        for name, (npos, qpos) in self._collect(form, True).items():
            person = self.names[name].entity.kind == "person"
            if person:
                npos, qpos = self._initials(self.names[name].form.tokens, form.tokens, npos, qpos, initials)
            weights, total = self._bounds[name]
            qw, qt = query_weights[person], query_totals[person]
            if (
                total
                and qt
                and sum(weights[i] for i in npos) >= self.need * total
                and sum(qw[i] for i in qpos) >= self.need * qt
            ):
                found.add(name)
        return [self.names[i] for i in sorted(found)]

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
