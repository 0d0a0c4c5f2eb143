"""The screening endpoints, for analysts' keys (and admins'):

* `POST /screen`: queries keyed by the caller's ids in, a result's document per key out, with the data
  versions and warnings the answers were decided on. A query that is not valid (a missing name, an
  unknown kind, an impossible date) is answered `{"error": {"code": "invalid_query", "message"}}` under
  its key, the others are screened. More queries than CLEARANCE_MAX_BATCH: 413 `batch_too_large`.
* `GET /search?q=&kind=&as_of=&activity=&limit=`: one name's hits as a ranked list, for an analyst.
* `GET /measures?as_of=`: every measure with its state on the date and its events.
* `GET /graph/{entity_id}?depth=`: who owns, controls or develops an entity and what it owns, as nodes
  and edges (the CLI's `entity ID --graph --json`); an unknown id is 404 `not_found`.

Fail closed: when the data policy refuses (CLEARANCE_ON_STALE=refuse and the data has gaps), every
screening answer is 503 `data_unavailable`; a request still screening when CLEARANCE_TIME_LIMIT has passed
is 503 `time_limit`, so a worker is never held by one request.

The routes are `async` and screen in the event loop: one thread per worker touches the engine, and a
query's work is bounded by the time limit.
"""

from __future__ import annotations

from time import perf_counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from clearance.domain.enums import Activity, QueryKind
from clearance.errors import DataError, InputError
from clearance.faces.service.auth import Caller, Role, require
from clearance.faces.service.errors import (
    ERRORS,
    ApiError,
    JSONAnswer,
    error_document,
    error_responses,
    of_exception,
)
from clearance.faces.service.models import (
    GraphResponse,
    MeasuresResponse,
    ScreenRequest,
    ScreenResponse,
    SearchResponse,
)
from clearance.faces.service.settings import ServiceSettings
from clearance.faces.service.state import engine_dep
from clearance.faces.service.storage import record_results
from clearance.faces.service.strict import StrictRoute
from clearance.limits import QueryTimeout
from clearance.screening.documents import measure_document
from clearance.screening.engine import Engine
from clearance.screening.validate import parse_as_of
from clearance.store import StoreError

router = APIRouter(route_class=StrictRoute)
GRAPH_ERRORS = {**ERRORS, **error_responses(404, _404="No entity with this id.")}

Analyst = Annotated[Caller, Depends(require(Role.ANALYST))]
TheEngine = Annotated[Engine, Depends(engine_dep)]


def settings_of(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings
    return settings


def answer(engine: Engine, doc: dict[str, Any]) -> JSONResponse:
    """`doc` with the data versions and warnings the engine decides on."""
    dataset = engine.dataset
    return JSONAnswer({**doc, "data_versions": dict(dataset.versions), "warnings": list(dataset.warnings)})


@router.post("/screen", response_model=ScreenResponse, responses=ERRORS, tags=["screening"])
async def screen(body: ScreenRequest, request: Request, caller: Analyst, engine: TheEngine) -> JSONResponse:
    """Screen a batch of queries, keyed by your own ids; each answer is a result's document (decision,
    reasons, hits with their measures and lists) under the same key."""
    settings = settings_of(request)
    if len(body.order) > settings.max_batch:
        raise ApiError(
            413,
            "batch_too_large",
            f"{len(body.order):,} queries; at most {settings.max_batch:,} in one request "
            "(CLEARANCE_MAX_BATCH)",
        )
    deadline = perf_counter() + settings.time_limit
    results: dict[str, Any] = {}
    for key in body.order:
        if key in body.rejected:
            results[key] = error_document("invalid_query", body.rejected[key])
            continue
        if results and perf_counter() > deadline:
            raise ApiError(
                503,
                "time_limit",
                f"the request took longer than the {settings.time_limit:g} s allowed "
                "(CLEARANCE_TIME_LIMIT): send fewer queries in one request",
            )
        q = body.queries[key]
        try:
            result = engine.screen(
                q.name,
                kind=q.kind,
                as_of=q.as_of,
                activity=q.activity,
                birth_date=q.birth_date,
                country=q.country,
                identifier=q.identifier,
            )
        except (QueryTimeout, DataError) as exc:  # the whole request: the service cannot answer it
            raise of_exception(exc) from None
        except InputError as exc:
            results[key] = error_document("invalid_query", str(exc))
            continue
        results[key] = result.to_dict()
    doc: dict[str, Any] = {"results": results}
    screened = [(key, r) for key, r in results.items() if "error" not in r]
    try:
        recorded = record_results(request.app, engine, caller, screened, source="service")
    except StoreError as exc:
        raise ApiError(503, "store_unavailable", f"the decisions could not be recorded: {exc}") from None
    if recorded is not None:
        doc["recorded"] = {
            "decisions": dict(zip((key for key, _ in screened), recorded.decisions, strict=True)),
            **recorded.to_dict(),
        }
    return answer(engine, doc)


@router.get("/search", response_model=SearchResponse, responses=ERRORS, tags=["screening"])
async def search(
    caller: Analyst,
    engine: TheEngine,
    q: Annotated[str, Query(min_length=1, max_length=10_000, description="A name, or an identifier.")],
    kind: Annotated[
        QueryKind, Query(description="party, person, organization, app or text.")
    ] = QueryKind.PARTY,
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD or an ISO datetime; default today.")] = None,
    activity: Annotated[Activity, Query(description="What is about to be done.")] = Activity.ANY,
    limit: Annotated[int, Query(ge=1, le=500, description="How many hits to return.")] = 20,
) -> JSONResponse:
    """The listed entities a name matches, most severe then highest score first, each with its measures,
    lists, the name matched and why: for an analyst looking someone up."""
    result = engine.screen(q, kind=kind, as_of=as_of, activity=activity)
    doc = result.to_dict()
    return answer(
        engine,
        {
            "query": doc["query"],
            "kind": doc["kind"],
            "as_of": doc["as_of"],
            "activity": doc["activity"],
            "decision": doc["decision"],
            "total": len(doc["hits"]),
            "hits": doc["hits"][:limit],
        },
    )


@router.get("/measures", response_model=MeasuresResponse, responses=ERRORS, tags=["data"])
async def measures(
    caller: Analyst,
    engine: TheEngine,
    as_of: Annotated[str | None, Query(description="YYYY-MM-DD or an ISO datetime; default today.")] = None,
) -> JSONResponse:
    """Every measure clearance knows, with its state on the date (in force, announced, lifted, ...),
    since when, and its timeline of events."""
    moment = parse_as_of(as_of)
    docs = [measure_document(m, moment) for m in engine.measures.values()]
    return answer(engine, {"as_of": moment.isoformat(), "measures": docs})


@router.get("/graph/{entity_id}", response_model=GraphResponse, responses=GRAPH_ERRORS, tags=["data"])
async def graph(
    caller: Analyst,
    engine: TheEngine,
    entity_id: Annotated[str, Path(description="An entity's id, as a hit gives it.")],
    depth: Annotated[int, Query(ge=1, le=4, description="How many relations away to go.")] = 2,
) -> JSONResponse:
    """The entities within `depth` relations of one entity, either way, and the relations between them:
    `edges` run from the owner, controller, developer or parent (`from`) to the other (`to`), with the
    share (percent, null when unknown), dates and source. Drawn from the lists, the built-in data and the
    imported ownership graph the engine decides on."""
    if entity_id not in engine.entities:
        raise ApiError(404, "not_found", f"no entity with id '{entity_id}'")
    return answer(engine, engine.neighbourhood(entity_id, depth=depth))
