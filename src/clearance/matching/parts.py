"""The parts of a name around its given and family names: titles, Arabic particles, the list's comma order,
and numbers written in two words.

Each step works on the tokens `matching.normalise` makes, the same way for a listed name and a query, so
the candidate index and the scorer see one form:

* **Comma order.** Lists write persons "SURNAME, Given Middle" (OFAC, the UN); people write "Given Middle
  Surname". A name with one comma, one to five words before it and one to six after it, none of them a
  legal form ("ACME, INC." stays as it is), is read in the natural order, so that the scorer's roles
  (first given name, middle names, family name last) hold for both.
* **Titles** ("Mr", "Dr", "Sheikh", "Mullah", "General": `datasets/words/titles.txt`) at the start of a
  name are counted, so that they weigh 0.1 and take no role: "Mr John Smith" is John Smith.
* **Arabic particles**, as transliteration writes them, become one form each: the article al (el-,
  ul-, and before a sun letter as-, ad-, ash-, az- ... as in "as-Sadr", with its hyphen), bin (ibn, ben
  inside a name, ould) and bint (binti). "Abdul", "Abdel", "Abdur" are abd + al ("Abdul Rahman" ~
  "Abd al-Rahman"). Particles weigh 0.1 (`datasets/words/stopwords.txt`); the scorer keeps the order
  around bin: "Ahmad bin Hasan" is Ahmad, son of Hasan, not Hasan, son of Ahmad.
* **Numbers in words**: "twenty one", "fourty-four", "thirtynine" are 21, 44 and 39; a final I, V or X
  after a word is a numeral ("ARGO I" is Argo 1).

Sources: the comma order is how the OFAC SDN and UN consolidated lists write persons (../shared/data);
the particles and their sun-letter assimilation follow the usual romanisations of Arabic (the article
al- assimilates before t, th, d, dh, r, z, s, sh, s., d., t., z., l, n).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clearance.datasets.words import entries


def _by_first_word(forms: Sequence[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for form in sorted(forms, key=len, reverse=True):
        table.setdefault(form[0], []).append(form)
    return {first: tuple(found) for first, found in table.items()}


_TITLES = _by_first_word(entries("titles"))

_ARTICLE = frozenset({"al", "el", "ul"})
# the article before a sun letter, written as that letter and a hyphen: "as-Sadr", "ad-Din", "ash-Shami"
SUN_ARTICLE = re.compile(r"\b[aeu](t|th|d|dh|r|z|s|sh|n)-(?=\1)")
LINEAGE = frozenset({"bin", "bint"})  # son of, daughter of: the forms below give them
_SON = {"bin": "bin", "ibn": "bin", "bn": "bin", "ben": "bin", "ould": "bin", "bint": "bint", "binti": "bint"}
_ABD = re.compile(r"^abd(?:u|e|o|ou|a)?(l|th|t|dh|d|r|z|sh|s|n)([a-z]{3,})$")
# numbers by their words (datasets/words/number_words.txt): tens and units that make one number together
NUMBER_WORDS = {word: entry[0] for entry in entries("number_words") for word in entry[1:]}  # "three": "3"
_TENS = {word: int(value) for word, value in NUMBER_WORDS.items() if int(value) in range(20, 100, 10)}
_UNITS = {w: int(v) for w, v in NUMBER_WORDS.items() if 1 <= int(v) <= 9 and w.strip("ivx")}  # no Roman
_JOINED_NUMBER = re.compile(f"^({'|'.join(_TENS)})({'|'.join(_UNITS)})$")
_TRAILING_ROMAN = {"i": "1", "v": "5", "x": "10"}  # "ARGO I", "SEA STAR V": a final one-letter numeral


def leading_titles(tokens: Sequence[str]) -> int:
    """How many tokens at the start of a name are titles ("prof dr" -> 2), each followed by a word, and
    leaving at least one other."""
    i = 0
    while i < len(tokens) - 1:
        for form in _TITLES.get(tokens[i], ()):
            end = i + len(form)
            # a title stands before a word ("MS-13" is no Ms)
            if end < len(tokens) and tuple(tokens[i:end]) == form and tokens[end].isalpha():
                i = end
                break
        else:
            break
    return i


def particles(tokens: list[str]) -> list[str]:
    """One form for each Arabic particle (see the module's docstring); other tokens as they are."""
    if not any(t in _ARTICLE or t in _SON or (t[:1] in "ab" and len(t) >= 3) for t in tokens):
        return tokens  # most names
    out: list[str] = []
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i < last else ""
        if nxt and token in _ARTICLE:
            out.append("al")
        elif token in _SON and nxt and (token != "ben" or i > 0):
            out.append(_SON[token])
        elif (m := _ABD.match(token)) and _abd_rest(m.group(1), m.group(2)):
            out.extend(("abd", "al", m.group(2)))
        elif nxt and (token in _ABD_FORMS or _swapped_abd(token) or _doubled_abd(token)):
            out.extend(("abd", "al"))  # and ADBUL, ABUDL: two letters swapped; ABBDUL: one doubled
        elif token in ("abou", "abo", "abul") and nxt:
            out.append("abu")  # father of: Abou Bakr is Abu Bakr
        else:
            out.append(token)
    return out


_ABD_FORMS = frozenset({"abdul", "abdel", "abdol", "abdoul", "abdal", "abdur", "abdus"})


def _doubled_abd(token: str) -> bool:
    """Abdul, Abdel or Abdur with a letter doubled (ABBDUL, ABDULL)."""
    return len(token) == 6 and token[0] == "a" and squeezed(token) in _ABD_FORMS


_REPEATS = re.compile(r"(.)\1+")


def squeezed(token: str) -> str:
    """The word with each doubled letter made single: sson, son -> son; essa, esa -> esa; lttd -> ltd."""
    return _REPEATS.sub(r"\1", token)


def _swapped_abd(token: str) -> bool:
    """Abdul, Abdel or Abdur with two neighbouring letters swapped (ADBUL, ABUDL, BADUR)."""
    if len(token) != 5 or token[0] not in "ab":
        return False
    return any(
        token == form[:i] + form[i + 1] + form[i] + form[i + 2 :]
        for form in ("abdul", "abdel", "abdur")
        for i in range(4)
    )


def _abd_rest(letter: str, rest: str) -> bool:
    """ "abdul" + "aziz" is abd al aziz; "abdul" + "lah" is Abdullah, a name of its own; before a sun
    letter the article is written as that letter ("abdur" + "rahman")."""
    if letter == "l":
        return not rest.startswith("l")
    return rest.startswith(letter)


def numbers(tokens: list[str]) -> list[str]:
    """Numbers written in words made one token: tens and units in two words or one ("twenty one",
    "fourty-four", "thirtynine" -> "21", "44", "39"); a final I, V or X after a word ("ARGO I" ->
    "argo 1"), where elsewhere a one-letter word is an initial."""
    out: list[str] = []
    tens = 0  # the value of the previous token when it was a tens word not yet joined to units
    for token in tokens:
        if tens and token in _UNITS:
            out[-1] = str(tens + _UNITS[token])
            tens = 0
            continue
        tens = _TENS.get(token, 0)
        joined = _JOINED_NUMBER.match(token) if len(token) > 6 else None
        out.append(str(_TENS[joined.group(1)] + _UNITS[joined.group(2)]) if joined else token)
    if len(out) > 1 and out[-1] in _TRAILING_ROMAN and len(out[-2]) > 1:
        out[-1] = _TRAILING_ROMAN[out[-1]]
    return out


def natural_order(family: list[str], given: list[str], *, legal_first: frozenset[str]) -> list[str] | None:
    """The tokens of "SURNAME, Given Middle" in the natural order, "Given Middle SURNAME", from the
    tokens before and after the name's one comma; None when the comma is not a person's (see the
    module's docstring). `legal_first`: the first words of legal forms ("ACME, INC." stays)."""
    if not 1 <= len(family) <= 5 or not 1 <= len(given) <= 6 or given[0] in legal_first:
        return None
    return given + family


_SMALL_WORDS = frozenset("de del der des di du da do of the and for la le el al y i e et und van von".split())


MIN_ACRONYM = 3  # letters: a two-letter word that equals two initials is as likely a surname (Ma, Ha, Na)


def own_acronym(tokens: list[str]) -> list[str]:
    """The tokens without a last (or first) token that is the initials of the others, with or without
    their small words ("BANCO NACIONAL DE CUBA BNC", "BANK OF CHINA (BOC)", "IRGC ISLAMIC REVOLUTIONARY
    GUARD CORPS"): a name written with its own acronym is the same name, and the acronym alone is a
    name of its own on the lists when they give it. Names of fewer than three tokens are left as they
    are (an acronym needs two words to stand for), and so is a word of fewer than three letters: Ma, Ha
    and Na are surnames, and "Mohammed Ali Ma" is not "Mohammed Ali"."""
    if len(tokens) < 3:
        return tokens
    for at in (len(tokens) - 1, 0):
        candidate, others = tokens[at], tokens[:at] + tokens[at + 1 :]
        if len(candidate) < MIN_ACRONYM or not candidate.isalpha():
            continue
        full = "".join(t[0] for t in others)
        short = "".join(t[0] for t in others if t not in _SMALL_WORDS)
        if candidate in (full, short):
            return others
    return tokens
