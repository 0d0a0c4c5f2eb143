"""Small helpers for speed that more than one module needs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a large structure is built (a list read, an index filled):
    its hundreds of thousands of new objects hold no cycles, and the collector's repeated passes over
    them cost as much as the building itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle_heap() -> None:
    """Move every object alive now (the lists read, the index built) out of the collector's sight.

    An engine holds millions of small objects that live as long as it does and hold no cycles; each
    full pass of the cyclic collector would walk all of them again, and in a screening loop those
    passes cost more than the screening. Frozen objects are still freed by reference counting."""
    gc.collect()
    gc.freeze()


@contextmanager
def quiet_heap() -> Iterator[None]:
    """For a stretch of screening (a chunk of a batch): no automatic collection inside it, then what it
    left alive (cache entries) is moved out of the collector's sight, as the engine was. Screening makes
    short-lived objects and cache entries, never cycles (tests/test_perf.py checks this), so a pass of
    the collector would find nothing; yet each would walk the caches again (a quarter of a batch's time
    when they ran inside chunks, 4% for one pass after each chunk)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class Recent(dict[K, V]):
    """A dict of at most `size` entries that keeps the most recent: when it is full, the older half is
    dropped in one pass. Forgetting everything at once would make a long batch screen its recurring
    names again and again; dropping the oldest entry at each insertion costs a scan over the slots of
    those dropped before."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: K, value: V) -> V:
        """Keep `value` under `key` as the most recent entry. Safe when threads share the dict (a
        service's requests): a key another thread removed in between is no error, and the older half
        is dropped from a copy taken in one step."""
        if self.pop(key, None) is None and len(self) >= self.size:
            newer = list(self.copy().items())[len(self) - self.size // 2 :]
            self.clear()
            self.update(newer)
        self[key] = value
        return value
