"""From a match to a decision: each measure that covers the matched entity, in its state on the as-of
date, and the activity, decide what the hit does.

Per measure (see `domain.timeline` for states):
* in force and restricting the activity -> block (under activity `any`, only a ban on all dealings);
  in force but restricting other activities -> review; in force but never implemented (a ban that
  reaches only what an agency identifies, and nothing was identified) -> review; signed or listed but
  not yet effective -> review; enjoined, revoked, superseded or not yet signed -> context, no effect;
* an entity no built-in measure covers follows its list's rule: a sanctions list restricts all dealings,
  an export list exports; a listing outside its dates (an expired denial order) is context only;
* a match below `ScorerConfig.strong`, or on a weak alias alone, never blocks: it asks for review;
* secondary evidence (date of birth, countries, identifiers) moves the score first, and a different date
  of birth keeps the hit from blocking (`screening.evidence`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from clearance.datasets.builtin import Dataset
from clearance.domain.enums import Activity, Basis, Decision, RelationType, Restriction, State
from clearance.domain.model import Coverage, Entity, ListInfo, Listing
from clearance.domain.timeline import EntityState, entity_state
from clearance.matching.config import ScorerConfig
from clearance.matching.matcher import Match, MatchedBy
from clearance.screening.evidence import NO_EVIDENCE, Evidence, weigh
from clearance.screening.graph import Edge, derive, edges
from clearance.screening.links import LinkFinding, control_finding, link_finding, ownership_finding
from clearance.screening.ownership import Ownership
from clearance.screening.results import Hit, MeasureFinding
from clearance.screening.validate import day_of


def measure_effect(es: EntityState, activity: Activity) -> tuple[Decision, str]:
    """What one measure, in its state for this entity, does to a decision for this activity."""
    m = es.measure
    if es.state is State.IN_FORCE:
        if m.needs_implementation and not es.implemented:
            return Decision.REVIEW, (
                f"{m.short} {es.reason}, but never implemented: it reaches only transactions an agency "
                "identifies, and none had been identified by the screening date"
            )
        if m.restricts_activity(activity):
            what = "all dealings" if Restriction.ALL in m.restricts else f"the activity '{activity}'"
            return Decision.BLOCK, f"{m.short} {es.reason} and restricts {what}"
        restricted = ", ".join(sorted(m.restricts)) or "nothing"
        asked = "all dealings" if activity is Activity.ANY else repr(str(activity))
        return Decision.REVIEW, f"{m.short} {es.reason}; it restricts {restricted}, not {asked}"
    if es.state is State.SIGNED:
        return Decision.REVIEW, f"{m.short}: {es.reason}"
    return Decision.CLEAR, f"{m.short}: {es.reason} (context only)"


def listing_effect(
    entity: Entity, lists: Mapping[str, ListInfo], as_of: date | datetime, activity: Activity
) -> tuple[Decision, list[str]]:
    """An entry no built-in measure covers follows its list: what the list restricts, in its dates."""
    day = day_of(as_of)
    listings = entity.listings or tuple(Listing(lid) for lid in entity.lists)
    effects: list[tuple[Decision, str]] = []
    for listing in listings:
        info = lists.get(listing.list_id, ListInfo(listing.list_id, listing.list_id))
        programs = f" ({', '.join(listing.programs)})" if listing.programs else ""
        where = f"{info.title}{programs}"
        if not info.restricts:  # a user's registry: it names parties, it restricts nothing
            effects.append((Decision.CLEAR, f"on {where}, which restricts nothing by itself"))
        elif listing.listed and day < listing.listed:
            since = listing.listed.isoformat()
            effects.append((Decision.CLEAR, f"listed on {where} only from {since} (context only)"))
        elif listing.expires and day > listing.expires:
            until = listing.expires.isoformat()
            effects.append((Decision.CLEAR, f"was on {where} until {until} (context only)"))
        elif info.restricts_activity(activity):
            what = "all dealings" if Restriction.ALL in info.restricts else f"the activity '{activity}'"
            effects.append((Decision.BLOCK, f"listed on {where}, which restricts {what}"))
        else:
            restricted = ", ".join(sorted(info.restricts))
            effects.append((Decision.REVIEW, f"listed on {where}, which restricts {restricted}"))
    effects.sort(key=lambda e: -e[0].severity)
    return (effects[0][0] if effects else Decision.REVIEW), [reason for _, reason in effects]


class Decider:
    """Turns matches into hits against one dataset's measures, lists and entities."""

    def __init__(self, dataset: Dataset, config: ScorerConfig) -> None:
        self.dataset = dataset
        self.config = config
        # the measures' reach through relations, added once (`screening.graph`)
        self.relations = edges(dataset.entities)  # once: derive, the 50% rule, links and neighbourhoods
        self.entities = {
            e.id: e for e in derive(dataset.entities, dataset.measures, relations=self.relations)
        }
        self.ownership = Ownership(dataset.entities, dataset.lists, relations=self.relations)
        self.restricted = restricted(self.entities.values(), dataset.lists)
        # links, either way: the edges that touch each entity; control: the edges into each entity from
        # what controls it (`controls`, `subsidiary_of`, `owns` over 50%), walked up by `control_finding`
        self.touching: dict[str, list[Edge]] = defaultdict(list)
        self.ups: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.relations:
            if edge.type is RelationType.LINKED_TO:
                self.touching[edge.upper].append(edge)
                self.touching[edge.lower].append(edge)
            elif edge.control:
                self.ups[edge.lower].append(edge)
        blocking = {lid: info.title for lid, info in dataset.lists.items() if info.blocks_owned}
        self._blocking_listings = {
            e.id: [x for x in (e.listings or tuple(Listing(lid) for lid in e.lists)) if x.list_id in blocking]
            for e in dataset.entities
            if any(lid in blocking for lid in e.lists)
        }
        self._blocking_titles = blocking

    def hit(
        self, match: Match, *, as_of: date | datetime, activity: Activity, evidence: Evidence = NO_EVIDENCE
    ) -> Hit:
        """The match decided as of the date for the activity, with every measure's finding and reason,
        and the evidence weighed in."""
        weighed = weigh(evidence, match, self.config)
        match = weighed.match
        entity = self.entities.get(match.entity.id, match.entity)
        findings = []
        for cov in entity.measures:
            es = entity_state(self.dataset.measures[cov.measure], cov, as_of)
            effect, reason = measure_effect(es, activity)
            gone = link_gone(cov, day_of(as_of))
            if gone:
                effect, reason = (
                    Decision.CLEAR,
                    f"{es.measure.short} would reach it, but {gone} (context only)",
                )
            findings.append(MeasureFinding(es, effect, reason))
        findings.sort(key=lambda f: -f.effect.severity)
        lists = self.dataset.lists
        list_names = tuple(lists[lid].title if lid in lists else lid for lid in entity.lists)
        weak = match.by is MatchedBy.WEAK_ALIAS
        strong = match.by is MatchedBy.IDENTIFIER or (
            not weak and match.score >= self.config.strong and not weighed.held_back
        )
        if findings:
            decision = findings[0].effect
            reasons = [f.reason for f in findings]
        else:
            decision, reasons = listing_effect(entity, lists, as_of, activity)
        links = self.links(entity, as_of)
        for link in links:
            decision = max(decision, link.effect, key=lambda d: d.severity)
            reasons.append(link.reason)
        capped = ""
        if decision is Decision.BLOCK and not strong:
            decision = Decision.REVIEW
            capped = "; the match is not strong enough to block on its own" + (
                " (weak alias)" if weak else " (a different date of birth)" if weighed.held_back else ""
            )
        path = self.path(entity, findings[0].state.coverage) if findings else ()
        path += tuple(step for link in links for step in link.path)
        said = "; ".join([f.text for f in weighed.findings] + reasons)
        explanation = f"matched '{match.matched_name}' ({match.explanation}); {said}{capped}"
        return Hit(
            entity=entity,
            matched_name=match.matched_name,
            score=match.score,
            by=match.by,
            decision=decision,
            findings=tuple(findings),
            path=path,
            explanation=explanation,
            list_names=list_names,
            span=match.span,
            evidence=weighed.findings,
        )

    def links(self, entity: Entity, as_of: date | datetime) -> list[LinkFinding]:
        """What the entity's owners and links do (`screening.links`): the 50 Percent Rule on the day,
        control by a blocked person (directly or up a chain of control), and links to restricted
        entities."""
        day = day_of(as_of)
        owned = self.ownership.on(day) if self.ownership else {}
        touching = self.touching.get(entity.id, ())

        def blocked(eid: str) -> str | None:
            for x in self._blocking_listings.get(eid, ()):
                if (x.listed is None or x.listed <= day) and (x.expires is None or day <= x.expires):
                    return f"listed on {self._blocking_titles[x.list_id]}"
            found = owned.get(eid)
            return "blocked by the 50 Percent Rule" if found is not None and found.blocked else None

        found = [
            ownership_finding(entity, owned, self.entities) if owned else None,
            control_finding(entity, self.ups, blocked, self.entities, day) if entity.id in self.ups else None,
            link_finding(entity, touching, self.restricted, self.entities, day) if touching else None,
        ]
        return [f for f in found if f is not None]

    def path(self, entity: Entity, coverage: Coverage) -> tuple[dict[str, str], ...]:
        """The chain from the hit entity to the entity the measure names, one step per relation (read
        from the entity's side: "owned_by", "subsidiary_of", "develops"), then the measure itself."""
        steps = []
        current = entity
        for target_id in coverage.via:
            target = self.entities[target_id]
            step = {"from": current.id, "relation": "", "to": target.id, "to_name": target.name}
            own = next((r for r in current.relations if r.target == target_id), None)
            back = next((r for r in target.relations if r.target == current.id), None)
            if own is not None:
                step["relation"] = own.type
            elif back is not None:
                step["relation"] = _REVERSED.get(back.type, back.type)
            relation = own or back
            if relation is not None and relation.share is not None:
                step["share"] = f"{relation.share:g}"
            if relation is not None and relation.citation:
                step["citation"] = relation.citation
            steps.append(step)
            current = target
        if coverage.basis is not Basis.NAMED:
            measure = self.dataset.measures[coverage.measure]
            steps.append(
                {"from": current.id, "relation": "named_in", "to": measure.id, "to_name": measure.short}
            )
        return tuple(steps)


