"""Recording screenings: each result becomes a decision row, its party is remembered, and each review
or block hit opens an alert (or is suppressed by the allowlist), all audited in one transaction per
chunk of results.

A decision row keeps what reproduces it: the query and its evidence, the as-of date and activity, the
engine version, the data versions and thresholds, and the result's document with its SHA-256 (also in
the audit record, so an edited result is seen by `audit verify` through the digest).

A party is known by its key: `ref:<reference>` when the caller gives its own id for the party (a
customer number), else `<kind>:<name>` with case and spaces set aside.

An alert already open for the same party, entity and fingerprint is not opened twice: screening the
same file again does not flood the queue. A closed one does not stop a new alert: only the allowlist
does that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select

from clearance.store.allowlist import Pair, evidence_digest, holding, squeeze
from clearance.store.audit import canonical, now
from clearance.store.cases import attach
from clearance.store.enums import AlertStatus
from clearance.store.fingerprints import Fingerprints
from clearance.store.integrity import baseline_digest
from clearance.store.schema import alerts, baseline, decisions, parties
from clearance.store.store import Store, Unit, inserted
from clearance.store.users import user_name

CHUNK = 500
ALERTING = ("review", "block")


@dataclass(frozen=True, slots=True)
class Screened:
    """One result to record: its document (`Result.to_dict()`), the user's reference of the item (a
    row id, an EndToEndId) and the user's own id for the party, when known. `party` False records a
    decision about no party (a payment that raised nothing: its names were screened, none hit)."""

    result: Mapping[str, Any]
    reference: str | None = None
    party_reference: str | None = None
    party: bool = True


@dataclass
class Recorded:
    """What a recording did: decision ids in order, alerts opened, suppressed by the allowlist, and
    hits whose alert was already open."""

    decisions: list[int] = field(default_factory=list)
    opened: int = 0
    suppressed: int = 0
    already_open: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "decisions": len(self.decisions),
            "alerts_opened": self.opened,
            "suppressed": self.suppressed,
            "already_open": self.already_open,
        }


def alerting_hits(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The hits that open alerts: those of review or block. A result of review or block with no such
    hit (the data's gaps under CLEARANCE_ON_STALE=review, say) gets one of its own, `entity_id`
    "result:<decision>", naming its reasons and warnings: a decision that needs a person never passes
    without an alert."""
    hits = [h for h in result.get("hits", ()) if h.get("decision") in ALERTING]
    if hits or result.get("decision") not in ALERTING:
        return hits
    why = [*result.get("reasons", ()), *result.get("warnings", ())]
    return [
        {
            "entity_id": f"result:{result['decision']}",
            "name": "; ".join(str(w) for w in why)[:500] or f"the result is {result['decision']}",
            "matched_name": "",
            "score": 0.0,
            "decision": result["decision"],
            "explanation": why,
        }
    ]


def party_key(result: Mapping[str, Any], reference: str | None) -> str:
    if reference:
        return f"ref:{reference.strip()}"
    query = str(result["query"])
    if result.get("kind") == "text":
        return "text:" + hashlib.sha256(query.encode()).hexdigest()[:24]
    return f"{result.get('kind', 'party')}:{squeeze(query)}"


def record(
    store: Store,
    screened: Iterable[Screened],
    *,
    source: str,
    actor: str,
    fingerprint: Callable[[str], str],
) -> Recorded:
    """Record results (see the module's docstring); `fingerprint` gives a listed entity's fingerprint
    by id (`store.fingerprints.Fingerprints`). Raises `StoreError` when the database refuses."""
    actor = user_name(actor)
    done = Recorded()
    chunk: list[Screened] = []
    for item in screened:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            _record_chunk(store, chunk, source=source, actor=actor, fingerprint=fingerprint, done=done)
            chunk = []
    if chunk:
        _record_chunk(store, chunk, source=source, actor=actor, fingerprint=fingerprint, done=done)
    if isinstance(fingerprint, Fingerprints) and done.decisions:
        start_baseline(store, fingerprint)
    return done


def _stored_name(result: Mapping[str, Any]) -> str:
    """The party's name as the parties table keeps it (a text's first 200 characters)."""
    name = str(result["query"])
    return name if result.get("kind") != "text" else name[:200]


def start_baseline(store: Store, fingerprints: Fingerprints) -> None:
    """With no baseline yet, the entities as these decisions saw them become it: the first rescreen
    then screens against what changed since the first recording."""
    with store.reading() as connection:
        if connection.execute(select(baseline.c.entity_id).limit(1)).first() is not None:
            return
    with store.unit() as unit:
        if unit.connection.execute(select(baseline.c.entity_id).limit(1)).first() is None:
            rows = [{"entity_id": e, "fingerprint": f} for e, f in fingerprints.all().items()]
            for start in range(0, len(rows), 5000):
                unit.connection.execute(baseline.insert(), rows[start : start + 5000])
            said = baseline_digest((r["entity_id"], r["fingerprint"]) for r in rows)
            unit.audit(actor="clearance", action="baseline", subject="baseline", detail={"digest": said})


