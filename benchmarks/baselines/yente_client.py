"""A client written for yente, not for clearance, pointed at clearance: nomenklatura's `YenteEnricher`
(nomenklatura 4.17.4, pinned in requirements.txt beside this file). Run it with the baselines'
interpreter (`make baselines` builds .venv-baselines; clearance itself is not installed there):

    .venv-baselines/bin/python benchmarks/baselines/yente_client.py --api http://127.0.0.1:8000/ \\
        --key "$KEY" --queries queries.json [--dataset default] [--expand QUERY_ID]

`queries.json` is a list of query entities as a yente client has them: `[{"id", "schema",
"properties"}]`. For each, the enricher's `match` (it POSTs `/match/{dataset}` with the properties
FtM calls matchable, and sends the key as `Authorization: ApiKey <key>`); then, for `--expand`, its
`expand` of that query's first match (it GETs `/entities/{id}?nested=true` and walks the nested
entities). Prints one JSON document:

    {"matches": {"<query id>": [{"id", "schema", "caption", "topics"}]},
     "expanded": [{"id", "schema", "caption"}]}

and exits 0; an error of the enricher (`EnrichmentException`, `EnrichmentAbort`) exits 1 with its
message on standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from followthemoney import Dataset, StatementEntity
from nomenklatura.cache import Cache
from nomenklatura.db import make_session
from nomenklatura.enrich.common import EnrichmentAbort, EnrichmentException
from nomenklatura.enrich.yente import YenteEnricher


def summary(entity: StatementEntity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "schema": entity.schema.name,
        "caption": entity.caption,
        "topics": sorted(entity.get("topics", quiet=True)),
    }


def run(
    api: str, key: str, dataset_name: str, queries: list[dict[str, Any]], expand: str | None
) -> dict[str, Any]:
    dataset = Dataset.make({"name": "clearance_client", "title": "A yente client pointed at clearance"})
    with tempfile.TemporaryDirectory() as tmp:
        session = make_session(f"sqlite:///{Path(tmp) / 'nk.db'}")
        cache = Cache(session, dataset, create=True)
        config: dict[str, Any] = {"api": api, "api_key": key, "dataset": dataset_name, "cache_days": 0}
        enricher = YenteEnricher(dataset, cache, config)
        try:
            matches: dict[str, list[StatementEntity]] = {}
            for data in queries:
                entity = StatementEntity.from_data(dataset, data)
                matches[str(entity.id)] = list(enricher.match(entity))
            expanded: list[StatementEntity] = []
            if expand is not None:
                query = StatementEntity.from_data(dataset, next(q for q in queries if q["id"] == expand))
                found = matches[expand]
                if found:
                    expanded = list(enricher.expand(query, found[0]))
        finally:
            enricher.close()
    return {
        "matches": {qid: [summary(m) for m in found] for qid, found in matches.items()},
        "expanded": [{"id": e.id, "schema": e.schema.name, "caption": e.caption} for e in expanded],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="the service's base URL, ending in /")
    parser.add_argument("--key", required=True, help="an analyst's key")
    parser.add_argument("--dataset", default="default")
    parser.add_argument("--queries", required=True, type=Path, help="a JSON list of query entities")
    parser.add_argument("--expand", help="the id of the query whose first match to expand")
    args = parser.parse_args()
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    try:
        doc = run(args.api, args.key, args.dataset, queries, args.expand)
    except (EnrichmentException, EnrichmentAbort) as exc:
        print(f"yente client: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(doc, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
