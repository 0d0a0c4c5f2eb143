"""Chinese names in Wade-Giles and in pinyin: Mao Tse-tung ~ Mao Zedong, Chou En-lai ~ Zhou Enlai, Teng
Hsiao-ping ~ Deng Xiaoping, Tsai Ing-wen ~ Cai Yingwen.

Lists and the press wrote Chinese names in Wade-Giles until the 1980s (Taiwan still does), pinyin since.
A word that reads as one to four pinyin syllables is given its Wade-Giles spelling from
`datasets/words/wade_giles.txt` (made by tools/wade_giles.py, apostrophes and diacritics dropped as lists
drop them); a word that reads as Wade-Giles syllables is its own. Two words with the same spelling so are
the same name written two ways: `matching.tokens` scores them as a looser variant (review, not block),
`matching.keys` files them under it. Dropping the apostrophe merges some syllables (zhou and chou are both
chou), which is why such a pair is only ever a review.
"""

from __future__ import annotations

from functools import lru_cache

from clearance.datasets.words import entries

_TO_WADE_GILES: dict[str, str] = {}
_SPELLINGS: dict[str, str] = {}  # every Wade-Giles spelling -> the first one its pinyin has (ing -> ying)
for _pinyin, _wade in entries("wade_giles"):
    _TO_WADE_GILES.setdefault(_pinyin, _wade)
    _SPELLINGS.setdefault(_wade, _TO_WADE_GILES[_pinyin])
_WADE_GILES = frozenset(_SPELLINGS)
MAX_SYLLABLES = 4  # a given name has two, a name run together three or four
_LONGEST = 6  # letters of the longest syllable (zhuang, hsiung)
_VOWELS = frozenset("aeiou")


def _split(word: str, syllables: frozenset[str] | dict[str, str]) -> list[str] | None:
    """The word as the fewest syllables of the set, or None: zedong -> ze, dong; xian -> xian."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST), end):
            head, known = best[start], best[end]
            if (
                head is not None
                and len(head) < MAX_SYLLABLES
                and word[start:end] in syllables
                and (start == 0 or word[start] not in _VOWELS)  # xi'an is written apart: marie is no pinyin
                and (known is None or len(head) + 1 < len(known))
            ):
                best[end] = [*head, word[start:end]]
    return best[len(word)]


@lru_cache(maxsize=65536)
def wade_giles(word: str) -> str | None:
    """The word's Wade-Giles spelling, without apostrophes: zedong -> tsetung, zhou -> chou, tsetung ->
    tsetung, ingwen -> yingwen; None for a word that is neither pinyin nor Wade-Giles syllables (smith)."""
    if len(word) < 2 or len(word) > MAX_SYLLABLES * _LONGEST:
        return None
    pinyin, wade = _split(word, _TO_WADE_GILES), _split(word, _WADE_GILES)
    if pinyin is not None and (wade is None or len(pinyin) <= len(wade)):
        return "".join(_TO_WADE_GILES[s] for s in pinyin)
    if wade is None:
        return None
    return "".join(_SPELLINGS[s] for s in wade)  # fewer syllables read as Wade-Giles: chiang, not chi ang


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """How many pinyin syllables the word reads as (0: it is not pinyin)."""
    split = _split(word, _TO_WADE_GILES)
    return len(split) if split is not None else 0


def is_pinyin(word: str) -> bool:
    """Does the word read as pinyin syllables (zhou, xiaoping; not hsiao, tse)?"""
    return syllables(word) > 0


def one_syllable(word: str) -> bool:
    """Is the word one syllable of pinyin or of Wade-Giles (tse, tung, zhou; not smith)? A set lookup."""
    return word in _TO_WADE_GILES or word in _SPELLINGS
