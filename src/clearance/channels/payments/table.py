"""A simple CSV of payments as items: one item per row, keyed by its `reference`.

Columns (a header names them, in any order; only `reference` is required): reference, date
(YYYY-MM-DD: the item's date), amount, currency, debtor_name, debtor_country, debtor_address,
debtor_account, debtor_bic, creditor_name, creditor_country, creditor_address, creditor_account,
creditor_bic, intermediary_bic, remittance. Any other column is kept as a detail, never screened.

What is screened (role in brackets; `path` is the column): the names (debtor, creditor; a name, person
or organization unknown), countries, addresses (one address field each), accounts (an IBAN when shaped
like one, else an account: `common.account_field`), the BICs of the debtor's, creditor's and
intermediary banks (debtor_agent, creditor_agent, intermediary_agent: a value without a BIC's shape is
screened as the bank's name, `common.bic_field`), and the remittance text (remittance). Amount and
currency are details.

Rows are read a physical line at a time by the channels' CSV rule (`channels.tables`, the batch's
rule): a stray quote costs its own row and no other. A row whose number of values is not the header's
is a reject, and so is a row without a reference or with a date that is not one, or bytes that are not
UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from clearance.channels.items import Channel, Field, FieldKind, Item, Reject
from clearance.channels.payments.common import Details, account_field, bic_field, excerpt
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
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ACCOUNTS = {"debtor_account": "debtor", "creditor_account": "creditor"}
_BICS = {
    "debtor_bic": "debtor_agent",
    "creditor_bic": "creditor_agent",
    "intermediary_bic": "intermediary_agent",
}


def read_table(path: Path) -> Iterator[Item | Reject]:
    """The rows of a payments CSV, as items and rejects in file order. Raises `InputError` when the file
    cannot be read, or its header is not a CSV line or has no `reference` column."""
    header = [h.lower() for h in csv_header(path)]
    if "reference" not in header:
        raise InputError(f"{path}: the header has no 'reference' column (it has: {', '.join(header)})")
    return _rows(path, header)


def _rows(path: Path, header: list[str]) -> Iterator[Item | Reject]:
    source = str(path)
    for row, record in enumerate(csv_records(path, len(header)), start=1):
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
        else:  # amount, currency and any column this reader does not know
            details.add(column, value)
        if fld is not None:
            fields.append(fld)
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
