"""Letters of other scripts that look like Latin ones, folded to the Latin letter they imitate.

"ВАNК МЕLLI" (Cyrillic В, А, К, М, Е among Latin letters) or "ΒΑΝΚ ΜΕLLΙ ΙRΑΝ" (Greek capitals) is
read by a person as BANK MELLI IRAN, but transliterated letter by letter it becomes "vank melli iran",
which a listed bank does not match. The look-alikes come from Unicode's confusables data (UTS #39,
"Unicode Security Mechanisms", section 4, confusables.txt) as the `confusable-homoglyphs` package ships
it, with the script of each character from Unicode's Scripts.txt (same package): a letter of a script
other than Latin whose confusable prototype is one ASCII letter is a look-alike (Greek Α Β Ε Η Ι Κ Μ Ν
Ο Ρ Τ Υ Χ Ζ, Cyrillic А В Е К М Н О Р С Т Х а е о р с у х і ј ѕ, Armenian, Cherokee, Coptic ...).
Full-width forms (ＢＡＮＫ) and mathematical alphanumerics (𝐁𝐀𝐍𝐊) need no table: NFKC, applied
before, already makes them ASCII. TR39 gives the small l as the prototype of capital I (they look
alike); an upper-case letter that looks like l is a capital I here, since names are compared in
lower case afterwards (Greek Ι, Cyrillic І are I).

When to fold: real Greek and Cyrillic names are full of look-alikes too (Сергей has С, е, р, г, е),
and must still be transliterated as before (Sergei, not "Cepre..."). So a word (a run of letters) is
folded only when every letter in it is Latin or a look-alike, and

* it mixes scripts: Latin letters and look-alikes, or look-alikes of two scripts ("ВАNК", "МЕLLΙ"); no
  real word is written so; or
* it is made of look-alikes alone and another word of the same name mixes scripts: the name is Latin
  written with look-alikes ("ΒΑΝΚ" in "ΒΑΝΚ ΜΕLLΙ ΙRΑΝ").

A word holding any other letter of a non-Latin script (Сергей's й, Σωκράτης's Σ) proves its script and
is never folded; neither is a name made only of look-alike words of one script ("ВЕРА" is Vera, "ΑΝΝΑ"
is Anna): it cannot be told from a real Greek or Cyrillic name, and is read as one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from confusable_homoglyphs import categories, confusables

_LETTERS = re.compile(r"[^\W\d_]+")  # a word: a run of letters


@cache
def look_alikes() -> dict[str, tuple[str, str]]:
    """Each look-alike letter: the lower-case ASCII letter it imitates, and its script (built once)."""
    table: dict[str, tuple[str, str]] = {}
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or not unicodedata.category(char).startswith("L"):
            continue
        script = categories.alias(char)
        if script == "LATIN":
            continue
        targets = sorted(
            {h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha()}
        )
        if len(targets) != 1:
            continue  # no Latin prototype (or, never so far, an ambiguous one)
        target = targets[0]
        if target == "l" and char.isupper():
            target = "i"  # TR39's prototype of I is l: a capital that looks like it is an I
        table[char] = (target.lower(), script)
    return table


def _latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")


def _mixes_scripts(word: str, table: dict[str, tuple[str, str]]) -> bool | None:
    """True: the word mixes scripts, all its letters Latin or look-alikes; False: look-alikes of one
    script alone; None: not to be folded (no look-alike, or a letter that proves another script)."""
    latin = False
    scripts: set[str] = set()
    for char in word:
        found = table.get(char)
        if found is not None:
            scripts.add(found[1])
        elif _latin(char):
            latin = True
        else:
            return None
    if not scripts:
        return None
    return latin or len(scripts) > 1


def fold_look_alikes(text: str) -> str:
    """`text` with the look-alike letters of its foldable words made Latin (see the module's rule).
    Expects NFKC text, not yet case folded."""
    if text.isascii():
        return text
    table = look_alikes()
    if table.keys().isdisjoint(text):
        return text
    words = [(m.start(), m.end(), _mixes_scripts(m.group(), table)) for m in _LETTERS.finditer(text)]
    if not any(mixed for _, _, mixed in words):
        return text
    out: list[str] = []
    last = 0
    for start, end, mixed in words:
        if mixed is None:
            continue
        out.append(text[last:start])
        out.append("".join(table[c][0] if c in table else c for c in text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)
