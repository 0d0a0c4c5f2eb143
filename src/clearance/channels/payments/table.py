"""A simple CSV of payments as items: one item per row, keyed by its `reference`.

Columns (a header names them, in any order; only `reference` is required): reference, date
(YYYY-MM-DD: the item's date), amount, currency, debtor_name, debtor_country, debtor_address,
debtor_account, debtor_bic, creditor_name, creditor_country, creditor_address, creditor_account,
creditor_bic, intermediary_bic, remittance. Any other column is kept as a detail and, when its value
is not structure (amount, currency, dates, ids; a value with no letter, one word with a digit, a
code of up to four letters), screened as free text
(role `other`): a column named otherwise (`payee`, `beneficiary`) is never left unread.

What is screened (role in brackets; `path` is the column): the names (debtor, creditor; a name, person
or organization unknown), countries, addresses (one address field each), accounts (an IBAN when shaped
like one, else an account: `common.account_field`), the BICs of the debtor's, creditor's and
intermediary banks (debtor_agent, creditor_agent, intermediary_agent: a value without a BIC's shape is
screened as the bank's name, `common.bic_field`), and the remittance text (remittance). Amount and
currency are details.

Rows are read a physical line at a time by the channels' CSV rule (`channels.tables`, the batch's
rule): a stray quote costs its own row and no other. A row whose number of values is not the header's
is a reject, and so is a row without a reference or with a date that is not one, or bytes that are not
UTF-8, or a row whose screened columns (`SCREENED`) are all empty ("nothing to screen": an item with no
field would pass screening without anything having been looked at).

A header that names none of the screened columns (`reference,payee,beneficiary_country`) raises
`InputError`: every row would be an item with nothing to screen. A file in UTF-16 (with its byte order
mark) is read from a UTF-8 copy of itself in a temporary folder, every place still named by the file's
own path.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from clearance.channels.items import Channel, Field, FieldKind, Item, Reject
from clearance.channels.payments.common import Details, account_field, bic_field, excerpt, read_bytes
from clearance.channels.tables import csv_header, csv_records
from clearance.errors import InputError

COLUMNS = (
    "reference", "date", "amount", "currency", "debtor_name", "debtor_country", "debtor_address",
    "debtor_account", "debtor_bic", "creditor_name", "creditor_country", "creditor_address",
    "creditor_account", "creditor_bic", "intermediary_bic", "remittance",
)  # fmt: skip
# column: (role, kind) of the values screened as they are
_PLAIN = {
    "debtor_name": ("debtor", FieldKind.NAME),
    "debtor_country": ("debtor", FieldKind.COUNTRY),
    "debtor_address": ("debtor", FieldKind.ADDRESS),
    "creditor_name": ("creditor", FieldKind.NAME),
    "creditor_country": ("creditor", FieldKind.COUNTRY),
    "creditor_address": ("creditor", FieldKind.ADDRESS),
    "remittance": ("remittance", FieldKind.TEXT),
}
# columns that hold structure, never screened (other columns this reader does not know are read as text)
_STRUCTURE = frozenset({"amount", "currency", "value_date", "booking_date", "uetr", "end_to_end_id", "id"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ACCOUNTS = {"debtor_account": "debtor", "creditor_account": "creditor"}
_BICS = {
    "debtor_bic": "debtor_agent",
    "creditor_bic": "creditor_agent",
    "intermediary_bic": "intermediary_agent",
}
SCREENED = (*_PLAIN, *_ACCOUNTS, *_BICS)  # the columns whose values become fields
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def read_table(path: Path) -> Iterator[Item | Reject]:
    """The rows of a payments CSV, as items and rejects in file order. Raises `InputError` when the file
    cannot be read, or its header is not a CSV line, has no `reference` column or names none of the
    columns screened."""
    if not _utf16(path):
        return _rows(path, _header(path, path))
    with _utf8_copy(path) as copy:  # the header is checked now, the rows read from a copy of their own
        header = _header(copy, path)
    return _rows(path, header)


def _utf16(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(2) in _UTF16
    except OSError:
        return False  # `csv_header` says why it cannot be read


@contextmanager
def _utf8_copy(path: Path) -> Iterator[Path]:
    """A UTF-8 copy of a UTF-16 file, removed when done."""
    data = read_bytes(path).decode("utf-16", errors="replace").encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="clearance-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        yield copy


def _header(text: Path, path: Path) -> list[str]:
    """The header of `text` (the file `path`, or its UTF-8 copy), checked."""
    try:
        header = [h.lower() for h in csv_header(text)]
    except InputError as exc:
        raise InputError(str(exc).replace(str(text), str(path))) from None
    if "reference" not in header:
        raise InputError(f"{path}: the header has no 'reference' column (it has: {', '.join(header)})")
    if not set(header) & set(SCREENED):
        raise InputError(
            f"{path}: the header names none of the columns clearance screens: {', '.join(SCREENED)} "
            f"(it has: {', '.join(header)}); every row would be an item with nothing to screen"
        )
    return header


def _rows(path: Path, header: list[str]) -> Iterator[Item | Reject]:
    if _utf16(path):
        with _utf8_copy(path) as copy:
            yield from _records(copy, str(path), header)
    else:
        yield from _records(path, str(path), header)


def _records(text: Path, source: str, header: list[str]) -> Iterator[Item | Reject]:
    for row, record in enumerate(csv_records(text, len(header)), start=1):
        position = f"row {row}"
        if record.values is None:
            yield Reject(source, record.problem, record.line, position, record.text)
        else:
            cells = list(zip(header, record.values, strict=True))
            yield _item(cells, source, record.line, position, record.text)


def _item(cells: list[tuple[str, str]], source: str, line: int, position: str, text: str) -> Item | Reject:
    row = dict(reversed(cells))  # a column named twice: its first value
    reference = row.get("reference", "").strip()
    if not reference:
        return Reject(source, "no reference (the reference column is empty)", line, position, excerpt(text))
    as_of = None
    day = row.get("date", "").strip()
    if day:
        try:
            as_of = date.fromisoformat(day) if _DATE.fullmatch(day) else None
        except ValueError:
            as_of = None
        if as_of is None:
            reason = f"date '{day[:40]}' is not a date (YYYY-MM-DD): the date the payment is screened on"
            return Reject(source, reason, line, position, excerpt(text))
    fields: list[Field] = []
    details = Details()
    for column, raw in cells:
        value = raw.strip()
        if not value or column in ("reference", "date"):
            continue
        fld: Field | None = None
        if column in _PLAIN:
            role, kind = _PLAIN[column]
            fld = Field(role, kind, value, column, line)
        elif column in _ACCOUNTS:
            fld = account_field(_ACCOUNTS[column], value, column, line)
        elif column in _BICS:
            fld = bic_field(_BICS[column], value, column, line)
        elif column in _STRUCTURE or _code_like(value):
            details.add(column, value)  # amount, currency, a code or a reference: names no one
        else:  # a column this reader does not know ("payee", "beneficiary", "notes"): read as text, and kept
            details.add(column, value)
            fld = Field("other", FieldKind.TEXT, value, column, line)
        if fld is not None:
            fields.append(fld)
    if all(f.kind is FieldKind.ACCOUNT for f in fields):  # an account alone is kept, never screened
        said = "only an account that is not an IBAN" if fields else "every one of them empty"
        reason = f"nothing to screen: of the columns clearance screens, the row has {said}"
        return Reject(source, reason, line, position, excerpt(text))
    return Item(
        channel=Channel.PAYMENT,
        refs=(("reference", reference),),
        fields=tuple(fields),
        source=source,
        line=line,
        position=position,
        as_of=as_of,
        details=details.items(),
    )


def _code_like(value: str) -> bool:
    """A value of a column this reader does not know that is structure, not a name: no letter at all
    ("4200.00"), one word with a digit ("OPS-12", "INV2231"), or a code of up to four letters ("PRIV",
    "SHA"). Any other value is read as text."""
    if not any(c.isalpha() for c in value):
        return True
    if " " in value.strip():
        return False
    return any(c.isdigit() for c in value) or len(value.strip()) <= 4
