"""MT103 free text and party fields never lose a word: only the code words the standard defines for a
field are taken off (70: INV, IPI, RFB, ROC, TSU; 72: ACC, INS, INT, REC, ...; 77B: BENEFRES, ORDERRES),
any other word between slashes is text; and every line of a party or agent field is a field."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.channels.items import FieldKind, Item
from clearance.channels.payments.mt103 import read_mt103

HEAD = ":20:REF-1\n:23B:CRED\n:32A:240611EUR100,00\n:50K:ALPHA TRADING BV\n:59:BETA GMBH\n:71A:SHA\n"


def _item(tmp_path: Path, fields: str, head: str = HEAD) -> Item:
    path = tmp_path / "mt103.txt"
    path.write_text(head + fields + "-}\n", encoding="utf-8")
    (item,) = list(read_mt103(path))
    assert isinstance(item, Item), item
    return item


def _values(item: Item, tag: str) -> list[tuple[str, FieldKind, str]]:
    return [(f.role, f.kind, f.value) for f in item.fields if f.path == f":{tag}:"]


@pytest.mark.parametrize(
    ("tag", "text", "expected"),
    [
        ("70", "/KOMID/ MACHINE PARTS", ["KOMID MACHINE PARTS"]),
        ("70", "/HIZBALLA/", ["HIZBALLA"]),
        ("70", "/KOMID/PAYMENT", ["KOMID PAYMENT"]),
        ("70", "/Hezbollah-Finance/", ["Hezbollah-Finance"]),  # any word between slashes, any case
        ("70", "/KOREAMININGDEVELOPMENT/", ["KOREAMININGDEVELOPMENT"]),  # longer than a code word
        ("70", "/INV/KOMID 2024-118", ["KOMID 2024-118"]),  # a code word of 70 goes, its text stays
        ("70", "/RFB/KOMID\n/KOMID/", ["KOMID", "KOMID"]),
        ("70", "/ACC/KOMID", ["ACC KOMID"]),  # a code word of 72 is no code word of 70
        ("70", "/INV/123\n//HIZBALLA", ["123 HIZBALLA"]),  # a continuation joins its code word's text
        ("70", "/KOMID", ["KOMID"]),  # a slash without its closing one
        ("72", "/KOMID/", ["KOMID"]),
        ("72", "/REC/CALL KOMID\n/HIZBALLA/\n//TRADING", ["CALL KOMID", "HIZBALLA TRADING"]),
        ("72", "/BNF/KOMID\n/PHONBEN/\n/TELEIBK/HIZBALLA", ["KOMID", "HIZBALLA"]),
        ("72", "/INV/KOMID", ["INV KOMID"]),  # INV is field 70's
        ("72", "/REJT/59\n/AC01/\n/MREF/REF-1\n/TEXT/KOMID ACCOUNT", ["REF-1", "KOMID ACCOUNT"]),
        ("72", "/AC01/KOMID", ["AC01 KOMID"]),  # a reason code only counts in a reject or a return
        ("77B", "/KOMID/PAYMENT", ["KOMID PAYMENT"]),
        ("77B", "/INV/KOMID", ["INV KOMID"]),
        ("77T", "/KOMID/ENVELOPE", ["KOMID ENVELOPE"]),  # 77T has no code words
        ("77T", "/INV/KOMID", ["INV KOMID"]),
        ("79", "/INV/KOMID", ["INV KOMID"]),  # nor a field the reader does not know
    ],
)
def test_only_the_fields_own_code_words_are_taken_off(
    tmp_path: Path, tag: str, text: str, expected: list[str]
) -> None:
    item = _item(tmp_path, f":{tag}:{text}\n")
    assert [v for _, kind, v in _values(item, tag) if kind is FieldKind.TEXT] == expected


def test_residence_codes_of_77b_give_a_country_and_keep_the_narrative(tmp_path: Path) -> None:
    item = _item(tmp_path, ":77B:/ORDERRES/IR//TEHRAN SUPPLIER\n/BENEFRES/KP\n")
    assert _values(item, "77B") == [
        ("debtor", FieldKind.COUNTRY, "IR"),
        ("regulatory_reporting", FieldKind.TEXT, "TEHRAN SUPPLIER"),
        ("creditor", FieldKind.COUNTRY, "KP"),
    ]
    # a residence code followed by something that is no country: all of it stays text
    item = _item(tmp_path, ":77B:/BENEFRES/KOMID TRADING\n")
    assert _values(item, "77B") == [("regulatory_reporting", FieldKind.TEXT, "KOMID TRADING")]


def test_72_ins_with_a_bic_is_the_bic_and_without_one_its_text(tmp_path: Path) -> None:
    item = _item(tmp_path, ":72:/INS/ABNANL2A\n/INS/KOMID TRADING\n")
    assert _values(item, "72") == [
        ("instructing_agent", FieldKind.BIC, "ABNANL2A"),
        ("instructing_agent", FieldKind.TEXT, "KOMID TRADING"),
    ]


def test_23e_keeps_its_code_as_a_detail_and_screens_its_text(tmp_path: Path) -> None:
    item = _item(tmp_path, ":23E:PHOB/CALL KOMID DESK\n")
    assert _values(item, "23E") == [("instructions", FieldKind.TEXT, "CALL KOMID DESK")]
    assert dict(item.details)["instruction_code"] == "PHOB/CALL KOMID DESK"
    assert _values(_item(tmp_path, ":23E:SDVA\n"), "23E") == []


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        # 59 whose first line is no name: every line is a field, the name an address line screening scans
        (
            ":59:ATTN ACCOUNTS\nKOREA MINING DEVELOPMENT\nPYONGYANG KP\n",
            [
                ("creditor", FieldKind.NAME, "ATTN ACCOUNTS"),
                ("creditor", FieldKind.ADDRESS, "KOREA MINING DEVELOPMENT"),
                ("creditor", FieldKind.ADDRESS, "PYONGYANG KP"),
            ],
        ),
        (
            ":59:/123456\nC/O ACCOUNTS\nKOMID\nPYONGYANG\nKP\n",
            [
                ("creditor", FieldKind.ACCOUNT, "123456"),
                ("creditor", FieldKind.NAME, "C/O ACCOUNTS"),
                ("creditor", FieldKind.ADDRESS, "KOMID"),
                ("creditor", FieldKind.ADDRESS, "PYONGYANG"),
                ("creditor", FieldKind.ADDRESS, "KP"),
            ],
        ),
        # an account line and nothing after it: the line may be the name, written after a slash
        (
            ":59:/KOMID TRADING\n",
            [("creditor", FieldKind.ACCOUNT, "KOMID TRADING"), ("creditor", FieldKind.NAME, "KOMID TRADING")],
        ),
        # option A: a line after the BIC is an address, a second BIC a BIC
        (
            ":57A:DEUTDEFF\nKOMID\nBMJIIRTH\n",
            [
                ("creditor_agent", FieldKind.BIC, "DEUTDEFF"),
                ("creditor_agent", FieldKind.ADDRESS, "KOMID"),
                ("creditor_agent", FieldKind.BIC, "BMJIIRTH"),
            ],
        ),
        # option C: the account, then any line after it (none allowed, all the more reason to screen it)
        (
            ":56C:/123456\nKOMID BRANCH\n",
            [
                ("intermediary_agent", FieldKind.ACCOUNT, "123456"),
                ("intermediary_agent", FieldKind.ADDRESS, "KOMID BRANCH"),
            ],
        ),
        # option D of an agent: the name, then address lines
        (
            ":52D://FW021000021\nFIRST BANK\nKOMID OFFICE\n",
            [
                ("ordering_institution", FieldKind.ORGANIZATION, "FIRST BANK"),
                ("ordering_institution", FieldKind.ADDRESS, "KOMID OFFICE"),
            ],
        ),
    ],
)
def test_every_line_of_a_party_or_agent_field_is_a_field(
    tmp_path: Path, field: str, expected: list[tuple[str, FieldKind, str]]
) -> None:
    tag = field[1:4].rstrip(":")
    head = HEAD.replace(":59:BETA GMBH\n", "") if tag == "59" else HEAD
    item = _item(tmp_path, field, head=head)
    assert _values(item, tag) == expected


@pytest.mark.parametrize(
    ("field", "tag", "text"),
    [
        (":71A:KOMID\n", "71A", "KOMID"),
        (":26T:KOMID TRADE\n", "26T", "KOMID TRADE"),
        (":33B:EUR100,\nKOMID\n", "33B", "EUR100, KOMID"),  # an amount with a line it cannot have
    ],
)
def test_a_detail_field_without_its_shape_is_screened_as_text(
    tmp_path: Path, field: str, tag: str, text: str
) -> None:
    head = HEAD.replace(":71A:SHA\n", "") if tag == "71A" else HEAD
    item = _item(tmp_path, field, head=head)
    assert _values(item, tag) == [("other", FieldKind.TEXT, text)]
    if tag == "71A":
        assert dict(item.details)["charges"] == "KOMID"  # kept as a detail as well
    shaped = _item(tmp_path, ":26T:K90\n:36:0,9236\n:33B:EUR100,\n")
    assert not [f for f in shaped.fields if f.path in (":26T:", ":36:", ":33B:")]
