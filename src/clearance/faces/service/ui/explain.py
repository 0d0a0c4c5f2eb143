"""What a hit shows on the case page, prepared for the templates: the two names word by word with the
words that differ marked, each measure with its timeline, and the ownership or control path laid out
as a small graph (boxes and arrows drawn as inline SVG by `case.html`, no library).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from clearance.domain.model import Measure
from clearance.errors import InputError
from clearance.screening.documents import measure_document
from clearance.screening.validate import parse_as_of


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a name as written, and whether the other name lacks it."""

    text: str
    differs: bool


def _key(word: str) -> str:
    """A word as two names are compared here: accents, case and punctuation set aside."""
    decomposed = unicodedata.normalize("NFKD", word)
    kept = (ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in "".join(kept).casefold() if ch.isalnum())


def _words(name: str) -> list[str]:
    return name.split()


def marked(name: str, other: str) -> list[Word]:
    """The words of `name`, each marked when `other` has no word like it (a word of punctuation alone,
    such as "-", is never marked)."""
    theirs = {_key(w) for w in _words(other)}
    return [Word(w, bool(_key(w)) and _key(w) not in theirs) for w in _words(name)]


def timeline(
    finding: Mapping[str, Any], measures: Mapping[str, Measure], as_of: str | date | datetime
) -> dict[str, Any]:
    """A hit's measure (its document in the hit) with the measure's events and its state on the
    screening's as-of date (`measure_document`); without the measure in the data loaded now, the
    hit's own account alone (`events` empty)."""
    measure = measures.get(str(finding.get("id", "")))
    events: list[dict[str, Any]] = []
    if measure is not None:
        try:
            moment = parse_as_of(as_of if isinstance(as_of, date) else str(as_of))
        except InputError:
            moment = None
        if moment is not None:
            events = measure_document(measure, moment)["events"]
    return {**finding, "events": events}


# The path graph: boxes in layers, the hit's entity on top, each step an arrow one layer down.
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 260, 40, 24, 56, 8
TEXT_UNITS = 34  # a box's label, in half-width character units (a CJK character counts two)


@dataclass
class Node:
    id: str
    name: str
    label: str
    layer: int = 0
    x: int = 0
    y: int = 0
    measure: bool = False  # the measure a path ends at, not an entity


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    label: str
    lx: int
    ly: int


@dataclass
class Graph:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    box_w: int = BOX_W
    box_h: int = BOX_H


def short(text: str, units: int = TEXT_UNITS) -> str:
    """`text` cut to `units` half-width units, with an ellipsis when cut."""
    out: list[str] = []
    used = 0
    for ch in text:
        width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + width > units - 1:
            return "".join(out) + "…"
        out.append(ch)
        used += width
    return text


def _edge_label(step: Mapping[str, Any]) -> str:
    relation = str(step.get("relation") or "related").replace("_", " ")
    share = str(step.get("share") or "")
    return f"{relation} {share}%" if share else relation


def path_graph(steps: Sequence[Mapping[str, Any]], root_id: str, root_name: str) -> Graph | None:
    """The path of a hit (`from`, `relation`, `to`, `to_name`, maybe `share`) as boxes and arrows:
    each entity once, in the layer of its first arrival from the hit's entity. None for no path."""
    if not steps:
        return None
    names = {root_id: root_name}
    for step in steps:
        names.setdefault(str(step["to"]), str(step.get("to_name") or step["to"]))
    nodes: dict[str, Node] = {}

    def node(eid: str, layer: int) -> Node:
        if eid not in nodes:
            name = names.get(eid, eid)
            nodes[eid] = Node(eid, name, short(name), layer)
        return nodes[eid]

    node(str(steps[0]["from"]), 0)
    pairs = []
    for step in steps:
        source = node(str(step["from"]), 0)
        target = node(str(step["to"]), source.layer + 1)
        target.measure = target.measure or step.get("relation") == "named_in"
        pairs.append((source, target, _edge_label(step)))
    layers: dict[int, list[Node]] = {}
    for n in nodes.values():
        layers.setdefault(n.layer, []).append(n)
    widest = max(len(ns) for ns in layers.values())
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    for layer, members in layers.items():
        row = len(members) * BOX_W + (len(members) - 1) * GAP_X
        left = (width - row) // 2
        for i, n in enumerate(members):
            n.x, n.y = left + i * (BOX_W + GAP_X), MARGIN + layer * (BOX_H + GAP_Y)
    edges = []
    for source, target, label in pairs:
        x1, y1 = source.x + BOX_W // 2, source.y + BOX_H
        x2, y2 = target.x + BOX_W // 2, target.y
        if target.layer <= source.layer:  # back up the graph: leave from the box's side
            x1, y1 = source.x + BOX_W, source.y + BOX_H // 2
        edges.append(Edge(x1, y1, x2, y2, label, (x1 + x2) // 2 + 6, (y1 + y2) // 2 + 4))
    height = MARGIN * 2 + (max(layers) + 1) * BOX_H + max(layers) * GAP_Y
    return Graph(width, height, list(nodes.values()), edges)


def alert_view(alert: Mapping[str, Any], measures: Mapping[str, Measure]) -> dict[str, Any]:
    """An alert of `case_detail` with what its section shows: the names marked, the measures with
    their timelines and the path's graph."""
    hit = alert["hit"]
    as_of = alert["screening"]["as_of"]
    query, matched = str(alert["query_name"]), str(hit.get("matched_name") or alert["matched_name"])
    return {
        **alert,
        "query_words": marked(query, matched),
        "matched_words": marked(matched, query),
        "measures": [timeline(m, measures, as_of) for m in hit.get("measures", ())],
        "graph": path_graph(hit.get("path") or (), str(hit["entity_id"]), str(hit.get("name", ""))),
    }


def relation_rows(neighbourhood: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The edges of `Engine.neighbourhood` with both ends' names, for the entity page."""
    names = {n["id"]: n["name"] for n in neighbourhood.get("nodes", ())}
    return [
        {**e, "from_name": names.get(e["from"], e["from"]), "to_name": names.get(e["to"], e["to"])}
        for e in neighbourhood.get("edges", ())
    ]
