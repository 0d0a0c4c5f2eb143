"""What screening returns: a `Result` per query, a `Hit` per matched entity, a `MeasureFinding` per
measure on the hit; each with `to_dict`, the document every face (CLI `--json`, batch, service) shows.

The keys of these documents are a contract (../shared/CONVENTIONS.md, "Decisions";
`../shared/checks/contract.sh`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from clearance.domain.enums import Activity, Decision, QueryKind
from clearance.domain.model import Entity
from clearance.domain.timeline import EntityState
from clearance.matching.config import ScorerConfig
from clearance.matching.matcher import MatchedBy
from clearance.screening.evidence import NO_EVIDENCE, Evidence, Finding, facts


@dataclass(frozen=True)
class MeasureFinding:
    """One measure on one hit: its state on the date for this entity, and what it does to the decision
    (`effect`: clear means context only), with the reason in words."""

    state: EntityState
    effect: Decision
    reason: str

    def to_dict(self) -> dict[str, Any]:
        m, cov = self.state.measure, self.state.coverage
        event = self.state.measure_state.event
        return {
            "id": m.id,
            "short": m.short,
            "title": m.title,
            "state": self.state.state,
            "since": self.state.since.isoformat() if self.state.since else None,
            "citation": m.citation,
            "effect": self.effect,
            "reason": self.reason,
            "restricts": sorted(m.restricts),
            "basis": cov.basis,
            "via": list(cov.via),
            "listed": cov.listed.isoformat() if cov.listed else None,
            "effective": cov.effective.isoformat() if cov.effective else None,
            "divest_by": cov.divest_by.isoformat() if cov.divest_by else None,
            "coverage_citation": cov.citation,
            "certainty": cov.certainty,
            "event": event.to_dict() if event else None,
        }


@dataclass(frozen=True)
class Hit:
    """A listed entity the query matched, decided: `score` in [0, 1] (the name's score with the evidence
    weighed in), `path` the steps (from, relation, to, to_name) from the entity to the one a measure
    names, `span` (start, end, text) for free text, `evidence` what each piece of secondary evidence
    did (`screening.evidence`).

    A text's hits are one per listed entity (`screening.engine.one_per_entity`): `span` is the
    occurrence the hit was decided on (the most severe, then highest-scoring, then earliest), `spans`
    every occurrence of the entity in the text, in text order, that one included."""

    entity: Entity
    matched_name: str
    score: float
    by: MatchedBy
    decision: Decision
    findings: tuple[MeasureFinding, ...]
    path: tuple[dict[str, str], ...]
    explanation: str
    list_names: tuple[str, ...]
    span: tuple[int, int, str] | None = None
    evidence: tuple[Finding, ...] = ()
    spans: tuple[tuple[int, int, str], ...] = ()

    @property
    def occurrences(self) -> tuple[tuple[int, int, str], ...]:
        """Every place in the text the entity is named (`spans`, or `span` alone when none was merged);
        none for a query that is not a text."""
        if self.spans:
            return self.spans
        return (self.span,) if self.span is not None else ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entity_id": self.entity.id,
            "name": self.entity.name,
            "matched_name": self.matched_name,
            "aliases": [n.value for n in self.entity.names],
            "score": self.score,
            "kind": self.entity.kind,
            "decision": self.decision,
            "lists": list(self.list_names),
            "listings": listing_documents(self.entity),
            "measures": [f.to_dict() for f in self.findings],
            "path": list(self.path),
            "explanation": self.explanation,
            "match": self.by,
            "evidence": [f.to_dict() for f in self.evidence],
            **facts(self.entity),
        }
        if self.span is not None:
            out["span"] = _span(self.span)
            out["spans"] = [_span(s) for s in self.occurrences]
            out["occurrences"] = len(self.occurrences)
        return out


def listing_documents(entity: Entity) -> list[dict[str, Any]]:
    """An entity's listings as a hit's document gives them: [{list, entry, programs, listed}]."""
    return [
        {
            "list": listing.list_id,
            "entry": listing.source_id,
            "programs": list(listing.programs),
            "listed": listing.listed.isoformat() if listing.listed else None,
        }
        for listing in entity.listings
    ]


def _span(span: tuple[int, int, str]) -> dict[str, Any]:
    return {"start": span[0], "end": span[1], "text": span[2]}


@dataclass(frozen=True)
class Result:
    """The decision on one query, as of a date and for an activity, with every hit and what produced it
    (engine version, data versions, thresholds)."""

    query: str
    kind: QueryKind
    as_of: date | datetime
    activity: Activity
    decision: Decision
    hits: tuple[Hit, ...]
    engine_version: str
    data_versions: dict[str, str]
    config: ScorerConfig
    reasons: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())  # gaps in the data it was decided on (datasets.policy)
    evidence: Evidence = NO_EVIDENCE  # what was given besides the query (date of birth, countries, ids)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "kind": self.kind,
            "as_of": self.as_of.isoformat(),
            "activity": self.activity,
            "decision": self.decision,
            "reasons": list(self.reasons),
            "hits": [h.to_dict() for h in self.hits],
            "engine_version": self.engine_version,
            "data_versions": dict(self.data_versions),
            "warnings": list(self.warnings),
            "thresholds": self.config.thresholds(),
            "evidence": self.evidence.to_dict(),
        }
