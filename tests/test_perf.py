from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.perf import Recent


@given(st.integers(min_value=1, max_value=20), st.lists(st.integers(min_value=0, max_value=50), max_size=200))
def test_a_recent_cache_stays_within_its_size_and_keeps_the_latest_entries(
    size: int, keys: list[int]
) -> None:
    cache: Recent[int, int] = Recent(size)
    for n, key in enumerate(keys):
        cache.remember(key, n)
        assert len(cache) <= size
        assert cache[key] == n  # what was just remembered is there, with its latest value
    latest = list(dict.fromkeys(reversed(keys)))[: (size + 1) // 2]
    assert all(key in cache for key in latest)  # at least the newer half survives a sweep


def test_a_full_cache_forgets_its_older_half_not_everything() -> None:
    cache: Recent[str, int] = Recent(4)
    for n, key in enumerate("abcd"):
        cache.remember(key, n)
    cache.remember("e", 4)
    assert list(cache) == ["c", "d", "e"]
