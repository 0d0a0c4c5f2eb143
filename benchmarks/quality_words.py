"""Issue 17, first measure: common words must not hit. Every word of wordfreq's frequency lists is
screened against all the lists in ../shared/data, as a party name and as free text; a compliance team
would see each block or review as a false alert. Targets: no block at all, a review rate under 0.5%.

Also news prose (the same lists, as text): each article should hit only the parties it names.
"""

from __future__ import annotations

import csv
from collections import Counter
from importlib.metadata import version
from pathlib import Path

from pypinyin import lazy_pinyin
from quality_common import ALL_LISTS, AS_OF, SHARED, engine_for, heading, progress, shown
from wordfreq import top_n_list

from clearance import Engine
from clearance.faces.evaluation import Tally, hit_line, screen_clear
from clearance.screening.results import Result

# language, how many of its most frequent words
LANGUAGES = [("en", 10_000), ("fr", 2_000), ("es", 2_000), ("de", 2_000), ("zh", 2_000)]
# scripts clearance writes in Latin letters (Arabic and Persian as their consonants), counted apart from
# the target's five languages
OTHER_SCRIPTS = [("ar", 1_000), ("fa", 1_000), ("ru", 1_000)]
KINDS = ("party", "text")
MAX_REVIEW_RATE = 0.005
ROOT = Path(__file__).resolve().parent.parent
NEWS_DIRS = [ROOT / "tests" / "data" / "news", SHARED.parent / "news", SHARED / "news"]


def word_lists() -> dict[str, list[str]]:
    """The words by language. Chinese words are screened as pinyin, syllables joined without spaces as
    pinyin orthography writes a word (中国 -> zhongguo), so that a word stays one token; words with the
    same pinyin are screened once."""
    lists = {}
    for lang, count in LANGUAGES:
        words = top_n_list(lang, count)
        if lang == "zh":
            words = list(dict.fromkeys("".join(lazy_pinyin(w)) for w in words))
        lists[lang] = words
    return lists


def verdict(total: Tally) -> str:
    blocks = "met" if total.blocks == 0 else f"MISSED ({total.blocks} blocks)"
    share = total.reviews / total.screened if total.screened else 0.0
    reviews = "met" if share < MAX_REVIEW_RATE else f"MISSED ({share:.2%})"
    return f"  targets: no block: {blocks}; review rate < {MAX_REVIEW_RATE:.1%}: {reviews}"


def causes(flagged: list[tuple[str, str, Result]], top: int = 12) -> list[str]:
    """The listed names behind most flags (the first hit of each flagged screening), and how they matched."""
    names = Counter(f"{r.hits[0].entity.id} {r.hits[0].matched_name!r}" for _, _, r in flagged if r.hits)
    by = Counter(str(r.hits[0].by) for _, _, r in flagged if r.hits)
    lines = [f"  flagged screenings by how the first hit matched: {dict(by.most_common())}"]
    lines.append(f"  listed names behind the most flags (first hit), of {len(names)} distinct:")
    lines += [f"    {n:4d}  {name}" for name, n in names.most_common(top)]
    return lines


def run(errors: bool) -> list[str]:
    words = word_lists()
    engine = engine_for(ALL_LISTS)
    out = [
        heading(
            "common words as party names and as free text (issue 17: no block, review rate < 0.5%)",
            ".venv/bin/python benchmarks/quality.py --only words --errors",
            ALL_LISTS,
        ),
        f"words: wordfreq {version('wordfreq')} top_n_list "
        + ", ".join(f"{lang} {n:,}" for lang, n in LANGUAGES)
        + f"; zh as pinyin joined without spaces (lazy_pinyin), {len(words['zh']):,} distinct",
    ]
    flagged: list[tuple[str, str, Result]] = []
    for kind in KINDS:
        total = Tally()
        for lang, ws in words.items():
            tally, bad = screen_clear(
                engine, ws, kind=kind, as_of=AS_OF, progress=progress(f"{kind} {lang}", len(ws))
            )
            out.append(tally.line(f"{kind:5} {lang}"))
            total += tally
            flagged += [(kind, lang, r) for r in bad]
        out.append(total.line(f"{kind:5} all"))
        out.append(verdict(total))
    out.append("other scripts, counted apart: " + ", ".join(f"{lang} {n:,}" for lang, n in OTHER_SCRIPTS))
    for kind in KINDS:
        for lang, count in OTHER_SCRIPTS:
            ws = top_n_list(lang, count)
            tally, bad = screen_clear(engine, ws, kind=kind, as_of=AS_OF)
            out.append(tally.line(f"{kind:5} {lang}"))
            flagged += [(kind, lang, r) for r in bad]
    out += causes(flagged)
    if errors:
        out.append("every flagged word (kind, language, decision, word: its hits, three at most):")
        for kind, lang, r in flagged:
            out.append(f"  [{kind} {lang}] {r.decision.upper()} {r.query!r}")
            out += [f"      {hit_line(h)}" for h in r.hits[:3]]
            if len(r.hits) > 3:
                out.append(f"      ... and {len(r.hits) - 3} more hits")
    return out


def articles(news: Path | None) -> list[Path]:
    folders = [news] if news else [d for d in NEWS_DIRS if d.is_dir()]
    return sorted(p for d in folders for p in d.glob("*.txt"))


def run_news(news: Path | None) -> list[str]:
    command = ".venv/bin/python benchmarks/quality.py --only news" + (f" --news {news}" if news else "")
    out = [
        heading(
            "news prose as free text (issue 17: hits only on parties the article names)", command, ALL_LISTS
        )
    ]
    found = articles(news)
    if not found:
        searched = ", ".join(shown(d) for d in ([news] if news else NEWS_DIRS))
        out.append(
            f"no news articles found (searched {searched}, and ../shared for news text: none there); "
            "pass --news DIR with one article per .txt file"
        )
        return out
    engine: Engine = engine_for(ALL_LISTS)
    named = _named(found)
    stray_total = missed_total = 0
    for path in found:
        result = engine.screen(path.read_text(encoding="utf-8"), kind="text", as_of=AS_OF)
        blocks = sum(1 for h in result.hits if h.decision == "block")
        out.append(
            f"{path.name}: {len(result.query):,} chars, hits {len(result.hits)}, of which block {blocks}"
        )
        names = named.get(path.name)
        if names is None:
            out += [f"    {hit_line(h)}" for h in result.hits]
            continue
        # the entities each named party is, screened on its own: a hit on another is a stray
        expected = {h.entity.id for name in names for h in engine.screen(name, as_of=AS_OF).hits}
        found_ids = {h.entity.id for h in result.hits}
        strays = [h for h in result.hits if h.entity.id not in expected]
        missed = [
            n for n in names if not {h.entity.id for h in engine.screen(n, as_of=AS_OF).hits} & found_ids
        ]
        stray_total, missed_total = stray_total + len(strays), missed_total + len(missed)
        out.append(f"    named {len(names)}, missed {len(missed)}: {missed}; stray hits {len(strays)}")
        out += [f"    stray: {hit_line(h)}" for h in strays]
    if named:
        out.append(f"all articles: stray hits {stray_total}, named parties missed {missed_total}")
        out.append("  (named.csv beside the articles lists the parties each names, as written there)")
    else:
        out.append("check by reading: each hit should be a party the article names")
    return out


def _named(found: list[Path]) -> dict[str, list[str]]:
    """article file name -> the parties it names (named.csv beside the articles), when there is one."""
    out: dict[str, list[str]] = {}
    for table in {p.parent / "named.csv" for p in found}:
        if table.is_file():
            with table.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    out.setdefault(row["article"], []).append(row["name"])
    return out
