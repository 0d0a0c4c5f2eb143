"""What free text is looked up by (`matching.text` scans with it): which listed names a word of the text
can start a match of, and what each word or run of words pairs with.

A document made of listed names names thousands of listed names in every stretch of text: common words
("bank", "al", "trading") are held by thousands of names. Looking every name up by every word it holds,
as a first version did, made a 1 MB document of names run for more than 10 minutes. A name is looked up
here only by its *prefix words*: its rarest words (by how many listed names hold them), taken until the
rest of its weight could not reach the review threshold. Any stretch of text that matches a name well
enough must match one of them: the score is low^0.7 * high^0.3 of the two sides' coverages, so the
name's side must cover `ScorerConfig.need` of its weight (the same bound as the candidate index's,
`matching.index`), and its other words together weigh less than that. "Bank Melli Iran" is looked up by
"melli" alone; a text word "bank" starts nothing but the few names made of common words. The number of
names a word starts is a property of the lists, not of the text: the scan stays linear in the text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from clearance.datasets.words import words as word_list
from clearance.domain.enums import NameRules, NameType
from clearance.matching.index import Index
from clearance.matching.lookup import Lookup
from clearance.matching.normalise import LEGAL_ANYWHERE, LEGAL_EDGE, legal_typo, name_form, tokenize
from clearance.matching.scorer import MAX_RUN, MAX_RUN_LENGTH, position_weights
from clearance.matching.tokens import is_initial


class PrefixTable:
    """Listed word id -> the strong names holding it among their prefix words. Built on first use and
    extended when the index has grown (names are only ever added; any order of rarity gives a valid
    prefix, so names filed earlier stay valid)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.names_by_word: dict[int, list[int]] = defaultdict(list)
        self.filed = 0  # names of the index filed so far

    def update(self) -> PrefixTable:
        index = self.index
        names_of = index.vocabulary.names_of
        for number in range(self.filed, len(index.names)):
            cand = index.names[number]
            if cand.name.type == NameType.WEAK or not cand.word_ids:
                continue
            rules = NameRules.of(cand.entity.kind)
            weights = position_weights(cand.form, rules=rules, config=index.config)
            total = sum(weights)
            remaining = total
            order = sorted(
                (i for i, t in enumerate(cand.form.tokens) if not is_initial(t)),
                key=lambda i: len(names_of[cand.word_ids[i]]),
            )
            for i in order:
                if remaining < index.need * total:
                    break
                self.names_by_word[cand.word_ids[i]].append(number)
                remaining -= weights[i]
        self.filed = len(index.names)
        return self


@dataclass(frozen=True, slots=True)
class Reading:
    """What a word of the text, or a run of two or three words joined, pairs with: listed words (by id),
    listed runs of words (joined), and its letters run together (for weak aliases)."""

    words: frozenset[int]
    runs: frozenset[str]
    compact: str
    extent: int  # words of the text it takes after its first: 0 for a word alone, 1 or 2 for a run
    letters: frozenset[str] = frozenset()  # its one-letter words (initials, a pinyin "a"): not looked up
    tokens: tuple[str, ...] = ()
    han: str = ""  # a Chinese character, simplified


_NO_WORDS: frozenset[int] = frozenset()
# one-word legal forms that a span may take in ("Tencent Holdings Ltd"), stopwords ("and", "de") aside
_LEGAL_WORDS = frozenset(f[0] for f in LEGAL_ANYWHERE + LEGAL_EDGE if len(f) == 1) - word_list("stopwords")
_NO_RUNS: frozenset[str] = frozenset()


class Readings:
    """The readings of a text's words, remembered for one scan per distinct word, per distinct run of
    words and per distinct word with the two after it (documents repeat their words and phrases). Equal
    readings get one id (`distinct`), so that what depends on them alone is worked out once."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._words: dict[str, Reading] = {}
        self._runs: dict[tuple[str, ...], frozenset[int]] = {}
        self._at: dict[tuple[str, str, str], int] = {}
        self._ids: dict[tuple[Reading, ...], int] = {}
        self.distinct: list[tuple[Reading, ...]] = []  # readings by id
        self.legal: dict[str, bool] = {}

    def word(self, word: str) -> Reading:
        """A word's reading, remembered."""
        found = self._words.get(word)
        if found is None:
            form = name_form(word)
            if not form.tokens:
                found = Reading(_NO_WORDS, _NO_RUNS, "", 0, tokens=())
            else:
                lookup = Lookup(self.index.vocabulary, form)
                found = Reading(
                    lookup.matched,
                    frozenset().union(*lookup.run_matches),
                    form.compact,
                    0,
                    frozenset(t for t in form.tokens if is_initial(t)),
                    form.tokens,
                    form.han,
                )
            self._words[word] = found
        return found

    def is_legal_form(self, word: str) -> bool:
        """Is the word a legal form by itself ("Ltd", "GmbH", "S.A.", misspelt "Limitd"), not a stopword
        ("and", "de")?"""
        found = self.legal.get(word)
        if found is None:
            tokens = tokenize(word)
            misspelt = len(tokens) == 1 and legal_typo(tokens[0]) is not None
            found = self.legal[word] = bool(tokens) and (all(t in _LEGAL_WORDS for t in tokens) or misspelt)
        return found

    def at(self, pos: int, words: list[str]) -> int:
        """The id of the readings starting at `pos` (`distinct`): the word itself, and runs of it with
        the next one or two words: as a listed word when they make at most `MAX_RUN` tokens of at most
        `MAX_RUN_LENGTH` letters ("Ali Pay" ~ Alipay), as a weak alias of any length ("AL-KINDI, Abu
        al-Miqdad"); `words` holds "" for a word not looked up (too long)."""
        key = (
            words[pos],
            words[pos + 1] if pos + 1 < len(words) else "",
            words[pos + 2] if pos + 2 < len(words) else "",
        )
        rid = self._at.get(key)
        if rid is None:
            readings = self._read(key)
            rid = self._ids.get(readings)
            if rid is None:
                rid = self._ids[readings] = len(self.distinct)
                self.distinct.append(readings)
            self._at[key] = rid
        return rid

    def _read(self, words: tuple[str, str, str]) -> tuple[Reading, ...]:
        own = self.word(words[0]) if words[0] else _NOTHING
        out = [own] if own.tokens else []
        joined = own.tokens
        for extent in (1, 2):
            if not joined or not words[extent]:
                break
            joined = joined + self.word(words[extent]).tokens
            text = "".join(joined)
            short = len(joined) <= MAX_RUN and len(text) <= MAX_RUN_LENGTH
            found = self._run(joined) if short else _NO_WORDS
            if found or self.index.weak(text):
                out.append(Reading(found, _NO_RUNS, text, extent))
        return tuple(out)

    def _run(self, tokens: tuple[str, ...]) -> frozenset[int]:
        found = self._runs.get(tokens)
        if found is None:
            found = self._runs[tokens] = self.index.vocabulary.run_matches(tokens)
        return found


_NOTHING = Reading(_NO_WORDS, _NO_RUNS, "", 0, tokens=())
