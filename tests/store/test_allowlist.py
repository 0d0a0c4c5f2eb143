"""The allowlist suppresses the same false positive next time, and nothing else: not another listed
entity, not another name, not the same entity once its listing changed, not after expiry or revocation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from clearance import Engine
from clearance.errors import InputError
from clearance.store import Store
from clearance.store.allowlist import Pair, add_from_alert, approve, entries, evidence_digest, holding, revoke
from clearance.store.cases import FourEyesError
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Recorded, Screened, record
from clearance.store.schema import alerts, parties

TENCENT = "Tencent Holdings"


def run(
    store: Store,
    engine: Engine,
    name: str,
    *,
    party: str | None = "C-7",
    fingerprint: object = None,
    birth_date: str | None = None,
    as_of: str = "2021-03-01",
    activity: str = "any",
) -> Recorded:
    result = engine.screen(name, as_of=as_of, birth_date=birth_date, activity=activity)
    return record(
        store,
        [Screened(result=result.to_dict(), party_reference=party)],
        source="test",
        actor="ana",
        fingerprint=fingerprint or Fingerprints(engine.entities),  # type: ignore[arg-type]
    )


def first_alert(store: Store) -> int:
    with store.reading() as connection:
        return int(connection.execute(select(alerts.c.id).order_by(alerts.c.id)).first()[0])  # type: ignore[index]


def allowlisted(store: Store, engine: Engine) -> int:
    run(store, engine, TENCENT)
    return add_from_alert(store, first_alert(store), author="ana", reason="our Tencent is a tea shop")


def close_open_alerts(store: Store) -> None:
    """As if the case was closed: a new screening may open alerts again."""
    with store.unit() as unit:
        unit.connection.execute(alerts.update().values(status="closed"))


def test_the_same_pair_is_suppressed_next_time(store: Store, engine: Engine) -> None:
    entry = allowlisted(store, engine)
    close_open_alerts(store)
    again = run(store, engine, TENCENT)
    assert again.opened == 0 and again.suppressed >= 1
    with store.reading() as connection:
        suppressed = connection.execute(select(alerts).where(alerts.c.status == "suppressed")).all()
    assert {r.allowlist_id for r in suppressed} == {entry}
    assert [r["id"] for r in entries(store, live_only=True)] == [entry]
    # the test closed the alerts by hand, as no analyst may: the audit check says so
    assert "changed by hand" in store.verify().problem


def test_another_party_with_the_same_name_is_not_covered(store: Store, engine: Engine) -> None:
    allowlisted(store, engine)
    other = run(store, engine, TENCENT, party="C-8")
    assert other.opened >= 1 and other.suppressed == 0


def test_another_listed_entity_is_not_covered(store: Store, engine: Engine) -> None:
    allowlisted(store, engine)
    close_open_alerts(store)
    smic = run(store, engine, "Semiconductor Manufacturing International Corporation")
    assert smic.opened >= 1 and smic.suppressed == 0


def test_a_changed_listing_is_not_covered(store: Store, engine: Engine) -> None:
    allowlisted(store, engine)
    close_open_alerts(store)
    changed = run(store, engine, TENCENT, fingerprint=lambda entity_id: "a new listing " + entity_id)
    assert changed.opened >= 1 and changed.suppressed == 0


def test_another_name_of_the_party_is_not_covered(store: Store, engine: Engine) -> None:
    allowlisted(store, engine)
    close_open_alerts(store)
    renamed = run(store, engine, "Tencent Holdings Ltd")
    assert renamed.suppressed == 0


def test_an_entry_lapses_at_its_expiry_and_when_revoked(store: Store, engine: Engine) -> None:
    entry = allowlisted(store, engine)
    with store.reading() as connection:
        row = connection.execute(select(alerts).where(alerts.c.id == first_alert(store))).one()
        details = connection.execute(select(parties.c.details).where(parties.c.key == "ref:C-7")).scalar_one()
        pair = Pair(
            "ref:C-7",
            row.entity_id,
            row.query_name,
            row.matched_name,
            row.fingerprint,
            evidence_digest(details),
        )
        assert holding(connection, pair) == entry
        later = (datetime.now(UTC) + timedelta(days=366)).isoformat()
        assert holding(connection, pair, at=later) is None
    revoke(store, entry, user="bob", reason="the tea shop was sold")
    with store.reading() as connection:
        assert holding(connection, pair) is None
    with pytest.raises(InputError, match="no live allowlist entry"):
        revoke(store, entry, user="bob", reason="twice")


@pytest.mark.parametrize(
    ("expires", "message"),
    [
        (date.today(), "not after today"),
        (date.today() - timedelta(days=3), "not after today"),
        (date.today() + timedelta(days=4 * 365), "reviewed"),
    ],
)
def test_an_expiry_must_be_within_three_years(
    store: Store, engine: Engine, expires: date, message: str
) -> None:
    run(store, engine, TENCENT)
    with pytest.raises(InputError, match=message):
        add_from_alert(store, first_alert(store), author="ana", reason="r", expires=expires)


def test_an_entry_needs_a_reason_and_a_real_alert(store: Store, engine: Engine) -> None:
    run(store, engine, TENCENT)
    with pytest.raises(InputError, match="reason"):
        add_from_alert(store, first_alert(store), author="ana", reason=" ")
    with pytest.raises(InputError, match="no alert 999"):
        add_from_alert(store, 999, author="ana", reason="r")


def test_a_party_known_by_name_alone_is_covered_only_with_the_same_evidence(
    store: Store, engine: Engine
) -> None:
    run(store, engine, TENCENT, party=None)
    add_from_alert(store, first_alert(store), author="ana", reason="our Tencent is a tea shop")
    close_open_alerts(store)
    assert run(store, engine, TENCENT, party=None).suppressed >= 1  # the same name, the same (no) evidence
    close_open_alerts(store)
    other = run(store, engine, TENCENT, party=None, birth_date="1970-01-01")
    assert other.suppressed == 0 and other.opened >= 1  # the same name with other evidence: not covered


def test_an_entry_on_a_blocking_alert_waits_for_a_second_user(store: Store, engine: Engine) -> None:
    smic = "Semiconductor Manufacturing International Corporation"
    run(store, engine, smic, as_of="2022-03-01", activity="securities")
    with store.reading() as connection:
        blocking = connection.execute(select(alerts.c.id).where(alerts.c.decision == "block")).scalar_one()
    entry = add_from_alert(store, blocking, author="ana", reason="another SMIC")
    close_open_alerts(store)
    assert run(store, engine, smic, as_of="2022-03-01", activity="securities").suppressed == 0  # not yet
    for same in ("ana", "ANA", " Ana "):
        with pytest.raises(FourEyesError):
            approve(store, entry, user=same)
    with pytest.raises(InputError, match="U\\+200B"):
        approve(store, entry, user="ana\u200b")
    approve(store, entry, user="bob")
    close_open_alerts(store)
    assert run(store, engine, smic, as_of="2022-03-01", activity="securities").suppressed >= 1
    assert [r.action for r in store.audit_records()].count("allowlist_approved") == 1
