"""What the channels record in the case store (`--record`, and the service's `/channels`), from the
item records they write.

A channel item's record (a payment, a device's app, a holding) becomes one decision per field that hit
(the party is the field's value: a debtor's or creditor's name, an app), each with all its hits and
the item's record (references, amount and currency when the message has them) for the reports; an
item with no hit is one decision about no party.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from clearance.screening.engine import Engine
from clearance.store import Store
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Recorded, Screened, record
from clearance.version import __version__


def _territory_hit(found: Mapping[str, Any]) -> dict[str, Any]:
    """An embargoed place a field named (Sevastopol, an Iranian IBAN) as a hit: its alert names the
    territory and its measures, as an entity's would."""
    return {
        "entity_id": f"territory:{found.get('territory', '')}",
        "name": found.get("name", ""),
        "matched_name": found.get("matched", ""),
        "score": 1.0,
        "decision": found.get("decision", "review"),
        "lists": ["territories"],
        "measures": found.get("measures", []),
        "explanation": found.get("explanation", ""),
    }


def channel_results(item: Mapping[str, Any]) -> Iterator[Screened]:
    """A channel item record as one `Screened` per field that hit, or one about no party."""
    base = {
        "kind": "party",
        "as_of": item.get("item_as_of") or item.get("as_of"),
        "activity": item.get("activity") or "any",
        "engine_version": item.get("engine_version", __version__),
        "data_versions": item.get("data_versions", {}),
        "thresholds": {},
        "evidence": {},
        "item": {k: v for k, v in item.items() if k != "findings"},
    }
    reference = str(item.get("key") or "")
    hit_fields = [f for f in item.get("findings", ()) if f.get("hits") or f.get("territories")]
    for finding in hit_fields:
        field = finding.get("field", {})
        hits = [*finding.get("hits", ()), *(_territory_hit(t) for t in finding.get("territories", ()))]
        result = {
            **base,
            "query": str(field.get("value", "")),
            "decision": finding["decision"],
            "hits": hits,
            "field": field,
        }
        yield Screened(result=result, reference=reference)
    if not hit_fields and item.get("decision") in ("review", "block"):
        # a decision that needs a person with no field to blame (gaps in the data): the item is the party
        yield Screened(
            result={
                **base,
                "query": reference,
                "decision": item["decision"],
                "hits": [],
                "reasons": item.get("reasons", []),
                "warnings": item.get("warnings", []),
            },
            reference=reference,
            party_reference=f"item:{reference}",
        )
    elif not hit_fields:
        yield Screened(
            result={**base, "query": reference, "decision": item.get("decision", "clear"), "hits": []},
            reference=reference,
            party=False,
        )


def record_channel_records(
    store: Store, engine: Engine, items: Iterable[Mapping[str, Any]], *, channel: str, actor: str
) -> Recorded:
    """Record channel item records (those with `"record": "item"`)."""
    screened = (s for item in items if item.get("record") == "item" for s in channel_results(item))
    return record(store, screened, source=channel, actor=actor, fingerprint=Fingerprints(engine.entities))
