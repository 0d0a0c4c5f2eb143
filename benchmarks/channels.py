"""Payment screening on the real lists: how fast a pacs.008 and an MT103 file are read and screened, and
how many innocent transactions come out review or block, and why.

    .venv/bin/python benchmarks/channels.py [--transactions N] [--seed S] [--as-of DATE]

Every list of ../shared/data is loaded (`quality_common.engine_for`). The same seeded transactions
(`channels_files`: persons of 13 naming cultures and companies, addresses in large cities of countries
under no embargo, IBANs and accounts, agents of large banks, invoice-like remittance) are written to a
temporary folder as an ISO 20022 pacs.008.001.08 file (messages of 50 transactions) and as an MT103 file;
about 4% of them carry a planted hit (an Iranian intermediary BIC, a creditor in Sevastopol or
Simferopol, an Iranian IBAN, a creditor named exactly as a listed SDN organization).

For each file: the reader alone (items/s); reading and screening as `clearance payments` does it, in
process (`faces.channels.run.run`, records kept in memory: transactions/s); screening alone of the items
read, with how many field look-ups the `Screener` answered from memory (it remembers each (kind, value,
evidence, date, activity): agents and BICs recur, names mostly do not). The naive baseline, in the same
run: a name-only filter, `Engine.screen` of each debtor's and creditor's name and nothing else, with what
it misses of the planted hits. Then the innocent transactions flagged, by cause, with examples to judge.
Never run by the tests.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from channels_files import BANKS, mt_text, transactions, write_mt103, write_pacs008
from quality_common import ALL_LISTS, AS_OF, engine_for, heading, say

from clearance import Decision, Engine, Kind
from clearance.channels.items import FieldKind, Item
from clearance.channels.payments import read_payments
from clearance.channels.screen import Screener
from clearance.faces.channels.run import ChannelJob, run

COMMAND = ".venv/bin/python benchmarks/channels.py"
SDN_NAMES = 8  # listed organizations planted as creditors
NAME_KINDS = (FieldKind.NAME, FieldKind.PERSON, FieldKind.ORGANIZATION)
EXAMPLES = 10
QUERY_KINDS = {"name": "party", "person": "person", "organization": "organization", "text": "text"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transactions", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--as-of", default=AS_OF)
    args = parser.parse_args()
    load_start = os.getloadavg()
    as_of = date.fromisoformat(args.as_of)
    first_day = as_of - timedelta(days=27)
    command = f"{COMMAND} --transactions {args.transactions} --seed {args.seed} --as-of {args.as_of}"
    print(
        heading("Payment screening: speed and false alarms on the real lists", command, ALL_LISTS, args.as_of)
    )

    start = time.perf_counter()
    engine = engine_for(ALL_LISTS)
    build = time.perf_counter() - start
    banks, dropped = innocent_banks(engine, (first_day, as_of))
    sdn = sdn_names(engine, (first_day, as_of), random.Random(args.seed))
    txs, planted = transactions(args.transactions, seed=args.seed, as_of=as_of, sdn_names=sdn, banks=banks)
    print(
        f"engine: {len(engine.matcher.index):,} names of {len(engine.entities):,} entities, built in "
        f"{build:.1f} s; {os.cpu_count()}-core machine, load average at the start {fmt_load(load_start)}"
    )
    print(
        f"{len(txs):,} transactions, settlement dates {first_day} to {as_of} (each screened as of its own "
        f"date), seed {args.seed}; {len(planted)} planted: "
        + ", ".join(f"{what} {n}" for what, n in sorted(Counter(w for w, _ in planted.values()).items()))
    )
    print(
        f"agents: {len(banks)} banks' BICs, each screened as 'BIC X': none on the lists"
        + (f" (dropped: {dropped})" if dropped else "")
    )
    print(f"listed SDN organizations planted as creditors: {'; '.join(sdn)}")

    with tempfile.TemporaryDirectory(prefix="clearance-channels-") as tmp:
        files = {"pacs.008": Path(tmp) / "pacs008.xml", "MT103": Path(tmp) / "mt103.txt"}
        write_pacs008(files["pacs.008"], txs)
        write_mt103(files["MT103"], txs)
        records = {}
        for label, path in files.items():
            say(f"screening {label}: {path.stat().st_size / 1e6:.1f} MB")
            records[label] = speed(engine, label, path)
    baseline(engine, txs, planted)
    for label, recs in records.items():
        quality(label, recs, planted)
    examples(records, planted)
    compare(engine, records, planted)
    print(f"load average at the end: {fmt_load(os.getloadavg())}")


def innocent_banks(engine: Engine, days: tuple[date, ...]) -> tuple[list[str], list[str]]:
    """The agents' BICs that no listed entity carries (each screened as "BIC X" on both dates), and the
    BICs dropped."""
    kept, dropped = [], []
    for bic in (b for bs in BANKS.values() for b in bs):
        hit = any(screen_party(engine, f"BIC {bic}", day) is not Decision.CLEAR for day in days)
        (dropped if hit else kept).append(bic)
    return kept, dropped


def sdn_names(engine: Engine, days: tuple[date, ...], rng: random.Random) -> list[str]:
    """`SDN_NAMES` names of organizations on an SDN list, as listed, that an MT103 can carry unchanged
    (its character set, 35 characters) and that the name alone flags on both dates."""
    pool = sorted(
        e.name
        for e in engine.entities.values()
        if e.kind is Kind.ORGANIZATION
        and any("sdn" in lst for lst in e.lists)
        and len(e.name) <= 35
        and mt_text(e.name) == e.name.upper()
    )
    rng.shuffle(pool)
    out = []
    for name in pool:
        if all(screen_party(engine, name, day) is not Decision.CLEAR for day in days):
            out.append(name)
        if len(out) == SDN_NAMES:
            break
    return out


def screen_party(engine: Engine, name: str, day: date) -> Decision:
    return engine.screen(name, kind="party", as_of=day, activity="payment").decision


def isolated(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` in a child forked from this process, so that each measure starts with the engine
    as built and none of the word caches an earlier measure warmed; its result sent back."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, args))
    child.start()
    send.close()
    result = receive.recv()
    child.join()
    if isinstance(result, str) and result.startswith("Traceback"):
        raise RuntimeError(f"the measure failed in its child process:\n{result}")
    return result


def _child(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        send.send(fn(*args))
    except BaseException:
        send.send(traceback.format_exc())


def timed_run(engine: Engine, path: Path) -> tuple[float, Any, list[dict[str, Any]]]:
    """Reading and screening as `clearance payments` does, records kept in memory."""
    records: list[dict[str, Any]] = []
    start = time.perf_counter()
    summary = run(ChannelJob([path], read_payments), engine=engine, on_record=records.append, on_reject=print)
    return time.perf_counter() - start, summary, records


def timed_screening(engine: Engine, items: list[Item]) -> tuple[float, int, int]:
    """A new Screener over items already read: seconds, and its field look-ups answered from memory
    and screened."""
    screener = Screener(engine)
    start = time.perf_counter()
    for item in items:
        screener.screen(item)
    took = time.perf_counter() - start
    cache = screener._screen.cache_info()  # the screener's memory of field results (an lru_cache)
    return took, cache.hits, cache.misses


def speed(engine: Engine, label: str, path: Path) -> list[dict[str, Any]]:
    """Print the run's, the reader's and the screener's speed on one file; the run's records."""
    reads = []
    for _ in range(2):
        start = time.perf_counter()
        entries = list(read_payments(path))
        reads.append(time.perf_counter() - start)
    items = [e for e in entries if isinstance(e, Item)]
    size = path.stat().st_size / 1e6
    print(f"\n-- {label}: {size:.1f} MB, {len(items):,} transactions, {len(entries) - len(items)} rejects")
    run_s, summary, records = isolated(timed_run, engine, path)
    decisions = ", ".join(f"{d} {summary.decisions[d]:,}" for d in Decision if summary.decisions[d])
    print(
        f"read and screened (faces.channels.run.run, in process, records in memory, caches cold): "
        f"{summary.items:,} transactions in {run_s:.1f} s = {summary.items / run_s:,.0f} transactions/s; "
        f"{decisions}; {summary.rejects} rejects"
    )
    print(
        f"reader alone: {reads[1]:.2f} s = {len(items) / reads[1]:,.0f} items/s ({reads[1] / run_s:.0%} of "
        f"the run; the first read of the process {reads[0]:.2f} s)"
    )
    screen_s, hits, misses = isolated(timed_screening, engine, items)
    print(
        f"screening alone (a new Screener over the items read, caches cold): {screen_s:.1f} s = "
        f"{len(items) / screen_s:,.0f} transactions/s; {hits + misses:,} field look-ups, "
        f"{hits / (hits + misses):.0%} answered from the Screener's memory ({misses:,} screened)"
    )
    fields = [f for item in items for f in item.fields]
    kinds = Counter(f.kind for f in fields if f.kind is not FieldKind.ACCOUNT)
    distinct = {k: len({f.value for f in fields if f.kind is k}) for k in kinds}
    names = [f.value for f in fields if f.kind in NAME_KINDS]
    print(
        f"fields screened per transaction: {sum(kinds.values()) / len(items):.1f}; distinct values: names "
        f"{len(set(names)):,} of {len(names):,} name fields; "
        + ", ".join(f"{k} {distinct[k]:,} of {n:,}" for k, n in kinds.most_common() if k not in NAME_KINDS)
    )
    return records


def baseline(engine: Engine, txs: list[Any], planted: dict[str, tuple[str, str]]) -> None:
    """The naive filter: each debtor's and creditor's name alone, as of the transaction's date."""
    took, flagged = isolated(name_only, engine, txs)
    print(
        f"\n-- naive baseline: a name-only filter (Engine.screen of the debtor's and the creditor's name, "
        f"kind party, nothing else; names already in memory, no file read, caches cold): {len(txs):,} "
        f"transactions in {took:.1f} s = {len(txs) / took:,.0f} transactions/s"
    )
    by_what: dict[str, list[bool]] = {}
    for e2e, (what, value) in planted.items():
        by_what.setdefault(what, []).append(value in flagged.get(e2e, ()))
    chance = sum(1 for e2e, (_, value) in planted.items() if flagged.get(e2e) and value not in flagged[e2e])
    print(
        "planted hits it catches: "
        + "; ".join(f"{what} {sum(c)} of {len(c)}" for what, c in sorted(by_what.items()))
        + f"; in all {sum(sum(c) for c in by_what.values())} of {len(planted)} (and {chance} planted "
        "transactions flagged by chance, for an innocent name of theirs)"
    )
    innocent = [tx for tx in txs if tx.e2e not in planted]
    print(f"innocent transactions it flags: {sum(tx.e2e in flagged for tx in innocent)} of {len(innocent):,}")


