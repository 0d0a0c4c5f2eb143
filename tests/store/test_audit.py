"""The audit chain: intact after many units, and `verify` names the first record that fails whatever
was done to the table (an edit, a deletion of the first, a middle or the last record, an insertion, a
reordering), even with the append-only triggers dropped; the triggers themselves refuse edits."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from clearance.store import Store, StoreError
from clearance.store.audit import Chain
from store.conftest import drop_guards


def write(store: Store, n: int, *, actor: str = "ana") -> None:
    for i in range(n):
        with store.unit() as unit:
            unit.audit(
                actor=actor, action="test", subject=f"thing {i}", detail={"i": i, "name": "Ма Юнь 马云"}
            )


def sql(store: Store, statement: str, **params: object) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_an_untouched_chain_verifies_and_is_numbered_from_one(store: Store) -> None:
    write(store, 5)
    verdict = store.verify()
    assert verdict.ok and verdict.records == 5 and verdict.head == 5
    records = store.audit_records()
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev == "0" * 64
    assert all(b.prev == a.mac for a, b in itertools.pairwise(records))
    assert json.loads(records[0].detail)["name"] == "Ма Юнь 马云"


def test_an_empty_store_verifies(store: Store) -> None:
    assert store.verify().ok


def test_the_triggers_refuse_an_edit_and_a_deletion(store: Store) -> None:
    write(store, 2)
    with pytest.raises(SQLAlchemyError, match="append-only"):
        sql(store, "UPDATE audit SET actor = 'mallory' WHERE seq = 1")
    with pytest.raises(SQLAlchemyError, match="append-only"):
        sql(store, "DELETE FROM audit WHERE seq = 2")
    assert store.verify().ok


@pytest.mark.parametrize(
    ("tamper", "first_failing"),
    [
        ("UPDATE audit SET actor = 'mallory' WHERE seq = 3", 3),
        ("UPDATE audit SET detail = 'changed' WHERE seq = 2", 2),
        ("DELETE FROM audit WHERE seq = 1", 1),
        ("DELETE FROM audit WHERE seq = 3", 3),
        ("DELETE FROM audit WHERE seq = 5", 5),
        ("DELETE FROM audit WHERE seq >= 4", 4),
    ],
    ids=["edit-actor", "edit-detail", "delete-first", "delete-middle", "delete-last", "truncate-tail"],
)
def test_tampering_is_found_at_its_first_record(store: Store, tamper: str, first_failing: int) -> None:
    write(store, 5)
    drop_guards(store)
    sql(store, tamper)
    verdict = store.verify()
    assert not verdict.ok
    assert verdict.failed_at == first_failing, verdict.problem


def test_a_record_inserted_with_a_forged_mac_is_found(store: Store) -> None:
    write(store, 3)
    drop_guards(store)
    # shift records 2.. up by one (in two steps: the seq is a key) and insert a record of one's own as 2
    sql(store, "UPDATE audit SET seq = seq + 100 WHERE seq >= 2")
    sql(store, "UPDATE audit SET seq = seq - 99 WHERE seq >= 100")
    first = store.audit_records()[0]
    sql(
        store,
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev, mac) "
        "VALUES (2, :at, 'mallory', 'test', 'x', '{}', :prev, :mac)",
        at=first.at,
        prev=first.mac,
        mac="f" * 64,
    )
    verdict = store.verify()
    assert not verdict.ok and verdict.failed_at == 2


def test_a_chain_rebuilt_with_plain_hashes_is_found(store: Store) -> None:
    """Someone who rewrites every MAC after an edit, without the key, still fails."""
    write(store, 3)
    drop_guards(store)
    forged = Chain.__new__(Chain)
    forged.__dict__.update(store.chain.__dict__)
    forged._key = b"a guess"  # type: ignore[attr-defined]
    prev = "0" * 64
    for record in store.audit_records():
        actor = "mallory" if record.seq == 2 else record.actor
        mac = forged.sign(record.seq, record.at, actor, record.action, record.subject, record.detail, prev)
        sql(
            store,
            "UPDATE audit SET actor = :a, prev = :p, mac = :m WHERE seq = :s",
            a=actor,
            p=prev,
            m=mac,
            s=record.seq,
        )
        prev = mac
    verdict = store.verify()
    assert not verdict.ok and verdict.failed_at == 1


def test_reordered_records_are_found(store: Store) -> None:
    write(store, 4)
    drop_guards(store)
    sql(store, "UPDATE audit SET seq = 100 WHERE seq = 2")
    sql(store, "UPDATE audit SET seq = 2 WHERE seq = 3")
    sql(store, "UPDATE audit SET seq = 3 WHERE seq = 100")
    verdict = store.verify()
    assert not verdict.ok and verdict.failed_at == 2


def test_the_head_lives_outside_the_database_and_names_the_last_record(store: Store, tmp_path: Path) -> None:
    write(store, 2)
    head = json.loads((tmp_path / "home" / "audit.head").read_text())
    assert head["seq"] == 2 and head["mac"] == store.audit_records()[-1].mac
    key = tmp_path / "home" / "audit.key"
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"


def test_a_rolled_back_unit_leaves_no_record(store: Store) -> None:
    write(store, 1)
    with pytest.raises(RuntimeError), store.unit() as unit:
        unit.audit(actor="ana", action="test", subject="lost", detail={})
        raise RuntimeError("the change failed")
    write(store, 1)
    assert store.verify().ok and [r.subject for r in store.audit_records()] == ["thing 0", "thing 0"]


def test_two_stores_on_one_database_extend_one_chain(store: Store, database_url: str, tmp_path: Path) -> None:
    """Two processes (here two engines) appending in turn keep one numbering."""
    other = Store.open(home=tmp_path / "home", url=database_url)
    write(store, 2)
    write(other, 2, actor="bob")
    write(store, 1)
    other.close()
    verdict = store.verify()
    assert verdict.ok and verdict.records == 5


def record_some(store: Store) -> None:
    """Screenings of the built-in data recorded, a case disposed and approved, an entry allowlisted."""
    from clearance import Engine
    from clearance.datasets.loading import load_dataset
    from clearance.store.allowlist import add_from_alert
    from clearance.store.cases import approve, dispose, queue
    from clearance.store.enums import Disposition
    from clearance.store.fingerprints import Fingerprints
    from clearance.store.recording import Screened, record

    engine = Engine(load_dataset(home=store.home / "no-lists"))
    docs = [
        engine.screen(
            "Semiconductor Manufacturing International Corporation", as_of="2022-03-01", activity="securities"
        ).to_dict(),
        engine.screen("Tencent Holdings", as_of="2021-03-01").to_dict(),
        engine.screen("Mary Johnson Bakery", as_of="2021-03-01").to_dict(),  # clear: no alert holds it
    ]
    record(
        store,
        [Screened(result=d, party_reference=f"P{i}") for i, d in enumerate(docs)],
        source="test",
        actor="ana",
        fingerprint=Fingerprints(engine.entities),
    )
    smic, tencent = sorted(c["id"] for c in queue(store))
    dispose(store, smic, user="ana", disposition=Disposition.TRUE_MATCH, reason="r")
    approve(store, smic, user="bob")
    with store.reading() as connection:
        alert = connection.execute(text("SELECT id FROM alerts WHERE case_id = :c"), {"c": tencent}).scalar()
    add_from_alert(store, int(alert), author="ana", reason="a tea shop")


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        ("UPDATE decisions SET decision = 'clear' WHERE id = 1", "decision 1 was changed"),
        (
            "UPDATE decisions SET result = replace(result, 'block', 'clear') WHERE id = 1",
            "decision 1 was changed",
        ),
        ("DELETE FROM decisions WHERE id = 3", "decision 3, recorded by audit record"),
        ("UPDATE cases SET approved_by = 'carl' WHERE approved_by IS NOT NULL", "approved by carl"),
        ("UPDATE allowlist SET entity_id = 'ofac-306'", "allowlist entry 1 was changed"),
        ("UPDATE alerts SET status = 'suppressed' WHERE id = 1", "alert 1 was changed"),
        ("UPDATE parties SET name = 'Nobody Atall' WHERE key = 'ref:P1'", "party ref:P1 was changed"),
        ("DELETE FROM baseline WHERE entity_id = 'org-smic'", "baseline was changed"),
        ("UPDATE alerts SET decision = 'review' WHERE decision = 'block'", "was changed"),
        ("UPDATE alerts SET status = 'closed' WHERE status = 'open'", "changed by hand"),
        ("UPDATE cases SET status = 'escalated' WHERE approved_by IS NULL", "no audit record escalated it"),
        ("UPDATE cases SET reason = 'nothing' WHERE approved_by IS NOT NULL", "disposition is not the one"),
        (
            "INSERT INTO allowlist (party_key, entity_id, query_name, matched_name, fingerprint, evidence,"
            " decision, reason, author, created_at, expires_at, approved_by, approved_at) SELECT party_key,"
            " 'ofac-306', query_name, matched_name, fingerprint, evidence, decision, reason, author,"
            " created_at, expires_at, approved_by, approved_at FROM allowlist",
            "allowlist entry 2 has no record",
        ),
    ],
    ids=[
        "decision-outcome",
        "decision-result",
        "decision-deleted",
        "approver",
        "allowlist-edit",
        "alert-status",
        "party-renamed",
        "baseline-edited",
        "alert-decision",
        "alert-closed",
        "case-escalated",
        "case-reason",
        "allowlist-insert",
    ],
)
def test_the_tables_are_checked_against_the_chain(store: Store, tamper: str, said: str) -> None:
    """An edit of the rows themselves, not of the audit log, is tampering too."""
    record_some(store)
    assert store.verify().ok, store.verify().problem
    sql(store, tamper)
    verdict = store.verify()
    assert not verdict.ok and said in verdict.problem, verdict.problem


def test_a_log_without_its_head_file_or_key_is_refused(
    store: Store, tmp_path: Path, database_url: str
) -> None:
    write(store, 3)
    (tmp_path / "home" / "audit.head").unlink()
    verdict = store.verify()
    assert not verdict.ok and "head file" in verdict.problem
    (tmp_path / "home" / "audit.key").unlink()
    again = Store.open(home=tmp_path / "home", url=database_url)
    assert "audit key" in again.verify().problem  # verify says so; it makes no new key
    with pytest.raises(StoreError, match="audit key"):
        again.log(actor="ana", action="test", subject="x", detail={})  # nothing is written without it
    assert not (tmp_path / "home" / "audit.key").exists()
    (tmp_path / "home" / "audit.key").write_text("f" * 64)  # another key
    with pytest.raises(StoreError, match="does not sign"):
        Store.open(home=tmp_path / "home", url=database_url).log(
            actor="ana", action="t", subject="x", detail={}
        )


def test_a_checkpoint_kept_elsewhere_holds_the_log_to_what_it_was(store: Store) -> None:
    write(store, 3)
    mark = store.checkpoint()
    assert mark[0] == 3 and store.verify(checkpoint=mark).ok
    drop_guards(store)
    sql(store, "DELETE FROM audit WHERE seq = 3")
    (store.home / "audit.head").write_text(json.dumps({"seq": 2, "mac": store.audit_records()[1].mac}))
    sql(store, "UPDATE audit_head SET seq = 2")
    assert not store.verify(checkpoint=mark).ok  # the head rewritten to match: the checkpoint still sees it
