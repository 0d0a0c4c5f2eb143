"""`POST /channels/{channel}`: a file's content (a payment message file, a device inventory or catalogue,
a portfolio, a document) screened item by item, with the readers and the run of `clearance payments`,
`apps`, `portfolio` and `text` (`clearance.channels`, `faces.channels.run`): the same records, device
records and rejects, in one JSON answer.

The file travels as a JSON string (`content`), so that the service takes JSON only (`body.BodyLimit`,
CLEARANCE_MAX_BODY). It is written to a private temporary folder for the reader, and removed after.
A run still going when CLEARANCE_TIME_LIMIT has passed is 503 `time_limit`; the data policy refusing is
503 `data_unavailable`; an impossible `as_of` or content that cannot be read at all (no known format,
no header) is 400 `invalid_input`.
"""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from time import perf_counter
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from clearance.channels.apps import read_catalogue, read_inventory
from clearance.channels.payments import read_payments
from clearance.channels.portfolio import read_portfolio
from clearance.channels.text import read_text
from clearance.domain.enums import Activity
from clearance.errors import DataError, InputError
from clearance.faces.channels.recording import record_channel_records
from clearance.faces.channels.run import ChannelJob, ChannelSummary, Reader, run
from clearance.faces.service.errors import ERRORS, ApiError, of_exception
from clearance.faces.service.routes import Analyst, TheEngine, answer, settings_of
from clearance.faces.service.storage import store_of
from clearance.faces.service.strict import StrictRoute
from clearance.store import StoreError

router = APIRouter(route_class=StrictRoute)


class ChannelName(StrEnum):
    PAYMENTS = "payments"
    APPS = "apps"
    CATALOGUE = "catalogue"
    PORTFOLIO = "portfolio"
    TEXT = "text"


class ChannelRequest(BaseModel):
    """A file's content and how to screen it."""

    model_config = ConfigDict(extra="forbid")

    content: str = Field(
        min_length=1,
        description="The file's text: pacs.008 / pain.001 XML, MT103, a payments CSV; an Intune, Jamf Pro "
        "(JSON) or generic inventory; a catalogue; a portfolio CSV; or a document.",
    )
    as_of: str | None = Field(
        default=None,
        description="The date for items without their own (a payment's settlement date wins), YYYY-MM-DD "
        "or an ISO datetime with zone. Default: today (UTC).",
        examples=["2021-03-01"],
    )
    activity: Activity | None = Field(default=None, description="Default: the channel's own.")
    format: str | None = Field(default=None, description="payments only: pacs.008, pain.001, mt103, csv.")
    layout: str | None = Field(default=None, description="apps only: intune, jamf, generic.")
    filename: str | None = Field(
        default=None,
        max_length=200,
        description="The file's name as you know it, for the answer's `source` (and its extension, "
        "`.csv` or `.json`, when the content alone does not tell).",
    )


def _reader(channel: ChannelName, body: ChannelRequest) -> Reader:
    if channel is ChannelName.PAYMENTS:
        return lambda path: read_payments(path, fmt=body.format)
    if channel is ChannelName.APPS:
        return lambda path: read_inventory(path, layout=body.layout)
    readers: dict[ChannelName, Reader] = {
        ChannelName.CATALOGUE: read_catalogue,
        ChannelName.PORTFOLIO: read_portfolio,
        ChannelName.TEXT: read_text,
    }
    return readers[channel]


@router.post("/channels/{channel}", responses=ERRORS, tags=["screening"])
async def screen_file(
    channel: Annotated[ChannelName, PathParam(description="payments, apps, catalogue, portfolio or text")],
    body: ChannelRequest,
    request: Request,
    caller: Analyst,
    engine: TheEngine,
) -> JSONResponse:
    """Screen a file: one record per transaction, (device, app), app, holding or document, with every
    hit tied to the field it came from, a record per device, and the parts that could not be read as
    rejects with their line and reason; `summary` counts them (read = items + rejects)."""
    settings = settings_of(request)
    deadline = perf_counter() + settings.time_limit
    records: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    shown = body.filename or "content"

    def in_time(summary: ChannelSummary) -> None:
        if perf_counter() > deadline:
            raise ApiError(
                503,
                "time_limit",
                f"the file took longer than the {settings.time_limit:g} s allowed (CLEARANCE_TIME_LIMIT) "
                f"after {summary.read:,} items: send it in parts, or use the command line",
            )

    with tempfile.TemporaryDirectory(prefix="clearance-upload-") as folder:
        path = Path(folder) / Path(body.filename or "content").name
        path.write_text(body.content, encoding="utf-8", errors="surrogatepass")
        job = ChannelJob([path], _reader(channel, body), as_of=body.as_of, activity=body.activity)
        try:
            summary = run(
                job, engine=engine, on_record=records.append, on_reject=rejects.append, on_progress=in_time
            )
        except DataError as exc:
            raise of_exception(exc) from None
        except InputError as exc:
            raise ApiError(400, "invalid_input", str(exc).replace(str(path), shown)) from None
    for each in (*records, *rejects):
        if "source" in each:
            each["source"] = shown
    doc: dict[str, Any] = {"records": records, "rejects": rejects, "summary": summary.to_dict()}
    if settings.record:
        try:
            recorded = record_channel_records(
                store_of(request.app), engine, records, channel=str(channel), actor=caller.user
            )
        except StoreError as exc:
            raise ApiError(503, "store_unavailable", f"the decisions could not be recorded: {exc}") from None
        doc["recorded"] = recorded.to_dict()
    return answer(engine, doc)
