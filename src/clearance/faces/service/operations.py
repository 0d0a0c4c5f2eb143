"""The endpoints that run the service rather than screen:

* `GET /healthz` (no key): 200 while the process runs, with the worker's pid.
* `GET /readyz` (no key): 503 `not_ready` until the data is loaded (or when it could not be); then 200
  with the data versions, the data policy's warnings, the policy (CLEARANCE_ON_STALE) and whether it
  refuses to screen on this data.
* `GET /lists` (analyst): the active list snapshots with their age, and whether the engine answering
  screens with each.
* `POST /lists/update` (admin): the update `clearance lists update` runs (download the official files,
  check them, make each a new snapshot), then the engine is loaded again. Logged as an admin action
  (`admin`). A source that fails keeps its snapshot; the answer is then 502 `update_failed`, naming it,
  after the others are imported and loaded. One update at a time per worker (409 `busy`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from clearance.datasets.lists.checks import DEFAULT_MAX_LOSS, DEFAULT_MAX_SHRINK, share
from clearance.datasets.lists.snapshots import active
from clearance.datasets.lists.updates import Imported, UpdateFailed, update
from clearance.datasets.loading import retrieved_of
from clearance.domain.enums import OnStale
from clearance.errors import ClearanceError
from clearance.faces.service import admin
from clearance.faces.service.auth import Caller, Role, require
from clearance.faces.service.errors import BODY_ERRORS, ERRORS, ApiError, error_responses, of_exception
from clearance.faces.service.models import (
    HealthResponse,
    ListsResponse,
    ReadyResponse,
    UpdateRequest,
    UpdateResponse,
)
from clearance.faces.service.routes import answer, settings_of
from clearance.faces.service.settings import ServiceSettings
from clearance.faces.service.state import EngineState, engine_dep, load_engine
from clearance.faces.service.storage import start_rescreen, store_of
from clearance.faces.service.strict import StrictRoute
from clearance.screening.engine import Engine
from clearance.store import StoreError
from clearance.version import __version__

router = APIRouter(route_class=StrictRoute)
_updating = threading.Lock()


def state_of(request: Request) -> EngineState:
    state: EngineState = request.app.state.engine_state
    return state


@router.get("/healthz", response_model=HealthResponse, responses=BODY_ERRORS, tags=["operations"])
async def healthz() -> dict[str, Any]:
    """200 while the process runs (whether or not the data is loaded: see /readyz)."""
    return {"status": "ok", "pid": os.getpid(), "version": __version__}


@router.get(
    "/readyz", response_model=ReadyResponse, responses={**BODY_ERRORS, 503: ERRORS[503]}, tags=["operations"]
)
async def readyz(request: Request) -> JSONResponse:
    """Ready when the data is loaded and, when the service records (CLEARANCE_RECORD), the case store
    answers: the versions screened on, the gaps found in them, and whether the policy refuses to screen
    (then every screening answer is 503)."""
    state = state_of(request)
    engine = state.current()
    if engine is None:
        raise state.not_ready()
    if settings_of(request).record:
        try:
            store = store_of(request.app)
            await run_in_threadpool(store.checkpoint)
        except (StoreError, SQLAlchemyError) as exc:
            raise ApiError(503, "store_unavailable", f"the case store does not answer: {exc}") from None
    dataset = engine.dataset
    refuses = bool(dataset.warnings) and dataset.on_stale is OnStale.REFUSE
    return JSONResponse(
        {
            "ready": True,
            "data_versions": dict(dataset.versions),
            "warnings": list(dataset.warnings),
            "on_stale": str(dataset.on_stale),
            "refuses": refuses,
            "loaded_at": state.loaded_at.isoformat(timespec="seconds") if state.loaded_at else "",
            "engine_version": __version__,
        }
    )


@router.get("/lists", response_model=ListsResponse, responses=ERRORS, tags=["data"])
async def lists(
    request: Request,
    caller: Annotated[Caller, Depends(require(Role.ANALYST))],
    engine: Annotated[Engine, Depends(engine_dep)],
) -> JSONResponse:
    """The active snapshot of each source: when it was retrieved, its age in days, whether it is older
    than CLEARANCE_MAX_LIST_AGE, and whether the engine answering screens with it."""
    settings = settings_of(request)
    docs = await run_in_threadpool(snapshot_documents, settings, engine)
    max_age = settings.policy.max_age
    doc = {"lists": docs, "max_age_days": max_age.total_seconds() / 86400}
    last = getattr(request.app.state, "rescreen", None)
    if last is not None:
        doc["rescreen"] = dict(last)
    return answer(engine, doc)


def snapshot_documents(settings: ServiceSettings, engine: Engine | None) -> list[dict[str, Any]]:
    """The active snapshot of each source with its age (days) now, whether it is stale, and whether
    `engine` screens with it: what `GET /lists` and the UI's lists page show."""
    snaps = active(settings.home)
    now = datetime.now(UTC)
    retrieved = retrieved_of(snaps)
    docs = []
    for snap in snaps:
        age = now - retrieved[snap.source]
        docs.append(
            {
                "source": snap.source,
                "id": snap.id,
                "format": snap.format,
                "retrieved_at": snap.retrieved_at,
                "age_days": round(age.total_seconds() / 86400, 3),
                "stale": age > settings.policy.max_age,
                "loaded": engine is not None and engine.dataset.versions.get(snap.source) == snap.version,
                "origin": snap.origin,
                "sha256": snap.sha256,
                "entities": snap.entities,
                "names": snap.names,
                "rows": snap.rows,
                "problems": snap.problems,
                "published": snap.published,
            }
        )
    return docs


