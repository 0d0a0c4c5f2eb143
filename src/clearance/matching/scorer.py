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

What the score means (the default thresholds live in `Thresholds`):
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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from operator import methodcaller

from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio

from clearance.matching.normalise import STOPWORD_WEIGHT, NameForm, name_form, number_value

KINDS = ("person", "organization", "vessel", "any")

_VOWELS = frozenset("aeiouy")
CONFLICT = 0.9
MAX_RUN = 4  # words joined into one: "a li ba ba" ~ "alibaba"
MAX_RUN_LENGTH = 24  # longer runs would meet no single word of another name
_GIVEN_NAME_GROUPS = """
william bill billy will willy liam; robert bob bobby rob robbie bert; james jim jimmy jamie;
michael mike mick mickey; alexander alex alexandr aleksandr sasha alessandro alejandro sandy;
katherine catherine kate katie kathy cathy katharina ekaterina yekaterina;
margaret peggy maggie meg margarita; elizabeth liz beth betty lisa eliza elisabeth; thomas tom tommy;
richard dick rick ricky rich; charles charlie chuck; edward ed eddie ted teddy; john jack johnny ivan juan;
joseph joe joey jose giuseppe pepe; anthony tony antonio anton; andrew andy andrei andrey drew andreas;
nicholas nick nicky nikolai nikolay nicolas; peter pete pyotr pedro pierre; daniel dan danny;
jonathan jon; christopher chris kit; matthew matt; benjamin ben benny; samuel sam sammy;
steven stephen steve stepan; gregory greg grigory; david dave davy; patrick pat paddy; lawrence larry;
henry harry hank; francis frank frankie; frederick fred freddie; albert al bert; raymond ray;
jennifer jen jenny; rebecca becky; susan sue susie; deborah deb debbie; patricia pat patty tricia;
barbara barb; victoria vicky; alexandra alex sasha; natalia natalya natasha; maria mary marie;
yusuf youssef yousef yousuf joseph; mohammed muhammad mohamed mohammad muhammed mohamad;
ahmed ahmad; hussein husain hussain husayn; abdullah abdallah; omar umar; osama usama;
sergei sergey serge; dmitri dmitry dimitri; francisco paco pancho;
yevgeny evgeny evgenii evgeniy yevgeniy eugene; mikhail michail; fyodor fedor fiodor theodore;
yuri yury yuriy; vladimir volodymyr; olga olha
"""


def _given_name_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, group in enumerate(_GIVEN_NAME_GROUPS.replace("\n", " ").split(";")):
        for name in group.split():
            index.setdefault(name, i)
    return index


_GIVEN = _given_name_index()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score cut-offs. `review`: worth an analyst's look. `strong`: the same name for practical purposes."""

    review: float = 0.80
    strong: float = 0.90


DEFAULT_THRESHOLDS = Thresholds()


_DIGRAPHS = {"kh": "h", "ph": "f", "gh": "k", "ck": "k", "dh": "z", "th": "t", "sh": "s", "ch": "s"}
_DIGRAPH = re.compile("|".join(_DIGRAPHS))
_REPEATS = re.compile(r"(.)\1+")
_FIRST = methodcaller("group", 1)
_CONSONANTS = str.maketrans({"c": "k", "q": "k", "z": "s", "x": "ks", **dict.fromkeys("aeiouyw", None)})


def _digraph(m: re.Match[str]) -> str:
    return _DIGRAPHS[m.group()]


@lru_cache(maxsize=262144)
def skeleton(token: str) -> str:
    """Consonants only, without repeats: how abjad scripts (Arabic, Hebrew, Persian) write a name.

    Vowels, w and y (written as long vowels in Arabic) and a final h go; digraphs become one letter:
    mohammed, muhammad, mhmd -> mhmd; youssef, ywsf -> sf; fatima, ftmh -> ftm."""
    return _collapsed(_letters_of(token))


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
    return _REPEATS.sub(_FIRST, letters)


_letters = lru_cache(maxsize=65536)(_letters_of)


@lru_cache(maxsize=65536)
def _vowels(token: str) -> int:
    return len(token) - len(token.translate(_NO_VOWELS))


def run_skeleton(tokens: Sequence[str]) -> tuple[str, bool]:
    """`skeleton` and `_abjad` of tokens joined into one, from each token's remembered letters: runs of
    a query's words are nearly all new, the words are not. Where a digraph straddles two words, the
    joined string is worked out whole."""
    joined = "".join(tokens)
    abjad = len(joined) >= 2 and sum(map(_vowels, tokens)) * 4 <= len(joined)
    if any(a[-1] + b[0] in _DIGRAPHS for a, b in pairwise(tokens)):
        return _collapsed(_letters_of(joined)), abjad
    return _collapsed("".join(map(_letters, tokens))), abjad


