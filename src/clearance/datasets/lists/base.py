"""What every list reader returns, and the pieces they share: decoding, problems, ids.

A reader turns one source (a file, or a group of files that belong together such as OFAC's four legacy
CSV files) into a `ListData`: entities with names, identifiers, details and listings, the lists they are
on, and every problem met on the way, each with its file and line. Readers never raise on a bad row:
they record a `Problem`, keep the good rows, and go on. Whether too many rows were lost is decided by
the caller (`clearance.datasets.lists.reading.read`), which knows the configured limit.

Some problems are about the file as a whole, not a row: it ended early (no end mark, cut inside a quoted
field or a record, XML without its closing root element), it is not what it declares (fewer records than
it states, companion rows of entries the main file lacks), or it cannot be parsed. A list cut short
still has good rows, so the loss share would let it through; readers put such problems in
`ListData.fatal` as well, and a file with one is never used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from clearance.domain.model import Entity, ListInfo

EOF_MARK = "\x1a"  # the old DOS end-of-file byte that ends OFAC's legacy CSV files


@dataclass(frozen=True, slots=True)
class Problem:
    """A row or part of a file that could not be read as it should, and why."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass
class ListData:
    """What a reader made of one source."""

    source: str  # a stable id for the source: ofac-sdn, ofac-consolidated, csl, bis-dpl, un-sc, eu-fsf, ...
    format: str  # ofac-csv, ofac-xml, csl-csv, csl-json, dpl-txt, un-xml, eu-xml, uk-csv, ftm-json
    lists: dict[str, ListInfo] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fatal: list[Problem] = field(default_factory=list)  # the file is cut short or damaged: never use it
    rows: int = 0  # data rows (or records) seen, good and bad: the base of the loss share
    bad_rows: int = 0  # rows dropped entirely (a problem that only loses a field does not count)
    files: list[str] = field(default_factory=list)
    published: str | None = None  # the publication date or version the source states, if any

    def fail(self, problem: Problem) -> None:
        """A problem that makes the whole file unusable (it is also listed with the others)."""
        self.problems.append(problem)
        self.fatal.append(problem)


class Reader(Protocol):
    """One format. `sniff` decides from the first bytes (and the name, as a hint only)."""

    format: str

    def sniff(self, path: Path, head: bytes) -> bool: ...

    def companions(self, path: Path) -> list[Path]:
        """Files read together with this one (OFAC's add.csv, alt.csv ... beside sdn.csv)."""
        ...

    def read(self, paths: Sequence[Path]) -> ListData: ...


def strip_bom(raw: bytes) -> bytes:
    """The bytes without a leading UTF-8 byte order mark."""
    return raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw


def first_line(head: bytes) -> str:
    """The first line of a file's head, decoded (for sniffing a header row)."""
    return strip_bom(head).split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")


def decode(raw: bytes) -> tuple[str, bool]:
    """UTF-8 when it is; otherwise cp1252 (OFAC has published such bytes in files called UTF-8).

    Returns the text and whether the fallback was needed."""
    raw = strip_bom(raw)
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), True


class Lines:
    """The lines of a text file as (number from 1, text, problem or None), each decoded on its own so that
    one cp1252 line in a UTF-8 file is read correctly and reported. The DOS end-of-file byte is taken out.

    After the lines are read, `mark` says whether the file ended with that byte (on a line of its own, or
    right after the last row), and `newline` whether its last line had a line end: what a reader needs to
    tell a whole file from one cut short. A mark with more rows after it is no end: they are read too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mark = False
        self.newline = True  # an empty file has no unfinished line

    def __iter__(self) -> Iterator[tuple[int, str, Problem | None]]:
        with self.path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                self.newline = raw.endswith(b"\n")
                text, fallback = decode(raw)
                text = text.rstrip("\r\n")
                problem = Problem(str(self.path), number, "not UTF-8: read as cp1252") if fallback else None
                marked = text.rstrip().endswith(EOF_MARK)
                if marked:
                    self.mark = True
                elif text.strip():
                    self.mark = False
                text = text.replace(EOF_MARK, "")
                if not marked or text.strip():  # the mark's own line is no row
                    yield number, text, problem


def lines(path: Path) -> Iterator[tuple[int, str, Problem | None]]:
    """The lines of a text file (see `Lines`)."""
    return iter(Lines(path))


def entity_id(source: str, key: str) -> str:
    """A stable entity id: the source's own id when it has one, else a short hash of what identifies it."""
    clean = key.strip()
    if clean and len(clean) <= 40 and all(ch.isalnum() or ch in "-_." for ch in clean):
        return f"{source}-{clean}"
    return f"{source}-{hashlib.sha256(clean.encode()).hexdigest()[:12]}"
