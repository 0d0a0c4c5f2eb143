"""Free-text documents (a remittance note, an e-mail, a contract, a news item) as items: one item per
file, its whole text one `text` field, screened for listed names and for the embargoed countries and
places it names (`channels.screen`).

A document is read as UTF-8 (a byte-order mark is dropped); one that is not UTF-8, or is larger than
the engine takes for one text (`screening.validate`), is a reject naming the file, never a clear.
`-` reads standard input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from clearance.channels.items import Channel, Field, FieldKind, Item, Reject
from clearance.errors import InputError

STDIN = Path("-")


def read_text(path: Path) -> Iterator[Item | Reject]:
    """The document at `path` (or standard input for `-`) as one item of channel `text`, or one reject
    when it is not UTF-8 or holds nothing but white space. Raises `InputError` when it cannot be read."""
    name = "<stdin>" if path == STDIN else str(path)
    try:
        data = sys.stdin.buffer.read() if path == STDIN else path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        yield Reject(name, f"not UTF-8: byte {exc.start} cannot be decoded ({exc.reason})", line=line)
        return
    if not text.strip():
        yield Reject(name, "the document holds no text", line=1)
        return
    yield Item(
        channel=Channel.TEXT,
        refs=(("document", name),),
        fields=(Field(role="document", kind=FieldKind.TEXT, value=text, path=name, line=1),),
        source=name,
        line=1,
        position="document",
        details=(("characters", str(len(text))),),
    )