# Usual romanisation variants, one spelling each (applied in one pass, longest first).
_ROMANISATION = {
    "dzh": "j", "zh": "j", "kh": "h", "ph": "f", "gh": "k", "q": "k", "ck": "k", "iy": "y", "ii": "y",
    "yo": "e", "ye": "e", "ou": "u", "oo": "u", "ee": "i", "oe": "oi", "ya": "ia", "oy": "oi", "ay": "ai",
}  # fmt: skip
_ROMAN = re.compile("|".join(sorted(_ROMANISATION, key=len, reverse=True)))


@lru_cache(maxsize=262144)
def romanised(token: str) -> str:
    """One spelling for usual romanisation variants: Fyodorov / Fedorov, Evgeniy / Yevgeny, Sony / Soni."""
    t = _ROMAN.sub(_romanise, token) if _ROMAN.search(token) else token
    return t[:-1] + "i" if t.endswith("y") else t


def _romanise(m: re.Match[str]) -> str:
    return _ROMANISATION[m.group()]


def _gender_variant(a: str, b: str) -> bool:
    """Maria / Mario, Daniel / Daniela, Michel / Michelle, Pavel / Pavla: different people, not typos.

    Same consonants, one name ending in the feminine -a or -e and the other not."""
    if a[-1] == b[-1] or not ({a[-1], b[-1]} & {"a", "e"}):
        return False
    return skeleton(a) == skeleton(b)


VOWEL_FRAME_MIN = 7
_VOWEL_FRAME = str.maketrans(dict.fromkeys("aeiouy", "*"))


def vowel_frame(token: str) -> str:
    """The word with its vowels blanked: hezbollah, hizballah -> h*zb*ll*h."""
    return token.translate(_VOWEL_FRAME)


def _vowel_swap(a: str, b: str) -> bool:
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][0] in _VOWELS and diff[0][1] in _VOWELS


def allowed_edits(length: int) -> int:
    """Typos tolerated in a token of this length: short words must be exact."""
    if length < 4:
        return 0
    return 1 if length <= 9 else 2


_NO_VOWELS: dict[int, None] = str.maketrans(dict.fromkeys("aeiou", None))


@lru_cache(maxsize=262144)
def _abjad(token: str) -> bool:
    """Written (almost) without vowel letters, as Arabic, Hebrew, Persian and Indic names come out of
    transliteration: mhmd, mstfa, srma."""
    vowels = len(token) - len(token.translate(_NO_VOWELS))
    return len(token) >= 2 and vowels * 4 <= len(token)


# Korean surnames: the Revised Romanization that transliteration gives, and the spellings people use.
_KOREAN_SURNAMES = {
    "gim": "kim",
    "bag": "park",
    "bak": "park",
    "pak": "park",
    "i": "lee",
    "yi": "lee",
    "rhee": "lee",
    "ri": "lee",
    "choe": "choi",
    "jeong": "jung",
    "chung": "jung",
    "jo": "cho",
    "gang": "kang",
    "yun": "yoon",
    "jang": "chang",
    "im": "lim",
    "han": "han",
    "sin": "shin",
    "go": "ko",
    "gwon": "kwon",
    "hwang": "hwang",
    "seo": "suh",
    "song": "song",
    "ryu": "yoo",
    "yu": "yoo",
}
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
def token_similarity(
    a: str, b: str, person: bool = False, fuzzy: bool = True, korean: bool = False, typos: bool = True
) -> float:
    """Similarity of two tokens in [0, 1]; 0 means "not the same word".

    `fuzzy=False` (names written in Chinese characters, whose pinyin is exact) allows no variants;
    `korean=True` (one name written in Hangul) compares romanised Korean syllables by sound;
    `typos=False` (a run of words joined) allows only equal words, given-name variants, numbers and
    consonant skeletons: no typos, no romanisation rules."""
    if a == b:
        return 1.0
    if korean and typos and _SYLLABLE.match(a) and _SYLLABLE.match(b) and korean_key(a) == korean_key(b):
        return 0.9
    na, nb = number_value(a), number_value(b)
    if na is not None or nb is not None:
        return 1.0 if na == nb else 0.0
    ga, gb = _GIVEN.get(a), _GIVEN.get(b)
    if ga is not None and ga == gb:
        return 0.95
    if person and (len(a) == 1 or len(b) == 1):
        return 0.9 if a[0] == b[0] else 0.0  # an initial stands for the name it begins
    if not fuzzy:
        return 0.0
    if typos and len(a) >= 4 and len(b) >= 4 and romanised(a) == romanised(b):
        return 0.9
    if person and not _abjad(a) and not _abjad(b) and _gender_variant(a, b):
        return 0.0
    if typos and len(a) == len(b) >= VOWEL_FRAME_MIN and vowel_frame(a) == vowel_frame(b):
        # transliterations differ in their vowels (Hezbollah / Hizballah, Hussein / Hussain)
        diffs = sum(x != y for x, y in zip(a, b, strict=True))
        if diffs <= 2:
            return 1.0 - 0.75 * diffs / len(a)
    shortest = min(len(a), len(b))
    edits = OSA.distance(a, b, score_cutoff=allowed_edits(shortest)) if typos else shortest + 1
    if edits <= allowed_edits(shortest) and a[0] == b[0]:
        # one vowel swapped for another in the same place is more often another name (Bayer / Bauer,
        # Patel / Patil) than a slip of the hand: it costs one and a half edits
        cost = edits + (0.5 if edits == 1 and len(a) == len(b) and _vowel_swap(a, b) else 0.0)
        return 1.0 - cost / max(len(a), len(b))
    # one side written without vowels (Arabic, Hebrew, Persian): compare consonants
    vowelled = b if _abjad(a) else a
    if _abjad(a) != _abjad(b) and min(len(a), len(b)) >= 3 and len(vowelled) >= 4:
        ka, kb = skeleton(a), skeleton(b)
        if len(ka) >= 2 and ka == kb:
            return 0.9
    return 0.0


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


