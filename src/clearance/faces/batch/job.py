"""A batch job (what to screen and how), the summary of a run, and the formats and columns of its files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import KW_ONLY, asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clearance.domain.enums import Activity, Decision, QueryKind, parse
from clearance.errors import ClearanceError, InputError
from clearance.matching.config import DEFAULT_CONFIG, ScorerConfig
from clearance.screening.validate import parse_as_of

FORMATS = ("csv", "jsonl", "parquet")
OUTPUT_COLUMNS = (
    "row_id", "line", "name", "kind", "as_of", "activity", "decision", "hits", "best_entity_id",
    "best_name", "best_matched_name", "best_lists", "score", "measures", "evidence", "data_versions",
)  # fmt: skip
# the columns of secondary evidence about a row's party, read when the input has them (or named with
# --birth-date-col, --country-col, --identifier-col): a date of birth, countries and identifiers (several
# separated by ';'), see `screening.evidence`
EVIDENCE_COLUMNS = ("birth_date", "country", "identifier")
REJECT_COLUMNS = ("line", "row_id", "reason", "row")


@dataclass
class BatchJob:
    """What to screen and how. Column names refer to the input's header (CSV, Parquet) or keys (JSON).
    Everything after `input` and `output` is given by keyword."""

    input: Path
    output: Path
    _: KW_ONLY
    name_col: str = "name"
    kind_col: str | None = None
    date_col: str | None = None
    id_col: str | None = None
    activity_col: str | None = None
    birth_date_col: str | None = None  # None: "birth_date" when the input has it
    country_col: str | None = None  # None: "country" when the input has it
    identifier_col: str | None = None  # None: "identifier" when the input has it
    kind: str = "party"
    as_of: date | datetime | str | None = None
    activity: str = "any"
    fmt: str | None = None
    output_fmt: str | None = None
    rejects: Path | None = None
    workers: int = 1
    chunk_size: int = 2000
    resume: bool = False
    lists: Sequence[Path] = ()
    home: Path | None = None
    lists_as_of: date | None = None
    config: ScorerConfig = DEFAULT_CONFIG

    def check(self) -> None:
        """Raise `InputError` for a default kind, activity or date that no row could be screened with
        (rows with their own columns are checked row by row), or formats that cannot be told."""
        parse(QueryKind, self.kind, "kind")
        parse(Activity, self.activity, "activity")
        if self.as_of not in (None, ""):
            parse_as_of(self.as_of)
        for fmt in (self.input_format(), self.output_format()):
            if fmt not in FORMATS:
                raise InputError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")

    def check_files(self, *, spark: bool = False) -> None:
        """Raise `InputError` when the files cannot be used: no input; a file the batch writes (the
        decisions, the rejects, the progress record) that is the input, by path or by inode, or another
        of them; a folder to write into that does not exist; a folder where a file is written, or a file
        where the Parquet folder is. On `spark`, the output is a folder of parts that Spark replaces."""
        if not self.input.exists():
            raise InputError(f"{self.input}: no such file or folder")
        parquet = spark or self.output_format() == "parquet"
        writes = {"output": self.output}
        if not spark:
            writes |= {"rejects file": self.rejects_path(), "progress record": self.progress_path()}
        seen: dict[str, Path] = {}
        for what, path in writes.items():
            if _same(path, self.input) or (path is self.output and parquet and _inside(self.input, path)):
                raise InputError(f"{path}: the {what} would overwrite the input; write it elsewhere")
            for other, before in seen.items():
                if _same(path, before):
                    raise InputError(f"{path}: the {what} and the {other} would be the same file")
            seen[what] = path
            if not path.parent.is_dir():
                raise InputError(f"{path}: the folder {path.parent} does not exist (create it first)")
            if path is self.output and parquet:
                if path.exists() and not path.is_dir() and not spark:
                    raise InputError(f"{path}: is a file; Parquet output is a folder of parts")
            elif path.is_dir():
                raise InputError(f"{path}: is a folder; the {what} is a file (give its name)")

    def default_as_of(self) -> str:
        """The date of rows without a date of their own, as text: `as_of`, or today (UTC) when none is
        given. A run fixes it when it starts, so that a run over midnight, or resumed, decides alike."""
        value = parse_as_of(None) if self.as_of in (None, "") else self.as_of
        return value.isoformat() if isinstance(value, date) else str(value).strip()

    def evidence_cols(self) -> tuple[tuple[str, bool], ...]:
        """The columns of secondary evidence (date of birth, countries, identifiers), each with whether
        it was named (a column named must exist; one taken by its default name is read when present,
        and only for rows of a party, person or organization)."""
        named = (self.birth_date_col, self.country_col, self.identifier_col)
        pairs = zip(named, EVIDENCE_COLUMNS, strict=True)
        return tuple((col or default, col is not None) for col, default in pairs)

    def input_format(self) -> str:
        return self.fmt or _format_of(self.input)

    def output_format(self) -> str:
        return self.output_fmt or _format_of(self.output)

    def rejects_path(self) -> Path:
        return self.rejects or self.output.with_name(self.output.name + ".rejects.csv")

    def progress_path(self) -> Path:
        return self.output.with_name(self.output.name + ".progress.json")


class OutputError(ClearanceError):
    """A file the batch writes that cannot be written (a full disk, no permission): CLI exit 2."""


class AccountingError(ClearanceError):
    """Rows read that are neither decided nor rejected (or both): the batch stops (CLI exit 2)."""


@dataclass
class Summary:
    """What a run did: rows read, decided and rejected (of those, rejected by a fault of clearance's own:
    `internal_errors`), decisions counted, how long it took, and what the rows were decided on (data
    versions, the as-of date of rows without their own, thresholds)."""

    rows: int = 0
    rejected: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    resumed_from: int = 0
    data_versions: dict[str, str] = field(default_factory=dict)
    read: int = 0
    internal_errors: int = 0
    as_of: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)
    first_reject: str = ""  # "line N: reason" of the first row rejected
    warnings: tuple[str, ...] = ()  # gaps in the data the rows were decided on (datasets.policy)

    @property
    def worst(self) -> str:
        return Decision.most_severe([Decision(d) for d in self.decisions])

    def check(self) -> None:
        """Raise `AccountingError` unless rows read = decisions + rejects."""
        if self.read != self.rows + self.rejected:
            raise AccountingError(
                f"{self.read:,} rows read but {self.rows:,} decided + {self.rejected:,} rejected = "
                f"{self.rows + self.rejected:,}: the output is incomplete (a fault of clearance's own)"
            )

    def nothing_screened(self) -> str | None:
        """Why no row was screened, in one line; None when some row was."""
        if self.rows:
            return None
        if not self.read:
            return "no row to screen: the input holds no rows"
        return f"no row screened: all {self.read:,} rows were rejected, the first ({self.first_reject})"

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["decisions"] = dict(self.decisions)
        doc["rows_per_second"] = round(self.rows / self.seconds, 1) if self.seconds else None
        doc["worst"] = self.worst
        return doc


def _same(path: Path, other: Path) -> bool:
    """Whether two paths name one file or folder: the same path once resolved, or the same inode."""
    if path.resolve() == other.resolve():
        return True
    try:
        return path.exists() and other.exists() and path.samefile(other)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path` lies inside `folder` (a Parquet output folder, whose parts the batch replaces)."""
    return path.resolve().is_relative_to(folder.resolve())


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("parquet", "pq") or path.is_dir():
        return "parquet"
    raise InputError(f"{path}: cannot tell the format from the name; say --format csv, jsonl or parquet")
