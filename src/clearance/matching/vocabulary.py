"""The distinct words of every listed name, filed under their keys, and which of them a query word pairs
with: the first half of the candidate index (the second, `matching.index`, goes from words to names).

Names share their words, so a query word is compared with the vocabulary once, not with every name: its
keys (`matching.keys`) give the listed words it may pair with, which are then verified with the
scorer's own token rules, the edit distances all in one rapidfuzz call. What a query word pairs with is
remembered for the most recent words (`perf.Recent`), as is what a run of query words pairs with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from clearance.matching.keys import (
    ABJAD,
    VOWELLED,
    joined_keys,
    query_keys,
    run_keys,
    skeleton_key,
    vocabulary_keys,
)
from clearance.matching.normalise import number_value
from clearance.matching.tokens import MAX_TYPO_LETTERS, pair_edits, rules_for, token_similarity
from clearance.perf import Recent

CACHE_SIZE = 100_000  # query words whose matching listed words and runs are remembered
_NONE: frozenset[int] = frozenset()  # one empty set shared by every run that meets no listed word
_KOREAN_JOINED = rules_for(korean=True, joined=True)


class Vocabulary:
    """Listed words by id, the names holding each (by their number in the index), the runs of adjacent
    words of every name, and the caches of what query words pair with. `clear_caches` must follow any
    change (the index calls it from `add`)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.names_of: list[list[int]] = []  # word id -> names holding it
        self.hangul: set[int] = set()  # words of names written in Korean script
        # joined run -> (name, positions); runs by their consonants, for queries written without vowels
        # (needed by few queries: built on the first, or by `prepare`)
        self.runs: dict[str, list[tuple[int, tuple[int, ...]]]] = defaultdict(list)
        self._keys: dict[str, list[int]] = defaultdict(list)  # key -> word ids
        self._run_keys: dict[str, set[str]] = defaultdict(set)  # key -> joined runs
        self._skeletons: dict[str, set[str]] | None = None
        self._word_cache: Recent[tuple[str, bool], tuple[frozenset[int], int]] = Recent(CACHE_SIZE)
        self._run_cache: Recent[str, frozenset[str]] = Recent(CACHE_SIZE)
        self._joined_cache: Recent[tuple[str, ...], frozenset[int]] = Recent(CACHE_SIZE)

    def __len__(self) -> int:
        return len(self.words)

    def clear_caches(self) -> None:
        for cache in (self._word_cache, self._run_cache, self._joined_cache):
            cache.clear()

    def word_id(self, word: str) -> int:
        """The id of a listed word, filed under its keys the first time it is seen."""
        wid = self.ids.get(word)
        if wid is None:
            wid = self.ids[word] = len(self.words)
            self.words.append(word)
            self.names_of.append([])
            for key in vocabulary_keys(word):
                self._keys[key].append(wid)
        return wid

    def add_run(
        self, joined: str, name: int, positions: tuple[int, ...], tokens: tuple[str, ...] = ()
    ) -> None:
        """A run of adjacent words of a name, joined ("cam scanner" -> "camscanner")."""
        self.runs[joined].append((name, positions))
        for key in run_keys(joined, tokens):
            self._run_keys[key].add(joined)
        if self._skeletons is not None:
            for key in skeleton_key(joined):
                self._skeletons[key].add(joined)

    # -- what a query word pairs with (verified with the scorer, not just keyed), remembered ----------

    def matches(self, word: str, *, hangul: bool = False) -> frozenset[int]:
        """Listed words the scorer could pair with this query word; `hangul`: the query is written in
        Korean script (its syllables meet every other spelling)."""
        return self.matches_and_reach(word, hangul=hangul)[0]

    def matches_and_reach(self, word: str, *, hangul: bool) -> tuple[frozenset[int], int]:
        """A query word's matching listed words and how many names hold them (its rarity)."""
        found = self._word_cache.get((word, hangul))
        if found is None:
            keyed = {wid for key in query_keys(word) for wid in self._keys.get(key, ())}
            wids = frozenset(self._verified(word, sorted(keyed), typos=True, hangul=hangul))
            found = (wids, sum(len(self.names_of[wid]) for wid in wids))
            self._word_cache.remember((word, hangul), found)
        return found

    def run_matches(self, words: tuple[str, ...]) -> frozenset[int]:
        """Listed words the scorer could pair with a run of query words joined: by spelling, given-name
        group, number or consonants only. Remembered: runs recur (a given name with a middle name, the
        words of company names), more than half of them in a payment file."""
        found = self._joined_cache.get(words)
        if found is None:
            keyed = {wid for key in joined_keys(words) for wid in self._keys.get(key, ())}
            found = (
                frozenset(self._verified("".join(words), sorted(keyed), typos=False, hangul=False))
                if keyed
                else _NONE
            )
            self._joined_cache.remember(words, found)
        return found

    def _verified(self, piece: str, wids: list[int], *, typos: bool, hangul: bool) -> Iterable[int]:
        """The keyed words the scorer really pairs with the piece. Edit distances are computed in one
        vectorised call: within the allowed edits and with the same first letter, two words (not
        numbers) always pair; the scorer's other rules are tried one by one on the rest."""
        words = [self.words[wid] for wid in wids]
        close = [False] * len(wids)
        if typos and words and len(piece) <= MAX_TYPO_LETTERS and number_value(piece) is None:
            distances = cdist([piece], words, scorer=OSA.distance, score_cutoff=2, workers=1)[0].tolist()
            close = [
                d <= pair_edits(len(piece), len(w)) and w[0] == piece[0] and number_value(w) is None
                for d, w in zip(distances, words, strict=True)
            ]
        run = not typos  # a run of the query's words: joined, one typo allowed
        plain, korean = rules_for(run=run), rules_for(korean=True, run=run)
        # a few rules hold in persons' names only, all for words of four letters or less (Sko ~ Sok)
        person = rules_for(person=True, run=run)
        for wid, word, near in zip(wids, words, close, strict=True):
            # Korean syllables meet other romanisations only when one side is written in Hangul
            if (
                near
                or token_similarity(piece, word, korean if hangul or wid in self.hangul else plain) > 0
                or (min(len(piece), len(word)) <= 4 and token_similarity(piece, word, person) > 0)
            ):
                yield wid

    def matching_runs(self, word: str) -> frozenset[str]:
        """Joined runs of listed names that this query word pairs with."""
        found = self._run_cache.get(word)
        if found is None:
            found = frozenset(
                joined
                for key in query_keys(word, typos=False)
                for joined in self._runs_under(key)
                if token_similarity(word, joined, _KOREAN_JOINED) > 0
            )
            self._run_cache.remember(word, found)
        return found

    def _runs_under(self, key: str) -> set[str]:
        if key[0] not in (ABJAD, VOWELLED):
            return self._run_keys.get(key, set())
        return self.run_skeletons().get(key, set())

    def run_skeletons(self) -> dict[str, set[str]]:
        """Joined runs by their consonant skeleton (built on first use)."""
        if self._skeletons is None:
            skeletons: dict[str, set[str]] = defaultdict(set)
            for joined in self.runs:
                for key in skeleton_key(joined):
                    skeletons[key].add(joined)
            self._skeletons = skeletons
        return self._skeletons
