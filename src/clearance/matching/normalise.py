"""Turn a name as people write it into the form the scorer compares.

A name goes through the same steps whether it comes from a list or from a query:

1. Unicode NFKC, zero-width characters dropped, letters of other scripts that imitate Latin ones made
   Latin in words that mix scripts (`matching.confusables`: "ВАNК" is bank), case folded.
2. Chinese characters become Hanyu pinyin, one token per syllable; every other script goes to
   ASCII through anyascii (accents, Cyrillic, Greek, Arabic, Hangul, kana ...).
3. Dotted abbreviations collapse ("S.A." -> "sa"), "&" reads "and", other punctuation splits tokens.
4. Abbreviations and their words meet in one form ("intl", "international" -> "international"); number
   words, digits, ordinals and roman numerals compare by value in the scorer ("Three" ~ "3" ~ "III").
5. Legal forms in many languages are removed for comparison and kept aside for the explanation.
   Unambiguous ones ("ltd", "gmbh", "ooo", "you xian gong si") go wherever they stand; short ones that are
   also ordinary words elsewhere ("co", "sa", "ag", "as") only at the start or end of the name.
6. Every remaining token gets a weight: generic words ("holdings", "group", "international") count
   less than distinctive ones, so that "Tencent" still meets "Tencent Holdings" but "Bank of China" does
   not meet "Bank of Chile".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from rapidfuzz.distance import OSA

from clearance.datasets.words import entries, words
from clearance.domain.frozen import quick_pickle
from clearance.matching.confusables import fold_look_alikes
from clearance.matching.parts import (
    LINEAGE,
    NUMBER_WORDS,
    SUN_ARTICLE,
    leading_titles,
    natural_order,
    numbers,
    own_acronym,
    particles,
    squeezed,
)

GENERIC_WEIGHT = 0.3
INITIAL_WEIGHT = 0.3
STOPWORD_WEIGHT = 0.1
TITLE_WEIGHT = 0.1  # "Mr", "Sheikh" at the start of a name: as little as a stopword

_ZERO_WIDTH: dict[int, str | None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_ZERO_WIDTH |= {ord("đ"): "dj", ord("Đ"): "Dj"}  # Serbo-Croatian: Đorđe is written Djordje in ASCII
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# pictographs, emoji, dingbats, arrows and other symbols (Unicode's So blocks), and emoji modifiers
_SYMBOLS = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u2bff\u3297\u3299\ufe0f\u200d"
    "\U0001f000-\U0001faff\U000e0020-\U000e007f]"
)
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}|\b[a-z]\.(?=\s*[a-z]\.)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# where letters meet digits inside a word, but not an ordinal's ending ("21st", "8th")
_LETTERS_DIGITS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])(?!(?:st|nd|rd|th)\b)")
_POSSESSIVE = re.compile(r"(?<=[a-z])['\u2019]s\b")

# Legal forms (datasets/words/legal_forms_*.txt): the first list may stand anywhere in a name; the second
# only at its start or end, because the same letters are ordinary words or initials elsewhere.
_STOPWORDS = words("stopwords")

# Ordinals written with digits ("21st"); number words are `parts.NUMBER_WORDS`.
_ORDINAL = re.compile(r"^([0-9]+)(?:st|nd|rd|th)$")


def number_value(token: str) -> str | None:
    """The number a token stands for ("three", "3", "3rd", "007", "iii" -> "3" or "7"), or None.

    Digits compare by value as text: leading zeros go, and the rest is the value's decimal form. Never
    `int()`: since Python 3.11 converting a string of more than 4,300 digits raises ValueError
    (CVE-2020-10735, `sys.set_int_max_str_digits`), and a name may hold any number of digits."""
    if token.isascii() and token.isdigit():  # "²" and "٣" are digits to str.isdigit, not to us
        return token.lstrip("0") or "0"
    m = _ORDINAL.match(token)
    return (m.group(1).lstrip("0") or "0") if m else NUMBER_WORDS.get(token)


# Abbreviations that registries and lists use for ordinary words ("SEMICONDUCTOR MFG INTL CORP").
_ABBREVIATIONS = {short: entry[0] for entry in entries("abbreviations") for short in entry[1:]}

# Pinyin syllables of common Chinese company words, joined so that they weigh as one generic word.
_PHRASES = {tuple(entry[1:]): entry[0] for entry in entries("pinyin_phrases")}


def _longest_first(forms: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted(set(forms), key=len, reverse=True))


LEGAL_ANYWHERE = _longest_first(entries("legal_forms_anywhere"))
LEGAL_EDGE = _longest_first(entries("legal_forms_edge"))
GENERIC = words("generic_words")


@quick_pickle
@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for comparison: Latin tokens with weights, plus what was set aside."""

    original: str
    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    legal_forms: tuple[str, ...]
    han: str  # the Chinese characters of the name, simplified, legal forms removed ("" when it has none)
    hangul: bool = False  # written in Korean script: its romanisation differs from the usual spellings
    abjad: bool = False  # written in Arabic or Hebrew script: its words come without vowels (`to_latin`)
    titles: int = 0  # how many tokens at the start are titles ("mr", "sheikh": `matching.parts`)
    family: int = 0  # how many tokens at the end the list gave as the family name ("MADURO MOROS, Nicolas")

    @property
    def compact(self) -> str:
        return "".join(self.tokens)

    @property
    def total_weight(self) -> float:
        return sum(self.weights)


