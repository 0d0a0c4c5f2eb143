"""Countries as ISO 3166 alpha-2 codes, from what a user types (a code or an English name) and from what
lists write (names, old names, "Korea, North", "Iran (Islamic Republic of)", "Palestinian").

The names and codes come from `pycountry` (ISO 3166-1 with its official and common names). Ours, below,
are only what ISO does not hold: the older or shorter names lists and users still write (Burma, Russia,
Turkey, UK), Kosovo (XK, a code the EU and the UN lists use without ISO), and the adjectives of
nationality lists write for a country ("Palestinian", "British").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pycountry

from clearance.errors import InputError

# names ISO does not hold, folded (see `_fold`), and their codes
_NAMES = {
    "burma": "MM", "russia": "RU", "turkey": "TR", "macedonia": "MK", "ivory coast": "CI",
    "palestine": "PS", "west bank": "PS", "gaza": "PS", "gaza strip": "PS", "kosovo": "XK",
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "uae": "AE", "brunei": "BN", "macau": "MO", "cape verde": "CV",
    "swaziland": "SZ", "vatican": "VA", "vatican city": "VA", "east timor": "TL", "drc": "CD",
    "prc": "CN", "bosnia herzegovina": "BA", "czechia": "CZ", "micronesia": "FM", "st kitts and nevis": "KN",
    "st lucia": "LC", "st vincent and the grenadines": "VC", "republic of korea": "KR",
    "former yugoslav republic of macedonia": "MK",
}  # fmt: skip
# adjectives of nationality that lists write for a country
_ADJECTIVES = {
    "afghan": "AF", "albanian": "AL", "algerian": "DZ", "american": "US", "belarusian": "BY",
    "british": "GB", "burmese": "MM", "chinese": "CN", "colombian": "CO", "cuban": "CU", "egyptian": "EG",
    "emirati": "AE", "eritrean": "ER", "french": "FR", "german": "DE", "indian": "IN", "indonesian": "ID",
    "iranian": "IR", "iraqi": "IQ", "italian": "IT", "jordanian": "JO", "kuwaiti": "KW", "lebanese": "LB",
    "libyan": "LY", "malian": "ML", "mexican": "MX", "moroccan": "MA", "nigerian": "NG",
    "north korean": "KP", "pakistani": "PK", "palestinian": "PS", "filipino": "PH", "qatari": "QA",
    "russian": "RU", "saudi": "SA", "somali": "SO", "spanish": "ES", "sudanese": "SD", "syrian": "SY",
    "tunisian": "TN", "turkish": "TR", "ukrainian": "UA", "venezuelan": "VE", "yemeni": "YE",
}  # fmt: skip
_QUALIFIERS = re.compile(r"^(?:possibly|probably|reportedly|allegedly|the)\s+")


def _fold(text: str) -> str:
    """Lower case, accents and punctuation set aside, spaces collapsed: "Côte d'Ivoire" -> "cote d ivoire"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _forms(name: str) -> set[str]:
    """A name, folded, and its reversal when it is written "Korea, North" or "Iran, Islamic Republic of"."""
    forms = {_fold(name)}
    if name.count(",") == 1:
        head, tail = name.split(",")
        forms.add(_fold(f"{tail} {head}"))
    return {_QUALIFIERS.sub("", form) for form in forms} | forms


@cache
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(names, codes): every folded name of every country, and its alpha-2 and alpha-3 codes."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        codes[code.lower()] = code
        codes[country.alpha_3.lower()] = code
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                for form in _forms(value):
                    names.setdefault(form, code)
    for extra in (_NAMES, _ADJECTIVES):
        for name, code in extra.items():
            names.setdefault(name, code)
    codes["xk"] = codes["xkx"] = "XK"
    codes["uk"] = "GB"
    return names, codes


@lru_cache(maxsize=8192)
def listed_country(text: str) -> str | None:
    """The alpha-2 code of a country as a list writes it (a name, not a code: a place's last part may
    be a US state such as "CA"), or None when it names none we know. Never raises."""
    names, _ = _table()
    text = re.sub(r"\([^)]*\)?", " ", text.split(";")[0])  # "Iran (Islamic Republic of)", "; arrested ..."
    for form in _forms(text):
        if form in names:
            return names[form]
    return None


def place_country(text: str) -> str | None:
    """The country of a place or address, from its last part ("Giza, Egypt") or two ("Pyongyang, Korea,
    North"), or None."""
    parts = text.rsplit(",", 2)
    return listed_country(parts[-1]) or (listed_country(",".join(parts[-2:])) if len(parts) > 1 else None)


def given_country(text: str) -> str:
    """The alpha-2 code of a country a user gives: an ISO alpha-2 or alpha-3 code or an English name
    (official, common or older: "RU", "RUS", "Russia", "Russian Federation"). Raises `InputError`."""
    names, codes = _table()
    folded = _fold(text)
    code = codes.get(folded) if len(folded) in (2, 3) else None
    code = code or names.get(folded) or listed_country(text)
    if code is None:
        raise InputError(
            f"unknown country '{text}': use an ISO 3166 code (RU, RUS) or an English name (Russia)"
        )
    return code


def country_name(code: str) -> str:
    """A country's common name by its alpha-2 code (the code itself when ISO has none)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return "Kosovo" if code == "XK" else code
    name = str(getattr(country, "common_name", None) or country.name)
    head, comma, tail = name.partition(", ")
    return f"{tail} {head}" if comma else name  # "Palestine, State of" -> "State of Palestine"
