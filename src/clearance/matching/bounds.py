"""Bounds the candidate index prunes by: every strong listed name's words end to end in numpy arrays,
for bounding thousands of gathered names in one vectorised pass (a query of common words can gather
that many; most gather a handful, which `Index` bounds in a loop), and the positions initials and
one-letter words add to a name's and a query's matched positions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clearance.matching.tokens import is_initial


@dataclass(frozen=True, slots=True)
class FlatNames:
    """Names' words end to end: name n holds positions `start[n]` to `start[n + 1]`."""

    start: np.ndarray[Any, np.dtype[np.int64]]  # per name, and one past the last
    word: np.ndarray[Any, np.dtype[np.int32]]  # word id at each position
    weight: np.ndarray[Any, np.dtype[np.float64]]  # the scorer's weight of each position
    first: np.ndarray[Any, np.dtype[np.uint8]]  # first letter of each position's word
    person: np.ndarray[Any, np.dtype[np.bool_]]  # the position is in a person's name
    person_initial: np.ndarray[Any, np.dtype[np.bool_]]  # ... and is an initial
    other_letter: np.ndarray[Any, np.dtype[np.bool_]]  # a one-letter word outside a person's name
    need: np.ndarray[Any, np.dtype[np.float64]]  # per name: the weight its matched positions must reach
    vocabulary_size: int

    @classmethod
    def of(
        cls,
        *,
        word_ids: Sequence[tuple[int, ...]],
        words: Sequence[str],
        person: Sequence[bool],
        bounds: Sequence[tuple[tuple[float, ...], float]],
        need: float,
    ) -> FlatNames:
        """From the index's per-name word ids, person flags and (weights, total), and the vocabulary."""
        lengths = [len(wids) for wids in word_ids]
        start = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=start[1:])
        in_person = np.repeat(np.array(person, dtype=bool), lengths)
        first = np.fromiter((ord(words[wid][0]) for wids in word_ids for wid in wids), dtype=np.uint8)
        # one-letter words, digits included, as `Index._name_side_loop` counts them (a looser bound is safe)
        single = np.fromiter((len(words[wid]) == 1 for wids in word_ids for wid in wids), dtype=bool)
        return cls(
            start=start,
            word=np.fromiter((wid for wids in word_ids for wid in wids), dtype=np.int32),
            weight=np.fromiter(
                (
                    w
                    for (weights, _), wids in zip(bounds, word_ids, strict=True)
                    for w in weights[: len(wids)]
                ),
                dtype=np.float64,
            ),
            first=first,
            person=in_person,
            person_initial=in_person & single,
            other_letter=~in_person & single,
            need=np.array([need * total for _, total in bounds], dtype=np.float64),
            vocabulary_size=len(words),
        )

    def name_side(
        self, names: set[int], *, matched: frozenset[int], query: Sequence[str], initials: set[str]
    ) -> set[int]:
        """The names whose matched positions (words the query matched, and the initials a person's name
        pairs with) could carry them to the threshold."""
        gathered = np.fromiter(names, dtype=np.int64, count=len(names))
        starts = self.start[gathered]
        lengths = self.start[gathered + 1] - starts
        offsets = np.cumsum(lengths) - lengths
        flat = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
        hit_words = np.zeros(self.vocabulary_size, dtype=bool)
        hit_words[np.fromiter(matched, dtype=np.int64, count=len(matched))] = True
        hit = hit_words[self.word[flat]]
        first = self.first[flat]
        # a person's initial pairs with a query word it begins; a query initial with the words it begins
        firsts = np.zeros(128, dtype=bool)
        firsts[[ord(t[0]) for t in query]] = True
        hit |= self.person_initial[flat] & firsts[first]
        if initials:
            letters = np.zeros(128, dtype=bool)
            letters[[ord(t) for t in initials]] = True
            # ... and outside persons' names a one-letter word pairs with the same letter only
            hit |= (self.person[flat] | self.other_letter[flat]) & letters[first]
        covered = np.add.reduceat(np.where(hit, self.weight[flat], 0.0), offsets)
        return set(gathered[covered >= self.need[gathered]].tolist())


def initial_positions(
    tokens: Sequence[str], query: Sequence[str], npos: set[int], qpos: set[int], initials: set[str]
) -> tuple[set[int], set[int]]:
    """An initial pairs with any word it begins (J ~ John), on either side: count such positions."""
    name_initials = {t for t in tokens if is_initial(t)}
    if initials:
        npos = npos | {i for i, t in enumerate(tokens) if t[0] in initials}
        firsts = {t[0] for t in tokens}
        qpos = qpos | {i for i, t in enumerate(query) if is_initial(t) and t in firsts}
    if name_initials:
        qpos = qpos | {i for i, t in enumerate(query) if t[0] in name_initials}
        firsts = {t[0] for t in query}
        npos = npos | {i for i, t in enumerate(tokens) if is_initial(t) and t in firsts}
    return npos, qpos


def letter_positions(
    tokens: Sequence[str], query: Sequence[str], npos: set[int], qpos: set[int], letters: set[str]
) -> tuple[set[int], set[int]]:
    """Outside persons' names a one-letter word pairs only with the same letter (the J and V of
    "J/V"): count such positions on both sides (one-letter words are not looked up)."""
    own = {t for t in tokens if is_initial(t)}
    npos = npos | {i for i, t in enumerate(tokens) if is_initial(t) and t in letters}
    qpos = qpos | {i for i, t in enumerate(query) if is_initial(t) and t in own}
    return npos, qpos