def _record_chunk(
    store: Store,
    chunk: list[Screened],
    *,
    source: str,
    actor: str,
    fingerprint: Callable[[str], str],
    done: Recorded,
) -> None:
    with store.unit() as unit:
        for item in chunk:
            _record_one(unit, item, source=source, actor=actor, fingerprint=fingerprint, done=done)


def _party(
    unit: Unit, result: Mapping[str, Any], key: str, reference: str | None, at: str, details: str
) -> int:
    """The party's id, made or brought up to date: a party known by its id keeps the name and evidence it
    was last screened with (what a rescreen screens)."""
    connection = unit.connection
    now_known = {"name": _stored_name(result), "details": details, "last_screened": at}
    row = connection.execute(select(parties.c.id).where(parties.c.key == key)).first()
    if row is not None:
        connection.execute(parties.update().where(parties.c.id == row.id).values(**now_known))
        return int(row.id)
    made = {"key": key, "kind": str(result.get("kind", "party")), "reference": reference, "first_seen": at}
    return inserted(connection.execute(parties.insert().values(**made, **now_known)))


def _record_one(
    unit: Unit, item: Screened, *, source: str, actor: str, fingerprint: Callable[[str], str], done: Recorded
) -> None:
    result, at = item.result, now()
    details = canonical(result.get("evidence") or {})
    evidence = evidence_digest(details)
    key = party_key(result, item.party_reference) if item.party else ""
    party_id = _party(unit, result, key, item.party_reference, at, details) if item.party else None
    text = canonical(result)
    digest = hashlib.sha256(text.encode()).hexdigest()
    values = {
        "at": at,
        "source": source,
        "reference": item.reference,
        "party_id": party_id,
        "actor": actor,
        "query": str(result["query"]),
        "kind": str(result.get("kind", "party")),
        "as_of": str(result["as_of"]),
        "activity": str(result.get("activity", "any")),
        "decision": str(result["decision"]),
        "engine_version": str(result.get("engine_version", "")),
        "data_versions": canonical(result.get("data_versions", {})),
        "thresholds": canonical(result.get("thresholds", {})),
        "result": text,
        "digest": digest,
    }
    decision_id = inserted(unit.connection.execute(decisions.insert().values(**values)))
    done.decisions.append(decision_id)
    unit.audit(
        actor=actor,
        action="decision",
        subject=f"decision {decision_id}",
        detail={
            "party": key,
            "name": _stored_name(result),
            "evidence": evidence,
            "decision": values["decision"],
            "source": source,
            "reference": item.reference,
            "digest": digest,
            "data_versions": result.get("data_versions", {}),
        },
    )
    for hit in alerting_hits(result):
        if party_id is not None:
            _alert(
                unit,
                hit,
                party_id=party_id,
                key=key,
                evidence=evidence,
                decision_id=decision_id,
                query=str(result["query"]),
                actor=actor,
                fingerprint=fingerprint,
                done=done,
            )


def _alert(
    unit: Unit,
    hit: Mapping[str, Any],
    *,
    party_id: int,
    key: str,
    evidence: str,
    decision_id: int,
    query: str,
    actor: str,
    fingerprint: Callable[[str], str],
    done: Recorded,
) -> None:
    entity_id = str(hit["entity_id"])
    print_ = fingerprint(entity_id)
    connection = unit.connection
    already = connection.execute(
        select(alerts.c.id)
        .where(
            and_(
                alerts.c.party_id == party_id,
                alerts.c.entity_id == entity_id,
                alerts.c.fingerprint == print_,
                alerts.c.status == AlertStatus.OPEN,
            )
        )
        .limit(1)
    ).first()
    if already is not None:
        done.already_open += 1
        return
    matched = str(hit.get("matched_name") or hit.get("name") or "")
    entry = holding(connection, Pair(key, entity_id, query, matched, print_, evidence, str(hit["decision"])))
    values = {
        "party_id": party_id,
        "decision_id": decision_id,
        "entity_id": entity_id,
        "entity_name": str(hit.get("name", "")),
        "matched_name": matched,
        "query_name": query,
        "score": float(hit.get("score", 0.0)),
        "decision": str(hit["decision"]),
        "fingerprint": print_,
        "status": AlertStatus.SUPPRESSED if entry is not None else AlertStatus.OPEN,
        "allowlist_id": entry,
        "opened_at": now(),
        "hit": canonical(hit),
    }
    alert_id = inserted(connection.execute(alerts.insert().values(**values)))
    if entry is not None:
        done.suppressed += 1
        unit.audit(
            actor=actor,
            action="alert_suppressed",
            subject=f"alert {alert_id}",
            detail={"allowlist": entry, "entity": entity_id, "party": key},
        )
        return
    done.opened += 1
    case_id = attach(unit, party_id=party_id, alert_id=alert_id, actor=actor)
    unit.audit(
        actor=actor,
        action="alert_opened",
        subject=f"alert {alert_id}",
        detail={
            "case": case_id,
            "entity": entity_id,
            "decision": values["decision"],
            "party": key,
            "score": values["score"],
        },
    )
