"""The documents the service takes and gives, as pydantic models: they validate requests and describe
both in the OpenAPI document (`/openapi.json`, `/docs`).

The error document (`ErrorResponse`) is errors.py's; yente's documents are yente_models.py's.

Answers are built as plain dicts (a result's `to_dict()`) and sent as they are; the response models
here describe them for the documentation and are not run on every answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.json_schema import SkipJsonSchema

from clearance.domain.enums import Activity, Decision, QueryKind
from clearance.faces.service.errors import ErrorResponse, validation_message


class ScreenQuery(BaseModel):
    """One query: a name (or an app id, or free text with kind `text`), as of a date, for an activity,
    with what else is known of the party."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1,
        description="The name to screen; with kind `text`, free text (up to ~1 MB) scanned for listed names.",
        examples=["Tencent Holdings"],
    )
    kind: QueryKind = Field(
        default=QueryKind.PARTY,
        description="party: any name; person or organization: only entities of that kind; app: an app "
        "name or package id; text: free text.",
    )
    as_of: str | None = Field(
        default=None,
        description="The date that matters, YYYY-MM-DD (the end of that day in each measure's own time "
        "zone), or an ISO datetime with zone. Default: today (UTC).",
        examples=["2021-03-01"],
    )
    activity: Activity = Field(
        default=Activity.ANY,
        description="What is about to be done. Under `any`, only a measure restricting all dealings blocks.",
    )
    birth_date: str | None = Field(
        default=None,
        description="A party's date of birth: YYYY-MM-DD, YYYY-MM or YYYY.",
        examples=["1962-07-11"],
    )
    country: str | list[str] | None = Field(
        default=None, description="ISO codes or English names: nationality, residence, incorporation."
    )
    identifier: str | list[str] | None = Field(
        default=None,
        description="Any id, with or without its label (`IMO 9123456`, an LEI, a passport number).",
    )


class ScreenRequest(BaseModel):
    """Queries keyed by the caller's own ids. A query that is not valid is answered under its key with
    an error; the others are screened."""

    model_config = ConfigDict(extra="forbid")

    queries: dict[str, ScreenQuery] = Field(
        description="The queries, keyed by the caller's own ids.",
        examples=[{"q1": {"name": "Tencent Holdings", "as_of": "2021-03-01", "activity": "securities"}}],
    )
    # filled by the validator below, never read from the request: the keys in the order given, and
    # the message of each query that is not valid
    order: SkipJsonSchema[list[str]] = Field(default_factory=list, exclude=True)
    rejected: SkipJsonSchema[dict[str, str]] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _one_by_one(cls, data: Any) -> Any:
        """Validate each query on its own, so that one bad query does not reject the others."""
        if not isinstance(data, dict) or not isinstance(data.get("queries"), dict):
            return data
        valid: dict[str, ScreenQuery] = {}
        rejected: dict[str, str] = {}
        for key, raw in data["queries"].items():
            if not key.strip() or any(0xD800 <= ord(ch) <= 0xDFFF or ord(ch) < 32 for ch in key):
                rejected[key] = (
                    "the query's key must be printable text (it is the reference it is recorded by)"
                )
                continue
            try:
                valid[key] = ScreenQuery.model_validate(raw)
            except ValidationError as exc:
                rejected[key] = validation_message(exc.errors())
        rest = {k: v for k, v in data.items() if k not in ("order", "rejected")}
        return {**rest, "queries": valid, "order": list(data["queries"]), "rejected": rejected}


class ResultDocument(BaseModel):
    """A result's document (`Result.to_dict()`), as `clearance screen --json` prints it."""

    model_config = ConfigDict(extra="allow")

    query: str
    kind: QueryKind
    as_of: str
    activity: Activity
    decision: Decision = Field(description="clear, review or block: the most severe of the hits.")
    reasons: list[str]
    hits: list[dict[str, Any]] = Field(description="Each listed entity matched, most severe first.")
    engine_version: str
    data_versions: dict[str, str]
    warnings: list[str]
    thresholds: dict[str, float]
    evidence: dict[str, Any]


