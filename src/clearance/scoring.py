"""How alike two names are: a score in [0, 1] with an explanation a person can read.

The score is built from token alignments, not from one string distance over the whole name, so that word
order, extra generic words and split or joined words are handled explicitly:

* tokens of the two names are paired greedily, best pairs first; a token may also pair with two or three
  adjacent tokens of the other name run together ("camscanner" ~ "cam scanner");
* a pair's similarity is 1.0 when equal, 0.95 for known given-name variants (Bill ~ William), 0.9 for the
  same consonant skeleton (Mohammed ~ Muhammad ~ mhmd), and 1 - 0.7 * edits / length for a typo within
  the allowed number of edits (none under 4 letters, one up to 7, two from 8);
* coverage on each side is the weighted share of its tokens that found a partner, times the similarity;
  generic words and initials weigh less;
* the score is the geometric mean of the two coverages, so a name fully inside a longer one scores by how
  much of the longer name is left over.

What the score means (the default thresholds live in `Thresholds`):
  1.0   the same name once case, accents, punctuation, legal forms, word order and script are set aside;
  0.9   one typo in a long distinctive word, or a generic word ("Holdings", "Group") more or less;
  0.8   a typo in a shorter word, or a distinctive word of three left over; worth an analyst's look;
  < 0.8 a shared word or two; not the same party on this evidence.
The labelled set in tests/data/name_pairs.csv measures how well these hold (README, "Matching quality").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import sqrt

from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio

from clearance.names import NameForm, name_form

KINDS = ("person", "organization", "vessel", "any")

_VOWELS = frozenset("aeiouy")
_GIVEN_NAME_GROUPS = """
william bill billy will willy liam; robert bob bobby rob robbie bert; james jim jimmy jamie;
michael mike mick mickey mikhail; alexander alex alexandr aleksandr sasha alessandro alejandro sandy;
katherine catherine kate katie kathy cathy katharina ekaterina yekaterina;
margaret peggy maggie meg margarita; elizabeth liz beth betty lisa eliza elisabeth; thomas tom tommy;
richard dick rick ricky rich; charles charlie chuck; edward ed eddie ted teddy; john jack johnny ivan juan;
joseph joe joey jose giuseppe; anthony tony antonio anton; andrew andy andrei andrey drew andreas;
nicholas nick nicky nikolai nikolay nicolas; peter pete pyotr pedro pierre; daniel dan danny;
jonathan jon; christopher chris kit; matthew matt; benjamin ben benny; samuel sam sammy;
steven stephen steve stepan; gregory greg grigory; david dave davy; patrick pat paddy; lawrence larry;
henry harry hank; francis frank frankie; frederick fred freddie; albert al bert; raymond ray;
jennifer jen jenny; rebecca becky; susan sue susie; deborah deb debbie; patricia pat patty tricia;
barbara barb; victoria vicky; alexandra alex sasha; natalia natalya natasha; maria mary marie;
yusuf youssef yousef yousuf joseph; mohammed muhammad mohamed mohammad muhammed mohamad;
ahmed ahmad; hussein husain hussain husayn; abdullah abdallah; omar umar; osama usama;
sergei sergey serge; dmitri dmitry dimitri; yuri yury yuriy; vladimir volodymyr; olga olha
"""


def _given_name_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, group in enumerate(_GIVEN_NAME_GROUPS.replace("\n", " ").split(";")):
        for name in group.split():
            index.setdefault(name, i)
    return index


_GIVEN = _given_name_index()
_SKELETON_MAP = str.maketrans({"c": "k", "q": "k", "z": "s", "w": "v", "x": "ks", "j": "j", "p": "p"})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score cut-offs. `review`: worth an analyst's look. `strong`: the same name for practical purposes."""

    review: float = 0.80
    strong: float = 0.90


DEFAULT_THRESHOLDS = Thresholds()


@lru_cache(maxsize=262144)
def skeleton(token: str) -> str:
    """Consonant skeleton: first letter, then consonants without repeats (mohammed, muhammad -> mhmd)."""
    t = token.replace("ph", "f").replace("kh", "h").replace("ck", "k").replace("dh", "z").replace("th", "t")
    t = t.translate(_SKELETON_MAP)
    out = t[:1]
    for ch in t[1:]:
        if ch not in _VOWELS and ch != out[-1:]:
            out += ch
    return out


