"""A listed entity's fingerprint: SHA-256 of its document as the engine decides on it (names,
identifiers, lists, measures and coverage, relations, derived reach included), in canonical JSON.

Two uses: an allowlist entry holds for the entity as it was when the analyst looked at it, and stops
holding when its listing changes; a rescreen screens stored parties again against the entities whose
fingerprint changed since the last one (and those that are new).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from clearance.domain.model import Entity
from clearance.screening.documents import entity_document
from clearance.store.audit import canonical


def fingerprint(entity: Entity) -> str:
    return hashlib.sha256(canonical(entity_document(entity)).encode()).hexdigest()


class Fingerprints:
    """Fingerprints of an engine's entities, computed when first asked for."""

    def __init__(self, entities: Mapping[str, Entity]) -> None:
        self.entities = entities
        self._known: dict[str, str] = {}

    def __call__(self, entity_id: str) -> str:
        known = self._known.get(entity_id)
        if known is None:
            entity = self.entities.get(entity_id)
            known = fingerprint(entity) if entity is not None else "absent"
            self._known[entity_id] = known
        return known

    def all(self) -> dict[str, str]:
        return {entity_id: self(entity_id) for entity_id in self.entities}
