"""ISO 20022: every message under a Document is read, every CdtTrfTxInf and PmtInf is read at its
schema's place or rejected with its path and line, a message without transactions is a reject; and
text no rule reads (contact names, the remittance location, supplementary data) is screened, structure
(codes, ids, amounts, dates) is not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearance.channels.items import Field, FieldKind, Item, Reject
from clearance.channels.payments import read_payments
from clearance.channels.payments.iso20022 import read_iso20022
from fixtures import DATA

PAYMENTS = DATA / "channels" / "payments"
NS = "urn:iso:std:iso:20022:tech:xsd:{}"
TX_TAG = re.compile(r"<(?:\w+:)?CdtTrfTxInf>")


def _tx(ref: str, extra: str = "") -> str:
    return (
        f"<CdtTrfTxInf><PmtId><EndToEndId>{ref}</EndToEndId></PmtId>"
        '<IntrBkSttlmAmt Ccy="EUR">10.00</IntrBkSttlmAmt>'
        "<Dbtr><Nm>Alpha BV</Nm></Dbtr><DbtrAgt><FinInstnId><BICFI>ABNANL2A</BICFI></FinInstnId></DbtrAgt>"
        f"<CdtrAgt><FinInstnId><BICFI>DEUTDEFF</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>Beta GmbH</Nm></Cdtr>"
        f"{extra}</CdtTrfTxInf>"
    )


def _pacs(body: str, msg_id: str = "M1", count: int | None = None) -> str:
    declared = f"<NbOfTxs>{count}</NbOfTxs>" if count is not None else ""
    return f"<FIToFICstmrCdtTrf><GrpHdr><MsgId>{msg_id}</MsgId>{declared}</GrpHdr>{body}</FIToFICstmrCdtTrf>"


def _doc(body: str, kind: str = "pacs.008.001.08") -> str:
    return f'<Document xmlns="{NS.format(kind)}">{body}</Document>'


def _read(tmp_path: Path, text: str) -> list[Item | Reject]:
    path = tmp_path / "payments.xml"
    path.write_text(text, encoding="utf-8")
    return list(read_iso20022(path))


def _accounted(results: list[Item | Reject]) -> int:
    """Transactions read (items and a transaction's rejects) and those each other reject says it holds."""
    total = 0
    for r in results:
        if isinstance(r, Item) or ", transaction " in r.position:
            total += 1
        elif (found := re.search(r"its (\d+) transaction\(s\)", r.reason)) is not None:
            total += int(found.group(1))
    return total


def test_the_hostile_sample_reads_or_rejects_every_transaction() -> None:
    results = list(read_payments(PAYMENTS / "pacs008_misplaced.xml"))
    text = (PAYMENTS / "pacs008_misplaced.xml").read_text(encoding="utf-8")
    assert _accounted(results) == len(TX_TAG.findall(text)) == 6
    items = [r for r in results if isinstance(r, Item)]
    assert [(i.position, i.key, i.group) for i in items] == [
        ("message 1, transaction 1", "A-1", "MSG-A"),
        ("message 2, transaction 1", "B-1", "MSG-B"),  # the second message of the Document, its own header
    ]
    rejects = [(r.position, r.line) for r in results if isinstance(r, Reject)]
    assert rejects == [
        ("message 1", 19),  # inside the transaction's supplementary data
        ("message 2", 35),  # wrapped in an element pacs.008 does not have
        ("message 2", 25),  # NbOfTxs 2 where one is read
        ("after message 2", 41),  # directly under the Document
        ("message 3", 46),  # a message with none
        ("after message 3", 50),  # in the envelope
    ]
    reasons = [r.reason for r in results if isinstance(r, Reject)]
    assert "CdtTrfTxInf outside its message's place" in reasons[0] and "SplmtryData/Envlp" in reasons[0]
    assert "/Document/FIToFICstmrCdtTrf[2]/Bundle/CdtTrfTxInf" in reasons[1] and "not read" in reasons[1]
    assert "directly under the Document" in reasons[3]
    assert "holds no transaction" in reasons[4]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # two messages in one Document: the second is read, numbered and grouped on its own
        (
            _doc(_pacs(_tx("A"), "M1") + _pacs(_tx("B"), "M2")),
            [("Item", "message 1, transaction 1"), ("Item", "message 2, transaction 1")],
        ),
        # a pain.001 after a pacs.008 in the same Document
        (
            _doc(_pacs(_tx("A")) + "<CstmrCdtTrfInitn><GrpHdr><MsgId>P</MsgId></GrpHdr></CstmrCdtTrfInitn>"),
            [("Item", "message 1, transaction 1"), ("Reject", "message 2")],
        ),
        # a PmtInf in a pacs.008, a CdtTrfTxInf directly in a pain.001: neither is at its place
        (
            _doc(_pacs(_tx("A") + "<PmtInf>" + _tx("B") + _tx("C") + "</PmtInf>")),
            [("Item", "message 1, transaction 1"), ("Reject", "message 1")],
        ),
        (
            _doc(
                "<CstmrCdtTrfInitn><GrpHdr><MsgId>P</MsgId></GrpHdr>" + _tx("A") + "</CstmrCdtTrfInitn>",
                "pain.001.001.09",
            ),
            [("Reject", "message 1"), ("Reject", "message 1")],  # out of place, and no transaction read
        ),
        # a CdtTrfTxInf inside another, and one under an unknown element before the message
        (
            _doc("<Note>" + _tx("X") + "</Note>" + _pacs(_tx("A", extra=_tx("INNER")))),
            [("Reject", "message 1"), ("Item", "message 2, transaction 1"), ("Reject", "message 2")],
        ),
        # an unknown message between two known ones
        (
            _doc(_pacs(_tx("A")) + "<FICdtTrf>" + _tx("X") + "</FICdtTrf>" + _pacs(_tx("B"))),
            [
                ("Item", "message 1, transaction 1"),
                ("Reject", "message 2"),
                ("Item", "message 3, transaction 1"),
            ],
        ),
    ],
)
def test_every_transaction_is_read_or_rejected_wherever_it_stands(
    tmp_path: Path, document: str, expected: list[tuple[str, str]]
) -> None:
    results = _read(tmp_path, document)
    assert [(type(r).__name__, r.position) for r in results] == expected
    assert _accounted(results) >= len(TX_TAG.findall(document))


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (_doc(_pacs("", count=0)), "NbOfTxs says '0'"),
        (_doc(_pacs("")), "holds no transaction"),
        (_doc(""), "holds nothing"),
        (
            _doc(
                "<CstmrCdtTrfInitn><GrpHdr><MsgId>P</MsgId></GrpHdr><PmtInf><PmtInfId>B</PmtInfId></PmtInf>"
                "</CstmrCdtTrfInitn>",
                "pain.001.001.09",
            ),
            "the PmtInf at /Document/CstmrCdtTrfInitn/PmtInf holds no transaction",
        ),
    ],
)
def test_a_message_without_transactions_is_a_reject(tmp_path: Path, document: str, words: str) -> None:
    results = _read(tmp_path, document)
    assert results and all(isinstance(r, Reject) for r in results)
    assert any(words in r.reason for r in results if isinstance(r, Reject)), results


