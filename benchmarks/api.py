"""The HTTP service under load: single-name `POST /screen` requests on loopback, names mostly new.

    .venv/bin/python benchmarks/api.py [--workers 1,2] [--seconds 30] [--minutes M] [--connections 32]
    .venv/bin/python benchmarks/api.py --workers 2 --minutes 10     # the sustained run of issue 19

Imports every list of ../shared/data into a temporary CLEARANCE_HOME (`clearance lists import`), creates
an analyst key (`clearance keys create`), and for each worker count starts `clearance serve --workers N`
on a free port, waits for `/readyz`, warms it with 500 requests, then drives it with Debian's `wrk` (a C
load generator in its own process: `make bench-tools` installs it) for `--seconds` (or `--minutes`): each
request screens one name of a seeded stream of distinct parties (benchmarks/distinct_names.py: persons
of many naming cultures, companies with legal forms, 3% typo'd listed names), so that nearly every
request is a name the engine has not seen. Prints requests per second, latency p50/p90/p99 (wrk's own
distribution), non-2xx answers and socket errors, and the server's memory (the proportional set size of
all its processes, which counts the pages the workers share once, and the largest resident set).

The rate limit per key is raised for the run (`CLEARANCE_RATE_LIMIT`, printed): the benchmark measures
screening, not the limiter. The naive baseline, in the same run: rapidfuzz's `cdist` (JaroWinkler >= 0.85,
every listed name and alias) of one name at a time, as a brute-force screening service would compute each
request, on 200 of the same names, in one process.

Targets (issue 19): 2,000 requests per second with p99 under 20 ms on this 2-core machine, no errors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from distinct_names import parties, typo_sources
from quality_common import ALL_LISTS, AS_OF, shown
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from clearance.datasets.lists.reading import read

ROOT = Path(__file__).resolve().parent.parent
CLI = str(ROOT / ".venv" / "bin" / "clearance")
RATE_LIMIT = "1000000"  # requests per second per key during the run: the limiter is not what is measured
LUA = """
local names = {}
for line in io.lines("%(names)s") do names[#names + 1] = line end
local n = 0
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(key)s"}
request = function()
  n = n + 1
  local name = names[(n * %(stride)d) %% #names + 1]
  local body = '{"queries": {"q": {"name": ' .. name .. ', "as_of": "%(as_of)s"}}}'
  return wrk.format("POST", "/screen", headers, body)
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    parser.add_argument("--seconds", type=float, default=30, help="load duration per worker count")
    parser.add_argument("--minutes", type=float, help="load duration in minutes (overrides --seconds)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--names", type=int, default=200_000, help="distinct names to draw from")
    args = parser.parse_args()
    seconds = args.minutes * 60 if args.minutes else args.seconds
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run `make bench-tools` (Debian's wrk)")
    counts = [int(w) for w in args.workers.split(",")]
    print(
        f"reproduce: .venv/bin/python benchmarks/api.py --workers {args.workers} --seconds {seconds:g} "
        f"--connections {args.connections} --names {args.names}"
    )
    print(f"lists: {', '.join(shown(p) for p in ALL_LISTS)} (and the built-in data); as of {AS_OF}")
    load1, load5, _ = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load1:.2f} (1 min) {load5:.2f} (5 min)")
    names, _ = parties(args.names, seed=19, listed=typo_sources(list(read(ALL_LISTS))))
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "CLEARANCE_HOME": str(home), "CLEARANCE_RATE_LIMIT": RATE_LIMIT}
        for path in ALL_LISTS:
            subprocess.run([CLI, "lists", "import", str(path)], env=env, capture_output=True, check=True)
        made = subprocess.run(
            [CLI, "keys", "create", "--role", "analyst", "--user", "bench"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        key = made.stdout.strip().splitlines()[-1]
        names_file = Path(tmp) / "names.txt"
        names_file.write_text("".join(json.dumps(n) + "\n" for _, n in names), encoding="utf-8")
        print(
            f"requests: POST /screen, one name each, from {len(names):,} distinct parties (seed 19; "
            f"e.g. {names[0][1]!r}); CLEARANCE_RATE_LIMIT={RATE_LIMIT}; wrk, 1 thread, "
            f"{args.connections} connections, {seconds:g} s per run"
        )
        for workers in counts:
            run(workers, env, key, names_file, seconds, args.connections, Path(tmp))
    baseline([n for _, n in names[:200]])


def run(
    workers: int, env: dict[str, str], key: str, names: Path, seconds: float, connections: int, tmp: Path
) -> None:
    port = free_port()
    server = subprocess.Popen(
        [CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        started = time.perf_counter()
        wait_ready(port, server)
        ready = time.perf_counter() - started
        script = tmp / f"screen-{workers}.lua"
        script.write_text(
            LUA % {"names": names, "key": key, "stride": 7919, "as_of": AS_OF}, encoding="utf-8"
        )
        url = f"http://127.0.0.1:{port}"
        warm = ["wrk", "-t1", "-c4", "-d3s", "-s", str(script), url]
        subprocess.run(warm, capture_output=True, check=True)
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", str(script), url]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        pss, largest = memory(server.pid)
        figures = parse_wrk(done.stdout)
        print(
            f"{workers} worker{'s' if workers > 1 else ''}: {figures['rps']:,.0f} requests/s, latency p50 "
            f"{figures['p50']:.2f} ms, p90 {figures['p90']:.2f} ms, p99 {figures['p99']:.2f} ms; "
            f"{figures['requests']:,} requests, {figures['non_2xx']} non-2xx, {figures['socket_errors']} "
            f"socket errors; server memory {pss:,.0f} MB proportional (all processes), largest process "
            f"{largest:,.0f} MB resident; ready {ready:.1f} s after start"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, server: subprocess.Popen[str], limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = server.stderr.read()[-2000:] if server.stderr else ""
            sys.exit(f"clearance serve stopped ({server.returncode}): {said}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    sys.exit(f"clearance serve was not ready within {limit:.0f} s")


def memory(pid: int) -> tuple[float, float]:
    """The proportional set size (MB) of a process and its children, and the largest resident set."""
    pids = [pid, *children(pid)]
    pss = largest = 0.0
    for p in pids:
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M))
        pss += int(fields.get("Pss", 0)) / 1024
        largest = max(largest, int(fields.get("Rss", 0)) / 1024)
    return pss, largest


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            found += [kid, *children(kid)]
    return found


def parse_wrk(text: str) -> dict[str, float]:
    """Requests per second, latency percentiles (ms), request count and errors from wrk's report."""

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not m:
            raise SystemExit(f"wrk printed no {label}th percentile:\n{text}")
        return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    count = re.search(r"(\d+) requests in", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if not (rps and count):
        raise SystemExit(f"wrk's report was not understood:\n{text}")
    return {
        "rps": float(rps.group(1)),
        "p50": ms("50"),
        "p90": ms("90"),
        "p99": ms("99"),
        "requests": int(count.group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, sock.groups())) if sock else 0,
    }


def baseline(names: list[str]) -> None:
    listed = sorted(
        {
            " ".join(n.value.lower().split())
            for data in read(ALL_LISTS)
            for e in data.entities
            for n in e.all_names()
        }
    )
    queries = [" ".join(n.lower().split()) for n in names]
    start = time.perf_counter()
    for query in queries:
        process.cdist([query], listed, scorer=JaroWinkler.normalized_similarity, score_cutoff=0.85, workers=1)
    per = (time.perf_counter() - start) / len(queries)
    print(
        f"naive baseline: rapidfuzz cdist JaroWinkler >= 0.85 of one name against {len(listed):,} listed "
        f"names and aliases, one process: {per * 1e3:.2f} ms a name = {1 / per:,.0f} names/s per core "
        f"(no HTTP); on 2 cores at best {2 / per:,.0f}/s"
    )


if __name__ == "__main__":
    random.seed(19)
    main()
