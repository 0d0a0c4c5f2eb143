"""The alert queue and the case page, with the forms that decide a case (`store.cases`,
`store.allowlist`); every page needs a session, every form its CSRF token.

* `GET /ui/` the cases not closed (or of `?status=`), newest first, `?decision=block|review` those
  with an alert of it.
* `GET /ui/cases/{id}` the party, each alert's hit explained (`explain`), the case's audit trail and
  the forms its status allows.
* `POST /ui/cases/{id}/dispose` (disposition, reason), `/approve` (reason), `/send-back` (reason), and
  `POST /ui/alerts/{id}/allowlist` (reason, expires, case): each redirects to the case page; a step the
  store refuses (`FourEyesError`: the same user approving their own disposition; a case no longer in
  that state; an empty reason) shows the case page again with the store's message (403 or 409 or 400).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from clearance.domain.model import Measure
from clearance.errors import InputError
from clearance.faces.service.state import EngineState
from clearance.faces.service.storage import store_of
from clearance.faces.service.ui.explain import alert_view
from clearance.faces.service.ui.render import error_page, page, posted, redirect, signed_in
from clearance.faces.service.ui.session import Session
from clearance.store import StoreError
from clearance.store.allowlist import add_from_alert, for_alert
from clearance.store.allowlist import approve as approve_allowlisting
from clearance.store.cases import FourEyesError, approve, case_detail, dispose, queue, send_back
from clearance.store.enums import CaseStatus, Disposition

router = APIRouter(prefix="/ui")
DECISIONS = ("block", "review")


def number(text: str) -> int | None:
    """A positive id from a path or a field, or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def measures_now(request: Request) -> dict[str, Measure]:
    """The measures of the engine answering now (empty while the data loads: the case page then shows
    each hit's own account of its measures, without their timelines)."""
    state: EngineState = request.app.state.engine_state
    engine = state.current()
    return engine.measures if engine is not None else {}


@router.get("")
async def bare() -> Response:
    """`/ui` is the queue."""
    return redirect("/ui/")


@router.get("/")
async def queue_page(request: Request) -> Response:
    """The queue of cases, filtered by `status` and `decision`."""
    session = signed_in(request)
    if not isinstance(session, Session):
        return session
    status = request.query_params.get("status", "")
    decision = request.query_params.get("decision", "")
    statuses = [str(s) for s in CaseStatus]
    if (status and status not in statuses) or (decision and decision not in DECISIONS):
        return error_page(request, session, 400, "unknown filter: status is one of the listed ones")
    try:
        cases = await run_in_threadpool(
            queue, store_of(request.app), status=status or None, decision=decision or None
        )
    except StoreError as exc:
        return error_page(request, session, 503, f"the case store is unavailable: {exc}")
    return page(
        request,
        "queue.html",
        session,
        title="Alert queue",
        cases=cases,
        status=status,
        decision=decision,
        statuses=statuses,
        decisions=DECISIONS,
    )


async def _case_page(
    request: Request, session: Session, case_id: int, *, http_status: int = 200, error: str = ""
) -> Response:
    try:
        case = await run_in_threadpool(case_detail, store_of(request.app), case_id)
    except InputError:
        return error_page(request, session, 404, f"there is no case {case_id}")
    except StoreError as exc:
        return error_page(request, session, 503, f"the case store is unavailable: {exc}")
    measures = measures_now(request)
    store = store_of(request.app)
    try:
        covering = await run_in_threadpool(lambda: [for_alert(store, int(a["id"])) for a in case["alerts"]])
    except StoreError:
        covering = [None for _ in case["alerts"]]
    views = [
        {**alert_view(a, measures), "allowlisted": c} for a, c in zip(case["alerts"], covering, strict=True)
    ]
    return page(
        request,
        "case.html",
        session,
        http_status=http_status,
        title=f"Case {case_id}: {case['party']['name']}",
        case=case,
        alerts=views,
        error=error,
        dispositions=[str(d) for d in Disposition],
        can_dispose=case["status"] in (CaseStatus.OPEN, CaseStatus.ESCALATED),
        can_approve=case["status"] == CaseStatus.AWAITING_APPROVAL,
        own_proposal=case["proposed_by"] == session.user,
    )


@router.get("/cases/{case_id}")
async def case_page(request: Request, case_id: str) -> Response:
    """One case, explained, with its forms."""
    session = signed_in(request)
    if not isinstance(session, Session):
        return session
    found = number(case_id)
    if found is None:
        return error_page(request, session, 404, f"there is no case {case_id}")
    return await _case_page(request, session, found)


