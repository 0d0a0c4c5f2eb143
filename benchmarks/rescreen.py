"""Rescreening stored parties against a data diff, on every list of ../shared/data plus the built-in
data, with a naive full rescreen as the baseline in the same run.

    .venv/bin/python benchmarks/rescreen.py [--parties 100000] [--new 200] [--seed 18]

The scene: a store of `--parties` parties (benchmarks/distinct_names.py: mostly distinct names of many
cultures, about 3% typo'd variants of the names of the `--new` entities), recorded while `--new`
listed entities (drawn at random among those with a strong name of two words or more) were not yet on
the lists; then the lists gain them, as a daily update does. Prints:

* the store's set-up: every party screened before the update and recorded through
  `store.recording.record` (decisions, parties, audit records: what `--record` costs);
* the rescreen (`store.rescreen.rescreen`) against the diff: its time, parties a second, the alerts it
  opened, and how many of the typo'd new names it caught;
* the naive baseline: screening every party against every entity (the cost of a full rescreen),
  timed on a sample of 5,000 parties and scaled to all, and its ratio to the diff's time;
* a second rescreen with nothing changed (the cost of a rescreen that finds no diff).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from distinct_names import parties
from latency import LISTS

from clearance import Engine, load_dataset
from clearance.domain.enums import NameType
from clearance.store import Store
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Screened, record
from clearance.store.rescreen import rescreen
from clearance.store.schema import parties as parties_table

RECORDED = 10_000
SAMPLE = 5_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parties", type=int, default=100_000)
    ap.add_argument("--new", type=int, default=200)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    print(
        "command: .venv/bin/python benchmarks/rescreen.py "
        f"--parties {args.parties} --new {args.new} --seed {args.seed}"
    )
    print("lists: " + ", ".join(str(p) for p in LISTS) + " + built-in data")

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        full = load_dataset(lists=LISTS, home=home / "lists-home")
        rng = random.Random(args.seed)
        candidates = [
            e
            for e in full.entities
            if e.lists
            and any(n.type == NameType.STRONG and len(n.value.split()) >= 2 for n in e.all_names())
            and not e.relations
        ]
        new = {e.id for e in rng.sample(candidates, args.new)}
        before = replace(full, entities=tuple(e for e in full.entities if e.id not in new))
        old_engine, new_engine = Engine(before), Engine(full)
        print(
            f"engines built in {time.perf_counter() - started:.1f} s: {len(full.entities):,} entities now, "
            f"{len(before.entities):,} before the update ({args.new} new)"
        )

        listed = [
            n.value
            for e in full.entities
            if e.id in new
            for n in e.all_names()
            if n.type == NameType.STRONG and len(n.value.split()) >= 2
        ]
        rows, typos = parties(args.parties, seed=args.seed, listed=listed)
        store = Store.open(home=home, url=f"sqlite:///{home / 'store.db'}")

        fingerprints = Fingerprints(old_engine.entities)
        t = time.perf_counter()
        screened = [
            Screened(result=old_engine.screen(name).to_dict(), party_reference=rid) for rid, name in rows
        ]
        screened_s = time.perf_counter() - t
        t = time.perf_counter()
        record(store, screened, source="benchmark", actor="bench", fingerprint=fingerprints)
        record_s = time.perf_counter() - t
        print(
            f"recording the {len(rows):,} screenings (decisions, parties, alerts, audit records): "
            f"{len(rows) / record_s:,.0f} decisions/s in the store ({record_s:.1f} s; screening them took "
            f"{screened_s:.1f} s)"
        )

        t = time.perf_counter()
        summary = rescreen(store, new_engine, actor="bench")
        diff_s = time.perf_counter() - t
        e = summary["entities"]
        print(
            f"rescreen against the diff ({e['added']:,} added, {e['changed']:,} changed, {e['removed']:,} "
            f"removed entities): {summary['parties']:,} parties in {diff_s:.1f} s = "
            f"{summary['parties'] / diff_s:,.0f} parties/s; {summary['alerts_opened']:,} alerts opened, "
            f"{summary['decisions']:,} decisions recorded"
        )
        with store.reading() as connection:
            from sqlalchemy import select

            from clearance.store.schema import alerts

            alerted = {
                r[0]
                for r in connection.execute(
                    select(parties_table.c.reference)
                    .join(alerts, alerts.c.party_id == parties_table.c.id)
                    .where(alerts.c.entity_id.in_(new))
                )
            }
        print(
            f"typo'd names of the new entities alerted: {len(alerted & typos):,} of {len(typos):,} "
            f"({100 * len(alerted & typos) / max(1, len(typos)):.1f}%)"
        )

        sample = rng.sample(rows, min(SAMPLE, len(rows)))
        t = time.perf_counter()
        for _, name in sample:
            new_engine.screen(name)
        naive_s = (time.perf_counter() - t) * len(rows) / len(sample)
        print(
            f"naive full rescreen (every party against every entity, {len(sample):,} sampled, scaled): "
            f"{naive_s:.1f} s = {len(rows) / naive_s:,.0f} parties/s; "
            f"the diff takes {diff_s / naive_s:.2f} of its time"
        )

        t = time.perf_counter()
        quiet = rescreen(store, new_engine, actor="bench")
        print(
            f"rescreen with nothing changed: {time.perf_counter() - t:.1f} s "
            f"({quiet['entities']['added'] + quiet['entities']['changed']} entities in the diff)"
        )
        print(f"audit chain after all this: {'intact' if store.verify().ok else 'BROKEN'}")


if __name__ == "__main__":
    main()
