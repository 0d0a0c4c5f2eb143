"""Signing in and out of the web UI (`session` keeps the cookie).

* `GET /ui/login` (open): the form where a user pastes their API key.
* `POST /ui/login` (open): a known, unrevoked key starts a session and goes on to `next` (a page of the
  UI); any other answer is the form again with a message, 401. Each attempt, good or bad, is an audit
  record `login` (`detail`: ok, why not, the key's id when known, the client's address; never the key).
  The store must take that record: when it cannot, nobody is signed in (503).
* `POST /ui/logout` (signed in, with the form's CSRF token): the cookie is removed; audited as `logout`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from clearance.faces.service.auth import key_of
from clearance.faces.service.keys import KeyRecord
from clearance.faces.service.storage import store_of
from clearance.faces.service.ui import session as sessions
from clearance.faces.service.ui.render import error_page, form_of, page, posted, redirect, safe_next
from clearance.store import StoreError

router = APIRouter(prefix="/ui")
UNKNOWN = "unknown"  # the actor of a failed sign-in with a key nobody holds


def cross_site(request: Request) -> bool:
    """Did another site make the browser send this? (`Sec-Fetch-Site`, sent by every current browser;
    the session's CSRF token guards the forms of a signed-in user besides.)"""
    return request.headers.get("sec-fetch-site", "same-origin") == "cross-site"


def _audit_login(request: Request, record: KeyRecord | None, ok: bool, why: str) -> None:
    user = record.user if record is not None else UNKNOWN
    detail: dict[str, Any] = {
        "ok": ok,
        "key_id": record.id if record is not None else None,
        "client": request.client.host if request.client else "",
    }
    if why:
        detail["why"] = why
    with store_of(request.app).unit() as unit:
        unit.audit(actor=user, action="login", subject=f"user {user}", detail=detail)


@router.get("/login")
async def login_form(request: Request) -> Response:
    """The sign-in form (a user already signed in goes on to `next`)."""
    wanted = safe_next(request.query_params.get("next"))
    if sessions.current(request) is not None:
        return redirect(wanted)
    return page(request, "login.html", None, title="Sign in", next=wanted)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the pasted key; sign its user in or say why not."""
    if cross_site(request):
        return error_page(request, None, 403, "a sign-in posted from another site is refused")
    try:
        fields = await form_of(request)
    except ValueError as exc:
        return error_page(request, None, 400, str(exc))
    wanted = safe_next(fields.get("next"))
    given = fields.get("key", "")
    key = key_of(given) or given.strip()
    record = request.app.state.keys.find(key) if key else None
    if record is None:
        ok, why = False, "no key given" if not key else "unknown key"
    elif record.revoked is not None:
        ok, why = False, f"key {record.id} was revoked"
    else:
        ok, why = True, ""
    try:
        await run_in_threadpool(_audit_login, request, record, ok, why)
    except StoreError as exc:
        return error_page(
            request, None, 503, f"sign-in is unavailable: the audit log cannot be written ({exc})"
        )
    if not ok or record is None:
        message = {
            "no key given": "Paste your API key.",
            "unknown key": "That key is not known here.",
        }.get(why, "That key was revoked.")
        return page(request, "login.html", None, http_status=401, title="Sign in", next=wanted, error=message)
    response = redirect(wanted)
    sessions.start(request, response, record)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out (the form carries the session's CSRF token)."""
    checked = await posted(request)
    if not isinstance(checked, tuple):
        return checked
    session, _ = checked

    def audit() -> None:
        with store_of(request.app).unit() as unit:
            unit.audit(
                actor=session.user,
                action="logout",
                subject=f"user {session.user}",
                detail={"key_id": session.key_id},
            )

    with contextlib.suppress(StoreError):  # signing out never fails: the cookie goes either way
        await run_in_threadpool(audit)
    response = redirect("/ui/login", done="signed_out")
    sessions.end(response)
    return response
