"""A batch job (what to screen and how), the summary of a run, and the formats and columns of its files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import KW_ONLY, asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clearance.domain.enums import Activity, Decision, QueryKind, parse
from clearance.errors import InputError
from clearance.matching.config import DEFAULT_CONFIG, ScorerConfig
from clearance.screening.validate import parse_as_of

FORMATS = ("csv", "jsonl", "parquet")
OUTPUT_COLUMNS = (
    "row_id", "line", "name", "kind", "as_of", "activity", "decision", "hits", "best_entity_id",
    "best_name", "best_matched_name", "best_lists", "score", "measures", "data_versions",
)  # fmt: skip
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

    def input_format(self) -> str:
        return self.fmt or _format_of(self.input)

    def output_format(self) -> str:
        return self.output_fmt or _format_of(self.output)

    def rejects_path(self) -> Path:
        return self.rejects or self.output.with_name(self.output.name + ".rejects.csv")

    def progress_path(self) -> Path:
        return self.output.with_name(self.output.name + ".progress.json")


@dataclass
class Summary:
    """What a run did: rows decided, rows rejected, decisions counted, and how long it took."""

    rows: int = 0
    rejected: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    resumed_from: int = 0
    data_versions: dict[str, str] = field(default_factory=dict)

    @property
    def worst(self) -> str:
        return Decision.most_severe([Decision(d) for d in self.decisions])

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["decisions"] = dict(self.decisions)
        doc["rows_per_second"] = round(self.rows / self.seconds, 1) if self.seconds else None
        doc["worst"] = self.worst
        return doc


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("parquet", "pq") or path.is_dir():
        return "parquet"
    raise InputError(f"{path}: cannot tell the format from the name; say --format csv, jsonl or parquet")
