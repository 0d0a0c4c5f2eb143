"""A user's ownership registry: a CSV file of who owns, controls or develops whom, read row by row.

    parent,child,relation,share,source[,start,end]
    Tencent Holdings Limited,Shenzhen Harbour Games Ltd,owns,100%,Company registry extract 2021-02
    ofac-12345,Blue Lagoon Trading FZE,owns,30,Beneficial ownership filing

`relation` is one of `owns`, `controls`, `develops`, `subsidiary_of` (the child is a subsidiary of the
parent) and `linked_to`; `share` a percentage from 0 to 100 (`30` or `30%`), only for `owns`, empty
when unknown (../shared/CONVENTIONS.md, "Input"); `start` and `end` the first and last day the relation
holds (YYYY-MM-DD, empty: open). A party is named as a registry names it, or by an entity id as
`clearance screen --json` prints it, or as `new:Name` for a party the user says is no listed entity.
Which entity a name is, is decided by the matcher (`screening.registry`), not here.

A broken row (a missing party, an unknown relation, a share that is no percentage, a relation of a party
with itself, the same relation twice) is reported with its line and kept out; the same relation over
the same days with two shares keeps the larger (fail closed) and says so; a file that cannot be read,
lacks a required column or has an unknown one is `ImportFailed`. A row is one line.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from clearance.datasets.lists.base import Problem, lines
from clearance.datasets.lists.checks import ImportFailed
from clearance.domain.enums import RelationType
from clearance.domain.model import ListInfo

REQUIRED = ("parent", "child", "relation")
OPTIONAL = ("share", "source", "start", "end")
RELATIONS = frozenset(
    {
        RelationType.OWNS,
        RelationType.CONTROLS,
        RelationType.DEVELOPS,
        RelationType.SUBSIDIARY_OF,
        RelationType.LINKED_TO,
    }
)
REGISTRY_LIST = ListInfo(
    id="registry",
    title="your ownership registry (clearance graph import)",
    restricts=frozenset(),
    authority="the user",
)
_SHARE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")


@dataclass(frozen=True, slots=True)
class Row:
    """One relation as the file gives it; `line` its first line in the file (1 is the header)."""

    line: int
    parent: str
    child: str
    relation: RelationType
    share: float | None
    source: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Read:
    """A registry file read: its good rows, a `Problem` per row kept out (each counts against the
    file's allowed loss), and `notes` on rows read but worth a look (a line not in UTF-8, a relation
    given twice with different shares)."""

    rows: list[Row]
    problems: list[Problem]
    notes: list[Problem]


def read_rows(path: Path) -> Read:
    """The rows of a registry file, one row per line (a quoted field may hold commas, not a line
    break). Each line is decoded on its own (UTF-8, else cp1252, said in `notes`) and parsed on its
    own, so that one stray quote costs its own row and never the rows after it. Raises `ImportFailed`
    for a file that cannot be read, is UTF-16, has no header with `parent`, `child` and `relation`, or
    has a column this reader does not know."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") > len(head) // 8:
        raise ImportFailed(f"{path}: UTF-16 (or binary): save the registry as UTF-8 CSV")
    numbered = [(n, text, fallback) for n, text, fallback in lines(path) if text.strip()]
    if not numbered:
        raise ImportFailed(f"{path}: empty file; expected a header {','.join(REQUIRED + OPTIONAL)}")
    header = _header(path, numbered[0][1])
    out = Read([], [], [])
    seen: dict[tuple[str, str, str, date | None, date | None], int] = {}
    for number, text, fallback in numbered[1:]:
        if fallback is not None:
            out.notes.append(Problem(str(path), number, "not UTF-8: read as cp1252 (check its names)"))
        try:
            cells = next(csv.reader([text], strict=True))
            if not any(c.strip() for c in cells):
                continue
            row = _row(dict(zip(header, cells, strict=False)), number, width=(len(cells), len(header)))
        except csv.Error as exc:
            out.problems.append(Problem(str(path), number, f"not valid CSV ({exc}): row skipped"))
            continue
        except ValueError as exc:
            out.problems.append(Problem(str(path), number, str(exc)))
            continue
        key = (row.parent.casefold(), row.child.casefold(), str(row.relation), row.start, row.end)
        if key not in seen:
            seen[key] = len(out.rows)
            out.rows.append(row)
            continue
        kept = out.rows[seen[key]]
        if kept.share == row.share:
            out.problems.append(
                Problem(str(path), number, f"the same relation as line {kept.line}: row skipped")
            )
            continue
        larger, smaller = (row, kept) if (row.share or 0) > (kept.share or 0) else (kept, row)
        out.rows[seen[key]] = larger
        out.notes.append(
            Problem(
                str(path),
                smaller.line,
                f"the same relation as line {larger.line} with another share ({_said(smaller.share)} against "
                f"{_said(larger.share)}): the larger share is kept",
            )
        )
    return out


