"""Limits on bodies (413), content types (415), malformed and misshapen JSON (400, 422), and every other
error as JSON: 404, 405, and our own faults (500) without a trace."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearance import Engine
from clearance.faces.service.app import create_app
from clearance.faces.service.body import BodyLimit, is_json
from clearance.faces.service.settings import DEFAULT_MAX_BODY, ServiceSettings
from faces.service.service_files import Keys, error_of


@pytest.fixture
def small(engine: Engine, home: Path) -> Iterator[TestClient]:
    """A client of an app taking bodies of at most 2,000 bytes."""
    with TestClient(
        create_app(engine=engine, settings=ServiceSettings(home=home, rate_limit=0, max_body=2000))
    ) as c:
        yield c


def _body(size: int) -> bytes:
    """A valid /screen body of `size` bytes."""
    head = b'{"queries": {"1": {"name": "'
    tail = b'"}}}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


def test_a_body_over_the_limit_is_413(small: TestClient, keys: Keys) -> None:
    headers = {**keys.bearer(keys.analyst), "Content-Type": "application/json"}
    assert small.post("/screen", content=_body(2000), headers=headers).status_code != 413
    r = small.post("/screen", content=_body(2001), headers=headers)
    assert r.status_code == 413
    error = error_of(r)
    assert error["code"] == "body_too_large" and "CLEARANCE_MAX_BODY" in error["message"]


def test_a_chunked_body_over_the_limit_is_413_while_reading(small: TestClient, keys: Keys) -> None:
    """No Content-Length: the limit is checked as the body arrives."""

    def chunks() -> Iterator[bytes]:
        body = _body(5000)
        for i in range(0, len(body), 500):
            yield body[i : i + 500]

    headers = {**keys.bearer(keys.analyst), "Content-Type": "application/json"}
    r = small.post("/screen", content=chunks(), headers=headers)
    assert r.status_code == 413 and error_of(r)["code"] == "body_too_large"
    fits = small.post("/screen", content=iter([_body(1000)[:400], _body(1000)[400:]]), headers=headers)
    assert fits.status_code == 200


def test_the_body_limit_is_checked_before_the_key(small: TestClient) -> None:
    r = small.post("/screen", content=_body(3000), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


async def _through(limit: BodyLimit, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """What `limit` answers to one request, and the body its app received."""
    received: dict[str, bytes] = {}
    sent: list[dict[str, Any]] = []
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        received["body"] = message["body"]
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    limit.app = app
    scope = {"type": "http", "method": "POST", "path": "/screen", "headers": headers}
    await limit(scope, receive, send)
    return sent[0]["status"], received.get("body", b"")


def test_a_text_of_one_megabyte_fits_the_default_limit() -> None:
    text = "Tencent Holdings paid " * (1_000_000 // 22)
    body = json.dumps({"queries": {"1": {"name": text, "kind": "text"}}}).encode()
    assert len(body) > 1_000_000
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    limit = BodyLimit(None, DEFAULT_MAX_BODY)  # type: ignore[arg-type]
    status, received = asyncio.run(_through(limit, body, headers))
    assert status == 204 and received == body


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("Application/JSON", True),
        ("application/merge-patch+json", True),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
        ("", False),
        ("multipart/form-data; boundary=x", False),
    ],
)
def test_what_counts_as_json(content_type: str, expected: bool) -> None:
    assert is_json(content_type) is expected


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_415(client: TestClient, keys: Keys, content_type: str | None) -> None:
    headers = keys.bearer(keys.analyst)
    if content_type:
        headers["Content-Type"] = content_type
    r = client.post("/screen", content=json.dumps({"queries": {}}).encode(), headers=headers)
    assert r.status_code == 415
    assert error_of(r)["code"] == "unsupported_media_type"


@pytest.mark.parametrize("body", [b"{", b'{"queries": }', b"\xff\xfe", b"[1, 2"])
def test_malformed_json_is_400(client: TestClient, keys: Keys, body: bytes) -> None:
    headers = {**keys.bearer(keys.analyst), "Content-Type": "application/json"}
    r = client.post("/screen", content=body, headers=headers)
    assert r.status_code == 400
    assert error_of(r)["code"] == "malformed_json"


@pytest.mark.parametrize(
    "body",
    [{}, {"queries": []}, {"queries": "Tencent"}, [], "Tencent", {"queries": {}, "extra": 1}, None],
)
def test_a_body_of_the_wrong_shape_is_422(client: TestClient, keys: Keys, body: object) -> None:
    r = client.post("/screen", json=body, headers=keys.bearer(keys.analyst))
    assert r.status_code == 422
    assert error_of(r)["code"] == "invalid_request"


def test_unknown_paths_and_methods_are_json(client: TestClient) -> None:
    r = client.get("/nowhere")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    r = client.put("/screen")
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"


class _Broken:
    """An engine that fails as a bug would."""

    def __init__(self, engine: Engine) -> None:
        self.dataset = engine.dataset

    def screen(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")


def test_a_fault_of_ours_is_500_without_its_details(engine: Engine, home: Path, keys: Keys) -> None:
    app = create_app(engine=_Broken(engine), settings=ServiceSettings(home=home, rate_limit=0))  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/screen", json={"queries": {"1": {"name": "Tencent"}}}, headers=keys.bearer(keys.analyst))
    assert r.status_code == 500
    error = error_of(r)
    assert error["code"] == "internal"
    assert "secret" not in r.text and "RuntimeError" not in r.text
