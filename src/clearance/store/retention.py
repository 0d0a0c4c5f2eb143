"""Record retention: how long the store keeps decisions and cases, and a purge that never deletes
anything younger than that.

The period is `RETENTION_YEARS` (10), from 31 CFR 501.601 as amended by the interim final rule at
89 FR 74832 (Sept. 13, 2024; effective 2025-03-12), adopted without change by the final rule at
90 FR 13286 (March 21, 2025; effective that day): records of each transaction are to be available "for
at least 10 years" after it, and those of blocked property for as long as it is blocked and at least 10
years after it is unblocked. Sources (docs/regulator-reports.md): the two rules and their dates are
verified against the Federal Register; the statute behind them (21st Century Peace through Strength Act,
Pub. L. 118-50, div. D, sec. 3111, 2024-04-24, extending the IEEPA and TWEA limitation period from 5 to
10 years) is verified as recited in 90 FR 13286; the exact new wording of 501.601 ("at least 10 years")
is from a secondary source (Baker McKenzie). Applying the period to case files and report copies, and
counting it from the transaction, is an inference. CLEARANCE_RETENTION_YEARS may raise the period (an
institution's own policy), never lower it (`InputError`).

`purge(store, before=..., user=..., dry_run=...)` deletes what is older than `before`, which must be no
later than today (UTC) minus the period (else `InputError`, deleting nothing):

* a decision recorded before `before` whose screening date (`as_of`) is before it too, unless an alert
  kept below still points at it;
* a closed case closed before `before` whose alerts all come from such decisions, with its alerts; an
  alert in no case (suppressed by the allowlist) goes with its decision;
* a party with nothing left (no decision, alert or case) last screened before `before`.

Never deleted: an open case (open, escalated, awaiting approval) and its alerts, and the decisions they
point at, whatever their age: the case is still being worked. A case closed as a true match, its alerts
and decisions: 501.601 keeps blocked property records for as long as it is blocked plus 10 years, and the
store does not know when property is unblocked (delete those by hand, after checking). The audit log:
its `decision` records keep each deleted decision's digest, party, reference and data versions, and the
chain still verifies. Allowlist entries and the baseline are not touched.

A purge is one transaction with its audit record `purge` (subject `store`, with the counts); a dry run
makes the same deletions in a transaction it rolls back, so that its counts are exact, and writes no
audit record (it changes nothing). Written with SQLAlchemy Core for SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, not_, or_, select
from sqlalchemy.exc import OperationalError

from clearance.errors import InputError
from clearance.store.database import StoreError
from clearance.store.enums import OPEN_CASE, AlertStatus, CaseStatus, Disposition
from clearance.store.schema import alerts, cases, decisions, parties
from clearance.store.store import Store
from clearance.store.users import user_name

RETENTION_YEARS = 10
RETENTION_ENV = "CLEARANCE_RETENTION_YEARS"
RETENTION_CITATION = (
    "31 CFR 501.601, as amended by the interim final rule at 89 FR 74832 (Sept. 13, 2024), effective "
    "2025-03-12, adopted without change by the final rule at 90 FR 13286 (March 21, 2025)"
)
CHUNK = 500


def retention_years() -> int:
    """The retention period in years: CLEARANCE_RETENTION_YEARS when set, else 10. Raises `InputError`
    for a value that is not a whole number or is below 10 (the legal minimum)."""
    text = os.environ.get(RETENTION_ENV, "").strip()
    if not text:
        return RETENTION_YEARS
    try:
        years = int(text)
    except ValueError:
        raise InputError(f"{RETENTION_ENV} must be a whole number of years, not {text!r}") from None
    if years < RETENTION_YEARS:
        raise InputError(
            f"{RETENTION_ENV}={years} is below the legal minimum of {RETENTION_YEARS} years "
            f"({RETENTION_CITATION}): it may only raise the period"
        )
    return years


def latest_cutoff(today: date, years: int) -> date:
    """The latest `before` a purge accepts: `today` minus `years` (29 February giving 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def purge(store: Store, *, before: date, user: str, dry_run: bool) -> dict[str, Any]:
    """Delete what is older than `before` (see the module's docstring); returns `{"before", "dry_run",
    "retention": {"years", "citation", "latest_cutoff"}, "deleted": {"decisions", "alerts", "cases",
    "parties"} (what would be deleted, on a dry run), "kept": {"decisions" (older than `before`, kept),
    "open_cases", "true_match_cases", "other_cases" (closed after `before`, or with younger alerts)},
    "audit_seq" (None on a dry run)}`. Raises `InputError`, deleting nothing, when `before` is later than
    today (UTC) minus the retention period or the period is set below it; `StoreError` when the database
    refuses."""
    user = user_name(user)
    years = retention_years()
    limit = latest_cutoff(datetime.now(UTC).date(), years)
    if before > limit:
        raise InputError(
            f"{before.isoformat()} is inside the retention period: records are kept at least "
            f"{years} years ({RETENTION_CITATION}); the latest date allowed is {limit.isoformat()}"
        )
    out: dict[str, Any] = {
        "before": before.isoformat(),
        "dry_run": dry_run,
        "retention": {"years": years, "citation": RETENTION_CITATION, "latest_cutoff": limit.isoformat()},
    }
    cutoff = before.isoformat()  # stored times are ISO text in UTC: "2015-01-01T..." >= "2015-01-01"
    if dry_run:
        try:
            with store.engine.connect() as connection:
                transaction = connection.begin()
                try:
                    out["deleted"], out["kept"], _ = _purge(connection, cutoff)
                finally:
                    transaction.rollback()
        except OperationalError as exc:
            raise StoreError(f"the store {store.where} refused a read: {str(exc).splitlines()[0]}") from None
        out["audit_seq"] = None
        return out
    with store.unit() as unit:
        out["deleted"], out["kept"], gone = _purge(unit.connection, cutoff)
        detail = {
            "before": out["before"],
            "retention_years": years,
            "deleted": out["deleted"],
            "decision_ids": ranges(gone["decisions"]),
            "alert_ids": ranges(gone["alerts"]),
            "case_ids": ranges(gone["cases"]),
        }
        out["audit_seq"] = unit.audit(
            actor=user, action="purge", subject="store", detail={**detail, "kept": out["kept"]}
        )
    return out


def _old(cutoff: str) -> Any:
    """A decision recorded before the cutoff, about a date before it."""
    return and_(decisions.c.at < cutoff, decisions.c.as_of < cutoff)


def ranges(ids: list[int]) -> list[list[int]]:
    """Ids as [first, last] runs: what a purge record keeps of the rows it deleted."""
    out: list[list[int]] = []
    for ident in sorted(ids):
        if out and out[-1][1] == ident - 1:
            out[-1][1] = ident
        else:
            out.append([ident, ident])
    return out


def _purge(
    connection: Connection, cutoff: str
) -> tuple[dict[str, int], dict[str, int], dict[str, list[int]]]:
    """Delete; returns the counts deleted and kept, and the ids deleted by table."""
    old = _old(cutoff)
    young_alert = (
        select(alerts.c.id)
        .join(decisions, decisions.c.id == alerts.c.decision_id)
        .where(alerts.c.case_id == cases.c.id, not_(old))
        .correlate(cases)
    )
    closed_cases = select(cases.c.id).where(
        cases.c.status == CaseStatus.CLOSED,
        cases.c.closed_at < cutoff,
        cases.c.disposition != Disposition.TRUE_MATCH,  # NULL is not != either: kept
        ~exists(young_alert),
    )
    case_ids = [int(r[0]) for r in connection.execute(closed_cases)]
    deleted = {"decisions": 0, "alerts": 0, "cases": 0, "parties": 0}
    gone_alerts: list[int] = []
    for start in range(0, len(case_ids), CHUNK):
        chunk = case_ids[start : start + CHUNK]
        gone_alerts += [
            int(r[0]) for r in connection.execute(select(alerts.c.id).where(alerts.c.case_id.in_(chunk)))
        ]
        deleted["alerts"] += _count(connection.execute(delete(alerts).where(alerts.c.case_id.in_(chunk))))
        deleted["cases"] += _count(connection.execute(delete(cases).where(cases.c.id.in_(chunk))))
    loose = and_(
        alerts.c.case_id.is_(None),
        alerts.c.status != AlertStatus.OPEN,
        alerts.c.decision_id.in_(select(decisions.c.id).where(old)),
    )
    gone_alerts += [int(r[0]) for r in connection.execute(select(alerts.c.id).where(loose))]
    deleted["alerts"] += _count(connection.execute(delete(alerts).where(loose)))
    pointed = select(alerts.c.id).where(alerts.c.decision_id == decisions.c.id).correlate(decisions)
    gone = [int(r[0]) for r in connection.execute(select(decisions.c.id).where(old, ~exists(pointed)))]
    for start in range(0, len(gone), CHUNK):
        deleted["decisions"] += _count(
            connection.execute(delete(decisions).where(decisions.c.id.in_(gone[start : start + CHUNK])))
        )

    used = or_(
        exists(select(decisions.c.id).where(decisions.c.party_id == parties.c.id).correlate(parties)),
        exists(select(alerts.c.id).where(alerts.c.party_id == parties.c.id).correlate(parties)),
        exists(select(cases.c.id).where(cases.c.party_id == parties.c.id).correlate(parties)),
    )
    deleted["parties"] = _count(
        connection.execute(delete(parties).where(parties.c.last_screened < cutoff, ~used))
    )
    return deleted, _kept(connection, cutoff), {"decisions": gone, "alerts": gone_alerts, "cases": case_ids}


def _kept(connection: Connection, cutoff: str) -> dict[str, int]:
    """What is older than the cutoff and was kept: decisions, and the cases that hold them by kind."""
    old = _old(cutoff)
    kept = {
        "decisions": int(
            connection.execute(select(func.count()).select_from(decisions).where(old)).scalar_one()
        )
    }
    kept |= {"open_cases": 0, "true_match_cases": 0, "other_cases": 0}
    holding = (
        select(cases.c.id, cases.c.status, cases.c.disposition)
        .join(alerts, alerts.c.case_id == cases.c.id)
        .join(decisions, decisions.c.id == alerts.c.decision_id)
        .where(old)
        .distinct()
    )
    for row in connection.execute(holding):
        if row.status in [str(s) for s in OPEN_CASE]:
            kept["open_cases"] += 1
        elif row.disposition == Disposition.TRUE_MATCH:
            kept["true_match_cases"] += 1
        else:
            kept["other_cases"] += 1
    return kept


def _count(result: Any) -> int:
    return int(result.rowcount or 0)
