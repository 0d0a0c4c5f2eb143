"""Which listed entities a name or identifier matches, and how well: the matching layer's one entry point.

A `Matcher` owns the candidate index and the scorer's configuration (the same object, so that the index
prunes exactly where the scorer falls below `review`), and remembers the matches of recent names. It
knows nothing of measures, dates or decisions: the screening layer turns each `Match` into a hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from clearance.domain.enums import NameRules, NameType, QueryKind
from clearance.domain.model import Entity, Identifier
from clearance.limits import Deadline
from clearance.matching.config import DEFAULT_CONFIG, ScorerConfig
from clearance.matching.guards import WEAK_WORD_LETTERS, acronym_unwritten
from clearance.matching.identifiers import find as find_identifiers
from clearance.matching.index import Index
from clearance.matching.lookup import IndexedName, Lookup
from clearance.matching.normalise import NameForm, fold, has_han, readings
from clearance.matching.scorer import Comparison, compare, compare_forms, reading_counts
from clearance.matching.textindex import PrefixTable
from clearance.perf import Recent

MATCH_CACHE_SIZE = 100_000  # distinct names whose matches are remembered
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\- ]{5,}$")

Scored = tuple[IndexedName, Comparison]


class MatchedBy(StrEnum):
    """How a match was made: a listed name, a weak alias equal to the whole query, or an identifier."""

    NAME = "name"
    WEAK_ALIAS = "weak_alias"
    IDENTIFIER = "identifier"


@dataclass(frozen=True, slots=True)
class Match:
    """A listed entity that a query (or a stretch of text) matches.

    `matched_name` is the listed name or alias that matched, or "scheme: value" for an identifier;
    `score` lies in [0, 1] (1.0 for an identifier); `explanation` says why in words; `span` is
    (start, end, text) in the query for a match found in free text."""

    entity: Entity
    matched_name: str
    score: float
    by: MatchedBy
    explanation: str
    span: tuple[int, int, str] | None = None

    @classmethod
    def of_identifier(
        cls, entity: Entity, ident: Identifier, why: str, span: tuple[int, int, str] | None = None
    ) -> Match:
        return cls(entity, f"{ident.scheme}: {ident.value}", 1.0, MatchedBy.IDENTIFIER, why, span)

    @classmethod
    def of_name(
        cls, cand: IndexedName, cmp: Comparison, why: str, span: tuple[int, int, str] | None = None
    ) -> Match:
        by = MatchedBy.WEAK_ALIAS if cand.name.type == NameType.WEAK else MatchedBy.NAME
        return cls(cand.entity, cand.name.value, cmp.score, by, why, span)


class Matcher:
    """Names and identifiers of a set of entities, ready to be matched against queries."""

    def __init__(self, entities: Iterable[Entity], *, config: ScorerConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self.index = Index(entities, config=config)
        self._matches: Recent[tuple[str, QueryKind], Sequence[Scored]] = Recent(MATCH_CACHE_SIZE)
        self._prefix: PrefixTable | None = None  # for free text, built on the first scan

    def add(self, entity: Entity) -> None:
        """Match this entity from now on; the remembered matches are forgotten, since they may change."""
        self.index.add(entity)
        self._matches.clear()

    def prefix_table(self) -> PrefixTable:
        """Which names each listed word starts a match of in free text (`matching.textindex`), up to
        date with the names added since it was built."""
        if self._prefix is None:
            self._prefix = PrefixTable(self.index)
        return self._prefix.update()

    def compare(self, left: str, right: str, *, rules: NameRules) -> Comparison:
        """Two names side by side, with this matcher's configuration."""
        return compare(left, right, rules=rules, config=self.config)

    def name(
        self, query: str, *, kind: QueryKind = QueryKind.PARTY, deadline: Deadline | None = None
    ) -> list[Match]:
        """The entities a name matches, one match each (its best), by identifier or by name."""
        best: dict[str, Match] = {}
        for entity, ident in self.identifiers(query):
            why = f"identifier {ident.scheme} {ident.value} matches exactly"
            best[entity.id] = Match.of_identifier(entity, ident, why)
        for n, form in enumerate(readings(query)):
            for cand, cmp in self.forms(form, kind=kind, deadline=deadline):
                if cand.entity.id in best and best[cand.entity.id].score >= cmp.score:
                    continue
                if not reading_counts(n, cmp):
                    continue
                weak = cand.name.type == NameType.WEAK
                why = f"the whole query is the weak alias '{cand.name.value}'" if weak else cmp.explanation
                best[cand.entity.id] = Match.of_name(cand, cmp, why)
        return list(best.values())

    def identifiers(self, query: str, *, given: bool = False) -> Sequence[tuple[Entity, Identifier]]:
        """Listed identifiers the query names, case and spaces and hyphens aside: the whole query when it
        looks like one (a package id, ISIN, LEI, ticker, USCC: six or more letters, digits and . _ -) or
        is `given` as an identifier, and the value after a label ("IMO 9187629", "passport no. X"; see
        `matching.identifiers`)."""
        return find_identifiers(query, self.index.by_identifier, bare=None if given else _IDENTIFIER_LIKE)

    def forms(
        self, form: NameForm, *, kind: QueryKind = QueryKind.PARTY, deadline: Deadline | None = None
    ) -> Sequence[Scored]:
        """Listed names that match a normalised query at or above the review threshold, best first.

        Matches depend on the name and kind only, not on the date or activity, so they are remembered
        for the most recent queries: payment files name the same counterparties again and again."""
        key = (form.original, kind)
        found = self._matches.get(key)
        if found is None:
            lookup = self.index.lookup(form)
            candidates = [self.index.names[i] for i in lookup.candidates]
            found = (
                self.score(form, candidates, kind=kind, lookup=lookup, deadline=deadline) or ()
            )  # most names: one empty tuple
            self._matches.remember(key, found)
        return found

    def score(
        self,
        form: NameForm,
        candidates: Iterable[IndexedName],
        *,
        kind: QueryKind = QueryKind.PARTY,
        lookup: Lookup | None = None,
        deadline: Deadline | None = None,
    ) -> list[Scored]:
        """Score candidate names against a query form; keep those at or above the review threshold.
        With the query's `lookup`, only the pairs of pieces the index found are tried.

        Among equal scores, a name written as the query was (same characters, then same script) comes
        first, so that 腾讯控股有限公司 reports the Chinese name it matched rather than its pinyin."""
        out = []
        config = self.config
        for n, cand in enumerate(candidates):
            if deadline is not None and n % 64 == 0:
                deadline.check()
            if not kind.admits(cand.entity.kind):
                continue
            if cand.name.type == NameType.WEAK:
                if form.compact == cand.form.compact and not acronym_unwritten(
                    form, cand.form, letters=WEAK_WORD_LETTERS
                ):
                    out.append((cand, compare_forms(form, cand.form, config=config)))
                continue
            rules = NameRules.of(cand.entity.kind)
            tried = lookup.pairs(cand) if lookup is not None else None
            cmp = compare_forms(form, cand.form, rules=rules, config=config, tried=tried)
            if cmp.score >= config.review:
                out.append((cand, cmp))
        query = fold(form.original)
        out.sort(
            key=lambda m: (
                -m[1].score,
                fold(m[0].name.value) != query,
                has_han(m[0].name.value) != bool(form.han),
            )
        )
        return out
