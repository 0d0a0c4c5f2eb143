"""Who acts: a user's name as the store compares it, so that four eyes means two people.

`user_name(raw)` is the name NFKC-normalised, trimmed and case-folded ("Ana", "ANA" and "ａｎａ" are one
user); a name with a control or format character (a zero-width space, a bidi override, a newline), none
at all, or over 100 characters is refused (`InputError`): such a name could pass for another user's on
a screen, or forge a line in a trail. Every store function that records who acted calls it.
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
    bad = next((ch for ch in name if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise InputError(f"a user name may not hold U+{ord(bad):04X} ({unicodedata.name(bad, 'a control')})")
    return " ".join(name.casefold().split())
