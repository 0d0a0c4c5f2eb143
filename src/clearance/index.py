"""Candidate index: which listed names could score above zero against a query, without scoring them all.

Recall-safe by construction: the scorer gives a pair of tokens a similarity above zero only when they are
equal, within `allowed_edits` of each other, share a consonant skeleton, or are variants of one given
name; the index keeps a key for each of those cases (deletion neighbourhoods cover the edits, as in
SymSpell), for every token and every run of two or three tokens, so any name that can score above zero
shares at least one key with the query. `tests/test_index.py` checks this against a brute-force scan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from clearance.model import Entity, Identifier, Name
from clearance.names import NameForm, name_form, number_value
from clearance.scoring import _GIVEN, _pieces, skeleton

_ID_CLEAN = re.compile(r"[\s\-]+")


def identifier_key(value: str) -> str:
    """Identifiers compare exactly after case folding and removing spaces and hyphens."""
    return _ID_CLEAN.sub("", value).casefold()


def _deletions(token: str, depth: int) -> Iterator[str]:
    for k in range(1, depth + 1):
        for drop in combinations(range(len(token)), k):
            yield "".join(ch for i, ch in enumerate(token) if i not in drop)


@lru_cache(maxsize=262144)
def token_keys(token: str) -> frozenset[str]:
    """Every key under which a token is filed and looked up."""
    keys = {"=" + token}
    number = number_value(token)
    if number is not None:
        keys.add("=" + number)
    if len(token) >= 4:
        depth = 2 if len(token) >= 8 else 1
        keys.update("~" + d for d in _deletions(token, depth))
        keys.add("~" + token)
    sk = skeleton(token)
    if len(sk) >= 3:
        keys.add("#" + sk)
    group = _GIVEN.get(token)
    if group is not None:
        keys.add(f"@{group}")
    return frozenset(keys)


def form_keys(form: NameForm) -> set[str]:
    keys: set[str] = set()
    for piece, _ in _pieces(form.tokens):
        keys |= token_keys(piece)
    return keys


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: Entity
    name: Name
    form: NameForm


class Index:
    """Names and identifiers of a set of entities, filed for candidate lookup."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.names: list[IndexedName] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._weak: dict[str, list[int]] = defaultdict(list)
        self._identifiers: dict[str, list[tuple[Entity, Identifier]]] = defaultdict(list)
        for entity in entities:
            self.add(entity)

    def add(self, entity: Entity) -> None:
        for name in entity.all_names():
            form = name_form(name.value)
            if not form.tokens:
                continue
            pos = len(self.names)
            self.names.append(IndexedName(entity, name, form))
            if name.type == "weak":
                self._weak[form.compact].append(pos)
            else:
                for key in form_keys(form):
                    self._postings[key].append(pos)
        for ident in entity.identifiers:
            self._identifiers[identifier_key(ident.value)].append((entity, ident))

    def candidates(self, form: NameForm) -> list[IndexedName]:
        """Strong names sharing a key with the query, and weak aliases equal to the whole query."""
        found: set[int] = set(self._weak.get(form.compact, ()))
        for key in form_keys(form):
            found.update(self._postings.get(key, ()))
        return [self.names[i] for i in sorted(found)]

    def by_identifier(self, value: str) -> Sequence[tuple[Entity, Identifier]]:
        return self._identifiers.get(identifier_key(value), ())

    def __len__(self) -> int:
        return len(self.names)
