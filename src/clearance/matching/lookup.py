"""What the candidate index found for one query (`Lookup`), and a listed name as the index files it
(`IndexedName`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from clearance.domain.frozen import quick_pickle
from clearance.domain.model import Entity, Name
from clearance.matching.normalise import NameForm
from clearance.matching.scorer import listed_pieces, pieces
from clearance.matching.tokens import is_initial
from clearance.matching.vocabulary import Vocabulary


@quick_pickle
@dataclass(frozen=True, slots=True)
class IndexedName:
    """One listed name of an entity: its normal form, its place in `Index.names`, and its words' ids in
    the vocabulary (none for a weak alias, which is matched only whole)."""

    entity: Entity
    name: Name
    form: NameForm
    number: int
    word_ids: tuple[int, ...]


class Lookup:
    """What the index found for one query: the listed words and runs each piece of the query may pair
    with, and from those the names that could reach the review threshold (`candidates`).

    The same tables tell the scorer which pairs of pieces to try (`pairs`): a pair they do not hold
    scores 0, so the query is compared once with the whole vocabulary, here, and each candidate is then
    scored by table lookups instead of trying every piece of the query against every piece of the name."""

    __slots__ = (
        "_by_joined",
        "_by_run",
        "_by_word",
        "candidates",
        "form",
        "matched",
        "matches",
        "pieces",
        "run_matches",
    )

    def __init__(self, vocabulary: Vocabulary, form: NameForm) -> None:
        self.form = form
        self.pieces = pieces(form.tokens)  # not remembered: queries are nearly all new
        # per piece of the query (its tokens, then its runs, as `pieces` numbers them): listed word ids
        self.matches: list[frozenset[int]] = [
            (
                vocabulary.matches(piece, hangul=form.hangul)
                if len(positions) == 1
                else vocabulary.run_matches(form.tokens[positions[0] : positions[-1] + 1])
            )
            if not is_initial(piece)
            else frozenset()
            for piece, positions in self.pieces
        ]
        # per token of the query: runs of listed names it pairs with ("camscanner" ~ "cam scanner")
        self.run_matches: list[frozenset[str]] = [
            vocabulary.matching_runs(t) if not is_initial(t) else frozenset() for t in form.tokens
        ]
        self.matched = frozenset().union(*self.matches)  # every listed word some piece pairs with
        self._by_word: dict[int, list[int]] | None = None
        self._by_run: dict[str, list[int]] | None = None
        self._by_joined: dict[str, list[int]] = {}
        self.candidates: list[int] = []

    @classmethod
    def empty(cls, form: NameForm) -> Lookup:
        """A lookup known to have no candidates, without its tables."""
        lookup = cls.__new__(cls)
        lookup.form, lookup.pieces = form, ()
        lookup.matches, lookup.run_matches, lookup.matched = [], [], frozenset()
        lookup._by_word = lookup._by_run = None
        lookup._by_joined = {}
        lookup.candidates = []
        return lookup

    def _tables(self) -> tuple[dict[int, list[int]], dict[str, list[int]]]:
        """Listed word id -> the query pieces it pairs with; listed run -> the query tokens (built only
        for a query that has candidates to score)."""
        if self._by_word is None or self._by_run is None:
            self._by_word = defaultdict(list)
            for a, wids in enumerate(self.matches):
                for wid in wids:
                    self._by_word[wid].append(a)
            self._by_run = defaultdict(list)
            for qi, joined in enumerate(self.run_matches):
                for j in joined:
                    self._by_run[j].append(qi)
            self._by_joined = defaultdict(list)  # the query's runs: against a listed run split elsewhere
            for a in range(len(self.form.tokens), len(self.pieces)):
                self._by_joined[self.pieces[a][0]].append(a)
        return self._by_word, self._by_run

    def pairs(self, name: IndexedName) -> list[tuple[int, int]]:
        """(query piece, listed piece) pairs, numbered as `pieces` numbers them, that may score above 0:
        those the tables hold, and every pair with an initial (initials are not looked up)."""
        listed = listed_pieces(name.form.tokens)
        wids = name.word_ids
        by_word, by_run = self._tables()
        out: set[tuple[int, int]] = set()
        for b, (piece, positions) in enumerate(listed):
            if len(positions) == 1:
                out.update((a, b) for a in by_word.get(wids[positions[0]], ()))
                if is_initial(piece):
                    out.update((a, b) for a in range(len(self.pieces)))
            else:
                out.update((a, b) for a in by_run.get(piece, ()))
                out.update((a, b) for a in self._by_joined.get(piece, ()))
        for a, token in enumerate(self.form.tokens):
            if is_initial(token):
                out.update((a, b) for b in range(len(listed)))
        return sorted(out)
