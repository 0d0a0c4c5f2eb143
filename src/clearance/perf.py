"""Small helpers for speed that more than one module needs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
