"""The payments CSV reader, and `read_payments` telling the formats apart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clearance.channels.items import Field, FieldKind, Item, Reject
from clearance.channels.payments import PAYMENT_FORMATS, detect_format, read_payments
from clearance.channels.payments.table import read_table
from clearance.errors import InputError
from fixtures import DATA

PAYMENTS = DATA / "channels" / "payments"


def _fields(item: Item, role: str) -> list[tuple[FieldKind, str]]:
    return [(f.kind, f.value) for f in item.fields if f.role == role]


def test_rows_as_items() -> None:
    results = list(read_payments(PAYMENTS / "payments.csv"))
    items = [r for r in results if isinstance(r, Item)]
    assert len(items) == len(results) == 3
    assert [i.refs for i in items] == [(("reference", f"CSV-000{n}"),) for n in (1, 2, 3)]
    assert [(i.position, i.line) for i in items] == [("row 1", 2), ("row 2", 3), ("row 3", 4)]
    assert [i.as_of for i in items] == [date(2024, 6, 14), date(2024, 6, 14), None]
    assert dict(items[0].details) == {"amount": "4200.00", "currency": "EUR", "cost_centre": "OPS-12"}
    first, second, third = items
    assert _fields(first, "debtor") == [
        (FieldKind.NAME, "Van Dijk Logistics B.V."),
        (FieldKind.COUNTRY, "NL"),
        (FieldKind.ADDRESS, "Havenstraat 14, Rotterdam"),
        (FieldKind.IBAN, "NL91ABNA0417164300"),
    ]
    assert Field("debtor_agent", FieldKind.BIC, "ABNANL2A", "debtor_bic", 2) in first.fields
    assert _fields(second, "creditor")[-1] == (FieldKind.ACCOUNT, "6222020200112233445")
    assert _fields(second, "intermediary_agent") == [(FieldKind.BIC, "BMJIIRTH")]
    assert _fields(second, "remittance") == [(FieldKind.TEXT, "Invoice 2231 WeChat Pay top-up")]
    # an IBAN written with spaces; a bank's name in the BIC column, screened as a name; a quoted line break
    assert (FieldKind.IBAN, "UA213223130000026007233566001") in _fields(third, "creditor")
    assert _fields(third, "creditor_agent") == [(FieldKind.ORGANIZATION, "Black Sea Commercial Bank")]
    assert _fields(third, "remittance") == [(FieldKind.TEXT, "Charter of vessel\nKapitan Orlov")]
    values = {f.value for i in items for f in i.fields}
    assert not values & {"4200.00", "EUR", "CNY", "2024-06-14", "CSV-0001", "OPS-12"}


def test_broken_rows_are_rejects_naming_their_line() -> None:
    results = list(read_table(PAYMENTS / "payments_broken.csv"))
    assert [(type(r).__name__, r.line) for r in results] == [
        ("Item", 2),
        ("Reject", 3),  # an unbalanced quote: it costs its own row and no other
        ("Reject", 4),  # seven values for eight columns
        ("Reject", 5),  # 2024-13-01
        ("Reject", 6),  # no reference
        ("Item", 7),  # doubled quotes inside a quoted value are fine
    ]
    reasons = [r.reason for r in results if isinstance(r, Reject)]
    assert "unbalanced quote" in reasons[0] and "7 fields" in reasons[1]
    assert "2024-13-01" in reasons[2] and "no reference" in reasons[3]
    assert [r.position for r in results] == [f"row {n}" for n in range(1, 7)]
    last = results[-1]
    assert isinstance(last, Item) and _fields(last, "creditor")[0] == (
        FieldKind.NAME,
        'Koffiebranderij "De Boon"',
    )


def test_a_header_without_reference_or_no_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,debtor_name\n1,Alpha\n", encoding="utf-8")
    with pytest.raises(InputError, match="reference"):
        read_table(path)
    with pytest.raises(InputError, match=r"absent\.csv"):
        read_payments(tmp_path / "absent.csv")


def test_a_line_in_another_encoding_is_rejected_alone(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are never guessed at (as in the batch): that row is a reject with its
    line, and the rows around it are read."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "reference,creditor_name\nR1,Société Générale\n".encode()
        + "R2,Müller AG\n".encode("cp1252")
        + b"R3,Nordlicht GmbH\n"
    )
    entries = list(read_table(path))
    assert [i.fields[0].value for i in entries if isinstance(i, Item)] == [
        "Société Générale",
        "Nordlicht GmbH",
    ]
    (reject,) = [r for r in entries if isinstance(r, Reject)]
    assert reject.line == 3 and "UTF-8" in reject.reason


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("pacs008_multi.xml", "pacs.008"),
        ("pacs008_envelope.xml", "pacs.008"),
        ("pain001.xml", "pain.001"),
        ("mt103_multi.txt", "mt103"),
        ("mt103_block4_export.txt", "mt103"),
        ("payments.csv", "csv"),
    ],
)
def test_formats_are_told_from_the_files(name: str, fmt: str) -> None:
    assert detect_format(PAYMENTS / name) == fmt
    assert fmt in PAYMENT_FORMATS
    assert list(read_payments(PAYMENTS / name)) == list(read_payments(PAYMENTS / name, fmt=fmt))


def test_csv_without_its_suffix_and_unknown_formats(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("Reference,Debtor_Name\nR1,Alpha\n", encoding="utf-8")
    assert detect_format(path) == "csv"
    assert [r.key for r in read_payments(path) if isinstance(r, Item)] == ["R1"]
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the payment format"):
        read_payments(path)
    with pytest.raises(InputError, match="unknown payment format"):
        read_payments(path, fmt="mt202")
