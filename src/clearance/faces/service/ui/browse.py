"""The pages that look things up, each for a signed-in user:

* `GET /ui/search?q=&as_of=&activity=&kind=` screens a name with the engine and links each hit to its
  entity; it records nothing (a look-up is not a decision about a party).
* `GET /ui/entities/{id}` an entity: names, identifiers, measures with their state today, relations.
* `GET /ui/lists` the active list snapshots with their age (as `GET /lists` computes it) and the gaps
  the data policy finds in the data loaded.
* `GET /ui/audit?before=` the newest audit records (100 a page) under the result of
  `Store.verify()`: the chain intact, or the first record that fails.

`missing` answers any other path under /ui with a page (404) rather than the API's JSON error; the
package registers it after everything else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import select

from clearance.domain.enums import Activity, QueryKind
from clearance.domain.model import Measure
from clearance.errors import ClearanceError, DataError, InputError
from clearance.faces.service.operations import snapshot_documents
from clearance.faces.service.settings import ServiceSettings
from clearance.faces.service.state import EngineState
from clearance.faces.service.storage import store_of
from clearance.faces.service.ui.explain import relation_rows
from clearance.faces.service.ui.render import error_page, page, signed_in
from clearance.faces.service.ui.session import Session
from clearance.limits import QueryTimeout
from clearance.screening.documents import entity_document, measure_document
from clearance.screening.engine import Engine
from clearance.store import Store, StoreError
from clearance.store.audit import Record, Verdict
from clearance.store.schema import audit

router = APIRouter(prefix="/ui")
AUDIT_PAGE = 100


def engine_now(request: Request) -> Engine | None:
    state: EngineState = request.app.state.engine_state
    return state.current()


def _loading(request: Request, session: Session) -> Response:
    state: EngineState = request.app.state.engine_state
    why = f"the data could not be loaded: {state.error}" if state.error else "the data is still loading"
    return error_page(request, session, 503, f"{why}; try again in a moment")


@router.get("/search")
async def search_page(request: Request) -> Response:
    """Screen a name (not recorded) and list its hits, each linked to its entity."""
    session = signed_in(request)
    if not isinstance(session, Session):
        return session
    params = request.query_params
    q, as_of = params.get("q", "").strip(), params.get("as_of", "").strip()
    activity, kind = params.get("activity", "any"), params.get("kind", "party")
    values: dict[str, Any] = {
        "title": "Search",
        "q": q,
        "as_of": as_of,
        "activity": activity,
        "kind": kind,
        "activities": [str(a) for a in Activity],
        "kinds": [str(k) for k in QueryKind if k is not QueryKind.TEXT],
        "result": None,
    }
    if not q:
        return page(request, "search.html", session, **values)
    engine = engine_now(request)
    if engine is None:
        return _loading(request, session)
    try:
        result = engine.screen(q, kind=kind, as_of=as_of or None, activity=activity).to_dict()
    except QueryTimeout as exc:
        return error_page(request, session, 503, str(exc))
    except InputError as exc:
        return page(request, "search.html", session, http_status=400, **{**values, "error": str(exc)})
    except DataError as exc:
        return error_page(request, session, 503, str(exc))
    return page(request, "search.html", session, **{**values, "result": result})


@router.get("/entities/{entity_id}")
async def entity_page(request: Request, entity_id: str) -> Response:
    """An entity as the data loaded gives it."""
    session = signed_in(request)
    if not isinstance(session, Session):
        return session
    engine = engine_now(request)
    if engine is None:
        return _loading(request, session)
    try:
        entity = engine.entity(entity_id)
    except InputError:
        return error_page(request, session, 404, f"there is no entity with id '{entity_id}'")
    doc = entity_document(entity)
    today = datetime.now(UTC).date()
    measures = engine.measures
    covered = [{**cov, "doc": _state(measures.get(cov["measure"]), today)} for cov in doc["measures"]]
    relations = relation_rows(engine.neighbourhood(entity_id, depth=1))
    return page(
        request,
        "entity.html",
        session,
        title=entity.name,
        entity=doc,
        covered=covered,
        relations=relations,
        today=today.isoformat(),
    )


def _state(measure: Measure | None, today: date) -> dict[str, Any] | None:
    return measure_document(measure, today) if measure is not None else None


@router.get("/lists")
async def lists_page(request: Request) -> Response:
    """Each list's snapshot and age, and what the data policy says about the data loaded."""
    session = signed_in(request)
    if not isinstance(session, Session):
        return session
    settings: ServiceSettings = request.app.state.settings
    engine = engine_now(request)
    try:
        snapshots = await run_in_threadpool(snapshot_documents, settings, engine)
    except ClearanceError as exc:
        return error_page(request, session, 503, f"the list snapshots cannot be read: {exc}")
    dataset = engine.dataset if engine is not None else None
    return page(
        request,
        "lists.html",
        session,
        title="Lists",
        snapshots=snapshots,
        max_age_days=settings.policy.max_age.total_seconds() / 86400,
        loaded=engine is not None,
        versions=dict(dataset.versions) if dataset is not None else {},
        warnings=list(dataset.warnings) if dataset is not None else [],
        on_stale=str(settings.policy.on_stale),
    )


def newest(store: Store, *, before: int | None, limit: int = AUDIT_PAGE) -> list[dict[str, Any]]:
    """The newest audit records (those before seq `before` when given), newest first."""
    query = select(audit).order_by(audit.c.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(audit.c.seq < before)
    with store.reading() as connection:
        return [Record(**row._mapping).to_dict() for row in connection.execute(query)]


def _audit(store: Store, before: int | None) -> tuple[Verdict, list[dict[str, Any]]]:
    return store.verify(), newest(store, before=before)


@router.get("/audit")
async def audit_page(request: Request) -> Response:
    """The chain's verdict, then the newest records."""
    session = signed_in(request)
    if not isinstance(session, Session):
        return session
    given = request.query_params.get("before", "")
    before = int(given) if given.isascii() and given.isdigit() and len(given) < 19 else None
    try:
        verdict, records = await run_in_threadpool(_audit, store_of(request.app), before)
    except StoreError as exc:
        return error_page(request, session, 503, f"the case store is unavailable: {exc}")
    older = records[-1]["seq"] if len(records) == AUDIT_PAGE and records[-1]["seq"] > 1 else None
    return page(
        request, "audit.html", session, title="Audit log", verdict=verdict, records=records, older=older
    )


async def missing(request: Request, rest: str) -> Response:
    """A path under /ui that is no page: 404 as a page (sign-in first, as everywhere)."""
    session = signed_in(request)
    if not isinstance(session, Session):
        return session
    return error_page(request, session, 404, f"there is no page /ui/{rest}")
