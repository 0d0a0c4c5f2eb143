"""What keeps a name's score from saying more than the names do: the checks `scorer.compare_forms` makes
once the words of two names are paired. Each can only lower a score (so the candidate index, which
bounds scores from above, stays exact):

* evidence: only everyday words in common is half a word's worth (`matching.everyday`);
* words in common: initials alone, or a number inside a name, are no evidence ("J S", "13" ~ MS-13);
* an acronym written in lower case is a word ("let" is not LET);
* a query word without vowels pairs by its consonants only when the query is written in an abjad
  script (محمد ~ Mohammed): typed in Latin letters it is an acronym ("cnn", "nyc", "mrs");
* a person's name in another order ("Kim Un Jong" ~ "Kim Jong Un"), or father and son swapped around
  bin ("Ahmad bin Hasan" ~ "Hasan bin Ahmad"), is another person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from clearance.domain.enums import NameRules
from clearance.matching.config import ScorerConfig
from clearance.matching.everyday import EVERYDAY, EVERYDAY_EVIDENCE, FREQUENT
from clearance.matching.everyday import evidence as piece_evidence
from clearance.matching.normalise import STOPWORD_WEIGHT, NameForm, number_value
from clearance.matching.parts import LINEAGE
from clearance.matching.tokens import SYNONYM, abjad, given_group, is_initial

Aligned = tuple[tuple[int, ...], tuple[int, ...], float]  # positions on the left, on the right, similarity


def evidence(left: NameForm, right: NameForm, pairs: Sequence[Aligned]) -> float:
    """How many words' worth of evidence the pairs hold (`matching.everyday`): each pair is worth the
    less of its two sides, or a whole word when the query writes it as a name (capitalised, in a query
    that has lower-case letters: "Siemens", not "siemens" or "SIEMENS"); a legal form on both sides
    ("Siemens AG" ~ "SIEMENS AG") is worth half a word; the name written exactly as listed, a whole."""
    if left.original.strip() == right.original.strip():
        return 1.0  # written exactly as the list writes it ("CRYSTAL", "B.O.T.H.")
    total = EVERYDAY_EVIDENCE if left.legal_forms and right.legal_forms else 0.0
    cased = any(c.islower() for c in left.original)
    for li, ri, _ in pairs:
        sides = []
        for form, positions in ((left, li), (right, ri)):
            piece = "".join(form.tokens[i] for i in positions)
            if positions[0] < form.titles:  # a title is a word ("General Electric"), nothing more
                sides.append(EVERYDAY_EVIDENCE)
                continue
            weight = max(form.weights[i] for i in positions)
            sides.append(piece_evidence(piece, weight, stopword_weight=STOPWORD_WEIGHT))
        word = left.tokens[li[0]]
        if cased and sides[0] == EVERYDAY_EVIDENCE and word.capitalize() in left.original:
            sides = [1.0]  # written as a name: Siemens, Volvo, Fortuna
        total += min(sides)
        if total >= 1.0:
            break
    return total


def words_in_common(left: NameForm, right: NameForm, pairs: Sequence[Aligned]) -> bool:
    """Whether the pairs hold evidence of the same name: a pair of words, not an initial on either side;
    and a name that is only numbers ("20", "13") pairs only with the same numbers, whole."""
    if left.tokens == right.tokens:
        return True  # the same name, whatever its words ("B R C S.A.")
    left_numbers, right_numbers = _numbers(left), _numbers(right)
    if left_numbers is not None or right_numbers is not None:
        return left_numbers == right_numbers
    return any(not _initial(left, li) and not _initial(right, ri) for li, ri, _ in pairs)


ACRONYM_LETTERS = 4  # a listed name of one word this short is an acronym ("LET", "DIO", "SMIC")


def acronym_unwritten(query: NameForm, listed: NameForm, *, letters: int = ACRONYM_LETTERS) -> bool:
    """A listed acronym that is also an everyday word is written in capitals or as a name: "let" in a
    memo is not LET (Lashkar-e-Tayyiba), "LET" and "Eni" are; "qq" is QQ however written. Only a query
    with lower-case letters says so; in one written all in capitals (a SWIFT message, a list), every
    word may be an acronym."""
    if len(listed.tokens) != 1 or listed.han or query.original.strip() == listed.original.strip():
        return False
    word = listed.tokens[0]
    if len(word) > letters or not word.isalpha() or word not in EVERYDAY:
        return False
    text = query.original
    # "DJI", "Eni": written as a name; a name the list spells in dotted letters only in capitals
    written = (word.upper(),) if _DOTTED.match(listed.original) else (word.upper(), word.capitalize())
    return any(c.islower() for c in text) and not any(w in text for w in written)


_DOTTED = re.compile(r"^\s*(?:[A-Za-z]\.\s?){2,}\s*$")  # B.O.T.H., M.M.E.


def frequent_alone(query: NameForm) -> bool:
    """Is the query one frequent word alone (`everyday.FREQUENT`), without a legal form ("Emma", not
    "Emma LLC")? Too little to block on; in free text, a hit only on a listed name that is that word."""
    return len(query.tokens) - query.titles == 1 and not query.legal_forms and query.tokens[-1] in FREQUENT


def consonants_only(query: NameForm, pair: Aligned) -> bool:
    """Whether a pair holds a query word without vowels paired with another word by its consonants."""
    li, _, similarity = pair
    return similarity < 1.0 and abjad("".join(query.tokens[i] for i in li))


def _initial(form: NameForm, positions: tuple[int, ...]) -> bool:
    return len(positions) == 1 and is_initial(form.tokens[positions[0]])


def _numbers(form: NameForm) -> tuple[str | None, ...] | None:
    """The values of a name made only of numbers, or None."""
    values = tuple(number_value(t) for t in form.tokens)
    return values if None not in values else None


def reordered(left: NameForm, right: NameForm, pairs: Sequence[Aligned]) -> bool:
    """Three or more words of a person's name paired in another order than the list's, other than the
    family name moved from the end to the front or back ("Kim Jong Un" ~ "Jong Un Kim" is one person;
    "Kim Un Jong", "Hamad Khalifa al-Thani" ~ "Khalifa Hamad al-Thani" are others): the order of the
    paired words, by their place in the query, must be the list's order turned round, at most once."""
    order = sorted(
        (li[0], ri[0])
        for li, ri, _ in pairs
        if len(li) == 1
        and len(ri) == 1
        and left.weights[li[0]] > STOPWORD_WEIGHT
        and right.weights[ri[0]] > STOPWORD_WEIGHT
        and li[0] >= left.titles
        and ri[0] >= right.titles
    )
    if len(order) < 3:
        return False
    seq = [r for _, r in order]
    descents = sum(b < a for a, b in pairwise(seq))
    return descents > 1 or (descents == 1 and seq[-1] > seq[0])


