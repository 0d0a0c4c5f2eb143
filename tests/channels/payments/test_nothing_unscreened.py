"""A payments CSV never yields an item with nothing to screen: a header without any screened column is
refused, a row whose screened columns are empty is a reject. And a file in UTF-16 is told and read as
its byte order mark says."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.channels.items import FieldKind, Item, Reject
from clearance.channels.payments import detect_format, read_payments
from clearance.channels.payments.table import SCREENED, read_table
from clearance.errors import InputError
from fixtures import DATA

PAYMENTS = DATA / "channels" / "payments"


@pytest.mark.parametrize(
    "header",
    ["reference,payee,beneficiary_country", "reference,amount,currency,date", "Reference,Payee Name"],
)
def test_a_header_without_a_screened_column_is_refused(tmp_path: Path, header: str) -> None:
    path = tmp_path / "payees.csv"
    path.write_text(f"{header}\n" + ",".join(["R1"] + ["KOMID"] * header.count(",")) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "payees.csv" in message and "none of the columns clearance screens" in message
    assert "debtor_name" in message and "creditor_name" in message and "remittance" in message
    with pytest.raises(InputError, match="none of the columns"):
        read_payments(path)


def test_screened_columns_are_those_that_become_fields() -> None:
    screened = {"debtor_name", "creditor_name", "creditor_country", "remittance", "intermediary_bic"}
    assert screened <= set(SCREENED)
    assert not {"reference", "date", "amount", "currency"} & set(SCREENED)


def test_a_row_with_nothing_to_screen_is_a_reject(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "reference,amount,creditor_name,creditor_account,payee\n"
        "R1,10.00,Beta GmbH,,\n"
        "R2,20.00,,,KOMID\n"  # a column this reader does not know: read as text, never left unread
        "R3,30.00,  ,123456,\n"  # an account that is no IBAN is kept, never screened
        "R4,40.00,,DE89370400440532013000,\n",  # an IBAN is screened by its country
        encoding="utf-8",
    )
    results = list(read_table(path))
    assert [(type(r).__name__, r.line) for r in results] == [
        ("Item", 2),
        ("Item", 3),
        ("Reject", 4),
        ("Item", 5),
    ]
    payee = results[1]
    assert isinstance(payee, Item)
    assert [(f.role, f.kind, f.value, f.path) for f in payee.fields] == [("other", "text", "KOMID", "payee")]
    (reject,) = [r for r in results if isinstance(r, Reject)]
    assert reject.reason.startswith("nothing to screen")
    assert "R3" in reject.text and reject.position == "row 3"


CSV_TEXT = "reference,creditor_name,remittance\nR1,Société Générale,Facture 12\nR2,Beta GmbH,\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_a_utf16_csv_is_told_and_read(tmp_path: Path, encoding: str, suffix: str) -> None:
    path = tmp_path / f"payments{suffix}"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + CSV_TEXT.replace("\n", "\r\n").encode(encoding))
    assert detect_format(path) == "csv"
    results = list(read_payments(path))
    assert all(isinstance(r, Item) for r in results)
    assert [(r.key, r.line, r.source) for r in results] == [("R1", 2, str(path)), ("R2", 3, str(path))]
    first = results[0]
    assert isinstance(first, Item)
    assert [(f.kind, f.value) for f in first.fields] == [
        (FieldKind.NAME, "Société Générale"),
        (FieldKind.TEXT, "Facture 12"),
    ]


def test_a_utf16_csv_without_a_screened_column_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "payees.csv"
    path.write_bytes("reference,payee\nR1,KOMID\n".encode("utf-16"))
    with pytest.raises(InputError, match=r"payees\.csv: the header names none"):
        read_table(path)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("pacs008_multi.xml", "pacs.008"),
        ("pacs008_envelope.xml", "pacs.008"),
        ("pain001.xml", "pain.001"),
        ("mt103_multi.txt", "mt103"),
        ("mt103_block4_export.txt", "mt103"),
    ],
)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_files_are_told_after_their_mark_and_read_alike(
    tmp_path: Path, name: str, fmt: str, encoding: str
) -> None:
    text = (PAYMENTS / name).read_text(encoding="utf-8")
    if name.endswith(".xml"):
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / name.replace(".xml", ".data").replace(".txt", ".data")  # no suffix to go by
    path.write_bytes((b"\xfe\xff" if encoding == "utf-16-be" else b"") + text.encode(encoding))
    assert detect_format(path) == fmt
    keys = [r.key for r in read_payments(path) if isinstance(r, Item)]
    assert keys and keys == [r.key for r in read_payments(PAYMENTS / name) if isinstance(r, Item)]
