"""Importing a big ownership registry, and screening with it, on every list of ../shared/data plus the
built-in data, with a naive baseline (reading the same CSV with the csv module alone) in the same run.

    .venv/bin/python benchmarks/graph_import.py [--rows 200000] [--seed 21]

The registry: `--rows` relations between companies of distinct made-up names (benchmarks/
distinct_names.py) written as a registry writes them, so that every party is resolved through the
matcher; a hundredth of them owned by a listed entity named by its id (a blocked owner at 60%). Names
the matcher finds close to a listed one are held back, as they would be for a user: the import runs
with `--max-loss 1` and says how many. Prints, each as the command a user runs, in its own process
(wall time and the process's peak resident memory):

* `clearance lists import` of the lists into a fresh home (the set-up, not the figure);
* `clearance graph import REGISTRY` (every party resolved through the matcher);
* `clearance screen NAME` twice: the first builds and keeps the engine with the registry's parties in
  it, the second loads the kept one;
* the baseline: the registry read with `csv.reader`, nothing resolved.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from distinct_names import company
from latency import LISTS

CLI = Path(sys.executable).parent / "clearance"
OWNERS = ("ofac-306", "ofac-173", "ofac-16681")  # listed entities of ../shared/data, named by id


def run(env: dict[str, str], *args: str) -> tuple[float, float, int]:
    """Seconds, peak resident MB of that process alone (`os.wait4`), exit code."""
    started = time.perf_counter()
    child = subprocess.Popen([str(CLI), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code
    errors = child.stderr.read().decode() if child.stderr else ""
    if code not in (0, 1):
        print(f"  {' '.join(args[:2])}: exit {code}: {errors.strip()[:300]}")
    return seconds, usage.ru_maxrss / 1024, code


def registry(path: Path, rows: int, seed: int) -> str:
    """Write the registry; returns the name of a company a listed owner holds 60% of."""
    rng = random.Random(seed)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < rows + 1:
        name = company(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    owned = ""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["parent", "child", "relation", "share", "source"])
        for i in range(rows):
            if i % 100 == 0:
                owned = names[i + 1]
                writer.writerow([OWNERS[i % len(OWNERS)], f"new:{owned}", "owns", "60", "benchmark"])
            else:
                writer.writerow(
                    [f"new:{names[i]}", f"new:{names[i + 1]}", "owns", rng.choice(["20", "51", ""]), ""]
                )
    return owned


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=21)
    args = ap.parse_args()
    print(f"command: .venv/bin/python benchmarks/graph_import.py --rows {args.rows} --seed {args.seed}")
    print("lists: " + ", ".join(str(p) for p in LISTS) + " + built-in data")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {
            **os.environ,
            "CLEARANCE_HOME": str(home),
            "CLEARANCE_ON_STALE": "warn",
            "CLEARANCE_MAX_LIST_AGE": "100000",
        }
        path = Path(tmp) / "registry.csv"
        owned = registry(path, args.rows, args.seed)
        size = path.stat().st_size / 1e6
        seconds, _, code = run(env, "lists", "import", *map(str, LISTS))
        print(f"set-up: lists imported in {seconds:.1f} s (exit {code})")
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as f:
            count = sum(1 for _ in csv.reader(f)) - 1
        read_s = time.perf_counter() - started
        print(f"baseline, csv.reader alone: {count:,} rows ({size:.1f} MB) in {read_s:.2f} s")
        seconds, peak, code = run(env, "graph", "import", str(path), "--max-loss", "1")
        shown = subprocess.run([str(CLI), "graph", "show", "--json"], env=env, capture_output=True, text=True)
        kept = len(json.loads(shown.stdout)["links"]) if shown.returncode == 0 else 0
        print(
            f"graph import: {args.rows:,} rows in {seconds:.1f} s ({args.rows / seconds:,.0f} rows/s), "
            f"peak {peak:,.0f} MB, exit {code}; {kept:,} relations kept, {args.rows - kept:,} held back"
        )
        for label in ("first screen (builds and keeps the engine)", "second screen (loads the kept engine)"):
            seconds, peak, code = run(env, "screen", owned, "--json")
            print(f"{label}: {seconds:.1f} s, peak {peak:,.0f} MB, exit {code} (1: the 60%-owned one blocks)")


if __name__ == "__main__":
    main()
