"""Checking requests: the key they name, the role it has, and its rate.

A request names its key as `Authorization: Bearer <key>` or `Authorization: ApiKey <key>` (the scheme of
OpenSanctions' hosted API); keys and roles are kept by `keys.KeyStore` (hashed, in
CLEARANCE_HOME/keys.json).

`require(role)` is the FastAPI dependency of a route that needs a key: 401 (`unauthorized`) for a missing,
unknown or revoked key, 403 (`forbidden`) for a key whose role may not (an admin may do everything an
analyst may), 429 (`rate_limited`, with `Retry-After` in seconds) past the key's rate; it returns the
`Caller`.

Rate limits are a token bucket per key in each worker process: `rate` requests per second, up to `burst`
at once. With N workers a key may reach N times the rate (each worker counts its own requests).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from time import monotonic
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from clearance.faces.service import admin
from clearance.faces.service.errors import ApiError
from clearance.faces.service.keys import Caller, KeyRecord, KeyStore, Role

__all__ = ["Caller", "KeyRecord", "KeyStore", "RateLimiter", "Role", "key_of", "require"]

SCHEMES = ("bearer", "apikey")


class RateLimiter:
    """A token bucket per key: `rate` tokens a second, at most `burst`. A rate of 0 turns it off."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, key_id: str, now: float | None = None) -> float:
        """Take a token for `key_id`: 0.0 when there was one, else the seconds until there is."""
        if self.rate <= 0:
            return 0.0
        at = monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.burst), at))
            tokens = min(float(self.burst), tokens + (at - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, at)
                return 0.0
            self._buckets[key_id] = (tokens, at)
            return (1.0 - tokens) / self.rate


_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="ApiKey",
    description="`Bearer <key>` or `ApiKey <key>`; a key comes from `clearance keys create`.",
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="clearance"'}


def key_of(authorization: str | None) -> str | None:
    """The key in an `Authorization` header (`Bearer <key>` or `ApiKey <key>`, any case), or None."""
    if not authorization:
        return None
    scheme, _, key = authorization.strip().partition(" ")
    if scheme.lower() not in SCHEMES or not key.strip():
        return None
    return key.strip()


def require(role: Role) -> Callable[..., Caller]:
    """The dependency of a route open to `role` (and to admins). Uses the app's `state.keys` (a
    `KeyStore`) and `state.limiter` (a `RateLimiter`)."""

    def caller(request: Request, authorization: Annotated[str | None, Security(_header)] = None) -> Caller:
        key = key_of(authorization)
        if key is None:
            message = (
                "a key is needed: send 'Authorization: Bearer <key>' (clearance keys create makes one)"
                if not authorization
                else "the Authorization header must be 'Bearer <key>' or 'ApiKey <key>'"
            )
            _denied(request, 401, "no key" if not authorization else "malformed header")
            raise ApiError(401, "unauthorized", message, headers=_CHALLENGE)
        store: KeyStore = request.app.state.keys
        record = store.find(key)
        if record is None:
            _denied(request, 401, "unknown key")
            raise ApiError(401, "unauthorized", "unknown key", headers=_CHALLENGE)
        if record.revoked is not None:
            _denied(request, 401, "revoked key", record.id)
            raise ApiError(401, "unauthorized", f"key {record.id} was revoked", headers=_CHALLENGE)
        if not record.role.may(role):
            _denied(request, 403, f"needs the role {role}", record.id)
            raise ApiError(403, "forbidden", f"this needs the role {role}; key {record.id} is {record.role}")
        limiter: RateLimiter = request.app.state.limiter
        wait = limiter.wait(record.id)
        if wait > 0:
            raise ApiError(
                429,
                "rate_limited",
                f"more than {limiter.rate:g} requests a second with this key; retry after {wait:.2f} s",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        caller = Caller(key_id=record.id, user=record.user, role=record.role)
        request.state.caller = caller
        return caller

    return caller


def _denied(request: Request, status: int, reason: str, key_id: str = "") -> None:
    client = request.client.host if request.client else ""
    admin.denied(request.app.state.settings.home, request.url.path, client, status, reason, key_id)
