"""What a score means, against every list: the share of hits in each score band that are the party the
query names. The README's "What a score means" quotes it.

Hits that are right: each of yente's 683 mangled UN names (tests/data/yente_un_benchmark) screened against
all the lists of ../shared/data, its best hit on its own UN record. Hits that are wrong: every hit of the
2,000 synthetic innocents and of 10,000 common English words (wordfreq), screened against the same lists.
A UN query's hits on other records are left out: the same person may be listed by OFAC too.
"""

from __future__ import annotations

from collections import Counter

import quality_un
from quality_common import ALL_LISTS, AS_OF, engine_for, heading
from wordfreq import top_n_list

from clearance import Engine
from clearance.errors import InputError
from clearance.faces.evaluation import read_column

BANDS = ((1.0, 1.01, "1.0"), (0.9, 1.0, "[0.9, 1.0)"), (0.8, 0.9, "[0.8, 0.9)"))


def _band(score: float) -> str:
    return next(label for low, high, label in BANDS if low <= score < high)


def _hits(engine: Engine, query: str) -> list[tuple[str, float]]:
    try:
        result = engine.screen(query, kind="party", as_of=AS_OF)
    except InputError:
        return []
    return [(h.entity.id, h.score) for h in result.hits if h.score >= engine.config.review]


def run() -> list[str]:
    engine = engine_for(ALL_LISTS)
    right: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for row in quality_un.key():
        expected = set(row["entity_id"].split(";")) if row["entity_id"] else set()
        scores = [s for eid, s in _hits(engine, row["query"]) if eid in expected]
        if scores:
            right[_band(max(scores))] += 1
    negatives = [
        q for name in quality_un.INNOCENTS for q in read_column(quality_un.FIXTURES / name, "full_name")
    ]
    negatives += top_n_list("en", 10_000)
    for query in negatives:
        for _, score in _hits(engine, query):
            wrong[_band(score)] += 1
    out = [
        heading(
            "what a score means, against every list: the share of hits per band that are right",
            ".venv/bin/python benchmarks/quality.py --only scores",
            ALL_LISTS,
        ),
        f"right: the UN benchmark's queries on their own record; wrong: every hit of {len(negatives):,} "
        "innocents and common English words",
    ]
    for _, _, label in BANDS:
        total = right[label] + wrong[label]
        share = f"{right[label] / total:.1%}" if total else "-"
        out.append(
            f"  score {label:>10}: {total:5} hits, {right[label]:4} right, {wrong[label]:4} wrong: {share}"
        )
    return out
