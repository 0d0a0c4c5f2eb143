"""Write src/clearance/datasets/words/wade_giles.txt: every pinyin syllable with its Wade-Giles spelling as
sanctions lists and the press write it, without apostrophes, umlauts or circumflexes (zedong ~ tse tung,
zhou ~ chou, deng ~ teng, xiao ~ hsiao, cai ~ tsai).

    .venv/bin/python tools/wade_giles.py

The syllables are those of the `pypinyin` package's dictionary (a runtime dependency already), tones
and the umlaut set aside. The spelling follows the Wade-Giles system as the Library of Congress's
romanization tables and the usual conversion charts give it: initials b/p d/t g/k z/c zh/ch j/q written
p t k ts ch ch with or without an apostrophe (dropped here), x as hs, r as j, zi ci si as tzu tzu ssu,
zhi chi shi ri as chih chih shih jih, ge ke he as ko ko ho, -ong as -ung, -ie as -ieh, -ian as -ien,
-ue as -ueh, -uo as -o after a dental, yi as i, you as yu, er as erh, gui kui as kuei kuei.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pypinyin.pinyin_dict import pinyin_dict

OUT = Path(__file__).resolve().parent.parent / "src" / "clearance" / "datasets" / "words" / "wade_giles.txt"
INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
            "z", "c", "s", "y", "w")  # fmt: skip
WG_INITIAL = {"b": "p", "d": "t", "g": "k", "j": "ch", "q": "ch", "x": "hs", "zh": "ch", "r": "j",
              "z": "ts", "c": "ts"}  # fmt: skip
DENTALS = {"d", "t", "n", "l", "z", "c", "s", "zh", "ch", "sh", "r"}
ZERO = {"yi": "i", "you": "yu", "yu": "yu", "ye": "yeh", "yan": "yen", "yong": "yung", "yue": "yueh",
        "er": "erh", "e": "o", "wo": "wo"}  # fmt: skip


def syllables() -> set[str]:
    """The pinyin syllables of pypinyin's dictionary, without tones, ü as u; syllables with a vowel only."""
    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = "".join(c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c))
            if plain.isalpha() and plain.isascii() and any(v in plain for v in "aeiou"):
                found.add(plain)
    return found


def wade_giles(syllable: str) -> str:
    """The Wade-Giles spelling of one pinyin syllable, apostrophes and diacritics dropped."""
    if syllable in ZERO:
        return ZERO[syllable]
    initial = next((i for i in INITIALS if syllable.startswith(i) and len(syllable) > len(i)), "")
    final = syllable[len(initial) :]
    if initial in ("z", "c") and final == "i":
        return "tzu"
    if initial == "s" and final == "i":
        return "ssu"
    if initial in ("zh", "ch", "sh", "r") and final == "i":
        final = "ih"
    elif (initial in ("g", "k", "h") and final == "e") or (final == "uo" and initial in DENTALS):
        final = "o"
    elif initial in ("g", "k") and final == "ui":
        final = "uei"
    elif final.endswith("ong"):
        final = final[:-3] + "ung"
    elif final == "ie":
        final = "ieh"
    elif final == "ian":
        final = "ien"
    elif final == "ue":
        final = "ueh"
    return WG_INITIAL.get(initial, initial) + final


# Spellings of Taiwan that drop the y of a syllable with no initial (Tsai Ing-wen, Lee Teng-hui's
# ing): a second Wade-Giles spelling of the same pinyin syllable, written as its own line
TAIWAN = {"ying": "ing"}


def main() -> None:
    rows = sorted((s, wade_giles(s)) for s in syllables())
    rows += sorted((pinyin, spelling) for pinyin, spelling in TAIWAN.items())
    header = (
        "# Pinyin syllables and their Wade-Giles spelling without apostrophes or diacritics, one a line:\n"
        "# pinyin, then Wade-Giles. Made by tools/wade_giles.py from pypinyin's syllables; do not edit by\n"
        "# hand. Read by matching/chinese.py: Mao Zedong ~ Mao Tse-tung, Zhou ~ Chou, Deng ~ Teng.\n"
    )
    OUT.write_text(header + "".join(f"{p} {w}\n" for p, w in rows), encoding="utf-8")
    print(f"{len(rows)} syllables written to {OUT}")


if __name__ == "__main__":
    main()
