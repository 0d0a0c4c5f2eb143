"""Scale with the lists (issue 18): build time, peak memory and the cost of a name never seen before, on
synthetic lists of 20,000 to 1,000,000 entities made of real name words.

    .venv/bin/python benchmarks/scale.py [--sizes 20000,200000,1000000] [--seed 18] [--budget 900]
    .venv/bin/python benchmarks/scale.py --sizes 20000,200000    # quick: a few minutes

The words come from the OFAC SDN list (../shared/data/ofac-sdn-2021/sdn.csv and alt.csv), drawn as often
as they occur there: family names (the part before the comma of an individual's name or alias), given
names (the words after it) and company words (the words of the entities' names, legal forms and "AND",
"THE", "FOR" left out), and the legal forms those names end with (", S.A.", ", LTD." ...; those seen at
least `MIN_LEGAL` times). Each list is one seeded stream of distinct names, half persons in OFAC style
("SURNAME, Given", a middle name one time in three), half companies (2 to 4 words and a legal form), each
size its first N: written as FollowTheMoney JSON lines (OpenSanctions `entities.ftm.json`: schema Person
or Company, topics "sanction", target) into a temporary directory.

Each size runs in a fresh process (its peak memory is its own): `load_dataset(lists=[file], home=<empty
directory>)` (the built-in data included) timed, then `Engine(dataset)` and `engine.prepare()` timed, the
peak RSS (VmHWM: see `rss_mb`), then `engine.screen(name, as_of=AS_OF)` timed one name at a time on 200
names (after 20 others to warm up): 90% made-up persons and companies built the same way but in no list
("Given SURNAME" order for persons), 10% typo'd listed names (two letters swapped, one dropped or
doubled) of the smallest list, so the same names at every size. Prints p50/p90/p99/mean in microseconds,
the growth of the mean from the smallest size to the largest (target: at most 3x from 20,000 to
1,000,000 entities) and the build against "under 2 minutes and 4 GB for a million". A size that runs
past `--budget` seconds is stopped, and one whose predicted peak memory (from the growth per entity
measured on the smaller sizes) would not fit in `MEMORY_SHARE` of the available memory is not run.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SDN = ROOT.parent / "shared" / "data" / "ofac-sdn-2021"
AS_OF = "2026-03-01"
QUERIES = 200  # names timed at each size
WARM_UP = 20  # made-up names screened before them, untimed
TYPO_SHARE = 0.1  # of the timed names: typo'd listed names
MIDDLE_SHARE = 1 / 3  # persons with a middle name
MIN_LEGAL = 5  # times a legal form ends an SDN entity's name to be used
MEMORY_SHARE = 0.8  # of the available memory a size's predicted peak may take
TARGET_GROWTH, TARGET_SECONDS, TARGET_GB, TARGET_SIZE = 3.0, 120, 4.0, 1_000_000
SKIP_WORDS = {"AND", "THE", "FOR"}
GIVEN_WORD = re.compile(r"[A-Z][a-z'\-]+")
FAMILY_NAME = re.compile(r"[A-Z][A-Z'\- ]+[A-Z]")
COMPANY_WORD = re.compile(r"[A-Z][A-Z'\-]{2,}")


@dataclass(frozen=True)
class Words:
    """Name words of the SDN list, each as often as it occurs there."""

    family: list[str]
    given: list[str]
    company: list[str]
    legal: list[str]


def harvest(folder: Path) -> Words:
    def rows(name: str) -> list[list[str]]:
        with (folder / name).open(encoding="cp1252", newline="") as f:
            return [r for r in csv.reader(f) if len(r) > 3]

    sdn = rows("sdn.csv")
    kinds = {r[0]: r[2].strip() for r in sdn}
    names = [(kinds[r[0]], r[1]) for r in sdn] + [(kinds.get(r[0], ""), r[3]) for r in rows("alt.csv")]
    persons = [n.split(",", 1) for kind, n in names if kind == "individual" and "," in n]
    firms = [n for kind, n in names if kind == "-0-"]
    legal = Counter(n.rsplit(",", 1)[1].strip() for n in firms if "," in n)
    forms = [form for form, seen in legal.items() for _ in range(seen) if seen >= MIN_LEGAL]
    legal_words = {w for form in forms for w in form.split()}
    return Words(
        family=[f.strip() for f, _ in persons if FAMILY_NAME.fullmatch(f.strip())],
        given=[w for _, g in persons for w in g.split() if GIVEN_WORD.fullmatch(w)],
        company=[
            w
            for n in firms
            for w in n.split()
            if COMPANY_WORD.fullmatch(w) and w not in SKIP_WORDS and w not in legal_words
        ],
        legal=forms,
    )


def person(rng: random.Random, words: Words) -> tuple[str, str]:
    """A person's name as OFAC writes it ("SURNAME, Given Middle") and as a query would ("Given Middle
    Surname")."""
    given = [rng.choice(words.given) for _ in range(2 if rng.random() < MIDDLE_SHARE else 1)]
    family = rng.choice(words.family)
    return f"{family}, {' '.join(given)}", " ".join([*given, family.title()])


