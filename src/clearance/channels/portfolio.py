"""Portfolios: a fund's or an account's holdings as CSV, one item per holding (`Channel.HOLDING`).

The header is read case-insensitively and without spaces, underscores or punctuation; each column has its
usual spellings (`COLUMNS`): the ISIN, the ticker (or symbol), the issuer (issuer_name, name,
security_name), the quantity (qty, shares, position), and optionally an id of the line, the account, the
market value and the currency. A file needs an ISIN, ticker or issuer column (`InputError` otherwise).

A holding's fields are its ISIN, ticker and issuer, each screened (`FieldKind.ISIN`, `TICKER`,
`ISSUER`; role `holding`). An ISIN is checked with python-stdnum (`stdnum.isin`): one that fails keeps
its field, since a list may hold the same mistyped id and a mistyped id is still the security someone
meant, and the item gets the detail `isin_check` saying why it fails. Its references are the line's id,
the ISIN and the ticker, as given; the quantity, account, market value and currency are details, never
screened.

A row with neither ISIN, ticker nor issuer is a reject (nothing to screen it by), and so is a quantity
that is not a plain number (digits, an optional sign and decimal point: "1,200" or "1.200,5" could be
read more than one way, and a reader never guesses). An empty quantity is no quantity. CSV is read as
`channels.apps` reads it (`csv_records`): a row that cannot be read is a reject with its line, and the
rows after it are read."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from stdnum import isin
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from clearance.channels.apps_layouts import find_columns
from clearance.channels.items import Channel, Field, FieldKind, Item, Reject
from clearance.channels.tables import csv_header, csv_records
from clearance.errors import InputError

__all__ = ["COLUMNS", "read_portfolio"]

# A portfolio's columns, each with its accepted spellings (normalised: case folded, letters and digits)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "holdingid", "positionid", "lineid", "rowid"),
    "account": ("account", "accountid", "accountnumber", "portfolio"),
    "isin": ("isin",),
    "ticker": ("ticker", "symbol", "tickersymbol"),
    "issuer": ("issuer", "issuername", "name", "securityname", "security"),
    "quantity": ("quantity", "qty", "shares", "position", "units"),
    "market_value": ("marketvalue", "mktvalue", "value"),
    "currency": ("currency", "ccy"),
}
_SCREENED = (("isin", FieldKind.ISIN), ("ticker", FieldKind.TICKER), ("issuer", FieldKind.ISSUER))
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_ISIN_FAILS = {
    InvalidChecksum: "the check digit is wrong",
    InvalidLength: "not 12 characters",
    InvalidFormat: "not the form of an ISIN (2 letters, 9 letters or digits, a check digit)",
    InvalidComponent: "its first two letters are not a country code ISINs use",
}


def isin_problem(value: str) -> str | None:
    """Why a value is not a valid ISIN (python-stdnum), None when it is."""
    try:
        isin.validate(value)
    except ValidationError as exc:
        return next((why for kind, why in _ISIN_FAILS.items() if isinstance(exc, kind)), str(exc))
    return None


def read_portfolio(path: str | Path) -> Iterator[Item | Reject]:
    """The holdings of a portfolio CSV, in file order, one item each, with the rows that cannot be read
    as rejects."""
    path = Path(path)
    header = csv_header(path)
    columns = find_columns(COLUMNS, header)
    if not columns.keys() & {"isin", "ticker", "issuer"}:
        accepted = "; ".join(f"{role}: {', '.join(COLUMNS[role])}" for role in ("isin", "ticker", "issuer"))
        raise InputError(f"{path}: no column for an ISIN, ticker or issuer (accepted, any case: {accepted})")
    return _holdings(path, header, columns)


def _holdings(path: Path, header: Sequence[str], columns: dict[str, int]) -> Iterator[Item | Reject]:
    source = str(path)
    for row, record in enumerate(csv_records(path, len(header)), start=1):
        position = f"row {row}"
        if record.values is None:
            yield Reject(source, record.problem, record.line, position, record.text)
            continue
        got = {role: record.values[at].strip() for role, at in columns.items()}
        if not any(got.get(role) for role, _ in _SCREENED):
            reason = "neither an ISIN, a ticker nor an issuer: nothing to screen the holding by"
            yield Reject(source, reason, record.line, position, record.text)
            continue
        quantity = got.get("quantity", "")
        if quantity and not _NUMBER.fullmatch(quantity):
            column = header[columns["quantity"]]
            reason = (
                f"the quantity ({column}) '{quantity[:40]}' is not a number: write digits, with an optional "
                "sign and decimal point, and no thousands separators"
            )
            yield Reject(source, reason, record.line, position, record.text)
            continue
        fields = tuple(
            Field("holding", kind, got[role], header[columns[role]], record.line)
            for role, kind in _SCREENED
            if got.get(role)
        )
        refs = tuple((role, got[role]) for role in ("id", "isin", "ticker") if got.get(role))
        problem = isin_problem(got["isin"]) if got.get("isin") else None
        details = [(role, got.get(role, "")) for role in ("quantity", "account", "market_value", "currency")]
        if problem:
            details.append(("isin_check", problem))
        yield Item(
            channel=Channel.HOLDING,
            refs=refs,
            fields=fields,
            source=source,
            line=record.line,
            position=position,
            details=tuple((name, value) for name, value in details if value),
        )
