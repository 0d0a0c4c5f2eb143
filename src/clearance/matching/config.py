"""One configuration for the scorer and for the candidate index built from it.

Everything that depends on a threshold, a weight or an exponent reads it from a `ScorerConfig`, and the
engine hands the same object to both the scorer and the index: the index prunes exactly where the scorer
would fall below `review`, at whatever threshold the user sets (a test compares the index with a
brute-force scan at 0.6, 0.7, 0.8 and 0.9).
"""

from __future__ import annotations

from dataclasses import dataclass

from clearance.errors import InputError


@dataclass(frozen=True, slots=True)
class ScorerConfig:
    """Thresholds, weights and exponents of the name scorer.

    review: score from which a name match is reported for an analyst's review (0 < review <= strong).
    strong: score from which a match is the same name for practical purposes, and may block.
    low_exponent: the score is low ** low_exponent * high ** (1 - low_exponent) of the two names'
        coverages, so the side that matched less weighs more.
    conflict: factor applied when each name has a word the other lacks (two different things, not one
        inside the other).
    crossed: the most a person's name scores when it names father and son the other way round ("Ahmad
        bin Hasan" ~ "Hasan bin Ahmad") or its parts in another order ("Kim Un Jong" ~ "Kim Jong Un"):
        below `review` by default.
    middle_weight: share of its weight a person's middle name or patronymic keeps (they are often left
        out). Word weights (generic words, initials, stopwords) belong to the words themselves and live
        in `matching.normalise`.

    Raises `InputError` for thresholds outside 0 < review <= strong <= 1 or an exponent outside (0, 1).
    """

    review: float = 0.80
    strong: float = 0.90
    low_exponent: float = 0.7
    conflict: float = 0.9
    crossed: float = 0.6
    middle_weight: float = 0.35

    def __post_init__(self) -> None:
        if not 0 < self.review <= self.strong <= 1:
            raise InputError(
                f"thresholds must satisfy 0 < review <= strong <= 1 (review {self.review}, strong "
                f"{self.strong}; the defaults are 0.80 and 0.90)"
            )
        if not 0 < self.low_exponent < 1:
            raise InputError("the low exponent must lie strictly between 0 and 1")

    @property
    def need(self) -> float:
        """The coverage each side must be able to reach for the score to reach `review`: since the score
        is at most low ** e (the high side at 1), low must reach review ** (1 / e); less a hair, so that
        a score rounded to four places equal to `review` is never pruned."""
        return float(self.review ** (1 / self.low_exponent)) - 1e-9

    def thresholds(self) -> dict[str, float]:
        """The thresholds as a result document gives them."""
        return {"review": self.review, "strong": self.strong}


DEFAULT_CONFIG = ScorerConfig()
