"""Speed on names never seen before: `clearance batch` on a seeded file of mostly distinct parties, with
every list in ../shared/data loaded, against a brute-force scan measured in the same run.

    .venv/bin/python benchmarks/distinct.py [--rows 200000] [--sample 5000] [--recall 300] [--seed 18]
    .venv/bin/python benchmarks/distinct.py --rows 20000 --sample 1000    # quick: a few minutes

(`--recall` is one row in 200 of `--rows` unless given, at most 300: the scan it checks against takes
some 5 s a row.)

The workload (benchmarks/distinct_names.py): persons of many naming cultures and companies with legal
forms, some with numbers, a tenth in upper case, and about 3% typo'd variants of listed names (two
letters swapped, a letter dropped or doubled, the words reordered); every name distinct but for a
handful, so that no cache of recent matches helps. Prints, in one run:

* rows per second of `clearance batch`, run as a user runs it (its own processes, `--workers` of them,
  the default chunk size, an empty CLEARANCE_HOME and the lists given with `--list`): in steady state
  (the batch's own `seconds`, from its engine built to its last row written) and for the whole process
  (start-up, reading the lists and building the engine included); its decisions, rejects and the
  number of review and block rows, and the shares it flagged of the typo'd listed names (one cleared
  may be a listed entry with no measure in force on the date, such as an expired BIS denial) and of
  the other rows;
* a brute-force baseline: rapidfuzz's `process.cdist` with JaroWinkler (normalized similarity >= 0.85,
  on `--workers` threads) of a seeded sample of the same rows against every name and alias of the
  same lists (lowercased, whitespace collapsed, duplicates dropped), matching alone (no reading or
  writing), extrapolated to rows per second and to the whole file; the ratio clearance / brute force,
  and the shares of the sample each flags;
* recall: on a seeded sample of rows (half of them typo'd listed names), every strong listed name
  scored with clearance's own scorer (`Matcher.score`, no index) against what `Engine.screen` returns
  at the review threshold, per (row, entity): how many of the scan's matches the engine found (it must
  be 100%).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from distinct_names import parties, typo_sources, write_csv
from quality_common import ALL_LISTS, AS_OF, shown
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from clearance import Engine, load_dataset
from clearance.datasets.lists.base import ListData
from clearance.datasets.lists.reading import read
from clearance.domain.enums import NameType
from clearance.matching.normalise import name_form

CLEARANCE = Path(sys.executable).with_name("clearance")
CUTOFF = 0.85  # JaroWinkler normalized similarity from which the baseline flags a name
BLOCK = 1000  # sample rows per cdist call (a 1,000 x 28,000 matrix of float32 is 110 MB)
MISSES_SHOWN = 10

_engine: Engine | None = None  # the recall check's engine, shared with its forked processes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the file (default 200,000)")
    parser.add_argument("--sample", type=int, default=5000, help="rows the brute force scans (default 5,000)")
    parser.add_argument(
        "--recall", type=int, help="rows of the recall check (default: one in 200 of --rows, at most 300)"
    )
    parser.add_argument("--seed", type=int, default=18, help="seed of the workload and samples (default 18)")
    parser.add_argument("--workers", type=int, default=2, help="batch processes and brute-force threads")
    args = parser.parse_args()
    recall = args.recall if args.recall is not None else max(10, min(300, args.rows // 200))

    start = time.perf_counter()
    datas = read(ALL_LISTS)
    data, typos = parties(args.rows, seed=args.seed, listed=typo_sources(datas))
    generated = time.perf_counter() - start
    distinct = len({name for _, name in data})
    command = f".venv/bin/python benchmarks/distinct.py --rows {args.rows} --sample {args.sample}"
    if args.recall is not None or (args.seed, args.workers) != (18, 2):
        command += f" --recall {recall} --seed {args.seed} --workers {args.workers}"
    print(f"reproduce: {command}")
    print(f"lists: {', '.join(shown(p) for p in ALL_LISTS)} (and the built-in data); as of {AS_OF}")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    print(
        f"workload: {len(data):,} rows, {distinct:,} distinct names, {len(typos):,} typo'd listed names "
        f"(seed {args.seed}; generated in {generated:.1f} s)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        batch = run_batch(Path(tmp), data, home, args.workers)
        summary, decisions = batch["summary"], batch["decisions"]
        steady, whole = summary["seconds"], batch["wall"]
        flagged = {row for row, decision in decisions.items() if decision != "clear"}
        counts = summary["decisions"]
        print(
            f"clearance batch ({args.workers} workers): {summary['rows']:,} rows screened, "
            f"{summary['rejected']:,} rejected{first_reject(summary)}; decisions {json.dumps(counts)}: "
            f"{counts.get('review', 0):,} review, {counts.get('block', 0):,} block; exit {batch['exit']}"
        )
        print(
            f"  steady state: {steady:.1f} s = {summary['rows'] / steady:,.0f} rows/s; whole process: "
            f"{whole:.1f} s = {summary['rows'] / whole:,.0f} rows/s (start-up, lists and engine build "
            f"{whole - steady:.1f} s); peak memory of its largest process {batch['peak_mb']:.0f} MB"
        )
        others = set(decisions) - typos
        print(
            f"  flagged (review or block): {share(flagged, typos)} typo'd listed names, "
            f"{share(flagged, others)} other rows"
        )

        rng = random.Random(args.seed + 1)
        sample = rng.sample(data, min(args.sample, len(data)))
        names = listed_names(datas)
        seconds, hits = brute_force(sample, names, args.workers)
        rate = len(sample) / seconds
        ours = {row for row, _ in sample} & flagged
        print(
            f"brute force: rapidfuzz {rapidfuzz_version()} cdist JaroWinkler >= {CUTOFF} of {len(sample):,} "
            f"rows against {len(names):,} listed names and aliases, {args.workers} threads: {seconds:.1f} s "
            f"= {rate:,.0f} rows/s; the whole file would take {len(data) / rate:,.0f} s"
        )
        print(
            f"  clearance / brute force: {summary['rows'] / steady / rate:.1f}x in steady state, "
            f"{summary['rows'] / whole / rate:.1f}x for the whole process"
        )
        print(
            f"  flagged in the sample: brute force {len(hits) / len(sample):.1%} of rows "
            f"({share(hits, typos & {r for r, _ in sample})} of its typo'd listed names), clearance "
            f"{len(ours) / len(sample):.1%} ({share(ours, typos & {r for r, _ in sample})})"
        )

        recall_check(data, typos, home, recall, args.workers, random.Random(args.seed + 2))


def run_batch(tmp: Path, data: Sequence[tuple[str, str]], home: Path, workers: int) -> dict[str, Any]:
    """`clearance batch` on the workload, in its own processes, as a user runs it: its summary, each
    row's decision, its exit code, its wall time and the peak memory (MB) of its largest process."""
    src, out = tmp / "parties.csv", tmp / "decisions.csv"
    write_csv(src, data)
    command = [
        str(CLEARANCE), "batch", str(src), "-o", str(out), "--id-col", "id", "--as-of", AS_OF,
        "--workers", str(workers), "--json", *(arg for path in ALL_LISTS for arg in ("--list", str(path))),
    ]  # fmt: skip
    env = {**os.environ, "CLEARANCE_HOME": str(home)}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"clearance batch failed (exit {done.returncode}): {done.stderr[-2000:]}")
    with out.open(encoding="utf-8", newline="") as f:
        decisions = {r["row_id"]: r["decision"] for r in csv.DictReader(f)}
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = json.loads(done.stdout)
    return {
        "summary": summary,
        "decisions": decisions,
        "exit": done.returncode,
        "wall": wall,
        "peak_mb": peak,
    }


