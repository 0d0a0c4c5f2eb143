"""The service's settings, from `CLEARANCE_*` environment variables (flags of `clearance serve` override
host, port and workers). Every value is checked when the service starts: a wrong one is an `InputError`
naming the variable (`clearance serve` exits 2), never a service that fails later.

| variable                     | default    | what                                                        |
|------------------------------|------------|-------------------------------------------------------------|
| CLEARANCE_HOST               | 127.0.0.1  | address to listen on                                        |
| CLEARANCE_PORT               | 8000       | port                                                        |
| CLEARANCE_WORKERS            | 1          | worker processes sharing one engine; 0: one per CPU core    |
| CLEARANCE_MAX_BODY           | 2097152    | largest request body in bytes (413 beyond)                  |
| CLEARANCE_MAX_BATCH          | 1000       | most queries in one `POST /screen` (413 beyond)             |
| CLEARANCE_RATE_LIMIT         | 100        | requests a second per key, per worker process (0: no limit) |
| CLEARANCE_RATE_BURST         | 2 x rate   | requests a key may make at once before the rate applies     |
| CLEARANCE_TIME_LIMIT         | 60         | seconds a request may screen (`clearance.limits`; 503 past) |
| CLEARANCE_REVIEW_THRESHOLD   | 0.80       | score from which a name match is reported for review        |
| CLEARANCE_STRONG_THRESHOLD   | 0.90       | score from which a name match may block                     |
| CLEARANCE_RECORD             | 1          | record every screening in the case store (0: do not)        |
| CLEARANCE_DATABASE_URL       | SQLite     | the case store, a SQLAlchemy URL (default: HOME/store.db)   |

The data policy (`CLEARANCE_ON_STALE`, `CLEARANCE_MAX_LIST_AGE`, `CLEARANCE_REQUIRE_LISTS`) is
`datasets.policy`'s, read the same way; `CLEARANCE_HOME` is where keys, lists and the admin log live.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from clearance.datasets.policy import DataPolicy
from clearance.errors import InputError
from clearance.limits import DEFAULT_SECONDS, time_limit
from clearance.matching.config import ScorerConfig
from clearance.settings import home as default_home

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # free text of 1 MB fits, with room for its JSON escapes
DEFAULT_MAX_BATCH = 1000
DEFAULT_RATE = 100.0


@dataclass(frozen=True)
class ServiceSettings:
    """What the service runs with. `rate_limit` 0 turns rate limiting off; `rate_burst` 0 means twice
    the rate (at least 1)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body: int = DEFAULT_MAX_BODY
    max_batch: int = DEFAULT_MAX_BATCH
    rate_limit: float = DEFAULT_RATE
    rate_burst: int = 0
    time_limit: float = DEFAULT_SECONDS
    config: ScorerConfig = field(default_factory=ScorerConfig)
    policy: DataPolicy = field(default_factory=DataPolicy)
    home: Path = field(default_factory=default_home)
    record: bool = True  # record each screening in the case store (alerts, cases, audit)

    @property
    def burst(self) -> int:
        return self.rate_burst or max(1, math.ceil(2 * self.rate_limit))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        """The settings the variables above give; raises `InputError` for a value out of range."""
        env = os.environ if environ is None else environ
        review = _number(env, "CLEARANCE_REVIEW_THRESHOLD", 0.80)
        strong = _number(env, "CLEARANCE_STRONG_THRESHOLD", 0.90)
        return cls(
            host=env.get("CLEARANCE_HOST", "127.0.0.1").strip() or "127.0.0.1",
            port=_integer(env, "CLEARANCE_PORT", 8000, low=0, high=65535),
            workers=_integer(env, "CLEARANCE_WORKERS", 1, low=0, high=256),
            max_body=_integer(env, "CLEARANCE_MAX_BODY", DEFAULT_MAX_BODY, low=1024),
            max_batch=_integer(env, "CLEARANCE_MAX_BATCH", DEFAULT_MAX_BATCH, low=1),
            rate_limit=_number(env, "CLEARANCE_RATE_LIMIT", DEFAULT_RATE, low=0.0),
            rate_burst=_integer(env, "CLEARANCE_RATE_BURST", 0, low=0),
            time_limit=time_limit(env),
            config=ScorerConfig(review=review, strong=strong),
            policy=DataPolicy.from_env(env),
            home=Path(env["CLEARANCE_HOME"]).expanduser() if env.get("CLEARANCE_HOME") else default_home(),
            record=_flag(env, "CLEARANCE_RECORD", default=True),
        )


def _number(env: Mapping[str, str], name: str, default: float, *, low: float | None = None) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{name} must be a number, not '{text}'") from None
    if not math.isfinite(value) or (low is not None and value < low):
        raise InputError(f"{name} must be a number of at least {low:g}, not '{text}'")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, *, low: int, high: int | None = None) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"{name} must be a whole number, not '{text}'") from None
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InputError(f"{name} must be a whole number {bound}, not '{text}'")
    return value


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise InputError(f"{name} must be 1 or 0 (true or false), not {raw!r}")
