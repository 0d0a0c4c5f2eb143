"""Write src/clearance/datasets/words/everyday_words.txt and frequent_words.txt: the everyday words of
English, French, Spanish and German, and the other frequent words (names among them), from the word
frequencies of the `wordfreq` package (a dev dependency: the product reads the files, never wordfreq).

    .venv/bin/python tools/everyday_words.py

An everyday word is one of letters only, of two letters or more, at least `MIN_ZIPF` on wordfreq's Zipf
scale (about once in 300,000 words) in one of the four languages, that a spelling dictionary of those
languages writes in lower case (Debian's wamerican, wfrench, wngerman and wspanish, needed only to run
this tool): names are capitalised there (Taliban, Putin) or absent (Hamas, Huawei). No name of one word
in the built-in dataset (`datasets/data/entities.yaml`: SMIC, DJI) is an everyday word.

A frequent word is any word of that frequency, names included (Emma, Arizona, Isis, Taliban), the
`ZH_TOP` commonest words of Chinese in pinyin (shizhang), and the commonest words of the other scripts
in Latin letters (rossiya): one such word alone is too little to block on (matching/everyday.py). The
file holds those that are not everyday words already.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

LANGUAGES = ("en", "fr", "es", "de")
MIN_ZIPF = 3.5
# Debian's spelling dictionaries (apt-get install wamerican wfrench wngerman wspanish), read only here
OTHER_SCRIPTS = ("ar", "fa", "ru", "uk", "el")
OTHER_SCRIPTS_TOP = 2000
DICTIONARIES = tuple(
    Path("/usr/share/dict") / name for name in ("american-english", "french", "ngerman", "spanish")
)
DATASETS = Path(__file__).resolve().parent.parent / "src" / "clearance" / "datasets"
OUT = DATASETS / "words" / "everyday_words.txt"
FREQUENT_OUT = DATASETS / "words" / "frequent_words.txt"
ZH_TOP = 5000
BUILTIN = DATASETS / "data" / "entities.yaml"


def _builtin_words() -> set[str]:
    """The names of one word in the built-in dataset: names we cover on purpose ("SMIC" is also French
    for the minimum wage) are never everyday words."""
    text = BUILTIN.read_text(encoding="utf-8")
    names = (re.split(r"[^a-z0-9]+", name.lower()) for name in re.findall(r"name: \"?([^\",}]+)", text))
    return {words[0] for words in (list(filter(None, n)) for n in names) if len(words) == 1}


def _plain(word: str) -> str:
    """Without accents, as clearance compares names: única -> unica."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _dictionary_words() -> set[str]:
    """The words the spelling dictionaries write in lower case: common words, where a proper noun
    is capitalised (Taliban, Putin, Atlantic) and a brand absent (Hamas, Huawei)."""
    found: set[str] = set()
    for path in DICTIONARIES:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            word = _plain(line)
            if word and line.islower() and word.isascii() and word.isalpha():
                found.add(word)
    return found


def _chinese() -> set[str]:
    """The commonest words of Chinese as pinyin joined into one word, as a payment writes them (shizhang)."""
    from pypinyin import lazy_pinyin

    return {"".join(lazy_pinyin(word)) for word in top_n_list("zh", ZH_TOP)}


def _other_scripts(*, names: bool = False) -> set[str]:
    """The most frequent words of Arabic, Persian, Russian, Ukrainian and Greek, as clearance writes them in
    Latin letters (Arabic and Persian as their consonants): هذا, этим. No spelling dictionary sorts their
    names out, so only the commonest `OTHER_SCRIPTS_TOP` of each, where function words and common nouns
    are; for the Cyrillic and Greek ones, no word that English writes too (a name: Putin, Vladimir)."""
    from clearance.matching.normalise import name_form

    found: set[str] = set()
    for lang in OTHER_SCRIPTS:
        for word in top_n_list(lang, OTHER_SCRIPTS_TOP):
            tokens = name_form(word).tokens
            # consonants of Arabic or Persian rarely spell an English name; a Russian name is one
            english = 0.0 if lang in ("ar", "fa") else zipf_frequency(tokens[0], "en")
            if len(tokens) == 1 and len(tokens[0]) >= 2 and (names or english < 2.0):
                found.add(tokens[0])
    return found


def main() -> None:
    candidates: set[str] = set()
    for lang in LANGUAGES:
        for word in top_n_list(lang, 100_000):
            if zipf_frequency(word, lang) < MIN_ZIPF:
                break
            plain = _plain(word)
            if plain.isascii() and plain.isalpha() and len(plain) >= 2:
                candidates.add(plain)
    covered = _builtin_words()
    common = _dictionary_words()
    everyday = {w for w in candidates if w in common and w not in covered}
    everyday |= _other_scripts() - covered
    frequent = (candidates | _chinese() | _other_scripts(names=True)) - everyday - covered
    frequent = {w for w in frequent if re.fullmatch("[a-z]{2,}", w)}
    everyday = sorted(everyday)
    header = (
        "# Everyday words of English, French, Spanish and German: a listed name matched only through such\n"
        "# words is weak evidence (matching/everyday.py). Made by tools/everyday_words.py from wordfreq's\n"
        f"# frequencies (Zipf >= {MIN_ZIPF} in one language) and the spelling dictionaries of those\n"
        "# languages (words they write in lower case: not names). Do not edit by hand: run the tool.\n"
    )
    OUT.write_text(header + "\n".join(everyday) + "\n", encoding="utf-8")
    print(f"{len(everyday):,} everyday words (of {len(candidates):,} frequent ones) written to {OUT}")
    FREQUENT_OUT.write_text(
        "# Frequent words that are not everyday words (everyday_words.txt): names of people, places\n"
        "# and brands, acronyms, Chinese words in pinyin, words of other scripts in Latin letters. One\n"
        "# such word alone is too little to block on (matching/everyday.py). Made by\n"
        f"# tools/everyday_words.py from wordfreq (Zipf >= {MIN_ZIPF} in en, fr, es or de; the\n"
        f"# {ZH_TOP:,} commonest words of zh; the {OTHER_SCRIPTS_TOP:,} commonest of\n"
        f"# {', '.join(OTHER_SCRIPTS)}). Do not edit by hand: run the tool.\n"
        + "\n".join(sorted(frequent))
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(frequent):,} other frequent words written to {FREQUENT_OUT}")


if __name__ == "__main__":
    main()
