"""What the batch records in the case store (`batch --record`), from the records it wrote.

A batch row's record becomes a decision about the row's party, known by the row's own id when the
batch had one (`--id-col`: a customer number), else by its name, with its best hit as the alert. The
batch writes only its best hit per row: a row that hits several listed entities opens one alert, for
the best; the analyst sees the others by screening the name again from the case.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from clearance.screening.engine import Engine
from clearance.screening.results import listing_documents
from clearance.store import Store
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Recorded, Screened, record
from clearance.version import __version__


def _measures(engine: Engine, text: str) -> list[dict[str, str]]:
    """`us-eo-13971:in_force:review;...` as measure documents, with each measure's name, title and
    citation from the engine's data."""
    out = []
    for part in filter(None, (text or "").split(";")):
        bits = part.split(":")
        measure = engine.dataset.measures.get(bits[0])
        out.append(
            {
                "id": bits[0],
                "short": measure.short if measure else bits[0],
                "title": measure.title if measure else "",
                "citation": measure.citation if measure else "",
                "state": bits[1] if len(bits) > 1 else "",
                "effect": bits[2] if len(bits) > 2 else "",
            }
        )
    return out


def _listings(engine: Engine, entity_id: str) -> list[dict[str, Any]]:
    entity = engine.entities.get(entity_id)
    return listing_documents(entity) if entity is not None else []


def batch_result(row: Mapping[str, Any], engine: Engine) -> dict[str, Any]:
    """A batch output record as a result document (its best hit as the hit)."""
    hits = []
    if row.get("best_entity_id"):
        hits.append(
            {
                "entity_id": row["best_entity_id"],
                "name": row.get("best_name", ""),
                "matched_name": row.get("best_matched_name", ""),
                "score": float(row.get("score") or 0.0),
                "decision": row["decision"],
                "lists": [x for x in str(row.get("best_lists", "")).split(";") if x],
                "measures": _measures(engine, str(row.get("measures", ""))),
                "listings": _listings(engine, str(row["best_entity_id"])),
            }
        )
    versions = row.get("data_versions") or "{}"
    return {
        "query": row["name"],
        "kind": row.get("kind") or "party",
        "as_of": row["as_of"],
        "activity": row.get("activity") or "any",
        "decision": row["decision"],
        "hits": hits,
        "engine_version": __version__,
        "data_versions": json.loads(versions) if isinstance(versions, str) else versions,
        "thresholds": {"review": engine.config.review, "strong": engine.config.strong},
        "evidence": {},
        "batch_record": dict(row),
    }


def _batch_rows(path: Path) -> Iterator[dict[str, Any]]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            yield from csv.DictReader(handle)
    elif path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)
    else:
        import pyarrow.dataset as ds  # a Parquet folder

        for batch in ds.dataset(str(path), format="parquet").to_batches():
            yield from batch.to_pylist()


def record_batch_file(
    store: Store, engine: Engine, output: Path, *, actor: str, ids_name_parties: bool
) -> Recorded:
    """Record every row of a batch's output (.csv, .jsonl or a Parquet folder). `ids_name_parties`:
    the rows' ids are the user's own ids of the parties (`--id-col`), so a party is known by its id;
    otherwise (ids are line numbers) by its kind and name."""
    screened = (
        Screened(
            result=batch_result(row, engine),
            reference=str(row["row_id"]),
            party_reference=str(row["row_id"]) if ids_name_parties else None,
        )
        for row in _batch_rows(output)
    )
    return record(store, screened, source="batch", actor=actor, fingerprint=Fingerprints(engine.entities))
