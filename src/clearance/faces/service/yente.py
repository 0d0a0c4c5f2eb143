"""Routes that answer as OpenSanctions' yente does, so that a client written for yente (nomenklatura's
`YenteEnricher`, OpenSanctions' own examples) changes only its URL and key (docs/yente.md compares the
two side by side). yente's API: https://api.opensanctions.org/ and its source, `yente/routers/match.py`
and `search.py`.

* `POST /match/{dataset}`: yente's `{"queries": {"<key>": {"schema", "properties"}}}` (`weights` and
  `config`, yente's tuning of its own algorithms, are accepted and left aside). Each query is screened
  (`ftm_match`) and answered under its key: `{"status": 200, "results": [...], "total": {"value",
  "relation": "eq"}, "query": {...}}`; beside `responses`, `matcher` (the features) and `limit`, as
  yente; and `clearance`: the data versions, their gaps (`warnings`) and the parameters used. Each
  response's own `clearance` gives the decision (clear, review, block) over its results.
  Query parameters:
  - `threshold` (default 0.70, yente's): a result is `"match": true` when its score reaches it;
  - `cutoff` (yente's older, deprecated name; default 0.70): the threshold when `threshold` is not
    given (older clients, nomenklatura's `YenteEnricher` among them, send `cutoff`); as in yente,
    results scoring below min(cutoff, threshold) are left out. The engine reports nothing below
    its review threshold (CLEARANCE_REVIEW_THRESHOLD, 0.80): lower values mark more results as matches
    but find no more;
  - `limit` (default 5, at most 500): results per query; `total` counts the matches before the limit;
  - `algorithm` (yente: logic-v1, logic-v2, regression-v1, name-based, best, ...): accepted, any name;
    clearance has one scorer, which answers every algorithm (the answer's `clearance.algorithm` says so);
  - `fuzzy`: accepted and left aside: the scorer always allows typos, transliterations and name variants;
  - `topics`, `include_dataset`, `exclude_dataset`, `exclude_schema`, `exclude_entity_ids`: filters on
    the results, as yente's; `changed_since`: accepted and left aside (lists carry no change dates);
  - clearance's own: `as_of` (YYYY-MM-DD, default today) and `activity` (any, payment, securities,
    export, app), as `POST /screen` takes them.
* `GET /entities/{entity_id}?nested=true`: the entity's FtM document (`ftm.entity_ftm`), its listings,
  measures and related entities nested unless `nested=false`.

`dataset` is `default` (everything loaded), `sanctions` (entities a sanctions list or a measure covers:
topic `sanction` or `sanction.linked`; not export-control lists alone), a list's id (`ofac-sdn`,
`un-sc`, `ofac-ssi`, `csl-el`, `builtin`, ...), or the id of a source that publishes several lists
(`ofac-consolidated`, `csl`: its lists). Another name is a 404.

The documents are described in yente_models.py. Errors are the service's JSON, with yente's `detail`
beside it: `{"error": {"code", "message"}, "detail": message}`; 400 for a query that cannot be read,
404 for an unknown dataset or entity.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from clearance.datasets.lists.ofac_programs import CONSOLIDATED_LISTS, CONSOLIDATED_SOURCE
from clearance.domain.enums import Activity, Decision
from clearance.domain.model import Entity
from clearance.errors import InputError
from clearance.faces.service.auth import Caller, Role, require
from clearance.faces.service.errors import (
    ERRORS,
    ApiError,
    JSONAnswer,
    error_document,
    error_responses,
    of_exception,
)
from clearance.faces.service.ftm import Graph, entity_ftm, schema_of, topics
from clearance.faces.service.ftm_match import Example, best_hits, feature_docs, read_example, scored_results
from clearance.faces.service.settings import ServiceSettings
from clearance.faces.service.state import engine_dep
from clearance.faces.service.strict import StrictRoute
from clearance.faces.service.yente_models import EntityResponse, MatchRequest, MatchResponse, YenteError
from clearance.limits import QueryTimeout
from clearance.matching.matcher import Match
from clearance.screening.engine import Engine
from clearance.screening.results import Hit
from clearance.version import __version__

router = APIRouter(tags=["yente"], route_class=StrictRoute)

THRESHOLD = 0.70  # yente's SCORE_THRESHOLD
LIMIT, MAX_LIMIT = 5, 500  # yente's MATCH_PAGE; clearance's most
SANCTION_TOPICS = frozenset({"sanction", "sanction.linked"})
ENTITY = "org-tencent-holdings"  # an entity of the built-in data: the documentation's example

Analyst = Annotated[Caller, Depends(require(Role.ANALYST))]
TheEngine = Annotated[Engine, Depends(engine_dep)]
Predicate = Callable[[Entity], bool]
MATCH_ERRORS = {
    **ERRORS,
    **error_responses(
        400,
        413,
        _400="A body that is not JSON, or a query that cannot be read (its schema, no name).",
        model=YenteError,
    ),
    **error_responses(404, _404="No such dataset (the message names those there are).", model=YenteError),
}
ENTITY_ERRORS = {**ERRORS, **error_responses(404, _404="No entity with this id.", model=YenteError)}


class Catalog:
    """What the yente routes read from an engine's data, built once per engine: the graph of entities
    and the lists each dataset name stands for (None: every entity; `sanctions` has its own rule)."""

    def __init__(self, engine: Engine) -> None:
        dataset = engine.dataset
        self.graph = Graph.of(dataset.entities, dataset.lists, dataset.measures)
        lists = set(dataset.lists) | {lid for e in dataset.entities for lid in e.lists}
        self.names: dict[str, frozenset[str] | None] = {"default": None, "sanctions": None}
        self.names.update({lid: frozenset({lid}) for lid in lists})
        for source in dataset.versions:
            if source not in self.names:
                own = {lid for lid in lists if lid.startswith(f"{source}-")}
                if source == CONSOLIDATED_SOURCE:
                    own |= set(CONSOLIDATED_LISTS)
                self.names[source] = frozenset(own)

    def predicate(self, name: str) -> Predicate:
        """Is an entity in the dataset `name`? An unknown name is a 404."""
        if name not in self.names:
            shown = sorted(self.names)
            more = f" and {len(shown) - 30} more" if len(shown) > 30 else ""
            raise ApiError(404, "not_found", f"no dataset '{name}': use one of {', '.join(shown[:30])}{more}")
        if name == "sanctions":
            return lambda e: bool(SANCTION_TOPICS & set(topics(e, self.graph.lists)))
        lists = self.names[name]
        return (lambda e: True) if lists is None else (lambda e: bool(lists & set(e.lists)))


_CATALOGS: WeakKeyDictionary[Engine, Catalog] = WeakKeyDictionary()


def catalog_of(engine: Engine) -> Catalog:
    """The engine's catalog, built on first use (a race builds it twice, harmlessly)."""
    found = _CATALOGS.get(engine)
    if found is None:
        found = _CATALOGS[engine] = Catalog(engine)
    return found


