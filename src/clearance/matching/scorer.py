"""How alike two names are: a score in [0, 1] with an explanation a person can read.

The score is built from token alignments, not from one string distance over the whole name, so that word
order, extra generic words and split or joined words are handled explicitly:

* tokens of the two names are paired greedily, best pairs first; a token may also pair with two to four
  adjacent tokens of the other name run together ("camscanner" ~ "cam scanner"), as written or as a
  variant, never with a typo;
* a pair's similarity is 1.0 when equal or the same number (three ~ 3 ~ III), 0.95 for known given-name
  variants (Bill ~ William), 0.9 for an initial (J ~ John, persons only), a romanisation variant
  (Fyodorov ~ Fedorov), a Korean syllable in another romanisation (jeong ~ jong), or the same consonants
  against a name written without vowels (mhmd ~ Mohammed); 1 - 0.75 * changes / length for the vowels
  of a long word (Hezbollah ~ Hizballah); and 1 - edits / length for a typo within the allowed edits
  (none under 4 letters, one up to 9, two from 10; a vowel swapped for another costs 1.5). Names written
  in Chinese characters allow no variants (their pinyin is exact); feminine and masculine forms of a
  person's name (Maria / Mario, Michel / Michelle) are different names;
* coverage on each side is the weighted share of its tokens that found a partner, times the similarity;
  generic words, initials, stopwords and a person's middle names weigh less;
* the score is low^0.7 * high^0.3 of the two coverages, so a name fully inside a longer one scores by how
  much of the longer name is left over, and it loses 10% when each side has a word the other lacks.

What the score means (the default thresholds live in `ScorerConfig`):
  1.0   the same name once case, accents, punctuation, legal forms, word order and script are set aside;
  0.9   one typo in a long distinctive word ("Tencnet Holdings"), a known variant (Bill ~ William), a
        romanisation variant (Fyodorov ~ Fedorov); strong enough to block;
  0.83  a generic word more or less ("Tencent" ~ "Tencent Holdings"), or one typo in a 6-letter word;
  0.8   the review threshold: worth an analyst's look;
  < 0.8 a distinctive word left over on one side, or different words on both sides (x 0.9); not the
        same party on this evidence.
On the labelled pairs, 100% of pairs scoring 1.0, about 94% of those in [0.9, 1.0) and about 89% of those
in [0.8, 0.9) name the same party (benchmarks/quality.py prints the current table).
The labelled set in tests/data/name_pairs.csv measures how well these hold (README, "Matching quality").

Bounded work: the pairing tries every piece of one name against every piece of the other, which is
quadratic in the number of words (800 words a side took 24 s). So only the first `MAX_TOKENS` (64) words
of each name are paired, and the words after them count as words the other name lacks: no listed name
of the real lists has more than 52 words, so no real pair loses a match, and two 5,000-word strings
compare in a fraction of a second (benchmarks/bounds.py). A word over `tokens.MAX_TYPO_LETTERS` (32)
letters pairs only without typos, which bounds the work per word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from clearance.domain.enums import NameRules
from clearance.matching.config import DEFAULT_CONFIG, ScorerConfig
from clearance.matching.guards import (
    acronym_unwritten,
    capped,
    consonants_only,
    words_in_common,
)
from clearance.matching.normalise import (
    GENERIC_WEIGHT,
    STOPWORD_WEIGHT,
    NameForm,
    name_form,
    readings,
)
from clearance.matching.places import PLACES
from clearance.matching.tokens import rules_for, token_similarity
from clearance.matching.variants import SURNAME_FORM, surname_forms
from clearance.matching.wadegiles import one_syllable

MAX_RUN = 4  # words joined into one: "a li ba ba" ~ "alibaba"
MAX_RUN_LENGTH = 24  # longer runs would meet no single word of another name
# the same letters with a space moved: a slip of the hand that explains two words, so it pairs before a
# typo in one of them; the match is a review (`guards.capped`)
RESPLIT = 0.9
MAX_TOKENS = 64  # words of each name that are paired; the longest listed name of the real lists has 52


@dataclass(frozen=True, slots=True)
class Pair:
    """Two pieces of the two names that were paired, with their similarity."""

    left: str
    right: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of comparing two names: score, verdict at the thresholds, and why."""

    left: str
    right: str
    score: float
    match: bool
    pairs: tuple[Pair, ...]
    unmatched_left: tuple[str, ...]
    unmatched_right: tuple[str, ...]
    explanation: str


