"""The FastAPI application: `create_app()` builds it, `serve` runs it.

    app = create_app()                      # loads the engine in the background at start-up
    app = create_app(engine=engine)         # screens with an engine already built (workers, tests)

What it holds, on `app.state`: `settings` (`ServiceSettings`), `engine_state` (`EngineState`), `keys`
(`KeyStore` of CLEARANCE_HOME/keys.json), `limiter` (`RateLimiter`), `after_reload` (called after a list
update loaded new data: with several workers, it tells the supervisor to replace them).

Routes: `routes` (screening), `operations` (health, readiness, lists), `yente` (yente-compatible).
Limits on bodies (`body`), errors as JSON (`errors`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from clearance.faces.service import admin, channels, errors, operations, routes, ui
from clearance.faces.service.auth import KeyStore, RateLimiter
from clearance.faces.service.body import BodyLimit
from clearance.faces.service.settings import ServiceSettings
from clearance.faces.service.state import EngineState, Loader, load_engine
from clearance.faces.service.yente import router as yente_router
from clearance.perf import settle_heap
from clearance.screening.engine import Engine
from clearance.version import __version__

DESCRIPTION = """Screen parties, apps and free text against legal restrictions as of a date, with reasons.

Every route but `/healthz`, `/readyz` and this documentation needs a key: `Authorization: Bearer <key>`
(or `ApiKey <key>`), made with `clearance keys create --role analyst|admin`. Errors are JSON:
`{"error": {"code": "...", "message": "..."}}`.

Fail closed: every answer carries the data versions it was decided on and the gaps in that data
(`warnings`); with `CLEARANCE_ON_STALE=refuse` and gaps, screening answers 503.
"""


def create_app(
    *,
    engine: Engine | None = None,
    settings: ServiceSettings | None = None,
    loader: Loader | None = None,
) -> FastAPI:
    """The service. Without `engine`, the engine is loaded in a background thread when the app starts
    (`loader`, default `state.load_engine` with the settings), and `/readyz` is 503 until it is.
    `settings` default to the CLEARANCE_* variables (`ServiceSettings.from_env`: raises `InputError` for a
    wrong one)."""
    the_settings = settings or ServiceSettings.from_env()
    state = EngineState(the_settings.home, the_settings.policy, engine)
    load: Loader = loader or (lambda: load_engine(the_settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state.engine is None and not state.loading:
            state.load_in_background(load)
        settling = asyncio.create_task(_settle_heap_every(SETTLE_SECONDS))
        try:
            yield
        finally:
            settling.cancel()

    app = FastAPI(
        title="clearance",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = the_settings
    app.state.engine_state = state
    app.state.keys = KeyStore.under(the_settings.home)
    app.state.limiter = RateLimiter(the_settings.rate_limit, the_settings.burst)
    after_reload: Callable[[], None] | None = None
    app.state.after_reload = after_reload
    admin.setup()
    errors.install(app)
    app.add_middleware(BodyLimit, max_body=the_settings.max_body)
    app.include_router(routes.router)
    app.include_router(channels.router)
    app.include_router(operations.router)
    app.include_router(yente_router)
    app.include_router(ui.router)  # the analyst's web UI under /ui (faces/service/ui)
    return app


SETTLE_SECONDS = 5.0  # how often a worker moves what it keeps (its caches) out of the collector's sight


async def _settle_heap_every(seconds: float) -> None:
    """Collect, then freeze what survives (`perf.settle_heap`), every `seconds`: the collector's full
    passes then walk only what the last few seconds made, not every cache entry of the worker's life (a
    pass over them held requests for 50 to 100 ms at the 99th percentile)."""
    while True:
        await asyncio.sleep(seconds)
        settle_heap()
