"""Every error the service answers is JSON: `{"error": {"code": "...", "message": "..."}}`, never a stack
trace (../shared/CONVENTIONS.md, "Service").

Raise `ApiError(status, code, message)` in a route or a dependency; `install(app)` maps the rest:

| raised                                   | status | code                 |
|------------------------------------------|--------|----------------------|
| `ApiError`                               | its own| its own              |
| a body that is not JSON                  | 400    | `malformed_json`     |
| a body or parameter of the wrong shape   | 422    | `invalid_request`    |
| `limits.QueryTimeout` (CLEARANCE_TIME_LIMIT) | 503 | `time_limit`        |
| `InputError` (a query the engine refuses)| 400    | `invalid_input`      |
| `DataError` (the data policy refuses, unreadable data) | 503 | `data_unavailable` |
| an unknown path, a method not allowed    | 404, 405 | `not_found`, `method_not_allowed` |
| anything else (a bug of ours)            | 500    | `internal` (logged with its traceback, not sent) |

Messages are one line (a message may quote a file or a list entry).

`ErrorResponse` describes that document in the OpenAPI document; `ERRORS` is the `responses=` of a route
that needs a key (every error status such a route may answer), `error_responses` adds a route's own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearance.errors import DataError, InputError
from clearance.limits import QueryTimeout

log = logging.getLogger("clearance.service")

Responses = dict[int | str, dict[str, Any]]


class ErrorBody(BaseModel):
    code: str = Field(description="A stable word for the error: `unauthorized`, `rate_limited`, ...")
    message: str = Field(description="One line for a person to read.")


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx answer."""

    error: ErrorBody


ERROR_TEXTS: dict[int, str] = {
    400: "A body that is not JSON (or a Content-Length that is not a number), or a query the engine "
    "cannot screen.",
    401: "No key, an unknown key or a revoked one.",
    403: "A key whose role may not do this.",
    404: "No such thing (the message says which).",
    409: "An update is already running.",
    413: "A body over CLEARANCE_MAX_BODY or more queries than CLEARANCE_MAX_BATCH.",
    415: "A body that is not JSON.",
    422: "A body or parameter of the wrong shape.",
    429: "More requests than the key's rate (see Retry-After).",
    502: "A source could not be downloaded or imported.",
    503: "Not ready, the data policy refuses, or the time limit passed.",
}
ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The scheme to send the key with.",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the key may make another request.",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}
KEYED = (400, 401, 403, 413, 415, 422, 429, 503)  # what any route that needs a key may answer


def error_responses(*statuses: int, model: type[BaseModel] = ErrorResponse, **texts: str) -> Responses:
    """The `responses=` of a route answering these error statuses, each with the JSON error `model`
    (and its headers: `WWW-Authenticate` on a 401, `Retry-After` on a 429); `texts` (`_404="..."`)
    give a route's own description of a status."""
    return {
        status: {
            "model": model,
            "description": texts.get(f"_{status}", ERROR_TEXTS[status]),
            **({"headers": ERROR_HEADERS[status]} if status in ERROR_HEADERS else {}),
        }
        for status in statuses
    }


ERRORS: Responses = error_responses(*KEYED)
BODY_ERRORS: Responses = error_responses(400, 413, 415)  # any route, a body sent to it (body.BodyLimit)


class ApiError(Exception):
    """An error answered as `status` with `{"error": {"code": code, "message": message}}`; `headers` are
    added to the answer (`Retry-After` on a 429, `WWW-Authenticate` on a 401)."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = one_line(message)
        self.headers = dict(headers or {})


def one_line(message: str) -> str:
    """A message on one line, its runs of white space single spaces."""
    return " ".join(message.split())


def error_document(code: str, message: str) -> dict[str, Any]:
    """`{"error": {"code": code, "message": message}}`."""
    return {"error": {"code": code, "message": one_line(message)}}


class JSONAnswer(JSONResponse):
    """A JSON answer that renders whatever the caller sent. JSON's grammar allows a lone surrogate
    (`"\\ud800"`), which is not text and which UTF-8 cannot encode: echoed back (a query's key, a value
    quoted in a message), it made the answer a 500. Each is sent as U+FFFD, the replacement character."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONAnswer(error_document(code, message), status_code=status, headers=dict(headers or {}))


def of_exception(exc: Exception) -> ApiError:
    """The `ApiError` an exception raised while screening stands for (`QueryTimeout` before
    `InputError`: it is one); any other exception is returned as an internal error."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, QueryTimeout):
        return ApiError(503, "time_limit", str(exc))
    if isinstance(exc, InputError):
        return ApiError(400, "invalid_input", str(exc))
    if isinstance(exc, DataError):
        return ApiError(503, "data_unavailable", str(exc))
    return ApiError(500, "internal", "internal error; the service's log has the details")


def validation_message(errors: Sequence[Any]) -> str:
    """FastAPI's validation errors as one line: `body.queries.a.name: Field required; ...` (at most
    five)."""
    parts = []
    for err in list(errors)[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    more = len(errors) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    for err in errors:
        if err.get("type") == "json_invalid":
            why = str((err.get("ctx") or {}).get("error", ""))
            said = f": {why}" if why.startswith("the key") else ""  # a duplicate key (`strict`) is named
            return error_response(400, "malformed_json", f"the body is not valid JSON{said}")
    return error_response(422, "invalid_request", validation_message(errors))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(status) or HTTPStatus(status).phrase.lower().replace(" ", "_")
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    if status == 404 and message == "Not Found":
        message = f"no such path: {request.url.path} (the API is described at /docs)"
    elif status == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    return error_response(status, code, message, exc.headers)


async def _clearance(request: Request, exc: Exception) -> JSONResponse:
    err = of_exception(exc)
    return error_response(err.status, err.code, err.message)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "internal error; the service's log has the details")


def install(app: FastAPI) -> None:
    """Register the handlers above on `app`."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(InputError, _clearance)
    app.add_exception_handler(DataError, _clearance)
    app.add_exception_handler(Exception, _internal)