def _gender_variant(a: str, b: str) -> bool:
    """Maria / Mario, Daniel / Daniela, Paulo / Paula: different people, not typos."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) == len(a) + 1 and b.startswith(a) and b[-1] == "a":
        return True
    # feminine -a against masculine -o, -e, -i (Roberta / Roberto, Simona / Simone, Giovanna / Giovanni)
    return len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} in ({"a", "o"}, {"a", "e"}, {"a", "i"})


def allowed_edits(length: int) -> int:
    """Typos tolerated in a token of this length: short words must be exact."""
    if length < 4:
        return 0
    return 1 if length <= 7 else 2


@lru_cache(maxsize=262144)
def token_similarity(a: str, b: str, person: bool = False) -> float:
    """Similarity of two tokens in [0, 1]; 0 means "not the same word"."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if person and _gender_variant(a, b):
        return 0.0
    ga, gb = _GIVEN.get(a), _GIVEN.get(b)
    if ga is not None and ga == gb:
        return 0.95
    longest = max(len(a), len(b))
    edits = OSA.distance(a, b, score_cutoff=allowed_edits(min(len(a), len(b))))
    if edits <= allowed_edits(min(len(a), len(b))) and a[0] == b[0]:
        return 1.0 - 0.7 * edits / longest
    # Same consonants: romanisation variants, and abjad scripts that write no short vowels (mhmd).
    abjad = not (_VOWELS & set(a)) or not (_VOWELS & set(b))
    if min(len(a), len(b)) >= 4 or abjad:
        ka, kb = skeleton(a), skeleton(b)
        if len(ka) >= 3 and ka == kb:
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


def _pieces(tokens: Sequence[str]) -> list[tuple[str, tuple[int, ...]]]:
    """Each token, and each run of two or three adjacent tokens joined, with the positions it covers."""
    out: list[tuple[str, tuple[int, ...]]] = [(t, (i,)) for i, t in enumerate(tokens)]
    for size in (2, 3):
        for i in range(len(tokens) - size + 1):
            out.append(("".join(tokens[i : i + size]), tuple(range(i, i + size))))
    return out


def align(
    left: NameForm, right: NameForm, person: bool = False
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Greedy best-first pairing of the two names' pieces; each token is used at most once."""
    candidates: list[tuple[float, int, tuple[int, ...], tuple[int, ...]]] = []
    left_pieces, right_pieces = _pieces(left.tokens), _pieces(right.tokens)
    for lp, li in left_pieces:
        for rp, ri in right_pieces:
            if len(li) > 1 and len(ri) > 1:
                continue  # a run against a run is the same as its tokens against each other
            sim = token_similarity(lp, rp, person)
            if sim > 0:
                candidates.append((sim, len(li) + len(ri), li, ri))
    candidates.sort(key=lambda c: (-c[0], -c[1]))
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for sim, _, li, ri in candidates:
        if used_left.isdisjoint(li) and used_right.isdisjoint(ri):
            used_left.update(li)
            used_right.update(ri)
            pairs.append((li, ri, sim))
    return pairs


def _coverage(form: NameForm, matched: dict[int, float]) -> float:
    total = form.total_weight
    if total == 0:
        return 0.0
    return sum(w * matched.get(i, 0.0) for i, w in enumerate(form.weights)) / total


def _han_similarity(left: NameForm, right: NameForm) -> float | None:
    """When both names are written in Chinese characters, pinyin alone would confuse homophones."""
    if len(left.han) < 2 or len(right.han) < 2:
        return None
    return ratio(left.han, right.han) / 100.0


def compare_forms(
    left: NameForm, right: NameForm, kind: str = "any", thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Comparison:
    person = kind == "person"
    pairs = align(left, right, person)
    matched_left: dict[int, float] = {}
    matched_right: dict[int, float] = {}
    for li, ri, sim in pairs:
        for i in li:
            matched_left[i] = sim
        for i in ri:
            matched_right[i] = sim
    score = sqrt(_coverage(left, matched_left) * _coverage(right, matched_right))
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
