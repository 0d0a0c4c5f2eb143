"""nomenklatura's matcher as a brute-force baseline for benchmarks/batch.py. Runs in .venv-baselines
(`make baselines`), never in clearance's own environment.

    .venv-baselines/bin/python benchmarks/baselines/nomenklatura_scan.py LISTED.json QUERIES.json

LISTED.json: [{"id": ..., "kind": "person" | "organization", "names": [...], "weak": [...]}];
QUERIES.json: ["name", ...]. Each listed entry becomes a followthemoney Person or Organization (its
names as `name`, its weak aliases as `weakAlias`), each query a LegalEntity, which nomenklatura
compares as a person with persons and as an organization with organizations (clearance's `party`).
Every query is scored against every listed entity with `LogicV2.compare` and its default
configuration (nomenklatura's rule-based matcher; its `name_match` feature is the name matcher). Prints
JSON: algorithm, version, threshold, seconds_per_query (mean, after a warm-up scan that loads the
reference data and analyses the listed names), and matches: per query, the [id, score] of the entities
scoring at or above the threshold, best first.
"""

from __future__ import annotations

import json
import sys
import time
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import nomenklatura.matching.logic_v2.names.analysis as analysis
import nomenklatura.matching.logic_v2.names.match as match
from followthemoney import model
from nomenklatura.matching import LogicV2

# nomenklatura sets no threshold of its own; 0.70 is yente's (its screening API's) SCORE_THRESHOLD,
# the score from which a result is reported as a match.
THRESHOLD = 0.70

# Each listed entity's names are analysed once (the warm-up scan does it), as an index build would:
# nomenklatura caches the analysis for 1,000 entities (MEMO_BATCH), fewer than the lists hold, so a scan
# would otherwise analyse every listed name again for every query, which makes it about 5x slower.
for _function in ("entity_names", "entity_names_consolidated"):
    _cached = lru_cache(maxsize=None)(getattr(analysis, _function).__wrapped__)
    setattr(analysis, _function, _cached)
    setattr(match, _function, _cached)


def main() -> None:
    listed_doc = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    queries = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    listed = []
    for doc in listed_doc:
        entity = model.make_entity("Person" if doc["kind"] == "person" else "Organization")
        entity.id = doc["id"]
        entity.add("name", doc["names"])
        entity.add("weakAlias", doc["weak"])
        listed.append(entity)
    config = LogicV2.default_config()

    def scan(number: int, name: str) -> list[tuple[str, float]]:
        query = model.make_entity("LegalEntity")
        query.id = f"q{number}"
        query.add("name", name)
        scores = ((str(e.id), LogicV2.compare(query, e, config).score) for e in listed)
        return sorted(((i, round(s, 3)) for i, s in scores if s >= THRESHOLD), key=lambda m: -m[1])

    scan(-1, queries[0])  # warm-up: reference data loaded, listed names analysed
    start = time.perf_counter()
    matches = [scan(i, q) for i, q in enumerate(queries)]
    seconds = (time.perf_counter() - start) / len(queries)
    json.dump(
        {
            "algorithm": LogicV2.NAME,
            "version": version("nomenklatura"),
            "threshold": THRESHOLD,
            "seconds_per_query": seconds,
            "matches": matches,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
