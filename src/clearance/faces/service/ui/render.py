"""Pages as HTML: the Jinja2 templates of `ui/templates` (autoescaped: every value a page shows, a
listed name or a reason an analyst typed, is text, never markup), the answer's headers, reading a
posted form, and the redirects of the UI.

Every page is sent with a Content-Security-Policy that allows only the UI's own CSS (no script at
all, nothing from another origin), `X-Frame-Options: DENY`, and `Cache-Control: no-store` (a page
holds case data).

The UI's forms are plain HTML forms, posted form-encoded (`body.BodyLimit` lets those through under
`/ui/` only), answered POST-redirect-GET: it works without JavaScript. `form_of` reads a JSON object of
strings too, for scripts that drive the UI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from clearance.faces.service.ui.session import COOKIE, Session, csrf_ok, current
from clearance.version import __version__

HERE = Path(__file__).parent
STATIC = HERE / "static"
MAX_FIELD = 10_000  # characters of one form field (a reason, a name)

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def shown(value: Any) -> str:
    """A value of an audit record's detail as text (JSON for lists and objects, in any script);
    autoescaped like any other."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


_env.filters["shown"] = shown
templates = Jinja2Templates(env=_env)

NOTICES = {
    "disposed": "Disposition recorded.",
    "approved": "Approved: the case is closed.",
    "sent_back": "Sent back: the case is open again.",
    "allowlisted": "Allowlist entry added.",
    "signed_out": "Signed out.",
    "expired": "Your session ended (expired, signed out, or the key was revoked): sign in again.",
}


def page(
    request: Request,
    name: str,
    session: Session | None,
    http_status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render the template `name` with `context`, the session (for the header and the CSRF token) and
    the notice named by `?done=` (one of `NOTICES`: a fixed text, never one taken from the URL)."""
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    values = {"session": session, "notice": notice, "error": "", "version": __version__, **context}
    response = templates.TemplateResponse(request, name, values, status_code=http_status)
    response.headers.update(HEADERS)
    return response


def error_page(request: Request, session: Session | None, status: int, message: str) -> HTMLResponse:
    """A page that says what went wrong, with `status`."""
    return page(request, "error.html", session, status, title=f"Error {status}", message=message)


def redirect(path: str, **query: str) -> RedirectResponse:
    """303 See Other to a page of the UI (after a form: POST, redirect, GET)."""
    target = path + ("?" + urlencode(query) if query else "")
    response = RedirectResponse(target, status_code=303)
    response.headers.update(HEADERS)
    return response


def to_login(request: Request, *, expired: bool = False) -> RedirectResponse:
    """The redirect of a page asked for without a session: to sign-in, and back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = {"next": here}
    if expired:
        query["done"] = "expired"
    return redirect("/ui/login", **query)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of the UI, never another site."""
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/"


async def form_of(request: Request) -> dict[str, str]:
    """The posted fields, as strings (a form, or a JSON object of strings); raises `ValueError` for
    a body that is neither, or a field longer than `MAX_FIELD`."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    fields: dict[str, str] = {}
    if media == "application/json":
        doc = json.loads(await request.body() or b"{}")
        if not isinstance(doc, dict):
            raise ValueError("the form must be a JSON object")
        fields = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in doc.items()}
    elif media in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    elif media:
        raise ValueError(f"a form cannot be sent as {media}")
    if any(len(v) > MAX_FIELD for v in fields.values()):
        raise ValueError(f"a field is longer than {MAX_FIELD:,} characters")
    return fields


def signed_in(request: Request) -> Session | RedirectResponse:
    """The request's session, or the redirect to sign-in (saying the session ended when there was a
    cookie that no longer holds: expired, or its key revoked)."""
    found = current(request)
    if found is None:
        return to_login(request, expired=COOKIE in request.cookies)
    return found


async def posted(request: Request) -> tuple[Session, dict[str, str]] | Response:
    """A form posted by a signed-in user with their session's CSRF token: the session and its fields;
    else the answer to give (sign-in, 400 for a body that is no form, 403 for a missing or wrong
    token or a post from another site)."""
    found = signed_in(request)
    if not isinstance(found, Session):
        return found
    if request.headers.get("sec-fetch-site", "same-origin") == "cross-site":
        return error_page(request, found, 403, "a form posted from another site is refused")
    try:
        fields = await form_of(request)
    except ValueError as exc:
        return error_page(request, found, 400, str(exc))
    if not csrf_ok(found, fields.get("csrf") or request.headers.get("x-csrf-token")):
        return error_page(
            request,
            found,
            403,
            "the form's security token is missing or stale: reload the page and try again",
        )
    return found, fields