async def _act(
    request: Request, case_id: str, act: Callable[[Session, dict[str, str], int], Any], done: str
) -> Response:
    """Run one step on a case for a posted form, then back to the case page (with the store's refusal
    shown there when it refuses)."""
    checked = await posted(request)
    if not isinstance(checked, tuple):
        return checked
    session, fields = checked
    found = number(case_id)
    if found is None:
        return error_page(request, session, 404, f"there is no case {case_id}")
    try:
        await run_in_threadpool(act, session, fields, found)
    except FourEyesError as exc:
        return await _case_page(request, session, found, http_status=403, error=str(exc))
    except InputError as exc:
        return await _case_page(request, session, found, http_status=400, error=str(exc))
    except StoreError as exc:
        return error_page(request, session, 503, f"the case store is unavailable: {exc}")
    return redirect(f"/ui/cases/{found}", done=done)


@router.post("/cases/{case_id}/dispose")
async def dispose_case(request: Request, case_id: str) -> Response:
    """An analyst's disposition: true_match, false_positive or escalate, with a reason."""

    def act(session: Session, fields: dict[str, str], found: int) -> None:
        try:
            disposition = Disposition(fields.get("disposition", ""))
        except ValueError:
            raise InputError("choose a disposition: true_match, false_positive or escalate") from None
        dispose(
            store_of(request.app),
            found,
            user=session.user,
            disposition=disposition,
            reason=fields.get("reason", ""),
        )

    return await _act(request, case_id, act, "disposed")


@router.post("/cases/{case_id}/approve")
async def approve_case(request: Request, case_id: str) -> Response:
    """A second analyst closes a case waiting for approval (four eyes)."""

    def act(session: Session, fields: dict[str, str], found: int) -> None:
        approve(store_of(request.app), found, user=session.user, reason=fields.get("reason", "").strip())

    return await _act(request, case_id, act, "approved")


@router.post("/cases/{case_id}/send-back")
async def send_back_case(request: Request, case_id: str) -> Response:
    """A second analyst sends a proposed disposition back: the case is open again."""

    def act(session: Session, fields: dict[str, str], found: int) -> None:
        reason = fields.get("reason", "").strip()
        if not reason:
            raise InputError("say why the case is sent back")
        send_back(store_of(request.app), found, user=session.user, reason=reason)

    return await _act(request, case_id, act, "sent_back")


def expiry(text: str) -> date | None:
    """An expiry date from a form (`YYYY-MM-DD`; empty: the store's default); raises `InputError`."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"the expiry '{text}' is not a date (YYYY-MM-DD)") from None


@router.post("/allowlist/{entry_id}/approve")
async def approve_entry(request: Request, entry_id: str) -> Response:
    """A second user's approval of an allowlist entry on a blocking alert; back to its case."""
    checked = await posted(request)
    if not isinstance(checked, tuple):
        return checked
    session, fields = checked
    entry, case = number(entry_id), fields.get("case", "")
    if entry is None or number(case) is None:
        return error_page(request, session, 404, f"there is no allowlist entry {entry_id}")
    try:
        await run_in_threadpool(lambda: approve_allowlisting(store_of(request.app), entry, user=session.user))
    except InputError as exc:  # FourEyesError among them: said on the page
        return await _case_page(
            request,
            session,
            int(case),
            http_status=403 if isinstance(exc, FourEyesError) else 400,
            error=str(exc),
        )
    except StoreError as exc:
        return error_page(request, session, 503, f"the case store is unavailable: {exc}")
    return redirect(f"/ui/cases/{int(case)}", done="allowlisted")


@router.post("/alerts/{alert_id}/allowlist")
async def allowlist_alert(request: Request, alert_id: str) -> Response:
    """Allowlist the pair of one alert (reason, expiry); back to its case (`case` field)."""
    checked = await posted(request)
    if not isinstance(checked, tuple):
        return checked
    session, fields = checked
    alert, case = number(alert_id), fields.get("case", "")
    if alert is None or number(case) is None:
        return error_page(request, session, 404, f"there is no alert {alert_id}")

    def act(session: Session, fields: dict[str, str], found: int) -> None:
        add_from_alert(
            store_of(request.app),
            found,
            author=session.user,
            reason=fields.get("reason", ""),
            expires=expiry(fields.get("expires", "")),
        )

    try:
        await run_in_threadpool(act, session, fields, alert)
    except InputError as exc:
        return await _case_page(request, session, int(case), http_status=400, error=str(exc))
    except StoreError as exc:
        return error_page(request, session, 503, f"the case store is unavailable: {exc}")
    return redirect(f"/ui/cases/{int(case)}", done="allowlisted")