def fold(text: str) -> str:
    """NFKC, no zero-width characters, look-alike letters of other scripts made Latin where a word
    mixes scripts (`matching.confusables`), case folded: the form every comparison starts from."""
    if text.isascii():  # most names: NFKC and the zero-width characters leave ASCII as it is
        return text.lower()
    return fold_look_alikes(unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)).casefold()


def has_han(text: str) -> bool:
    return not text.isascii() and _HAN.search(text) is not None  # the regex is slow: most text is ASCII


def has_hangul(text: str) -> bool:
    return not text.isascii() and _HANGUL.search(text) is not None


def _keep(chunk: str) -> str:
    return chunk


def _syllables(text: str) -> str:
    """Hangul, one syllable a word: 김정은 -> "gim jeong eun", as Korean names are romanised."""
    return "".join(f" {anyascii(ch)} " if _HANGUL.match(ch) else ch for ch in text)


def _greek(text: str) -> str:
    """Greek ου is "ou" in names (Alexiou), where letter by letter it would read "oy"."""
    return re.sub("[οό][υύ]", lambda m: "ou", text)


# Arabic, Hebrew, Syriac and Thaana: scripts that write a name's consonants, not its short vowels
_ABJAD_SCRIPT = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u07bf\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]+"
)
_VOWEL_LETTERS = str.maketrans(dict.fromkeys("aeiouAEIOU", None))


# Letters whose sound in names differs from anyascii's Arabic reading: in Persian (known by its own
# letters ی ک گ پ چ ژ) ض ذ ظ are z and ث ص s (رضایی is Rezaei); Hebrew כ is the k of Cohen, Katz, written
# q (read as k) so that a following h (כהן, Cohen) does not make a kh.
_PERSIAN = re.compile("[یکگپچژ]")
_PERSIAN_SOUNDS = str.maketrans({"ض": "z", "ذ": "z", "ظ": "z", "ث": "s", "ص": "s"})
_HEBREW_SOUNDS = str.maketrans({"כ": "q", "ך": "q"})


def _consonants(m: re.Match[str]) -> str:
    """A stretch of an abjad script in Latin letters without the vowels anyascii gives its long-vowel
    letters (alef as "a"): ایران is "yrn", as محمد is "mhmd", so the scorer knows it by its letters."""
    stretch = m.group().translate(_HEBREW_SOUNDS)
    if _PERSIAN.search(stretch):
        stretch = stretch.translate(_PERSIAN_SOUNDS)
    return f" {anyascii(stretch).translate(_VOWEL_LETTERS)} "


def to_latin(text: str) -> str:
    """Transliterate to ASCII: pinyin syllables for Chinese characters, anyascii for the rest."""
    if text.isascii():
        return text
    if "υ" in text or "ύ" in text:
        text = _greek(text)
    if has_hangul(text):
        text = _syllables(text)
    if _SYMBOLS.search(text):
        text = _SYMBOLS.sub(" ", text)  # an emoji is no name: anyascii would spell it ":grinning:"
    if _ABJAD_SCRIPT.search(text):
        text = _ABJAD_SCRIPT.sub(_consonants, text)
    if not has_han(text):
        return anyascii(text)
    from pypinyin import lazy_pinyin  # imported on first use: it loads large dictionaries

    parts: list[str] = []
    for chunk in lazy_pinyin(text, errors=_keep):
        parts.append(f" {chunk} " if chunk.isascii() and chunk.isalpha() else anyascii(chunk))
    return "".join(parts)


