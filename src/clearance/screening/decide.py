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

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from clearance.datasets.builtin import Dataset
from clearance.domain.enums import Activity, Basis, Decision, RelationType, Restriction, State
from clearance.domain.model import Entity, ListInfo, Listing
from clearance.domain.timeline import EntityState, entity_state
from clearance.matching.config import ScorerConfig
from clearance.matching.matcher import Match, MatchedBy
from clearance.screening.evidence import NO_EVIDENCE, Evidence, weigh
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
        if listing.listed and day < listing.listed:
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
        self.entities = {e.id: e for e in dataset.entities}

    def hit(
        self, match: Match, *, as_of: date | datetime, activity: Activity, evidence: Evidence = NO_EVIDENCE
    ) -> Hit:
        """The match decided as of the date for the activity, with every measure's finding and reason,
        and the evidence weighed in."""
        weighed = weigh(evidence, match, self.config)
        match = weighed.match
        entity = match.entity
        findings = []
        for cov in entity.measures:
            es = entity_state(self.dataset.measures[cov.measure], cov, as_of)
            effect, reason = measure_effect(es, activity)
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
        capped = ""
        if decision is Decision.BLOCK and not strong:
            decision = Decision.REVIEW
            capped = "; the match is not strong enough to block on its own" + (
                " (weak alias)" if weak else " (a different date of birth)" if weighed.held_back else ""
            )
        path = (
            self.path(entity, findings[0].state.coverage.via, findings[0].state.coverage.basis)
            if findings
            else ()
        )
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

    def path(self, entity: Entity, via: Sequence[str], basis: Basis) -> tuple[dict[str, str], ...]:
        """The chain from the hit entity to the entity the measure names, one step per link."""
        steps = []
        current = entity
        for n, target_id in enumerate(via):
            target = self.entities[target_id]
            rel = next((r.type for r in current.relations if r.target == target_id), None)
            steps.append(
                {
                    "from": current.id,
                    "relation": rel or (basis if n == 0 else RelationType.LINKED_TO),
                    "to": target.id,
                    "to_name": target.name,
                }
            )
            current = target
        return tuple(steps)
