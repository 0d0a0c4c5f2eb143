"""Issue 17, second measure: yente's UN benchmark (opensanctions/yente, contrib/validation_report; MIT;
vendored in tests/data/yente_un_benchmark with its README). 683 names of UN-listed people, some mangled
as a user's input would be, each of which should find its UN record; and 2,000 synthetic innocents in
many scripts, which should find nothing. Each is screened as a party against the UN list alone.

Recall: the share of the keyed queries (benchmarks/yente_un_key.py) whose expected record is among the
hits (score at or above the review threshold). Alert rate: the share of innocents with any hit. A naive
baseline runs beside it: rapidfuzz's fuzz.ratio >= 85 of the query against every name of the UN file.
Targets: recall >= 0.995 at an alert rate <= 0.001.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence

from quality_common import AS_OF, TEST_DATA, UN_FILE, engine_for, heading, progress, shown
from rapidfuzz import fuzz, process
from yente_un_key import unswap

from clearance import Engine
from clearance.datasets.lists.reading import read
from clearance.errors import InputError
from clearance.faces.evaluation import hit_line, read_column
from clearance.matching.scorer import Comparison
from clearance.screening.results import Result

FIXTURES = TEST_DATA / "yente_un_benchmark"
INNOCENTS = ("negatives_global.csv", "negatives_us.csv")
MIN_RECALL, MAX_ALERTS, CUTOFF = 0.995, 0.001, 85


def key() -> list[dict[str, str]]:
    with (FIXTURES / "expected_un.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def treatment(query: str, original: str) -> str:
    """What yente's fixture did to the name, told from the query and the original (untreated) name."""
    if query == original:
        return "unchanged"
    if unswap(query) == original:
        return "'Last, First' swap"
    if re.sub(r"[^\x00-\x7f]", "?", original) == query:
        return "non-ASCII letters as '?'"
    if re.sub(r"[^\x00-\x7f]", "", original) == query:
        return "non-ASCII letters dropped"
    if len(query) == len(original) + 1:
        return "a letter doubled"
    if len(query) < len(original):
        return "double letters made single"
    if len(query) == len(original) and sorted(query) == sorted(original):
        return "two letters swapped"
    if len(query) == len(original):
        return "a vowel changed"
    return "other (the two fixture files differ here)"


class Baseline:
    """rapidfuzz's fuzz.ratio of the query against every name of every UN record (strong, weak, original
    script), both lowercased with runs of whitespace collapsed to one space, by brute force."""

    def __init__(self) -> None:
        names = [
            (self.norm(n.value), e.id) for d in read([UN_FILE]) for e in d.entities for n in e.all_names()
        ]
        self.choices = [n for n, _ in names]
        self.owners = [eid for _, eid in names]

    @staticmethod
    def norm(name: str) -> str:
        return " ".join(name.lower().split())

    def hits(self, queries: Sequence[str]) -> list[set[str]]:
        scores = process.cdist(
            [self.norm(q) for q in queries], self.choices, scorer=fuzz.ratio, score_cutoff=CUTOFF, workers=-1
        )
        return [{self.owners[j] for j in row.nonzero()[0]} for row in scores]


def found(engine: Engine, query: str) -> tuple[set[str], Result | None]:
    try:
        result = engine.screen(query, kind="party", as_of=AS_OF)
    except InputError:
        return set(), None
    return {h.entity.id for h in result.hits if h.score >= engine.config.review}, result


def best_against(engine: Engine, query: str, expected: list[str]) -> Comparison | None:
    """The query compared with every name of the expected records: the best comparison, with the scorer's
    explanation. A score at or above review on a query that screening missed is a candidate the index
    did not offer."""
    best = None
    for eid in expected:
        for name in engine.entity(eid).all_names():
            try:
                cmp = engine.compare(query, name.value)
            except InputError:
                continue
            if best is None or cmp.score > best.score:
                best = cmp
    return best


def verdict(recall: float, alerts: float) -> str:
    r = "met" if recall >= MIN_RECALL else "MISSED"
    a = "met" if alerts <= MAX_ALERTS else "MISSED"
    return f"  targets: recall >= {MIN_RECALL}: {r}; alert rate <= {MAX_ALERTS}: {a}"


def screen_all(engine: Engine, label: str, queries: list[str]) -> list[tuple[set[str], Result | None]]:
    show = progress(label, len(queries))
    out = []
    for n, query in enumerate(queries, start=1):
        out.append(found(engine, query))
        if n % 500 == 0:
            show(n)
    return out