# a relation written on the other party, read from this one
_REVERSED = {
    RelationType.OWNS: "owned_by",
    RelationType.CONTROLS: "controlled_by",
    RelationType.DEVELOPS: "developed_by",
    RelationType.SUBSIDIARY_OF: "parent_of",
    RelationType.FEATURE_OF: "hosts",
}


def link_gone(coverage: Coverage, day: date) -> str | None:
    """Why a coverage derived through relations does not hold on `day`, or None when it holds."""
    if coverage.link_start and day < coverage.link_start:
        return f"the relation it runs through holds only from {coverage.link_start.isoformat()}"
    if coverage.link_end and day > coverage.link_end:
        return f"the relation it runs through ended on {coverage.link_end.isoformat()}"
    return None


def restricted(entities: Iterable[Entity], lists: Mapping[str, ListInfo]) -> dict[str, str]:
    """The entities a list or measure restricts, by id, with the list or measure in a few words."""
    out = {}
    for entity in entities:
        if entity.measures:
            out[entity.id] = "covered by " + ", ".join(sorted({c.measure for c in entity.measures}))
            continue
        titles = [lists[lid].title for lid in entity.lists if lid in lists and lists[lid].restricts]
        if titles:
            out[entity.id] = "listed on " + ", ".join(titles)
    return out
