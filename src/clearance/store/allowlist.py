"""The allowlist: "this party is not that listed entity", said by an analyst, for a while.

An entry is scoped to the pair as the analyst saw it: the party (its key), the listed entity, the
party's name and the listed name that matched, the entity's fingerprint, and the party's evidence (its
date of birth, countries and identifiers as screened, by SHA-256). It suppresses an alert only when all
six are the same, the entry has not expired, was not revoked, and is in effect: never a different
listed entity, never another name of the party or of the entity, never the same name with other
evidence (a party known only by its name is no more than that name with that evidence), and never the
same entity once its listing changed (new names, a new measure, a new owner: a new fingerprint).

An entry covers the decision it was made on and milder ones: one made on a review alert never
suppresses the same pair when it blocks (another activity, a later date). An entry on a blocking
alert takes effect only when a second user approves it (`approve`; four eyes,
as for closing a case); on a review alert it takes effect at once. Adding, approving and revoking are
audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, select

from clearance.errors import InputError
from clearance.store.audit import now
from clearance.store.schema import alerts, allowlist, parties
from clearance.store.store import Store, inserted
from clearance.store.users import user_name

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
    evidence: str  # `evidence_digest` of the party's details
    decision: str = "review"  # the alert's: an entry made on a review never covers a block


def evidence_digest(details: str) -> str:
    """SHA-256 of a party's evidence as the store keeps it (canonical JSON)."""
    return hashlib.sha256(details.encode()).hexdigest()


def _covers(pair: Pair, moment: str) -> Any:
    """The condition of a live entry (not revoked, not expired) for `pair`, approved or not."""
    return and_(
        allowlist.c.party_key == pair.party_key,
        allowlist.c.entity_id == pair.entity_id,
        allowlist.c.query_name == squeeze(pair.query_name),
        allowlist.c.matched_name == squeeze(pair.matched_name),
        allowlist.c.fingerprint == pair.fingerprint,
        allowlist.c.evidence == pair.evidence,
        allowlist.c.decision.in_(["review", "block"] if pair.decision != "block" else ["block"]),
        allowlist.c.revoked_at.is_(None),
        allowlist.c.expires_at > moment,
    )


def holding(connection: Connection, pair: Pair, *, at: str | None = None) -> int | None:
    """The id of an entry in effect that covers `pair` at `at` (default now), or None."""
    query = select(allowlist.c.id).where(_covers(pair, at or now()), allowlist.c.approved_at.is_not(None))
    row = connection.execute(query.limit(1)).first()
    return None if row is None else int(row[0])


def for_alert(store: Store, alert_id: int) -> dict[str, Any] | None:
    """The live entry for an alert's pair, in effect or waiting for approval, or None: what a case page
    shows beside the alert."""
    with store.reading() as connection:
        row = connection.execute(
            select(alerts, parties.c.key.label("party_key"), parties.c.details.label("details"))
            .join(parties, parties.c.id == alerts.c.party_id)
            .where(alerts.c.id == alert_id)
        ).first()
        if row is None:
            return None
        pair = Pair(
            row.party_key, row.entity_id, row.query_name, row.matched_name, row.fingerprint,
            evidence_digest(row.details), row.decision,
        )  # fmt: skip
        found = connection.execute(
            select(allowlist).where(_covers(pair, now())).order_by(allowlist.c.id.desc()).limit(1)
        ).first()
    return None if found is None else dict(found._mapping)


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
    """Allowlist the pair of one alert (its party, entity, names, fingerprint and the party's evidence);
    returns the entry's id. An entry on a blocking alert waits for a second user (`approve`). Raises
    `InputError` for an unknown alert, an empty reason or an expiry not within (today, today + 3
    years]."""
    author = user_name(author)
    if not reason.strip():
        raise InputError("an allowlist entry needs a reason")
    expires_at = _expiry(expires)
    with store.unit() as unit:
        row = unit.connection.execute(
            select(alerts, parties.c.key.label("party_key"), parties.c.details.label("details"))
            .join(parties, parties.c.id == alerts.c.party_id)
            .where(alerts.c.id == alert_id)
        ).first()
        if row is None:
            raise InputError(f"no alert {alert_id}")
        at = now()
        blocking = row.decision == "block"
        values = {
            "party_key": row.party_key,
            "entity_id": row.entity_id,
            "query_name": squeeze(row.query_name),
            "matched_name": squeeze(row.matched_name),
            "fingerprint": row.fingerprint,
            "evidence": evidence_digest(row.details),
            "decision": row.decision,
            "reason": reason.strip(),
            "author": author,
            "created_at": at,
            "expires_at": expires_at,
            "approved_by": None if blocking else author,
            "approved_at": None if blocking else at,
        }
        entry = inserted(unit.connection.execute(allowlist.insert().values(**values)))
        unit.audit(
            actor=author,
            action="allowlist_added",
            subject=f"allowlist {entry}",
            detail={**values, "alert": alert_id, "waits_for_approval": blocking},
        )
    return entry


def approve(store: Store, entry: int, *, user: str) -> None:
    """A second user's approval of an entry on a blocking alert: it takes effect now. Raises
    `FourEyesError` when `user` wrote it, `InputError` when there is no such entry waiting."""
    from clearance.store.cases import FourEyesError

    user = user_name(user)
    with store.unit() as unit:
        row = unit.connection.execute(select(allowlist).where(allowlist.c.id == entry)).first()
        if row is None or row.approved_at is not None or row.revoked_at is not None:
            raise InputError(f"no allowlist entry {entry} waiting for approval")
        if user_name(row.author) == user:
            raise FourEyesError(
                f"allowlist entry {entry} was written by {user}: another user must approve it"
            )
        at = now()
        unit.connection.execute(
            allowlist.update().where(allowlist.c.id == entry).values(approved_by=user, approved_at=at)
        )
        unit.audit(actor=user, action="allowlist_approved", subject=f"allowlist {entry}", detail={"at": at})


def revoke(store: Store, entry: int, *, user: str, reason: str) -> None:
    """End an entry now; raises `InputError` when there is no such live entry."""
    user = user_name(user)
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
        query = query.where(
            and_(
                allowlist.c.revoked_at.is_(None),
                allowlist.c.approved_at.is_not(None),
                allowlist.c.expires_at > now(),
            )
        )
    with store.reading() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
