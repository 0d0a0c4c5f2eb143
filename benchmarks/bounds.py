"""Work bounded by design (issue 16, item 10): times of the inputs that hung, before and after.

    .venv/bin/python benchmarks/bounds.py [--lists]

Inputs: `compare` of two long strings (the scorer, and the engine at its 10,000-character name limit),
a free text holding one very long word (the same letter, and random letters), and documents made of
listed names of 100 KB and 1 MB (built-in data; with --lists also every list in ../shared/data). Each is
run once in this process after a warm-up query; the machine is shared, so single runs vary by up to 30%.
"Before" are the figures measured on the code before the bounds (commit 304ee91), on this machine:
they come from the issue and from runs of that commit, not from this script.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from clearance import Engine, load_dataset
from clearance.matching.scorer import compare

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DAY = "2021-03-01"
BEFORE = {
    "scorer compare, 800 words a side": "24 s",
    "scorer compare, 5,000 words a side": "did not finish (quadratic: about 15 min by 800 words' 24 s)",
    "engine compare, 5,000 one-letter words a side": "did not finish",
    "text, one word of 120,000 times the same letter": "11 s",
    "text, one word of 120,000 random letters": "did not finish (n^3: a 400-letter word's keys take 0.08 s)",
    "text, 100 KB of listed names (built-in data)": "about 50 s (40 KB: 20 s)",
    "text, 1 MB of listed names (built-in data)": "did not finish in 10 minutes",
}


def words(rng: random.Random, n: int, letters: tuple[int, int] = (3, 9)) -> str:
    letters_of = "abcdefghijklmnopqrstuvwxyz"
    return " ".join("".join(rng.choice(letters_of) for _ in range(rng.randint(*letters))) for _ in range(n))


def document(engine: Engine, size: int) -> str:
    """Listed names one after another, separated by commas, up to `size` characters."""
    names = [n.name.value for n in engine.matcher.index.names]
    rng = random.Random(3)
    parts: list[str] = []
    total = 0
    while total < size:
        parts.append(rng.choice(names))
        total += len(parts[-1]) + 2
    return ", ".join(parts)


def timed(label: str, run: Callable[[], object]) -> None:
    start = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.2f} s   {outcome}   (before: {BEFORE.get(label, 'not measured')})")


def main() -> None:
    rng = random.Random(1)
    engine = Engine(load_dataset())
    engine.screen("Tencent Holdings", as_of="2021-03-01")  # warm-up: word lists, pinyin, caches
    print(f"{'input':<58} {'after':>10}")
    for n in (800, 5000):
        left, right = words(rng, n), words(rng, n)
        timed(
            f"scorer compare, {n:,} words a side",
            lambda left=left, right=right: f"score {compare(left, right).score}",
        )
    short = " ".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(5000))
    timed(
        "engine compare, 5,000 one-letter words a side",
        lambda: f"score {engine.compare(short, short[::-1]).score}",
    )
    same = "invoice paid to Tencent Holdings " + "a" * 120_000 + " via Alipay"
    mixed = "invoice paid to Tencent Holdings " + words(rng, 1, (120_000, 120_000)) + " via Alipay"
    for label, text in (("the same letter", same), ("random letters", mixed)):
        timed(
            f"text, one word of 120,000 {'times ' if label == 'the same letter' else ''}{label}",
            lambda text=text: f"{len(engine.screen(text, kind='text', as_of='2021-03-01').hits)} hits",
        )
    engines = [("built-in data", engine)]
    if "--lists" in sys.argv and DATA.is_dir():
        lists = [DATA / "ofac-sdn-2021", DATA / "ofac-consolidated-2025", DATA / "other"]
        engines.append(("built-in data and ../shared/data", Engine(load_dataset(lists=lists))))
    for name, eng in engines:
        for size in (100_000, 1_000_000):
            doc = document(eng, size)
            label = f"text, {size // 1000:,} KB of listed names ({name})".replace("1,000 KB", "1 MB")
            timed(
                label, lambda doc=doc, eng=eng: f"{len(eng.screen(doc, kind='text', as_of=DAY).hits):,} hits"
            )
    print("reproduce: .venv/bin/python benchmarks/bounds.py [--lists]")


if __name__ == "__main__":
    main()
