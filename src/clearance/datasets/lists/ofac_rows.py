"""The rows of OFAC's legacy CSV files, and how to tell a whole file from one cut short.

OFAC ends its legacy files with a line holding only the DOS end-of-file byte 0x1A. The primary file and
its address and alias companions must end so: one without the mark was cut short (or mangled on the way)
and is never used, whatever share of its rows it still holds; so is one that ends inside a quoted field.
OFAC publishes some remarks files (`sdn_comments.csv` of 2021) without the mark: a remarks file may lack
it, but must then end with a line end outside quotes.

A row that ends inside quotes, with the mark after it, is a broken row: reported and skipped. So is one
with the wrong number of columns. The entry numbers of broken rows are kept, so that the companion rows
of those entries are not taken for a sign of a cut (see `ofac_csv`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from clearance.datasets.lists.base import Lines, ListData, Problem

_RECORD_START = re.compile(r"\s*-?\d+\s*,")
_ENT_NUM = re.compile(r"\s*(\d+)\s*,")
_MAX_CONTINUATION = 50  # lines one quoted field may span before the row is taken as broken


def records(
    path: Path, columns: int, data: ListData, *, needs_mark: bool, broken: set[str]
) -> Iterator[tuple[int, list[str]]]:
    """The rows of one CSV file with their first line number. A quoted field may span lines; a row that
    ends inside quotes is taken as broken (and reported) when the next line starts a new row. Rows with
    the wrong column count are reported and skipped; the entry number of each skipped row goes into
    `broken`. A file cut short is recorded in `data.fatal` (see the module's note)."""
    file = str(path)
    source = Lines(path)
    pending: list[str] = []
    start = 0
    last = 0

    def parse(text: str, number: int) -> list[str] | None:
        data.rows += 1
        row = next(csv.reader([text]), [])
        if len(row) != columns:
            drop(text)
            data.problems.append(Problem(file, number, f"expected {columns} columns, found {len(row)}"))
            return None
        if not row[0].strip().isdigit():
            drop(text)
            data.problems.append(Problem(file, number, f"entry number is not a number: {row[0]!r}"))
            return None
        return row

    def drop(text: str) -> None:
        data.bad_rows += 1
        found = _ENT_NUM.match(text)
        if found:
            broken.add(found.group(1))

    def broken_row(number: int, why: str) -> None:
        data.rows += 1
        drop("\n".join(pending))
        data.problems.append(Problem(file, number, why))

    for number, text, problem in source:
        last = number
        if problem is not None:
            data.problems.append(problem)
        if pending:
            if _RECORD_START.match(text) or len(pending) >= _MAX_CONTINUATION:
                broken_row(start, "row ends inside a quoted field (unbalanced quote): skipped")
                pending = []
            else:
                pending.append(text)
                joined = "\n".join(pending)
                if joined.count('"') % 2 == 0:
                    pending = []
                    row = parse(joined, start)
                    if row is not None:
                        yield start, row
                continue
        if not text.strip():
            continue
        if text.count('"') % 2:
            pending, start = [text], number
            continue
        row = parse(text, number)
        if row is not None:
            yield number, row
    if pending and source.mark:
        broken_row(start, "truncated row before the end-of-file mark (unbalanced quote): skipped")
    elif pending:
        data.fail(Problem(file, start, "cut short: the file ends inside a quoted field, with no end mark"))
    elif needs_mark and not source.mark:
        data.fail(
            Problem(file, last or None, "cut short: the file ends without OFAC's end mark (a 0x1A line)")
        )
    elif not source.mark and not source.newline:
        data.fail(Problem(file, last, "cut short: the last row has no line end"))
