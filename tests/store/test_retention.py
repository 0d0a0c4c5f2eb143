"""Record retention (store.retention): a purge refuses any date inside the 10-year period and deletes
nothing; it deletes old decisions, closed cases with their alerts and parties left with nothing; it keeps
open cases and true matches with the decisions they hold, and everything young; a dry run counts exactly
what a purge deletes and deletes nothing; the audit chain still verifies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from clearance import Engine
from clearance.errors import InputError
from clearance.store import Store
from clearance.store.cases import approve, dispose
from clearance.store.enums import CaseStatus, Disposition
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Screened, record
from clearance.store.retention import RETENTION_ENV, latest_cutoff, purge, retention_years
from clearance.store.schema import alerts, audit, cases, decisions, parties

SMIC = "Semiconductor Manufacturing International Corporation"
OLD = "2012-01-01T00:00:00.000000+00:00"
BEFORE = date(2015, 1, 1)


def screen(store: Store, engine: Engine, name: str, party: str, as_of: str = "2022-03-01") -> int:
    """Record a screening of `name` as the party `party`; returns its case (0 when none opened)."""
    doc = engine.screen(name, as_of=as_of, activity="securities").to_dict()
    record(store, [Screened(result=doc, reference=f"ref-{party}", party_reference=party)], source="cli",
           actor="ana", fingerprint=Fingerprints(engine.entities))  # fmt: skip
    with store.reading() as connection:
        row = connection.execute(
            select(cases.c.id)
            .join(parties, parties.c.id == cases.c.party_id)
            .where(parties.c.key == f"ref:{party}")
            .order_by(cases.c.id.desc())
        ).first()
    return int(row.id) if row else 0


def close(store: Store, case: int, disposition: Disposition) -> None:
    dispose(store, case, user="ana", disposition=disposition, reason="checked")
    approve(store, case, user="bob")


def backdate(store: Store) -> None:
    """Every decision, alert, case and party so far as if recorded in 2012 (the audit log untouched)."""
    with store.engine.begin() as connection:
        connection.execute(decisions.update().values(at=OLD, as_of="2011-12-31"))
        connection.execute(alerts.update().values(opened_at=OLD))
        connection.execute(cases.update().values(opened_at=OLD))
        connection.execute(cases.update().where(cases.c.closed_at.is_not(None)).values(closed_at=OLD))
        connection.execute(parties.update().values(first_seen=OLD, last_screened=OLD))


def counts(store: Store) -> dict[str, int]:
    with store.reading() as connection:
        return {
            table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (decisions, alerts, cases, parties, audit)
        }


@pytest.fixture
def aged(store: Store, engine: Engine) -> dict[str, int]:
    """Old: a case closed as a false positive, one left open, one closed as a true match, and a clear
    screening; then young: a case of its own and a clear screening. Returns the old cases' ids."""
    made = {"false_positive": screen(store, engine, SMIC, "old-fp")}
    close(store, made["false_positive"], Disposition.FALSE_POSITIVE)
    made["open"] = screen(store, engine, SMIC, "old-open")
    made["true_match"] = screen(store, engine, SMIC, "old-tm")
    close(store, made["true_match"], Disposition.TRUE_MATCH)
    assert screen(store, engine, "Mary Johnson Bakery", "old-clear", as_of="2021-03-01") == 0
    backdate(store)
    made["young"] = screen(store, engine, SMIC, "young")
    close(store, made["young"], Disposition.FALSE_POSITIVE)
    screen(store, engine, "Mary Johnson Bakery", "young-clear", as_of="2021-03-01")
    return made


def test_a_date_inside_the_retention_period_is_refused_and_nothing_deleted(
    store: Store, aged: dict[str, int]
) -> None:
    today = datetime.now(UTC).date()
    before = counts(store)
    for day in (today, latest_cutoff(today, 10) + timedelta(days=1), today + timedelta(days=400)):
        with pytest.raises(InputError, match="inside the retention period"):
            purge(store, before=day, user="ana", dry_run=False)
    with pytest.raises(InputError, match="retention period"):
        purge(store, before=latest_cutoff(today, 9), user="ana", dry_run=True)
    assert counts(store) == before  # not even an audit record
    edge = purge(store, before=latest_cutoff(today, 10), user="ana", dry_run=True)  # the last day allowed
    assert edge["retention"]["latest_cutoff"] == edge["before"] and counts(store) == before
    assert store.verify().ok


