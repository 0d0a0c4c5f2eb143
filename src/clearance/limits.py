"""A time limit for one query, checked as the work goes (Python cannot stop a computation from outside
without a signal, which only the main thread may use).

The work of a query is bounded by design (`matching.scorer`, `matching.text`); the limit is the net
under that: a query still running when it passes raises `QueryTimeout`, an input error (exit 2 on the
command line, a reject with its reason in a batch), never a hang. Default 60 s per query
(`CLEARANCE_TIME_LIMIT`): far above a real name (milliseconds) or a long document (seconds).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from time import perf_counter

from clearance.errors import InputError

DEFAULT_SECONDS = 60.0


class QueryTimeout(InputError):
    """A query that took longer than the time limit."""


class Deadline:
    """The moment a query must be done by; `check()` raises `QueryTimeout` once it has passed."""

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = perf_counter() + seconds

    def check(self) -> None:
        if perf_counter() > self.at:
            raise QueryTimeout(
                f"the query took longer than the {self.seconds:g} s allowed (CLEARANCE_TIME_LIMIT): "
                "split the text or raise the limit"
            )


def time_limit(environ: Mapping[str, str] | None = None) -> float:
    """CLEARANCE_TIME_LIMIT in seconds (default 60) from `environ` (default the process's environment);
    raises `InputError` unless a positive number."""
    env = os.environ if environ is None else environ
    text = env.get("CLEARANCE_TIME_LIMIT", "").strip() or str(DEFAULT_SECONDS)
    try:
        seconds = float(text)
    except ValueError:
        raise InputError(f"CLEARANCE_TIME_LIMIT must be a number of seconds, not '{text}'") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise InputError(f"CLEARANCE_TIME_LIMIT must be a positive number of seconds, not '{text}'")
    return seconds