def listed_names(datas: Sequence[ListData]) -> list[str]:
    """Every name and alias of the lists, lowercased, whitespace collapsed, duplicates dropped."""
    return sorted(
        {
            " ".join(n.value.lower().split())
            for d in datas
            for entity in d.entities
            for n in entity.all_names()
        }
    )


def brute_force(sample: Sequence[tuple[str, str]], names: list[str], workers: int) -> tuple[float, set[str]]:
    """Seconds to match the sample's names (lowercased, whitespace collapsed) against every listed name
    with rapidfuzz, and the ids of the rows with a name at or above the cut-off."""
    start = time.perf_counter()
    hits: set[str] = set()
    for at in range(0, len(sample), BLOCK):
        block = sample[at : at + BLOCK]
        queries = [" ".join(name.lower().split()) for _, name in block]
        scores = process.cdist(
            queries, names, scorer=JaroWinkler.normalized_similarity, score_cutoff=CUTOFF, workers=workers
        )
        hits.update(block[i][0] for i in set(scores.nonzero()[0].tolist()))
    return time.perf_counter() - start, hits


def recall_check(
    data: Sequence[tuple[str, str]],
    typos: set[str],
    home: Path,
    size: int,
    workers: int,
    rng: random.Random,
) -> None:
    """Print how many of the (row, entity) matches of a scan of every strong listed name with
    clearance's scorer `Engine.screen` finds, on `size` rows, half of them typo'd listed names, in
    `workers` forked processes."""
    global _engine
    start = time.perf_counter()
    _engine = Engine(load_dataset(lists=ALL_LISTS, home=home))
    _engine.prepare()
    built = time.perf_counter() - start
    typo_rows = [row for row in data if row[0] in typos]
    other_rows = [row for row in data if row[0] not in typos]
    picked = rng.sample(typo_rows, min(size // 2, len(typo_rows)))
    picked += rng.sample(other_rows, min(size - len(picked), len(other_rows)))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_scan_and_screen, [name for _, name in picked], chunksize=1)
    found = missed = 0
    misses = []
    for (row, name), (brute, screened, _) in zip(picked, results, strict=True):
        found += len(brute)
        lost = brute - screened
        missed += len(lost)
        misses += [f"{row} {name!r}: {entity}" for entity in sorted(lost)]
    rate = f"{1 - missed / found:.1%}" if found else "n/a (no match)"
    print(
        f"recall of the engine against a scan of every strong listed name with clearance's scorer "
        f"({len(picked)} rows, {sum(r in typos for r, _ in picked)} of them typo'd listed names; engine "
        f"built in {built:.1f} s, {len(_engine.matcher.index):,} names; the scan "
        f"{sum(r[2] for r in results) / len(picked):.1f} s per row in one process): {rate} "
        f"({found - missed} of {found} matches at review >= {_engine.config.review})"
    )
    for line in misses[:MISSES_SHOWN]:
        print(f"  missed: {line}")


def _scan_and_screen(name: str) -> tuple[set[str], set[str], float]:
    """The entities a scan of every strong name with clearance's scorer finds at the review threshold,
    those `Engine.screen` returns as hits, and the scan's seconds."""
    assert _engine is not None
    start = time.perf_counter()
    form = name_form(name)
    strong = [n for n in _engine.matcher.index.names if n.name.type == NameType.STRONG]
    brute = {cand.entity.id for cand, _ in _engine.matcher.score(form, strong)}
    took = time.perf_counter() - start
    screened = {hit.entity.id for hit in _engine.screen(name, as_of=AS_OF).hits}
    return brute, screened, took


def share(flagged: set[str], rows: set[str]) -> str:
    return f"{len(flagged & rows) / len(rows):.1%} of {len(rows):,}" if rows else "n/a"


def first_reject(summary: dict[str, Any]) -> str:
    return f" (first: {summary['first_reject']})" if summary.get("first_reject") else ""


def rapidfuzz_version() -> str:
    import rapidfuzz

    return str(rapidfuzz.__version__)


if __name__ == "__main__":
    main()
