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
with itself, the same relation twice) is reported with its line and kept out; a file that cannot be
read, lacks a required column or has an unknown one is `ImportFailed`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clearance.datasets.lists.base import Problem, decode
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


def read_rows(path: Path) -> tuple[list[Row], list[Problem]]:
    """The good rows of a registry file and a `Problem` for each bad one. Raises `ImportFailed` for a
    file that cannot be read or decoded, or a header without `parent`, `child` and `relation` or with a
    column this reader does not know."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror or exc})") from exc
    text, _ = decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportFailed(f"{path}: empty file; expected a header {','.join(REQUIRED + OPTIONAL)}") from None
    except csv.Error as exc:
        raise ImportFailed(f"{path}: line 1: {exc}") from exc
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        named = f"unknown column {', '.join(unknown)}" if unknown else "a column named twice"
        what = f"missing {', '.join(missing)}" if missing else named
        raise ImportFailed(f"{path}: line 1: {what}; expected {','.join(REQUIRED + OPTIONAL)}")
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(str(path), line, f"not valid CSV ({exc}): row skipped"))
            break  # the reader cannot find the next row after a broken quote
        if not any(c.strip() for c in cells):
            continue
        try:
            row = _row(dict(zip(header, cells, strict=False)), line, width=(len(cells), len(header)))
        except ValueError as exc:
            problems.append(Problem(str(path), line, str(exc)))
            continue
        key = (row.parent.casefold(), row.child.casefold(), str(row.relation))
        if key in seen:
            problems.append(Problem(str(path), line, f"the same relation as line {seen[key]}: row skipped"))
            continue
        seen[key] = line
        rows.append(row)
    return rows, problems


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


def _day(text: str, what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} '{text.strip()}' is not a date (YYYY-MM-DD)") from None
