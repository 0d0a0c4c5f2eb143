"""Spelling variants of one name that are not typos: romanisations (Fyodorov ~ Fedorov), looser
transliterations (Gorbatschow ~ Gorbachev, Kadhafi ~ Qaddafi), the masculine and feminine forms of a family
name (Ivanov ~ Ivanova), and the feminine and masculine given names that are different people (Maria ~
Mario). `matching.tokens` scores them; `matching.keys` files listed words under the same spellings.
"""

from __future__ import annotations

import re
from functools import lru_cache

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


# Looser transliteration variants, in order: German and Baltic spellings of Russian names (Gorbatschow,
# Sergejs Ivanovs, Jelzin), the Russian -yov after ch/sh/zh written -ev in English (Gorbachev), Arabic
# consonants written two ways (Qaddafi, Gaddafi, Kadhafi), then the vowels Arabic script does not write:
# e ~ i and o ~ u (Osama ~ Usama, Laden ~ Ladin, Moqtada ~ Muqtada, Khaled ~ Khalid), and doubled
# letters once.
_LOOSE = (
    (re.compile(r"tsch"), "ch"),
    (re.compile(r"sch"), "sh"),
    (re.compile(r"^ch(?=[rl])"), "h"),
    (re.compile(r"(?<=[jv])s$"), ""),
    (re.compile(r"(?<=[aeiou])j"), "y"),
    (re.compile(r"ts|tz"), "z"),  # Yeltsin ~ Jelzin: German z for ts
    (re.compile(r"y$"), "i"),
    (re.compile(r"[oe]w$"), "ov"),
    (re.compile(r"(?<=ch|sh|zh)ev$"), "ov"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"^[gq]"), "k"),
    (re.compile(r"e"), "i"),
    (re.compile(r"o"), "u"),
    (re.compile(r"(.)\1+"), r"\1"),
)


_GERMAN_J = re.compile(r"^j(?=[aeiou])")  # Jelzin, Jewgeni, Juri: the German and Baltic j is a y


@lru_cache(maxsize=262144)
def transliterated(token: str) -> str:
    """One spelling for the looser transliteration variants (see `_LOOSE`), from the romanised one:
    gorbatschow, gorbachev -> gurbachuv; qaddafi, kadhafi -> kadafi; ladin, laden -> ladin."""
    t = romanised(_GERMAN_J.sub("y", token))
    for pattern, repl in _LOOSE:
        t = pattern.sub(repl, t)
    return t


def gender_variant(a: str, b: str) -> bool:
    """Maria / Mario, Daniel / Daniela, Michel / Michelle, Alexandr / Alexandra: different people, not
    typos. The same name but for its ending: a feminine -a or -e, added or in place of another vowel
    (a doubled last consonant aside). Letters moved inside the name are a typo (Syawal / Syawla)."""
    if a[-1] == b[-1] or not ({a[-1], b[-1]} & {"a", "e"}):
        return False
    return _stem(a) == _stem(b)


SURNAME_FORM = 0.85  # Ivanov ~ Ivanova: the same family, maybe not the same person: review (any name)
_SURNAME_ENDINGS = (
    ("ov", "ova"),
    ("ev", "eva"),
    ("in", "ina"),  # Putin / Putina, Sechin / Sechina
    ("yn", "yna"),
    ("sky", "skaya"),
    ("ski", "ska"),
    ("cki", "cka"),
)


def surname_forms(a: str, b: str) -> bool:
    """The masculine and feminine forms of a Slavic or Baltic family name: Ivanov / Ivanova, Gorbachev /
    Gorbacheva, Putin / Putina, Kowalski / Kowalska, Novak / Novakova (Czech -ova after the name). Two
    given names are never that (Martin / Martina: `matching.tokens` asks first)."""
    short, long_ = sorted((a, b), key=len)
    if len(short) < 4 or not long_.startswith(short[:-3]):
        return False
    if long_ == short + "ova":
        return True
    return any(
        short.endswith(male) and long_ == short[: -len(male)] + female for male, female in _SURNAME_ENDINGS
    )


def surname_keys(token: str) -> set[str]:
    """The masculine forms a family name may be the feminine of (ivanova -> ivanov, and ivan as Czech
    -ova), for the candidate index: `surname_forms` pairs words that share one."""
    keys = set()
    for male, female in _SURNAME_ENDINGS:
        if token.endswith(female) and len(token) - len(female) >= 2:
            keys.add(token[: -len(female)] + male)
    if token.endswith("ova") and len(token) >= 7:
        keys.add(token[:-3])
    return keys


def _stem(name: str) -> str:
    """A given name without its final vowel and with its last consonant once: michelle, michel -> michel."""
    stem = name[:-1] if name[-1] in "aeio" else name
    return stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem
