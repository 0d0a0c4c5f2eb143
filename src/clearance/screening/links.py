"""What a hit's relations add to its decision: OFAC's 50 Percent Rule (`screening.ownership`), and a
link to a restricted entity (OFAC's "Linked To:", an OpenSanctions link, a registry's `linked_to`).

* owned 50% or more in the aggregate by blocked persons: blocked like its owners' listing (OFAC's SDN
  list restricts all dealings), with every owner that counted in the path, and through an owner that is
  itself blocked by the rule, that owner's owners;
* blocked owners holding under 50%, or a share unknown: review, with the stakes in the path (OFAC's
  2014 guidance advises caution with such entities; an unknown share may be 50%);
* controlled by a blocked person, or a subsidiary of one with no share given: review (OFAC FAQ 398);
* linked, either way, to an entity that a list or measure restricts: a link is no ownership and no
  designation, so it asks for review on an entity nothing else restricts, and is its own reason beside
  any other (the CMIC entries of OFAC's non-SDN list are "Linked To:" their parents).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from clearance.domain.enums import Decision, RelationType
from clearance.domain.model import Entity
from clearance.screening.graph import Edge
from clearance.screening.ownership import RULE, THRESHOLD, Owned


@dataclass(frozen=True, slots=True)
class LinkFinding:
    """What the relations of a hit's entity do to its decision, why, and the steps that show it."""

    effect: Decision
    reason: str
    path: tuple[dict[str, str], ...]


def ownership_finding(
    entity: Entity, owned: Mapping[str, Owned], names: Mapping[str, Entity]
) -> LinkFinding | None:
    """The 50 Percent Rule's finding on `entity` on the day `owned` was computed for, or None when no
    blocked person holds a stake in it."""
    found = owned.get(entity.id)
    if found is None:
        return None
    path = tuple(_steps(entity.id, owned, names, seen=set()))
    holders = "; ".join(
        f"{_name(s.owner, names)} {_share(s.share)}" + ("" if s.listed else ", itself blocked by the rule")
        for s in found.stakes
    )
    if found.blocked:
        reason = (
            f"owned {found.total:g}% in the aggregate by blocked persons ({holders}): blocked under {RULE}"
        )
        return LinkFinding(Decision.BLOCK, reason, path)
    unknown = " (a share unknown may reach 50%)" if found.unknown else ""
    reason = (
        f"owned {found.total:g}% by blocked persons ({holders}){unknown}: under {THRESHOLD:g}%, "
        f"not blocked by {RULE}; OFAC advises caution with such an entity"
    )
    return LinkFinding(Decision.REVIEW, reason, path)


def _steps(
    eid: str, owned: Mapping[str, Owned], names: Mapping[str, Entity], *, seen: set[str]
) -> list[dict[str, str]]:
    """The stakes of blocked owners in `eid`, and, for an owner blocked by the rule, its own stakes."""
    seen.add(eid)
    steps = []
    for stake in owned[eid].stakes:
        steps.append(
            {
                "from": eid,
                "relation": "owned_by",
                "to": stake.owner,
                "to_name": _name(stake.owner, names),
                "share": "" if stake.share is None else f"{stake.share:g}",
                "owner": "listed" if stake.listed else "blocked by the 50 percent rule",
                "citation": stake.edge.citation or "",
            }
        )
        if not stake.listed and stake.owner in owned and stake.owner not in seen:
            steps.extend(_steps(stake.owner, owned, names, seen=seen))
    return steps


def link_finding(
    entity: Entity,
    touching: Sequence[Edge],
    restricted: Mapping[str, str],
    names: Mapping[str, Entity],
    day: date,
) -> LinkFinding | None:
    """Links, either way, between `entity` and entities that are restricted (`restricted`: id -> what
    restricts it) holding on `day`, or None when there is none: a link has no direction, but one written
    on the other side counts only for an entity nothing else restricts."""
    steps = [
        {
            "from": entity.id,
            "relation": str(RelationType.LINKED_TO),
            "to": other,
            "to_name": _name(other, names),
            "citation": e.citation or "",
        }
        for e in touching
        if e.type is RelationType.LINKED_TO and _holds(e, day)
        # written on the other side, a link counts for an entity nothing else restricts (a listed parent
        # does not collect a reason per subsidiary "Linked To:" it)
        and (e.upper == entity.id or entity.id not in restricted)
        for other in (e.lower if e.upper == entity.id else e.upper,)
        if other in restricted and other != entity.id
    ]
    if not steps:
        return None
    said = "; ".join(f"{s['to_name']} ({restricted[s['to']]})" for s in steps)
    return LinkFinding(Decision.REVIEW, f"linked to {said}: a link, not ownership; review", tuple(steps))


def control_finding(
    entity: Entity,
    touching: Sequence[Edge],
    blocked: Callable[[str], str | None],
    names: Mapping[str, Entity],
    day: date,
) -> LinkFinding | None:
    """Control of `entity` by a blocked person on `day` (`controls`, or a parent of which it is a
    subsidiary, with no share given), or None. OFAC's 50 Percent Rule speaks only to ownership, not to
    control, but OFAC "urges caution" with an entity a blocked person "may control by means other than a
    majority ownership interest" (OFAC FAQ 398): review, never clear."""
    steps = [
        {
            "from": entity.id,
            "relation": "controlled_by" if e.type is RelationType.CONTROLS else "subsidiary_of",
            "to": e.upper,
            "to_name": _name(e.upper, names),
            "citation": e.citation or "",
        }
        for e in touching
        if e.lower == entity.id
        and e.type in (RelationType.CONTROLS, RelationType.SUBSIDIARY_OF)
        and _holds(e, day)
        and blocked(e.upper)
    ]
    if not steps:
        return None
    said = "; ".join(
        f"{'controlled by' if s['relation'] == 'controlled_by' else 'a subsidiary of'} {s['to_name']} "
        f"({blocked(s['to'])})"
        for s in steps
    )
    reason = (
        f"{said}: the 50 Percent Rule counts ownership only, but OFAC urges caution with an entity a blocked "
        "person controls (OFAC FAQ 398); review"
    )
    return LinkFinding(Decision.REVIEW, reason, tuple(steps))


def _holds(edge: Edge, day: date) -> bool:
    return (edge.start is None or edge.start <= day) and (edge.end is None or day <= edge.end)


def _name(eid: str, names: Mapping[str, Entity]) -> str:
    entity = names.get(eid)
    return entity.name if entity else eid


def _share(share: float | None) -> str:
    return "share unknown" if share is None else f"{share:g}%"
