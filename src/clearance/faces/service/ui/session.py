"""Signing in to the web UI: a session cookie that names a key, never holds it.

A user pastes their API key on `/ui/login`; when `KeyStore.find` knows it and it is not revoked, the
answer sets the cookie `clearance_ui`: `{"k": key id, "u": user, "s": a random session id}` signed
and dated with `itsdangerous.URLSafeTimedSerializer` under the secret in `CLEARANCE_HOME/ui.secret`
(32 random bytes as hex, made at first use with mode 0600, shared by every worker). The cookie is
HttpOnly, SameSite=Strict, limited to `/ui`, Secure over HTTPS, and good for `SESSION_SECONDS`.

On every request the key is looked up again by its id (`KeyStore.records` rereads keys.json when it
changes): a revoked key, or one that now belongs to another user, ends the session at once.

Forms that change data carry `csrf`, an HMAC of the session id under the same secret: a page of
another site cannot read it, so it cannot make the browser post a form that is accepted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from clearance.faces.service.keys import KeyRecord, KeyStore, Role

COOKIE = "clearance_ui"
PATH = "/ui"
SESSION_SECONDS = 8 * 3600  # a working day; then the user pastes the key again
SECRET_FILE = "ui.secret"
_SALT = "clearance-ui-session"


@functools.lru_cache(maxsize=16)
def secret(home: Path) -> bytes:
    """The UI's signing secret, made at first use in `home/ui.secret` (mode 0600), then kept by each
    worker (a new secret, which signs everyone out, takes a restart). Two workers making it at once
    both end up reading the one that was written first."""
    path = home / SECRET_FILE
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32))
    text = path.read_text(encoding="ascii").strip()
    if len(text) < 32:  # being written by another worker this very moment, or emptied
        raise OSError(f"{path} holds no secret; remove it and sign in again")
    return text.encode("ascii")


@dataclass(frozen=True)
class Session:
    """A signed-in user: the key's id (never the key), the user, their role, and the session id."""

    key_id: str
    user: str
    role: Role
    sid: str
    csrf: str

    @property
    def admin(self) -> bool:
        return self.role is Role.ADMIN


def _serializer(home: Path) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret(home), salt=_SALT)


def csrf_of(home: Path, sid: str) -> str:
    """The CSRF token of a session: an HMAC of its id under the UI's secret."""
    return hmac.new(secret(home), b"csrf:" + sid.encode("ascii"), hashlib.sha256).hexdigest()


def home_of(request: Request) -> Path:
    home: Path = request.app.state.settings.home
    return home


def keys_of(request: Request) -> KeyStore:
    keys: KeyStore = request.app.state.keys
    return keys


def current(request: Request) -> Session | None:
    """The session of this request, or None: no cookie, a forged or expired one, or a key since revoked
    (or given to another user)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    home = home_of(request)
    try:
        doc: Any = _serializer(home).loads(cookie, max_age=SESSION_SECONDS)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in ("k", "u", "s")):
        return None
    record = next((r for r in keys_of(request).records() if r.id == doc["k"]), None)
    if record is None or record.revoked is not None or record.user != doc["u"]:
        return None
    return Session(record.id, record.user, record.role, doc["s"], csrf_of(home, doc["s"]))


def start(request: Request, response: Response, record: KeyRecord) -> Session:
    """Sign `record`'s user in: set the session cookie on `response`."""
    home = home_of(request)
    sid = secrets.token_urlsafe(18)
    token = _serializer(home).dumps({"k": record.id, "u": record.user, "s": sid})
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_SECONDS,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return Session(record.id, record.user, record.role, sid, csrf_of(home, sid))


def end(response: Response) -> None:
    """Sign out: the cookie is removed."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict")


def csrf_ok(session: Session, given: str | None) -> bool:
    """Does a form's token belong to this session?"""
    return bool(given) and hmac.compare_digest(session.csrf, str(given))
