"""The screening core: one query, one date, one activity in; a decision with its reasons out.

Every face of clearance (CLI, batch, channels, service, UI) calls `Engine.screen` and nothing else to
decide; nothing here knows about files, HTTP or Spark.

How a decision is reached, per hit:
* each measure that covers the entity is put in its state on the as-of date (see `timeline`);
* in force and restricting the activity -> block (under activity `any`, only a ban on all dealings);
  in force but restricting other activities -> review; in force but never implemented (a ban that
  reaches only what an agency identifies, and nothing was identified) -> review; signed or listed but
  not yet effective -> review; enjoined, revoked, superseded or not yet signed -> reported as context,
  no effect on the decision;
* an entity no built-in measure covers follows its list's rule: a sanctions list blocks on a strong
  match (score >= `Thresholds.strong`) and asks for review on a weaker one;
* a match below the strong threshold, or on a weak alias alone, never blocks: it asks for review.
The result's decision is the most severe of its hits' decisions; no hit means clear.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from clearance import __version__
from clearance.datasets.builtin import Dataset, builtin
from clearance.domain.model import ACTIVITIES, Entity, ListInfo, Listing, Measure, most_severe, severity
from clearance.domain.timeline import EntityState, entity_state
from clearance.errors import InputError
from clearance.matching.index import Index, IndexedName, Lookup
from clearance.matching.normalise import NameForm, fold, has_han, name_form
from clearance.matching.scorer import DEFAULT_THRESHOLDS, Comparison, Thresholds, compare_forms
from clearance.perf import Recent, settle_heap

QUERY_KINDS = ("party", "person", "organization", "app", "text")
MAX_NAME_CHARS = 10_000
MATCH_CACHE_SIZE = 100_000
MAX_TEXT_CHARS = 2_000_000
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x85")
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\- ]{5,}$")


def parse_as_of(value: date | datetime | str | None) -> date | datetime:
    """A date, a datetime, or an ISO string of either; today (UTC) when absent."""
    if value is None:
        return datetime.now(UTC).date()
    if isinstance(value, date):  # datetime is a date too
        return value
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"invalid date '{value}': use YYYY-MM-DD or an ISO datetime with zone") from None


def check_query(query: object, kind: str) -> str:
    """Reject what no real name or text holds; accept every real name in any script."""
    if not isinstance(query, str):
        raise InputError(f"the query must be text, not {type(query).__name__}")
    if not query.strip():
        raise InputError("the query is empty")
    limit = MAX_TEXT_CHARS if kind == "text" else MAX_NAME_CHARS
    if len(query) > limit:
        raise InputError(
            f"the query is {len(query):,} characters long; the limit for kind '{kind}' is {limit:,}"
        )
    if query.isprintable():  # the common case, checked in C: no control character at all
        return query
    for pos, ch in enumerate(query):
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs"):
            raise InputError(f"the query holds a control character (U+{ord(ch):04X}) at position {pos}")
    return query


def _check_choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise InputError(f"unknown {what} '{value}': use one of {', '.join(allowed)}")
    return value


@dataclass(frozen=True)
class MeasureFinding:
    """One measure on one hit: its state on the date and what it does to the decision."""

    state: EntityState
    effect: str  # clear (context only) | review | block
    reason: str

    def to_dict(self) -> dict[str, Any]:
        m, cov = self.state.measure, self.state.coverage
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
            "event": self.state.measure_state.event.to_dict() if self.state.measure_state.event else None,
        }


@dataclass(frozen=True)
class Hit:
    entity: Entity
    matched_name: str
    score: float
    weak: bool
    by_identifier: bool
    decision: str
    findings: tuple[MeasureFinding, ...]
    path: tuple[dict[str, str], ...]
    explanation: str
    list_names: tuple[str, ...]
    span: tuple[int, int, str] | None = None

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
            "measures": [f.to_dict() for f in self.findings],
            "path": list(self.path),
            "explanation": self.explanation,
            "match": "identifier" if self.by_identifier else ("weak_alias" if self.weak else "name"),
        }
        if self.span is not None:
            out["span"] = {"start": self.span[0], "end": self.span[1], "text": self.span[2]}
        return out


@dataclass(frozen=True)
class Result:
    query: str
    kind: str
    as_of: date | datetime
    activity: str
    decision: str
    hits: tuple[Hit, ...]
    engine_version: str
    data_versions: dict[str, str]
    thresholds: Thresholds
    reasons: tuple[str, ...] = field(default=())

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
            "thresholds": {"review": self.thresholds.review, "strong": self.thresholds.strong},
        }


def measure_effect(es: EntityState, activity: str) -> tuple[str, str]:
    """What one measure, in its state for this entity, does to a decision for this activity."""
    m = es.measure
    if es.state == "in_force":
        if m.needs_implementation and not es.implemented:
            return "review", (
                f"{m.short} {es.reason}, but never implemented: it reaches only transactions an agency "
                "identifies, and none had been identified by the screening date"
            )
        if m.restricts_activity(activity):
            what = "all dealings" if "all" in m.restricts else f"the activity '{activity}'"
            return "block", f"{m.short} {es.reason} and restricts {what}"
        return "review", (
            f"{m.short} {es.reason}; it restricts {', '.join(sorted(m.restricts)) or 'nothing'}, "
            f"not {'all dealings' if activity == 'any' else repr(activity)}"
        )
    if es.state == "signed":
        return "review", f"{m.short}: {es.reason}"
    return "clear", f"{m.short}: {es.reason} (context only)"


class Engine:
    """Screens queries against a dataset of measures and listed entities."""

    def __init__(self, dataset: Dataset, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        self.dataset = dataset
        self.thresholds = thresholds
        self.index = Index(dataset.entities)
        self.entities = {e.id: e for e in dataset.entities}
        self._matches: Recent[tuple[str, str], Sequence[tuple[IndexedName, Comparison]]] = Recent(
            MATCH_CACHE_SIZE
        )
        settle_heap()

    @classmethod
    def default(
        cls,
        lists: Iterable[str | Path] | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        home: Path | None = None,
        lists_as_of: date | None = None,
    ) -> Engine:
        """The built-in measures, the active list snapshots under CLEARANCE_HOME, and any list files or
        folders given (in any supported format, detected from content). `lists_as_of` takes, for each
        source, the snapshot that was current on that day instead of the active one (for audit)."""
        from clearance.datasets.lists import merge, read, version_of
        from clearance.datasets.lists.updates import load_active
        from clearance.settings import home as default_home

        datas, versions = load_active(home or default_home(), lists_as_of)
        for data in read(lists or []):
            datas.append(data)
            versions[data.source] = f"file-{version_of(data.files)}"
        return cls(merge(builtin(), datas, versions), thresholds)

    @property
    def measures(self) -> dict[str, Measure]:
        return dict(self.dataset.measures)

    def entity(self, entity_id: str) -> Entity:
        try:
            return self.entities[entity_id]
        except KeyError:
            raise InputError(f"no entity with id '{entity_id}'") from None

    def compare(self, left: str, right: str, kind: str = "any") -> Comparison:
        """Two names side by side with the scorer screening uses."""
        _check_choice(kind, ("person", "organization", "vessel", "any"), "kind")
        check_query(left, "party")
        check_query(right, "party")
        return compare_forms(name_form(left), name_form(right), kind, self.thresholds)

    def screen(
        self,
        query: str,
        kind: str = "party",
        as_of: date | datetime | str | None = None,
        activity: str = "any",
    ) -> Result:
        _check_choice(kind, QUERY_KINDS, "kind")
        _check_choice(activity, ACTIVITIES, "activity")
        check_query(query, kind)
        moment = parse_as_of(as_of)
        if kind == "text":
            from clearance.matching.text import scan

            hits = scan(self, query, moment, activity)
        else:
            hits = self._screen_name(query, kind, moment, activity)
        hits = sorted(hits, key=lambda h: (-severity(h.decision), -h.score, h.entity.id))
        decision = most_severe([h.decision for h in hits])
        reasons = tuple(f"{h.entity.name}: {h.explanation}" for h in hits if h.decision == decision and hits)
        return Result(
            query=query,
            kind=kind,
            as_of=moment,
            activity=activity,
            decision=decision,
            hits=tuple(hits),
            engine_version=__version__,
            data_versions=dict(self.dataset.versions),
            thresholds=self.thresholds,
            reasons=reasons if decision != "clear" else (),
        )

    # -- matching -------------------------------------------------------------------------------------

    def _screen_name(self, query: str, kind: str, as_of: date | datetime, activity: str) -> list[Hit]:
        best: dict[str, Hit] = {}
        for entity, ident in self._identifier_matches(query):
            hit = self.make_hit(
                entity,
                f"{ident.scheme}: {ident.value}",
                1.0,
                False,
                True,
                as_of,
                activity,
                f"identifier {ident.scheme} {ident.value} matches exactly",
            )
            best[entity.id] = hit
        form = name_form(query)
        if form.tokens:
            for cand, cmp in self.match_form(form, kind):
                if cand.entity.id in best and best[cand.entity.id].score >= cmp.score:
                    continue
                weak = cand.name.type == "weak"
                why = (
                    ("the whole query is the weak alias '" + cand.name.value + "'")
                    if weak
                    else cmp.explanation
                )
                best[cand.entity.id] = self.make_hit(
                    cand.entity, cand.name.value, cmp.score, weak, False, as_of, activity, why
                )
        return list(best.values())

    def _identifier_matches(self, query: str) -> Sequence[tuple[Entity, Any]]:
        text = query.strip()
        if not _IDENTIFIER_LIKE.match(text):
            return ()
        return self.index.by_identifier(text)

    def match_form(self, form: NameForm, kind: str = "party") -> Sequence[tuple[IndexedName, Comparison]]:
        """Listed names that match a normalised query at or above the review threshold, best first.

        Matches depend on the name and kind only, not on the date or activity, so they are remembered
        for the most recent queries: payment files name the same counterparties again and again."""
        key = (form.original, kind)
        found = self._matches.get(key)
        if found is None:
            lookup = self.index.lookup(form)
            candidates = [self.index.names[i] for i in lookup.candidates]
            found = self.score_candidates(form, candidates, kind, lookup) or ()  # most names: one empty tuple
            self._matches.remember(key, found)
        return found

    def score_candidates(
        self,
        form: NameForm,
        candidates: Iterable[IndexedName],
        kind: str = "party",
        lookup: Lookup | None = None,
    ) -> list[tuple[IndexedName, Comparison]]:
        """Score candidate names against a query form; keep those at or above the review threshold.
        With the query's `lookup`, only the pairs of pieces the index found are tried.

        Among equal scores, a name written as the query was (same characters, then same script) comes
        first, so that 腾讯控股有限公司 reports the Chinese name it matched rather than its pinyin."""
        out = []
        for cand in candidates:
            ekind = cand.entity.kind
            if kind in ("person", "organization") and ekind != kind:
                continue
            if cand.name.type == "weak":
                if form.compact == cand.form.compact:
                    out.append((cand, compare_forms(form, cand.form, "any", self.thresholds)))
                continue
            scorer_kind = "person" if ekind == "person" else "organization"
            tried = lookup.pairs(cand.number) if lookup is not None else None
            cmp = compare_forms(form, cand.form, scorer_kind, self.thresholds, tried)
            if cmp.score >= self.thresholds.review:
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

    # -- deciding -------------------------------------------------------------------------------------

    def make_hit(
        self,
        entity: Entity,
        matched_name: str,
        score: float,
        weak: bool,
        by_identifier: bool,
        as_of: date | datetime,
        activity: str,
        why: str,
        span: tuple[int, int, str] | None = None,
    ) -> Hit:
        findings = []
        for cov in entity.measures:
            measure = self.dataset.measures[cov.measure]
            es = entity_state(measure, cov, as_of)
            effect, reason = measure_effect(es, activity)
            findings.append(MeasureFinding(es, effect, reason))
        findings.sort(key=lambda f: -severity(f.effect))
        list_names = tuple(
            self.dataset.lists[lid].title if lid in self.dataset.lists else lid for lid in entity.lists
        )
        strong = by_identifier or (not weak and score >= self.thresholds.strong)
        if findings:
            decision = findings[0].effect
            reasons = [f.reason for f in findings]
        else:
            decision, reasons = self._listing_effect(entity, as_of, activity)
        capped = ""
        if decision == "block" and not strong:
            decision = "review"
            capped = "; the match is not strong enough to block on its own" + (
                " (weak alias)" if weak else ""
            )
        path = (
            self._path(entity, findings[0].state.coverage.via, findings[0].state.coverage.basis)
            if findings
            else ()
        )
        explanation = f"matched '{matched_name}' ({why}); " + "; ".join(reasons) + capped
        return Hit(
            entity,
            matched_name,
            score,
            weak,
            by_identifier,
            decision,
            tuple(findings),
            path,
            explanation,
            list_names,
            span,
        )

    def _listing_effect(self, entity: Entity, as_of: date | datetime, activity: str) -> tuple[str, list[str]]:
        """An entry no built-in measure covers follows its list: what the list restricts, in its dates."""
        day = as_of.date() if isinstance(as_of, datetime) else as_of
        listings = entity.listings or tuple(Listing(lid) for lid in entity.lists)
        effects: list[tuple[str, str]] = []
        for listing in listings:
            info = self.dataset.lists.get(listing.list_id, ListInfo(listing.list_id, listing.list_id))
            programs = f" ({', '.join(listing.programs)})" if listing.programs else ""
            where = f"{info.title}{programs}"
            if listing.listed and day < listing.listed:
                effects.append(
                    ("clear", f"listed on {where} only from {listing.listed.isoformat()} (context only)")
                )
            elif listing.expires and day > listing.expires:
                effects.append(
                    ("clear", f"was on {where} until {listing.expires.isoformat()} (context only)")
                )
            elif "all" in info.restricts or activity in info.restricts:
                what = "all dealings" if "all" in info.restricts else f"the activity '{activity}'"
                effects.append(("block", f"listed on {where}, which restricts {what}"))
            else:
                effects.append(
                    ("review", f"listed on {where}, which restricts {', '.join(sorted(info.restricts))}")
                )
        effects.sort(key=lambda e: -severity(e[0]))
        return (effects[0][0] if effects else "review"), [reason for _, reason in effects]

    def _path(self, entity: Entity, via: Sequence[str], basis: str) -> tuple[dict[str, str], ...]:
        """The chain from the hit entity to the entity the measure names, one step per link."""
        steps = []
        current = entity
        for n, target_id in enumerate(via):
            target = self.entities[target_id]
            rel = next((r.type for r in current.relations if r.target == target_id), None)
            steps.append(
                {
                    "from": current.id,
                    "relation": rel or (basis if n == 0 else "linked_to"),
                    "to": target.id,
                    "to_name": target.name,
                }
            )
            current = target
        return tuple(steps)
