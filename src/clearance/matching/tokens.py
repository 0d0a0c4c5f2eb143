"""Token rules: when two words of two names are the same word for screening, and how alike they are.

A pair of tokens scores 1.0 when equal or the same number (three ~ 3 ~ III), 0.95 for given-name
variants (Bill ~ William, `datasets/words/given_names.txt`), 0.9 for an initial (J ~ John, persons
only), a romanisation variant (Fyodorov ~ Fedorov), a Korean syllable in another romanisation
(jeong ~ jong), or the same consonants against a name written without vowels (mhmd ~ Mohammed);
1 - 0.75 * changes / length for the vowels of a long word (Hezbollah ~ Hizballah); 1 - edits / length
for a typo within the allowed edits (none under 4 letters, one up to 9, two from 10; a vowel swapped for
another costs 1.5). Which of those rules apply to a pair is said by `Rules`.

The candidate index files every listed token under the keys these rules match by (`matching.keys`), so
a rule added here needs its key there: `tests/matching/test_index.py` fails otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import IntFlag
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import OSA

from clearance.datasets.words import entries
from clearance.matching.everyday import EVERYDAY
from clearance.matching.normalise import number_value
from clearance.matching.parts import squeezed
from clearance.matching.places import PLACES
from clearance.matching.variants import (
    SURNAME_FORM,
    gender_variant,
    romanised,
    surname_forms,
    transliterated,
)
from clearance.matching.wadegiles import is_pinyin, syllables, wade_giles


class Rules(IntFlag):
    """Which token rules apply to a pair; no flag is the general case (two Latin-script words).

    PERSON: both are words of a person's name (initials pair with words, feminine and masculine forms
    differ). HAN: a side is written in Chinese characters, whose pinyin is exact: no variants. KOREAN:
    one side is written in Hangul, so romanised syllables compare by sound. JOINED: a side is a run of
    words joined ("cam scanner" ~ "camscanner"): equal words, given-name variants, numbers, consonant
    skeletons and Wade-Giles ~ pinyin ("tse tung" ~ zedong) only, no typos and no other romanisation.
    RUN (with JOINED): the side that is a run is the query's, two words against one listed word: one typo
    as well, in a run of `RUN_TYPO_MIN` letters or more ("cam scaner" ~ "camscanner"; the candidate index
    looks the query's runs of two up under their deletions, never a listed run under its own)."""

    NONE = 0
    PERSON = 1
    HAN = 2
    KOREAN = 4
    JOINED = 8
    RUN = 16


_PERSON, _HAN, _KOREAN, _JOINED, _RUN = (
    int(flag) for flag in (Rules.PERSON, Rules.HAN, Rules.KOREAN, Rules.JOINED, Rules.RUN)
)
RUN_TYPO_MIN = 7  # letters of a query's run of words joined from which it may hold a typo


def rules_for(
    *, person: bool = False, han: bool = False, korean: bool = False, joined: bool = False, run: bool = False
) -> int:
    """The `Rules` of a pair, as the plain int `token_similarity` takes (remembered: 32 values)."""
    return _RULES[(person, han, korean, joined, run)]


_RULES = {
    (p, h, k, j, r): int(
        (Rules.PERSON if p else Rules.NONE)
        | (Rules.HAN if h else Rules.NONE)
        | (Rules.KOREAN if k else Rules.NONE)
        | (Rules.JOINED if j or r else Rules.NONE)
        | (Rules.RUN if r else Rules.NONE)
    )
    for p in (False, True)
    for h in (False, True)
    for k in (False, True)
    for j in (False, True)
    for r in (False, True)
}


_VOWELS = frozenset("aeiouy")
MAX_RUN = 4  # words joined into one: "a li ba ba" ~ "alibaba"
MAX_RUN_LENGTH = 24  # longer runs would meet no single word of another name


def _given_name_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, group in enumerate(entries("given_names")):
        for name in group:
            index.setdefault(name, i)
    return index


_GIVEN = _given_name_index()
# generic words of product names and their spun synonyms (datasets/words/synonyms.txt): wallet ~ purse
_SYNONYMS = {word: i for i, group in enumerate(entries("synonyms")) for word in group}
SYNONYM = 0.8  # a synonym supports a match; a match that needs one is reviewed, not blocked


def synonym_group(token: str) -> int | None:
    """The synonym group of a generic word of product names (wallet and purse share one), or None."""
    return _SYNONYMS.get(token)


def given_group(token: str) -> int | None:
    """The given-name group of a token (Bill and William share one), or None."""
    return _GIVEN.get(token)


_DIGRAPHS = {"kh": "h", "ph": "f", "gh": "k", "ck": "k", "dh": "z", "th": "t", "sh": "s", "ch": "s"}
_DIGRAPH = re.compile("|".join(_DIGRAPHS))
_CONSONANTS = str.maketrans({"c": "k", "q": "k", "z": "s", "x": "ks", **dict.fromkeys("aeiouyw", None)})


def _digraph(m: re.Match[str]) -> str:
    return _DIGRAPHS[m.group()]


@lru_cache(maxsize=262144)
def skeleton(token: str) -> str:
    """Consonants only, without repeats: how abjad scripts (Arabic, Hebrew, Persian) write a name.

    Vowels, w and y (written as long vowels in Arabic) and a final h go; digraphs become one letter:
    mohammed, muhammad, mhmd -> mhmd; youssef, ywsf -> sf; fatima, ftmh -> ftm. A final i or y stays,
    as y: the Persian and Arabic ending -i (Mohammadi, mhmdy -> mhmdy) makes another name than Muhammad."""
    return _collapsed(_letters_of(token)) + _final_y(token)


def _final_y(token: str) -> str:
    """The final -i or -y of a name as its own letter; in a word written without vowels, from two
    letters on (علي, ly: Ali)."""
    return "y" if (len(token) >= 3 or _AEIOU.isdisjoint(token)) and token[-1] in "iy" else ""


def _letters_of(token: str) -> str:
    """The first steps of `skeleton`: digraphs to one letter, vowels out."""
    t = token
    if "h" in t or "ck" in t:  # every digraph but ck ends in h: most words need no substitution
        t = _DIGRAPH.sub(_digraph, t)
    return t.translate(_CONSONANTS)


def _collapsed(letters: str) -> str:
    """The last steps of `skeleton`: a final h out, repeats collapsed."""
    if letters.endswith("h") and len(letters) > 2:
        letters = letters[:-1]
    return squeezed(letters)


_letters = lru_cache(maxsize=65536)(_letters_of)


def run_skeleton(tokens: Sequence[str]) -> tuple[str, bool]:
    """`skeleton` and `_abjad` of tokens joined into one, from each token's remembered letters: runs of
    a query's words are nearly all new, the words are not. Where a digraph straddles two words, the
    joined string is worked out whole."""
    joined = "".join(tokens)
    abjad = len(joined) >= 2 and _abjad_letters(joined)
    if any(a[-1] + b[0] in _DIGRAPHS for a, b in pairwise(tokens)):
        return _collapsed(_letters_of(joined)) + _final_y(joined), abjad
    return _collapsed("".join(map(_letters, tokens))) + _final_y(joined), abjad


VOWEL_FRAME_MIN = 7
LOOSE_VARIANT = 0.85  # a looser transliteration variant: worth a review on its own, never a block
_VOWEL_FRAME = str.maketrans(dict.fromkeys("aeiouy", "*"))


def vowel_frame(token: str) -> str:
    """The word with its vowels blanked: hezbollah, hizballah -> h*zb*ll*h."""
    return token.translate(_VOWEL_FRAME)


def _vowel_swap(a: str, b: str) -> bool:
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][0] in _VOWELS and diff[0][1] in _VOWELS


