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

from clearance import Engine
from clearance.names import name_form
from clearance.scoring import compare_forms

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
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


def main() -> None:
    count = int(sys.argv[sys.argv.index("--queries") + 1]) if "--queries" in sys.argv else 2000
    engine = Engine.default(
        lists=[DATA / "ofac-sdn-2021", DATA / "ofac-consolidated-2025", DATA / "other"], home=DATA / "no-home"
    )
    rng = random.Random(2021)
    listed = [n.name.value for n in engine.index.names if n.name.type == "strong"]
    queries = [perturb(rng, rng.choice(listed)) if i % 2 else innocent(rng) for i in range(count)]
    for q in queries[:50]:  # warm the caches as a long-running service would have them
        engine.screen(q, as_of="2021-03-01")
    times = []
    for q in queries:
        start = time.perf_counter()
        engine.screen(q, as_of="2021-03-01")
        times.append(time.perf_counter() - start)
    times.sort()
    p50, p90, p99 = (times[int(len(times) * f)] * 1000 for f in (0.5, 0.9, 0.99))
    indexed = statistics.mean(times) * 1000
    print(
        f"{len(engine.index):,} names indexed; {count:,} queries (half perturbed listed names, half innocent)"
    )
    print(f"screen: p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, mean {indexed:.2f} ms")

    # naive baseline 1: rapidfuzz's C++ scan of every listed name (token_sort_ratio >= 80)
    choices = [" ".join(n.form.tokens) for n in engine.index.names]
    start = time.perf_counter()
    for q in queries[:200]:
        process.extract(" ".join(name_form(q).tokens), choices, scorer=fuzz.token_sort_ratio, score_cutoff=80,
                        limit=20)  # fmt: skip
    rapid = (time.perf_counter() - start) / 200 * 1000
    print(
        f"brute-force rapidfuzz scan (token_sort_ratio, 200 queries): {rapid:.2f} ms per query; "
        f"screen is {rapid / indexed:.1f}x faster (mean against mean)"
    )

    # naive baseline 2, and recall: the same scorer over every listed name, on a sample of perturbed names
    sample = [q for i, q in enumerate(queries) if i % 2][:RECALL_SAMPLE]
    start = time.perf_counter()
    missed = found = 0
    for q in sample:
        form = name_form(q)
        brute = {
            id(n)
            for n in engine.index.names
            if n.name.type == "strong"
            and compare_forms(form, n.form, "person" if n.entity.kind == "person" else "organization").score
            >= engine.thresholds.review
        }
        indexed_found = {id(c) for c, _ in engine.match_form(form)}
        found += len(brute)
        missed += len(brute - indexed_found)
    brute_ms = (time.perf_counter() - start) / len(sample) * 1000
    recall = 1 - missed / found if found else 1.0
    print(
        f"brute-force scan with clearance's scorer ({len(sample)} perturbed queries): {brute_ms:.0f} ms per "
        f"query, {brute_ms / indexed:.0f}x slower; recall of the index against it: {recall:.1%} "
        f"({found - missed} of {found} matches)"
    )
    print("reproduce: .venv/bin/python benchmarks/latency.py")


if __name__ == "__main__":
    main()
