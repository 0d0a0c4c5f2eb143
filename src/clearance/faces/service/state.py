"""The engine the service screens with: loaded in the background at start-up, replaced after a list
update, and its data's gaps found again as time passes.

`EngineState.engine` is None until the data is loaded; `engine_dep` (the FastAPI dependency every
screening route takes) then answers 503 `not_ready`, and `/readyz` says so. A load that fails leaves
`error` set (and the previous engine, if any, in place): the service keeps answering 503 rather than
screen on nothing.

Lists age while the service runs: a list that was fresh at start-up is too old a week later. Every
`REFRESH` seconds the data's gaps are checked again (`datasets.loading.with_gaps`, cheap: it stops at the
first listed entity of a sanctions list) and the engine's dataset carries the new warnings, so that the
policy (`CLEARANCE_ON_STALE`) applies to them from then on.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic

from fastapi import Request

from clearance.datasets.lists.snapshots import active
from clearance.datasets.loading import retrieved_of, with_gaps
from clearance.datasets.policy import DataPolicy
from clearance.errors import ClearanceError
from clearance.faces.service.errors import ApiError, one_line
from clearance.faces.service.settings import ServiceSettings
from clearance.screening.engine import Engine
from clearance.screening.prepared import prepared_engine

REFRESH = 60.0  # seconds between two checks of the data's age
log = logging.getLogger("clearance.service")

Loader = Callable[[], Engine]


def load_engine(settings: ServiceSettings) -> Engine:
    """The engine of the built-in data and the active snapshots under the settings' home, with their
    thresholds and time limit (kept on disk per data version: `screening.prepared`)."""
    return prepared_engine(config=settings.config, time_limit=settings.time_limit, home=settings.home)


@dataclass(frozen=True)
class Ages:
    """What the data's age is checked from: when each snapshot loaded was retrieved, by source."""

    retrieved: dict[str, datetime]
    loaded: tuple[str, ...]


class EngineState:
    """The engine (None until loaded), when it was loaded, and the error of the last load that failed."""

    def __init__(self, home: Path, policy: DataPolicy, engine: Engine | None = None) -> None:
        self.home = home
        self.policy = policy
        self.engine: Engine | None = None
        self.loaded_at: datetime | None = None
        self.error: str | None = None
        self._ages = Ages({}, ())
        self._next_check = 0.0
        self._checking = threading.Lock()
        self._loading = threading.Lock()
        if engine is not None:
            self.put(engine)

    @property
    def loading(self) -> bool:
        return self._loading.locked()

    def put(self, engine: Engine) -> None:
        """Screen with `engine` from now on."""
        self._ages = self._ages_of(engine)
        self.engine = engine
        self.loaded_at = datetime.now(UTC)
        self.error = None
        self._next_check = monotonic() + REFRESH

    def _ages_of(self, engine: Engine) -> Ages:
        """The snapshots the engine holds (those active whose version it names)."""
        try:
            snaps = [s for s in active(self.home) if engine.dataset.versions.get(s.source) == s.version]
        except ClearanceError:  # a home damaged since the load: the load's warnings stand
            snaps = []
        return Ages(retrieved_of(snaps), tuple(sorted(s.source for s in snaps)))

    def load(self, loader: Loader) -> Engine:
        """Load an engine with `loader` (in the calling thread) and screen with it; on failure keep the
        previous one, set `error` and raise. One load at a time."""
        with self._loading:
            try:
                engine = loader()
            except Exception as exc:
                self.error = one_line(str(exc)) or type(exc).__name__
                log.error("the data could not be loaded: %s", self.error, exc_info=exc)
                raise
            self.put(engine)
            return engine

    def load_in_background(self, loader: Loader) -> threading.Thread:
        """Start `load` in a daemon thread and return it."""

        def run() -> None:
            with contextlib.suppress(Exception):  # logged by load, and shown by /readyz
                self.load(loader)

        thread = threading.Thread(target=run, name="clearance-load", daemon=True)
        thread.start()
        return thread

    def current(self) -> Engine | None:
        """The engine, its data's gaps checked again when `REFRESH` seconds have passed."""
        engine = self.engine
        if engine is not None and monotonic() >= self._next_check and self._checking.acquire(blocking=False):
            try:
                self._next_check = monotonic() + REFRESH
                self.refresh(engine)
            finally:
                self._checking.release()
        return engine

    def refresh(self, engine: Engine) -> None:
        """Find the data's gaps again now (lists age) and have the engine carry them."""
        ages = self._ages
        fresh = with_gaps(
            engine.dataset,
            retrieved=dict(ages.retrieved),
            loaded=ages.loaded,
            lists_as_of=None,
            policy=self.policy,
        )
        if fresh.warnings != engine.dataset.warnings:
            engine.dataset = fresh  # read by Engine.screen for its warnings and the policy

    def not_ready(self) -> ApiError:
        """The 503 answered while there is no engine."""
        if self.error is not None:
            return ApiError(503, "not_ready", f"the data could not be loaded: {self.error}")
        return ApiError(503, "not_ready", "the data is still loading; GET /readyz says when it is ready")


def engine_dep(request: Request) -> Engine:
    """The FastAPI dependency of a route that screens: the app's engine, or 503 `not_ready`."""
    state: EngineState = request.app.state.engine_state
    engine = state.current()
    if engine is None:
        raise state.not_ready()
    return engine
