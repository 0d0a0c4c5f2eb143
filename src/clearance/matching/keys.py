"""The keys under which the candidate index files listed tokens, and looks query tokens up.

A listed token is filed under the key of every way the scorer can match it (`matching.tokens`): itself;
its deletion neighbourhood up to the edits the scorer allows for its length (as in SymSpell: two words
within k edits share a word with at most k letters deleted from each); its consonant skeleton (against
names written without vowels); its romanised spelling; its given-name group; its number value; its
Korean syllable key; its vowel frame. A run of two to four adjacent tokens of a name is filed as one
joined string, since the scorer matches a run only when it equals a token of the other name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from clearance.matching.normalise import number_value
from clearance.matching.parts import squeezed
from clearance.matching.scorer import pieces
from clearance.matching.tokens import (
    MAX_TYPO_LETTERS,
    MIN_SKELETON,
    RUN_TYPO_MIN,
    VOWEL_FRAME_MIN,
    abjad,
    allowed_edits,
    given_group,
    is_syllable,
    korean_key,
    run_skeleton,
    skeleton,
    swap_key,
    synonym_group,
    vowel_frame,
)
from clearance.matching.variants import romanised, surname_keys, transliterated
from clearance.matching.wadegiles import one_syllable, wade_giles

_ID_CLEAN = re.compile(r"[\s\-]+")


def identifier_key(value: str) -> str:
    """Identifiers compare exactly after case folding and removing spaces and hyphens."""
    return _ID_CLEAN.sub("", value).casefold()


def _deletions(token: str, depth: int) -> set[str]:
    """Every string made by deleting up to `depth` letters (depth 0, 1 or 2)."""
    if depth == 0:
        return set()
    first = {token[:i] + token[i + 1 :] for i in range(len(token))}
    if depth == 1:
        return first
    return first | {d[:i] + d[i + 1 :] for d in first for i in range(len(d))}


# Keys are plain strings for a token's own spelling, its romanised spelling and its deletion neighbourhood
# (one namespace: a romanised spelling is just another spelling), and prefixed by a character no token
# holds for the rest: "\x01" given-name group, "\x02" number, "\x03" Korean syllable, "\x04"/"\x05"
# consonant skeleton of a word written without / with vowels, "\x06" vowel frame (vowels blanked),
# "\x07" synonym group.
_GROUP, _NUMBER, _KOREAN, ABJAD, VOWELLED, _FRAME = "\x01", "\x02", "\x03", "\x04", "\x05", "\x06"
_SYNONYM = "\x07"  # synonym group of a generic word of product names
_SURNAME = "\x08"  # masculine form of a family name (Ivanova -> Ivanov)
_SWAP = "\x09"  # a three-letter word with its last two letters sorted (sok, sko)
_WADE_GILES = "\x0a"  # the Wade-Giles spelling of a word in pinyin or Wade-Giles (zedong, tse tung)


@lru_cache(maxsize=65536)
def query_keys(token: str, *, typos: bool = True) -> tuple[str, ...]:
    """The keys a query token is looked up under: with typos, against listed tokens; without, against
    joined runs of listed names (the scorer then allows no romanisation or Korean variants either)."""
    if typos:
        keys = _variant_keys(token) | _deletions(token, allowed_edits(len(token))) | _frame_key(token)
    else:
        keys = _exact_keys(token)
    across = _across_writing(token, skeleton(token), unvowelled=abjad(token))
    return tuple(keys | _wade_giles_key((token,)) | across)


def joined_keys(tokens: Sequence[str]) -> set[str]:
    """The keys a run of the query's tokens, joined, is looked up under among listed tokens: a run of two
    with one letter deleted too, from `RUN_TYPO_MIN` letters ("cam scaner" meets camscanner)."""
    joined = "".join(tokens)
    typo = (
        _deletions(joined, 1)
        if len(tokens) == 2 and RUN_TYPO_MIN <= len(joined) <= MAX_TYPO_LETTERS
        else set()
    )
    # Consonants pair two words only when the query's is written without vowels (mhmd ~ mohammed, never
    # mohammed ~ mhmd: `tokens.token_similarity`), and a run pairs by no typo its deletions would miss:
    # a run with vowels needs no consonant key (most runs: half the time of a run's keys went there)
    across = _across_writing(joined, run_skeleton(tokens)[0], unvowelled=True) if abjad(joined) else set()
    return _exact_keys(joined) | typo | _wade_giles_key(tokens) | across


def _wade_giles_key(tokens: Sequence[str]) -> set[str]:
    """The Wade-Giles spelling of a word, or of a run of words each one syllable ("tse tung"): of a run
    of ordinary words it is never asked (it would cost more than every other key of a text)."""
    if len(tokens) > 1 and not all(one_syllable(t) for t in tokens):
        return set()
    wade = wade_giles("".join(tokens))
    return {_WADE_GILES + wade} if wade is not None else set()


def _across_writing(piece: str, consonants: str, *, unvowelled: bool) -> set[str]:
    """Consonants meet the other kind of writing: vowelled words for a piece written without vowels,
    and back."""
    if len(consonants) >= MIN_SKELETON and (unvowelled or len(piece) >= 4):
        return {(VOWELLED if unvowelled else ABJAD) + consonants}
    return set()


def vocabulary_keys(token: str) -> set[str]:
    """The keys a listed token is filed under (its runs: `run_keys`)."""
    return (
        _variant_keys(token)
        | _wade_giles_key((token,))
        | _deletions(token, allowed_edits(len(token)))
        | skeleton_key(token)
        | _frame_key(token)
    )


def _frame_key(token: str) -> set[str]:
    return {_FRAME + vowel_frame(token)} if len(token) >= VOWEL_FRAME_MIN else set()


def skeleton_key(piece: str) -> set[str]:
    sk = skeleton(piece)
    return {(ABJAD if abjad(piece) else VOWELLED) + sk} if len(sk) >= MIN_SKELETON else set()


def _exact_keys(piece: str) -> set[str]:
    """The piece itself, its given-name group, its number value and its synonym group: what even a joined
    run meets."""
    keys = {piece}
    group = given_group(piece)
    if group is not None:
        keys.add(f"{_GROUP}{group}")
    number = number_value(piece)
    if number is not None:
        keys.add(_NUMBER + number)
    synonyms = synonym_group(piece)
    if synonyms is not None:
        keys.add(f"{_SYNONYM}{synonyms}")
    return keys


def _variant_keys(token: str) -> set[str]:
    keys = _exact_keys(token) | {_SURNAME + male for male in surname_keys(token)} | _slip_keys(token)
    if len(token) >= 4:
        keys.add(_SURNAME + token)  # a masculine form, met by its feminine forms' keys
        keys.add(romanised(token))
        keys.add(transliterated(token))
    if len(token) <= 6 and is_syllable(token):
        keys.add(_KOREAN + korean_key(token))
    return keys


def _slip_keys(token: str) -> set[str]:
    """A word without its doubled letters (a plain spelling: sson meets son, essa meets esa), and a
    three-letter word's swap key (sko meets sok): the slips `tokens._short_slip` pairs."""
    keys = set()
    single = squeezed(token)
    if single != token and len(single) >= 2:
        keys.add(single)
    swapped = swap_key(token)
    if swapped is not None:
        keys.add(_SWAP + swapped)
    return keys


def runs(tokens: tuple[str, ...]) -> list[tuple[str, tuple[int, ...]]]:
    """Runs of two to four adjacent tokens, joined, with the positions they cover (the scorer's pieces
    other than single tokens)."""
    return [piece for piece in pieces(tokens) if len(piece[1]) > 1]


def run_keys(joined: str, tokens: Sequence[str] = ()) -> set[str]:
    """A joined run pairs with a token as written, as a given-name variant, by number, or by its
    consonants against a name written without vowels (those keys: `Vocabulary.run_skeletons`); never with a
    typo (see token_similarity). Its Wade-Giles spelling when its `tokens` are syllables ("tse tung")."""
    return _exact_keys(joined) | _wade_giles_key(tokens or (joined,))
