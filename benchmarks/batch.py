"""Batch screening on a seeded workload against all of ../shared/data plus the built-in data, and on the
same workload's names: latency in-process, brute-force baselines and recall.

    .venv/bin/python benchmarks/batch.py [--rows 1000000] [--workers 2]

The workload: parties of many cultures (given, middle and family names; company names with legal
forms), mostly innocent, with 3% perturbed listed names (a letter replaced, two letters swapped, a word
split, upper case, a legal form added). Names repeat as counterparties do in payment files: each row
draws from a pool of a quarter as many names as rows, and the run prints how many distinct names that
makes. Prints, in one run:

* the engine's build time; rows per second of `clearance batch`, run as a user runs it, in its own
  processes (`--batch-only` stops after this part); the peak memory of its largest process; the share
  of rows with a perturbed listed name that got review or block;
* with an engine then built in this process, on a seeded sample of the workload's distinct names:
  p50 / p90 / p99 of `Engine.screen` in-process, after a warm-up on other names;
* two brute-force baselines, each timed on a sample of the distinct names and scaled to the workload on
  as many workers as the batch (matching alone, no reading or writing): a scan for every row, as a
  naive screener does, and a scan for every distinct name only; as ratios to the batch's time and to
  screen's mean: rapidfuzz's C++ scan of every indexed name (`latency.rapidfuzz_scan`, the
  sample's names in one call, as a batch job can), and nomenklatura's matcher against every listed
  entity (`baselines/nomenklatura_scan.py`, run in .venv-baselines, which `make baselines` makes;
  skipped with a note without it), with the shares of perturbed listed names and of workload names it
  flags at its threshold next to clearance's;
* the recall of the index against a scan of every listed name with clearance's own scorer, on a sample
  of the distinct perturbed listed names (it must be 100%).
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from latency import (
    DATA,
    FAMILY,
    GIVEN,
    LISTS,
    brute_force_recall,
    quantile,
    rapidfuzz_scan,
    time_screen,
)

from clearance import Engine, load_dataset
from clearance.perf import settle_heap

ROOT = Path(__file__).resolve().parents[1]
BASELINES_PYTHON = ROOT / ".venv-baselines" / "bin" / "python"
NOMENKLATURA_SCAN = ROOT / "benchmarks" / "baselines" / "nomenklatura_scan.py"
LATENCY_SAMPLE, WARM_UP = 2000, 50  # distinct names screened in-process, after others to warm up
RAPIDFUZZ_SAMPLE = 200  # of those, scanned with rapidfuzz
NOMENKLATURA_SAMPLE = 50  # of those, scanned with nomenklatura, with the perturbed sample below
RECALL_SAMPLE = 30  # distinct perturbed listed names: recall against clearance's scorer, flag shares
MORE_GIVEN = """Anna Pedro Chen Yuki Omar Elena Tomasz Amara Rahul Ingrid Diego Mei Tariq Nadia Kofi Lucia
Matteo Sven Aiko Bilal Chiara Dmitri Esra Farid Gabriela Hamid Isabel Jun Kamala Lars Mónica Nikos Oksana
Pablo Qiang Rania Santiago Tunde Ulla Vikram Wanjiru Xavier Yara Zeynep Adebayo Björn Camille Darius
Emeka Fiona Giorgos Hana Ilya Jana Kenji Leila Marek Noor Olivier Parisa Radu Sakura Teodor""".split()
MORE_FAMILY = """Johansson Fernandez Li Sato Mensah Novak Kaya Dubois Schmidt Ivanova Park Costa Ali Bianchi
Yilmaz Kowalczyk Andersen Moreau Papadopoulos Nakamura Adeyemi Horvat Lindqvist Romero Chaudhry Osei
Vasquez Takahashi Nielsen Popescu Fischer Gonzalez Haddad Jensen Kovac Lambert Mwangi Okonkwo Pereira
Quispe Rahman Suzuki Tremblay Usman Varga Weber Xu Yamamoto Zhou Abebe Brennan Castillo Demir""".split()
FIRM_WORDS = """Blue River Summit Golden Harbor Nordic Pacific Green Valley Star Oak Pine Delta Atlas Beacon
Cedar Crown Eagle Falcon Granite Horizon Iron Jade Keystone Lakeside Maple Northern Orion Pioneer Quartz
Redwood Silver Titan Union Vista Willow Zenith Alpine Coastal""".split()
FIRM_KINDS = """Bakery Logistics Trading Consulting Textiles Foods Motors Shipping Software Farms Dental
Builders Apparel Imports Pharmacy Printing Catering Plastics Electric Realty""".split()
LEGAL = ["Ltd", "GmbH", "LLC", "S.A.", "Inc.", "Co., Ltd.", "B.V.", "SARL", ""]


def innocent(rng: random.Random) -> str:
    if rng.random() < 0.55:
        given = rng.choice(GIVEN + MORE_GIVEN)
        middle = f" {rng.choice(GIVEN + MORE_GIVEN)}" if rng.random() < 0.5 else ""
        return f"{given}{middle} {rng.choice(FAMILY + MORE_FAMILY)}"
    words = (
        f"{rng.choice(FIRM_WORDS)} {rng.choice(FIRM_WORDS)}" if rng.random() < 0.5 else rng.choice(FIRM_WORDS)
    )
    return f"{words} {rng.choice(FIRM_KINDS)} {rng.choice(LEGAL)}".strip()


def perturb(rng: random.Random, name: str) -> str:
    chars = list(name)
    op = rng.choice(["typo", "swap", "split", "upper", "legal", "same"])
    i = rng.randrange(1, max(2, len(chars) - 1))
    if op == "typo" and len(chars) > 8:
        chars[i] = "x" if chars[i] != "x" else "q"
    elif op == "swap" and len(chars) > 8:
        chars[i], chars[i - 1] = chars[i - 1], chars[i]
    elif op == "split":
        chars.insert(i, " ")
    text = "".join(chars)
    if op == "upper":
        text = text.upper()
    if op == "legal":
        text += " Ltd"
    return text


def workload(engine: Engine, rows: int, seed: int = 7) -> tuple[list[tuple[str, str]], set[str]]:
    rng = random.Random(seed)
    engine_names = workload_names(engine)
    pool_size = max(1, rows // 4)
    pool = []
    listed_rows: set[str] = set()
    for _ in range(pool_size):
        if rng.random() < 0.03:
            pool.append((perturb(rng, rng.choice(engine_names)), True))
        else:
            pool.append((innocent(rng), False))
    out = []
    for i in range(rows):
        name, listed = pool[rng.randrange(pool_size)]
        out.append((f"r{i}", name))
        if listed:
            listed_rows.add(f"r{i}")
    return out, listed_rows


def workload_names(engine: Engine) -> list[str]:
    """Strong names of sanctions and export entries with at least two words (a perturbed single word is
    often a different word)."""
    return [
        n.name.value
        for n in engine.matcher.index.names
        if n.name.type == "strong" and len(n.form.tokens) >= 2
    ]


def nomenklatura_scan(engine: Engine, queries: list[str]) -> dict[str, Any] | None:
    """Run baselines/nomenklatura_scan.py in .venv-baselines on every listed entity (None without it)."""
    if not BASELINES_PYTHON.exists():
        return None
    entities: dict[str, dict[str, Any]] = {}
    for n in engine.matcher.index.names:
        kind = "person" if n.entity.kind == "person" else "organization"
        doc = entities.setdefault(n.entity.id, {"id": n.entity.id, "kind": kind, "names": [], "weak": []})
        doc["names" if n.name.type == "strong" else "weak"].append(n.name.value)
    with tempfile.TemporaryDirectory() as tmp:
        listed, names = Path(tmp) / "listed.json", Path(tmp) / "queries.json"
        listed.write_text(json.dumps(list(entities.values())), encoding="utf-8")
        names.write_text(json.dumps(queries), encoding="utf-8")
        out = subprocess.run(
            [BASELINES_PYTHON, NOMENKLATURA_SCAN, listed, names],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def run_batch(data: list[tuple[str, str]], workers: int) -> tuple[dict[str, Any], set[str], float]:
    """Screen the workload with `clearance batch`, as a user would, in its own processes: its summary,
    the ids of rows not cleared, and the peak memory (MB) of its largest process."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "parties.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "name"])
            writer.writerows(data)
        command = [
            str(Path(sys.executable).with_name("clearance")), "batch", str(src), "-o", str(out),
            "--id-col", "id", "--as-of", "2021-03-01", "--workers", str(workers), "--chunk-size", "5000",
            "--json", *(arg for path in LISTS for arg in ("--list", str(path))),
        ]  # fmt: skip
        env = {**os.environ, "CLEARANCE_HOME": str(DATA / "no-home")}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode not in (0, 1):
            raise SystemExit(f"clearance batch failed: {done.stderr}")
        summary: dict[str, Any] = json.loads(done.stdout)
        with out.open(encoding="utf-8") as f:
            flagged = {r["row_id"] for r in csv.DictReader(f) if r["decision"] != "clear"}
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return summary, flagged, peak