def name_only(engine: Engine, txs: list[Any]) -> tuple[float, dict[str, set[str]]]:
    """Seconds, and for each transaction flagged the names that flagged it."""
    flagged: dict[str, set[str]] = {}
    start = time.perf_counter()
    for tx in txs:
        for name in (tx.debtor.name, tx.creditor.name):
            if screen_party(engine, name, tx.day) is not Decision.CLEAR:
                flagged.setdefault(tx.e2e, set()).add(name)
    return time.perf_counter() - start, flagged


def causes(record: dict[str, Any]) -> list[tuple[dict[str, Any], str, str, str]]:
    """What a record's decision rests on: (field, cause, matched, score) for each hit or territory hit
    of the record's decision, cause "<field kind> / listed entity (<its kind>)" or "<field kind> /
    territory"."""
    out = []
    for finding in record["findings"]:
        fld = finding["field"]
        for hit in finding["hits"]:
            if hit["decision"] == record["decision"]:
                what = f"{hit['name']} ({hit['entity_id']}; matched '{hit['matched_name']}')"
                cause = f"{fld['kind']} / listed entity ({hit['kind']})"
                out.append((fld, cause, what, f"{hit['score']:.2f}"))
        for place in finding["territories"]:
            if place["decision"] == record["decision"]:
                what = f"{place['name']} ({place['territory']}; matched '{place['matched']}', {place['how']})"
                out.append((fld, f"{fld['kind']} / territory", what, "-"))
    return out


