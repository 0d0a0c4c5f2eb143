"""The screening core: one query, one date, one activity in; a decision with its reasons out.

Every face of clearance (CLI, batch, Spark, and the service, channels and UI to come) calls
`Engine.screen` to decide. The engine is built from a `Dataset` already loaded (see
`clearance.datasets.loading.load_dataset`) and a `ScorerConfig`: it reads no file, sets nothing
process-wide, and two engines in one process are independent. How a match becomes a decision:
`screening.decide`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from clearance.datasets.builtin import Dataset
from clearance.datasets.registry import REGISTRY_LIST
from clearance.domain.enums import Activity, Decision, NameRules, OnStale, QueryKind, parse
from clearance.domain.model import Entity, Measure
from clearance.errors import DataError, InputError
from clearance.limits import Deadline
from clearance.matching.config import DEFAULT_CONFIG, ScorerConfig
from clearance.matching.identifiers import read
from clearance.matching.matcher import Match, MatchedBy, Matcher
from clearance.matching.scorer import Comparison
from clearance.matching.text import scan
from clearance.screening.decide import Decider
from clearance.screening.evidence import Evidence
from clearance.screening.graph import neighbourhood
from clearance.screening.results import Hit, Result
from clearance.screening.validate import check_query, parse_as_of, without_markup
from clearance.version import __version__


class Engine:
    """Screens queries against a dataset of measures and listed entities.

    `config` sets the thresholds (review, strong) and the scorer's weights; the same object builds the
    candidate index, so that the index finds every name the scorer would report. `time_limit`, in
    seconds, stops a query still running after it with `limits.QueryTimeout` (an input error)."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        config: ScorerConfig = DEFAULT_CONFIG,
        time_limit: float | None = None,
        matcher: Matcher | None = None,
    ) -> None:
        self.dataset = dataset
        self.config = config
        self.time_limit = time_limit  # seconds per query (`limits`); None: no limit
        # a matcher kept from an earlier build of the same dataset and config (`screening.prepared`)
        self.matcher = matcher if matcher is not None else Matcher(dataset.entities, config=config)
        self._decider = Decider(dataset, config)

    @property
    def entities(self) -> dict[str, Entity]:
        """Entities by id."""
        return self._decider.entities

    @property
    def measures(self) -> dict[str, Measure]:
        return dict(self.dataset.measures)

    def entity(self, entity_id: str) -> Entity:
        """One entity by id; raises `InputError` when there is none."""
        try:
            return self.entities[entity_id]
        except KeyError:
            raise InputError(f"no entity with id '{entity_id}'") from None

    def neighbourhood(self, entity_id: str, *, depth: int = 2) -> dict[str, Any]:
        """The entities within `depth` relations of one entity and the relations between them
        (`screening.graph.neighbourhood`); raises `InputError` for an unknown id."""
        self.entity(entity_id)
        return neighbourhood(self.entities, entity_id, depth=depth, relations=self._decider.relations)

    def compare(self, left: str, right: str, *, kind: str = QueryKind.PARTY) -> Comparison:
        """Two names side by side with the scorer screening uses. `kind`: party, person, organization or
        app (a person's names are compared by a person's rules); raises `InputError` otherwise."""
        query_kind = parse(QueryKind, kind, "kind")
        if query_kind is QueryKind.TEXT:
            raise InputError("compare takes two names, not text: use kind party, person, organization or app")
        check_query(left, query_kind)
        check_query(right, query_kind)
        return self.matcher.compare(left, right, rules=NameRules.of(query_kind))

    def screen(
        self,
        query: str,
        *,
        kind: str = QueryKind.PARTY,
        as_of: date | datetime | str | None = None,
        activity: str = Activity.ANY,
        birth_date: str | date | None = None,
        country: str | Sequence[str] | None = None,
        identifier: str | Sequence[str] | None = None,
    ) -> Result:
        """Screen one query (a name, an app or package id, or free text with kind `text`) as of a date
        (default: today, UTC) for an activity. Raises `InputError` for an unknown kind or activity, an
        impossible date, or a query no real name holds (see `screening.validate`); `DataError` when the
        data has gaps and the policy refuses to screen on them (`datasets.policy`). With gaps and the
        policy `review`, a result that would be clear is review; with any policy, it carries them.

        A party (kind party, person or organization) may come with secondary evidence, weighed against
        each hit (`screening.evidence`): `birth_date` (YYYY-MM-DD, YYYY-MM or YYYY), `country` (ISO
        codes or English names: nationality, residence, incorporation) and `identifier` (any id, with
        or without its label; an id equal to a listed one is a hit on its own)."""
        query_kind = parse(QueryKind, kind, "kind")
        the_activity = parse(Activity, activity, "activity")
        check_query(query, query_kind)
        evidence = Evidence.of(birth_date=birth_date, country=country, identifier=identifier)
        if evidence and query_kind in (QueryKind.TEXT, QueryKind.APP):
            raise InputError(
                "a date of birth, country or identifier is evidence about a party: use kind party, person "
                f"or organization, not '{query_kind}'"
            )
        gaps = self.dataset.warnings
        if gaps and self.dataset.on_stale is OnStale.REFUSE:
            raise DataError("refusing to screen (CLEARANCE_ON_STALE=refuse): " + "; ".join(gaps))
        moment = parse_as_of(as_of)
        deadline = Deadline(self.time_limit) if self.time_limit is not None else None
        plain = without_markup(query)
        if query_kind is QueryKind.TEXT:
            matches = scan(self.matcher, plain, deadline=deadline)
        else:
            matches = self._party(plain, query_kind, evidence, deadline)
        hits = [self._decider.hit(m, as_of=moment, activity=the_activity, evidence=evidence) for m in matches]
        hits = [h for h in hits if not _bare_registry_party(h)]
        if query_kind is QueryKind.TEXT:
            hits = one_per_entity(hits)
        hits.sort(key=lambda h: (-h.decision.severity, -h.score, h.entity.id))
        decision = hits[0].decision if hits else Decision.CLEAR  # the most severe comes first
        reasons = tuple(f"{h.entity.name}: {h.explanation}" for h in hits if h.decision == decision)
        decision, reasons = self.on_gaps(decision, reasons)
        return Result(
            query=query,
            kind=query_kind,
            as_of=moment,
            activity=the_activity,
            decision=decision,
            hits=tuple(hits),
            engine_version=__version__,
            data_versions=dict(self.dataset.versions),
            config=self.config,
            reasons=reasons if decision is not Decision.CLEAR else (),
            warnings=gaps,
            evidence=evidence,
        )

    def on_gaps(self, decision: Decision, reasons: tuple[str, ...]) -> tuple[Decision, tuple[str, ...]]:
        """A decision and its reasons as the data policy leaves them: with gaps in the data (no sanctions
        list, a required source missing, a list too old) and the policy `review`, a clear becomes review,
        with the gaps as its reasons; anything else is kept (datasets.policy). Every face that gathers
        hits into a decision of its own (a payment, a yente query) settles it here."""
        gaps = self.dataset.warnings
        if decision is Decision.CLEAR and gaps and self.dataset.on_stale is OnStale.REVIEW:
            return Decision.REVIEW, tuple(f"not clear on this data: {gap}" for gap in gaps)
        return decision, reasons

    def _party(
        self, query: str, kind: QueryKind, evidence: Evidence, deadline: Deadline | None
    ) -> list[Match]:
        """The matches of a name or identifier, and of the identifiers given with it: an entity that
        holds one of them is a hit even when the name does not match it, and whatever the query's kind
        (an organization screened with the IMO number of its vessel hits the vessel)."""
        matches = self.matcher.name(query, kind=kind, deadline=deadline)
        reading = read(query)
        if reading is not None and reading.problem:  # a labelled id whose check fails: say so
            matches = [
                replace(m, explanation=f"{m.explanation}; {reading.problem}")
                if m.by is MatchedBy.IDENTIFIER
                else m
                for m in matches
            ]
        found = {m.entity.id for m in matches}
        for given in evidence.identifiers:
            for entity, ident in self.matcher.identifiers(given, given=True):
                if entity.id not in found:  # whatever its kind: the id names it (a vessel's IMO)
                    found.add(entity.id)
                    why = f"identifier {ident.scheme} {ident.value}, given with the name, matches exactly"
                    matches.append(Match.of_identifier(entity, ident, why))
        return matches

    def prepare(self) -> None:
        """Build now what is otherwise built on first use: before forking workers, so that they share it,
        and before timing a first query."""
        self.matcher.index.prepare()


