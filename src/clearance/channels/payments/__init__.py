"""Payment messages read into items, one per payment instruction: ISO 20022 pacs.008 and pain.001
(`iso20022`, each `CdtTrfTxInf`), SWIFT MT103 (`mt103`, each message) and a simple CSV (`table`, each
row). Each reader yields `Item | Reject` in file order and never raises on a bad part of a file; a file
that cannot be opened or read as text at all, or whose format cannot be told, raises `InputError`.

`read_payments` tells the format from the file itself when it is not given: XML whose first part names
pacs.008 (`FIToFICstmrCdtTrf`) or pain.001 (`CstmrCdtTrfInitn`), or any other XML (read as ISO 20022:
each document that is neither is a reject); MT103 by a block (`{1:`, `{4:`) or a line starting `:20:`;
CSV by the `.csv` suffix (first) or a first line naming a `reference` column. A file in UTF-16 (with its
byte order mark) is told by its decoded text, as each reader reads it. "pacs.008" and "pain.001" both
select the ISO 20022 reader, which reads either kind of document wherever it stands in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from clearance.channels.items import Item, Reject
from clearance.channels.payments.iso20022 import read_iso20022
from clearance.channels.payments.mt103 import read_mt103
from clearance.channels.payments.table import read_table
from clearance.errors import InputError

PAYMENT_FORMATS = ("pacs.008", "pain.001", "mt103", "csv")
_SNIFF = 1 << 16  # bytes read to tell the format
_MT = re.compile(rb"\{[14]:|^\s*:20:", re.M)

__all__ = ["PAYMENT_FORMATS", "detect_format", "read_iso20022", "read_mt103", "read_payments", "read_table"]


def read_payments(path: Path, *, fmt: str | None = None) -> Iterator[Item | Reject]:
    """The payments in a file as items and rejects, in file order; `fmt` one of `PAYMENT_FORMATS`, or
    None to tell it from the file (`detect_format`). Raises `InputError` (before anything is read) for
    an unknown format, a file that cannot be opened, or one whose format cannot be told."""
    if fmt is not None and fmt.lower() not in PAYMENT_FORMATS:
        raise InputError(f"unknown payment format '{fmt}': use one of {', '.join(PAYMENT_FORMATS)}")
    kind = fmt.lower() if fmt else detect_format(path)
    if kind in ("pacs.008", "pain.001"):
        return read_iso20022(path)
    if kind == "mt103":
        return read_mt103(path)
    return read_table(path)


def detect_format(path: Path) -> str:
    """The format of a payments file, one of `PAYMENT_FORMATS`, from its first bytes (and its suffix
    for a CSV). Raises `InputError` when it cannot be opened or told."""
    try:
        with path.open("rb") as file:
            head = file.read(_SNIFF)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (the readers decode it by its mark)
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if path.suffix.lower() == ".csv":
        return "csv"
    if text.startswith(b"<"):
        return "pain.001" if b"CstmrCdtTrfInitn" in head or b"pain.001" in head else "pacs.008"
    if _MT.search(head):
        return "mt103"
    first = text.split(b"\n", 1)[0].lower()
    if b"," in first and b"reference" in first:
        return "csv"
    raise InputError(
        f"{path}: cannot tell the payment format (not ISO 20022 XML, MT103 or a CSV with a header): "
        f"give it as one of {', '.join(PAYMENT_FORMATS)}"
    )
