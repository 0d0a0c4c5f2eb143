"""API keys: stored hashed, both header schemes, every failure (missing, wrong, revoked, wrong role), and
per-key rate limits."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearance import Engine
from clearance.errors import InputError
from clearance.faces.service.app import create_app
from clearance.faces.service.auth import KeyStore, RateLimiter, Role, key_of
from clearance.faces.service.settings import ServiceSettings
from faces.service.service_files import Keys, error_of

SCREEN = {"queries": {"1": {"name": "Mary Johnson Bakery"}}}


def test_keys_are_kept_hashed_in_a_private_file(home: Path, keys: Keys) -> None:
    path = home / "keys.json"
    text = path.read_text()
    assert keys.analyst not in text and keys.admin not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(text)
    assert {k["role"] for k in doc["keys"]} == {"analyst", "admin"}
    assert {k["user"] for k in doc["keys"]} == {"ana", "root"}
    assert keys.analyst.startswith("clr_") and len(keys.analyst) >= 40
    found = keys.store.find(keys.analyst)
    assert found is not None and found.role is Role.ANALYST and found.user == "ana"
    assert keys.store.find(keys.analyst + "x") is None


def test_a_new_store_reads_the_keys_and_revoking_keeps_the_record(home: Path, keys: Keys) -> None:
    again = KeyStore.under(home)
    assert len(again.records()) == 2
    revoked = again.revoke(keys.analyst_id)
    assert revoked.revoked is not None
    assert keys.store.find(keys.analyst) == revoked  # the first store sees the change
    with pytest.raises(InputError, match="no key with id"):
        again.revoke("nope")


@pytest.mark.parametrize("user", ["", "two words", "x" * 101])
def test_a_key_needs_a_user_name(home: Path, user: str) -> None:
    with pytest.raises(InputError, match="user name"):
        KeyStore.under(home).create(Role.ANALYST, user)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Bearer abc", "abc"),
        ("ApiKey abc", "abc"),
        ("bearer  abc ", "abc"),
        ("APIKEY abc", "abc"),
        ("Basic abc", None),
        ("abc", None),
        ("Bearer ", None),
        ("", None),
        (None, None),
    ],
)
def test_the_key_in_the_header(header: str | None, key: str | None) -> None:
    assert key_of(header) == key


@pytest.mark.parametrize("scheme", ["Bearer", "ApiKey", "apikey"])
def test_both_schemes_are_accepted(client: TestClient, keys: Keys, scheme: str) -> None:
    r = client.post("/screen", json=SCREEN, headers={"Authorization": f"{scheme} {keys.analyst}"})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/screen"),
        ("get", "/search?q=Tencent"),
        ("get", "/measures"),
        ("get", "/lists"),
        ("post", "/lists/update"),
    ],
)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-key", "Basic dXNlcjpwYXNz", "Bearer", "ApiKey clr_"]
)
def test_no_route_with_data_is_open_without_a_valid_key(
    client: TestClient, keys: Keys, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    r = client.request(method, path, json=SCREEN if path == "/screen" else None, headers=headers)
    assert r.status_code == 401
    assert error_of(r)["code"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_refused_at_once(client: TestClient, keys: Keys) -> None:
    headers = keys.bearer(keys.analyst)
    assert client.post("/screen", json=SCREEN, headers=headers).status_code == 200
    KeyStore.under(keys.store.path.parent).revoke(keys.analyst_id)  # as `clearance keys revoke` does
    r = client.post("/screen", json=SCREEN, headers=headers)
    assert r.status_code == 401
    assert "revoked" in error_of(r)["message"]


def test_an_analyst_may_not_update_the_lists_and_an_admin_may_screen(client: TestClient, keys: Keys) -> None:
    r = client.post("/lists/update", headers=keys.bearer(keys.analyst))
    assert r.status_code == 403
    error = error_of(r)
    assert error["code"] == "forbidden" and "admin" in error["message"]
    assert client.post("/screen", json=SCREEN, headers=keys.bearer(keys.admin)).status_code == 200
    assert client.get("/lists", headers=keys.bearer(keys.admin)).status_code == 200


def test_open_routes_need_no_key(client: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/docs", "/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_past_the_rate_a_key_gets_429_with_retry_after(engine: Engine, home: Path, keys: Keys) -> None:
    settings = ServiceSettings(home=home, rate_limit=0.01, rate_burst=2)  # a token every 100 s
    with TestClient(create_app(engine=engine, settings=settings)) as c:
        analyst, admin = keys.bearer(keys.analyst), keys.bearer(keys.admin)
        assert [c.get("/measures", headers=analyst).status_code for _ in range(2)] == [200, 200]
        r = c.get("/measures", headers=analyst)
        assert r.status_code == 429
        assert error_of(r)["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) >= 1
        assert c.get("/measures", headers=admin).status_code == 200  # each key has its own bucket
        assert c.get("/healthz").status_code == 200  # open routes are not limited


def test_the_bucket_refills_at_the_rate() -> None:
    limiter = RateLimiter(rate=2.0, burst=2)
    assert limiter.wait("k", now=0.0) == 0.0
    assert limiter.wait("k", now=0.0) == 0.0
    assert limiter.wait("k", now=0.0) == pytest.approx(0.5)
    assert limiter.wait("k", now=0.5) == 0.0  # one token back after half a second
    assert limiter.wait("k", now=0.5) == pytest.approx(0.5)
    assert limiter.wait("other", now=0.5) == 0.0
    assert RateLimiter(rate=0, burst=1).wait("k", now=0.0) == 0.0  # off