def test_a_transaction_in_a_business_application_header_is_a_reject(tmp_path: Path) -> None:
    header = "<AppHdr><BizMsgIdr>B1</BizMsgIdr><Rltd>" + _tx("H") + "</Rltd></AppHdr>"
    results = _read(tmp_path, f"<Envelope>{header}\n{_doc(_pacs(_tx('A')))}</Envelope>")
    assert [(type(r).__name__, r.position, r.line) for r in results] == [
        ("Reject", "before the first message", 1),
        ("Item", "message 1, transaction 1", 2),
    ]
    assert "/AppHdr/Rltd/CdtTrfTxInf" in results[0].reason  # type: ignore[union-attr]
    assert dict(results[1].details)["business_message_id"] == "B1"  # type: ignore[union-attr]


def test_a_second_root_document_is_a_break(tmp_path: Path) -> None:
    results = _read(tmp_path, _doc(_pacs(_tx("A"))) + "\n" + _doc(_pacs(_tx("B"))))
    assert [type(r).__name__ for r in results] == ["Item", "Reject"]
    assert "junk after document element" in results[1].reason  # type: ignore[union-attr]


def _only(results: list[Item | Reject]) -> Item:
    (item,) = results
    assert isinstance(item, Item), item
    return item


def _of(item: Item, role: str) -> list[tuple[FieldKind, str]]:
    return [(f.kind, f.value) for f in item.fields if f.role == role]


