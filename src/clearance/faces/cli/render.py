"""How the command line shows results, measures and entities as text (`--json` prints their documents)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from clearance.domain.enums import Decision
from clearance.screening.results import Result

out = Console(soft_wrap=False)
COLOURS = {Decision.CLEAR: "green", Decision.REVIEW: "yellow", Decision.BLOCK: "bold red"}


def print_result(result: Result) -> None:
    """The decision, then a table of hits with their measures on the date, then each hit's explanation."""
    out.print(
        f"[{COLOURS[result.decision]}]{result.decision.upper()}[/]  {result.query!r} ({result.kind}, "
        f"activity {result.activity}, as of {result.as_of.isoformat()})"
    )
    if not result.hits:
        out.print("  no listed name or identifier matches")
        return
    table = Table(show_lines=True)
    for col in ("decision", "entity", "matched", "score", "measures on the date"):
        table.add_column(col, overflow="fold")
    for hit in result.hits:
        measures = "\n".join(f"{f.state.measure.short}: {f.state.state} -> {f.effect}" for f in hit.findings)
        path = " > ".join(f"{s['relation']} {s['to_name']}" for s in hit.path)
        entity = hit.entity.name + (f"\n({path})" if path else "")
        table.add_row(
            hit.decision, entity, hit.matched_name, f"{hit.score:.2f}", measures or ", ".join(hit.list_names)
        )
    out.print(table)
    for hit in result.hits:
        out.print(f"- {hit.entity.name}: {hit.explanation}", highlight=False)


def print_measures(docs: list[dict[str, Any]]) -> None:
    """Each measure document: its state, what it restricts, its title and its events."""
    for doc in docs:
        out.print(
            f"[bold]{doc['short']}[/] ({doc['id']}): {doc['state']}  "
            f"restricts {', '.join(doc['restricts']) or '-'}"
        )
        out.print(f"  {doc['title']}", highlight=False)
        for ev in doc["events"]:
            out.print(f"  {ev['at']:<25} {ev['type']:<18} {ev['citation'] or ''}", highlight=False)


def print_entity(doc: dict[str, Any]) -> None:
    """An entity document: its names, identifiers, relations, measures and notes, one per line."""
    out.print(f"[bold]{doc['name']}[/] ({doc['id']}, {doc['kind']})")
    for key in ("names", "identifiers", "relations", "measures"):
        for item in doc[key]:
            out.print(
                f"  {key[:-1]}: " + ", ".join(f"{k}={v}" for k, v in item.items() if v), highlight=False
            )
    if doc["notes"]:
        out.print(f"  notes: {doc['notes']}", highlight=False)
