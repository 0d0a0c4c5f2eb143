"""JSON bodies read strictly: a key given twice in one object is an error, not the last one winning.

`{"queries": {"q": {"name": "Kim Jong Un"}, "q": {"name": "Nobody"}}}` would otherwise screen only the
second name and answer "clear" under `q`: a listed name let through by the shape of the request. The
JSON standard leaves duplicate names to the reader (RFC 8259 sec. 4: "The names within an object SHOULD
be unique"); a screening service refuses them, as 400 `malformed_json` naming the key."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members as a dict; raises `json.JSONDecodeError` on a name given twice."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise json.JSONDecodeError(f"the key '{key}' is given twice in one object", "", 0)
        found[key] = value
    return found


class StrictRequest(Request):
    """A request whose JSON body refuses duplicate keys (FastAPI reads the body through `json`)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), object_pairs_hook=unique_keys)
        return self._json


class StrictRoute(APIRoute):
    """A route whose handler reads its body as a `StrictRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictRequest(request.scope, request.receive))

        return strict
