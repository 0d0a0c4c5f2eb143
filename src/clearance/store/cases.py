"""Cases: a party's open alerts, dispositioned by an analyst, closed by a second one when it matters.

* A review or block hit opens an alert; a party's alerts gather in its one open case (a new alert in a
  case waiting for approval sends it back to open: the proposal did not see that alert).
* `dispose`: true match, false positive or escalate, with a reason. A false positive with no blocking
  alert closes the case. A true match, or a case with any blocking alert, waits for a second analyst
  (four eyes). Escalate keeps the case open, flagged for a senior analyst.
* `approve` closes a waiting case; the approver must be another user than the one who proposed it
  (`FourEyesError`). `send_back` reopens it.
Every step is an audit record in the same transaction as the change.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, and_, select

from clearance.errors import InputError
from clearance.store.audit import now
from clearance.store.enums import OPEN_CASE, AlertStatus, CaseStatus, Disposition
from clearance.store.schema import alerts, audit, cases, decisions, parties
from clearance.store.store import Store, Unit, inserted
from clearance.store.users import user_name


class FourEyesError(InputError):
    """The same user tried to approve a disposition of their own."""


def attach(unit: Unit, *, party_id: int, alert_id: int, actor: str) -> int:
    """Put an alert in its party's open case, opening one when there is none; returns the case id."""
    connection = unit.connection
    row = connection.execute(
        select(cases.c.id, cases.c.status)
        .where(and_(cases.c.party_id == party_id, cases.c.status.in_([str(s) for s in OPEN_CASE])))
        .order_by(cases.c.id)
        .limit(1)
    ).first()
    if row is None:
        case_id = inserted(
            connection.execute(
                cases.insert().values(party_id=party_id, status=CaseStatus.OPEN, opened_at=now())
            )
        )
        unit.audit(actor=actor, action="case_opened", subject=f"case {case_id}", detail={"party": party_id})
    else:
        case_id = int(row.id)
        if row.status == CaseStatus.AWAITING_APPROVAL:
            connection.execute(
                cases.update().where(cases.c.id == case_id).values(status=CaseStatus.OPEN, proposed_by=None)
            )
            unit.audit(
                actor=actor,
                action="case_reopened",
                subject=f"case {case_id}",
                detail={
                    "why": "a new alert arrived while the disposition waited for approval",
                    "alert": alert_id,
                },
            )
    connection.execute(alerts.update().where(alerts.c.id == alert_id).values(case_id=case_id))
    return case_id


def _case(connection: Connection, case_id: int) -> Any:
    row = connection.execute(select(cases).where(cases.c.id == case_id)).first()
    if row is None:
        raise InputError(f"no case {case_id}")
    return row


def _blocking(connection: Connection, case_id: int) -> bool:
    found = connection.execute(
        select(alerts.c.id).where(and_(alerts.c.case_id == case_id, alerts.c.decision == "block")).limit(1)
    ).first()
    return found is not None


def _close(unit: Unit, case_id: int, *, disposition: str, approver: str | None) -> None:
    unit.connection.execute(
        cases.update()
        .where(cases.c.id == case_id)
        .values(status=CaseStatus.CLOSED, closed_at=now(), approved_by=approver, disposition=disposition)
    )
    unit.connection.execute(
        alerts.update()
        .where(and_(alerts.c.case_id == case_id, alerts.c.status == AlertStatus.OPEN))
        .values(status=AlertStatus.CLOSED)
    )


def dispose(store: Store, case_id: int, *, user: str, disposition: Disposition, reason: str) -> CaseStatus:
    """An analyst's disposition of an open case; returns the case's new status. Raises `InputError`
    for an unknown case, one that is not open, or an empty reason."""
    user = user_name(user)
    if not reason.strip():
        raise InputError("a disposition needs a reason")
    with store.unit() as unit:
        case = _case(unit.connection, case_id)
        if case.status not in (CaseStatus.OPEN, CaseStatus.ESCALATED):
            raise InputError(f"case {case_id} is {case.status}, not open")
        values: dict[str, Any] = {"disposition": disposition, "reason": reason.strip(), "proposed_at": now()}
        if disposition is Disposition.ESCALATE:
            status = CaseStatus.ESCALATED
        elif disposition is Disposition.TRUE_MATCH or _blocking(unit.connection, case_id):
            status = CaseStatus.AWAITING_APPROVAL
        else:
            status = CaseStatus.CLOSED
        values["proposed_by"] = user
        unit.connection.execute(cases.update().where(cases.c.id == case_id).values(status=status, **values))
        if status is CaseStatus.CLOSED:
            _close(unit, case_id, disposition=disposition, approver=None)
        unit.audit(
            actor=user,
            action="case_disposed",
            subject=f"case {case_id}",
            detail={"disposition": disposition, "reason": reason.strip(), "status": status},
        )
    return status


