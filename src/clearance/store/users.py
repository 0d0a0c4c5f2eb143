"""Who acts: a user's name as the store compares it, so that four eyes means two people.

`user_name(raw)` is the name NFKC-normalised, trimmed and case-folded ("Ana", "ANA" and "ａｎａ" are one
user). Refused (`InputError`), since such a name could pass for another user's on a screen or forge a
line in a trail: a character that is neither a letter, a digit, a space nor one of `.-_@'`, among them
control and format characters, combining marks, blank fillers (U+3164, U+2800) and symbols; letters of
two scripts in one name (a Cyrillic "а" in "ana"); no name at all; over 100 characters. Every store
function that records who acted calls it.
"""

from __future__ import annotations

import unicodedata

from clearance.errors import InputError

MAX_LENGTH = 100


def user_name(raw: str) -> str:
    """The user's name as stored and compared; raises `InputError` for one that is no name."""
    name = unicodedata.normalize("NFKC", raw).strip()
    if not name:
        raise InputError("a user name is needed: empty or only spaces")
    if len(name) > MAX_LENGTH:
        raise InputError(f"a user name has at most {MAX_LENGTH} characters")
    bad = next((ch for ch in name if not _allowed(ch)), None)
    if bad is not None:
        raise InputError(f"a user name may not hold U+{ord(bad):04X} ({unicodedata.name(bad, 'a control')})")
    scripts = {_script(ch) for ch in name if ch.isalpha()}
    if len(scripts) > 1:
        raise InputError(f"a user name is written in one script, not {' and '.join(sorted(scripts))}")
    return " ".join(name.casefold().split())


_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers: letters that show nothing


def _allowed(ch: str) -> bool:
    if ch in _BLANK_LETTERS:
        return False
    category = unicodedata.category(ch)
    return category[0] in "LN" or ch == " " or ch in ".-_@'"


def _script(ch: str) -> str:
    """A letter's script, as the first word of its Unicode name (LATIN, CYRILLIC, CJK, ...)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]
