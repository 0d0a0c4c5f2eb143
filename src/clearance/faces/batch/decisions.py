"""A row's decision: the output columns a row gets (`Decided`), and the decisions a process remembers
for the engine that made them (`DecisionCache`).

Payment files repeat counterparties: the same name, kind, date and activity get the same decision, so
a screening process decides them once and remembers the decision, with its CSV or JSON encoding, for
the most recent rows. What is remembered holds for one engine (its data and thresholds): a new engine
needs a new cache."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from clearance.errors import ClearanceError, InputError
from clearance.faces.batch.job import OUTPUT_COLUMNS, BatchJob
from clearance.faces.batch.output import csv_line
from clearance.perf import Recent
from clearance.screening.engine import Engine
from clearance.screening.results import Result

# Decisions a worker remembers: enough for the distinct parties of a few million payments (each about
# 300 bytes, its outcome shared when it is clear); beyond, the older half is forgotten and those names
# are screened again when they recur.
DECIDED_CACHE_SIZE = 250_000

Key = tuple[str, str, Any, str, tuple[str, ...]]  # name, kind, date, activity, evidence
_PARTY_KINDS = ("party", "person", "organization")


class Outcome:
    """What a decision gives a row after its id, line and name: the output columns from `kind` on, and
    their CSV or JSON encoding (made once, when first asked for). Rows decided alike share one: every
    clear row of a run with the same kind, date and activity (most rows of a file of distinct names),
    so that remembering a decision costs a key, not a line of output."""

    __slots__ = ("_csv", "_json", "values")

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values  # OUTPUT_COLUMNS[3:]
        self._csv: str | None = None
        self._json: str | None = None

    @property
    def csv(self) -> str:
        """The columns as the end of a CSV line, with its newline."""
        if self._csv is None:
            self._csv = csv_line(self.values)
        return self._csv

    @property
    def json(self) -> str:
        """The columns as the rest of a JSON object, with its closing brace and newline."""
        if self._json is None:
            self._json = (
                ", ".join(
                    f"{json.dumps(column)}: {json.dumps(value, ensure_ascii=False)}"
                    for column, value in zip(OUTPUT_COLUMNS[3:], self.values, strict=True)
                )
                + "}\n"
            )
        return self._json


class Decided:
    """A row's decision: the name screened and its `Outcome` (shared with the rows decided alike)."""

    __slots__ = ("outcome", "query")

    def __init__(self, query: str, outcome: Outcome) -> None:
        self.query = query
        self.outcome = outcome

    @property
    def decision(self) -> str:
        return str(self.outcome.values[3])

    @property
    def values(self) -> tuple[Any, ...]:
        """The output columns after the row's id and line (OUTPUT_COLUMNS[2:])."""
        return (self.query, *self.outcome.values)

    def record(self, row_id: str, line: int) -> dict[str, Any]:
        return {"row_id": row_id, "line": line, **dict(zip(OUTPUT_COLUMNS[2:], self.values, strict=True))}


class DecisionCache:
    """The decisions one process remembers for `engine`, by name, kind, date and activity (`recent`:
    the last `size` of them; when full, it forgets the older half)."""

    def __init__(self, engine: Engine, *, size: int = DECIDED_CACHE_SIZE) -> None:
        self.engine = engine
        self.recent: Recent[Key, Decided] = Recent(size)
        self._versions: dict[tuple[tuple[str, str], ...], str] = {}
        self._shared: dict[tuple[Any, ...], Outcome] = {}  # the outcomes of rows without hits

    def decide(self, job: BatchJob, fields: dict[str, Any], default_as_of: Any) -> Decided:
        """A row's decision, remembered, or made and remembered. Raises `ClearanceError` for a row that
        cannot be screened (no name column, an empty name, an impossible date...)."""
        if job.name_col not in fields:
            raise InputError(f"no column '{job.name_col}' (say which with --name-col)")
        name = fields[job.name_col]
        if not isinstance(name, str):
            name = "" if name is None else str(name)
        kind = str(_value(fields, job.kind_col, job.kind))
        activity = str(_value(fields, job.activity_col, job.activity))
        as_of = _value(fields, job.date_col, default_as_of)
        if isinstance(as_of, datetime | date):
            as_of = as_of.isoformat()
        evidence = evidence_of(job, fields.get, kind)
        key = (name, kind, as_of, activity, evidence)
        decided = self.recent.get(key)
        if decided is None:
            birth_date, country, identifier = (value or None for value in evidence)
            result = self.engine.screen(
                name,
                kind=kind,
                as_of=as_of,
                activity=activity,
                birth_date=birth_date,
                country=country,
                identifier=identifier,
            )
            values = _columns(result, versions=self._versions_json(result.data_versions))
            if result.hits:
                outcome = Outcome(values)
            else:  # one per kind, date, activity and data version: a handful in a run
                outcome = self._shared.get(values) or self._shared.setdefault(values, Outcome(values))
            decided = self.recent.remember(key, Decided(name, outcome))
        return decided

    def _versions_json(self, versions: dict[str, str]) -> str:
        """The same few versions on every row: encode them once."""
        key = tuple(sorted(versions.items()))
        text = self._versions.get(key)
        if text is None:
            text = self._versions[key] = json.dumps(dict(key), sort_keys=True)
        return text


