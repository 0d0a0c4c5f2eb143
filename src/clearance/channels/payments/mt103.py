"""SWIFT MT103 messages as items: one item per message, in FIN form (`{1:...}{2:...}{3:{121:...}}{4:` the
fields `-}{5:...}`) or as exports that hold only the fields of block 4, messages separated by a line `-}`
or `$` (a new `:20:` starts a new message as well). Messages are also separated by `$` (the RJE form).

Each message's fields are read by `mt103_fields` (what each field of block 4 gives, and what is never
screened). Besides them: the BICs of the sender and the receiver (roles sender and receiver, from the
logical terminal addresses of blocks 1 and 2: block 1 is the sender of an input message and the
receiver of an output one); field 20 is the item's first reference, then 121 (UETR) and 108 (MUR) of
block 3; 32A's date (YYMMDD, read as 20YY) is the item's date.

Rejects, each naming its message and line (the next message is read all the same): a block whose braces
do not balance, a block 4 without its end (`-}`), text outside the blocks or before the first field, a
message type other than 103, a control character (a NUL, an escape), a missing mandatory field (20,
23B, 32A, 50a, 59a, 71A: the fields MT103 makes mandatory), a 32A that is not a date (YYMMDD), a
currency and an amount.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from clearance.channels.items import Channel, Field, FieldKind, Item, Reject
from clearance.channels.payments.common import Details, excerpt, read_lines
from clearance.channels.payments.mt103_fields import Lines, amount, field

LineOf = Callable[[int], int]  # a file offset's line

_CUT = re.compile(r"\{1:|^[ \t]*\$[ \t]*\r?$|\$(?=\s*\{1:)", re.M)
_BLOCK = re.compile(r"\{([0-9A-Za-z]{1,3}):")
_TAG = re.compile(r":(\d{2}[A-Za-z]?):(.*)")
_TAG20 = re.compile(r"\s*:20:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_32A = re.compile(r"(\d{2})(\d{2})(\d{2})([A-Z]{3})(\d[\d,]*)")
_MANDATORY = {"20": ("20",), "23B": ("23B",), "32A": ("32A",), "50a": ("50A", "50F", "50K")}
_MANDATORY |= {"59a": ("59", "59A", "59F"), "71A": ("71A",)}


class MessageError(ValueError):
    """Why a message cannot be read, and the file's line where it shows."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.line = line


def read_mt103(path: Path) -> Iterator[Item | Reject]:
    """The MT103 messages in a text file, as items and rejects in file order. Raises `InputError` when
    the file cannot be read or is not text."""
    lines = read_lines(path)
    return _read("".join(lines), str(path))


def _read(text: str, source: str) -> Iterator[Item | Reject]:
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_of(offset: int) -> int:
        return bisect_right(starts, offset)

    for number, (begin, piece) in enumerate(_messages(text), start=1):
        try:
            yield _message(piece, begin, number, source, line_of)
        except MessageError as exc:
            yield Reject(source, str(exc), exc.line, f"message {number}", excerpt(piece))


def _messages(text: str) -> Iterator[tuple[int, str]]:
    """Each message's text and its offset: pieces cut at each `{1:` and each `$`, and pieces of bare
    block 4 text cut after each line `-}` and before each second `:20:`."""
    bounds: list[tuple[int, int]] = []  # (end of a piece, start of the next)
    for m in _CUT.finditer(text):
        bounds.append((m.start(), m.start() if m.group(0) == "{1:" else m.end()))
    begin = 0
    for end, following in [*bounds, (len(text), len(text))]:
        piece = text[begin:end]
        if piece.strip():
            yield from [(begin, piece)] if piece.lstrip().startswith("{") else _bare(piece, begin)
        begin = following


def _bare(piece: str, begin: int) -> Iterator[tuple[int, str]]:
    start, offset, has20 = 0, 0, False
    for line in piece.splitlines(keepends=True):
        if _TAG20.match(line):
            if has20 and piece[start:offset].strip():
                yield begin + start, piece[start:offset]
                start = offset
            has20 = True
        offset += len(line)
        if line.strip() in ("-}", "-"):
            if piece[start:offset].strip():
                yield begin + start, piece[start:offset]
            start, has20 = offset, False
    if piece[start:].strip():
        yield begin + start, piece[start:]


def _message(piece: str, begin: int, number: int, source: str, line_of: LineOf) -> Item:
    control = _CONTROL.search(piece)
    if control is not None:
        reason = f"a control character ({ord(control.group(0)):#04x}) where the message allows none"
        raise MessageError(reason, line_of(begin + control.start()))
    fin = piece.lstrip().startswith("{")
    blocks = _blocks(piece, begin, line_of) if fin else {"4": (_strip_end(piece), begin)}
    start = line_of(begin + len(piece) - len(piece.lstrip()))
    if not fin and ("{" in blocks["4"][0] or "}" in blocks["4"][0]):
        raise MessageError("a brace in the fields of a message without blocks: a block is broken", start)
    fields: list[Field] = []
    details = Details()
    details.add("message_type", "MT103")
    refs: list[tuple[str, str]] = []
    if "2" in blocks:
        fields += _header(blocks, line_of)
    if "4" not in blocks:
        raise MessageError("no block 4 (the message's fields)", start)
    tags = _fields(*blocks["4"], line_of)
    missing = [name for name, options in _MANDATORY.items() if not any(t in tags for t in options)]
    if missing or not tags["20"][0][0][0].strip():
        raise MessageError(f"missing mandatory field(s) {', '.join(missing or ['20'])}", start)
    refs.append(("20", tags["20"][0][0][0].strip()))
    sub = dict(re.findall(r"\{(\d{3}):([^{}]*)\}", blocks.get("3", ("", 0))[0]))
    refs += [(k, sub[n].strip()) for n, k in (("121", "UETR"), ("108", "MUR")) if sub.get(n, "").strip()]
    details.add("validation_flag", sub.get("119"))
    as_of = _value_date(tags["32A"][0], details)
    for tag, occurrences in tags.items():
        for lines in occurrences:
            fields += field(tag, lines, details)
    return Item(
        channel=Channel.PAYMENT,
        refs=tuple(refs),
        fields=tuple(fields),
        source=source,
        line=start,
        position=f"message {number}",
        as_of=as_of,
        details=details.items(),
    )