def yente_error(status: int, code: str, message: str) -> JSONResponse:
    """The service's error document with yente's `detail` beside it."""
    doc = error_document(code, message)
    return JSONAnswer({**doc, "detail": doc["error"]["message"]}, status_code=status)


@router.post("/match/{dataset}", response_model=MatchResponse, responses=MATCH_ERRORS)
async def match(
    body: MatchRequest,
    request: Request,
    caller: Analyst,
    engine: TheEngine,
    dataset: Annotated[str, Path(description="default, sanctions, or a list's id", examples=["default"])],
    threshold: Annotated[float | None, Query(ge=0, le=1, description="match from this score (0.70)")] = None,
    cutoff: Annotated[float | None, Query(ge=0, le=1, description="deprecated name of threshold")] = None,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT, description="results per query")] = LIMIT,
    algorithm: Annotated[str, Query(description="accepted: clearance has one scorer")] = "best",
    fuzzy: Annotated[bool, Query(description="accepted: typos are always allowed")] = False,
    topics_: Annotated[list[str], Query(alias="topics")] = [],  # noqa: B006 - FastAPI copies defaults
    include_dataset: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_dataset: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_entity_ids: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    changed_since: Annotated[str | None, Query(description="accepted, left aside")] = None,
    as_of: Annotated[str | None, Query(description="clearance: YYYY-MM-DD, default today")] = None,
    activity: Annotated[Activity, Query(description="clearance: what is about to be done")] = Activity.ANY,
) -> JSONResponse:
    """Query-by-example matching, as yente's `POST /match/{dataset}` (see the module's docstring for
    the parameters). Answers `{"responses": {key: {"status", "results", "total", "query"}}, "matcher",
    "limit", "clearance"}`."""
    settings: ServiceSettings = request.app.state.settings
    catalog = catalog_of(engine)
    try:
        in_dataset = catalog.predicate(dataset)
    except ApiError as exc:
        return yente_error(exc.status, exc.code, exc.message)
    queries = {k: q for k, q in body.queries.items() if q is not None}
    if not queries:
        return yente_error(400, "invalid_query", "no queries provided")
    if len(queries) > settings.max_batch:
        message = (
            f"{len(queries):,} queries; at most {settings.max_batch:,} in one request (CLEARANCE_MAX_BATCH)"
        )
        return yente_error(413, "batch_too_large", message)
    try:
        examples = {k: read_example(q.model_dump(by_alias=True)) for k, q in queries.items()}
    except InputError as exc:
        return yente_error(400, "invalid_query", f"cannot parse example entity: {exc}")
    the_threshold = threshold if threshold is not None else cutoff if cutoff is not None else THRESHOLD
    the_cutoff = min(cutoff if cutoff is not None else THRESHOLD, the_threshold)  # yente's
    excluded = set(exclude_entity_ids)

    def keep(e: Entity) -> bool:
        return (
            in_dataset(e)
            and e.id not in excluded
            and schema_of(e, catalog.graph).name not in exclude_schema
            and (not include_dataset or bool(set(include_dataset) & set(e.lists)))
            and not set(exclude_dataset) & set(e.lists)
            and (not topics_ or bool(set(topics_) & set(topics(e, catalog.graph.lists))))
        )

    deadline = perf_counter() + settings.time_limit
    responses: dict[str, Any] = {}
    for key, example in examples.items():
        if responses and perf_counter() > deadline:
            raise ApiError(
                503,
                "time_limit",
                f"the request took longer than the {settings.time_limit:g} s allowed (CLEARANCE_TIME_LIMIT)",
            )
        try:
            results = [engine.screen(as_of=as_of, activity=activity, **args) for args in example.screens()]
        except QueryTimeout as exc:  # the whole request: 503, as every route
            raise of_exception(exc) from None
        except InputError as exc:
            return yente_error(400, "invalid_query", f"query '{key}': {exc}")
        hits = [h for h in best_hits(r.hits for r in results) if keep(h.entity)]
        names = _name_matches(engine, example)
        total, scored = scored_results(
            hits,
            catalog.graph,
            example,
            threshold=the_threshold,
            cutoff=the_cutoff,
            limit=limit,
            names=names,
        )
        responses[key] = {
            "status": 200,
            "results": scored,
            "total": {"value": total, "relation": "eq"},
            "query": example.echo(),
            "clearance": {
                "decision": _decision(
                    engine, [h for h in hits if example.schema.can_match(schema_of(h.entity, catalog.graph))]
                )
            },
        }
    data = engine.dataset
    return JSONAnswer(
        {
            "responses": responses,
            "matcher": feature_docs(),
            "limit": limit,
            "clearance": {
                "engine_version": __version__,
                "data_versions": dict(data.versions),
                "warnings": list(data.warnings),
                "threshold": the_threshold,
                "cutoff": the_cutoff,
                "review_threshold": engine.config.review,
                "algorithm": f"clearance (asked: {algorithm})",
                "fuzzy": fuzzy,
                "changed_since": changed_since,
            },
        }
    )