def is_initial(token: str) -> bool:
    """A one-letter word: an initial (J ~ John in a person's name; elsewhere it pairs only with the same
    letter), which the candidate index does not look up. A one-digit word is a number (2 ~ two ~ II),
    looked up like any other word."""
    return len(token) == 1 and not token.isdigit()


SHORT_WORD = 6  # letters up to which a typo with an everyday word costs half as much again
MAX_TYPO_LETTERS = 32  # longer words must be equal; the longest word of the real lists has 24 letters


def allowed_edits(length: int) -> int:
    """Typos tolerated in a token of this length: short words must be exact, and so must words of more
    than `MAX_TYPO_LETTERS` letters. The cap bounds the work per word: the candidate index files a word
    under every string with up to two letters deleted (`keys._deletions`), about n^2 / 2 strings of n
    letters, so a 120,000-letter "word" in a document would take hours; no real name's word is that long
    (a URL, a hash or base64 is)."""
    if length < 4 or length > MAX_TYPO_LETTERS:
        return 0
    return 1 if length <= 9 else 2


def pair_edits(a: int, b: int) -> int:
    """Typos tolerated between words of `a` and `b` letters: as many as the shorter allows, none when
    either is over `MAX_TYPO_LETTERS` (the index files such a word under no deletion, so a pair with
    it must be found by another rule)."""
    return 0 if max(a, b) > MAX_TYPO_LETTERS else allowed_edits(min(a, b))