def _said(share: float | None) -> str:
    return "unknown" if share is None else f"{share:g}%"


def _header(path: Path, text: str) -> list[str]:
    try:
        header = [h.strip().lower() for h in next(csv.reader([text], strict=True))]
    except csv.Error as exc:
        raise ImportFailed(f"{path}: line 1: {exc}") from exc
    if len(header) == 1 and any(sep in text for sep in (";", "\t", "|")):
        raise ImportFailed(
            f"{path}: line 1: the columns are not separated by commas; save it as CSV with commas"
        )
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        named = f"unknown column {', '.join(unknown)}" if unknown else "a column named twice"
        what = f"missing {', '.join(missing)}" if missing else named
        raise ImportFailed(f"{path}: line 1: {what}; expected {','.join(REQUIRED + OPTIONAL)}")
    return header


def _row(cells: dict[str, str], line: int, *, width: tuple[int, int]) -> Row:
    if width[0] > width[1]:  # fewer is fine: empty optional columns at the end left out
        raise ValueError(f"{width[0]} cells where the header has {width[1]}: a comma too many shifts them")
    parent, child = (" ".join(cells.get(k, "").split()) for k in ("parent", "child"))
    if not parent or not child:
        raise ValueError("a relation needs both a parent and a child")
    if parent.casefold() == child.casefold():
        raise ValueError(f"'{parent}' cannot be related to itself")
    name = cells.get("relation", "").strip().lower()
    try:
        relation = RelationType(name)
    except ValueError:
        relation = None
    if relation not in RELATIONS or relation is None:
        raise ValueError(f"unknown relation '{name}' (one of: {', '.join(sorted(RELATIONS))})")
    share = _share(cells.get("share", ""))
    if share is not None and relation is not RelationType.OWNS:
        raise ValueError(f"a share is given only for owns, not for {relation}")
    start, end = _day(cells.get("start", ""), "start"), _day(cells.get("end", ""), "end")
    if start and end and start > end:
        raise ValueError(f"start {start} is after end {end}")
    source = " ".join(cells.get("source", "").split())
    return Row(line, parent, child, relation, share, source, start, end)


def _share(text: str) -> float | None:
    """A percentage from 0 to 100 ("30", "30%", "12.5 %"); None when empty."""
    if not text.strip():
        return None
    found = _SHARE.match(text)
    value = float(found.group(1).replace(",", ".")) if found else -1.0
    if not 0 <= value <= 100:
        raise ValueError(f"share '{text.strip()}' is not a percentage from 0 to 100")
    return value


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def _day(text: str, what: str) -> date | None:
    """YYYY-MM-DD, or an ISO datetime with its zone (its own date); nothing looser (20200101, weeks)."""
    clean = text.strip()
    if not clean:
        return None
    try:
        if _DAY.match(clean):
            return date.fromisoformat(clean)
        if _DATETIME.match(clean):
            return datetime.fromisoformat(clean.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    raise ValueError(f"{what} '{clean}' is not a date (YYYY-MM-DD, or an ISO datetime with its zone)")
