"""What the payment readers share: accounts and BICs as fields, an item's details, lines decoded one at a
time, and a file opened or named in a one-line `InputError`.

Accounts: a value shaped like an IBAN (two letters, two check digits, 11 to 30 letters or digits, spaces
dropped) is an `iban` field, in schwifty's compact form when it validates and as written (compacted)
when its check fails: `channels.screen` still counts such an IBAN by its country and notes the failure
(fail closed). Anything else is an `account`: kept on the record, not screened.

BICs: a value with the BIC shape (4 letters, 2 letters, 2 letters or digits, optionally 3 more; spaces
dropped, upper case) is a `bic` field whether or not schwifty knows its country (`channels.screen` reads
its 5th and 6th letters either way). A value in a BIC's place without that shape is most likely a bank's
name written in the wrong place: it is screened as a name (`fallback`), never dropped.
"""

from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from clearance.channels.items import Field, FieldKind
from clearance.errors import InputError

EXCERPT = 300  # characters of a rejected part kept in `Reject.text`

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC_SHAPE = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_SPACES = re.compile(r"\s+")


def compact(value: str) -> str:
    """A value without its spaces, in upper case (how IBANs and BICs are compared)."""
    return _SPACES.sub("", value).upper()


def is_bic(value: str) -> bool:
    """Whether a value (spaces dropped, any case) has the shape of a BIC."""
    return _BIC_SHAPE.fullmatch(compact(value)) is not None


def account_field(role: str, value: str, path: str, line: int | None) -> Field | None:
    """An account as an `iban` field when it is shaped like one, else an `account` field; None when
    the value is empty."""
    raw = value.strip()
    if not raw:
        return None
    flat = compact(raw)
    if _IBAN_SHAPE.fullmatch(flat):
        # one whose check fails is kept as an IBAN all the same: screening counts it by its country
        with suppress(SchwiftyException):
            flat = IBAN(flat).compact
        return Field(role, FieldKind.IBAN, flat, path, line)
    return Field(role, FieldKind.ACCOUNT, raw, path, line)


def bic_field(
    role: str, value: str, path: str, line: int | None, fallback: FieldKind = FieldKind.ORGANIZATION
) -> Field | None:
    """A BIC as a `bic` field when it has the shape of one; otherwise the value screened as `fallback`
    (a name); None when it is empty."""
    raw = value.strip()
    if not raw:
        return None
    if is_bic(raw):
        return Field(role, FieldKind.BIC, compact(raw), path, line)
    return Field(role, fallback, raw, path, line)


class Details:
    """An item's details as they are gathered: a key given twice keeps both values, joined by "; "
    (details become a mapping, where a key holds one value)."""

    def __init__(self) -> None:
        self._values: dict[str, list[str]] = {}

    def add(self, key: str, value: str | None) -> None:
        text = (value or "").strip()
        if text and text not in self._values.setdefault(key, []):
            self._values[key].append(text)

    def items(self) -> tuple[tuple[str, str], ...]:
        return tuple((key, "; ".join(values)) for key, values in self._values.items() if values)


def decode(raw: bytes) -> str:
    """One line of a text file: UTF-8, or Windows-1252 when it is not UTF-8 (an export from a desktop
    tool), so that one badly encoded line changes only itself."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_lines(path: Path) -> list[str]:
    """A text file's lines (line ends kept): UTF-16 when it starts with its byte-order mark, else each
    line decoded by `decode` (a UTF-8 byte-order mark dropped). Raises `InputError` when the file
    cannot be read, or is not text (a quarter of its first bytes are NUL)."""
    data = read_bytes(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").splitlines(keepends=True)
    head = data[:4096]
    if head and head.count(0) * 4 >= len(head):
        raise InputError(f"{path}: not a text file (it is mostly NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return [decode(raw) for raw in data.splitlines(keepends=True)]


def read_bytes(path: Path) -> bytes:
    """A file's bytes; raises `InputError` when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def excerpt(text: str) -> str:
    """A rejected part's text, cut to `EXCERPT` characters."""
    text = text.strip()
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
