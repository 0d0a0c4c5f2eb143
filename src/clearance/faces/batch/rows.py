"""Reading a batch's input: its rows as read (`Raw`), checked and decoded (`Row`), in chunks.

A CSV row is its values, a JSON line its bytes, a Parquet row its record; `parse_row` decodes one into
its fields or says why it cannot. Screening processes read the input themselves (see `workers`).

CSV is read a physical line at a time (a line ends at a line feed, a carriage return or both, as the
csv module splits them), never by handing the file to the csv module, which joins every line after an
unbalanced quote into one field until a quote closes it. A line with no quote is split at its commas; a
line with quotes is parsed by the csv module on its own. A quote still open at the end of a line takes
the next lines into its value only when that is plainly a quoted line break (`_continued`); otherwise
the line is a reject with its reason and reading goes on at the next line, so that a stray quote costs
at most its own row. A field over the csv module's limit (`FIELD_LIMIT`) is a reject too."""

from __future__ import annotations

import csv
import json
import re
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from clearance.errors import InputError
from clearance.faces.batch.job import FORMATS, BatchJob

Row = tuple[int, dict[str, Any] | None, str | None]  # line, fields (None when unreadable), problem
# A row as read, before it is checked and decoded: its line and its CSV values, JSON text or Parquet
# record. Reading only splits the input into these; screening decodes them (`parse_row`).
Raw = tuple[int, Any]

FIELD_LIMIT = 131_072  # characters in one CSV field: the csv module's default (followthemoney raises it)
RECORD_LINES = 10  # lines one CSV record may run over, with quoted line breaks in its values
STRAY_QUOTES = 12  # quotes in a line beyond which it is not tried as a row with stray quotes

# One CSV record as a careful writer makes it: each field either bare (no quote, comma or line break)
# or quoted from its first character to a quote followed by a comma or the end of the line, with any
# quote inside doubled. A quote anywhere else (after a closing quote, inside a bare field) is not.
_FIELD = r'(?:"(?:[^"]++|"")*+"|[^",\r\n]*+)'
_RECORD = re.compile(rf"{_FIELD}(?:,{_FIELD})*+(?:\r\n|\r|\n|\Z)")
# What the blank test (`"".join(values).strip()`) may find at the start of a blank line
# (every character `str.isspace` knows lies below U+3001)
_BLANK_START = frozenset("," + "".join(c for c in map(chr, range(0x3001)) if c.isspace()))


