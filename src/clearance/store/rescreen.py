"""Screening stored parties again against what changed in the data, and only that.

The baseline (table `baseline`) holds each listed entity's fingerprint as the last rescreen saw it. A
rescreen:
1. fingerprints the engine's entities now and compares: new entities and entities whose fingerprint
   changed (a new alias, a new measure or a measure's new state, a new owner in the graph, a new
   derived reach) are the diff; entities gone are counted, not screened;
2. builds a matcher over the diff alone, with the full data behind it for deciding (ownership paths,
   measures), and screens every stored party (name, kind and the evidence it was screened with)
   against it: the cost is the parties' normalisation, not the lists';
3. records a decision for each party with a review or block hit among them (source `rescreen`): new
   alerts open (an alert already open for the same entity and fingerprint is not repeated; the
   allowlist suppresses what it covers);
4. replaces the baseline and appends one `rescreen` audit record with the counts and data versions.

The baseline starts as the entities the first recorded decisions saw (`recording.start_baseline`).
With none at all (nothing was ever recorded), a rescreen sets it and screens nothing unless
`full=True`: "what changed" needs a starting point.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from clearance.matching.matcher import Matcher
from clearance.screening.engine import Engine
from clearance.store.fingerprints import Fingerprints
from clearance.store.integrity import baseline_digest
from clearance.store.recording import Screened, record
from clearance.store.schema import baseline, parties
from clearance.store.store import Store
from clearance.store.users import user_name


@dataclass(frozen=True, slots=True)
class Diff:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    first: bool  # no baseline before

    @property
    def screened(self) -> tuple[str, ...]:
        return self.added + self.changed


def diff(store: Store, now: dict[str, str]) -> Diff:
    """The entities added, changed and removed since the baseline."""
    with store.reading() as connection:
        before = {r.entity_id: r.fingerprint for r in connection.execute(select(baseline))}
    added = tuple(sorted(e for e in now if e not in before))
    changed = tuple(sorted(e for e in now if e in before and before[e] != now[e]))
    removed = tuple(sorted(e for e in before if e not in now))
    return Diff(added, changed, removed, first=not before)


def stored_parties(store: Store) -> Iterator[dict[str, Any]]:
    with store.reading() as connection:
        query = select(parties.c.key, parties.c.name, parties.c.kind, parties.c.reference, parties.c.details)
        for row in connection.execution_options(yield_per=5000).execute(query.order_by(parties.c.id)):
            yield dict(row._mapping)


def rescreen(
    store: Store,
    engine: Engine,
    *,
    actor: str,
    as_of: date | None = None,
    full: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Rescreen the stored parties against the diff (see the module's docstring); `full` screens them
    against every entity. Returns the counts: {entities: {added, changed, removed}, parties, hits,
    decisions, alerts_opened, suppressed, already_open, first}. `progress` is called with the number of
    parties done so far, every 1,000."""
    actor = user_name(actor)
    fingerprints = Fingerprints(engine.entities)
    now = fingerprints.all()
    found = diff(store, now)
    targets = tuple(now) if full else (() if found.first else found.screened)
    subset = (
        Engine(
            engine.dataset,
            config=engine.config,
            matcher=Matcher([engine.entities[e] for e in targets], config=engine.config),
        )
        if targets and not full
        else engine
    )
    day = as_of or date.today()

    def screened() -> Iterator[Screened]:
        count = 0
        for party in stored_parties(store):
            count += 1
            if progress and count % 1000 == 0:
                progress(count)
            if party["kind"] == "text" or not targets:
                continue
            evidence = json.loads(party["details"])
            result = subset.screen(
                party["name"],
                kind=party["kind"],
                as_of=day,
                birth_date=evidence.get("birth_date"),
                country=evidence.get("countries") or None,
                identifier=evidence.get("identifiers") or None,
            )
            if any(h.decision.value in ("review", "block") for h in result.hits):
                yield Screened(result=result.to_dict(), party_reference=party["reference"])
        counts["parties"] = count

    counts: dict[str, Any] = {"parties": 0}
    recorded = record(store, screened(), source="rescreen", actor=actor, fingerprint=fingerprints)
    summary = {
        "entities": {"added": len(found.added), "changed": len(found.changed), "removed": len(found.removed)},
        "first": found.first,
        "full": full,
        "parties": counts["parties"],
        **recorded.to_dict(),
        "data_versions": dict(engine.dataset.versions),
    }
    with store.unit() as unit:
        unit.connection.execute(delete(baseline))
        rows = [{"entity_id": e, "fingerprint": f} for e, f in now.items()]
        for start in range(0, len(rows), 5000):
            unit.connection.execute(baseline.insert(), rows[start : start + 5000])
        said = baseline_digest(now.items())
        unit.audit(actor=actor, action="baseline", subject="baseline", detail={"digest": said})
        unit.audit(actor=actor, action="rescreen", subject="rescreen", detail=summary)
    return summary
