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
from datetime import date, datetime
from typing import TYPE_CHECKING

from clearance.index import IndexedName
from clearance.names import has_han, name_form

if TYPE_CHECKING:
    from clearance.engine import Engine, Hit

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
    """Per scan: which listed names each distinct word could belong to (words repeat a lot in documents)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cache: dict[str, list[IndexedName]] = {}

    def __call__(self, word: str) -> list[IndexedName]:
        if word not in self.cache:
            form = name_form(word)
            self.cache[word] = self.engine.index.candidates(form, prune=False) if form.tokens else []
        return self.cache[word]


def scan(engine: Engine, text: str, as_of: date | datetime, activity: str) -> list[Hit]:
    spans = words(text)
    triggers = _Triggers(engine)
    found: list[tuple[float, int, int, Hit]] = []
    for pos, (start, end) in enumerate(spans):
        word = text[start:end]
        for entity, ident in engine.index.by_identifier(word):
            why = f"identifier {ident.scheme} {ident.value} appears in the text"
            hit = engine.make_hit(
                entity,
                f"{ident.scheme}: {ident.value}",
                1.0,
                False,
                True,
                as_of,
                activity,
                why,
                (start, end, word),
            )
            found.append((2.0, start, end, hit))
        # the word alone, or run together with the next one or two ("Ali Pay" ~ "Alipay")
        joined = [
            text[start : spans[k][1]].replace(" ", "") for k in range(pos + 1, min(pos + 3, len(spans)))
        ]
        cands = list({id(c): c for w in (word, *joined) for c in triggers(w)}.values())
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
                for cand, cmp in engine.score_candidates(form, cands):
                    weak = cand.name.type == "weak"
                    if weak and (
                        _capitalised(text, spans[first - 1] if first > 0 else None)
                        or _capitalised(text, spans[last + 1] if last + 1 < len(spans) else None)
                    ):
                        continue
                    why = f"'{window}' in the text; " + cmp.explanation
                    hit = engine.make_hit(
                        cand.entity,
                        cand.name.value,
                        cmp.score,
                        weak,
                        False,
                        as_of,
                        activity,
                        why,
                        (s, e, window),
                    )
                    found.append((cmp.score, s, e, hit))
    return _best_spans(found)


def _best_spans(found: list[tuple[float, int, int, Hit]]) -> list[Hit]:
    """Highest-scoring, then longest, spans first; a span overlapping a kept one for the same entity goes,
    and so does one overlapping a better-scoring span of another entity."""
    kept: list[tuple[int, int, Hit]] = []
    for score, s, e, hit in sorted(found, key=lambda f: (-f[0], -(f[2] - f[1]), f[1])):
        if any(h.entity.id == hit.entity.id and s < ke and ks < e for ks, ke, h in kept):
            continue
        if any(s < ke and ks < e and score < h.score for ks, ke, h in kept if h.entity.id != hit.entity.id):
            continue
        kept.append((s, e, hit))
    return [h for _, _, h in sorted(kept, key=lambda k: k[0])]
