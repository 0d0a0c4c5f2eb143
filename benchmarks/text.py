"""Free-text screening (issue 18): seconds and hits of `Engine.screen(doc, kind="text")` on 1 MB documents.

    .venv/bin/python benchmarks/text.py [--runs N]

Every list in ../shared/data is loaded (`quality_common.engine_for`), once; each document is screened
`--runs` times (default 3), one fresh `screen` call each, and the median is printed with MB/s, the hits
(one per listed entity, however many times the text names it), their occurrences in the text, the hits
decided review or block, and the entities named most often. Three seeded documents of 1 MB:

1. prose: ordinary English sentences, made up here from wordfreq's 5,000 commonest English words (no
   installed package carries prose: no nltk) with ordinary first names, cities, numbers and dates;
2. news: the five articles of tests/data/news repeated, dense with listed names;
3. common names: "Smith", "Mohammed Ali", "Kim", "Wang Wei"... in short varied sentences.

Targets: prose <= 2 s, common names <= 5 s. The first text screen of a process builds what the text scan
needs and `prepare()` does not: it is a one-sentence warm-up, timed apart. A naive baseline runs beside:
rapidfuzz `process.extract` (fuzz.ratio >= the review threshold) of every window of 1-3 words against
every listed name, on the first 10 KB of the prose only (a whole MB would take hours), extrapolated to
1 MB. Last, cProfile of one screen of the prose: the top 15 functions by cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import Counter

import rapidfuzz
from quality_common import ALL_LISTS, AS_OF, TEST_DATA, engine_for, shown
from rapidfuzz import fuzz, process
from wordfreq import top_n_list

from clearance import Decision, Engine, Result
from clearance.matching.normalise import name_form

COMMAND = ".venv/bin/python benchmarks/text.py"
SIZE = 1_000_000  # characters of each document (the news has a few non-ASCII ones: MB/s counts UTF-8)
BASELINE_SIZE = 10_000
TARGETS = {"prose": 2.0, "common names": 5.0}
FIRST = "James Mary Robert Linda Michael Sarah David Emma Thomas Laura Daniel Anna Peter Claire Paul".split()
CITIES = "London Paris Leeds Boston Denver Lyon Bristol Oslo Dublin Chicago Madrid Glasgow Vienna".split()
MONTHS = "January February March April May June July August September October November December".split()
COMMON = ["Smith", "Mohammed Ali", "Kim", "Wang Wei", "Maria Garcia", "Ahmed Hassan", "John", "Li"]
SENTENCES = [
    "{a} met {b} in {city}.",
    "{a} and {b} signed the contract on {date}.",
    "Payment from {a} to {b}, invoice {n}.",
    "{a} said that {b} would call back on Monday.",
    "Please ask {a} about the order.",
    "{a}, {b} and {c} attended the meeting.",
    "The parcel for {a} arrived in {city}.",
    "{a} paid {n} dollars to {b}.",
    "Thanks to {a} for the help.",
    "Dear {a}, your account number is {n}.",
]


def date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(1990, 2025)}"


def to_size(parts: list[str], size: int) -> str:
    """The parts joined, cut at the last space before `size` characters."""
    text = "".join(parts)[:size]
    return text[: text.rfind(" ")] if len(text) == size else text


def prose(size: int, seed: int = 18) -> str:
    """Seeded English-like prose: sentences of 6-22 words drawn by frequency (weight 1 / (rank + 8)),
    the first capitalised, with commas, and now and then a first name, a city, a number or a date."""
    rng = random.Random(seed)
    vocab = [w for w in top_n_list("en", 5000) if w.isalpha()]
    weights = [1 / (rank + 8) for rank in range(len(vocab))]
    parts: list[str] = []
    total = 0
    while total < size:
        words = rng.choices(vocab, weights, k=rng.randint(6, 22))
        for i in range(len(words)):
            roll = rng.random()
            if roll < 0.03:
                words[i] = rng.choice(FIRST)
            elif roll < 0.05:
                words[i] = f"in {rng.choice(CITIES)}"
            elif roll < 0.07:
                words[i] = str(rng.choice([rng.randint(2, 99), rng.randint(100, 20_000)]))
            elif roll < 0.13 and i < len(words) - 1:
                words[i] += ","
        if rng.random() < 0.15:
            words.append(f"on {date(rng)}")
        words = [w if w != "i" else "I" for w in words]
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice("......?")
        sentence += "\n\n" if rng.random() < 0.15 else " "
        parts.append(sentence)
        total += len(sentence)
    return to_size(parts, size)


def news(size: int) -> str:
    """The five news articles, one after another, repeated."""
    articles = "\n\n".join(p.read_text() for p in sorted((TEST_DATA / "news").glob("*.txt")))
    return to_size([articles + "\n\n"] * (size // len(articles) + 1), size)


def common_names(size: int, seed: int = 18) -> str:
    """Short seeded sentences each naming one to three common names."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        a, b, c = (rng.choice(COMMON) for _ in range(3))
        sentence = rng.choice(SENTENCES).format(
            a=a, b=b, c=c, city=rng.choice(CITIES), date=date(rng), n=rng.randint(10, 99_999)
        )
        parts.append(sentence + ("\n" if rng.random() < 0.1 else " "))
        total += len(parts[-1])
    return to_size(parts, size)


