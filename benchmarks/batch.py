"""Batch screening throughput on a seeded workload, against all of ../shared/data plus the built-in data.

    .venv/bin/python benchmarks/batch.py [--rows 1000000] [--workers 2]

The workload: parties of many cultures (given, middle and family names; company names with legal
forms), mostly innocent, with 3% perturbed listed names (a letter replaced, two letters swapped, a word
split, upper case, a legal form added). Names repeat as counterparties do in payment files: each row
draws from a pool of a quarter as many names as rows, and the run prints how many distinct names that
makes. Prints rows per second of `clearance.batch.run`, the engine's build time, the parent's peak
memory, and the share of rows with a perturbed listed name that got review or block.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from latency import DATA, FAMILY, GIVEN

from clearance import Engine
from clearance.batch import BatchJob, run

LISTS = [DATA / "ofac-sdn-2021", DATA / "ofac-consolidated-2025", DATA / "other"]
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


def workload(rows: int, seed: int = 7) -> tuple[list[tuple[str, str]], set[str]]:
    rng = random.Random(seed)
    engine_names = workload_names()
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


_NAMES: list[str] = []


def workload_names() -> list[str]:
    """Strong names of sanctions and export entries with at least two words (a perturbed single word is
    often a different word)."""
    if not _NAMES:
        engine = Engine.default(lists=LISTS, home=DATA / "no-home")
        _NAMES.extend(
            n.name.value for n in engine.index.names if n.name.type == "strong" and len(n.form.tokens) >= 2
        )
    return _NAMES


def main() -> None:
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 1_000_000
    workers = (
        int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else (os.cpu_count() or 1)
    )
    start = time.perf_counter()
    Engine.default(lists=LISTS, home=DATA / "no-home")
    build = time.perf_counter() - start
    data, listed = workload(rows)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "parties.csv"
        with src.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "name"])
            writer.writerows(data)
        job = BatchJob(
            input=src,
            output=Path(tmp) / "out.csv",
            id_col="id",
            as_of="2021-03-01",
            workers=workers,
            chunk_size=5000,
            lists=LISTS,
            home=DATA / "no-home",
        )
        summary = run(job)
        flagged = set()
        with job.output.open(encoding="utf-8") as f:
            for record in csv.DictReader(f):
                if record["decision"] != "clear":
                    flagged.add(record["row_id"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    recall = len(flagged & listed) / len(listed) if listed else 1.0
    distinct = len({name for _, name in data})
    print(f"{rows:,} rows, {distinct:,} distinct names, {len(listed):,} rows with perturbed listed names; "
          f"{workers} workers, 2-core machine")  # fmt: skip
    print(f"engine build (all of ../shared/data + built-in): {build:.2f} s")
    print(
        f"batch: {summary.rows:,} rows in {summary.seconds:.1f} s = "
        f"{summary.rows / summary.seconds:,.0f} rows/s; "
        f"decisions {dict(summary.decisions)}; {summary.rejected} rejected"
    )
    print(f"flagged (review or block) among the perturbed listed names: {recall:.1%}")
    print(f"peak memory of the parent process: {peak:.0f} MB")
    print(f"reproduce: .venv/bin/python benchmarks/batch.py --rows {rows} --workers {workers}")


if __name__ == "__main__":
    main()