class ScreenResponse(BaseModel):
    results: dict[str, ResultDocument | ErrorResponse] = Field(
        description='Keyed as the queries: a result, or `{"error": {...}}` for a query that is not valid.'
    )
    data_versions: dict[str, str] = Field(description="The data the answers were decided on, by source.")
    warnings: list[str] = Field(description="Gaps in that data (no list, a list too old): see /readyz.")
    recorded: dict[str, Any] | None = Field(
        default=None,
        description="When the service records (CLEARANCE_RECORD): the decision id of each query key in "
        "the case store (`decisions`), and how many alerts opened, were suppressed by the allowlist or "
        "were already open.",
    )


class SearchResponse(BaseModel):
    query: str
    kind: QueryKind
    as_of: str
    activity: Activity
    decision: Decision
    total: int = Field(description="How many listed entities matched; `hits` holds the first `limit`.")
    hits: list[dict[str, Any]] = Field(description="Most severe first, then highest score.")
    data_versions: dict[str, str]
    warnings: list[str]


class MeasuresResponse(BaseModel):
    as_of: str
    measures: list[dict[str, Any]] = Field(description="Each measure with its state on the date and events.")
    data_versions: dict[str, str]
    warnings: list[str]


class ListSnapshot(BaseModel):
    source: str
    id: str
    format: str
    retrieved_at: str
    age_days: float = Field(description="Days since the snapshot was retrieved or imported.")
    stale: bool = Field(description="Older than CLEARANCE_MAX_LIST_AGE.")
    loaded: bool = Field(description="Whether the engine answering screens with this snapshot.")
    origin: str
    sha256: str
    entities: int
    names: int
    rows: int
    problems: int
    published: str | None


class ListsResponse(BaseModel):
    lists: list[ListSnapshot]
    max_age_days: float
    data_versions: dict[str, str]
    warnings: list[str]
    rescreen: dict[str, Any] | None = Field(
        default=None,
        description="The rescreen of the stored parties that the last list update started: its state "
        "(running, done, failed), times, and when done its counts (`clearance rescreen --json`).",
    )


class UpdateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(
        default_factory=list, description="Sources to update (default: all): ofac-sdn, un-sc, ..."
    )
    allow_shrink: bool = Field(
        default=False, description="Import even when a list shrinks by more than allowed."
    )


class Imported(BaseModel):
    source: str
    id: str
    created: bool = Field(description="False when the same content was already active.")
    entities: int
    names: int
    bad_rows: int


class UpdateResponse(BaseModel):
    imported: list[Imported]
    data_versions: dict[str, str] = Field(description="The data screened on from now on.")
    warnings: list[str]
    rescreen: dict[str, Any] | None = Field(
        default=None,
        description="The rescreen of the stored parties that the last list update started: its state "
        "(running, done, failed), times, and when done its counts (`clearance rescreen --json`).",
    )


class ReadyResponse(BaseModel):
    ready: bool
    data_versions: dict[str, str]
    warnings: list[str] = Field(description="Gaps in the data (CLEARANCE_ON_STALE says what follows).")
    on_stale: str = Field(description="warn, review or refuse (CLEARANCE_ON_STALE).")
    refuses: bool = Field(description="True when the policy refuses to screen on this data: /screen is 503.")
    loaded_at: str
    engine_version: str


class HealthResponse(BaseModel):
    status: str
    pid: int = Field(description="The worker process that answered.")
    version: str


class GraphNode(BaseModel):
    id: str
    name: str
    kind: str
    lists: list[str]
    measures: list[str]


class GraphEdge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    upper: str = Field(alias="from", description="The owner, controller, developer or parent.")
    lower: str = Field(alias="to", description="What it owns, controls, develops or has as subsidiary.")
    relation: str
    share: float | None = Field(description="Percent from 0 to 100; null when unknown or not an ownership.")
    start: str | None
    end: str | None
    citation: str | None


class GraphResponse(BaseModel):
    """An entity's neighbourhood in the ownership and control graph, for a person or a UI to draw."""

    root: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    data_versions: dict[str, str]
    warnings: list[str]