def _imported(done: list[Imported]) -> list[dict[str, Any]]:
    return [
        {
            "source": item.snapshot.source,
            "id": item.snapshot.id,
            "created": item.created,
            "entities": item.snapshot.entities,
            "names": item.snapshot.names,
            "bad_rows": item.data.bad_rows,
        }
        for item in done
    ]


UPDATE_ERRORS = {**ERRORS, **error_responses(409, 502)}


@router.post("/lists/update", response_model=UpdateResponse, responses=UPDATE_ERRORS, tags=["data"])
async def lists_update(
    request: Request,
    caller: Annotated[Caller, Depends(require(Role.ADMIN))],
    body: Annotated[UpdateRequest | None, Body()] = None,
) -> JSONResponse:
    """Download the official list files (or those of CLEARANCE_SOURCE_<NAME>_URL), check that they
    arrived whole, make each a new snapshot, and screen with them from now on. Admin only; logged.
    Limits as for the command line: CLEARANCE_MAX_LOSS, CLEARANCE_MAX_SHRINK."""
    settings = settings_of(request)
    state = state_of(request)
    wanted = body or UpdateRequest()
    if not _updating.acquire(blocking=False):
        raise ApiError(409, "busy", "an update is already running; try again when it is done")
    try:
        details: dict[str, Any] = {"sources": wanted.sources or "all", "allow_shrink": wanted.allow_shrink}
        admin.record(settings.home, caller, "lists.update", "started", **details)
        failures: list[str] = []
        try:
            max_loss = share(os.environ.get("CLEARANCE_MAX_LOSS", DEFAULT_MAX_LOSS), "CLEARANCE_MAX_LOSS")
            max_shrink = share(
                os.environ.get("CLEARANCE_MAX_SHRINK", DEFAULT_MAX_SHRINK), "CLEARANCE_MAX_SHRINK"
            )
            done = await run_in_threadpool(
                update,
                wanted.sources,
                settings.home,
                max_loss=max_loss,
                max_shrink=max_shrink,
                allow_shrink=wanted.allow_shrink,
            )
        except UpdateFailed as exc:
            done, failures = exc.done, exc.failures
        except ClearanceError as exc:
            admin.record(settings.home, caller, "lists.update", "failed", error=str(exc), **details)
            raise of_exception(exc) from None
        imported = _imported(done)
        if any(item.created for item in done) or state.engine is None:
            try:
                await run_in_threadpool(state.load, lambda: load_engine(settings))
            except Exception as exc:
                message = f"the lists were updated but could not be loaded: {exc}"
                admin.record(settings.home, caller, "lists.update", "failed", error=message, **details)
                raise ApiError(503, "reload_failed", message) from None
            after: Callable[[], None] | None = request.app.state.after_reload
            if after is not None:
                after()
        if failures:
            message = "; ".join(failures)
            admin.record(
                settings.home, caller, "lists.update", "failed", error=message, imported=imported, **details
            )
            kept = ", ".join(i["source"] for i in imported) or "none"
            raise ApiError(502, "update_failed", f"{message} (imported: {kept})")
        admin.record(settings.home, caller, "lists.update", "ok", imported=imported, **details)
    finally:
        _updating.release()
    engine = state.engine
    assert engine is not None
    store = store_of(request.app)
    for item in imported:
        store.log(actor=caller.user, action="list_updated", subject=f"list {item['source']}", detail=item)
    doc: dict[str, Any] = {"imported": imported}
    if any(item["created"] for item in imported):
        doc["rescreen"] = start_rescreen(request.app, engine, caller)
    return answer(engine, doc)
