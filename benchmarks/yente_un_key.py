"""Write the answer key of yente's UN benchmark: for each query, the entity of our UN list it should find.

    .venv/bin/python benchmarks/yente_un_key.py

yente's fixture (tests/data/yente_un_benchmark/positives_un_treated.csv) has no ids: its names were
taken from OpenSanctions' `un_sc_sanctions` dataset and some were mangled (typos, "Last, First"). The
untreated file of the same rows (positives_un_untreated.csv, row for row) gives the original names.
The key is made without clearance's matcher, by exact equality after NFKC, case folding and
whitespace collapsing, against every name of every record of ../shared/data/other/un-consolidated-2026.xml:

1. the query itself, or the query with yente's "Last, First" swap undone, equals a listed name;
2. else the original (untreated) name equals a listed name, if the two rows are the same person: their
   years of birth within one year (yente's treatment may add one to a date part), or their names close
   (rapidfuzz token_sort_ratio >= 80). The two files were built from different versions of the dataset:
   a few rows name different people, and some dates of birth changed;
3. a name held by several records is settled by the year of birth; when it does not settle (one person
   listed twice, under two regimes), every such record is in the key and a hit on any of them counts.

Unkeyed rows (a person since delisted, or a name the 2026 file spells differently) are written with an
empty entity_id and left out of recall, and the benchmark says how many there are.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict

from quality_common import ROOT, TEST_DATA, UN_FILE
from rapidfuzz import fuzz

from clearance.datasets.lists.reading import read
from clearance.domain.model import Entity

FIXTURES = TEST_DATA / "yente_un_benchmark"
KEY = FIXTURES / "expected_un.csv"
COLUMNS = ["row", "query", "original", "entity_id", "un_reference", "how"]


def norm(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def unswap(name: str) -> str:
    """yente's "Last, First" treatment undone: 'B C, A' -> 'A B C' (the treatment moves the first word)."""
    head, sep, first = name.rpartition(", ")
    return f"{first} {head}" if sep and " " not in first else name


def years(text: str) -> set[int]:
    return {int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", text)}


def near(a: set[int], b: set[int]) -> bool:
    """Years of birth that may be the same person's: either unknown, or within one year."""
    return not a or not b or any(abs(x - y) <= 1 for x in a for y in b)


def build() -> list[dict[str, str]]:
    entities = [e for data in read([UN_FILE]) for e in data.entities]
    by_name: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        for n in e.all_names():
            by_name[norm(n.value)].add(e.id)
    by_id: dict[str, Entity] = {e.id: e for e in entities}
    born = {e.id: years(" ".join(v for k, v in e.details if k == "dob")) for e in entities}

    def rows(name: str) -> list[dict[str, str]]:
        with (FIXTURES / name).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    treated, untreated = rows("positives_un_treated.csv"), rows("positives_un_untreated.csv")
    assert len(treated) == len(untreated), "the treated and untreated files must align row for row"
    key = []
    for i, (t, u) in enumerate(zip(treated, untreated, strict=True), start=1):
        t_years, u_years = years(t["date_of_birth"]), years(u["date_of_birth"])
        found: set[str] = set()
        how = "query equals a listed name"
        for form in (t["full_name"], unswap(t["full_name"])):
            found |= by_name.get(norm(form), set())
        same = (
            near(t_years, u_years) or fuzz.token_sort_ratio(norm(t["full_name"]), norm(u["full_name"])) >= 80
        )
        if not found and same:
            found, how = set(by_name.get(norm(u["full_name"]), set())), "original name equals a listed name"
        if len(found) > 1:
            settled = {eid for eid in found if t_years and near(t_years, born[eid])}
            found = settled or found
            how += ", settled by year of birth" if len(found) == 1 else ", several records: any counts"
        ids = sorted(found)
        refs = [next((x.value for x in by_id[e].identifiers if x.scheme == "un_reference"), "") for e in ids]
        if not ids:
            how = "no listed name equals it, nor its original"
        values = [str(i), t["full_name"], u["full_name"], ";".join(ids), ";".join(refs), how]
        key.append(dict(zip(COLUMNS, values, strict=True)))
    return key


def main() -> None:
    key = build()
    with KEY.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(key)
    keyed = sum(1 for k in key if k["entity_id"])
    print(f"{KEY.relative_to(ROOT)}: {len(key)} rows, {keyed} keyed, {len(key) - keyed} unkeyed")
    for k in key:
        if not k["entity_id"]:
            print(f"  unkeyed row {k['row']}: {k['query']!r} (original {k['original']!r}): {k['how']}")


if __name__ == "__main__":
    main()