_HAN_LEGAL = tuple(sorted((entry[0] for entry in entries("legal_forms_han")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _to_simplified() -> Any:
    from opencc import OpenCC  # loaded on first use

    return OpenCC("t2s")


def _han_core(text: str) -> str:
    """The Chinese characters of a name in simplified form (騰訊 -> 腾讯), legal forms removed."""
    han = "".join(_HAN.findall(text))
    if han:
        han = _to_simplified().convert(han)
    for form in _HAN_LEGAL:
        han = han.replace(form, "")
    return han


def tokenize(text: str) -> list[str]:
    """Latin tokens of a name before legal forms and weights: punctuation splits, abbreviation dots go."""
    return _tokens(fold(text))


def _tokens(folded: str) -> list[str]:
    latin = to_latin(folded).lower()
    latin = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), latin)
    latin = _POSSESSIVE.sub("", latin)  # "Tencent's" is Tencent
    if "-" in latin:
        latin = SUN_ARTICLE.sub("al ", latin)  # "as-Sadr" is al-Sadr
    latin = latin.replace("&", " and ").replace("'", "").replace("\u2019", "").replace("`", "")
    latin = _LETTERS_DIGITS.sub(" ", latin)  # "VALFAJR2", "SOURCE1HERBS": a number inside a word
    return [_ABBREVIATIONS.get(t, t) for t in _NON_ALNUM.split(latin) if t]


def _join_phrases(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        pair = tuple(tokens[i : i + 2])
        if pair in _PHRASES:
            out.append(_PHRASES[pair])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def _by_first(forms: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Legal forms by their first word (longest first), so a name is scanned once, not once per form."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for form in forms:
        table.setdefault(form[0], []).append(form)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in table.items()}


_ANYWHERE_BY_FIRST = _by_first(LEGAL_ANYWHERE)
_EDGE_BY_FIRST = _by_first(LEGAL_EDGE)
_EDGE_BY_LAST = {k: v for k, v in _by_first(tuple(f[::-1] for f in LEGAL_EDGE)).items()}
_LEGAL_FIRST = frozenset(_ANYWHERE_BY_FIRST) | frozenset(_EDGE_BY_FIRST)
_LEGAL_WORDS = frozenset(word for form in LEGAL_ANYWHERE + LEGAL_EDGE for word in form)


def _strip_legal(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Remove legal forms: anywhere for unambiguous ones, at the edges for the rest."""
    found: list[str] = []
    out: list[str] = []
    if len(tokens) > 1 and tokens[-1] not in _LEGAL_WORDS:
        fixed = legal_typo(tokens[-1])  # "Joint Stock Compnay" is "joint stock company"
        if fixed is not None:
            tokens = [*tokens[:-1], fixed]
    i = 0
    while i < len(tokens):
        for form in _ANYWHERE_BY_FIRST.get(tokens[i], ()):
            if tuple(tokens[i : i + len(form)]) == form:
                found.append(" ".join(form))
                i += len(form)
                break
        else:
            out.append(tokens[i])
            i += 1
    changed = True
    while changed and len(out) > 1:
        changed = False
        for reversed_form in _EDGE_BY_LAST.get(out[-1], ()):
            n = len(reversed_form)
            if len(out) > n and tuple(out[-n:]) == reversed_form[::-1]:
                found.append(" ".join(reversed_form[::-1]))
                del out[-n:]
                changed = True
                break
        for form in _EDGE_BY_FIRST.get(out[0], ()) if len(out) > 1 else ():
            n = len(form)
            if len(out) > n and tuple(out[:n]) == form:
                found.append(" ".join(form))
                del out[:n]
                changed = True
                break
    return out, found


# Long one-word legal forms, by first letter, that a typo at the end of a name still names ("Corporaton",
# "Aktiengeselschaft"): the usual English ones and every one-word form of eight letters or more.
_LONG_LEGAL: dict[str, tuple[str, ...]] = {}
for _form in sorted(
    {"corporation", "incorporated", "limited", "company", "limitada", "gesellschaft"}
    | {f[0] for f in LEGAL_ANYWHERE + LEGAL_EDGE if len(f) == 1 and len(f[0]) >= 8}
):
    _LONG_LEGAL[_form[0]] = (*_LONG_LEGAL.get(_form[0], ()), _form)


_ONE_WORD_LEGAL = frozenset(f[0] for f in LEGAL_ANYWHERE + LEGAL_EDGE if len(f) == 1)


def legal_typo(token: str) -> str | None:
    """The legal form a word misspells ("Corporaton", "Limted", "Compnay", "Aktiengeselschaft", "Lttd"),
    or None: a long form within one edit of up to nine letters, two from ten; one of three letters or more
    with a letter doubled."""
    single = squeezed(token)
    if single != token and len(single) >= 3 and single in _ONE_WORD_LEGAL:
        return single
    forms = _LONG_LEGAL.get(token[:1], ()) if 6 <= len(token) <= 24 else ()
    for form in forms:
        budget = 1 if len(form) <= 9 else 2
        if abs(len(form) - len(token)) <= budget and OSA.distance(token, form, score_cutoff=budget) <= budget:
            return form
    return None


def _weight(token: str) -> float:
    if token in _STOPWORDS:
        return STOPWORD_WEIGHT
    if len(token) == 1 and token.isalpha():
        return INITIAL_WEIGHT
    return GENERIC_WEIGHT if token in GENERIC else 1.0


@lru_cache(maxsize=16384)
def name_form(name: str) -> NameForm:
    """The comparison form of one name (cached: list names and repeated queries normalise once)."""
    folded = fold(name)
    ordered, family = _ordered_tokens(folded)
    raw = own_acronym(numbers(particles(_join_phrases(ordered))))
    if family and all(t in _LEGAL_WORDS for t in raw[-family:]):
        tokens, legal = _strip_legal(raw[:-family])  # "PAO, Yu Liang": a surname, not a legal form
        tokens += raw[-family:]
    else:
        tokens, legal = _strip_legal(raw)
    if not tokens:  # a name made only of legal-form words ("Limited Company") keeps its words
        tokens, legal = raw, []
    titles = leading_titles(tokens)
    return NameForm(
        original=name,
        tokens=tuple(tokens),
        weights=tuple(
            TITLE_WEIGHT
            if i < titles
            else STOPWORD_WEIGHT
            if t in LINEAGE and 0 < i < len(tokens) - 1  # bin inside a name: a particle
            else _weight(t)
            for i, t in enumerate(tokens)
        ),
        legal_forms=tuple(legal),
        han=_han_core(folded) if not folded.isascii() else "",
        hangul=has_hangul(name),
        abjad=not folded.isascii() and _ABJAD_SCRIPT.search(folded) is not None,
        titles=titles,
        family=min(family, len(tokens) - 1 - titles) if len(tokens) == len(raw) else 0,
    )


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")  # FridrichBuchenberg: two words written as one


def readings(query: str) -> list[NameForm]:
    """The ways a query is read, those with words: as written, and camel case apart ("FridrichBuchenberg":
    Fridrich Buchenberg, a typo only a word apart shows). A reading after the first counts only where
    all its words find a partner: "WeChat" is not CHAT LLC. A listed name is read one way only."""
    forms = [name_form(query)]
    if _CAMEL.search(query):
        forms.append(name_form(_CAMEL.sub(" ", query)))
    return [form for form in forms if form.tokens]


def _ordered_tokens(folded: str) -> tuple[list[str], int]:
    """The name's tokens, "SURNAME, Given" read as "Given SURNAME" (`parts.natural_order`), and how many
    of them, at the end, are the family name so given (0 without such a comma)."""
    if folded.count(",") == 1:
        before, after = folded.split(",")
        family = numbers(particles(_tokens(before)))
        given = numbers(particles(_tokens(after)))
        if given and given[0] not in _LEGAL_FIRST:  # "CO., LTTD.": a legal form, misspelt, after the comma
            given[0] = legal_typo(given[0]) or given[0]
        ordered = natural_order(family, given, legal_first=_LEGAL_FIRST)
        if ordered is not None:
            return ordered, len(family)
    return _tokens(folded), 0
