"""Which of the windows that matched in a free text become hits: the best of those that overlap, each
span then widened over the legal forms next to it (`best_spans`), for `matching.text`."""

from __future__ import annotations

from dataclasses import dataclass

from clearance.matching.lookup import IndexedName
from clearance.matching.matcher import Match
from clearance.matching.scorer import Comparison


@dataclass(frozen=True, slots=True)
class Found:
    """A window that matched: its span, the span it may widen to, and what it matched (a name with its
    comparison, or an identifier's ready match)."""

    score: float
    start: int
    end: int
    wide_start: int
    wide_end: int
    cand: IndexedName | None = None
    cmp: Comparison | None = None
    match: Match | None = None

    @property
    def paired(self) -> int:
        """Words of the window that found a partner in the name."""
        if self.cmp is None:
            return 0
        return sum(len(p.left.split()) for p in self.cmp.pairs)

    @property
    def entity_id(self) -> str:
        return self.match.entity.id if self.match is not None else self.cand.entity.id  # type: ignore[union-attr]

    def of(self, text: str, start: int, end: int) -> Match:
        if self.match is not None:
            return self.match
        assert self.cand is not None and self.cmp is not None
        window = text[start:end]
        why = f"'{window}' in the text; " + self.cmp.explanation
        return Match.of_name(self.cand, self.cmp, why, (start, end, window))


_BUCKET = 256  # characters: kept spans are filed by the stretches of text they cover


def best_spans(text: str, found: list[Found]) -> list[Match]:
    """Highest-scoring spans first, then those with the most words paired, then the shortest (the
    tightest window: "Alibaba Group" rather than "Group; Alibaba" taken from the name before it); a
    span overlapping a kept one for the same entity goes, and so does one overlapping a better-scoring
    span of another entity. A kept span then widens over the legal forms next to it that change nothing
    ("Tencent Holdings Ltd") where that overlaps no other kept span. Kept spans are filed by stretch of
    text, so a document with thousands of hits is not compared with all of them each time."""
    kept: list[Found] = []
    buckets: dict[int, list[Found]] = {}

    def near(s: int, e: int) -> list[Found]:
        return [k for b in range(s // _BUCKET, e // _BUCKET + 1) for k in buckets.get(b, ())]

    for hit in sorted(found, key=lambda f: (-f.score, -f.paired, f.end - f.start, f.start)):
        s, e, entity = hit.start, hit.end, hit.entity_id
        others = near(s, e)
        if any(k.entity_id == entity and s < k.end and k.start < e for k in others):
            continue
        if any(s < k.end and k.start < e and hit.score < k.score for k in others if k.entity_id != entity):
            continue
        kept.append(hit)
        for b in range(s // _BUCKET, e // _BUCKET + 1):
            buckets.setdefault(b, []).append(hit)
    out: list[tuple[int, Match]] = []
    for hit in kept:
        s, e = hit.start, hit.end
        ws, we = hit.wide_start, hit.wide_end
        if (ws, we) != (s, e) and any(
            k is not hit and ws < k.end and k.start < we and not (s < k.end and k.start < e)
            for k in near(ws, we)
        ):
            ws, we = s, e  # widening would reach into another hit
        out.append((ws, hit.of(text, ws, we)))
    return [m for _, m in sorted(out, key=lambda o: o[0])]