def _lineage(form: NameForm) -> int | None:
    """The first "bin" inside a name (first or last, Bin is a given name or a family's BIN LADIN)."""
    last = len(form.tokens) - 1
    return next((i for i, t in enumerate(form.tokens) if t in LINEAGE and 0 < i < last), None)


def lineage_crossed(left: NameForm, right: NameForm, pairs: Sequence[Aligned]) -> bool:
    """Both names say whose son or daughter the person is, and a word before "bin" in one pairs with a
    word after it in the other: the names of father and son are swapped."""
    lb = _lineage(left)
    rb = _lineage(right)
    if lb is None or rb is None:
        return False
    return any((li[0] < lb) != (ri[0] < rb) for li, ri, _ in pairs if li[0] != lb and ri[0] != rb)


WEAK_WORD_LETTERS = 5  # a one-word weak alias this short is an acronym (QQ, DJI, CNOOC); longer, a name


def specific_weak_alias(form: NameForm) -> bool:
    """Whether a weak alias says enough to be matched when it is the whole query (the only way a weak
    alias matches). Lists mark as weak the broad or generic names of an entry (OFAC's "weak aka"); two
    words ("ABU HAMZA") or an acronym ("DJI", "SMIC", "CNOOC") say enough, and must then be written as
    such (`guards.acronym_unwritten`); one everyday word ("SAID", "MAJOR"), a given name or a single name
    ("JOHN", "GEORGE", "MUSLIM") or a word and a letter ("DON T") do not."""
    words = [t for t in form.tokens if len(t) > 1]
    if len(words) != len(form.tokens):
        return False
    if len(words) >= 2:
        return True
    return (
        bool(words)
        and len(words[0]) <= WEAK_WORD_LETTERS
        and words[0] not in EVERYDAY
        and given_group(words[0]) is None
    )


