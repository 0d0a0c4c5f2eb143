"""CSV records with a header row (the CSL, the DPL text file, the UK list), and how to tell a whole file
from one cut short.

These formats have no end mark and no record count, so a file cut at a line boundary looks whole; what
can be told is a cut inside a record. A file is taken as cut short, and never used, when

- its last record ends inside a quoted field (the cut fell inside quotes), or
- it has no line end after its last record, and that record has fewer or more cells than the header, or
  does not end with the closing quote of its last cell (the DPL, whose every cell is quoted, ends so).

A record with the wrong number of cells elsewhere is a broken row: reported, skipped, and counted in the
loss share. A quote left open in the middle of a file joins the lines after it into one record until
the next quote: those lines are rows never reached, and each counts as a lost row. Such a record is
known by its cell count, or, when the count happens to come out right, by lines inside it that hold a
whole row's delimiters (a cell spanning lines, such as an address, does not).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from clearance.datasets.lists.base import Lines, ListData, Problem


def ends_inside_quotes(text: str, delimiter: str = ",") -> bool:
    """Whether CSV text ends inside a quoted field, read the way Python's csv module reads it (a quote
    opens a field only at its start; a doubled quote inside one is a quote)."""
    start, unquoted, quoted, closing = 0, 1, 2, 3
    state = start
    for ch in text:
        if state == quoted:
            state = closing if ch == '"' else quoted
        elif state in (closing, start):
            state = quoted if ch == '"' else start if ch in (delimiter, "\n") else unquoted
        elif ch in (delimiter, "\n"):
            state = start
    return state == quoted


def csv_records(
    path: Path, data: ListData, *, delimiter: str = ",", skip: int = 0
) -> Iterator[tuple[int, dict[str, str]]]:
    """The good records of a CSV file with a header row, as (first line number, {column: value}).

    Each line is decoded on its own (a cp1252 line in a UTF-8 file is read and reported); a quoted value
    may span lines. `skip` lines come before the header. A record with more or fewer cells than the
    header is reported and counted in `data.rows` and `data.bad_rows` (one per line it spans); the
    caller counts the records it is given. A file cut short is recorded in `data.fatal`."""
    file = str(path)
    source = Lines(path)
    held: list[str] = []  # the lines of the record being read

    def feed() -> Iterator[str]:
        for _, line, problem in source:
            if problem:
                data.problems.append(problem)
            held.append(line)
            yield line + "\n"

    stream = feed()
    for _ in range(skip):
        next(stream, None)
    held.clear()
    reader = csv.reader(stream, delimiter=delimiter)
    header: list[str] | None = None
    last = skip
    tail: tuple[int, list[str], list[str]] | None = None  # the last record: line, cells, its lines
    for cells in reader:
        start = last + 1
        last = skip + reader.line_num
        record, held[:] = held[:], []
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        tail = (start, cells, record)
        swallowed = any(line.count(delimiter) >= len(header) - 1 for line in record[1:])
        if len(cells) != len(header) or swallowed:
            span = len(record)
            data.rows += span
            data.bad_rows += span
            counts = f"{len(cells)} cells where the header has {len(header)}"
            why = f"{counts}: skipped"
            if span > 1:
                why = (
                    f"a quote left open joins lines {start}-{start + span - 1} into one record ({counts}): "
                    f"skipped, {span} rows lost"
                )
            data.problems.append(Problem(file, start, why))
            continue
        yield start, dict(zip(header, cells, strict=True))
    if tail is not None and header is not None:
        _check_end(file, data, source, tail, len(header), delimiter)


def _check_end(
    file: str, data: ListData, source: Lines, tail: tuple[int, list[str], list[str]], width: int, delim: str
) -> None:
    line, cells, record = tail
    text = "\n".join(record)
    if ends_inside_quotes(text, delim):
        data.fail(Problem(file, line, "cut short: the file ends inside a quoted field"))
    elif not source.newline and (len(cells) != width or not text.rstrip().endswith('"')):
        data.fail(
            Problem(
                file,
                line,
                f"cut short: the last row has no line end ({len(cells)} of {width} cells, the last one "
                "not closed by a quote)",
            )
        )