def quality(label: str, records: list[dict[str, Any]], planted: dict[str, tuple[str, str]]) -> None:
    items = [r for r in records if r["record"] == "item"]
    innocent = [r for r in items if r["key"] not in planted]
    flagged = [r for r in innocent if r["decision"] != Decision.CLEAR]
    decisions = Counter(r["decision"] for r in flagged)
    print(
        f"\n-- {label}: innocent transactions flagged: {len(flagged)} of {len(innocent):,} "
        f"({len(flagged) / len(innocent):.2%}): review {decisions[Decision.REVIEW]}, "
        f"block {decisions[Decision.BLOCK]}"
    )
    by_cause = Counter((r["decision"], c) for r in flagged for c in sorted({c[1] for c in causes(r)}))
    for (decision, cause), n in sorted(by_cause.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {decision}: {cause}: {n} transaction{'s' if n != 1 else ''}")
    caught: dict[str, list[bool]] = {}
    missed = []
    for r in items:
        if r["key"] not in planted:
            continue
        what, value = planted[r["key"]]
        by_plant = any(
            finding["decision"] != Decision.CLEAR and mt_text(value) in mt_text(finding["field"]["value"])
            for finding in r["findings"]
        )
        caught.setdefault(what, []).append(by_plant)
        if not by_plant:
            missed.append((r["key"], what, value, r["decision"]))
    blocked = sum(r["decision"] == Decision.BLOCK for r in items if r["key"] in planted)
    total = sum(len(c) for c in caught.values())
    print(
        f"planted hits caught by the planted field: {total - len(missed)} of {total} "
        f"({(total - len(missed)) / total:.0%}; {blocked} block): "
        + "; ".join(f"{what} {sum(c)} of {len(c)}" for what, c in sorted(caught.items()))
    )
    for key, what, value, decision in missed:
        print(f"  !!! MISSED: {key}: {what} '{value}' -> {decision} !!!")


def examples(records: dict[str, list[dict[str, Any]]], planted: dict[str, tuple[str, str]]) -> None:
    """Up to `EXAMPLES` flagged innocent values, each listed entity or territory once: one of each cause
    (decision, field kind, entity or territory) first, blocks and then the commonest causes before the
    others, the pacs.008 file before the MT103 one."""
    found = [
        (label, r, fld, cause, what, score)
        for label, recs in records.items()
        for r in recs
        if r["record"] == "item" and r["decision"] != Decision.CLEAR and r["key"] not in planted
        for fld, cause, what, score in causes(r)
    ]
    frequency = Counter(cause for _, _, _, cause, _, _ in found)
    found.sort(key=lambda f: (f[1]["decision"] != Decision.BLOCK, -frequency[f[3]]))  # stable: file order
    firsts = {}  # one example of each cause first, then the others
    for f in found:
        firsts.setdefault((f[1]["decision"], f[3]), f)
    seen: set[str] = set()
    lines = []
    for label, r, fld, cause, what, score in [*firsts.values(), *found]:
        if what.split(";")[0] in seen or len(lines) == EXAMPLES:
            continue
        seen.add(what.split(";")[0])
        lines.append(
            f"  {label} {r['key']} {r['decision']}: {fld['role']} {fld['path']} "
            f"'{fld['value']}' -> {what}, score {score} [{cause}]"
        )
    print(f"\nexamples of innocent transactions flagged ({len(lines)}, each entity once; to judge whether "
          "each is a false alarm):")  # fmt: skip
    print("\n".join(lines) if lines else "  none")


def compare(
    engine: Engine, records: dict[str, list[dict[str, Any]]], planted: dict[str, tuple[str, str]]
) -> None:
    """The innocent transactions one file flags and the other does not (the same transactions), and
    how many of those the first file's value would leave clear in upper case, as MT103 writes it."""
    flagged = {
        label: {r["key"]: r for r in recs if r["record"] == "item" and r["decision"] != Decision.CLEAR}
        for label, recs in records.items()
    }
    (a, fa), (b, fb) = flagged.items()
    for one, mine, theirs in ((a, fa, fb), (b, fb, fa)):
        only = sorted(k for k in mine if k not in theirs and k not in planted)
        cased = [(mine[k], causes(mine[k])[0][0]) for k in only]
        cased = [(r, fld) for r, fld in cased if any(c.islower() for c in fld["value"])]
        upper = sum(
            engine.screen(
                fld["value"].upper(), kind=QUERY_KINDS[fld["kind"]], as_of=r["as_of"], activity=r["activity"]
            ).decision
            is Decision.CLEAR
            for r, fld in cased
            if fld["kind"] in QUERY_KINDS
        )
        print(
            f"innocent transactions flagged in the {one} file only: {len(only)}"
            + (f"; of the {len(cased)} with lower-case letters, {upper} clear in upper case" if cased else "")
        )
        for key in only[:3]:
            fld, _, what, score = causes(mine[key])[0]
            print(f"  {key} {mine[key]['decision']}: {fld['role']} '{fld['value']}' -> {what}, score {score}")


def fmt_load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load) + " (1 / 5 / 15 min)"


if __name__ == "__main__":
    main()