def test_the_latest_date_allowed_is_today_minus_ten_years() -> None:
    assert latest_cutoff(date(2026, 12, 1), 10) == date(2016, 12, 1)
    assert latest_cutoff(date(2028, 2, 29), 10) == date(2018, 2, 28)


def test_the_period_may_be_raised_never_lowered(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    assert retention_years() == 10
    monkeypatch.setenv(RETENTION_ENV, "12")
    assert retention_years() == 12
    today = datetime.now(UTC).date()
    with pytest.raises(InputError, match="inside the retention period"):
        purge(store, before=latest_cutoff(today, 11), user="ana", dry_run=True)
    for bad in ("9", "5", "ten"):
        monkeypatch.setenv(RETENTION_ENV, bad)
        with pytest.raises(InputError, match=RETENTION_ENV):
            retention_years()
        with pytest.raises(InputError):
            purge(store, before=date(2000, 1, 1), user="ana", dry_run=True)


def test_a_purge_far_back_deletes_nothing_young(store: Store, aged: dict[str, int]) -> None:
    before = counts(store)
    done = purge(store, before=date(2000, 1, 1), user="ana", dry_run=False)
    assert done["deleted"] == {"decisions": 0, "alerts": 0, "cases": 0, "parties": 0}
    assert counts(store) == {**before, "audit": before["audit"] + 1}
    assert store.verify().ok


def test_a_dry_run_counts_what_the_purge_deletes_and_deletes_nothing(
    store: Store, aged: dict[str, int]
) -> None:
    before = counts(store)
    dry = purge(store, before=BEFORE, user="ana", dry_run=True)
    assert counts(store) == before and dry["audit_seq"] is None and dry["dry_run"]
    done = purge(store, before=BEFORE, user="ana", dry_run=False)
    assert done["deleted"] == dry["deleted"] and done["kept"] == dry["kept"]
    after = counts(store)
    assert {k: before[k] - after[k] for k in ("decisions", "alerts", "cases", "parties")} == done["deleted"]


def test_a_purge_keeps_open_cases_true_matches_and_the_young(store: Store, aged: dict[str, int]) -> None:
    with store.reading() as connection:
        fp_alerts = connection.execute(
            select(func.count()).select_from(alerts).where(alerts.c.case_id == aged["false_positive"])
        ).scalar_one()
    done = purge(store, before=BEFORE, user="ana", dry_run=False)
    # the false positive's decision, alerts and party, and the old clear screening and its party
    assert done["deleted"] == {"decisions": 2, "alerts": fp_alerts, "cases": 1, "parties": 2}
    assert done["kept"] == {"decisions": 2, "open_cases": 1, "true_match_cases": 1, "other_cases": 0}
    with store.reading() as connection:
        left = {r.id: r.status for r in connection.execute(select(cases.c.id, cases.c.status))}
        keys = {r[0] for r in connection.execute(select(parties.c.key))}
        held = connection.execute(
            select(func.count()).select_from(alerts).where(alerts.c.case_id == aged["open"])
        ).scalar_one()
    assert aged["false_positive"] not in left
    assert left[aged["open"]] == CaseStatus.OPEN and held > 0  # the open case, with its alerts
    assert left[aged["true_match"]] == CaseStatus.CLOSED and aged["young"] in left
    assert keys == {"ref:old-open", "ref:old-tm", "ref:young", "ref:young-clear"}
    assert store.verify().ok
    records = store.audit_records()
    assert records[-1].action == "purge" and records[-1].actor == "ana"
    assert records[-1].to_dict()["detail"]["deleted"] == done["deleted"]
    # the audit log keeps the deleted decisions' records, with their digests
    assert sum(1 for r in records if r.action == "decision") == 6