def pieces(tokens: tuple[str, ...]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Each token, and each run of two to four adjacent tokens joined, with the positions it covers.
    A run pairs with a token of the other name as written or as a spelling variant, never with a typo."""
    out: list[tuple[str, tuple[int, ...]]] = [(t, (i,)) for i, t in enumerate(tokens)]
    for size in range(2, MAX_RUN + 1):
        for i in range(len(tokens) - size + 1):
            joined = "".join(tokens[i : i + size])
            if len(joined) <= MAX_RUN_LENGTH:
                out.append((joined, tuple(range(i, i + size))))
    return tuple(out)


# `pieces` of listed names, remembered: they are compared again and again, queries once.
listed_pieces = lru_cache(maxsize=131072)(pieces)

Aligned = tuple[tuple[int, ...], tuple[int, ...], float]  # positions on the left, on the right, similarity


def align(
    left: NameForm,
    right: NameForm,
    *,
    rules: NameRules = NameRules.OTHER,
    pairs: Iterable[tuple[int, int]] | None = None,
) -> list[Aligned]:
    """Greedy best-first pairing of the two names' pieces; each token is used at most once.

    `left` is the query and `right` a listed name (whose pieces are remembered). `pairs` limits the
    pieces tried (numbered as `pieces` numbers them) to those that can score above 0, as the candidate
    index knows them; without it every piece is tried against every other."""
    person = rules is NameRules.PERSON
    han = bool(left.han or right.han)  # pinyin of Chinese characters is exact: no typos there
    korean = left.hangul != right.hangul
    token_rules = rules_for(person=person, han=han, korean=korean)
    joined_rules = rules_for(person=person, han=han, korean=korean, joined=True)
    run_rules = rules_for(person=person, han=han, korean=korean, run=True)  # the query's run: one typo
    plain_run_rules = {r: rules_for(han=han, korean=korean, joined=True, run=r) for r in (False, True)}
    candidates: list[tuple[float, int, int, int, tuple[int, ...], tuple[int, ...]]] = []
    left_pieces, right_pieces = pieces(left.tokens), listed_pieces(right.tokens)
    if pairs is None:
        pairs = ((a, b) for a in _paired(left, left_pieces) for b in _paired(right, right_pieces))
    elif len(left.tokens) > MAX_TOKENS or len(right.tokens) > MAX_TOKENS:
        pairs = [
            (a, b)
            for a, b in pairs
            if left_pieces[a][1][-1] < MAX_TOKENS and right_pieces[b][1][-1] < MAX_TOKENS
        ]
    for a, b in pairs:
        lp, li = left_pieces[a]
        rp, ri = right_pieces[b]
        if len(li) > 1 and len(ri) > 1:
            # a run against a run: the same letters split elsewhere ("arefullaha ref" ~ "arefullah aref");
            # split alike, it is its tokens against each other
            if lp == rp and [left.tokens[i] for i in li] != [right.tokens[i] for i in ri]:
                candidates.append((RESPLIT, len(li) + len(ri), a, b, li, ri))
            continue
        if (len(li) > 1 or len(ri) > 1) and min(len(lp), len(rp)) == 1:
            continue  # an initial stands for one word, not for a run of them
        # a run of words joined ("cam scanner" ~ "camscanner") allows variants but no typos; a person's
        # rules (Wade-Giles: "tse tung" ~ zedong) only for a run of syllables, as the index files them
        if len(li) == len(ri) == 1:
            rules_ = token_rules
        else:
            run = [left.tokens[i] for i in li] if len(li) > 1 else [right.tokens[i] for i in ri]
            syllabic = not person or all(one_syllable(t) for t in run)
            rules_ = (
                (run_rules if len(li) == 2 else joined_rules) if syllabic else plain_run_rules[len(li) == 2]
            )
        sim = token_similarity(lp, rp, rules_)
        if person and sim == SURNAME_FORM and not _family_word(right, ri[0]) and surname_forms(lp, rp):
            continue  # Putin ~ Putina is a family name's two forms; Martin ~ Martina two given names
        if sim > 0:
            candidates.append((sim, len(li) + len(ri), a, b, li, ri))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    used_left: set[int] = set()
    used_right: set[int] = set()
    out = []
    for sim, _, _, _, li, ri in candidates:
        if used_left.isdisjoint(li) and used_right.isdisjoint(ri):
            used_left.update(li)
            used_right.update(ri)
            out.append((li, ri, sim))
    return out


def _family_word(form: NameForm, i: int) -> bool:
    """Is token `i` of a person's name its family name: within the part the list gave as such
    ("PUTINA, Lyudmila"), or its last word?"""
    return i >= len(form.tokens) - form.family if form.family else i == len(form.tokens) - 1


def _paired(form: NameForm, pieces_: tuple[tuple[str, tuple[int, ...]], ...]) -> Sequence[int]:
    """The pieces that take part in the pairing: those within the first `MAX_TOKENS` words."""
    if len(form.tokens) <= MAX_TOKENS:
        return range(len(pieces_))
    return [a for a, (_, positions) in enumerate(pieces_) if positions[-1] < MAX_TOKENS]


def position_weights(
    form: NameForm, *, rules: NameRules, config: ScorerConfig = DEFAULT_CONFIG
) -> tuple[float, ...]:
    """The weight of each token of a name: its word's weight, for a person's middle names and
    patronymics `config.middle_weight` of it (they are often left out), and outside a person's name a
    generic word's for a place (`matching.places`). The index bounds names with the same weights."""
    if rules is not NameRules.PERSON:
        return _other_weights(form)  # outside a person's name a place weighs as a generic word
    first = form.titles  # titles come before the first given name and take no role
    if len(form.tokens) - first < 3:
        return form.weights
    return _person_weights(form, config.middle_weight)


# Remembered for the listed names scored again and again; a cache keyed by a form keeps it alive, so it is
# kept small: every query's form passes through it, and a batch of distinct names would fill it with them.
@lru_cache(maxsize=8192)
def _person_weights(form: NameForm, middle: float) -> tuple[float, ...]:
    """The first given name and the family name weigh whole; middle names and patronymics between them,
    and a second family name the list gives ("MADURO MOROS, Nicolas": Moros, the mother's), `middle`."""
    weights = form.weights
    start = len(weights) - max(form.family, 1)  # where the family name begins
    main = next((i for i in range(start, len(weights)) if weights[i] > STOPWORD_WEIGHT), start)
    return tuple(w if i <= form.titles or i == main else w * middle for i, w in enumerate(weights))


def _other_weights(form: NameForm) -> tuple[float, ...]:
    if PLACES.isdisjoint(form.tokens):
        return form.weights
    return tuple(
        min(w, GENERIC_WEIGHT) if t in PLACES else w for t, w in zip(form.tokens, form.weights, strict=True)
    )


def _coverage(form: NameForm, matched: dict[int, float], *, rules: NameRules, config: ScorerConfig) -> float:
    weights = position_weights(form, rules=rules, config=config)
    total = sum(weights)
    if total == 0:
        return 0.0
    return sum(w * matched.get(i, 0.0) for i, w in enumerate(weights)) / total


def _leftover(form: NameForm, matched: dict[int, float]) -> bool:
    return any(i not in matched and w > STOPWORD_WEIGHT for i, w in enumerate(form.weights))


def _han_similarity(left: NameForm, right: NameForm) -> float | None:
    """When both names are written in Chinese characters, pinyin alone would confuse homophones."""
    if len(left.han) < 2 or len(right.han) < 2:
        return None
    return ratio(left.han, right.han) / 100.0


def compare_forms(
    left: NameForm,
    right: NameForm,
    *,
    rules: NameRules = NameRules.OTHER,
    config: ScorerConfig = DEFAULT_CONFIG,
    tried: Iterable[tuple[int, int]] | None = None,
) -> Comparison:
    """Compare two normalised names (the query on the left); `tried`: the pairs of pieces worth trying
    (see `align`)."""
    pairs = align(left, right, rules=rules, pairs=tried)
    one_word_craft = rules is NameRules.CRAFT and min(len(left.tokens), len(right.tokens)) == 1
    if one_word_craft:
        pairs = [p for p in pairs if p[2] >= 1.0]  # "gold" is not the vessel GILDA: one word, exactly
    if not left.abjad:
        pairs = [p for p in pairs if not consonants_only(left, p)]  # "cnn" ~ Quan You: an acronym
    dropped = []
    if pairs and acronym_unwritten(left, right):
        pairs, dropped = [], ["a short name listed as an acronym, written here in lower case: a word"]
    elif pairs and not words_in_common(left, right, pairs):
        # initials alone ("J S" ~ John Smith), or a number within a name ("13" ~ "MS-13")
        pairs, dropped = [], ["initials or numbers alone are no evidence of a name"]
    matched_left: dict[int, float] = {}
    matched_right: dict[int, float] = {}
    for li, ri, sim in pairs:
        for i in li:
            matched_left[i] = sim
        for i in ri:
            matched_right[i] = sim
    low, high = sorted(
        (
            _coverage(left, matched_left, rules=rules, config=config),
            _coverage(right, matched_right, rules=rules, config=config),
        )
    )
    score = low**config.low_exponent * high ** (1 - config.low_exponent)
    parts = [
        sim
        for li, ri, sim in pairs
        if any(left.weights[i] > STOPWORD_WEIGHT for i in li)
        and any(right.weights[i] > STOPWORD_WEIGHT for i in ri)
    ]
    if rules is NameRules.PERSON and parts:
        # a person's name is as good as its weakest part (Hans Moller is not Hans Muller); a particle is
        # no part (Aal ~ al, Bni ~ bin)
        score = min(score, min(parts))
    score, notes = capped(score, left, right, pairs, rules=rules, config=config, craft=one_word_craft)
    notes = dropped + notes
    if _leftover(left, matched_left) and _leftover(right, matched_right):
        score *= config.conflict  # each name has a word the other lacks: two different things
    han = _han_similarity(left, right)
    if han is not None:
        score = min(score, han)
    score = round(min(1.0, max(0.0, score)), 4)
    piece_pairs = tuple(
        Pair(" ".join(left.tokens[i] for i in li), " ".join(right.tokens[i] for i in ri), round(sim, 3))
        for li, ri, sim in pairs
    )
    unmatched_left = tuple(t for i, t in enumerate(left.tokens) if i not in matched_left)
    unmatched_right = tuple(t for i, t in enumerate(right.tokens) if i not in matched_right)
    return Comparison(
        left=left.original,
        right=right.original,
        score=score,
        match=score >= config.review,
        pairs=piece_pairs,
        unmatched_left=unmatched_left,
        unmatched_right=unmatched_right,
        explanation=_explain(score, piece_pairs, unmatched_left, unmatched_right, left, right)
        + "".join(f"; {note}" for note in notes),
    )


def _explain(
    score: float,
    pairs: Sequence[Pair],
    unmatched_left: Sequence[str],
    unmatched_right: Sequence[str],
    left: NameForm,
    right: NameForm,
) -> str:
    parts = []
    exact = [p.left for p in pairs if p.similarity == 1.0 and p.left == p.right]
    if exact:
        parts.append("same words: " + ", ".join(exact))
    near = [f"{p.left}~{p.right} ({p.similarity:.2f})" for p in pairs if p.left != p.right]
    if near:
        parts.append("close words: " + ", ".join(near))
    if unmatched_left:
        parts.append("only in the first: " + ", ".join(unmatched_left))
    if unmatched_right:
        parts.append("only in the second: " + ", ".join(unmatched_right))
    legal = sorted(set(left.legal_forms) | set(right.legal_forms))
    if legal:
        parts.append("legal forms set aside: " + ", ".join(legal))
    return f"score {score:.2f}; " + "; ".join(parts) if parts else f"score {score:.2f}; nothing in common"


def compare(
    left: str, right: str, *, rules: NameRules = NameRules.OTHER, config: ScorerConfig = DEFAULT_CONFIG
) -> Comparison:
    """Compare two names with the scorer that screening uses: the query `left` in each of its readings
    (`normalise.readings`), the best."""
    listed = name_form(right)
    best: Comparison | None = None
    for n, form in enumerate(readings(left) or [name_form(left)]):
        found = compare_forms(form, listed, rules=rules, config=config)
        if reading_counts(n, found) and (best is None or found.score > best.score):
            best = found
    assert best is not None  # the first reading always counts
    return best


def reading_counts(n: int, comparison: Comparison) -> bool:
    """Does the query's reading number `n` (`normalise.readings`) count for this comparison? The first
    always; another only where all its words found a partner ("WeChat" read apart is not CHAT LLC)."""
    return n == 0 or not comparison.unmatched_left
