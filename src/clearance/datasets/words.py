"""Word lists the matcher needs (legal forms, given names, generic words ...), shipped as text files in
`clearance/datasets/words/` so that an analyst can read and extend them without reading code.

Each file holds one entry a line, its words separated by spaces; `#` starts a comment. What each list
means, and where it comes from, is said at the top of its file.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from clearance.errors import DataError

LISTS = (
    "abbreviations",
    "generic_words",
    "given_names",
    "korean_surnames",
    "legal_forms_anywhere",
    "legal_forms_edge",
    "legal_forms_han",
    "number_words",
    "pinyin_phrases",
    "stopwords",
    "titles",
    "everyday_words",
    "frequent_words",
    "places",
    "synonyms",
    "wade_giles",
)


@cache
def entries(name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of one word list, each as its words. Raises `DataError` for an unknown list."""
    if name not in LISTS:
        raise DataError(f"no word list '{name}' (one of: {', '.join(LISTS)})")
    text = (resources.files("clearance.datasets") / "words" / f"{name}.txt").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        words = tuple(line.split("#", 1)[0].split())
        if words:
            out.append(words)
    return tuple(out)


def words(name: str) -> frozenset[str]:
    """A list of single words, as a set."""
    return frozenset(word for entry in entries(name) for word in entry)
