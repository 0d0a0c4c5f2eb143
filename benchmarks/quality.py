"""Matching quality: precision and recall on the labelled sets, and the measures of issue 17.

    .venv/bin/python benchmarks/quality.py [--errors] [--only words,news,un,pairs] [--news DIR]

Sections, each printing its figures, the command that reproduces them, the lists and the date screened:

- words (quality_words.py): 18,000 common words of five languages (wordfreq), as party names and as
  free text, against every list in ../shared/data. Targets: no block, a review rate under 0.5%.
- news (quality_words.py): news articles as free text; hits only on parties they name. --news DIR.
- un (quality_un.py): yente's UN benchmark (tests/data/yente_un_benchmark): recall of 683 UN-listed
  names, some mangled, and the alert rate on 2,000 innocents, beside a rapidfuzz baseline.
- kinds: tests/data/name_kinds.csv, our labelled pairs per kind of variation (titles, particles, comma
  order, transliteration, typos, everyday words ...), with precision, recall and F1 overall and by kind.
- scores (quality_scores.py): what a score means against every list: the share of right hits per band.
- pairs: the labelled sets in tests/data against the built-in data: name_pairs.csv (pairs of names,
  same party or not, scored with `compare`) and screening_cases.csv (queries with the entity each must
  hit or none). The figures quoted in the README, a calibration table (share of true matches per score
  band).

With --errors, every case each section gets wrong. Progress goes to standard error.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import quality_scores
import quality_un
import quality_words
from quality_common import TEST_DATA, heading, say

from clearance import Engine, load_dataset
from clearance.datasets.policy import DataPolicy
from clearance.domain.enums import OnStale
from clearance.faces.evaluation import calibration, f1, kinds, pairs, report, screening

SECTIONS = ("words", "news", "un", "pairs", "kinds", "scores")


def run_pairs(errors: bool) -> list[str]:
    # the built-in data alone, as the labelled screening cases are written against it: no sanctions list
    # is loaded, which the data policy should only warn about here
    engine = Engine(load_dataset(home=TEST_DATA / "no-home", policy=DataPolicy(on_stale=OnStale.WARN)))
    pc, perr, scored = pairs(engine, TEST_DATA / "name_pairs.csv")
    sc, serr = screening(engine, TEST_DATA / "screening_cases.csv")
    out = [
        heading(
            "labelled sets: name pairs and screening cases",
            ".venv/bin/python benchmarks/quality.py --only pairs --errors",
            "none (the built-in data alone)",
            as_of="2021-03-01 (screening cases)",
        ),
        report("name pairs (compare)", pc),
        report("screening cases (screen)", sc),
        "calibration on the name pairs:",
        *calibration(scored),
    ]
    return out + (perr + serr if errors else [])


def run_kinds(errors: bool) -> list[str]:
    engine = Engine(load_dataset(home=TEST_DATA / "no-home", policy=DataPolicy(on_stale=OnStale.WARN)))
    overall, by_category, wrong = kinds(engine, TEST_DATA / "name_kinds.csv")
    out = [
        heading(
            "name kinds: our labelled pairs, a set per kind of variation (tests/data/name_kinds.csv)",
            ".venv/bin/python benchmarks/quality.py --only kinds --errors",
            "none (pairs scored with compare, by the rules of the listed side's kind)",
        ),
        report("all kinds", overall) + f", F1 {f1(overall):.3f}",
        *(
            f"  {category}: {sum(c.values())} cases, {c['tp'] + c['tn']} right; missed matches "
            f"{c['fn']} of {c['tp'] + c['fn']}, false matches {c['fp']} of {c['fp'] + c['tn']}"
            for category, c in sorted(by_category.items())
        ),
    ]
    return out + (wrong if errors else [])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--errors", action="store_true", help="print every case each section gets wrong")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections: {', '.join(SECTIONS)}"
    )
    parser.add_argument("--news", type=Path, help="a folder of news articles, one per .txt file")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}: choose from {', '.join(SECTIONS)}")
    runs = {
        "words": lambda: quality_words.run(args.errors),
        "news": lambda: quality_words.run_news(args.news),
        "un": lambda: quality_un.run(args.errors),
        "pairs": lambda: run_pairs(args.errors),
        "kinds": lambda: run_kinds(args.errors),
        "scores": quality_scores.run,
    }
    for section in SECTIONS:
        if section in chosen:
            start = time.perf_counter()
            print("\n".join(runs[section]()), flush=True)
            say(f"section {section}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
