"""What a hit's relations add to its decision: OFAC's 50 Percent Rule (`screening.ownership`), and a
link to a restricted entity (OFAC's "Linked To:", an OpenSanctions link, a registry's `linked_to`).

* owned 50% or more in the aggregate by blocked persons: blocked like its owners' listing (OFAC's SDN
  list restricts all dealings), with every owner that counted in the path, and through an owner that is
  itself blocked by the rule, that owner's owners;
* blocked owners holding under 50%, or a share unknown: review, with the stakes in the path (OFAC's
  2014 guidance advises caution with such entities; an unknown share may be 50%);
* controlled by a blocked person (`controls`, or a subsidiary of it), directly or up a chain of control
  (`controls`, `subsidiary_of`, `owns` over 50%) with at least one `controls` or `subsidiary_of` in it:
  review (OFAC FAQ 398), with the whole chain in the path (a chain of majority ownership alone is the
  50 Percent Rule's, which blocks);
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
from clearance.screening.ownership import RULE, THRESHOLD, Owned, percent

CHAIN_DEPTH = 6  # relations walked up from a hit's entity to a blocked controller


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
            f"owned {percent(found.total)}% in the aggregate by blocked persons ({holders}): "
            f"blocked under {RULE}"
        )
        return LinkFinding(Decision.BLOCK, reason, path)
    unknown = " (a share unknown may reach 50%)" if found.unknown else ""
    reason = (
        f"owned {percent(found.total)}% by blocked persons ({holders}){unknown}: under {THRESHOLD:g}%, "
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
                "share": "" if stake.share is None else percent(stake.share),
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
        if e.type is RelationType.LINKED_TO
        and _holds(e, day)
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
    ups: Mapping[str, Sequence[Edge]],
    blocked: Callable[[str], str | None],
    names: Mapping[str, Entity],
    day: date,
) -> LinkFinding | None:
    """Control of `entity` by a blocked person on `day`, or None. `ups`: the control edges into each
    entity (`Edge.control`: `controls`, `subsidiary_of`, `owns` over 50%), by their lower party.

    Walked up from the entity, at most `CHAIN_DEPTH` relations, each on its own days, cycles ending: a
    blocked ancestor reached through at least one `controls` or `subsidiary_of` relation controls the
    entity (a chain of majority stakes alone is the 50 Percent Rule's, which blocks). The rule speaks
    only to ownership, not to control, but OFAC "urges caution" with an entity a blocked person "may
    control by means other than a majority ownership interest" (OFAC FAQ 398): review, never clear,
    with each chain, from the entity up to the blocked person, in the path."""
    chains = _control_chains(entity.id, ups, blocked, day)
    if not chains:
        return None
    said = "; ".join(
        ", ".join(f"{edge.words()} {_name(edge.upper, names)}" for edge in chain)
        + f" ({blocked(chain[-1].upper)})"
        for chain in chains
    )
    reason = (
        f"{said}: the 50 Percent Rule counts ownership only, but OFAC urges caution with an entity a blocked "
        "person controls (OFAC FAQ 398); review"
    )
    steps = tuple(_control_step(edge, names) for chain in chains for edge in chain)
    return LinkFinding(Decision.REVIEW, reason, steps)


def _control_chains(
    start: str, ups: Mapping[str, Sequence[Edge]], blocked: Callable[[str], str | None], day: date
) -> list[tuple[Edge, ...]]:
    """The shortest chain of control edges holding on `day` from `start` up to each blocked ancestor
    reached with a `controls` or `subsidiary_of` edge in it; a walk ends at a blocked ancestor."""
    found: list[tuple[Edge, ...]] = []
    seen = {(start, False)}
    frontier: list[tuple[str, tuple[Edge, ...], bool]] = [(start, (), False)]
    for _ in range(CHAIN_DEPTH):
        step = []
        for eid, chain, controlled in frontier:
            for edge in ups.get(eid, ()):
                if not (edge.control and edge.holds_on(day)):
                    continue
                upper = edge.upper
                through = controlled or edge.type is not RelationType.OWNS
                if upper == start or (upper, through) in seen:
                    continue
                seen.add((upper, through))
                longer = (*chain, edge)
                if blocked(upper):
                    if through and all(c[-1].upper != upper for c in found):
                        found.append(longer)
                    continue  # above a blocked person, the rule or this finding has said it
                step.append((upper, longer, through))
        frontier = step
    return found


def _control_step(edge: Edge, names: Mapping[str, Entity]) -> dict[str, str]:
    """One relation of a control chain, read from its lower party."""
    relation = {RelationType.OWNS: "owned_by", RelationType.CONTROLS: "controlled_by"}.get(
        edge.type, str(RelationType.SUBSIDIARY_OF)
    )
    step = {
        "from": edge.lower,
        "relation": relation,
        "to": edge.upper,
        "to_name": _name(edge.upper, names),
        "citation": edge.citation or "",
    }
    if edge.share is not None:
        step["share"] = percent(edge.share)
    return step


def _holds(edge: Edge, day: date) -> bool:
    return (edge.start is None or edge.start <= day) and (edge.end is None or day <= edge.end)


def _name(eid: str, names: Mapping[str, Entity]) -> str:
    entity = names.get(eid)
    return entity.name if entity else eid


def _share(share: float | None) -> str:
    return "share unknown" if share is None else f"{percent(share)}%"