def _strip_end(piece: str) -> str:
    """Bare block 4 text without its closing line (`-}` or `-`)."""
    body = piece.rstrip()
    for end in ("-}", "-"):
        if body.endswith("\n" + end) or body == end:
            return body[: len(body) - len(end)]
    return piece


def _blocks(piece: str, begin: int, line_of: LineOf) -> dict[str, tuple[str, int]]:
    """A FIN message's blocks by their ids: each one's content and the file offset it starts at."""
    out: dict[str, tuple[str, int]] = {}
    i, n = 0, len(piece)
    while i < n:
        if piece[i].isspace():
            i += 1
            continue
        m = _BLOCK.match(piece, i)
        if m is None:
            raise MessageError(f"text outside the blocks: {excerpt(piece[i : i + 40])!r}", line_of(begin + i))
        bid = m.group(1)
        if bid in out:
            reason = f"block {bid} is given twice (a message without its own block 1?)"
            raise MessageError(reason, line_of(begin + i))
        if bid == "4":
            end = piece.find("\n-}", m.end())
            if end < 0:
                raise MessageError("block 4 has no end (no line '-}' closes it)", line_of(begin + i))
            content = piece[m.end() : end + 1]
            if "{" in content or "}" in content:
                raise MessageError("block 4 holds a brace: a block inside it is broken", line_of(begin + i))
            out[bid] = (content, begin + m.end())
            i = end + 3
            continue
        depth, j = 0, i
        while j < n:
            depth += {"{": 1, "}": -1}.get(piece[j], 0)
            if depth == 0:
                break
            j += 1
        if depth:
            raise MessageError(f"block {bid} is not closed (its braces do not balance)", line_of(begin + i))
        out[bid] = (piece[m.end() : j], begin + m.end())
        i = j + 1
    return out


def _header(blocks: dict[str, tuple[str, int]], line_of: LineOf) -> list[Field]:
    """The sender's and receiver's BICs (blocks 1 and 2); raises for a message type other than 103."""
    text2, at2 = blocks["2"]
    m = re.match(r"\s*([IO])(\d{3})", text2)
    if m is None or m.group(2) != "103":
        kind = f"an MT{m.group(2)}" if m else f"block 2 '{excerpt(text2[:20])}'"
        raise MessageError(f"{kind}, not an MT103", line_of(at2))
    text1, at1 = blocks.get("1", ("", 0))
    own = re.match(r"\s*[A-Z]\d{2}([A-Z0-9]{12})", text1)
    if m.group(1) == "I":  # sent: block 1 is the sender, block 2 the receiver
        other = re.match(r"\s*I\d{3}([A-Z0-9]{12})", text2)
        sender, receiver = (own, at1, "{1:}"), (other, at2, "{2:}")
    else:  # received: block 1 is the receiver, the sender is in block 2's message input reference
        other = re.match(r"\s*O\d{3}\d{4}\d{6}([A-Z0-9]{12})", text2)
        sender, receiver = (other, at2, "{2:}"), (own, at1, "{1:}")
    out = []
    for (found, at, path), role in ((sender, "sender"), (receiver, "receiver")):
        if found is not None:
            address = found.group(1)  # a logical terminal: BIC8, a terminal letter, a branch
            bic = address[:8] + ("" if address[9:] == "XXX" else address[9:])
            out.append(Field(role, FieldKind.BIC, bic, path, line_of(at)))
    return out


def _fields(content: str, at: int, line_of: LineOf) -> dict[str, list[Lines]]:
    """Block 4's fields by tag (upper case), each occurrence its lines with their file lines."""
    out: dict[str, list[Lines]] = {}
    current: Lines | None = None
    offset = at
    for raw in content.splitlines(keepends=True):
        line, number = raw.rstrip("\r\n"), line_of(offset)
        offset += len(raw)
        m = _TAG.match(line)
        if m:
            current = [(m.group(2), number)]
            out.setdefault(m.group(1).upper(), []).append(current)
        elif current is not None:
            current.append((line, number))
        elif line.strip():
            raise MessageError(f"text before the first field: {excerpt(line)!r}", number)
    return out


def _value_date(lines: Lines, details: Details) -> date:
    value, number = lines[0][0].strip(), lines[0][1]
    m = _32A.fullmatch(value)
    if m is None:
        raise MessageError(f"32A '{excerpt(value)}' is not a date, a currency and an amount", number)
    try:
        day = date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise MessageError(f"32A date '{value[:6]}' is not a date (YYMMDD)", number) from None
    details.add("currency", m.group(4))
    details.add("amount", amount(m.group(5)))
    return day