def main() -> None:
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 1_000_000
    workers = (
        int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else (os.cpu_count() or 1)
    )
    start = time.perf_counter()
    engine = Engine(load_dataset(lists=LISTS, home=DATA / "no-home"))
    settle_heap()  # as the batch does once its engine is built
    build = time.perf_counter() - start
    indexed, entities = len(engine.matcher.index), len(engine.entities)
    data, listed = workload(engine, rows)
    del engine
    summary, flagged, peak = run_batch(data, workers)
    seconds = summary["seconds"]
    flagged_share = len(flagged & listed) / len(listed) if listed else 1.0

    distinct = sorted({name for _, name in data})
    print(f"{rows:,} rows, {len(distinct):,} distinct names, {len(listed):,} rows with perturbed listed "
          f"names; {workers} workers, {os.cpu_count()}-core machine")  # fmt: skip
    print(f"engine build (all of ../shared/data + built-in, {indexed:,} names of {entities:,} entities): "
          f"{build:.2f} s")  # fmt: skip
    print(
        f"clearance batch: {summary['rows']:,} rows in {seconds:.1f} s = {summary['rows'] / seconds:,.0f} "
        f"rows/s; decisions {summary['decisions']}; {summary['rejected']} rejected"
    )
    print(f"flagged (review or block) among the perturbed listed names: {flagged_share:.1%}")
    print(f"peak memory of the batch's largest process: {peak:.0f} MB")
    if "--batch-only" in sys.argv:
        return

    # in-process, with an engine built in this process, on samples of the workload's distinct names
    engine = Engine(load_dataset(lists=LISTS, home=DATA / "no-home"))
    settle_heap()  # as the batch does once its engine is built
    rng = random.Random(11)
    sample = rng.sample(distinct, min(len(distinct), WARM_UP + LATENCY_SAMPLE))
    warm_up, sample = sample[:WARM_UP], sample[WARM_UP:]
    perturbed = sorted({name for row, name in data if row in listed})
    perturbed = rng.sample(perturbed, min(len(perturbed), RECALL_SAMPLE))
    times = time_screen(engine, sample, warm_up)
    mean = statistics.mean(times)
    rapid = rapidfuzz_scan(engine, sample[:RAPIDFUZZ_SAMPLE], together=True)
    compared = sample[:NOMENKLATURA_SAMPLE] + perturbed
    nk = nomenklatura_scan(engine, compared)
    ours = [engine.screen(q, as_of="2021-03-01").decision != "clear" for q in compared]
    found, missed, brute = brute_force_recall(engine, perturbed)

    def scaled(per_name: float) -> str:
        naive = per_name * rows / workers  # a scan for every row, on as many processes
        deduplicated = per_name * len(distinct) / workers  # a scan for every distinct name only
        return (
            f"scaled to the workload on {workers} workers: a scan per row {naive:,.0f} s, "
            f"{rows / naive:,.0f} rows/s, the batch is {ratio(naive / seconds)} faster; a scan per "
            f"distinct name {deduplicated:,.0f} s ({ratio(deduplicated / seconds)}); per name, "
            f"{ratio(per_name / mean)} screen's mean"
        )

    p50, p90, p99 = (quantile(times, f) * 1000 for f in (0.5, 0.9, 0.99))
    print(
        f"screen in-process ({len(times):,} distinct names of the workload, after {len(warm_up)} others): "
        f"p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, mean {mean * 1000:.2f} ms"
    )
    print(
        f"brute-force rapidfuzz scan (token_sort_ratio >= 80 against {indexed:,} names; {RAPIDFUZZ_SAMPLE} "
        f"names in one cdist call): {rapid * 1000:.2f} ms per name; {scaled(rapid)}"
    )
    if nk is None:
        print("nomenklatura baseline skipped: run `make baselines`")
    else:
        per_name, theirs = nk["seconds_per_query"], [bool(m) for m in nk["matches"]]
        n = len(compared) - len(perturbed)
        print(
            f"brute-force nomenklatura {nk['version']} {nk['algorithm']} scan (against {entities:,} "
            f"entities; {len(compared)} names): {per_name:.2f} s per name; {scaled(per_name)}"
        )
        print(
            f"flagged by nomenklatura (score >= {nk['threshold']:.2f}) / by clearance (review or block): "
            f"{pct(theirs[n:])} / {pct(ours[n:])} of {len(perturbed)} perturbed listed names, "
            f"{pct(theirs[:n])} / {pct(ours[:n])} of {n} workload names"
        )
    print(
        f"recall of the index against a scan of every listed name with clearance's scorer "
        f"({len(perturbed)} perturbed listed names, {brute:.1f} s per name): "
        f"{1 - missed / found if found else 1.0:.1%} ({found - missed} of {found} matches)"
    )
    print(f"reproduce: .venv/bin/python benchmarks/batch.py --rows {rows} --workers {workers}")


def ratio(x: float) -> str:
    return f"{x:.1f}x" if x < 100 else f"{x:,.0f}x"


def pct(flags: list[bool]) -> str:
    return f"{sum(flags) / len(flags):.0%}" if flags else "n/a"


if __name__ == "__main__":
    main()