def test_contact_names_and_the_remittance_location_are_screened(tmp_path: Path) -> None:
    extra = (
        "<RltdRmtInf><RmtId>RMT-1</RmtId><RmtLctnDtls><Mtd>POST</Mtd><PstlAdr><Nm>Komid Liaison Office</Nm>"
        "<Adr><StrtNm>Sosong Street</StrtNm><TwnNm>Pyongyang</TwnNm><Ctry>KP</Ctry></Adr></PstlAdr>"
        "</RmtLctnDtls></RltdRmtInf>"
    )
    contact = "<CtctDtls><NmPrfx>MIST</NmPrfx><Nm>Kim Chol</Nm><PhneNb>+850-2-381-1234</PhneNb></CtctDtls>"
    contact += "<Alias>x</Alias>"  # an element no version has: still read, as text
    tx = _tx("A", extra=extra).replace("<Nm>Beta GmbH</Nm>", "<Nm>Beta GmbH</Nm>" + contact)
    item = _only(_read(tmp_path, _doc(_pacs(tx))))
    assert (FieldKind.NAME, "Kim Chol") in _of(item, "creditor")
    assert _of(item, "remittance_location") == [
        (FieldKind.NAME, "Komid Liaison Office"),
        (FieldKind.ADDRESS, "Sosong Street"),
        (FieldKind.TOWN, "Pyongyang"),
        (FieldKind.COUNTRY, "KP"),
    ]
    assert _of(item, "other") == [(FieldKind.TEXT, "x")]
    values = {f.value for f in item.fields}
    assert not values & {"MIST", "+850-2-381-1234", "RMT-1", "POST"}  # a code, a number, an id, a method


def test_text_no_rule_reads_is_screened_and_structure_is_not(tmp_path: Path) -> None:
    supplementary = (
        "<SplmtryData><PlcAndNm>/Document/FIToFICstmrCdtTrf/CdtTrfTxInf</PlcAndNm><Envlp><Ext>"
        "<Note>Korea Mining Development Trading</Note><Ref>INV-KOMID-7</Ref><Amt>12.50</Amt>"
        "<Due>2024-06-30</Due><Flag>true</Flag><Count>42</Count><Tag>550e8400-e29b-41d4-a716-446655440000</Tag>"
        "<Prtry>TRD1</Prtry><Prtry>Goods for Hizballa</Prtry><Cd>KOMID TRADING</Cd>"
        "<Agent><BICFI>BMJIIRTH</BICFI></Agent><IBAN>IR580540105180021273113007</IBAN>"
        "</Ext></Envlp></SplmtryData>"
    )
    purpose = "<Purp><Prtry>Payment to Hizballa</Prtry></Purp><UnknownPart>Tanchon Bank</UnknownPart>"
    item = _only(_read(tmp_path, _doc(_pacs(_tx("A", extra=purpose + supplementary)))))
    assert _of(item, "other") == [
        (FieldKind.TEXT, "Payment to Hizballa"),  # a proprietary purpose that is no code
        (FieldKind.TEXT, "Tanchon Bank"),
        (FieldKind.TEXT, "Korea Mining Development Trading"),
        (FieldKind.TEXT, "Goods for Hizballa"),
        (FieldKind.TEXT, "KOMID TRADING"),  # in a code's element, but no code's shape
        (FieldKind.BIC, "BMJIIRTH"),  # the BIC of an agent no rule knows, screened by its country
        (FieldKind.IBAN, "IR580540105180021273113007"),
    ]
    first = next(f for f in item.fields if f.role == "other")
    path = "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/Purp/Prtry"
    assert first == Field("other", FieldKind.TEXT, "Payment to Hizballa", path, 1)


def test_message_level_parts_and_a_second_group_header_are_screened_too(tmp_path: Path) -> None:
    body = _tx("A") + "<SplmtryData><Envlp><Note>Ryonha Machinery</Note></Envlp></SplmtryData>"
    body += "<GrpHdr><InitgPty><Nm>Green Pine Associated</Nm></InitgPty></GrpHdr>"
    item = _only(_read(tmp_path, _doc(_pacs(body))))
    assert [v for k, v in _of(item, "other")] == ["Ryonha Machinery", "Green Pine Associated"]


def test_the_samples_gain_no_field_from_their_structure() -> None:
    for name in ("pacs008_multi.xml", "pacs008_envelope.xml", "pain001.xml"):
        items = [r for r in read_payments(PAYMENTS / name) if isinstance(r, Item)]
        assert items and not [f for i in items for f in i.fields if f.role == "other"], name