def screen_row(
    job: BatchJob,
    engine: Engine,
    line: int,
    fields: dict[str, Any] | None,
    *,
    problem: str | None = None,
    decisions: DecisionCache | None = None,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """One row: its decision record, or its reject (line, row id, reason, row). Shared with the Spark
    path. `decisions`, the decisions remembered for `engine` and kept by the caller from row to row,
    spares screening a name again; without it, the row is screened afresh."""
    if decisions is None:
        decisions = DecisionCache(engine)
    elif decisions.engine is not engine:
        raise ValueError("these decisions were remembered for another engine")
    row_id = row_id_of(job, line, fields)
    if fields is None:
        return None, reject_of(line, row_id, problem)
    try:
        return decisions.decide(job, fields, job.as_of).record(row_id, line), None
    except ClearanceError as exc:
        return None, reject_of(line, row_id, str(exc), fields)
    except MemoryError:
        raise
    except Exception as exc:  # a fault of clearance's own, in this row only: the others go on
        return None, reject_of(line, row_id, internal_reason(exc), fields) | {"internal": True}


def internal_reason(exc: Exception) -> str:
    """The reason, in one line, of a row whose screening failed by a fault of clearance's own (not an
    input error: only a `ClearanceError` is one)."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:197] + "..."
    return f"internal error (a fault of clearance, not of the row): {type(exc).__name__}: {text}"


def row_id_of(job: BatchJob, line: int, fields: dict[str, Any] | None) -> str:
    """A row's own id (`job.id_col`), else its line."""
    return str(fields.get(job.id_col, "")) if fields and job.id_col else str(line)


def reject_of(
    line: int, row_id: str, reason: str | None, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A rejected row as the rejects file holds it: its fields shown as JSON, when it has any."""
    return {"line": line, "row_id": row_id, "reason": reason, "row": "" if fields is None else _short(fields)}


def _short(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, ensure_ascii=False, default=str)
    return text if len(text) <= 500 else text[:497] + "..."


def evidence_of(job: BatchJob, get: Callable[[str], Any], kind: str) -> tuple[str, ...]:
    """A row's secondary evidence as text (date of birth, countries, identifiers; "" when absent), from
    `get`, which gives a column's value or None. A column taken by its default name is not read for a
    row of another kind than a party, person or organization (an app's `country` is no evidence)."""
    party = kind in _PARTY_KINDS
    return tuple(_text(get(col)) if named or party else "" for col, named in job.evidence_cols())


def _text(value: Any) -> str:
    """A cell as text: a date in ISO form, a whole number without its ".0", a list joined with ';'."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ";".join(_text(v) for v in value)
    return str(value).strip()


def _value(fields: dict[str, Any], col: str | None, default: Any) -> Any:
    if not col:
        return default
    value = fields.get(col)
    return default if value in (None, "") else value


def _columns(result: Result, *, versions: str) -> tuple[Any, ...]:
    """A result as the output columns after the row's id, line and name (`versions`: its data versions
    as JSON)."""
    best = result.hits[0] if result.hits else None
    measures = (
        ";".join(f"{f.state.measure.id}:{f.state.state}:{f.effect}" for f in best.findings) if best else ""
    )
    return (
        result.kind,
        result.as_of.isoformat(),
        result.activity,
        result.decision,
        len(result.hits),
        best.entity.id if best else "",
        best.entity.name if best else "",
        best.matched_name if best else "",
        ";".join(best.entity.lists) if best else "",
        best.score if best else 0.0,
        measures,
        ";".join(f"{f.about}:{f.outcome}" for f in best.evidence) if best else "",
        versions,
    )
