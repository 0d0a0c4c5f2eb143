"""OFAC reports from the case store (store.reports): refused for a case that is not closed as a true
match; every field of 31 CFR 501.603(b)(1)(ii)(A)-(I) and 501.604(b)(1)-(7) present with its citation;
filled from a payment message's record where the store has it, and saying why where it does not; CSV
that parses back; the due date; the audit record."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from clearance import Engine
from clearance.channels.payments import read_mt103, read_payments
from clearance.channels.screen import Screener
from clearance.errors import InputError
from clearance.faces.channels.recording import record_channel_records
from clearance.store import Store
from clearance.store.cases import approve, case_detail, dispose, queue
from clearance.store.enums import Disposition
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Screened, record
from clearance.store.report_render import CSV_COLUMNS, render
from clearance.store.reports import blocked_report, due_by, rejected_report
from fixtures import DATA

SMIC = "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION"
# An MT103 paying SMIC on 2022-03-01, screened for securities: SMIC blocks under EO 14032 on that day.
MT103 = """{1:F01ABNANL2AAXXX0000000000}{2:I103DEUTDEFFXXXXN}{3:{121:4d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b}}{4:
:20:PAY-2022-0301-07
:23B:CRED
:32A:220301%s
:50K:/NL91ABNA0417164300
VAN DIJK LOGISTICS B.V.
HAVENSTRAAT 14
3011 AB ROTTERDAM NL
:52A:ABNANL2A
:57A:DEUTDEFF
:59:/DE89370400440532013000
%s
:70:/INV/2022-031 WAFERS
:71A:SHA
-}{5:{CHK:7E3A5B1C9D02}}
"""
BLOCKED = [f"31 CFR 501.603(b)(1)(ii)({p})" for p in "ABCDEFGHI"]
REJECTED = [f"31 CFR 501.604(b)({n})" for n in range(1, 8)]
FILER = {"name": "Example Bank N.A.", "address": "1 Main St, New York NY", "contact": "Jo Smith"}


def payment_case(store: Store, engine: Engine, tmp_path: Path, amount: str = "USD45000,00") -> int:
    """A payment to SMIC recorded from its MT103, its case closed as a true match by ana and bob."""
    path = tmp_path / "smic.txt"
    path.write_text(MT103 % (amount, SMIC), encoding="utf-8")
    screener = Screener(engine, activity="securities")
    items = [screener.screen(item).to_dict() for item in read_mt103(path)]
    assert record_channel_records(store, engine, items, channel="payment", actor="ana").opened >= 1
    return close_as_true_match(store)


def party_case(store: Store, engine: Engine) -> int:
    """A screening of a party (no payment), its case closed as a true match."""
    doc = engine.screen(SMIC, as_of="2022-03-01", activity="securities").to_dict()
    record(store, [Screened(result=doc, reference="E2E-1")], source="cli", actor="ana",
           fingerprint=Fingerprints(engine.entities))  # fmt: skip
    return close_as_true_match(store)


def close_as_true_match(store: Store, case: int | None = None) -> int:
    case = case or int(queue(store)[0]["id"])
    dispose(store, case, user="ana", disposition=Disposition.TRUE_MATCH, reason="it is SMIC")
    approve(store, case, user="bob")
    return case


def by_citation(report: dict) -> dict:  # type: ignore[type-arg]
    return {f["citation"]: f for f in report["fields"]}


def test_a_case_not_closed_as_a_true_match_has_no_report(store: Store, engine: Engine) -> None:
    doc = engine.screen(SMIC, as_of="2022-03-01", activity="securities").to_dict()
    record(
        store, [Screened(result=doc)], source="cli", actor="ana", fingerprint=Fingerprints(engine.entities)
    )
    case = int(queue(store)[0]["id"])
    with pytest.raises(InputError, match="is open"):
        blocked_report(store, case, filer=None, user="carol")
    dispose(store, case, user="ana", disposition=Disposition.TRUE_MATCH, reason="it is")
    with pytest.raises(InputError, match="awaiting_approval"):
        rejected_report(store, case, filer=None, user="carol")
    with pytest.raises(InputError, match="no case 99"):
        blocked_report(store, 99, filer=None, user="carol")
    assert "report_generated" not in [t["action"] for t in case_detail(store, case)["trail"]]


def test_a_false_positive_has_no_report(store: Store, engine: Engine) -> None:
    doc = engine.screen(SMIC, as_of="2022-03-01", activity="securities").to_dict()
    record(
        store, [Screened(result=doc)], source="cli", actor="ana", fingerprint=Fingerprints(engine.entities)
    )
    case = int(queue(store)[0]["id"])
    dispose(store, case, user="ana", disposition=Disposition.FALSE_POSITIVE, reason="another firm")
    approve(store, case, user="bob")
    with pytest.raises(InputError, match="false_positive, not a true match"):
        blocked_report(store, case, filer=None, user="carol")


def test_the_blocked_report_of_a_payment(store: Store, engine: Engine, tmp_path: Path) -> None:
    case = payment_case(store, engine, tmp_path)
    report = blocked_report(store, case, filer=FILER, user="carol")
    assert report["report"] == "blocked_property"
    assert [f["citation"] for f in report["fields"]] == BLOCKED
    assert all(f["certainty"] == "verified" and f["asks"] for f in report["fields"])
    fields = by_citation(report)

    filer = fields[BLOCKED[0]]  # 501.603 asks for the contact's phone and email too
    assert (
        not filer["filled"] and "phone, email" in filer["reason"] and filer["value"]["name"] == FILER["name"]
    )
    transaction = fields[BLOCKED[1]]
    assert (
        transaction["filled"] and "PAY-2022-0301-07" in transaction["text"] and "MT103" in transaction["text"]
    )
    assert transaction["value"][0]["references"]["UETR"] == "4d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
    assert transaction["value"][0]["date"] == "2022-03-01"
    assert transaction["value"][0]["matched_fields"][0]["role"] == "creditor"
    assert "not in the data" in transaction["note"]  # the other participants
    target = fields[BLOCKED[2]]
    assert target["filled"] and target["value"][0]["entity_id"] == "org-smic"
    assert "creditor" in target["value"][0]["screened_as"]
    held = fields[BLOCKED[3]]
    assert held["filled"] and held["value"][0]["amount"] == "45000.00" and "account numbers" in held["note"]
    blocked_on = fields[BLOCKED[4]]
    detail = case_detail(store, case)
    assert blocked_on["filled"] and blocked_on["value"] == detail["closed_at"]
    assert report["event_date"] == detail["closed_at"][:10]
    usd = fields[BLOCKED[5]]
    assert usd["filled"] and usd["value"] == "45000.00"
    action = fields[BLOCKED[6]]
    assert not action["filled"] and action["reason"]
    authority = fields[BLOCKED[7]]
    assert authority["filled"] and [m["id"] for m in authority["value"]] == ["us-eo-14032"]
    assert "86 FR 30145" in authority["text"] and "SDN" in authority["asks"]
    documents = fields[BLOCKED[8]]
    assert not documents["filled"] and "smic.txt line 1" in documents["reason"]

    assert report["filled"] == 6 and report["unfilled"] == 3
    assert report["due_by"] == due_by(date.fromisoformat(report["event_date"])).isoformat()
    assert any("listed entities" in w for w in report["warnings"])  # SMIC's subsidiaries hit too
    trail = case_detail(store, case)["trail"]
    assert trail[-1]["action"] == "report_generated" and trail[-1]["seq"] == report["audit_seq"]
    assert trail[-1]["detail"]["report"] == "blocked_property" and len(trail[-1]["detail"]["digest"]) == 64
    assert store.verify().ok


def test_the_rejected_report_and_its_filer(store: Store, engine: Engine, tmp_path: Path) -> None:
    case = payment_case(store, engine, tmp_path)
    report = rejected_report(store, case, filer={**FILER, "phone": "+1 212 555 0100"}, user="carol")
    assert [f["citation"] for f in report["fields"]] == REJECTED
    assert all("2019 text" in f["certainty"] for f in report["fields"])
    fields = by_citation(report)
    assert fields[REJECTED[0]]["filled"]  # the 2019 text asks for no email
    assert fields[REJECTED[1]]["filled"] and "45000.00 USD" in fields[REJECTED[1]]["text"]
    assert fields[REJECTED[3]]["filled"] and fields[REJECTED[4]]["value"] == "45000.00"
    assert not fields[REJECTED[6]]["filled"]
    assert any("not blocked" in w for w in report["warnings"])  # its alert blocks: 501.603 is the report


def test_a_foreign_currency_is_not_converted(store: Store, engine: Engine, tmp_path: Path) -> None:
    case = payment_case(store, engine, tmp_path, amount="CNY8400,")
    usd = by_citation(blocked_report(store, case, filer=None, user="carol"))[BLOCKED[5]]
    assert not usd["filled"] and usd["value"] is None
    assert "8400 CNY" in usd["reason"] and "exchange rate" in usd["reason"]


def test_an_embargoed_place_is_a_target_with_its_authority(store: Store, engine: Engine) -> None:
    """A payment to Crimea (tests/data pacs.008, transaction 3): the place's alert, its measure."""
    items = [
        Screener(engine).screen(i).to_dict()
        for i in read_payments(DATA / "channels/payments/pacs008_multi.xml")
    ]
    charter = [i for i in items if i["key"] == "E2E-CHARTER-77"]
    record_channel_records(store, engine, charter, channel="payment", actor="ana")
    case = next(int(c["id"]) for c in queue(store) if c["party"] == "Crimea")
    close_as_true_match(store, case)
    fields = by_citation(blocked_report(store, case, filer=None, user="carol"))
    target = fields[BLOCKED[2]]
    assert target["value"][0]["entity_id"] == "territory:ua-crimea" and target["note"] is None
    assert [m["id"] for m in fields[BLOCKED[7]]["value"]] == ["us-eo-13685"]
    assert fields[BLOCKED[5]]["value"] == "45000.00" and "E2E-CHARTER-77" in fields[BLOCKED[1]]["text"]