def company(rng: random.Random, words: Words) -> str:
    body = " ".join(rng.choice(words.company) for _ in range(rng.randint(2, 4)))
    return f"{body}, {rng.choice(words.legal)}"


def key(name: str) -> str:
    """Equal for the same words in any order and case: "SMITH, John" and "John Smith"."""
    return " ".join(sorted(re.findall(r"[a-z0-9]+", name.lower())))


def entities(size: int, rng: random.Random, words: Words) -> tuple[list[tuple[str, str]], set[str]]:
    """`size` (schema, name) pairs of distinct names, persons and companies in turn, and their keys."""
    out: list[tuple[str, str]] = []
    keys: set[str] = set()
    while len(out) < size:
        schema = "Person" if len(out) % 2 == 0 else "Company"
        name = person(rng, words)[0] if schema == "Person" else company(rng, words)
        if key(name) not in keys:
            keys.add(key(name))
            out.append((schema, name))
    return out, keys


def typo(rng: random.Random, name: str) -> str:
    """Two letters of a long word swapped, or one dropped or doubled."""
    parts = name.split(" ")
    long = [i for i, w in enumerate(parts) if len(w) >= 5 and w.isalpha()] or [0]
    at = rng.choice(long)
    word = parts[at]
    i = rng.randrange(1, max(2, len(word) - 2))
    op = rng.choice(["swap", "drop", "double"])
    if op == "swap":
        word = word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :]
    elif op == "drop":
        word = word[:i] + word[i + 1 :]
    else:
        word = word[: i + 1] + word[i:]
    return " ".join([*parts[:at], word, *parts[at + 1 :]])


def workload(
    seed: int, words: Words, taken: set[str], listed: list[tuple[str, str]]
) -> tuple[list[str], list[str], set[int]]:
    """Warm-up names, timed names and the positions of the typo'd listed names among them: the made-up
    ones are distinct, in no list, persons and companies in turn; drawn from pools of twice as many, so
    that a rare one in the list is replaced by the next."""
    rng, typos = random.Random(seed), round(QUERIES * TYPO_SHARE)
    need = WARM_UP + QUERIES - typos
    pools = [[person(rng, words)[1] for _ in range(need)], [company(rng, words) for _ in range(need)]]
    fresh = [[n for n in pool if key(n) not in taken] for pool in pools]
    made = list(dict.fromkeys(n for pair in zip(*fresh, strict=False) for n in pair))[:need]
    rng = random.Random(seed + 1)
    typoed = [typo(rng, name) for _, name in rng.sample(listed, typos)]
    timed = [(name, False) for name in made[WARM_UP:]] + [(name, True) for name in typoed]
    rng.shuffle(timed)
    return made[:WARM_UP], [name for name, _ in timed], {i for i, (_, t) in enumerate(timed) if t}


def write_ftm(path: Path, data: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i, (schema, name) in enumerate(data):
            entity = {
                "id": f"scale-{i:07d}",
                "schema": schema,
                "properties": {"name": [name], "topics": ["sanction"]},
                "datasets": ["scale_synthetic"],
                "target": True,
            }
            f.write(json.dumps(entity, ensure_ascii=False) + "\n")


def rss_mb(peak: bool = False) -> float:
    """The process's RSS now, or its peak: VmHWM, not ru_maxrss, which keeps the peak of the parent it
    was forked from across the exec (the parent holds the largest list's names)."""
    with open("/proc/self/status") as f:
        status = dict(line.split(":", 1) for line in f)
    return int(status["VmHWM" if peak else "VmRSS"].split()[0]) / 1024


def available_mb() -> float:
    with open("/proc/meminfo") as f:
        info = dict(line.split(":", 1) for line in f)
    return int(info["MemAvailable"].split()[0]) / 1024


def child(list_path: Path, queries_path: Path, out_path: Path) -> None:
    """One size, in its own process: each phase's figures as a JSON line in `out_path` as it ends."""
    from clearance import Engine, load_dataset
    from clearance.perf import settle_heap

    def report(**figures: Any) -> None:
        with out_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(figures) + "\n")

    warm, timed = json.loads(queries_path.read_text(encoding="utf-8"))
    report(phase="started", rss_mb=rss_mb())
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        dataset = load_dataset(lists=[list_path], home=Path(home))
        loaded = time.perf_counter() - start
        report(phase="loaded", seconds=loaded, entities=len(dataset.entities), peak_mb=rss_mb(True))
        start = time.perf_counter()
        engine = Engine(dataset)
        engine.prepare()
        built = time.perf_counter() - start
        settle_heap()  # as the batch does once its engine is built
        report(phase="built", seconds=built, names=len(engine.matcher.index), peak_mb=rss_mb(True))
        for name in warm:
            engine.screen(name, as_of=AS_OF)
        times, decisions = [], []
        for name in timed:
            start = time.perf_counter()
            result = engine.screen(name, as_of=AS_OF)
            times.append(time.perf_counter() - start)
            decisions.append(str(result.decision))
        report(phase="screened", times=times, decisions=decisions, peak_mb=rss_mb(True))


