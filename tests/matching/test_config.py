"""One scorer configuration: checked when made, and the bound the index prunes by."""

from __future__ import annotations

import pytest

from clearance import InputError, ScorerConfig


@pytest.mark.parametrize(("review", "strong"), [(0.0, 0.9), (0.95, 0.9), (0.8, 1.1), (-1, 0.5)])
def test_thresholds_out_of_order_are_an_input_error(review: float, strong: float) -> None:
    with pytest.raises(InputError, match="0 < review <= strong <= 1"):
        ScorerConfig(review=review, strong=strong)


def test_the_index_bound_is_the_coverage_a_side_needs() -> None:
    """The score is at most low ** 0.7, so low must reach review ** (1 / 0.7): 0.8 -> 0.727."""
    assert ScorerConfig(review=0.8).need == pytest.approx(0.8 ** (1 / 0.7))
    needs = [ScorerConfig(review=r, strong=1.0).need for r in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)]
    assert needs == sorted(needs) and needs[-1] < 1.0
