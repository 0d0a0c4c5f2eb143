"""Documents of what the engine knows, as every face shows them: a measure with its state on a date and
its timeline of events, and an entity with its names, identifiers, relations, measures and citations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from clearance.domain.model import Coverage, Entity, Measure
from clearance.domain.timeline import state_on
from clearance.screening.evidence import facts


def measure_document(measure: Measure, as_of: date | datetime) -> dict[str, Any]:
    """A measure, its state as of the date (with `since` and whether it was implemented), and its events."""
    st = state_on(measure, as_of)
    return {
        "id": measure.id,
        "short": measure.short,
        "title": measure.title,
        "authority": measure.authority,
        "citation": measure.citation,
        "url": measure.url,
        "state": st.state,
        "since": st.since.isoformat() if st.since else None,
        "implemented": st.implemented,
        "needs_implementation": measure.needs_implementation,
        "restricts": sorted(measure.restricts),
        "scope": measure.scope,
        "timezone": measure.timezone,
        "events": [e.to_dict() for e in measure.events],
    }


def entity_document(entity: Entity) -> dict[str, Any]:
    """An entity as its sources give it: names, identifiers, countries, dates and places of birth,
    nationalities, relations, the measures that cover it with its own dates under them, its lists and
    notes."""
    return {
        "id": entity.id,
        "kind": entity.kind,
        "name": entity.name,
        "names": [
            {"name": n.value, "type": n.type, "lang": n.lang, "citation": n.citation} for n in entity.names
        ],
        "identifiers": [
            {"scheme": i.scheme, "value": i.value, "citation": i.citation} for i in entity.identifiers
        ],
        "countries": list(entity.countries),
        **facts(entity),
        "relations": [
            {
                "type": r.type,
                "target": r.target,
                "share": r.share,
                "start": r.start.isoformat() if r.start else None,
                "end": r.end.isoformat() if r.end else None,
                "citation": r.citation,
            }
            for r in entity.relations
        ],
        "measures": [coverage_document(c) for c in entity.measures],
        "lists": list(entity.lists),
        "notes": entity.notes,
    }


def coverage_document(cov: Coverage) -> dict[str, Any]:
    """How a measure covers an entity: the measure's id, the basis and the chain it reaches the entity
    by, the entity's own dates under it (ISO dates or None) and the citation."""
    return {
        "measure": cov.measure,
        "basis": cov.basis,
        "via": list(cov.via),
        "citation": cov.citation,
        "listed": cov.listed.isoformat() if cov.listed else None,
        "effective": cov.effective.isoformat() if cov.effective else None,
        "divest_by": cov.divest_by.isoformat() if cov.divest_by else None,
    }
