"""Place names in company names: countries (from pycountry) and the cities and provinces of
`datasets/words/places.txt`. Outside a person's name a place weighs as a generic word (`scorer`), since
a company is often listed with its city and searched without it ("Beijing Kingsoft Office Software" ~
"Kingsoft Office Software"); and two different places never pair as typos of each other (`tokens`:
Iran is not Iraq, Chile not China)."""

from __future__ import annotations

import pycountry

from clearance.datasets.words import entries


def _country_words() -> set[str]:
    """Countries whose name, or common name, is one word: iran, china, syria, russia."""
    names: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and value.isascii() and value.isalpha():
                names.add(value.lower())
    return names


PLACES = frozenset(_country_words() | {"".join(entry) for entry in entries("places")})
