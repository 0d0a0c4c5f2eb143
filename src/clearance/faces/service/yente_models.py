"""The documents of the yente-compatible routes (yente.py), as pydantic models: the request they take
and the answers they give, for the OpenAPI document (`/openapi.json`, `/docs`) and the schemathesis run
that checks the answers against it (tests/faces/service/test_openapi.py).

They follow yente's own (`yente/data/common.py`: `EntityExample`, `EntityMatchQuery`,
`EntityMatchResponse`, `EntityMatches`, `ScoredEntityResponse`, `EntityResponse`, `TotalSpec`;
nomenklatura's `FeatureResult`), as clearance answers them (ftm.py, ftm_match.py, yente.py). yente's part
of each document is exact (`extra="forbid"`: a key the code adds must be described here first); the
`clearance` blocks are clearance's own documents (a hit's, an entity's: screening/documents.py), whose
known keys are described and which may carry more.

As the other routes (models.py), the answers are built as plain dicts and sent as they are: these
models describe them and are not run on every answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clearance.domain.enums import Decision
from clearance.faces.service.errors import ErrorBody


class EntityExample(BaseModel):
    """A query entity as yente takes it: a followthemoney schema and properties, each a list of values."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(default=None, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", examples=["Person"])
    properties: dict[str, Any] = Field(default_factory=dict, examples=[{"name": ["John Doe"]}])


MATCH_EXAMPLE: dict[str, Any] = {
    "queries": {
        "q1": {"schema": "Company", "properties": {"name": ["Tencent Holdings"], "country": ["cn"]}},
        "q2": {"schema": "Person", "properties": {"name": ["Ma Yun"], "nationality": ["cn"]}},
    }
}


class MatchRequest(BaseModel):
    """yente's request: query entities keyed by the caller's own ids."""

    model_config = ConfigDict(json_schema_extra={"examples": [MATCH_EXAMPLE]})

    queries: dict[str, EntityExample | None]
    weights: dict[str, float] = Field(default_factory=dict, description="yente's; accepted, left aside")
    config: dict[str, Any] = Field(default_factory=dict, description="yente's; accepted, left aside")


class _Exact(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class EntityBase(_Exact):
    """An entity as a followthemoney document (yente's `EntityResponse`)."""

    id: str
    caption: str = Field(description="The entity's main name.")
    schema_: str = Field(alias="schema", description="A followthemoney schema: Person, Company, ...")
    datasets: list[str] = Field(description="The lists that hold the entity.")
    referents: list[str] = Field(description="Always empty: clearance merges no entities.")
    target: bool = Field(description="The entity itself is listed or named by a measure.")
    first_seen: str | None = Field(description="Always null: lists carry no such dates.")
    last_seen: str | None = Field(description="Always null.")
    last_change: str | None = Field(description="Always null.")


class NestedEntity(EntityBase):
    """A related entity, a listing (`Sanction`) or a link (`Ownership`, `UnknownLink`) nested in
    another's properties (one level deep), without clearance's block."""

    properties: dict[str, list[str | NestedEntity]] = Field(
        description="followthemoney properties; a link holds the entity at its other side."
    )


class EntityClearance(_Open):
    """The entity as clearance shows it (`screening.documents.entity_document`), with its measures in
    their state now and its listings."""

    id: str
    kind: str = Field(description="person, organization, app, vessel, aircraft, security, ...")
    name: str
    names: list[dict[str, Any]]
    identifiers: list[dict[str, Any]]
    countries: list[str]
    relations: list[dict[str, Any]]
    measures: list[dict[str, Any]] = Field(description="Each with its state now, since when, its basis.")
    listings: list[dict[str, Any]] = Field(description="Each list entry: list, programs, dates, citation.")
    lists: list[str]
    notes: str | None = None


class EntityResponse(EntityBase):
    """`GET /entities/{entity_id}`: the entity's document, with its listings, owners, subsidiaries and
    links nested in `properties` unless `nested=false`."""

    properties: dict[str, list[str | NestedEntity]] = Field(
        description="followthemoney properties; with nested=true, `sanctions`, `ownershipOwner`, "
        "`ownershipAsset`, `unknownLinkTo` and `unknownLinkFrom` hold documents."
    )
    clearance: EntityClearance


class Explanation(_Exact):
    """What a feature contributed and why (nomenklatura's `FeatureResult`)."""

    score: float
    detail: str = Field(description="A sentence for a person to read.")
    query: str | None = Field(description="The query's value compared, when there is one.")
    candidate: str | None = Field(description="The listed value compared, when there is one.")


class HitClearance(_Open):
    """The hit as clearance decides it (`Hit.to_dict()`): decision, measures in their state on the
    date, lists, path, evidence."""

    entity_id: str
    score: float
    decision: Decision
    measures: list[dict[str, Any]]
    lists: list[str]
    path: list[Any]
    evidence: list[dict[str, Any]]


class ScoredEntity(EntityBase):
    """A result (yente's `ScoredEntityResponse`): the entity's document, not nested, scored."""

    properties: dict[str, list[str]]
    score: float = Field(description="The hit's score, the evidence weighed in.")
    match: bool = Field(description="The score reaches the threshold.")
    features: dict[str, float] = Field(description="What each piece contributed (see `matcher`).")
    explanations: dict[str, Explanation]
    clearance: HitClearance


class Total(_Exact):
    value: int = Field(description="The matches (score >= threshold) before the limit.")
    relation: str = Field(description="Always `eq`.", examples=["eq"])


class QueryEcho(_Exact):
    """The query as it was used: the properties kept, cleaned as followthemoney cleans them."""

    id: str | None
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class QueryDecision(_Exact):
    decision: Decision = Field(description="The most severe decision of the query's hits (before the limit).")


class QueryMatches(_Exact):
    """The answer to one query (yente's `EntityMatches`)."""

    status: int = Field(description="Always 200: a query that cannot be read fails the whole request.")
    results: list[ScoredEntity] = Field(description="Best first, at most `limit`.")
    total: Total
    query: QueryEcho
    clearance: QueryDecision


class Feature(_Exact):
    description: str
    coefficient: float = Field(description="The most the feature adds to a score (or takes from it).")
    url: str


class MatchClearance(_Exact):
    """What the answers were decided on, and the parameters as clearance used them."""

    engine_version: str
    data_versions: dict[str, str] = Field(description="The data screened on, by source.")
    warnings: list[str] = Field(description="Gaps in that data (no list, a list too old): see /readyz.")
    threshold: float
    cutoff: float
    review_threshold: float = Field(description="Nothing scoring below it is reported.")
    algorithm: str = Field(description="Always clearance's scorer, with the algorithm asked for.")
    fuzzy: bool
    changed_since: str | None


class MatchResponse(_Exact):
    """`POST /match/{dataset}` (yente's `EntityMatchResponse`), with clearance's block."""

    responses: dict[str, QueryMatches] = Field(description="Keyed as the queries.")
    matcher: dict[str, Feature] = Field(description="The features a score is made of.")
    limit: int
    clearance: MatchClearance


class YenteError(BaseModel):
    """An error of the yente routes: the service's, with yente's `detail` (the message) beside it when
    the route itself refuses (400, 404, 413); the others (401, 422, 429, ...) have `error` alone."""

    error: ErrorBody
    detail: str | None = Field(default=None, description="yente's: the message again.")
