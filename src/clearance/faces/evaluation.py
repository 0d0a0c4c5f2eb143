"""Precision and recall of the matcher on a labelled set: name pairs (compare) and screening cases (screen);
and how often queries that should be clear are not (`Tally`, `screen_clear`): common words, innocent names.

Used by `benchmarks/quality.py` (figures for the README) and by `tests/faces/test_evaluation.py` (the
floor they must not fall under). A user can run it on a labelled set of their own in the same CSV layouts.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clearance.domain.enums import Decision, Kind, NameRules
from clearance.errors import InputError
from clearance.screening.engine import Engine
from clearance.screening.results import Hit, Result


def pairs(engine: Engine, path: Path) -> tuple[Counter[str], list[str], list[tuple[float, bool]]]:
    """Compare each pair (kind, left, right, match); count true/false positives/negatives."""
    counts: Counter[str] = Counter()
    errors, scored = [], []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kind = row["kind"] if row["kind"] in ("person", "organization") else "party"
            cmp = engine.compare(row["left"], row["right"], kind=kind)
            truth = row["match"] == "1"
            scored.append((cmp.score, truth))
            outcome = ("t" if cmp.match == truth else "f") + ("p" if cmp.match else "n")
            counts[outcome] += 1
            if cmp.match != truth:
                errors.append(
                    f"{outcome.upper()} [{row['category']}] {row['left']!r} / {row['right']!r}: "
                    f"{cmp.explanation}"
                )
    return counts, errors, scored


def kinds(engine: Engine, path: Path) -> tuple[Counter[str], dict[str, Counter[str]], list[str]]:
    """Score each row of a name-kinds set (left, right, kind, expect, category: tests/data/name_kinds.csv)
    with the rules of the listed side's kind; a row whose listed name is one of the engine's data is also
    screened, so that another name of that entity counts (an app's pinyin name); count outcomes overall
    and by category."""
    overall: Counter[str] = Counter()
    by_category: dict[str, Counter[str]] = {}
    errors = []
    holders: dict[str, set[str]] = {}  # a name of the engine's data -> the entities that bear it
    for entity in engine.entities.values():
        for name in entity.all_names():
            holders.setdefault(name.value, set()).add(entity.id)
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kind = Kind(row["kind"]) if row["kind"] in Kind.__members__.values() else Kind.ORGANIZATION
            cmp = engine.matcher.compare(row["left"], row["right"], rules=NameRules.of(kind))
            found = cmp.match
            if not found and row["right"] in holders:
                # a name of the data: the query may reach its entity through another of its names (an
                # app's pinyin or Chinese name), as screening it would
                hits = engine.screen(row["left"], as_of="2021-03-01").hits
                found = bool(holders[row["right"]] & {h.entity.id for h in hits})
            truth = row["expect"] == "match"
            outcome = ("t" if found == truth else "f") + ("p" if found else "n")
            overall[outcome] += 1
            by_category.setdefault(row["category"], Counter())[outcome] += 1
            if found != truth:
                errors.append(
                    f"{outcome.upper()} [{row['category']}] {row['left']!r} / {row['right']!r} ({kind}): "
                    f"{cmp.explanation}"
                )
    return overall, by_category, errors


def f1(c: Counter[str]) -> float:
    precision, recall = precision_recall(c)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def screening(engine: Engine, path: Path) -> tuple[Counter[str], list[str]]:
    counts: Counter[str] = Counter()
    errors = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            result = engine.screen(row["query"], kind=row["kind"], as_of="2021-03-01")
            found = [h.entity.id for h in result.hits]
            want = row["expect_entity"]
            if want:
                ok = want in found
                counts["tp" if ok else "fn"] += 1
                # other hits besides the expected one are not counted against precision: they may be
                # true (an app and its developer share a name)
            else:
                ok = not found
                counts["tn" if ok else "fp"] += 1
            if not ok:
                errors.append(
                    f"{'FN' if want else 'FP'} {row['query']!r} ({row['kind']}): want {want or 'nothing'}, "
                    f"got {found}"
                )
    return counts, errors


def precision_recall(c: Counter[str]) -> tuple[float, float]:
    return c["tp"] / max(1, c["tp"] + c["fp"]), c["tp"] / max(1, c["tp"] + c["fn"])


def report(name: str, c: Counter[str]) -> str:
    precision, recall = precision_recall(c)
    total = sum(c.values())
    return (
        f"{name}: {total} cases, precision {precision:.3f}, recall {recall:.3f} "
        f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']}, tn {c['tn']})"
    )


def calibration(scored: list[tuple[float, bool]]) -> list[str]:
    bands = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0), (1.0, 1.01)]
    lines = []
    for lo, hi in bands:
        inside = [t for s, t in scored if lo <= s < hi]
        if inside:
            label = "1.0" if lo == 1.0 else f"[{lo:.1f}, {hi:.1f})"
            lines.append(
                f"  score {label:>10}: {len(inside):4d} pairs, {sum(inside) / len(inside):6.1%} same party"
            )
    return lines


def rate(part: int, whole: int) -> str:
    """A share as a percentage with three decimals ("0.123%"), or "n/a" of nothing."""
    return f"{part / whole:.3%}" if whole else "n/a"


@dataclass
class Tally:
    """Screenings of queries that should all be clear: how many were screened, blocked, sent to review,
    and refused by the engine (an `InputError`: a query no real name holds)."""

    screened: int = 0
    blocks: int = 0
    reviews: int = 0
    refused: int = 0

    def add(self, decision: Decision) -> None:
        self.screened += 1
        self.blocks += decision is Decision.BLOCK
        self.reviews += decision is Decision.REVIEW

    def __iadd__(self, other: Tally) -> Tally:
        self.screened += other.screened
        self.blocks += other.blocks
        self.reviews += other.reviews
        self.refused += other.refused
        return self

    def line(self, label: str) -> str:
        refused = f", {self.refused} refused" if self.refused else ""
        blocks, reviews = rate(self.blocks, self.screened), rate(self.reviews, self.screened)
        return (
            f"{label}: {self.screened} screenings, {self.blocks} blocks ({blocks}), "
            f"{self.reviews} reviews ({reviews}){refused}"
        )


def screen_clear(
    engine: Engine,
    queries: Iterable[str],
    *,
    kind: str,
    as_of: date | str,
    progress: Callable[[int], None] | None = None,
) -> tuple[Tally, list[Result]]:
    """Screen queries that should all be clear; returns the tally and the results that were not clear.
    `progress` is called with the number screened so far, every 500 queries."""
    tally, flagged = Tally(), []
    for n, query in enumerate(queries, start=1):
        try:
            result = engine.screen(query, kind=kind, as_of=as_of)
        except InputError:
            tally.refused += 1
            continue
        tally.add(result.decision)
        if result.decision is not Decision.CLEAR:
            flagged.append(result)
        if progress is not None and n % 500 == 0:
            progress(n)
    return tally, flagged


def hit_line(hit: Hit, width: int = 160) -> str:
    """One hit on one line: decision, entity, listed name matched (and the stretch of text), score, how."""
    span = f" in text {hit.span[2]!r}" if hit.span else ""
    why = " ".join(hit.explanation.split())
    why = why if len(why) <= width else why[: width - 1] + "…"
    return (
        f"{hit.decision} {hit.entity.id} {hit.entity.name!r} via {hit.matched_name!r}{span} "
        f"{hit.score:.3f} ({hit.by}): {why}"
    )


def read_column(path: Path, column: str) -> list[str]:
    """One column of a CSV file with a header row, in file order (a yente fixture's `full_name`)."""
    with path.open(encoding="utf-8", newline="") as f:
        return [row[column] for row in csv.DictReader(f)]
