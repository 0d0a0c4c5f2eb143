"""What to broadcast to Spark's workers: the built engine, or the merged dataset with the index rebuilt.

    .venv/bin/python benchmarks/spark_broadcast.py

Builds the engine over all of ../shared/data, pickles both candidates, and times how long a fresh Python
process (as a new Spark worker is) takes to have a ready engine from each: medians of 5 processes, each
pickle loaded with the collector paused, as PySpark loads a broadcast. `clearance.faces.spark` broadcasts the
faster one; its module doc quotes these figures.
"""

from __future__ import annotations

import gc
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from latency import DATA

from clearance import Engine, load_dataset

LISTS = [DATA / "ofac-sdn-2021", DATA / "ofac-consolidated-2025", DATA / "other"]


def measure_load(lists: Sequence[str | Path], home: Path | None = None, rounds: int = 5) -> dict[str, Any]:
    """Seconds until a fresh Python process has a ready engine, for each way of broadcasting it: the
    pickled `Engine` (index included), or the pickled `Dataset` and scorer configuration with the index
    rebuilt.
    Medians over `rounds` fresh processes (a new Spark worker has cold caches too), each pickle loaded
    with the collector paused, as PySpark loads a broadcast."""
    engine = Engine(load_dataset(lists=list(lists), home=home))
    report: dict[str, Any] = {"entities": len(engine.dataset.entities), "names": len(engine.matcher.index)}
    with tempfile.TemporaryDirectory() as tmp:
        files = {"engine": Path(tmp, "engine.pkl"), "dataset": Path(tmp, "dataset.pkl")}
        for what, value in (("engine", engine), ("dataset", (engine.dataset, engine.config))):
            start = time.perf_counter()
            files[what].write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
            report[what] = {
                "bytes": files[what].stat().st_size,
                "pickle_seconds": round(time.perf_counter() - start, 2),
            }
        runs: dict[str, list[tuple[float, float]]] = {"engine": [], "dataset": []}
        for _ in range(rounds):
            for what, file in files.items():
                out = subprocess.run(
                    [sys.executable, __file__, "--load", str(file)],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                load, build = json.loads(out)
                runs[what].append((load, build))
    for what, times in runs.items():
        report[what] |= {
            "load_seconds": round(statistics.median(t[0] for t in times), 2),
            "index_seconds": round(statistics.median(t[1] for t in times), 2),
            "ready_seconds": round(statistics.median(t[0] + t[1] for t in times), 2),
        }
    return report


def _load(file: str) -> tuple[float, float]:
    """In a fresh process: seconds to unpickle a broadcast candidate, and to build the engine from it."""
    import clearance.matching.text  # noqa: F401  (imported before timing: a worker imports it once too)

    start = time.perf_counter()
    gc.disable()
    with open(file, "rb") as f:
        value = pickle.load(f)
    gc.enable()
    loaded = time.perf_counter()
    engine = value if isinstance(value, Engine) else Engine(value[0], config=value[1])
    assert isinstance(engine, Engine)
    return loaded - start, time.perf_counter() - loaded


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:  # the child process of `measure_load`
        print(json.dumps(_load(sys.argv[2])))
    else:
        print(json.dumps(measure_load(LISTS, home=DATA / "no-home"), indent=2))
        print("reproduce: .venv/bin/python benchmarks/spark_broadcast.py")
