"""Everyday words: a listed name matched only through them is weak evidence.

"day" is the whole name of the listed DAY COMPANY once its legal form is set aside, and "let" an alias of
Lashkar-e-Tayyiba: a payment memo or a party called so is not them. A match whose pairs of words hold less
than one word's worth of evidence, where an everyday word (`datasets/words/everyday_words.txt`, made from
wordfreq's frequencies by tools/everyday_words.py) counts half and a stopword, title or particle nothing,
has its score multiplied by that evidence: "day" ~ DAY COMPANY scores 0.5; "Golden Star" ~ the vessel
GOLDEN STAR, two everyday words, keeps its 1.0; "Tencent" ~ Tencent Holdings keeps its score.

A frequent word (`FREQUENT`: an everyday word, or a name as frequent as one: Emma, Arizona, Isis,
Taliban, and Chinese words in pinyin and words of other scripts, `datasets/words/frequent_words.txt`)
is too little to block on when it is the whole query: "Emma" ~ EMMA LLC is reviewed, not blocked
(`scorer`); a second word, an identifier or a date of birth decides.
"""

from __future__ import annotations

from clearance.datasets.words import words

EVERYDAY = words("everyday_words")
FREQUENT = EVERYDAY | words("frequent_words")
EVERYDAY_EVIDENCE = 0.5  # what an everyday word is worth, against 1.0 for any other word


def evidence(piece: str, weight: float, *, stopword_weight: float) -> float:
    """What one side of a pair of words is worth as evidence: 0 for a stopword, title or particle
    (`weight` at most `stopword_weight`), `EVERYDAY_EVIDENCE` for an everyday word, else 1.0."""
    if weight <= stopword_weight:
        return 0.0
    return EVERYDAY_EVIDENCE if piece in EVERYDAY else 1.0