def _name_matches(engine: Engine, example: Example) -> dict[str, tuple[str, Match]]:
    """By entity id, the query name and its best name match before the evidence (the matcher keeps
    the matches of recent names: `Engine.screen` has just made them)."""
    best: dict[str, tuple[str, Match]] = {}
    for name in example.names:
        for found in engine.matcher.name(name, kind=example.kind):
            kept = best.get(found.entity.id)
            if kept is None or found.score > kept[1].score:
                best[found.entity.id] = (name, found)
    return best


def _decision(engine: Engine, hits: list[Hit]) -> str:
    """The most severe decision of a query's hits (those its filters kept, before the limit); review
    instead of clear when the data has gaps and the policy says so (`Engine.screen`'s rule)."""
    decision, _ = engine.on_gaps(Decision.most_severe([h.decision for h in hits]), ())
    return str(decision)


@router.get("/entities/{entity_id}", response_model=EntityResponse, responses=ENTITY_ERRORS)
async def fetch_entity(
    entity_id: Annotated[str, Path(description="An entity's id, as a result gives it", examples=[ENTITY])],
    caller: Analyst,
    engine: TheEngine,
    nested: Annotated[bool, Query(description="include related entities (yente's default: true)")] = True,
) -> JSONResponse:
    """One entity as yente's `GET /entities/{entity_id}` gives it: its FtM document, with its listings
    (`sanctions`), owners, subsidiaries and other related entities nested unless `nested=false`; and its
    document as clearance shows it under `clearance`. An unknown id is a 404."""
    catalog = catalog_of(engine)
    entity = catalog.graph.entities.get(entity_id)
    if entity is None:
        return yente_error(404, "not_found", f"no entity with id '{entity_id}'")
    return JSONAnswer(entity_ftm(entity, catalog.graph, nested=nested))