def _second_look(connection: Connection, case_id: int, user: str, verb: str) -> Any:
    """The case waiting for a second analyst's look, when `user` may give it (four eyes)."""
    case = _case(connection, case_id)
    if case.status != CaseStatus.AWAITING_APPROVAL:
        raise InputError(f"case {case_id} is {case.status}, not awaiting approval")
    if user_name(case.proposed_by or "-") == user:
        raise FourEyesError(f"case {case_id} was disposed by {user}: another analyst must {verb} it")
    return case


def approve(store: Store, case_id: int, *, user: str, reason: str = "") -> None:
    """A second analyst's approval: closes a case waiting for it. Raises `FourEyesError` when `user`
    proposed the disposition, `InputError` when the case is not waiting for approval."""
    user = user_name(user)
    with store.unit() as unit:
        case = _second_look(unit.connection, case_id, user, "approve")
        _close(unit, case_id, disposition=case.disposition, approver=user)
        unit.audit(
            actor=user,
            action="case_approved",
            subject=f"case {case_id}",
            detail={"disposition": case.disposition, "proposed_by": case.proposed_by, "reason": reason},
        )


def send_back(store: Store, case_id: int, *, user: str, reason: str) -> None:
    """A second analyst's refusal: the case waiting for approval is open again."""
    user = user_name(user)
    with store.unit() as unit:
        _second_look(unit.connection, case_id, user, "review")
        unit.connection.execute(
            cases.update().where(cases.c.id == case_id).values(status=CaseStatus.OPEN, proposed_by=None)
        )
        unit.audit(actor=user, action="case_sent_back", subject=f"case {case_id}", detail={"reason": reason})


def queue(
    store: Store, *, status: str | None = None, decision: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Cases with their party and alert counts, newest first; `status` one of CaseStatus (default: every
    case not closed), `decision` block or review (cases with at least one alert of it)."""
    wanted = [status] if status else [str(s) for s in OPEN_CASE]
    query = (
        select(cases, parties.c.name.label("party"), parties.c.key.label("party_key"))
        .join(parties, parties.c.id == cases.c.party_id)
        .where(cases.c.status.in_(wanted))
        .order_by(cases.c.id.desc())
        .limit(limit)
    )
    out = []
    with store.reading() as connection:
        for row in connection.execute(query):
            kinds = [
                r[0] for r in connection.execute(select(alerts.c.decision).where(alerts.c.case_id == row.id))
            ]
            if decision and decision not in kinds:
                continue
            out.append({**dict(row._mapping), "alerts": len(kinds), "blocks": kinds.count("block")})
    return out


def case_detail(store: Store, case_id: int) -> dict[str, Any]:
    """A case, its party, its alerts with their hits, the decisions they came from and its audit
    records. Raises `InputError` for an unknown case."""
    with store.reading() as connection:
        case = _case(connection, case_id)
        party = connection.execute(select(parties).where(parties.c.id == case.party_id)).one()
        found = []
        for alert in connection.execute(
            select(alerts).where(alerts.c.case_id == case_id).order_by(alerts.c.id)
        ):
            decision = connection.execute(
                select(
                    decisions.c.id,
                    decisions.c.at,
                    decisions.c.as_of,
                    decisions.c.source,
                    decisions.c.reference,
                    decisions.c.data_versions,
                    decisions.c.activity,
                ).where(decisions.c.id == alert.decision_id)
            ).one()
            found.append(
                {
                    **{k: v for k, v in alert._mapping.items() if k != "hit"},
                    "hit": json.loads(alert.hit),
                    "screening": {**decision._mapping, "data_versions": json.loads(decision.data_versions)},
                }
            )
        trail = [
            {"seq": r.seq, "at": r.at, "actor": r.actor, "action": r.action, "detail": json.loads(r.detail)}
            for r in connection.execute(
                select(audit).where(audit.c.subject == f"case {case_id}").order_by(audit.c.seq)
            )
        ]
    return {
        **dict(case._mapping),
        "party": {**dict(party._mapping), "details": json.loads(party.details)},
        "alerts": found,
        "trail": trail,
    }
