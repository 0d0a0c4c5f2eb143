"""What every list reader returns, and the pieces they share: decoding, problems, ids.

A reader turns one source (a file, or a group of files that belong together such as OFAC's four legacy
CSV files) into a `ListData`: entities with names, identifiers, details and listings, the lists they are
on, and every problem met on the way, each with its file and line. Readers never raise on a bad row:
they record a `Problem`, keep the good rows, and go on. Whether too many rows were lost is decided by
the caller (`clearance.datasets.lists.reading.read`), which knows the configured limit.
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
    rows: int = 0  # data rows (or records) seen, good and bad: the base of the loss share
    bad_rows: int = 0  # rows dropped entirely (a problem that only loses a field does not count)
    files: list[str] = field(default_factory=list)
    published: str | None = None  # the publication date or version the source states, if any


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


def lines(path: Path) -> Iterator[tuple[int, str, Problem | None]]:
    """The lines of a text file, numbered from 1, each decoded on its own so that one cp1252 line in a
    UTF-8 file is read correctly and reported; the DOS end-of-file mark ends the file."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            text, fallback = decode(raw)
            text = text.rstrip("\r\n")
            if text.strip() == EOF_MARK:
                return
            problem = Problem(str(path), number, "not UTF-8: read as cp1252") if fallback else None
            yield number, text.replace(EOF_MARK, ""), problem


def entity_id(source: str, key: str) -> str:
    """A stable entity id: the source's own id when it has one, else a short hash of what identifies it."""
    clean = key.strip()
    if clean and len(clean) <= 40 and all(ch.isalnum() or ch in "-_." for ch in clean):
        return f"{source}-{clean}"
    return f"{source}-{hashlib.sha256(clean.encode()).hexdigest()[:12]}"