def test_a_party_screening_leaves_the_transaction_fields_empty_and_says_why(
    store: Store, engine: Engine
) -> None:
    case = party_case(store, engine)
    report = blocked_report(store, case, filer=None, user="carol")
    fields = by_citation(report)
    for citation in (BLOCKED[1], BLOCKED[3], BLOCKED[5], BLOCKED[8]):
        assert not fields[citation]["filled"] and fields[citation]["reason"], citation
    assert "cli E2E-1" in fields[BLOCKED[1]]["reason"]
    assert fields[BLOCKED[2]]["filled"] and fields[BLOCKED[4]]["filled"] and fields[BLOCKED[7]]["filled"]


def test_csv_and_text_renderings(store: Store, engine: Engine, tmp_path: Path) -> None:
    case = payment_case(store, engine, tmp_path)
    report = blocked_report(store, case, filer=None, user="carol")
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["citation"] for r in rows] == BLOCKED
    assert [r["filled"] == "yes" for r in rows] == [f["filled"] for f in report["fields"]]
    assert all(r["reason"] for r in rows if r["filled"] == "no")
    assert rows[5]["value"] == "USD 45,000.00"
    assert json.loads(render(report, "json")) == json.loads(json.dumps(report))
    text = render(report, "text")
    assert "NOT FILLED" in text and "why not:" in text and f"Due by {report['due_by']}" in text
    with pytest.raises(InputError, match="format"):
        render(report, "xml")


def test_an_unknown_filer_detail_is_refused(store: Store, engine: Engine, tmp_path: Path) -> None:
    case = payment_case(store, engine, tmp_path)
    with pytest.raises(InputError, match="fax"):
        blocked_report(store, case, filer={"fax": "1"}, user="carol")


@pytest.mark.parametrize(
    ("day", "due"),
    [
        ("2024-06-14", "2024-06-28"),  # a Friday: two weeks later
        ("2024-06-15", "2024-06-28"),  # a Saturday counts from the Monday after
        ("2024-06-27", "2024-07-11"),  # 4 July is not counted out (the known limit)
    ],
)
def test_due_by_counts_ten_weekdays(day: str, due: str) -> None:
    assert due_by(date.fromisoformat(day)).isoformat() == due
