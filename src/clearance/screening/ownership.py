"""OFAC's 50 Percent Rule: an entity owned 50% or more in the aggregate, directly or indirectly, by one or
more blocked persons is itself blocked, whether or not a list names it.

Source: OFAC, "Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property
Are Blocked" (August 13, 2014), and OFAC FAQs 398 to 402; FAQ 401 on "indirectly": ownership through
entities that are themselves 50% or more owned by blocked persons, which are blocked in turn (its
Example 1: X owns 50% of A, A owns 50% of B: B is blocked). The rule counts ownership, not control
(FAQ 398), and the ownership of an entity owned less than 50% by blocked persons does not count through
it. The rule is written into OFAC's regulations, for instance 31 CFR 587.406.

So: the blocked persons on a date are the entries, listed on that date, of a list whose entries block
what they own (`ListInfo.blocks_owned`: OFAC's SDN list); then, until nothing changes, every entity whose
owners that are blocked hold 50% or more of it, the shares of relations that hold on that date added
up (as the decimals they are written in, so that 10.2 + 21.9 + 17.9 is 50 in any order, and rounded to
`DECIMALS` places). Cycles end there, since an entity is added once. The result is computed once for
each stretch of days between the relations' and listings' own dates (`Ownership.on`) and kept.

An entity with blocked owners under 50%, or with a blocked owner whose share is unknown, is not
blocked by the rule, but the stakes are shown: OFAC advises caution with such entities (2014 guidance).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from clearance.domain.enums import RelationType
from clearance.domain.model import Entity, ListInfo, Listing
from clearance.screening.graph import Edge, edges

THRESHOLD = 50.0  # percent, "50 percent or more"
DECIMALS = 6  # the places of a total: more than any filing writes, fewer than a float's noise
RULE = (
    "OFAC's 50 Percent Rule (Revised Guidance on Entities Owned by Persons Whose Property and Interests in "
    "Property Are Blocked, 2014-08-13; FAQs 398-402)"
)


@dataclass(frozen=True, slots=True)
class Stake:
    """One owner's share of an entity, held by a blocked person (`listed` on a list that blocks what it
    owns, or itself blocked by the rule through its own owners)."""

    owner: str
    share: float | None  # percent; None when the relation does not say
    edge: Edge
    listed: bool


@dataclass(frozen=True, slots=True)
class Owned:
    """What blocked persons own of one entity on a date: `total` the shares they hold, added up;
    `blocked` when it is 50 or more; `unknown` the stakes whose share is not given."""

    entity: str
    stakes: tuple[Stake, ...]
    total: float
    blocked: bool

    @property
    def unknown(self) -> tuple[Stake, ...]:
        return tuple(s for s in self.stakes if s.share is None)


class Ownership:
    """The 50 Percent Rule over a dataset's `owns` relations, by day."""

    def __init__(
        self,
        entities: Sequence[Entity],
        lists: Mapping[str, ListInfo],
        *,
        relations: Sequence[Edge] | None = None,
    ) -> None:
        """`relations`: the entities' `edges`, when the caller has them already."""
        every = edges(entities) if relations is None else relations
        self._owns = [e for e in every if e.type is RelationType.OWNS]
        owners = {e.upper for e in self._owns}
        blocking = {lid for lid, info in lists.items() if info.blocks_owned}
        # the owners' listings on a list whose entries block what they own: (entity, listed, expires)
        self._listed = [
            (entity.id, listing.listed, listing.expires)
            for entity in entities
            if entity.id in owners
            for listing in entity.listings or tuple(Listing(lid) for lid in entity.lists)
            if listing.list_id in blocking
        ]
        # the days something changes: a relation or listing starts on its first day, ends after its last
        firsts = [e.start for e in self._owns] + [a for _, a, _ in self._listed]
        lasts = [e.end for e in self._owns] + [b for _, _, b in self._listed]
        self._breaks = sorted({d for d in firsts if d} | {d + timedelta(days=1) for d in lasts if d})
        self._kept: dict[int, dict[str, Owned]] = {}

    def __bool__(self) -> bool:
        return bool(self._owns) and bool(self._listed)

    def on(self, day: date) -> Mapping[str, Owned]:
        """Every entity with a stake held by a blocked person on `day`, by id."""
        stretch = bisect.bisect_right(self._breaks, day)
        if stretch not in self._kept:
            self._kept[stretch] = self._compute(day)
        return self._kept[stretch]

    def _compute(self, day: date) -> dict[str, Owned]:
        if not self:
            return {}
        listed = {eid for eid, a, b in self._listed if (a is None or a <= day) and (b is None or day <= b)}
        held: dict[str, list[Edge]] = defaultdict(list)  # owner -> its stakes that hold on the day
        for edge in self._owns:
            if edge.holds_on(day):
                held[edge.upper].append(edge)
        blocked = set(listed)
        stakes: dict[str, list[Stake]] = defaultdict(list)
        queue = sorted(blocked)
        while queue:
            owner = queue.pop()
            for edge in held.get(owner, ()):
                stakes[edge.lower].append(Stake(owner, edge.share, edge, owner in listed))
                child = edge.lower
                if child not in blocked and _total(stakes[child]) >= THRESHOLD:
                    blocked.add(child)
                    queue.append(child)
        return {
            child: Owned(child, tuple(found), _total(found), _total(found) >= THRESHOLD)
            for child, found in stakes.items()
        }


def _total(stakes: Sequence[Stake]) -> float:
    """The shares held, each owner counted once (its largest stake: two relations for one holding),
    added as the decimals they are written in (a float sum of 10.2, 21.9 and 17.9 is 49.99999999999999
    in some orders) and rounded to `DECIMALS` places."""
    by_owner: dict[str, float] = {}
    for stake in stakes:
        if stake.share is not None:
            by_owner[stake.owner] = max(by_owner.get(stake.owner, 0.0), stake.share)
    exact = sum((Decimal(repr(share)) for share in by_owner.values()), Decimal(0))
    return round(float(exact), DECIMALS)


def percent(value: float) -> str:
    """A share or total as a person reads it, to `DECIMALS` places and no more: 55, 30.5, 49.99999 (never
    "50" for a total under 50, as the 6 significant digits of `:g` would write it)."""
    text = f"{round(value, DECIMALS):.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
