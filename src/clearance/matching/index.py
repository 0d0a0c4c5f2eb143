"""Candidate index: which listed names could reach the review threshold against a query, found without
scoring every listed name, and which pieces of each are worth scoring.

Built once per engine over the distinct tokens of all strong names (a vocabulary), not over every name:

* each distinct token is filed under the keys of every way the scorer can match it: itself; its deletion
  neighbourhood up to the edits the scorer allows for its length (as in SymSpell: two words within k
  edits share a word with at most k letters deleted from each); its consonant skeleton (against names
  written without vowels); its romanised spelling; its given-name group; its number value; its Korean
  syllable key; its vowel frame;
* each run of two to four adjacent tokens of a name is filed as one joined string, since the scorer
  matches a run only when it equals a token of the other name ("cam scanner" ~ "camscanner").

A query gets one `Lookup`: its tokens and runs are looked up and the listed tokens found are verified
in bulk (edit distances in one rapidfuzz call). Names are then narrowed in steps, each of them safe:

* gathered only through the query's rarest tokens (a prefix filter: without one of them, the rest of
  the query's weight could not reach the threshold);
* kept only if they match every essential word of the query (one without which it could not either);
* kept only if their own coverage, and then the query's, could reach the threshold with every matched
  position matched perfectly: the score is low^0.7 * high^0.3 of the two coverages, so it cannot reach
  `review` unless both coverages reach review^(1/0.7).

`tests/matching/test_index.py` checks that the index returns every name that a brute-force scan with the same
scorer finds, and that scoring only the pairs of pieces the lookup found (`Lookup.pairs`) gives the
score of all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from clearance.domain.enums import Kind, NameRules, NameType
from clearance.domain.model import Entity, Identifier
from clearance.matching.bounds import FlatNames, initial_positions, letter_positions
from clearance.matching.config import DEFAULT_CONFIG, ScorerConfig
from clearance.matching.guards import specific_weak_alias
from clearance.matching.keys import identifier_key, runs
from clearance.matching.lookup import IndexedName, Lookup
from clearance.matching.normalise import NameForm, name_form
from clearance.matching.scorer import position_weights
from clearance.matching.tokens import is_initial
from clearance.matching.vocabulary import CACHE_SIZE, Vocabulary
from clearance.perf import Recent, paused_gc

# name -> (its positions, the query's positions) paired through runs: a query word against a run of the
# name's words, or a run of the query's against a run of the name's split elsewhere ("arefullaha ref")
RunHits = dict[int, list[tuple[tuple[int, ...], tuple[int, ...]]]]
SMALL_GATHER = 48  # up to this many names gathered, the name-side bound loops; beyond, it is vectorised


class Index:
    """Names and identifiers of a set of entities, filed for candidate lookup."""

    def __init__(self, entities: Iterable[Entity], *, config: ScorerConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self.need: float = config.need  # the coverage both sides must be able to reach
        self.names: list[IndexedName] = []
        self.vocabulary = Vocabulary()
        self._weak: dict[str, list[int]] = defaultdict(list)
        self._identifiers: dict[str, list[tuple[Entity, Identifier]]] = defaultdict(list)
        self._initial_names: dict[str, list[int]] = defaultdict(list)  # letter -> persons with that initial
        self._letter_names: dict[str, list[int]] = defaultdict(list)  # letter -> other names holding it alone
        # letter -> persons with a word beginning with it
        self._persons_by_first: dict[str, list[int]] = defaultdict(list)
        self._bounds: list[tuple[tuple[float, ...], float]] = []  # per name: the scorer's weights, their sum
        self._person: list[bool] = []
        self._has_letter: list[bool] = []  # per name: holds a one-letter word (an initial, the J of J/V)
        # the queries without candidates; per query token, the names matching it
        self._fruitless: Recent[tuple[tuple[str, ...], str, bool], None] = Recent(CACHE_SIZE)
        self._word_names: Recent[tuple[str, bool], frozenset[int]] = Recent(CACHE_SIZE)
        self._flat: FlatNames | None = None  # built on the first lookup that needs it, again after `add`
        with paused_gc():
            for entity in entities:
                self.add(entity)

    def add(self, entity: Entity) -> None:
        """File an entity's names and identifiers. What was remembered from earlier lookups is
        forgotten: it may no longer hold."""
        self._flat = None
        self.vocabulary.clear_caches()
        self._fruitless.clear()
        self._word_names.clear()
        seen: set[tuple[str, tuple[str, ...], str]] = set()
        person = entity.kind == Kind.PERSON
        rules = NameRules.PERSON if person else NameRules.OTHER
        for name in entity.all_names():
            form = name_form(name.value)
            key = (name.type, form.tokens, form.han)
            if not form.tokens or key in seen:
                continue  # the same name written another way adds nothing to match
            seen.add(key)
            pos = len(self.names)
            weights = position_weights(form, rules=rules, config=self.config)
            self._bounds.append((weights, sum(weights)))
            self._person.append(person)
            letters = {t for t in form.tokens if is_initial(t)}
            self._has_letter.append(bool(letters))
            if name.type == NameType.WEAK:
                self.names.append(IndexedName(entity, name, form, pos, ()))
                if specific_weak_alias(form):
                    self._weak[form.compact].append(pos)
                continue
            wids = tuple(self.vocabulary.word_id(token) for token in form.tokens)
            self.names.append(IndexedName(entity, name, form, pos, wids))
            if form.hangul:
                self.vocabulary.hangul.update(wids)
            for wid in set(wids):
                self.vocabulary.names_of[wid].append(pos)
            for letter in letters:  # J. in a person's name pairs with any word in J; elsewhere only with J
                (self._initial_names if person else self._letter_names)[letter].append(pos)
            if person:  # a query's initial pairs with any word of a person's name it begins
                for first in {t[0] for t in form.tokens}:
                    self._persons_by_first[first].append(pos)
            for joined, positions in runs(form.tokens):
                self.vocabulary.add_run(joined, pos, positions, tuple(form.tokens[i] for i in positions))
        for ident in entity.identifiers:
            self._identifiers[identifier_key(ident.value)].append((entity, ident))

    def prepare(self) -> None:
        """Build now what is otherwise built on first use: before forking workers, so that they share it,
        and before timing a first query."""
        with paused_gc():
            self.vocabulary.run_skeletons()
            self._arrays()

    # -- names a query could match --------------------------------------------------------------------

    def lookup(self, form: NameForm) -> Lookup:
        """The query's tables, and its candidates: strong names that could reach the review threshold,
        and weak aliases equal to the whole query.

        Names written differently but alike once normalised ("Star Imports Ltd", "STAR IMPORTS S.A.")
        share what was found: that there is no candidate, for the most recent such names (most names).
        A lookup with candidates is not kept: its tables are large, and the few names that have
        candidates are remembered with their matches by the engine."""
        key = (form.tokens, form.han, form.hangul)
        if key in self._fruitless:
            return Lookup.empty(form)
        found = self._lookup(form)
        if not found.candidates:
            self._fruitless.remember(key, None)
        return found

    def _lookup(self, form: NameForm) -> Lookup:
        lookup = Lookup(self.vocabulary, form)
        found = set(self._weak.get(form.compact, ()))
        initials = {t for t in form.tokens if is_initial(t)}
        query_weights = {
            False: position_weights(form, rules=NameRules.OTHER, config=self.config),
            True: position_weights(form, rules=NameRules.PERSON, config=self.config),
        }
        query_totals = {k: sum(v) for k, v in query_weights.items()}
        names, run_hits = self._gather(lookup, prune=True)
        for i in self._essential(form, query_weights, query_totals):
            if not names:
                break
            direct, other = self._names_matching(lookup, i, run_hits)
            names = (names & direct) | (names & other)
        need = self.need
        for name in self._name_side(names, lookup, initials) | run_hits.keys():
            weights, total = self._bounds[name]
            person = self._person[name]
            npos, qpos = self._matched(name, lookup, run_hits)
            if person and (initials or self._has_letter[name]):
                npos, qpos = initial_positions(
                    self.names[name].form.tokens, form.tokens, npos, qpos, initials
                )
            elif initials and self._has_letter[name]:
                npos, qpos = letter_positions(self.names[name].form.tokens, form.tokens, npos, qpos, initials)
            qw, qt = query_weights[person], query_totals[person]
            if (
                total
                and qt
                and sum([weights[i] for i in npos]) >= need * total
                and sum([qw[i] for i in qpos]) >= need * qt
            ):
                found.add(name)
        lookup.candidates = sorted(found)
        return lookup

    def _essential(
        self, form: NameForm, weights: dict[bool, tuple[float, ...]], totals: dict[bool, float]
    ) -> list[int]:
        """Query tokens without which, under either weighting, the query's side cannot reach the
        threshold (each of two or three equal words): every candidate must match them."""
        return [
            i
            for i, token in enumerate(form.tokens)
            if not is_initial(token)
            and all(totals[p] - weights[p][i] < self.need * totals[p] for p in (False, True))
        ]

    def _holding(self, lookup: Lookup, i: int) -> frozenset[int]:
        """The names holding a listed token that the query's token `i` pairs with (remembered)."""
        key = (lookup.form.tokens[i], lookup.form.hangul)
        found = self._word_names.get(key)
        if found is None:
            found = frozenset().union(*(self.vocabulary.names_of[tid] for tid in lookup.matches[i]))
            self._word_names.remember(key, found)
        return found

    def _names_matching(self, lookup: Lookup, i: int, run_hits: RunHits) -> tuple[frozenset[int], set[int]]:
        """Every name that matches the query's token `i` by any way the scorer has: the token itself
        (remembered, as its matches are), and the rarer ways, a run of the query's tokens holding it, a
        run of the name's, or an initial of a person's name."""
        token = lookup.form.tokens[i]
        direct = self._holding(lookup, i)
        other: set[int] = set(self._initial_names.get(token[0], ()))
        for a in range(len(lookup.form.tokens), len(lookup.pieces)):
            if lookup.matches[a] and i in lookup.pieces[a][1]:
                for tid in lookup.matches[a]:
                    other.update(self.vocabulary.names_of[tid])
        other.update(name for name, hits in run_hits.items() if any(i in qp for _, qp in hits))
        return direct, other

    def _name_side(self, names: set[int], lookup: Lookup, initials: set[str]) -> set[int]:
        """The gathered names whose own side could reach the threshold by the tokens the query matched
        (and the initials a person's name pairs with), their runs aside: a loop for the handful of
        names most queries keep, one vectorised pass for the thousands a query of common words can."""
        if len(names) <= SMALL_GATHER:
            return self._name_side_loop(names, lookup, initials)
        return self._arrays().name_side(
            names, matched=lookup.matched, query=lookup.form.tokens, initials=initials
        )

    def _name_side_loop(self, names: set[int], lookup: Lookup, initials: set[str]) -> set[int]:
        """`_name_side` one name at a time: faster for the few names most queries gather."""
        firsts = {t[0] for t in lookup.form.tokens}
        matched = lookup.matched
        out = set()
        for name in names:
            weights, total = self._bounds[name]
            tids = self.names[name].word_ids
            if self._person[name] and (initials or self._has_letter[name]):
                tokens = self.names[name].form.tokens
                covered = sum(
                    [
                        w
                        for w, tid, t in zip(weights, tids, tokens, strict=True)
                        if tid in matched or t[0] in initials or (len(t) == 1 and t in firsts)
                    ]
                )
            elif initials and self._has_letter[name]:  # one letter pairs only with the same letter
                tokens = self.names[name].form.tokens
                covered = sum(
                    [
                        w
                        for w, tid, t in zip(weights, tids, tokens, strict=True)
                        if tid in matched or (len(t) == 1 and t in initials)
                    ]
                )
            else:
                covered = sum([w for w, tid in zip(weights, tids, strict=True) if tid in matched])
            if covered >= self.need * total:
                out.add(name)
        return out

    def _arrays(self) -> FlatNames:
        if self._flat is None:
            self._flat = FlatNames.of(
                word_ids=[n.word_ids for n in self.names],
                words=self.vocabulary.words,
                person=self._person,
                bounds=self._bounds,
                need=self.need,
            )
        return self._flat

    def candidates(self, form: NameForm) -> list[IndexedName]:
        """The names `lookup` finds, themselves."""
        return [self.names[i] for i in self.lookup(form).candidates]

    def _gather(self, lookup: Lookup, *, prune: bool) -> tuple[set[int], RunHits]:
        """Names sharing something with the query, and the listed runs each of them matched.

        With `prune`, names are gathered only from the query's rarest tokens (a prefix filter): a name
        must match enough of the query's weight to reach the threshold, so it must match one of the
        tokens without which the rest could not reach it: by itself, in a run of the query's tokens, or
        against a run of the name's. A name's matched runs are all returned, for its coverage."""
        tokens = lookup.form.tokens
        names: set[int] = set()
        walk = self._prefix(lookup) if prune else set(range(len(tokens)))
        for qi in walk:
            if not is_initial(tokens[qi]):
                names.update(self._holding(lookup, qi))
            if prune:
                names.update(self._initial_names.get(tokens[qi][0], ()))
        if prune and self._letters_carry(lookup.form, walk):
            for letter in {t for t in tokens if is_initial(t)}:
                names.update(self._letter_names.get(letter, ()))
                names.update(self._persons_by_first.get(letter, ()))
        for a in range(len(tokens), len(lookup.pieces)):  # the query's runs against listed tokens
            if not walk.isdisjoint(lookup.pieces[a][1]):
                for tid in lookup.matches[a]:
                    names.update(self.vocabulary.names_of[tid])
        run_hits: RunHits = defaultdict(list)
        for qi, joined_runs in enumerate(lookup.run_matches):
            for joined in joined_runs:
                for name, positions in self.vocabulary.runs[joined]:
                    run_hits[name].append((positions, (qi,)))
                    if qi in walk:
                        names.add(name)
        for joined, qp in lookup.pieces[len(tokens) :]:  # a run against a run split elsewhere
            for name, positions in self.vocabulary.runs.get(joined, ()):
                listed = self.names[name].form.tokens
                if [listed[p] for p in positions] != [tokens[q] for q in qp]:
                    run_hits[name].append((positions, qp))
                    if not walk.isdisjoint(qp):
                        names.add(name)
        return names, run_hits

    def _matched(self, name: int, lookup: Lookup, run_hits: RunHits) -> tuple[set[int], set[int]]:
        """The name's positions and the query's that some piece of the other side pairs with."""
        tids = self.names[name].word_ids
        npos = {p for p, tid in enumerate(tids) if tid in lookup.matched}
        qpos: set[int] = set()
        for matches, (_, positions) in zip(lookup.matches, lookup.pieces, strict=True):
            if matches and not matches.isdisjoint(tids):
                qpos.update(positions)
        for positions, qp in run_hits.get(name, ()):
            npos.update(positions)
            qpos.update(qp)
        return npos, qpos

    def _prefix(self, lookup: Lookup) -> set[int]:
        """The query tokens whose names must be gathered: the rarest ones, until the others together
        could not reach the threshold, under either weighting (person or not)."""
        form = lookup.form
        walk: set[int] = set()
        order = sorted(
            (i for i in range(len(form.tokens)) if not is_initial(form.tokens[i])),
            key=lambda i: self.vocabulary.matches_and_reach(form.tokens[i], hangul=form.hangul)[1],
        )
        for rules in (NameRules.OTHER, NameRules.PERSON):
            weights = position_weights(form, rules=rules, config=self.config)
            total = sum(weights)
            # initials cannot be looked up: count them as matched, and never walk them
            remaining = total
            for i in order:
                if remaining < self.need * total:
                    break
                walk.add(i)
                remaining -= weights[i]
        return walk

    def _letters_carry(self, form: NameForm, walk: set[int]) -> bool:
        """Could a name matching none of the walked words, only through the query's initials (the same
        letter elsewhere, a word it begins in a person's name), reach the threshold? Only when the words
        not walked (the initials among them) could, under either weighting: the prefix walks every
        other word before it stops short of that. Queries made mostly of initials are rare."""
        if not any(is_initial(t) for t in form.tokens):
            return False
        for rules in (NameRules.OTHER, NameRules.PERSON):
            weights = position_weights(form, rules=rules, config=self.config)
            total = sum(weights)
            if total - sum(weights[i] for i in walk) >= self.need * total:
                return True
        return False

    def positions(self, form: NameForm) -> dict[int, set[int]]:
        """For a word or two of free text: each name (by its number in `names`) sharing a matching token
        with it, and which of the name's positions match; weak aliases only when equal to it."""
        lookup = Lookup(self.vocabulary, form)
        names, run_hits = self._gather(lookup, prune=False)
        found = {name: self._matched(name, lookup, run_hits)[0] for name in names}
        for name in self._weak.get(form.compact, ()):
            found[name] = set(range(len(self.names[name].form.tokens)))
        return found

    def coverage(self, name: int, positions: set[int]) -> bool:
        """Could a name reach the review threshold with these of its positions matched?"""
        weights, total = self._bounds[name]
        return total > 0 and sum(weights[i] for i in positions if i < len(weights)) >= self.need * total

    def weak(self, compact: str) -> Sequence[int]:
        """The weak aliases (by number in `names`) whose letters run together are `compact`."""
        return self._weak.get(compact, ())

    def by_identifier(self, value: str) -> Sequence[tuple[Entity, Identifier]]:
        return self._identifiers.get(identifier_key(value), ())

    def __len__(self) -> int:
        return len(self.names)
