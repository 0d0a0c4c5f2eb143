"""MT103 reader: one item per message (FIN blocks or bare block 4 exports), with refs, value date, details
and fields; rejects for broken blocks, missing mandatory fields and bad dates, the next message still read."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from clearance.channels.items import Field, FieldKind, Item, Reject
from clearance.channels.payments import read_payments
from clearance.channels.payments.mt103 import read_mt103
from clearance.errors import InputError
from fixtures import DATA

PAYMENTS = DATA / "channels" / "payments"
MULTI = (PAYMENTS / "mt103_multi.txt").read_text(encoding="utf-8")
STRUCTURE = re.compile(r":?\d{2}[A-Z]?:?|\d+(?:[.,]\d*)?|[A-Z]{3}|\d{6}|\d{8}|[A-Z]{4}|[A-Z]{3}\d[\d,]*")


def _read(name: str) -> list[Item | Reject]:
    return list(read_payments(PAYMENTS / name))


def _text(tmp_path: Path, text: str, name: str = "mt103.txt") -> list[Item | Reject]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return list(read_mt103(path))


def _fields(item: Item, role: str) -> list[tuple[FieldKind, str]]:
    return [(f.kind, f.value) for f in item.fields if f.role == role]


def assert_no_structure(items: list[Item]) -> None:
    for item in items:
        for fld in item.fields:
            if fld.kind is not FieldKind.ACCOUNT:
                assert not STRUCTURE.fullmatch(fld.value.strip()), (item.position, fld)


def test_three_messages_with_their_refs_dates_and_details() -> None:
    results = _read("mt103_multi.txt")
    assert all(isinstance(r, Item) for r in results) and len(results) == 3
    items = [r for r in results if isinstance(r, Item)]
    assert [i.refs for i in items] == [
        (("20", "PAY-2024-0611-01"), ("UETR", "f7a2d2c8-6e51-4c36-9b41-3a9f0f5b2e10"), ("MUR", "VDL0611A")),
        (("20", "PAY-2024-0611-02"), ("UETR", "0c3a9d4e-5b6f-4a1c-8d2e-7f9b1a2c3d4e")),
        (("20", "PAY-2024-0612-03"), ("UETR", "9b0c1d2e-3f40-4152-8a63-7b8c9d0e1f23")),
    ]
    assert [i.as_of for i in items] == [date(2024, 6, 11), date(2024, 6, 11), date(2024, 6, 12)]
    assert [(i.position, i.line) for i in items] == [("message 1", 1), ("message 2", 18), ("message 3", 39)]
    assert [dict(i.details)["amount"] for i in items] == ["12500.00", "8400", "45000"]
    assert [dict(i.details)["currency"] for i in items] == ["EUR", "CNY", "USD"]
    assert [dict(i.details)["charges"] for i in items] == ["SHA", "OUR", "BEN"]
    assert dict(items[0].details)["bank_operation_code"] == "CRED"
    assert dict(items[0].details)["instructed_amount"] == "12500.00"
    assert_no_structure(items)


def test_fields_of_each_option() -> None:
    first, second, third = (r for r in _read("mt103_multi.txt") if isinstance(r, Item))
    # 50K: account, name, address lines; 59A: account and BIC; 70 without its code; 72 /INS/ a BIC
    assert _fields(first, "debtor") == [
        (FieldKind.IBAN, "NL91ABNA0417164300"),
        (FieldKind.NAME, "VAN DIJK LOGISTICS B.V."),
        (FieldKind.ADDRESS, "HAVENSTRAAT 14"),
        (FieldKind.ADDRESS, "3011 AB ROTTERDAM NL"),
    ]
    assert Field("debtor", FieldKind.NAME, "VAN DIJK LOGISTICS B.V.", ":50K:", 7) in first.fields
    assert _fields(first, "creditor") == [
        (FieldKind.IBAN, "DE89370400440532013000"),
        (FieldKind.BIC, "BMASDESTXXX"),
    ]
    assert _fields(first, "remittance") == [(FieldKind.TEXT, "2024-118 SPARE PARTS")]
    assert _fields(first, "instructing_agent") == [(FieldKind.BIC, "ABNANL2A")]
    assert _fields(first, "ordering_institution") == [(FieldKind.BIC, "ABNANL2A")]
    assert [(f.value, f.path) for f in first.fields if f.role in ("sender", "receiver")] == [
        ("ABNANL2A", "{1:}"),
        ("DEUTDEFF", "{2:}"),
    ]
    # 50F of a person (birth date and place), 56A, 59 without a letter, 70 over two lines
    assert _fields(second, "debtor") == [
        (FieldKind.IBAN, "NL20INGB0001234567"),
        (FieldKind.PERSON, "DE VRIES, JAN"),
        (FieldKind.ADDRESS, "OUDEGRACHT 101"),
        (FieldKind.COUNTRY, "NL"),
        (FieldKind.TOWN, "UTRECHT"),
    ]
    assert dict(second.details)["debtor_birth_date"] == "19790302"
    assert _fields(second, "intermediary_agent") == [(FieldKind.BIC, "BMJIIRTH")]
    assert Field("intermediary_agent", FieldKind.BIC, "BMJIIRTH", ":56A:", 29) in second.fields
    assert _fields(second, "creditor")[:2] == [
        (FieldKind.ACCOUNT, "6222020200112233445"),
        (FieldKind.NAME, "TENCENT HOLDINGS LTD"),
    ]
    assert _fields(second, "remittance") == [(FieldKind.TEXT, "2231 WECHAT PAY TOP-UP")]
    assert _fields(second, "receiver") == [(FieldKind.BIC, "ICBKCNBJSZN")]  # the branch of the terminal
    # 50A: account and BIC; 59F: structured, not a person; 72: codes off, // continues the line above
    assert _fields(third, "debtor") == [
        (FieldKind.IBAN, "DE44500105175407324931"),
        (FieldKind.BIC, "COBADEFF"),
    ]
    assert _fields(third, "creditor") == [
        (FieldKind.IBAN, "UA213223130000026007233566001"),
        (FieldKind.NAME, "MORSKOY TRADE LLC"),
        (FieldKind.ADDRESS, "NAKHIMOVA SQUARE 5"),
        (FieldKind.COUNTRY, "UA"),
        (FieldKind.TOWN, "SEVASTOPOL"),
    ]
    assert [(f.value, f.line) for f in third.fields if f.role == "instructions"] == [
        ("CALL BENEFICIARY BEFORE CREDITING", 53),
        ("PAYMENT FOR CHARTER", 55),
    ]


def test_the_broken_middle_message_is_a_reject_and_the_others_read() -> None:
    results = _read("mt103_broken_block.txt")
    assert [type(r).__name__ for r in results] == ["Item", "Reject", "Item"]
    reject = results[1]
    assert isinstance(reject, Reject)
    assert reject.position == "message 2" and reject.line == 18
    assert "block 4" in reject.reason and "-}" in reject.reason
    assert "PAY-2024-0611-02" in reject.text
    assert [r.key for r in results if isinstance(r, Item)] == ["PAY-2024-0611-01", "PAY-2024-0612-03"]


def test_block4_exports_separated_by_end_lines_and_dollars() -> None:
    results = _read("mt103_block4_export.txt")
    items = [r for r in results if isinstance(r, Item)]
    assert len(items) == len(results) == 3
    assert [i.key for i in items] == ["EXP-0001", "EXP-0002", "EXP-0003"]
    assert [i.line for i in items] == [1, 14, 23]
    assert _fields(items[1], "debtor") == [
        (FieldKind.NAME, "GROENE TUIN KWEKERIJ B.V."),
        (FieldKind.ADDRESS, "AALSMEER NL"),
    ]
    assert_no_structure(items)


def _message(**replace: str) -> str:
    """The first sample message, with parts of it replaced (`_` in `old` for `:`)."""
    text = MULTI.split("{1:")[1]
    for old, new in replace.items():
        text = text.replace(old.replace("_", ":"), new)
    return "{1:" + text


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"_71A_SHA\n": ""}, "missing mandatory field(s) 71A"),
        ({"_59A_/DE89370400440532013000\nBMASDESTXXX\n": ""}, "59a"),
        ({"_32A_240611EUR12500,00": ":32A:241311EUR12500,00"}, "not a date (YYMMDD)"),
        ({"_32A_240611EUR12500,00": ":32A:240611 EUR 12500"}, "not a date, a currency and an amount"),
        ({"{2:I103DEUTDEFFXXXXN}": "{2:I202DEUTDEFFXXXXN}"}, "an MT202, not an MT103"),
        ({"F01ABNANL2AAXXX0000000000}": "F01ABNANL2AAXXX0000000000"}, "block 1 is not closed"),
        ({"}}{4:": "}{4:"}, "braces"),
        ({"-}{5:": "-}}{5:"}, "text outside the blocks"),
        ({"{4:\n": "{4:\nPAYMENT\n"}, "text before the first field"),
    ],
)
def test_rejects_name_their_message_and_line_and_the_next_message_reads(
    tmp_path: Path, change: dict[str, str], words: str
) -> None:
    good = _message()
    results = _text(tmp_path, good + _message(**change) + good)
    assert [type(r).__name__ for r in results] == ["Item", "Reject", "Item"], results
    reject = results[1]
    assert isinstance(reject, Reject) and reject.position == "message 2" and reject.line is not None
    assert words in reject.reason


def test_tags_amounts_and_dates_are_never_fields(tmp_path: Path) -> None:
    results = _text(tmp_path, MULTI.replace("\n", "\r\n"))  # CRLF, as FIN writes it
    items = [r for r in results if isinstance(r, Item)]
    assert len(items) == 3
    values = {f.value for i in items for f in i.fields}
    assert not values & {"20", "23B", "32A", "CRED", "SHA", "EUR", "240611", "12500,00", "PAY-2024-0611-01"}
    assert all(not v.endswith("\r") for v in values)
    assert_no_structure(items)


def test_an_output_message_names_its_sender_from_the_input_reference(tmp_path: Path) -> None:
    received = _message(
        **{"F01ABNANL2AAXXX0000000000}{2:I103DEUTDEFFXXXXN}": "F01DEUTDEFFAXXX1234123456}"
           "{2:O1031200240611ABNANL2AAXXX12345678902406111201N}"}
    )  # fmt: skip
    (item,) = _text(tmp_path, received)
    assert isinstance(item, Item)
    assert _fields(item, "sender") == [(FieldKind.BIC, "ABNANL2A")]
    assert _fields(item, "receiver") == [(FieldKind.BIC, "DEUTDEFF")]


def test_a_file_that_is_not_text_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(b"{1:\x00\x00\x00\x01")
    with pytest.raises(InputError, match=r"binary\.txt"):
        read_mt103(path)
    with pytest.raises(InputError, match=r"nothing\.txt"):
        read_mt103(tmp_path / "nothing.txt")


def test_utf16_files_read_as_their_mark_says(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(MULTI.replace("\n", "\r\n").encode("utf-16"))
    assert [r.key for r in read_mt103(path) if isinstance(r, Item)] == [
        "PAY-2024-0611-01",
        "PAY-2024-0611-02",
        "PAY-2024-0612-03",
    ]
