"""Limits on what a request may send, before any route reads it: its size and its content type.

`BodyLimit` is a pure ASGI middleware. A body announced (`Content-Length`) or found while reading
(chunked uploads) to be longer than `max_body` bytes is answered 413 `body_too_large` without being
read further; a body that is not JSON (`Content-Type` other than `application/json` or `*/*+json`) is
answered 415 `unsupported_media_type`, except an HTML form (`application/x-www-form-urlencoded`)
posted to the analyst's UI under `/ui/`, which works without JavaScript. A request without a body
passes as it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from clearance.faces.service.errors import error_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_form(content_type: str) -> bool:
    """Is this `Content-Type` an HTML form's (`application/x-www-form-urlencoded`)?"""
    return content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"


def is_json(content_type: str) -> bool:
    """Is this `Content-Type` JSON (`application/json`, `application/problem+json`, any charset)?"""
    media = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


class BodyLimit:
    """Answer 413 past `max_body` bytes and 415 for a body that is not JSON (see the module)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length_text = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if length_text is None and not chunked:
            await self.app(scope, receive, send)
            return
        if length_text is not None:
            try:
                length = int(length_text)
            except ValueError:
                await self._answer(scope, receive, send, 400, "bad_request", "Content-Length is not a number")
                return
            if length > self.max_body:
                await self._too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        kind = headers.get("content-type", "")
        ui_form = str(scope.get("path", "")).startswith("/ui/") and is_form(kind)
        if body and not is_json(kind) and not ui_form:
            given = headers.get("content-type") or "none"
            await self._answer(
                scope,
                receive,
                send,
                415,
                "unsupported_media_type",
                f"the body must be JSON (Content-Type: application/json), not {given}",
            )
            return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._answer(
            scope,
            receive,
            send,
            413,
            "body_too_large",
            f"the body is larger than the {self.max_body:,} bytes allowed (CLEARANCE_MAX_BODY)",
        )

    @staticmethod
    async def _answer(
        scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str
    ) -> None:
        await error_response(status, code, message)(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body read once, then waits on the real one (for a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