def run_size(size: int, list_path: Path, queries_path: Path, budget: float) -> tuple[dict[str, Any], str]:
    """The figures of one size's process by phase, and why it stopped early ("" when it did not)."""
    out = list_path.with_suffix(".out")
    command = [sys.executable, __file__, "--child", str(list_path), str(queries_path), str(out)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=budget, check=False)
        why = f"failed (exit {done.returncode}): {done.stderr.strip()[-600:]}" if done.returncode else ""
    except subprocess.TimeoutExpired:
        why = f"stopped after the budget of {budget:.0f} s"
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    phases = {p["phase"]: p for p in map(json.loads, lines)}
    if not why and "screened" not in phases:
        why = "ended without its figures"
    return phases, why


def micros(times: list[float], fraction: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1e6


def predicted_peak(done: list[tuple[int, dict[str, Any]]], size: int) -> tuple[float, float]:
    """Peak RSS (MB) predicted for `size` entities, and the growth per entity (KB) it assumes: between
    the two largest sizes measured, or above the process's start for one."""
    (n1, p1), (n2, p2) = (
        [(0, done[0][1]["started"]["rss_mb"]), (done[0][0], done[0][1]["built"]["peak_mb"])]
        if len(done) == 1
        else [(n, p["built"]["peak_mb"]) for n, p in done[-2:]]
    )
    per_entity = (p2 - p1) / (n2 - n1)
    return p2 + per_entity * (size - n2), per_entity * 1024


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(*map(Path, sys.argv[2:5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,200000,1000000", help="entities per list, comma-separated")
    parser.add_argument("--seed", type=int, default=18, help="seed of the lists and names (default 18)")
    parser.add_argument("--budget", type=float, default=900, help="seconds a size may take (default 900)")
    args = parser.parse_args()
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",")})

    command = f".venv/bin/python benchmarks/scale.py --sizes {','.join(map(str, sizes))}"
    print(f"reproduce: {command} --seed {args.seed} --budget {args.budget:.0f}")
    load1, load5, _ = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load1:.2f} (1 min) {load5:.2f} (5 min), "
        f"{available_mb() / 1024:.1f} GB memory available, Python {platform.python_version()}, "
        f"{platform.machine()}"
    )
    start = time.perf_counter()
    words = harvest(SDN)
    rng = random.Random(args.seed)
    data, keys = entities(max(sizes[-1], TARGET_SIZE), rng, words)  # names in no list of any size
    warm, timed, typos = workload(args.seed + 1, words, keys, data[: sizes[0]])
    print(
        f"words: ../shared/data/ofac-sdn-2021/sdn.csv and alt.csv: {len(set(words.family)):,} family names, "
        f"{len(set(words.given)):,} given names, {len(set(words.company)):,} company words, "
        f"{len(set(words.legal))} legal forms ({', '.join(sorted(set(words.legal)))})"
    )
    print(
        f"lists: the first N of {len(data):,} distinct names (half persons, half companies; seed "
        f"{args.seed}; made in {time.perf_counter() - start:.1f} s), as FollowTheMoney JSON lines, one "
        f"name an entity, topics sanction; and the built-in data; e.g. {data[0][1]!r}, {data[1][1]!r}"
    )
    print(
        f"names timed: {len(timed)} at each size, one at a time, after {len(warm)} others: "
        f"{len(timed) - len(typos)} made-up in no list, {len(typos)} typo'd names of the {sizes[0]:,} "
        f"list; as of {AS_OF}; e.g. {warm[0]!r}, {warm[1]!r}"
    )

    done: list[tuple[int, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        queries_path = Path(tmp) / "queries.json"
        queries_path.write_text(json.dumps([warm, timed]), encoding="utf-8")
        for size in sizes:
            if done:
                peak, per_entity = predicted_peak(done, size)
                if peak > MEMORY_SHARE * available_mb():
                    print(
                        f"{size:,} entities: not run: its peak would be about {peak / 1024:.1f} GB "
                        f"({per_entity:.2f} KB per entity measured), more than {MEMORY_SHARE:.0%} of the "
                        f"{available_mb() / 1024:.1f} GB available"
                    )
                    break
            list_path = Path(tmp) / f"scale-{size}.ftm.json"
            start = time.perf_counter()
            write_ftm(list_path, data[:size])
            wrote = time.perf_counter() - start
            megabytes = list_path.stat().st_size / 1e6
            phases, why = run_size(size, list_path, queries_path, args.budget)
            list_path.unlink()
            print(f"{size:,} entities ({megabytes:.0f} MB file, written in {wrote:.1f} s):")
            if "built" in phases:
                load, built = phases["loaded"], phases["built"]
                print(
                    f"  load {load['seconds']:.1f} s ({load['entities']:,} entities), engine build "
                    f"{built['seconds']:.1f} s ({built['names']:,} names indexed), together "
                    f"{load['seconds'] + built['seconds']:.1f} s; peak RSS {built['peak_mb']:,.0f} MB "
                    f"(process start {phases['started']['rss_mb']:.0f} MB)"
                )
            if "screened" in phases:
                screened(phases["screened"], timed, typos)
                done.append((size, phases))
            if why:
                reached = ", ".join(p for p in ("loaded", "built", "screened") if p in phases) or "nothing"
                print(f"  {why}; it got as far as: {reached}")
                break
    summary(done)


def screened(figures: dict[str, Any], names: list[str], typos: set[int]) -> None:
    times, decisions = figures["times"], figures["decisions"]
    slow = sorted(range(len(times)), key=times.__getitem__)[-3:][::-1]
    made = [t for i, t in enumerate(times) if i not in typos]
    flagged = [i for i, d in enumerate(decisions) if d != "clear"]
    print(
        f"  screen a new name: p50 {micros(times, 0.5):,.0f} us, p90 {micros(times, 0.9):,.0f} us, "
        f"p99 {micros(times, 0.99):,.0f} us, mean {statistics.mean(times) * 1e6:,.0f} us (made-up names "
        f"alone: mean {statistics.mean(made) * 1e6:,.0f} us); peak RSS after {figures['peak_mb']:,.0f} MB"
    )
    print(
        f"  decisions {json.dumps(Counter(decisions), sort_keys=True)}; flagged (review or block): "
        f"{sum(i in typos for i in flagged)} of {len(typos)} typo'd listed names, "
        f"{sum(i not in typos for i in flagged)} of {len(times) - len(typos)} made-up names"
    )
    shown = ", ".join(f"{names[i]!r} {times[i] * 1e3:.1f} ms" for i in slow)
    print(f"  slowest: {shown} ({sum(times[i] for i in slow) / sum(times):.0%} of the total)")


def summary(done: list[tuple[int, dict[str, Any]]]) -> None:
    if len(done) < 2:
        print("growth: fewer than two sizes measured")
        return
    (small, first), (large, last) = done[0], done[-1]
    mean = [statistics.mean(p["screened"]["times"]) for p in (first, last)]
    ratio = mean[1] / mean[0]
    median = micros(last["screened"]["times"], 0.5) / micros(first["screened"]["times"], 0.5)
    line = (
        f"growth of a new name's mean cost from {small:,} to {large:,} entities: {ratio:.2f}x (of its "
        f"p50: {median:.2f}x) (target: at most {TARGET_GROWTH:.0f}x from 20,000 to {TARGET_SIZE:,})"
    )
    if large != TARGET_SIZE or small != 20_000:
        power = math.log(ratio) / math.log(large / small)
        line += (
            f"; not measured at those sizes: growing as N^{power:.2f}, 20,000 to {TARGET_SIZE:,} "
            f"would be {(TARGET_SIZE / 20_000) ** power:.1f}x (an extrapolation)"
        )
    print(line)
    build = [p["loaded"]["seconds"] + p["built"]["seconds"] for p in (first, last)]
    peak = [p["built"]["peak_mb"] for p in (first, last)]
    if large == TARGET_SIZE:
        print(
            f"build of {TARGET_SIZE:,}: {build[1]:.0f} s and {peak[1] / 1024:.1f} GB peak "
            f"(target: under {TARGET_SECONDS} s and {TARGET_GB:.0f} GB)"
        )
        return
    per_second = (build[1] - build[0]) / (large - small)
    per_mb = (peak[1] - peak[0]) / (large - small)
    print(
        f"build of {TARGET_SIZE:,} not measured: from {small:,} to {large:,}, {per_second * 1e6:.0f} us and "
        f"{per_mb * 1024:.2f} KB per entity; linearly, a million would take about "
        f"{build[1] + per_second * (TARGET_SIZE - large):.0f} s and "
        f"{(peak[1] + per_mb * (TARGET_SIZE - large)) / 1024:.1f} GB (target: under {TARGET_SECONDS} s "
        f"and {TARGET_GB:.0f} GB)"
    )


if __name__ == "__main__":
    main()
