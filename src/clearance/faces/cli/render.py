"""How the command line shows results, measures and entities as text (`--json` prints their documents).

User text and list data are never read as rich markup: a query, a list entry or a citation may hold
"[/]" or "[bold]" (rich would take the first for a closing tag and fail with a MarkupError, and the
second would change what is shown). Every line is built as a `rich.text.Text`, which rich prints as it
is, with styles given apart from the text, and printed with `markup=False`; table cells are `Text` too.
"""

from __future__ import annotations

import errno
import os
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from clearance.domain.enums import Decision
from clearance.screening.results import Hit, Result


class _Console(Console):
    """Rich's console, but a closed pipe on standard output is an error the command reports (one line,
    exit 2, `app.Guarded`), where rich would exit with 1, which means "review" in our exit codes."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


out = _Console(soft_wrap=False)
COLOURS = {Decision.CLEAR: "green", Decision.REVIEW: "yellow", Decision.BLOCK: "bold red"}


def line(*parts: str | tuple[str, str]) -> None:
    """Print one line of plain strings and (text, style) pairs, none of them read as markup."""
    out.print(Text.assemble(*parts), markup=False, highlight=False)


def print_result(result: Result) -> None:
    """The decision, then a table of hits with their measures on the date, then each hit's explanation."""
    line(
        (result.decision.upper(), COLOURS[result.decision]),
        f"  {result.query!r} ({result.kind}, activity {result.activity}, as of {result.as_of.isoformat()})",
    )
    given = result.evidence.to_dict()
    if result.evidence:
        shown = [f"born {given['birth_date']}"] if given["birth_date"] else []
        shown += [f"country {c}" for c in given["countries"]] + [f"id {i}" for i in given["identifiers"]]
        line("  with " + ", ".join(shown))
    if not result.hits:
        line("  no listed name or identifier matches")
        return
    table = Table(show_lines=True)
    for col in ("decision", "entity", "matched", "score", "measures on the date"):
        table.add_column(col, overflow="fold")
    for hit in result.hits:
        measures = "\n".join(f"{f.state.measure.short}: {f.state.state} -> {f.effect}" for f in hit.findings)
        path = " > ".join(f"{s['relation']} {s['to_name']}" for s in hit.path)
        entity = hit.entity.name + (f"\n({path})" if path else "")
        count = len(hit.occurrences)
        table.add_row(
            Text(str(hit.decision)),
            Text(entity),
            Text(hit.matched_name + (f"\n({count} places)" if count > 1 else "")),
            Text(f"{hit.score:.2f}"),
            Text(measures or ", ".join(hit.list_names)),
        )
    out.print(table)
    for hit in result.hits:
        line(f"- {hit.entity.name}: {hit.explanation}")
        if hit.span is not None:
            line("  " + where_named(hit))


SHOWN_PLACES = 5  # other occurrences of a text hit named one by one; beyond them, a count


def where_named(hit: Hit) -> str:
    """Where a text names the hit's entity: the occurrence it was decided on, then the others in text
    order ("at 12-24 'Mohammed Ali'; also at 32-44 'MOHAMMED ALI'"), the others past `SHOWN_PLACES`
    counted ("... and 7 more: 9 places in all")."""
    assert hit.span is not None
    start, end, text = hit.span
    said = f"at {start}-{end} {text!r}"
    others = [s for s in hit.occurrences if s != hit.span]
    if others:
        said += "; also at " + ", ".join(f"{s}-{e} {t!r}" for s, e, t in others[:SHOWN_PLACES])
    if len(others) > SHOWN_PLACES:
        said += f" and {len(others) - SHOWN_PLACES:,} more: {len(hit.occurrences):,} places in all"
    return said


def print_measures(docs: list[dict[str, Any]]) -> None:
    """Each measure document: its state, what it restricts, its title and its events."""
    for doc in docs:
        line(
            (str(doc["short"]), "bold"),
            f" ({doc['id']}): {doc['state']}  restricts {', '.join(doc['restricts']) or '-'}",
        )
        line(f"  {doc['title']}")
        for ev in doc["events"]:
            line(f"  {ev['at']:<25} {ev['type']:<18} {ev['citation'] or ''}")


def print_entity(doc: dict[str, Any]) -> None:
    """An entity document: its names, identifiers, dates and places of birth, nationalities, relations,
    measures and notes, one per line."""
    line((str(doc["name"]), "bold"), f" ({doc['id']}, {doc['kind']})")
    for key, label in (
        ("dates_of_birth", "date of birth"),
        ("places_of_birth", "place of birth"),
        ("nationalities", "nationality"),
    ):
        for value in doc.get(key, ()):
            line(f"  {label}: {value}")
    for key in ("names", "identifiers", "relations", "measures"):
        for item in doc[key]:
            line(f"  {key[:-1]}: " + ", ".join(f"{k}={v}" for k, v in item.items() if v))
    if doc["notes"]:
        line(f"  notes: {doc['notes']}")


# a relation read upward (from the lower party) and downward (from the upper one)
_TREE_WORDS = {
    "owns": ("owned{share} by", "owns{share}"),
    "controls": ("controlled by", "controls"),
    "develops": ("developed by", "develops"),
    "subsidiary_of": ("a subsidiary of", "parent of"),
    "feature_of": ("a feature of", "hosts the feature"),
    "linked_to": ("linked to", "linked to"),
}


def print_tree(graph: dict[str, Any]) -> None:
    """An entity's neighbourhood (`Engine.neighbourhood`) as a tree: who stands above it (owners,
    controllers, developers, parents), then what stands below it, each relation with its share."""
    nodes = {n["id"]: n for n in graph["nodes"]}

    def label(eid: str) -> str:
        node = nodes[eid]
        restricted = ", ".join(
            [*node["measures"], *(x for x in node["lists"] if x not in ("builtin", "registry"))]
        )
        return f"{node['name']} ({eid})" + (f" [{restricted}]" if restricted else "")

    def share(edge: dict[str, Any]) -> str:
        return f" {edge['share']:g}%" if edge.get("share") is not None else ""

    def walk(eid: str, up: bool, depth: int, seen: set[str]) -> None:
        for edge in graph["edges"]:
            near, far = (edge["to"], edge["from"]) if up else (edge["from"], edge["to"])
            if near != eid or far in seen:
                continue
            up_words, down_words = _TREE_WORDS.get(edge["relation"], (edge["relation"], edge["relation"]))
            words = (up_words if up else down_words).format(share=share(edge))
            line(f"{'    ' * depth}{'^' if up else 'v'} {words}: {label(far)}")
            walk(far, up, depth + 1, seen | {far})

    line(label(graph["root"]))
    walk(graph["root"], True, 1, {graph["root"]})
    walk(graph["root"], False, 1, {graph["root"]})