def one_per_entity(hits: Iterable[Hit]) -> list[Hit]:
    """A text's hits, one per listed entity however many times the text names it: the hit
    kept is the entity's most severe, then highest-scoring, then earliest occurrence, its `span` that
    occurrence; its `spans` are every occurrence of the entity, in text order (a hit without a span, none
    in a text today, comes after those with one of the same severity and score)."""
    by_entity: dict[str, list[Hit]] = {}
    for hit in hits:
        by_entity.setdefault(hit.entity.id, []).append(hit)
    merged = []
    for same in by_entity.values():
        kept = min(same, key=_rank)
        spans = sorted({s for h in same for s in h.occurrences})
        merged.append(replace(kept, spans=tuple(spans)))
    return merged


def _rank(hit: Hit) -> tuple[int, float, bool, int, int]:
    """Most severe first, then highest score, then earliest in the text (then shortest)."""
    start, end = (hit.span[0], hit.span[1]) if hit.span is not None else (0, 0)
    return (-hit.decision.severity, -hit.score, hit.span is None, start, end)


def _bare_registry_party(hit: Hit) -> bool:
    """A party of the user's registry that no measure, owner or link reaches: no hit at all."""
    only_registry = hit.entity.lists == (REGISTRY_LIST.id,)
    return only_registry and hit.decision is Decision.CLEAR and not hit.findings and not hit.path
