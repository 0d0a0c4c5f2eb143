"""Recording screenings into alerts and cases, and the cases' life: dispositions, four eyes, sending
back, a new alert reopening a case that waited for approval, no duplicate alerts on a repeat run."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clearance import Engine
from clearance.errors import InputError
from clearance.store import Store
from clearance.store.cases import FourEyesError, approve, case_detail, dispose, queue, send_back
from clearance.store.enums import CaseStatus, Disposition
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Recorded, Screened, record
from clearance.store.schema import alerts, decisions

SMIC = "Semiconductor Manufacturing International Corporation"


def screen_and_record(
    store: Store,
    engine: Engine,
    name: str,
    *,
    as_of: str = "2022-03-01",
    activity: str = "securities",
    party: str | None = None,
    actor: str = "ana",
) -> Recorded:
    result = engine.screen(name, as_of=as_of, activity=activity)
    return record(
        store,
        [Screened(result=result.to_dict(), reference="row-1", party_reference=party)],
        source="test",
        actor=actor,
        fingerprint=Fingerprints(engine.entities),
    )


def only_case(store: Store) -> int:
    cases = queue(store)
    assert len(cases) == 1, cases
    return int(cases[0]["id"])


def test_a_block_opens_an_alert_in_a_case_and_the_decision_keeps_what_reproduces_it(
    store: Store, engine: Engine
) -> None:
    done = screen_and_record(store, engine, SMIC)
    assert done.opened >= 1 and len(done.decisions) == 1
    with store.reading() as connection:
        row = connection.execute(select(decisions)).one()
    assert row.decision == "block" and row.as_of.startswith("2022-03-01") and row.activity == "securities"
    assert "builtin" in row.data_versions and row.engine_version and '"review"' in row.thresholds
    detail = case_detail(store, only_case(store))
    assert detail["party"]["name"] == SMIC
    assert any(a["entity_id"] == "org-smic" and a["decision"] == "block" for a in detail["alerts"])
    assert [t["action"] for t in detail["trail"]] == ["case_opened"]
    assert store.verify().ok


def test_a_clear_result_is_recorded_without_an_alert(store: Store, engine: Engine) -> None:
    done = screen_and_record(store, engine, "Mary Johnson Bakery", as_of="2021-03-01")
    assert len(done.decisions) == 1 and done.opened == 0
    assert queue(store) == []


def test_screening_the_same_party_again_does_not_repeat_an_open_alert(store: Store, engine: Engine) -> None:
    first = screen_and_record(store, engine, SMIC)
    again = screen_and_record(store, engine, SMIC)
    assert again.opened == 0 and again.already_open == first.opened
    with store.reading() as connection:
        assert len(connection.execute(select(alerts)).all()) == first.opened


def test_a_block_needs_a_second_analyst(store: Store, engine: Engine) -> None:
    screen_and_record(store, engine, SMIC)
    case = only_case(store)
    # even a false positive waits when an alert blocks
    assert dispose(store, case, user="ana", disposition=Disposition.FALSE_POSITIVE, reason="other firm") == (
        CaseStatus.AWAITING_APPROVAL
    )
    with pytest.raises(FourEyesError, match="another analyst"):
        approve(store, case, user="ana")
    approve(store, case, user="bob", reason="agreed")
    detail = case_detail(store, case)
    assert detail["status"] == "closed" and detail["approved_by"] == "bob" and detail["proposed_by"] == "ana"
    assert {a["status"] for a in detail["alerts"]} == {"closed"}
    assert [t["action"] for t in detail["trail"]] == ["case_opened", "case_disposed", "case_approved"]


def test_a_false_positive_of_a_review_closes_at_once_and_a_true_match_waits(
    store: Store, engine: Engine
) -> None:
    screen_and_record(store, engine, "Tencent Holdings", as_of="2021-03-01", activity="any", party="C-1")
    case = only_case(store)
    assert (
        dispose(store, case, user="ana", disposition=Disposition.FALSE_POSITIVE, reason="x")
        == CaseStatus.CLOSED
    )
    screen_and_record(store, engine, "Tencent Holdings", as_of="2021-03-01", activity="any", party="C-1")
    reopened = only_case(store)
    assert reopened != case  # a closed case stays closed; the new alert opens a new one
    assert dispose(store, reopened, user="ana", disposition=Disposition.TRUE_MATCH, reason="y") == (
        CaseStatus.AWAITING_APPROVAL
    )


def test_send_back_and_escalate(store: Store, engine: Engine) -> None:
    screen_and_record(store, engine, SMIC)
    case = only_case(store)
    assert (
        dispose(store, case, user="ana", disposition=Disposition.ESCALATE, reason="senior")
        == CaseStatus.ESCALATED
    )
    assert dispose(store, case, user="sam", disposition=Disposition.TRUE_MATCH, reason="it is") == (
        CaseStatus.AWAITING_APPROVAL
    )
    with pytest.raises(FourEyesError):
        send_back(store, case, user="sam", reason="mine")
    send_back(store, case, user="bob", reason="look again")
    assert case_detail(store, case)["status"] == "open"
    with pytest.raises(InputError, match="not awaiting approval"):
        approve(store, case, user="bob")


def test_a_new_alert_sends_a_waiting_case_back_to_open(store: Store, engine: Engine) -> None:
    screen_and_record(store, engine, "Tencent Holdings", as_of="2021-03-01", activity="any", party="P")
    case = only_case(store)
    dispose(store, case, user="ana", disposition=Disposition.TRUE_MATCH, reason="y")
    screen_and_record(store, engine, SMIC, party="P")  # the same party, a new listed entity
    detail = case_detail(store, case)
    assert detail["status"] == "open"
    assert detail["trail"][-1]["action"] == "case_reopened"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_disposition_needs_a_reason(store: Store, engine: Engine, reason: str) -> None:
    screen_and_record(store, engine, SMIC)
    with pytest.raises(InputError, match="reason"):
        dispose(store, only_case(store), user="ana", disposition=Disposition.TRUE_MATCH, reason=reason)


def test_unknown_and_closed_cases_are_refused(store: Store, engine: Engine) -> None:
    with pytest.raises(InputError, match="no case 42"):
        dispose(store, 42, user="ana", disposition=Disposition.TRUE_MATCH, reason="r")
    screen_and_record(store, engine, SMIC)
    case = only_case(store)
    dispose(store, case, user="ana", disposition=Disposition.TRUE_MATCH, reason="r")
    approve(store, case, user="bob")
    with pytest.raises(InputError, match="closed, not open"):
        dispose(store, case, user="ana", disposition=Disposition.FALSE_POSITIVE, reason="r")


def test_a_review_with_no_hit_still_opens_an_alert_naming_why(store: Store, engine: Engine) -> None:
    """The data's gaps under CLEARANCE_ON_STALE=review make a result review with no hit: it must reach a
    person, not pass as recorded and forgotten."""
    doc = engine.screen("Mary Johnson Bakery", as_of="2021-03-01").to_dict()
    doc = {**doc, "decision": "review", "warnings": ["no sanctions list is loaded"]}
    done = record(store, [Screened(result=doc)], source="test", actor="ana", fingerprint=lambda e: "x")
    assert done.opened == 1
    alert = case_detail(store, only_case(store))["alerts"][0]
    assert alert["entity_id"] == "result:review" and "no sanctions list" in alert["entity_name"]


@pytest.mark.parametrize("same", ["ANA", " Ana", "ａｎａ"])
def test_four_eyes_is_not_beaten_by_spelling_the_name_otherwise(
    store: Store, engine: Engine, same: str
) -> None:
    screen_and_record(store, engine, SMIC)
    case = only_case(store)
    dispose(store, case, user="ana", disposition=Disposition.TRUE_MATCH, reason="r")
    with pytest.raises(FourEyesError):
        approve(store, case, user=same)


@pytest.mark.parametrize(
    "bad",
    [
        "ana\u200b",
        "ana\u202e",
        "ana\u034f",
        "ana\u3164",
        "an\u0430",
        "ana\u2800",
        "eve\n#998 fake line",
        "",
        "x" * 101,
    ],
)
def test_a_user_name_that_could_pass_for_another_is_refused(store: Store, engine: Engine, bad: str) -> None:
    screen_and_record(store, engine, SMIC)
    with pytest.raises(InputError):
        dispose(store, only_case(store), user=bad, disposition=Disposition.TRUE_MATCH, reason="r")


def test_a_party_known_by_its_id_keeps_its_latest_name(store: Store, engine: Engine) -> None:
    screen_and_record(store, engine, "Mary Johnson Bakery", party="C-9")
    screen_and_record(store, engine, SMIC, party="C-9")
    assert queue(store)[0]["party"] == SMIC
