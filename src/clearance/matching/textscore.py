"""Windows of free text scored against the names they may hold (`matching.textsearch`), as a name query
is scored: with the window's `Lookup`, which tells which pairs of pieces can score above 0.

A document of common names ("Mohammed Ali, Ahmed Hassan and Kim") has windows that hold two or three
words of dozens of listed names each, and nearly every such window scores below the review threshold
(98% in benchmarks/text.py's common names). The window's lookup is made once per distinct window form
(the same tables `Matcher.forms` scores a name query with), and a name is scored only when the positions
those pairs cover, on both sides, could reach `ScorerConfig.need` of the side's weight: the score is at
most low^0.7 * high^0.3 of the two coverages and is only lowered after that (`guards`), so a name that
cannot is below review (the same bound as the candidate index's, with room for the score's rounding to
four places). The pairs the lookup holds are then the only ones tried, as for a name query.
"""

from __future__ import annotations

from clearance.domain.enums import NameRules, NameType
from clearance.matching.lookup import IndexedName, Lookup
from clearance.matching.matcher import Matcher
from clearance.matching.normalise import NameForm
from clearance.matching.scorer import Comparison, listed_pieces, position_weights
from clearance.perf import Recent

_SCORED_CACHE = 100_000  # (window form, name) comparisons remembered during one scan
_LOOKUPS = 4_096  # window forms whose lookups are kept: a window's forms recur near where it was met
_ROUNDING = 0.00005  # a score is rounded to four places: one this far below review may round up to it
_UNSCORED = object()

FormKey = tuple[tuple[str, ...], str, bool]


class WindowScores:
    """The comparisons of one scan's windows with names, remembered by the window's normal form."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.vocabulary = matcher.index.vocabulary
        config = matcher.config
        self.config = config
        self.need = (config.review - _ROUNDING) ** (1 / config.low_exponent) - 1e-9
        self._scored: Recent[tuple[FormKey, int], object] = Recent(_SCORED_CACHE)
        self._lookups: Recent[FormKey, Lookup] = Recent(_LOOKUPS)

    def comparison(self, form: NameForm, key: FormKey, cand: IndexedName) -> Comparison | None:
        """The window's comparison with the name when it reaches review, else None."""
        cmp = self._scored.get((key, cand.number), _UNSCORED)
        if cmp is _UNSCORED:
            cmp = self._scored.remember((key, cand.number), self._compare(form, key, cand))
        assert cmp is None or isinstance(cmp, Comparison)
        return cmp

    def _compare(self, form: NameForm, key: FormKey, cand: IndexedName) -> Comparison | None:
        if cand.name.type == NameType.WEAK:  # matched whole, by its letters: no pieces to pair
            scored = self.matcher.score(form, [cand])
        else:
            lookup = self._lookups.get(key)
            if lookup is None:
                lookup = self._lookups.remember(key, Lookup(self.vocabulary, form))
            if not self._within_reach(lookup, cand):
                return None
            scored = self.matcher.score(form, [cand], lookup=lookup)
        return scored[0][1] if scored else None

    def _within_reach(self, lookup: Lookup, cand: IndexedName) -> bool:
        """Could the positions that the pairs of pieces the lookup holds cover, matched perfectly, reach
        the review threshold on both sides?"""
        left, right = lookup.pieces, listed_pieces(cand.form.tokens)
        on_left: set[int] = set()
        on_right: set[int] = set()
        for a, b in lookup.pairs(cand):
            on_left.update(left[a][1])
            on_right.update(right[b][1])
        rules = NameRules.of(cand.entity.kind)
        return self._covers(position_weights(lookup.form, rules=rules, config=self.config), on_left) and (
            self._covers(position_weights(cand.form, rules=rules, config=self.config), on_right)
        )

    def _covers(self, weights: tuple[float, ...], positions: set[int]) -> bool:
        total = sum(weights)
        return total > 0 and sum(weights[i] for i in positions if i < len(weights)) >= self.need * total