def timed_screen(engine: Engine, doc: str) -> tuple[float, Result]:
    start = time.perf_counter()
    result = engine.screen(doc, kind="text", as_of=AS_OF)
    return time.perf_counter() - start, result


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} CPUs)"


def report(label: str, doc: str, times: list[float], result: Result) -> float:
    """Print the figures of one document; return the median seconds."""
    median = statistics.median(times)
    mb = len(doc.encode()) / 1e6
    hits = result.hits
    flagged = Counter(h.decision for h in hits if h.decision is not Decision.CLEAR)
    target = TARGETS.get(label)
    verdict = f"target <= {target:g} s: {'met' if median <= target else 'MISSED'}" if target else "no target"
    print(
        f"{label:<13} {mb:.2f} MB  median {median:6.2f} s (runs {', '.join(f'{t:.2f}' for t in times)})"
        f"  {mb / median:6.2f} MB/s  {verdict}"
    )
    occurrences = sum(len(h.occurrences) for h in hits)
    print(
        f"{'':<13} {len(hits):,} hits (one per listed entity), {occurrences:,} occurrences in the text, "
        f"{flagged[Decision.REVIEW]:,} review, {flagged[Decision.BLOCK]:,} block; decision {result.decision}"
    )
    for hit in sorted(hits, key=lambda h: (-len(h.occurrences), h.entity.id))[:6]:
        texts = Counter(text for _, _, text in hit.occurrences).most_common(2)
        print(
            f"{'':<15} {len(hit.occurrences):>6,} x {hit.entity.name!r} via {hit.matched_name!r} "
            f"({hit.decision}): " + ", ".join(f"{text!r} x{count:,}" for text, count in texts)
        )
    return median


def baseline(engine: Engine, doc: str) -> tuple[float, int, int, int]:
    """rapidfuzz over every window of 1-3 words of `doc` (normalised by clearance's `name_form`, as the
    listed names are, beforehand): seconds, windows, windows matching some name, matches."""
    choices = [" ".join(n.form.tokens) for n in engine.matcher.index.names]
    cutoff = engine.config.review * 100
    start = time.perf_counter()
    words = re.findall(r"[\w'-]+", doc)
    windows = [" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)]
    matched = found = 0
    for window in windows:
        query = " ".join(name_form(window).tokens)
        if not query:
            continue
        best = process.extract(
            query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
        )
        matched += bool(best)
        found += len(best)
    return time.perf_counter() - start, len(windows), matched, found


def profile(engine: Engine, doc: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    engine.screen(doc, kind="text", as_of=AS_OF)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(15)
    lines = out.getvalue().strip().splitlines()
    start = next(i for i, line in enumerate(lines) if "function calls" in line)
    print("\n".join(line for line in lines[start:] if line.strip()))


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    print(f"reproduce: {COMMAND}" + (f" --runs {runs}" if runs != 3 else ""))
    print(f"lists: {', '.join(shown(p) for p in ALL_LISTS)}")
    print(f"as of: {AS_OF}; before: {load()}")
    engine = engine_for(ALL_LISTS)
    print(f"{len(engine.matcher.index):,} names indexed; review threshold {engine.config.review:g}")
    seconds, _ = timed_screen(engine, "The weather in Lisbon was mild on Tuesday.")
    print(f"first text screen of the process (one sentence, warm-up, not counted): {seconds:.2f} s")

    docs = {"prose": prose(SIZE), "news": news(SIZE), "common names": common_names(SIZE)}
    print(f"\n== text screening, median of {runs} runs per document")
    medians = {}
    for label, doc in docs.items():
        times, result = [], None
        for _ in range(runs):
            seconds, result = timed_screen(engine, doc)
            times.append(seconds)
        assert result is not None
        medians[label] = report(label, doc, times, result)

    head = docs["prose"][:BASELINE_SIZE]
    seconds, windows, matched, found = baseline(engine, head)
    scale = SIZE / len(head)
    print(
        f"\n== naive baseline: rapidfuzz {rapidfuzz.__version__} process.extract, "
        f"fuzz.ratio >= {engine.config.review * 100:g}, every window of 1-3 words of the prose against "
        f"all {len(engine.matcher.index):,} listed names"
    )
    print(
        f"measured on the first {len(head):,} characters only: {seconds:.2f} s for {windows:,} windows "
        f"({windows - matched:,} with no match, {matched:,} with {found:,} matches)"
    )
    print(
        f"extrapolated to 1 MB (x{scale:.0f}, linear): {seconds * scale:,.0f} s "
        f"(~{seconds * scale / 60:.0f} min), {seconds * scale / medians['prose']:,.0f}x the screen's "
        f"median {medians['prose']:.2f} s"
    )

    print("\n== cProfile of one screen of the 1 MB prose (top 15 by cumulative time; profiling slows it)")
    profile(engine, docs["prose"])
    print(f"\nafter: {load()}")


if __name__ == "__main__":
    main()
