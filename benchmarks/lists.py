"""Import figures for the real list files in ../shared/data: entries and names per list, read time and
peak memory per source, and the time to build the engine (index included) from all of them.

    .venv/bin/python benchmarks/lists.py

Each source is read in a fresh process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = [
    DATA / "ofac-sdn-2021",
    DATA / "ofac-consolidated-2025",
    DATA / "other" / "csl-sample-2019.csv",
    DATA / "other" / "bis-dpl-2019.txt",
    DATA / "other" / "un-consolidated-2026.xml",
]


def one(path: str) -> None:
    """Child process: read one source and print its figures as JSON."""
    start = time.perf_counter()
    from clearance.datasets.lists.reading import read

    datas = read([path])
    elapsed = time.perf_counter() - start
    per_list: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for data in datas:
        for e in data.entities:
            for lid in e.lists or (data.source,):
                per_list[lid] += 1
                names[lid] += len(e.all_names())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "path": path,
                "seconds": elapsed,
                "peak_mb": peak_mb,
                "entries": per_list,
                "names": names,
                "problems": sum(len(d.problems) for d in datas),
            }
        )
    )


def build_all() -> None:
    """Child process: the engine from the built-in data and every source, index included."""
    start = time.perf_counter()
    from clearance import Engine, load_dataset

    engine = Engine(load_dataset(lists=[str(p) for p in SOURCES], home=Path("/nonexistent-clearance-home")))
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_mb": peak_mb,
                "entities": len(engine.entities),
                "names": len(engine.matcher.index),
            }
        )
    )


def main() -> None:
    print(
        f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"{'source':<40} {'list':<28} {'entries':>8} {'names':>8} {'read s':>7} {'peak MB':>8}")
    for src in SOURCES:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(src)], capture_output=True, text=True, check=True
        )
        doc = json.loads(out.stdout)
        first = True
        for lid, count in sorted(doc["entries"].items()):
            label = src.name if first else ""
            timing = f"{doc['seconds']:7.2f} {doc['peak_mb']:8.0f}" if first else ""
            print(f"{label:<40} {lid:<28} {count:>8,} {doc['names'][lid]:>8,} {timing}")
            first = False
    runs = []
    for _ in range(3):  # the machine is shared: three fresh processes, best and median
        out = subprocess.run([sys.executable, __file__, "--all"], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    runs.sort(key=lambda d: d["seconds"])
    best, median = runs[0], runs[1]
    print(
        "engine from all of ../shared/data + built-in: "
        f"{best['entities']:,} entities, {best['names']:,} names; "
        f"{best['seconds']:.2f} s best, {median['seconds']:.2f} s median of 3 (imports, read, merge, index), "
        f"peak {best['peak_mb']:.0f} MB"
    )
    print("reproduce: .venv/bin/python benchmarks/lists.py")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(sys.argv[2])
    elif sys.argv[1:2] == ["--all"]:
        build_all()
    else:
        main()