def error_lines(
    engine: Engine,
    missed: list[tuple[dict[str, str], Result | None, Comparison | None]],
    alerts: dict[str, list[tuple[str, Result | None]]],
) -> list[str]:
    out = ["missed queries (row, query, original name, expected record; the best compare against it; found):"]
    for row, res, best in missed:
        want = row["entity_id"].split(";")
        names = "; ".join(f"{e} {engine.entity(e).name!r}" for e in want)
        out.append(
            f"  row {row['row']} {row['query']!r} (original {row['original']!r}, "
            f"{treatment(row['query'], row['original'])}): want {names}"
        )
        index = " (at or above review: the index did not offer it)" if reached(engine, best) else ""
        out.append(
            f"      best {best.score:.3f}{index}: {best.explanation}" if best else "      no comparable name"
        )
        out += [f"      got {hit_line(h)}" for h in (res.hits[:3] if res else [])]
    out.append("alerts on innocents (file, query: hits):")
    for name, items in alerts.items():
        for q, res in items:
            out.append(f"  [{name}] {q!r}")
            out += [f"      {hit_line(h)}" for h in (res.hits[:3] if res else [])]
    return out


def reached(engine: Engine, best: Comparison | None) -> bool:
    return best is not None and best.score >= engine.config.review


def run(errors: bool) -> list[str]:
    rows = key()
    keyed = [r for r in rows if r["entity_id"]]
    innocents = {name: read_column(FIXTURES / name, "full_name") for name in INNOCENTS}
    engine = engine_for([UN_FILE])
    baseline = Baseline()
    total = sum(len(v) for v in innocents.values())
    out = [
        heading(
            "yente's UN benchmark, queries screened as parties (issue 17: recall >= 0.995, alerts <= 0.001)",
            ".venv/bin/python benchmarks/quality.py --only un --errors",
            [UN_FILE],
        ),
        f"fixtures: {shown(FIXTURES)} (opensanctions/yente contrib/validation_report/fixtures, MIT): "
        f"{len(rows)} UN-listed names, "
        + ", ".join(f"{len(v):,} innocents in {k}" for k, v in innocents.items()),
        f"key: {len(keyed)} of {len(rows)} queries keyed to a record of the UN file (expected_un.csv); "
        f"{len(rows) - len(keyed)} unkeyed (no record of that name in the 2026 file), left out of recall",
    ]
    # recall: the expected record (any of them, for one person listed twice) among the hits
    queries = [r["query"] for r in keyed]
    expected = [set(r["entity_id"].split(";")) for r in keyed]
    screened = screen_all(engine, "un positives", queries)
    hit = [bool(want & ids) for want, (ids, _) in zip(expected, screened, strict=True)]
    base = [bool(want & ids) for want, ids in zip(expected, baseline.hits(queries), strict=True)]
    # alerts: any hit on an innocent
    alerts = {
        name: [
            (q, res) for q, (ids, res) in zip(qs, screen_all(engine, f"un {name}", qs), strict=True) if ids
        ]
        for name, qs in innocents.items()
    }
    base_alerts = sum(1 for qs in innocents.values() for ids in baseline.hits(qs) if ids)
    n_alerts = sum(len(v) for v in alerts.values())
    blocks = sum(1 for v in alerts.values() for _, r in v if r is not None and r.decision == "block")
    recall, alert_rate = sum(hit) / len(keyed), n_alerts / total
    missed = [
        (row, res, best_against(engine, row["query"], row["entity_id"].split(";")))
        for row, ok, (_, res) in zip(keyed, hit, screened, strict=True)
        if not ok
    ]
    kinds = Counter(treatment(r["query"], r["original"]) for r, _, _ in missed)
    base_kinds = Counter(
        treatment(r["query"], r["original"]) for r, ok in zip(keyed, base, strict=True) if not ok
    )
    offered = sum(reached(engine, b) for _, _, b in missed)
    out += [
        f"clearance (screen, kind party, a hit is a score >= review {engine.config.review:.2f}): "
        f"recall {recall:.4f} ({sum(hit)} of {len(keyed)}), alert rate on innocents {alert_rate:.4f} "
        f"({n_alerts} of {total}: "
        + ", ".join(f"{len(v)} in {k}" for k, v in alerts.items())
        + f"; {blocks} of them block)",
        verdict(recall, alert_rate),
        f"baseline (rapidfuzz fuzz.ratio >= {CUTOFF} against each of the UN file's {len(baseline.choices):,} "
        f"names, query and names lowercased with whitespace collapsed): recall {sum(base) / len(keyed):.4f} "
        f"({sum(base)} of {len(keyed)}), alert rate {base_alerts / total:.4f} ({base_alerts} of {total})",
        f"  clearance's misses by what the fixture did to the name: {dict(kinds.most_common())}",
        f"  of clearance's {len(missed)} misses, {offered} score >= review against their record with "
        "compare: candidates the index did not offer",
        f"  baseline's misses by what the fixture did to the name: {dict(base_kinds.most_common())}",
    ]
    return out + (error_lines(engine, missed, alerts) if errors else [])
