"""Single-query latency in-process, with every list in ../shared/data loaded, against a brute-force scan.

    .venv/bin/python benchmarks/latency.py [--queries N]

A seeded workload: half perturbed listed names (a typo, a swap, a split, upper case), half innocent
names of several cultures. Prints p50, p90 and p99 of `Engine.screen`; the mean time of two naive
baselines, as ratios: rapidfuzz's C++ scan of every listed name, and a scan that scores every listed
name with clearance's own scorer; and the recall of the index against that second scan on a sample of
perturbed names (it must be 100%).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

from clearance import Engine, load_dataset
from clearance.domain.enums import NameRules
from clearance.matching.normalise import name_form
from clearance.matching.scorer import compare_forms
from clearance.perf import settle_heap

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LISTS = [DATA / "ofac-sdn-2021", DATA / "ofac-consolidated-2025", DATA / "other"]
RECALL_SAMPLE = 30
GIVEN = (
    "John Maria Wei Ahmed Olga Hiroshi Fatima Carlos Aisha Ivan Priya Kwame Sofia Mehmet Lena Jorge".split()
)
FAMILY = (
    "Smith Garcia Wang Hassan Petrova Tanaka Okafor Silva Kowalski Nguyen Muller Rossi Haddad Kim".split()
)
FIRMS = "Bakery Logistics Trading Consulting Textiles Foods Motors Pharma Shipping Software Farms".split()


def perturb(rng: random.Random, name: str) -> str:
    chars = list(name)
    i = rng.randrange(max(1, len(chars) - 1))
    op = rng.choice(["swap", "drop", "split", "upper", "same"])
    if op == "swap" and len(chars) > 2:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif op == "drop" and len(chars) > 5:
        del chars[i]
    elif op == "split":
        chars.insert(i, " ")
    text = "".join(chars)
    return text.upper() if op == "upper" else text


def innocent(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    return (
        f"{rng.choice(FAMILY)} {rng.choice(FIRMS)} {rng.choice(['Ltd', 'GmbH', 'LLC', 'S.A.', ''])}".strip()
    )


def time_screen(engine: Engine, queries: list[str], warm_up: list[str]) -> list[float]:
    """Seconds per `engine.screen` of each query, in-process, sorted; first the `warm_up` queries are
    screened to warm the caches as a long-running service would have them."""
    for q in warm_up:
        engine.screen(q, as_of="2021-03-01")
    times = []
    for q in queries:
        start = time.perf_counter()
        engine.screen(q, as_of="2021-03-01")
        times.append(time.perf_counter() - start)
    return sorted(times)


def quantile(times: list[float], fraction: float) -> float:
    return times[min(len(times) - 1, int(len(times) * fraction))]


def rapidfuzz_scan(engine: Engine, queries: list[str], together: bool = False) -> float:
    """Seconds per query of a brute-force scan: rapidfuzz's C++ token_sort_ratio (cut-off 80) of each
    normalised query against every indexed name's normalised tokens (joined beforehand, as an index
    build would), with `process.cdist` on one thread: one query per call, as a service answers them, or
    all in one call, as a batch job can (rapidfuzz then scores many queries at once, some 10x faster)."""
    choices = [" ".join(n.form.tokens) for n in engine.matcher.index.names]
    start = time.perf_counter()
    forms = [" ".join(name_form(q).tokens) for q in queries]
    for group in [forms] if together else [[f] for f in forms]:
        scores = process.cdist(group, choices, scorer=fuzz.token_sort_ratio, score_cutoff=80, workers=1)
        scores.nonzero()  # the matches, as (query, name) pairs
    return (time.perf_counter() - start) / len(queries)


def brute_force_recall(engine: Engine, queries: list[str]) -> tuple[int, int, float]:
    """Score every strong listed name with clearance's own scorer against each query, and check that
    the index finds every match at or above the review threshold. Returns the matches the scan found,
    how many of them the index missed, and the scan's seconds per query."""
    start = time.perf_counter()
    found = missed = 0
    for q in queries:
        form = name_form(q)
        brute = {
            id(n)
            for n in engine.matcher.index.names
            if n.name.type == "strong"
            and compare_forms(form, n.form, rules=NameRules.of(n.entity.kind), config=engine.config).score
            >= engine.config.review
        }
        found += len(brute)
        missed += len(brute - {id(c) for c, _ in engine.matcher.forms(form)})
    return found, missed, (time.perf_counter() - start) / len(queries)


def main() -> None:
    count = int(sys.argv[sys.argv.index("--queries") + 1]) if "--queries" in sys.argv else 2000
    engine = Engine(load_dataset(lists=LISTS, home=DATA / "no-home"))
    settle_heap()  # as the batch does once its engine is built
    rng = random.Random(2021)
    listed = [n.name.value for n in engine.matcher.index.names if n.name.type == "strong"]
    queries = [perturb(rng, rng.choice(listed)) if i % 2 else innocent(rng) for i in range(count)]
    times = time_screen(engine, queries, queries[:50])
    p50, p90, p99 = (quantile(times, f) * 1000 for f in (0.5, 0.9, 0.99))
    indexed = statistics.mean(times) * 1000
    print(
        f"{len(engine.matcher.index):,} names indexed; {count:,} queries "
        "(half perturbed listed names, half innocent)"
    )
    print(f"screen: p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, mean {indexed:.2f} ms")

    # naive baseline 1: rapidfuzz's C++ scan of every listed name
    rapid = rapidfuzz_scan(engine, queries[:200]) * 1000
    print(
        f"brute-force rapidfuzz scan (token_sort_ratio, one query at a time, 200 queries): {rapid:.2f} ms "
        f"per query; screen is {rapid / indexed:.1f}x faster (mean against mean)"
    )

    # naive baseline 2, and recall: the same scorer over every listed name, on a sample of perturbed names
    sample = [q for i, q in enumerate(queries) if i % 2][:RECALL_SAMPLE]
    found, missed, brute = brute_force_recall(engine, sample)
    recall = 1 - missed / found if found else 1.0
    print(
        f"brute-force scan with clearance's scorer ({len(sample)} perturbed queries): {brute * 1000:.0f} ms "
        f"per query, {brute * 1000 / indexed:.0f}x slower; recall of the index against it: {recall:.1%} "
        f"({found - missed} of {found} matches)"
    )
    print("reproduce: .venv/bin/python benchmarks/latency.py")


if __name__ == "__main__":
    main()
