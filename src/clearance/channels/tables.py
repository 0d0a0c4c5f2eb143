"""CSV files as channels read them (device inventories, catalogues, portfolios, payment tables): a physical
line at a time, never by handing the whole file to the csv module, which would take every line after a
stray quote into one value.

A line without a quote is split at its commas; a line with one is read by the csv module alone. A quote
still open at the end of a line takes the next lines into its value only when that reads as one record
of the header's width within `RECORD_LINES` lines, and no line in between would be a row of that width
on its own; otherwise the line is a reject (an unbalanced quote) and reading goes on at the next line. A
line of nothing but spaces and commas is no row. Every other line is a `Record`, which the reader turns
into one item or one reject. (The batch reads its CSV by the same rule, `faces.batch.rows`; channels sit
below the faces and cannot import it.)
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from clearance.errors import InputError

RECORD_LINES = 10  # lines one CSV record may run over, with quoted line breaks in its values
TEXT_CUT = 300  # characters of a rejected part kept in its reject


class Record(NamedTuple):
    """One CSV record after the header: where it starts, the physical lines it takes, its values (as
    many as the header has) or, when it cannot be read, None and the reason; and its text, cut."""

    line: int
    used: int
    values: list[str] | None
    problem: str
    text: str


def open_file(path: Path, *, text: bool = True) -> IO[Any]:
    """A file as text (UTF-8 with or without a byte order mark, bytes that are not UTF-8 kept as
    surrogates for the rows that hold them to be rejected) or bytes; InputError when it cannot be opened."""
    try:
        if text:
            return path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be opened ({exc.strerror or exc})") from None


def csv_header(path: Path) -> tuple[str, ...]:
    """The header of a CSV file: its first line, which must be a CSV line of UTF-8 text."""
    with open_file(path) as file:
        first = file.readline()
    if not first.replace(",", "").strip():
        raise InputError(f"{path}: empty, or no header on line 1")
    if not _utf8(first):
        raise InputError(f"{path}: the header (line 1) is not UTF-8 text")
    try:
        values = next(csv.reader((first,), strict=True))
    except csv.Error as exc:
        raise InputError(f"{path}: the header (line 1) is not a CSV line ({exc})") from None
    return tuple(value.strip() for value in values)


def csv_records(path: Path, width: int) -> Iterator[Record]:
    """The records of a CSV file after its header (line 1), in order; `width`: the header's fields."""
    with open_file(path) as file:
        more: Iterator[str] = iter(file)
        next(more, None)
        ahead: deque[str] = deque()
        number = 1  # the last line taken
        while True:
            line = ahead.popleft() if ahead else next(more, None)
            if line is None:
                return
            number += 1
            if not line.replace(",", "").strip():
                continue
            used, values, problem, text = _record(line, more, ahead, width)
            yield Record(number, used, values, problem, text.rstrip("\r\n")[:TEXT_CUT])
            number += used - 1


def _record(
    line: str, more: Iterator[str], ahead: deque[str], width: int
) -> tuple[int, list[str] | None, str, str]:
    """A record that begins at `line`: the lines it takes, its values or the reason, and its text."""
    if '"' not in line:
        return _checked(line.rstrip("\r\n").split(","), 1, line, width)
    try:
        return _checked(next(csv.reader((line,), strict=True)), 1, line, width)
    except csv.Error as exc:
        problem = str(exc)
    if "field limit" in problem:
        return 1, None, f"a field longer than the CSV limit of {csv.field_size_limit():,} characters", line
    if "end of data" not in problem:
        return 1, None, f"a stray quote (malformed CSV: {problem})", line
    while len(ahead) < RECORD_LINES - 1 and (following := next(more, None)) is not None:
        ahead.append(following)
    window = [line, *ahead]
    used = _quoted_break(window, width)
    if used is None:
        reason = (
            "an unbalanced quote: a quote opened on this line does not close on it, nor within "
            f"{RECORD_LINES} lines into one record of {width} fields without taking in rows of their own"
        )
        return 1, None, reason, line
    for _ in range(used - 1):
        ahead.popleft()
    return _checked(next(csv.reader(window[:used], strict=True)), used, "".join(window[:used]), width)


def _quoted_break(window: list[str], width: int) -> int | None:
    """The lines the record starting `window` takes when a quoted value runs over line breaks into one
    record of `width` fields and no line in between is a row of its own; None otherwise."""
    reader = csv.reader(iter(window), strict=True)
    try:
        values = next(reader)
    except (csv.Error, StopIteration):
        return None
    used = reader.line_num
    if len(values) != width or used < 2:
        return None
    return None if any(_row_alone(middle, width) for middle in window[1 : used - 1]) else used


def _row_alone(line: str, width: int) -> bool:
    try:
        values = next(csv.reader((line,), strict=True), [])
    except csv.Error:
        return False
    return len(values) == width and bool("".join(values).strip())


def _checked(values: list[str], used: int, text: str, width: int) -> tuple[int, list[str] | None, str, str]:
    if len(values) != width:
        return used, None, f"{len(values)} fields where the header has {width}", text
    if not _utf8("\x00".join(values)):
        return used, None, "bytes that are not UTF-8", text
    return used, values, "", text


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8, kept as surrogates
        return False
    return True
