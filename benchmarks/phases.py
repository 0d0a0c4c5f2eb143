"""Where a batch worker's time goes: each phase of screening a new name, and a row whose name was seen.

    .venv/bin/python benchmarks/phases.py [--rows 200000] [--distinct]

On the workload of `batch.py` (seeded; all of ../shared/data plus the built-in data), in one process:
every distinct name is screened once with each phase of `Engine.screen` timed (the timers add a little
to each), and printed in microseconds per name and as a share of the whole; then the rows are
screened as `clearance batch` screens a chunk, every name already decided, to give the cost of a row
whose decision is remembered. With `--distinct`, the names are those of `distinct.py` (distinct parties
of many cultures, 3% typo'd listed names) and the lists every list of ../shared/data; it also prints the
mean and percentiles of a new name screened without timers.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from batch import workload
from distinct_names import parties, typo_sources
from latency import DATA, LISTS
from quality_common import ALL_LISTS

import clearance.matching.matcher as matcher_module
from clearance import Engine, load_dataset
from clearance.datasets.lists.reading import read
from clearance.faces.batch import BatchJob
from clearance.faces.batch.screen import WorkerState
from clearance.matching.index import Index
from clearance.matching.lookup import Lookup
from clearance.matching.matcher import Matcher
from clearance.matching.vocabulary import Vocabulary
from clearance.perf import settle_heap
from clearance.screening.decide import Decider

PHASES = [
    (Lookup, "__init__", "lookup tables (the query's words and runs against the vocabulary)"),
    (Vocabulary, "run_matches", "  of which the runs of the query's words, joined (within the line above)"),
    (Index, "_prefix", "prefix filter"),
    (Index, "_gather", "gathering names"),
    (Index, "_essential", "essential words"),
    (Index, "_names_matching", "names matching each essential word"),
    (Index, "_name_side", "names' own side bound"),
    (Index, "_matched", "both sides' bound"),
    (Matcher, "score", "scoring candidates"),
    (Decider, "hit", "decisions on hits"),
]


def timed(spent: Counter[str], label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    return run


def main() -> None:
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 200_000
    distinct = "--distinct" in sys.argv
    engine = Engine(load_dataset(lists=ALL_LISTS if distinct else LISTS, home=DATA / "no-home"))
    settle_heap()  # as the batch does once its engine is built
    engine.prepare()
    if distinct:
        data, _ = parties(rows, seed=18, listed=typo_sources(list(read(ALL_LISTS))))
    else:
        data, _ = workload(engine, rows)
    names = list(dict.fromkeys(name for _, name in data))
    if distinct:  # names timed without the timers first, then the phases on names new to the engine
        untimed(engine, names[:12_000])
        names = names[12_000:]
    spent: Counter[str] = Counter()
    for owner, attribute, label in PHASES:
        setattr(owner, attribute, timed(spent, label, getattr(owner, attribute)))
    matcher_module.readings = timed(spent, "normalisation (readings)", matcher_module.readings)  # type: ignore[assignment]
    start = time.perf_counter()
    for name in names:
        engine.screen(name, as_of="2021-03-01")
    total = time.perf_counter() - start
    per_name = total / len(names) * 1e6
    print(f"{len(names):,} distinct names of {rows:,} rows, each screened once: {per_name:.0f} µs a name")
    for label, seconds in spent.most_common():
        print(f"  {seconds / len(names) * 1e6:6.1f} µs  {seconds / total:4.0%}  {label}")

    # rows whose decision is remembered, screened as a batch chunk is (CSV in, CSV out)
    state = WorkerState(engine)
    job = BatchJob(input=Path("rows.csv"), output=Path("out.csv"), id_col="id", as_of="2021-03-01")
    raws = [(line, [row_id, name]) for line, (row_id, name) in enumerate(data, start=2)]
    chunks = [raws[i : i + 5000] for i in range(0, len(raws), 5000)]
    for chunk in chunks:
        state.screen_chunk(job, ("id", "name"), chunk)
    start = time.perf_counter()
    for chunk in chunks:
        state.screen_chunk(job, ("id", "name"), chunk)
    print(f"a row whose decision is remembered: {(time.perf_counter() - start) / len(raws) * 1e6:.1f} µs")
    print(
        f"reproduce: .venv/bin/python benchmarks/phases.py --rows {rows}{' --distinct' if distinct else ''}"
    )


def untimed(engine: Engine, names: list[str]) -> None:
    """A new name's cost without the phase timers: the first 2,000 names warm the word caches, then
    each of the next 10,000 is screened once."""
    for name in names[:2000]:
        engine.screen(name, as_of="2021-03-01")
    times = []
    for name in names[2000:12_000]:
        start = time.perf_counter()
        engine.screen(name, as_of="2021-03-01")
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    at = lambda share: times[min(len(times) - 1, int(len(times) * share))]  # noqa: E731
    print(
        f"{len(times):,} new names, no timers: mean {statistics.mean(times):.0f} µs, p50 {at(0.5):.0f}, "
        f"p90 {at(0.9):.0f}, p99 {at(0.99):.0f}"
    )


if __name__ == "__main__":
    main()