def part_of_person(left: NameForm, right: NameForm, pairs: Sequence[Aligned]) -> bool:
    """Whether a query of one word (its titles aside) leaves a word of a listed person's name unmatched:
    a single word that joins two of the listed words ("Abuja" ~ "abu ja" of "JA FAR, Abu") is no more a
    person's name than a family name alone ("Putin")."""
    if not pairs or len(left.tokens) - left.titles != 1:
        return False
    matched = {i for _, ri, _ in pairs for i in ri}
    return any(i not in matched and w > STOPWORD_WEIGHT for i, w in enumerate(right.weights))


def capped(
    score: float,
    left: NameForm,
    right: NameForm,
    pairs: Sequence[Aligned],
    *,
    rules: NameRules,
    config: ScorerConfig,
    craft: bool,
) -> tuple[float, list[str]]:
    """The score once the checks of this module have lowered it, and what each said: too little evidence,
    a person's parts crossed or reordered, and what caps a match at review (one word against a craft's
    one-word name, a person listed by one name, one frequent word alone, a letter moved across a
    space, a synonym)."""
    notes = []
    weight = evidence(left, right, pairs)
    if weight < 1.0 and pairs:
        score *= weight
        notes.append(f"only everyday words in common: evidence {weight:.1f} of a word")
    below_strong = config.strong - 0.01
    if rules is NameRules.PERSON and lineage_crossed(left, right, pairs):
        score = min(score, config.crossed)
        notes.append("father and son named the other way round (bin)")
    elif rules is NameRules.PERSON and reordered(left, right, pairs):
        score = min(score, config.crossed)
        notes.append("the parts of the name in another order")
    if craft and len(left.tokens) == 1 == len(right.tokens) and score > below_strong:
        score = below_strong
        notes.append("one word against a vessel's or aircraft's one-word name: review (its number blocks)")
    if rules is NameRules.PERSON and len(right.tokens) - right.titles == 1 and score > below_strong:
        score = below_strong  # "Hassan", "Sheik Omar": a listed person's one-word name is a given name
        notes.append("a person listed by one name alone: review, not block")
    if frequent_alone(left) and score > below_strong:
        score = below_strong  # "Emma" ~ EMMA LLC, "Isis" ~ ISIS: a given name, a place, a word
        notes.append("one frequent word alone (a name, a place, a word): review, not block")
    if any(len(li) > 1 and len(ri) > 1 for li, ri, _ in pairs) and score > below_strong:
        score = below_strong  # "Kim Song Wang" ~ KIM Son-gwang: maybe, maybe not
        notes.append("a letter moved across a space: review, not block")
    if rules is NameRules.PERSON and part_of_person(left, right, pairs) and score >= config.review:
        score = config.review - 0.01  # "Abuja" ~ "JA FAR, Abu": one word is no person's whole name
        notes.append("one word against part of a person's name: below review")
    if any(sim == SYNONYM for _, _, sim in pairs) and score > below_strong:
        score = below_strong
        notes.append("a synonym supports the match: review, not block")
    return score, notes