class Broken(list[str]):
    """A CSV row that cannot be read into values (no values, and the reason)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class Shape:
    """What a CSV row holds: `width` fields, with a name in field `name` (when the name column is known;
    any value otherwise). Telling a quoted line break from a stray quote counts the rows each reading
    gives: a line holding no name is no row to screen."""

    def __init__(self, width: int, name: int | None) -> None:
        self.width, self.name = width, name

    def fits(self, values: Sequence[str]) -> bool:
        if len(values) != self.width:
            return False
        return bool(values[self.name].strip() if self.name is not None else "".join(values).strip())


class Source:
    """An input file's rows, as read: `header` (CSV), then `raws`. `name_col`: the column a row must
    fill (CSV: it helps tell a quoted line break from a stray quote)."""

    def __init__(self, path: Path, fmt: str, *, name_col: str | None = None) -> None:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if fmt not in FORMATS:
            raise InputError(f"unknown input format '{fmt}': use one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.header: tuple[str, ...] = ()
        self.has_header = fmt != "csv"  # a CSV file that is empty has none
        if fmt == "csv":
            csv.field_size_limit(FIELD_LIMIT)  # the limit rows are rejected at, whatever an import set
            self._file: IO[str] = path.open("r", encoding="utf-8", errors="surrogateescape", newline="")
            self._lines = _Lines(self._file)
            first = self._lines.take()
            if first is not None:
                self.has_header = True
                values, used = _values(first, self._lines, None)
                if isinstance(values, Broken):
                    self._file.close()
                    raise InputError(f"{path}: the header (line 1) is not a CSV line: {values.reason}")
                self._lines.line += used - 1
                if values:
                    self.header = (values[0].lstrip("\ufeff"), *values[1:])
        name = self.header.index(name_col) if name_col in self.header else None
        self.shape = Shape(len(self.header), name)
        self.raws: Iterator[Raw] = {"csv": self._csv, "jsonl": self._jsonl, "parquet": self._parquet}[fmt](
            path
        )

    def close(self) -> None:
        """Close the input before its rows are read (they are read to the end otherwise)."""
        if self.fmt == "csv":
            self._file.close()

    def _csv(self, path: Path) -> Iterator[Raw]:
        lines = self._lines
        ahead, more, shape = lines.ahead, lines.more, self.shape
        number = lines.line  # the last line taken
        with self._file:
            while True:
                line = ahead.popleft() if ahead else next(more, None)
                if line is None:
                    return
                number += 1
                start = number
                values: list[str]
                if '"' not in line:  # most lines: split at the commas, as the csv module would
                    values = line.rstrip("\r\n").split(",")
                    if len(line) > FIELD_LIMIT and max(map(len, values)) > FIELD_LIMIT:
                        values = Broken(_TOO_LONG)
                    elif line[0] in _BLANK_START and not "".join(values).strip():
                        continue  # blank lines are not rows
                else:
                    values, used = _values(line, lines, shape)
                    number += used - 1
                    if not isinstance(values, Broken) and not "".join(values).strip():
                        continue
                yield start, values

    def _jsonl(self, path: Path) -> Iterator[Raw]:
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                if raw.strip():
                    yield number, raw

    def _parquet(self, path: Path) -> Iterator[Raw]:
        pq = pyarrow_parquet()
        number = 0
        for file in parquet_files(path):
            for batch in pq.ParquetFile(file).iter_batches(batch_size=10_000):
                for record in batch.to_pylist():
                    number += 1
                    yield number, record


class _Lines:
    """A text file's physical lines (`more`), with the lines read ahead of the one being parsed (`ahead`,
    taken first) and the number of the last line taken (`line`)."""

    def __init__(self, file: IO[str]) -> None:
        self.more: Iterator[str] = iter(file)
        self.ahead: deque[str] = deque()
        self.line = 0

    def take(self) -> str | None:
        self.line += 1
        return self.ahead.popleft() if self.ahead else next(self.more, None)

    def peek(self, count: int) -> list[str]:
        """The next `count` lines (fewer at the end of the file), left to be taken."""
        while len(self.ahead) < count:
            line = next(self.more, None)
            if line is None:
                break
            self.ahead.append(line)
        return list(self.ahead)[:count]

    def skip(self, count: int) -> None:
        for _ in range(count):
            self.ahead.popleft()


_TOO_LONG = f"a field over {FIELD_LIMIT:,} characters (the CSV limit; JSON lines or Parquet take more)"


def _values(line: str, lines: _Lines, shape: Shape | None) -> tuple[list[str], int]:
    """A CSV line that holds a quote, as values, with the number of lines its record takes: one, or more
    when a quoted value runs over the next lines (`_continued`); `Broken` when it cannot be read. `shape`:
    what a row holds (None for the header)."""
    try:
        return next(csv.reader((line,), strict=True)), 1
    except csv.Error as exc:
        problem = str(exc)
    if "field limit" in problem:
        return Broken(_TOO_LONG), 1
    if "end of data" not in problem:  # a quote where none may be, on this line alone
        return Broken(f"a stray quote (malformed CSV: {problem})"), 1
    window = [line, *lines.peek(2 * RECORD_LINES)]
    record = _continued(window, shape)
    if record is None:
        return Broken(
            f"an unbalanced quote: a quote opened on this line does not close on it (nor within "
            f"{RECORD_LINES} lines without taking in rows of their own)"
        ), 1
    values, used = record
    lines.skip(used - 1)
    return values, used


def _record(window: Sequence[str], shape: Shape | None) -> tuple[list[str], int] | None:
    """The record that begins the first line of `window`, with the lines it takes (at most
    `RECORD_LINES`), when it is written carefully (`_RECORD`), ends at the end of a line and has the
    fields of `shape` (any number when None), or is `Broken` by a field over the limit; None otherwise."""
    window = window[:RECORD_LINES]
    text = "".join(window)
    match = _RECORD.match(text)
    if match is None:
        return None
    end, used = 0, 0
    while end < match.end():
        end += len(window[used])
        used += 1
    if end != match.end():
        return None  # ended inside a line
    try:
        values = next(csv.reader(window[:used], strict=True))
    except csv.Error:  # a field over the limit: the record's reject
        return Broken(_TOO_LONG), used
    return (values, used) if shape is None or len(values) == shape.width else None


def _continued(window: Sequence[str], shape: Shape | None) -> tuple[list[str], int] | None:
    """The record that begins the first line of `window` and whose quoted value runs over the next lines,
    when that is plainly a quoted line break: it closes within `RECORD_LINES` lines into a carefully
    written record of the fields of `shape`, and reading it so loses no row.

    A first line that could be a row with stray quotes (`_stray_row`) may be either; the two readings,
    the value running over the next lines or the line a reject and the next ones read on their own, are
    then both followed over the lines read ahead, to the first line where both begin a record, and the
    quoted line break is taken only when it gives more rows there (or as many, with fewer rejects). A
    stray quote closed by another on a later line, or by the opening quote of a row with a quoted line
    break, so costs its own row and no other."""
    record = _record(window, shape)
    if record is None or shape is None or isinstance(record[0], Broken) or not _stray_row(window[0], shape):
        return record
    taken, apart = (record[1], (1, 0)), (1, (0, -1))  # where each reading is, and what it counted
    while taken[0] != apart[0]:  # read on with the reading behind, until both begin a record at one line
        if taken[0] < apart[0]:
            taken = _step(window, shape, *taken)
        else:
            apart = _step(window, shape, *apart)
    return record if taken[1] > apart[1] else None


def _step(
    window: Sequence[str], shape: Shape, at: int, counts: tuple[int, int]
) -> tuple[int, tuple[int, int]]:
    """The record that begins line `at` of `window` read whole (a quoted line break taken whenever it
    closes carefully): where the next begins, and `counts` of rows (records that fit `shape`, and lines that
    are such rows with stray quotes) and rejects (negative) with it counted."""
    rows, rejects = counts
    values: list[str] | None
    try:
        values, used = next(csv.reader(window[at : at + 1], strict=True), []), 1
    except csv.Error:  # a quoted line break, or a line with a stray quote
        values, used = _record(window[at:], None) or (None, 1)
    if values is None or isinstance(values, Broken):
        row = _stray_row(window[at], shape)
    elif "".join(values).strip():
        row = shape.fits(values)
    else:  # blank lines are not rows
        return at + used, counts
    return at + used, (rows + 1, rejects) if row else (rows, rejects - 1)


def _stray_row(line: str, shape: Shape, *, strays: int = 2) -> bool:
    """Whether a line without one or two of its quotes (`strays` at most) is a row that fits `shape` on
    its own line, as a row with stray quotes inserted would be. (A line of more than `STRAY_QUOTES`
    quotes is not tried: the tries grow as their square.)"""
    quotes = [at for at, char in enumerate(line) if char == '"']
    if not quotes or len(quotes) > STRAY_QUOTES:
        return False
    for at in quotes:
        rest = line[:at] + line[at + 1 :]
        try:
            if shape.fits(next(csv.reader((rest,), strict=True), [])):
                return True
        except csv.Error:
            pass
        if strays > 1 and _stray_row(rest, shape, strays=strays - 1):
            return True
    return False


def parse_row(fmt: str, header: Sequence[str], raw: Raw) -> Row:
    """A row as read, checked and decoded into its fields, or the reason it cannot be."""
    number, value = raw
    if fmt == "csv":
        if isinstance(value, Broken):
            return number, None, value.reason
        if len(value) != len(header):
            return number, None, f"{len(value)} fields where the header has {len(header)}"
        try:
            "\x00".join(value).encode("utf-8")  # undecodable bytes were kept as surrogates
        except UnicodeEncodeError:
            return number, None, "bytes that are not UTF-8"
        return number, dict(zip(header, value, strict=True)), None
    if fmt == "jsonl":
        try:
            doc = json.loads(value.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return number, None, f"not a JSON line ({exc.__class__.__name__})"
        if not isinstance(doc, dict):
            return number, None, "a JSON line must be an object"
        return number, doc, None
    return number, value, None


def read_rows(path: Path, fmt: str, *, name_col: str | None = None) -> Iterator[Row]:
    """Every data row with its line (CSV, JSON lines) or row number (Parquet); bad rows with the reason.
    `name_col`: the column a row must fill (see `Source`)."""
    source = Source(path, fmt, name_col=name_col)
    for raw in source.raws:
        yield parse_row(fmt, source.header, raw)


def source_after(job: BatchJob, done: int) -> Source:
    """The job's input, its first `done` rows (written by an earlier run) skipped."""
    source = Source(job.input, job.input_format(), name_col=job.name_col)
    for _ in range(done):
        next(source.raws, None)
    return source


def in_chunks(raws: Iterator[Raw], size: int) -> Iterator[list[Raw]]:
    """Rows in lists of `size` (the last one shorter)."""
    chunk: list[Raw] = []
    for raw in raws:
        chunk.append(raw)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def parquet_files(path: Path) -> list[Path]:
    """A Parquet input's files: the file itself, or a folder's parts in order."""
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def pyarrow_parquet() -> Any:
    """`pyarrow.parquet`, or an input error saying how to install it."""
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - the dev install has it
        raise InputError("Parquet needs pyarrow: pip install 'clearance[parquet]'") from None
    return pq