_pieces = lru_cache(maxsize=131072)(pieces)  # listed names are compared again and again; queries once


def align(
    left: NameForm,
    right: NameForm,
    person: bool = False,
    pairs: Iterable[tuple[int, int]] | None = None,
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Greedy best-first pairing of the two names' pieces; each token is used at most once.

    `pairs` limits the pieces tried (numbered as `pieces` numbers them) to those that can score above 0,
    as the candidate index knows them; without it every piece is tried against every other."""
    fuzzy = not (left.han or right.han)  # pinyin of Chinese characters is exact: no typos there
    korean = left.hangul != right.hangul
    candidates: list[tuple[float, int, int, int, tuple[int, ...], tuple[int, ...]]] = []
    left_pieces, right_pieces = pieces(left.tokens), _pieces(right.tokens)  # the query, a listed name
    if pairs is None:
        pairs = ((a, b) for a in range(len(left_pieces)) for b in range(len(right_pieces)))
    for a, b in pairs:
        lp, li = left_pieces[a]
        rp, ri = right_pieces[b]
        if len(li) > 1 and len(ri) > 1:
            continue  # a run against a run is the same as its tokens against each other
        if (len(li) > 1 or len(ri) > 1) and min(len(lp), len(rp)) == 1:
            continue  # an initial stands for one word, not for a run of them
        # a run of words joined ("cam scanner" ~ "camscanner") allows variants but no typos
        sim = token_similarity(lp, rp, person, fuzzy, korean, typos=len(li) == 1 and len(ri) == 1)
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


def _weights(form: NameForm, person: bool) -> tuple[float, ...]:
    """A person's middle names and patronymics count half: they are often left out."""
    if not person or len(form.tokens) < 3:
        return form.weights
    last = len(form.weights) - 1
    return tuple(w * 0.5 if 0 < i < last else w for i, w in enumerate(form.weights))


def _coverage(form: NameForm, matched: dict[int, float], person: bool) -> float:
    weights = _weights(form, person)
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
    kind: str = "any",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    tried: Iterable[tuple[int, int]] | None = None,
) -> Comparison:
    """Compare two normalised names; `tried`: the pairs of pieces worth trying (see `align`)."""
    person = kind == "person"
    pairs = align(left, right, person, tried)
    matched_left: dict[int, float] = {}
    matched_right: dict[int, float] = {}
    for li, ri, sim in pairs:
        for i in li:
            matched_left[i] = sim
        for i in ri:
            matched_right[i] = sim
    low, high = sorted((_coverage(left, matched_left, person), _coverage(right, matched_right, person)))
    score = low**0.7 * high**0.3
    if person and pairs:
        # a person's name is as good as its weakest part: Hans Moller is not Hans Muller
        score = min(score, min(sim for _, _, sim in pairs))
    if _leftover(left, matched_left) and _leftover(right, matched_right):
        score *= (
            CONFLICT  # each name has a word the other lacks: two different things, not one inside the other
        )
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
        match=score >= thresholds.review,
        pairs=piece_pairs,
        unmatched_left=unmatched_left,
        unmatched_right=unmatched_right,
        explanation=_explain(score, piece_pairs, unmatched_left, unmatched_right, left, right),
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
    left: str, right: str, kind: str = "any", thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Comparison:
    """Compare two names with the scorer that screening uses."""
    return compare_forms(name_form(left), name_form(right), kind, thresholds)
