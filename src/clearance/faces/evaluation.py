"""Precision and recall of the matcher on a labelled set: name pairs (compare) and screening cases (screen).

Used by `benchmarks/quality.py` (figures for the README) and by `tests/faces/test_evaluation.py` (the
floor they must not fall under). A user can run it on a labelled set of their own in the same CSV layouts.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from clearance.screening.engine import Engine


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
