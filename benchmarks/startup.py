"""Start-up: how long one `clearance screen` call takes, as a user runs it, with every list imported.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--rows 2000]

Imports every list of ../shared/data into a temporary CLEARANCE_HOME (`clearance lists import`), then
times whole CLI processes screening one name: the first call, which builds the engine and keeps it on
disk (`screening.prepared`), then `--runs` calls that read it, and as the baseline the same calls with
the kept engine turned off (`CLEARANCE_CACHE=off`: the engine rebuilt on every call, as before); then
the same for a `clearance batch` of `--rows` seeded parties.
Prints each series' median and range, the machine's load, and the lists used.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
CLI = str(ROOT / ".venv" / "bin" / "clearance")
LISTS = [SHARED / "ofac-sdn-2021", SHARED / "ofac-consolidated-2025", *sorted((SHARED / "other").glob("*"))]
QUERY = ["screen", "Tencent Holdings", "--as-of", "2021-03-01"]


def _timed(env: dict[str, str], command: list[str] = QUERY) -> float:
    start = time.perf_counter()
    done = subprocess.run([CLI, *command], env=env, capture_output=True, check=False)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 0 clear, 1 review or block
        sys.exit(f"clearance {command[0]} failed ({done.returncode}): {done.stderr.decode().strip()}")
    return took


def _batch(folder: Path, rows: int) -> list[str]:
    """A `clearance batch` command over `rows` seeded parties."""
    rng = random.Random(18)
    given, family = ["John", "Maria", "Ahmed", "Li", "Olga", "Pierre"], ["Smith", "Garcia", "Hassan", "Wang"]
    source = folder / "parties.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "name"])
        for i in range(rows):
            out.writerow([f"r{i}", f"{rng.choice(given)} {rng.choice(family)} {rng.randrange(1000)}"])
    target = folder / "decisions.csv"
    return ["batch", str(source), "--output", str(target), "--id-col", "id", "--as-of", "2021-03-01"]


def _batch_timed(env: dict[str, str], command: list[str]) -> float:
    """One batch run, written afresh (its output and progress record of the run before removed)."""
    for old in Path(command[3]).parent.glob("decisions.csv*"):
        old.unlink()
    return _timed(env, command)


def _series(label: str, times: list[float]) -> str:
    spread = f"from {min(times):.2f} to {max(times):.2f}, {len(times)} runs"
    return f"{label}: median {statistics.median(times):.2f} s ({spread})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=2000, help="rows of the batch timed as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CLEARANCE_HOME": home}
        for path in LISTS:
            subprocess.run([CLI, "lists", "import", str(path)], env=env, capture_output=True, check=True)
        first = _timed(env)
        warm = [_timed(env) for _ in range(args.runs)]
        cold = [_timed({**env, "CLEARANCE_CACHE": "off"}) for _ in range(args.runs)]
        batch = _batch(Path(home), args.rows)
        batch_warm = [_batch_timed(env, batch) for _ in range(args.runs)]
        batch_cold = [_batch_timed({**env, "CLEARANCE_CACHE": "off"}, batch) for _ in range(args.runs)]
        kept = sum(f.stat().st_size for f in (Path(home) / "cache").glob("engine-*.bin"))
    print(f"reproduce: .venv/bin/python benchmarks/startup.py --runs {args.runs} --rows {args.rows}")
    print(
        "lists: " + ", ".join(f"../{p.relative_to(ROOT.parent)}" for p in LISTS) + " (and the built-in data)"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"query: clearance {' '.join(QUERY)}")
    print(f"first call (builds the engine and keeps it, {kept / 1e6:.1f} MB): {first:.2f} s")
    print(_series("engine kept on disk", warm))
    print(_series("baseline, rebuilt on every call (CLEARANCE_CACHE=off)", cold))
    print(f"kept / rebuilt: {statistics.median(cold) / statistics.median(warm):.1f}x faster (target: <= 1 s)")
    print(f"batch: clearance batch of {args.rows:,} parties, the same home, whole process")
    print(_series("  engine kept on disk", batch_warm))
    print(_series("  baseline, rebuilt (CLEARANCE_CACHE=off)", batch_cold))


if __name__ == "__main__":
    main()
