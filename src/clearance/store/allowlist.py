"""The allowlist: "this party is not that listed entity", said by an analyst, for a while.

An entry is scoped to the pair as the analyst saw it: the party (its key), the listed entity, the
party's name and the listed name that matched, and the entity's fingerprint. It suppresses an alert
only when all five are the same, the entry has not expired and was not revoked: never a different
listed entity, never another name of the party or of the entity, and never the same entity once its
listing changed (new names, a new measure, a new owner: a new fingerprint). Adding and revoking are
audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, select

from clearance.errors import InputError
from clearance.store.audit import now
from clearance.store.enums import AlertStatus
from clearance.store.schema import alerts, allowlist, parties
from clearance.store.store import Store, inserted

DEFAULT_DAYS = 365
MAX_DAYS = 3 * 365  # an entry for longer than three years is refused: it must be looked at again


def squeeze(name: str) -> str:
    """A name as the allowlist compares it: case and runs of spaces set aside."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True, slots=True)
class Pair:
    party_key: str
    entity_id: str
    query_name: str
    matched_name: str
    fingerprint: str


def holding(connection: Connection, pair: Pair, *, at: str | None = None) -> int | None:
    """The id of an entry that covers `pair` at `at` (default now), or None."""
    moment = at or now()
    row = connection.execute(
        select(allowlist.c.id)
        .where(
            and_(
                allowlist.c.party_key == pair.party_key,
                allowlist.c.entity_id == pair.entity_id,
                allowlist.c.query_name == squeeze(pair.query_name),
                allowlist.c.matched_name == squeeze(pair.matched_name),
                allowlist.c.fingerprint == pair.fingerprint,
                allowlist.c.revoked_at.is_(None),
                allowlist.c.expires_at > moment,
            )
        )
        .limit(1)
    ).first()
    return None if row is None else int(row[0])


def _expiry(expires: date | None) -> str:
    today = datetime.now(UTC).date()
    day = expires or today + timedelta(days=DEFAULT_DAYS)
    if day <= today:
        raise InputError(f"the expiry {day.isoformat()} is not after today")
    if day > today + timedelta(days=MAX_DAYS):
        raise InputError(
            f"the expiry {day.isoformat()} is more than {MAX_DAYS} days away: entries must be reviewed"
        )
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat(timespec="microseconds")


def add_from_alert(
    store: Store, alert_id: int, *, author: str, reason: str, expires: date | None = None
) -> int:
    """Allowlist the pair of one alert (its party, entity, names and fingerprint); returns the entry's
    id. Raises `InputError` for an unknown alert, an empty reason or an expiry not within
    (today, today + 3 years]."""
    if not reason.strip():
        raise InputError("an allowlist entry needs a reason")
    expires_at = _expiry(expires)
    with store.unit() as unit:
        row = unit.connection.execute(
            select(alerts, parties.c.key.label("party_key"))
            .join(parties, parties.c.id == alerts.c.party_id)
            .where(alerts.c.id == alert_id)
        ).first()
        if row is None:
            raise InputError(f"no alert {alert_id}")
        values = {
            "party_key": row.party_key,
            "entity_id": row.entity_id,
            "query_name": squeeze(row.query_name),
            "matched_name": squeeze(row.matched_name),
            "fingerprint": row.fingerprint,
            "reason": reason.strip(),
            "author": author,
            "created_at": now(),
            "expires_at": expires_at,
        }
        entry = inserted(unit.connection.execute(allowlist.insert().values(**values)))
        unit.audit(
            actor=author,
            action="allowlist_added",
            subject=f"allowlist {entry}",
            detail={**values, "alert": alert_id},
        )
    return entry


def revoke(store: Store, entry: int, *, user: str, reason: str) -> None:
    """End an entry now; raises `InputError` when there is no such live entry."""
    with store.unit() as unit:
        done = unit.connection.execute(
            allowlist.update()
            .where(and_(allowlist.c.id == entry, allowlist.c.revoked_at.is_(None)))
            .values(revoked_by=user, revoked_at=now())
        )
        if done.rowcount != 1:
            raise InputError(f"no live allowlist entry {entry}")
        unit.audit(
            actor=user, action="allowlist_revoked", subject=f"allowlist {entry}", detail={"reason": reason}
        )


def entries(store: Store, *, live_only: bool = False) -> list[dict[str, Any]]:
    """Every entry (or the live ones), newest first."""
    query = select(allowlist).order_by(allowlist.c.id.desc())
    if live_only:
        query = query.where(and_(allowlist.c.revoked_at.is_(None), allowlist.c.expires_at > now()))
    with store.reading() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def suppressed_count(connection: Connection, entry: int) -> int:
    rows = connection.execute(
        select(alerts.c.id).where(
            and_(alerts.c.allowlist_id == entry, alerts.c.status == AlertStatus.SUPPRESSED)
        )
    )
    return len(rows.all())
