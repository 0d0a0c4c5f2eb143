"""Free text (a remittance line, a memo, a document): find every listed name or identifier in it, with spans.

The text is cut into words (each Chinese character is a word of its own, since Chinese has no spaces).
Each word, alone and run together with the next one or two, is looked up in the candidate index; a
listed name that shares a key with it and whose tokens it really resembles starts a search: every window
of words around it, up to the name's own length plus two, is scored against that name, and the best
windows that do not overlap become hits.
Weak aliases ("QQ") count only when they stand alone: not next to another capitalised word, which would
make them part of some other name ("QQ Fresh Foods").
"""

from __future__ import annotations

import re

from clearance.domain.enums import NameType
from clearance.matching.index import Index
from clearance.matching.lookup import IndexedName
from clearance.matching.matcher import Match, Matcher
from clearance.matching.normalise import has_han, name_form
from clearance.matching.scorer import Comparison

MAX_WINDOW = 10
_WORD = re.compile(r"[\w.\-']+", re.UNICODE)


def words(text: str) -> list[tuple[int, int]]:
    """Spans of words; Chinese characters one by one, trailing punctuation trimmed."""
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in ".-'":
            end -= 1
        if end <= start:
            continue
        chunk = text[start:end]
        if not has_han(chunk):
            spans.append((start, end))
            continue
        run_start = start
        for i, ch in enumerate(chunk):
            if has_han(ch):
                if run_start < start + i:
                    spans.append((run_start, start + i))
                spans.append((start + i, start + i + 1))
                run_start = start + i + 1
        if run_start < end:
            spans.append((run_start, end))
    return spans


def _capitalised(text: str, span: tuple[int, int] | None) -> bool:
    return span is not None and text[span[0] : span[1]][:1].isupper()


class _Triggers:
    """Per scan: which listed names each distinct word could belong to, and at which of their positions
    (words repeat a lot in documents)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.cache: dict[str, dict[int, set[int]]] = {}

    def __call__(self, word: str) -> dict[int, set[int]]:
        found = self.cache.get(word)
        if found is None:
            form = name_form(word)
            found = self.cache[word] = self.index.positions(form) if form.tokens else {}
        return found


def _near(index: Index, name: int, around: int, hits: list[dict[int, set[int]]]) -> bool:
    """Do the words around a position match enough of a name for it to reach the review threshold?"""
    reach = len(index.names[name].form.tokens) + 2
    matched: set[int] = set()
    for q in range(max(0, around - reach), min(len(hits), around + reach + 1)):
        matched |= hits[q].get(name, set())
    return index.coverage(name, matched) or index.names[name].name.type == NameType.WEAK


def scan(matcher: Matcher, text: str) -> list[Match]:
    """Every listed name or identifier in `text`, each with its span; overlapping spans resolved (see
    `_best_spans`). Matches are in text order."""
    spans = words(text)
    index = matcher.index
    triggers = _Triggers(index)
    found: list[tuple[float, int, int, Match]] = []
    seen: dict[tuple[str, tuple[int, ...]], list[tuple[IndexedName, Comparison]]] = {}
    # each word alone, or run together with the next one or two ("Ali Pay" ~ "Alipay")
    hits: list[dict[int, set[int]]] = []
    for pos, (start, _) in enumerate(spans):
        merged: dict[int, set[int]] = {}
        for k in range(pos, min(pos + 3, len(spans))):
            for name, npos in triggers(text[start : spans[k][1]].replace(" ", "")).items():
                merged.setdefault(name, set()).update(npos)
        hits.append(merged)
    for pos, (start, end) in enumerate(spans):
        word = text[start:end]
        for entity, ident in index.by_identifier(word):
            why = f"identifier {ident.scheme} {ident.value} appears in the text"
            found.append((2.0, start, end, Match.of_identifier(entity, ident, why, (start, end, word))))
        cands = [index.names[n] for n in hits[pos] if _near(index, n, pos, hits)]
        if not cands:
            continue
        width = min(MAX_WINDOW, max(len(c.form.tokens) for c in cands) + 2)
        for first in range(max(0, pos - width + 1), pos + 1):
            for last in range(pos, min(len(spans), first + width)):
                s, e = spans[first][0], spans[last][1]
                window = text[s:e]
                form = name_form(window)
                if not form.tokens:
                    continue
                key = (window, tuple(id(c) for c in cands))
                scored = seen.get(key)
                if scored is None:  # documents repeat their phrases: score each window once
                    scored = seen[key] = matcher.score(form, cands)
                for cand, cmp in scored:
                    weak = cand.name.type == NameType.WEAK
                    if weak and (
                        _capitalised(text, spans[first - 1] if first > 0 else None)
                        or _capitalised(text, spans[last + 1] if last + 1 < len(spans) else None)
                    ):
                        continue
                    why = f"'{window}' in the text; " + cmp.explanation
                    found.append((cmp.score, s, e, Match.of_name(cand, cmp, why, (s, e, window))))
    return _best_spans(found)


_BUCKET = 256  # characters: kept spans are filed by the stretches of text they cover


def _best_spans(found: list[tuple[float, int, int, Match]]) -> list[Match]:
    """Highest-scoring, then longest, spans first; a span overlapping a kept one for the same entity goes,
    and so does one overlapping a better-scoring span of another entity. Kept spans are filed by stretch
    of text, so a document with thousands of hits is not compared with all of them each time."""
    kept: list[tuple[int, int, Match]] = []
    buckets: dict[int, list[tuple[int, int, Match]]] = {}
    for score, s, e, hit in sorted(found, key=lambda f: (-f[0], -(f[2] - f[1]), f[1])):
        near = [k for b in range(s // _BUCKET, e // _BUCKET + 1) for k in buckets.get(b, ())]
        if any(h.entity.id == hit.entity.id and s < ke and ks < e for ks, ke, h in near):
            continue
        if any(s < ke and ks < e and score < h.score for ks, ke, h in near if h.entity.id != hit.entity.id):
            continue
        kept.append((s, e, hit))
        for b in range(s // _BUCKET, e // _BUCKET + 1):
            buckets.setdefault(b, []).append((s, e, hit))
    return [h for _, _, h in sorted(kept, key=lambda k: k[0])]
