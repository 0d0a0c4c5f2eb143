"""Single-query latency in-process, with every list in ../shared/data loaded, against a brute-force scan.

    .venv/bin/python benchmarks/latency.py [--queries N]

A seeded workload: half perturbed listed names (a typo, a swap, a split, upper case), half innocent
names of several cultures. Prints p50, p90 and p99 of `Engine.screen`, and the same queries' mean time
through a brute-force scan that scores every listed name with the same scorer (on a sample of queries,
since it is slow), as a ratio.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from clearance import Engine
from clearance.names import name_form
from clearance.scoring import compare_forms

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
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
    sample = queries[:: max(1, count // 20)][:20]
    start = time.perf_counter()
    for q in sample:
        form = name_form(q)
        for n in engine.index.names:
            compare_forms(form, n.form, "person" if n.entity.kind == "person" else "organization")
    brute = (time.perf_counter() - start) / len(sample) * 1000
    indexed = statistics.mean(times) * 1000
    print(
        f"{len(engine.index):,} names indexed; {count:,} queries (half perturbed listed names, half innocent)"
    )
    print(f"screen: p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, mean {indexed:.2f} ms")
    print(
        f"brute-force scan with the same scorer ({len(sample)} queries): {brute:.0f} ms per query; "
        f"the index is {brute / indexed:.0f}x faster"
    )
    print("reproduce: .venv/bin/python benchmarks/latency.py")


if __name__ == "__main__":
    main()