def _wade_giles_pair(a: str, b: str) -> bool:
    """The same Wade-Giles spelling; of two pinyin words, only single syllables (Zhou ~ Chou, Deng ~ Teng:
    Tina and Dina are not a Chinese name written two ways)."""
    wa = wade_giles(a)
    if wa is None or wa != wade_giles(b):
        return False
    return not (is_pinyin(a) and is_pinyin(b)) or (syllables(a) == syllables(b) == 1)


SLIP = 0.5  # a slip that keeps every letter: a letter doubled or made single, two letters swapped


def swap_key(token: str) -> str | None:
    """For a word of three letters, its first letter and the other two sorted: what two such words with
    their last two letters swapped share (sok, sko -> sko). None for other lengths."""
    return token[0] + "".join(sorted(token[1:])) if len(token) == 3 else None


_ROMAN_NUMERAL = re.compile(r"^(?=[mdclxvi])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def _short_slip(a: str, b: str) -> float:
    """The cost of a slip of the hand in words too short for a typo (`allowed_edits`) or that the edit
    rules did not pair: a letter doubled or made single (Yyu ~ Yu, Esa ~ Essa), counted once per letter,
    or in a word of three letters its last two swapped (Sko ~ Sok). 0 when neither, and between Roman
    numerals (XIV, XVI). `token_similarity` asks only in a person's name: elsewhere Good is not God, and
    AFD not ADF."""
    if _ROMAN_NUMERAL.match(a) and _ROMAN_NUMERAL.match(b):
        return 0.0  # XIV is not XVI
    if squeezed(a) == squeezed(b) and len(squeezed(a)) >= 2:
        return SLIP * max(1, abs(len(a) - len(b)))
    if len(a) == len(b) == 3 and a[1:] == b[:0:-1] and a[1] != a[2]:
        return SLIP
    return 0.0


@lru_cache(maxsize=262144)
def abjad(token: str) -> bool:
    """Written without vowel letters, as Arabic, Hebrew and Persian names come out of transliteration
    (mhmd, ftmh, dvd): no a, e, i, o or u. A word with one is written with its vowels ("small", "when",
    "march" are not mhmd)."""
    return len(token) >= 2 and _abjad_letters(token)


def _abjad_letters(text: str) -> bool:
    return _AEIOU.isdisjoint(text)


_AEIOU = frozenset("aeiou")
MIN_SKELETON = 2  # consonants a skeleton needs to pair a word with one written without vowels
MIN_ABJAD = 2  # letters of a query word in Arabic or Hebrew script that pairs by its consonants ("ly")


# Korean surnames: the Revised Romanization that transliteration gives, and the spellings people use.
# Korean surnames: Revised Romanization -> the usual spelling (datasets/words/korean_surnames.txt).
_KOREAN_SURNAMES = {variant: usual for variant, usual in entries("korean_surnames")}
_KOREAN_FOLD = (
    ("eo", "o"),
    ("eu", "u"),
    ("ae", "e"),
    ("oo", "u"),
    ("ch", "j"),
    ("g", "k"),
    ("b", "p"),
    ("d", "t"),
    ("r", "l"),
    ("w", ""),
    ("y", ""),
)


_SYLLABLE = re.compile(r"^[^aeiouwy]*[aeiouwy]+[^aeiouwy]*$")  # one vowel group: one Korean syllable


def is_syllable(token: str) -> bool:
    """One vowel group: a token that may be one romanised Korean syllable."""
    return _SYLLABLE.match(token) is not None


@lru_cache(maxsize=65536)
def korean_key(token: str) -> str:
    """One spelling for a romanised Korean syllable: Revised Romanization and McCune-Reischauer meet
    (jeong ~ jong ~ jung, eun ~ un, gim ~ kim)."""
    t = _KOREAN_SURNAMES.get(token, token)
    for a, b in _KOREAN_FOLD:
        t = t.replace(a, b)
    consonants = "".join(ch for ch in t if ch not in "aeiou")
    return consonants or t


@lru_cache(maxsize=262144)
def token_similarity(a: str, b: str, rules: int = 0) -> float:
    """Similarity of two tokens in [0, 1] under `rules`; 0 means "not the same word".

    `rules` is a `Rules` value passed as a plain int, positionally, on purpose: this is the scorer's
    innermost call, cached, and both a keyword argument and an enum member (hashed in Python, not C)
    double the cost of a cache hit; callers combine their `Rules` once (`rules_for`)."""
    person = bool(rules & _PERSON)
    typos = not rules & _JOINED
    if a == b:
        return 1.0
    if (
        rules & _KOREAN
        and typos
        and _SYLLABLE.match(a)
        and _SYLLABLE.match(b)
        and korean_key(a) == korean_key(b)
    ):
        return 0.9
    if a in PLACES and b in PLACES:
        return 0.0  # two places: Iran is not Iraq
    na, nb = number_value(a), number_value(b)
    if na is not None or nb is not None:
        return 1.0 if na == nb else 0.0
    ga, gb = _GIVEN.get(a), _GIVEN.get(b)
    if ga is not None and ga == gb:
        return 0.95
    sa = _SYNONYMS.get(a)
    if sa is not None and sa == _SYNONYMS.get(b):
        return SYNONYM
    if person and (len(a) == 1 or len(b) == 1):
        return 0.9 if a[0] == b[0] else 0.0  # an initial stands for the name it begins
    if rules & _HAN:
        return 0.0
    if typos and len(a) >= 4 and len(b) >= 4:
        if romanised(a) == romanised(b):
            return 0.9
        if (person or min(len(a), len(b)) > 4) and transliterated(a) == transliterated(b):
            return LOOSE_VARIANT  # not for four letters outside a person's name: gave ~ kave
    if typos and ga is None and gb is None and surname_forms(a, b):
        return SURNAME_FORM
    if person and not abjad(a) and not abjad(b) and gender_variant(a, b):
        return 0.0
    if person and _wade_giles_pair(a, b):
        return LOOSE_VARIANT  # Tse-tung ~ Zedong, Chou ~ Zhou: a person's name in Wade-Giles and in pinyin
    if typos and len(a) == len(b) >= VOWEL_FRAME_MIN and vowel_frame(a) == vowel_frame(b):
        # transliterations differ in their vowels (Hezbollah / Hizballah, Hussein / Hussain)
        diffs = sum(x != y for x, y in zip(a, b, strict=True))
        if diffs <= 2:
            return 1.0 - 0.75 * diffs / len(a)
    if typos:
        budget = pair_edits(len(a), len(b))
    elif rules & _RUN and not rules & _HAN and max(len(a), len(b)) >= RUN_TYPO_MIN:
        budget = min(1, pair_edits(len(a), len(b)))  # the query's words run together, with a typo
    else:
        budget = 0
    edits = OSA.distance(a, b, score_cutoff=budget) if budget else budget + 1
    if edits <= budget and (a[0] == b[0] or (a[0] == b[1] and a[1] == b[0])):  # Faiz ~ Afiz too
        # one vowel swapped for another in the same place is more often another name (Bayer / Bauer,
        # Patel / Patil) than a slip of the hand: it costs one and a half edits; two letters swapped less
        cost = float(edits)
        if edits == 1 and len(a) == len(b):
            if _vowel_swap(a, b):
                cost = 1.5
            elif sorted(a) == sorted(b):
                cost = 0.75  # two letters swapped, the commonest slip of the hand, keeps every letter
        longer = max(len(a), len(b))
        if longer <= SHORT_WORD and not person and (a in EVERYDAY or b in EVERYDAY):
            # one letter more or less turns a short everyday word into another word (come, COMEC); a
            # person's name has other parts to vouch for it
            cost *= 1.5
        return 1.0 - cost / longer
    if person and typos and a[0] == b[0] and min(len(a), len(b)) >= 2:
        slip = _short_slip(a, b)
        if slip:
            return 1.0 - slip / max(len(a), len(b))
    # the query written without vowels (Arabic, Hebrew, Persian script, transliterated): compare
    # consonants. Only that way round: against a listed acronym or a listed name in Arabic script, an
    # everyday word would meet its consonants ("course" ~ CRAS, "through" ~ TWRK)
    if abjad(a) and not abjad(b) and len(a) >= MIN_ABJAD and len(b) >= 3:
        ka, kb = skeleton(a), skeleton(b)
        if len(ka) >= MIN_SKELETON and ka == kb:
            return 0.9
    return 0.0
