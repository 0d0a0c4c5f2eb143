"""ISO 20022 readers (pacs.008, pain.001): items per CdtTrfTxInf with their refs, dates, details and fields;
rejects for broken XML, missing mandatory elements, unknown documents and counts that do not add up."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from clearance.channels.items import Channel, Field, FieldKind, Item, Reject
from clearance.channels.payments import read_payments
from clearance.channels.payments.iso20022 import read_iso20022
from clearance.errors import InputError
from fixtures import DATA

PAYMENTS = DATA / "channels" / "payments"
PACS = "/Document/FIToFICstmrCdtTrf"


def _read(name: str) -> list[Item | Reject]:
    return list(read_payments(PAYMENTS / name))


def _items(results: list[Item | Reject]) -> list[Item]:
    return [r for r in results if isinstance(r, Item)]


def _rejects(results: list[Item | Reject]) -> list[Reject]:
    return [r for r in results if isinstance(r, Reject)]


def _field(item: Item, role: str, kind: FieldKind) -> list[Field]:
    return [f for f in item.fields if f.role == role and f.kind is kind]


STRUCTURE = re.compile(
    r":?\d{2}[A-Z]?:?"  # an MT tag
    r"|\d+(?:[.,]\d*)?"  # an amount
    r"|[A-Z]{3}"  # a currency (or any other three-letter code)
    r"|\d{4}-\d{2}-\d{2}(?:T.*)?|\d{6}|\d{8}"  # a date
    r"|[A-Z]{4}"  # a code (CRED, SHAR, TRAD, INDA)
)


def assert_no_structure(items: list[Item]) -> None:
    for item in items:
        for fld in item.fields:
            if fld.kind is FieldKind.ACCOUNT:
                continue  # an account is kept for the record, never screened
            assert not STRUCTURE.fullmatch(fld.value.strip()), (item.position, fld)


def test_pacs008_multi_reads_three_transactions_of_one_message() -> None:
    results = _read("pacs008_multi.xml")
    items = _items(results)
    assert len(items) == 3 and not _rejects(results)
    assert [i.position for i in items] == [f"message 1, transaction {n}" for n in (1, 2, 3)]
    assert {i.group for i in items} == {"NLBK20240611-0001"}
    assert all(i.channel is Channel.PAYMENT and i.source.endswith("pacs008_multi.xml") for i in items)
    first = items[0]
    assert first.refs == (
        ("EndToEndId", "E2E-INV-2024-118"),
        ("UETR", "8a562c67-ca16-48ba-b074-65581be6f011"),
        ("TxId", "TX-0001"),
        ("InstrId", "INSTR-0001"),
        ("MsgId", "NLBK20240611-0001"),
    )
    assert first.key == "E2E-INV-2024-118"
    # the transaction's own date, the group header's, the transaction's own again
    assert [i.as_of for i in items] == [date(2024, 6, 11), date(2024, 6, 11), date(2024, 6, 12)]
    details = dict(first.details)
    assert details["amount"] == "12500.00" and details["currency"] == "EUR"
    assert details["message_type"] == "pacs.008.001.08"
    assert details["declared_transactions"] == "3" and details["charge_bearer"] == "SHAR"
    assert details["ultimate_debtor_lei"] == "724500VKKSH9QOLTFR81"
    third = dict(items[2].details)
    assert third["instructed_amount"] == "41500.00" and third["instructed_currency"] == "EUR"
    assert third["purpose"] == "TRAD" and third["creditor_reference"] == "RF18539007547034"
    assert_no_structure(items)


def test_pacs008_fields_of_a_transaction() -> None:
    first, second, third = _items(_read("pacs008_multi.xml"))
    tx1, tx2, tx3 = (f"{PACS}/CdtTrfTxInf[{n}]" for n in (1, 2, 3))
    assert (
        Field("debtor", FieldKind.ORGANIZATION, "Van Dijk Logistics B.V.", f"{tx1}/Dbtr/Nm", 45)
        in first.fields
    )
    assert (
        Field("debtor", FieldKind.ADDRESS, "Havenstraat 14, 3011 AB", f"{tx1}/Dbtr/PstlAdr", 46)
        in first.fields
    )
    assert _field(first, "debtor", FieldKind.TOWN)[0].value == "Rotterdam"
    assert _field(first, "debtor", FieldKind.COUNTRY)[0].path == f"{tx1}/Dbtr/PstlAdr/Ctry"
    assert _field(first, "debtor", FieldKind.IBAN)[0].value == "NL91ABNA0417164300"
    assert _field(first, "ultimate_debtor", FieldKind.ORGANIZATION)[0].value == "Noordzee Holding B.V."
    assert [f.value for f in _field(first, "instructing_agent", FieldKind.BIC)] == ["ABNANL2A"]
    assert [f.value for f in _field(first, "creditor_agent", FieldKind.BIC)] == ["DEUTDEFF"]
    assert [(f.value, f.path) for f in _field(first, "remittance", FieldKind.TEXT)] == [
        ("Invoice 2024-118 spare parts", f"{tx1}/RmtInf/Ustrd")
    ]
    # unstructured addresses, a private person, an intermediary, two remittance lines
    assert _field(second, "debtor", FieldKind.PERSON)[0].value == "Jan de Vries"
    assert [(f.value, f.path) for f in _field(second, "debtor", FieldKind.ADDRESS)] == [
        ("Oudegracht 101", f"{tx2}/Dbtr/PstlAdr/AdrLine[1]"),
        ("3511 AD Utrecht", f"{tx2}/Dbtr/PstlAdr/AdrLine[2]"),
    ]
    assert Field(
        "intermediary_agent", FieldKind.BIC, "BMJIIRTH", f"{tx2}/IntrmyAgt1/FinInstnId/BICFI", 105
    ) in (second.fields)
    assert _field(second, "creditor", FieldKind.ORGANIZATION)[0].value == "Tencent Holdings Ltd"
    assert _field(second, "creditor", FieldKind.BIC)[0].value == "TCTHCNSZ"  # its AnyBIC
    assert _field(second, "creditor", FieldKind.ACCOUNT)[0].value == "6222020200112233445"
    assert [f.value for f in _field(second, "remittance", FieldKind.TEXT)] == [
        "Invoice 2231 WeChat Pay top-up",
        "Customer 88120",
    ]
    assert dict(second.details)["debtor_birth_date"] == "1979-03-02"  # a detail, not screened
    # no Id: a name; an agent without a BIC: its name and town; a structured remittance's text only
    assert _field(third, "debtor", FieldKind.NAME)[0].value == "Nordlicht Handels GmbH"
    assert _field(third, "creditor_agent", FieldKind.ORGANIZATION)[0].value == "Black Sea Commercial Bank"
    assert [f.value for f in _field(third, "creditor", FieldKind.TOWN)] == ["Sevastopol"]
    assert [f.value for f in _field(third, "creditor", FieldKind.REGION)] == ["Crimea"]
    assert [f.path for f in _field(third, "instructions", FieldKind.TEXT)] == [
        f"{tx3}/InstrForCdtrAgt/InstrInf"
    ]
    assert [f.value for f in _field(third, "remittance", FieldKind.TEXT)] == [
        "Charter of vessel Kapitan Orlov"
    ]
    assert not any("RF18539007547034" in f.value for f in third.fields)  # a reference, never screened
    assert all(f.line is not None and f.line > 0 for i in (first, second, third) for f in i.fields)


def test_envelope_of_headers_and_documents() -> None:
    items = _items(_read("pacs008_envelope.xml"))
    assert [(i.position, i.key) for i in items] == [
        ("message 1, transaction 1", "PO-55012"),
        ("message 2, transaction 1", "NLH-7781"),
        ("message 2, transaction 2", "NLH-7782"),
    ]
    assert [dict(i.details)["message_type"] for i in items] == ["pacs.008.001.08"] + ["pacs.008.001.10"] * 2
    assert [dict(i.details)["business_message_id"] for i in items] == ["BMI-20240613-A"] + [
        "BMI-20240613-B"
    ] * 2
    assert [i.as_of for i in items] == [date(2024, 6, 13), date(2024, 6, 14), date(2024, 6, 14)]
    assert [i.group for i in items] == ["ABNA-20240613-0007", "COBA-20240613-0412", "COBA-20240613-0412"]
    sender = _field(items[1], "sender", FieldKind.BIC)[0]
    assert (sender.value, sender.path) == ("COBADEFF", "/AppHdr/Fr/FIId/FinInstnId/BICFI")
    assert _field(items[2], "receiver", FieldKind.BIC)[0].value == "BKCHCNBJ"
    # a prefixed namespace reads as the default one
    assert _field(items[2], "creditor", FieldKind.NAME)[0].path == f"{PACS}/CdtTrfTxInf[2]/Cdtr/Nm"


def test_pain001_payment_information_applies_to_each_of_its_transactions() -> None:
    results = _read("pain001.xml")
    items = _items(results)
    assert len(items) == 3 and not _rejects(results)
    assert [i.refs for i in items] == [
        (
            ("EndToEndId", "VDL-INV-9001"),
            ("InstrId", "VDL-0614-001"),
            ("MsgId", "VDL-PAY-20240614-01"),
            ("PmtInfId", "PMT-2024-06-A"),
        ),
        (
            ("EndToEndId", "VDL-INV-9002"),
            ("InstrId", "VDL-0614-002"),
            ("MsgId", "VDL-PAY-20240614-01"),
            ("PmtInfId", "PMT-2024-06-A"),
        ),
        (("EndToEndId", "NZH-2024-044"), ("MsgId", "VDL-PAY-20240614-01"), ("PmtInfId", "PMT-2024-06-B")),
    ]
    assert [i.as_of for i in items] == [date(2024, 6, 14), date(2024, 6, 14), date(2024, 6, 17)]
    debtors = [
        [f.value for f in i.fields if f.role == "debtor" and f.kind is not FieldKind.ADDRESS] for i in items
    ]
    assert debtors == [
        ["Van Dijk Logistics B.V.", "Rotterdam", "NL", "NL91ABNA0417164300"],
        ["Van Dijk Logistics B.V.", "Rotterdam", "NL", "NL91ABNA0417164300"],
        ["Noordzee Holding B.V.", "NL02ABNA0123456789"],
    ]
    block = "/Document/CstmrCdtTrfInitn/PmtInf[1]"
    assert _field(items[1], "debtor", FieldKind.NAME)[0].path == f"{block}/Dbtr/Nm"
    assert [_field(i, "debtor_agent", FieldKind.BIC)[0].value for i in items] == ["ABNANL2A"] * 3
    assert [f.value for f in _field(items[2], "ultimate_debtor", FieldKind.NAME)] == [
        "Van Dijk Logistics B.V."
    ]
    assert all(
        _field(i, "initiating_party", FieldKind.ORGANIZATION)[0].value == "Van Dijk Logistics B.V."
        for i in items
    )
    assert [dict(i.details)["amount"] for i in items] == ["4200.00", "1530.00", "10000.00"]
    assert [dict(i.details)["currency"] for i in items] == ["EUR", "EUR", "GBP"]
    assert [dict(i.details)["charge_bearer"] for i in items] == ["SLEV", "SLEV", "SHAR"]
    assert dict(items[0].details)["message_type"] == "pain.001.001.09"
    assert _field(items[1], "ultimate_creditor", FieldKind.NAME)[0].value == "Lefebvre Groupe SA"
    assert_no_structure(items)


def test_truncated_file_keeps_the_complete_message_and_rejects_the_broken_one() -> None:
    results = _read("pacs008_truncated.xml")
    assert [type(r) for r in results] == [Item, Reject]
    item, reject = results
    assert isinstance(item, Item) and isinstance(reject, Reject)
    assert item.key == "PO-55012"
    assert reject.position == "message 2" and reject.line == 52
    assert "line 88" in reject.reason and "no element found" in reject.reason
    assert "2 transaction(s)" in reject.reason  # the message had begun two: neither is dropped silently


def test_a_transaction_missing_mandatory_elements_is_a_reject_and_the_others_read() -> None:
    results = _read("pacs008_missing_element.xml")
    assert [type(r).__name__ for r in results] == ["Item", "Reject", "Item"]
    reject = results[1]
    assert isinstance(reject, Reject)
    assert reject.position == "message 1, transaction 2" and reject.line == 22
    assert "DbtrAgt" in reject.reason and "Cdtr" in reject.reason
    assert "EndToEndId=RB-1002" in reject.text
    assert [r.key for r in _items(results)] == ["RB-1001", "RB-1003"]


def _write(tmp_path: Path, body: str, name: str = "message.xml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


_TX = """<CdtTrfTxInf><PmtId><EndToEndId>{ref}</EndToEndId></PmtId>
<IntrBkSttlmAmt Ccy="EUR">10.00</IntrBkSttlmAmt>{date}<ChrgBr>SHAR</ChrgBr>
<Dbtr><Nm>Alpha BV</Nm></Dbtr><DbtrAgt><FinInstnId><BIC>ABNANL2A</BIC></FinInstnId></DbtrAgt>
<CdtrAgt><FinInstnId><BICFI>DEUTDEFF</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>Beta GmbH</Nm></Cdtr>
</CdtTrfTxInf>"""


def _pacs(txs: str, count: str = "1", version: str = "08") -> str:
    return (
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.{version}"><FIToFICstmrCdtTrf>'
        f"<GrpHdr><MsgId>M1</MsgId><NbOfTxs>{count}</NbOfTxs></GrpHdr>{txs}</FIToFICstmrCdtTrf></Document>"
    )


def test_count_that_does_not_add_up_is_a_reject_after_every_transaction_is_read(tmp_path: Path) -> None:
    body = _pacs(_TX.format(ref="A", date="") + _TX.format(ref="B", date=""), count="3", version="12")
    results = list(read_iso20022(_write(tmp_path, body)))
    assert [type(r).__name__ for r in results] == ["Item", "Item", "Reject"]
    reject = results[2]
    assert isinstance(reject, Reject) and reject.position == "message 1"
    assert "declares 3" in reject.reason and "holds 2" in reject.reason
    assert dict(results[0].details)["message_type"] == "pacs.008.001.12"  # type: ignore[union-attr]
    # an old version's BIC element is read as BICFI is
    assert _field(results[0], "debtor_agent", FieldKind.BIC)[0].value == "ABNANL2A"  # type: ignore[arg-type]


def test_unknown_document_is_a_reject_and_the_next_document_reads(tmp_path: Path) -> None:
    other = (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08"><FICdtTrf><GrpHdr><MsgId>X</MsgId>'
        "</GrpHdr></FICdtTrf></Document>"
    )
    body = f"<Batch>\n{other}\n{_pacs(_TX.format(ref='A', date=''))}\n</Batch>"
    results = list(read_iso20022(_write(tmp_path, body)))
    assert [type(r).__name__ for r in results] == ["Reject", "Item"]
    assert isinstance(results[0], Reject)
    assert results[0].position == "message 1" and results[0].line == 2 and "FICdtTrf" in results[0].reason
    assert results[1].position == "message 2, transaction 1"


def test_a_date_that_is_not_one_rejects_its_transaction(tmp_path: Path) -> None:
    txs = _TX.format(ref="A", date="<IntrBkSttlmDt>2024-02-30</IntrBkSttlmDt>") + _TX.format(ref="B", date="")
    results = list(read_iso20022(_write(tmp_path, _pacs(txs, count="2"))))
    assert [type(r).__name__ for r in results] == ["Reject", "Item"]
    assert "2024-02-30" in results[0].reason  # type: ignore[union-attr]
    assert results[1].as_of is None  # type: ignore[union-attr]


def test_entities_and_doctypes_are_refused(tmp_path: Path) -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    results = list(read_iso20022(_write(tmp_path, bomb)))
    assert len(results) == 1 and isinstance(results[0], Reject)
    assert "DTD" in results[0].reason or "forbidden" in results[0].reason.lower()


def test_files_without_a_message(tmp_path: Path) -> None:
    for body in ("", "<Report><Line>nothing</Line></Report>"):
        results = list(read_iso20022(_write(tmp_path, body)))
        assert len(results) == 1 and isinstance(results[0], Reject), body


def test_a_file_that_cannot_be_opened_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.xml"):
        read_iso20022(tmp_path / "missing.xml")
