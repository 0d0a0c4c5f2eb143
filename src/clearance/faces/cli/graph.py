"""`clearance graph ...`: import a registry of who owns, controls or develops whom; show and compare the
versions kept under CLEARANCE_HOME.

Exit codes: 0 on success (an import that kept the good rows of a file with some broken ones, or held
back rows whose party is pending confirmation, is a success: each is named on standard error with its
file and line); 2 when a file cannot be read, lacks a column, or loses more than `--max-loss` of its
rows (nothing is replaced then), on a usage error, and when the home is damaged.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from clearance.datasets import graph_store
from clearance.datasets.graph_store import Graph, Link, Party
from clearance.datasets.lists.checks import DEFAULT_MAX_LOSS, share
from clearance.datasets.registry import read_rows
from clearance.errors import ClearanceError, DataError
from clearance.faces.cli import common
from clearance.screening.engine import Engine
from clearance.screening.registry import Resolution, resolve
from clearance.settings import home
from clearance.store import Store

app = typer.Typer(
    help="Ownership and control: import your registry (parent,child,relation,share,source), so that "
    "screening follows it (OFAC's 50 Percent Rule, the subsidiaries and controllers an order reaches); "
    "show and compare the versions.",
    no_args_is_help=True,
)
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
SHRINK_KEEP = 0.9  # a replacing import must keep this share of the active graph's relations


class _Progress:
    """A progress bar on standard error for the parties of a big file (from 2,000 rows)."""

    def __init__(self, what: str, total: int) -> None:
        self.bar = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True))
        self.task = self.bar.add_task(what, total=total)
        self.shown = total >= 2000

    def __enter__(self) -> _Progress:
        if self.shown:
            self.bar.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self.shown:
            self.bar.stop()

    def advance(self, done: int) -> None:
        if self.shown:
            self.bar.update(self.task, completed=done)


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV files with the header parent,child,relation,share,source (and optionally start,end). "
            "A party is a name as your registry writes it, an entity id (ofac-30951), or new:Name for a "
            "party you know is no listed entity. relation: owns, controls, develops, subsidiary_of "
            "(the child is a subsidiary of the parent), linked_to; share: 0 to 100, '30' or '30%', "
            "only for owns, empty when unknown.",
            exists=False,
        ),
    ],
    add: Annotated[
        bool,
        typer.Option(
            "--add",
            help="Add to the active graph instead of replacing it (a relation imported again replaces the "
            "earlier one, said in a note when its share or source differs; the rows of these files still "
            "pending from an earlier import are dropped for the new ones).",
        ),
    ] = False,
    max_loss: Annotated[
        str,
        typer.Option(
            "--max-loss",
            envvar="CLEARANCE_MAX_LOSS",
            metavar="SHARE",
            help="Largest share (0 to 1) of the rows that may be broken or held back before the import "
            "fails as a whole.",
        ),
    ] = str(DEFAULT_MAX_LOSS),
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink",
            help="Replace the active graph even when the new one keeps less than 90% of its relations "
            "(without --add, an import replaces the whole graph).",
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Import an ownership registry: each party is resolved to a listed entity when the matcher finds it
    strongly, held back for you to confirm when it finds it only weakly, or kept as a new party that
    screening finds by its name from then on. Every later screening, batch and service call uses it.
    Without --add the import replaces the active graph, and refuses to drop more than a tenth of its
    relations unless --allow-shrink."""
    where = home()
    try:
        limit = share(max_loss, "--max-loss")
        engine = _engine(where, add=add)
        links: list[Link] = []
        parties: list[Party] = []
        held: list[tuple[str, int, str]] = []
        notes: list[str] = []
        waiting: list[str] = []
        broken = 0
        total = 0
        resolutions: list[Resolution] = []
        for path in files:
            read = read_rows(path)
            with _Progress(f"resolving {path.name}", len(read.rows)) as progress:
                resolved = resolve(engine, read.rows, file=path, progress=progress.advance)
            total += len(read.rows) + len(read.problems)
            broken += len(read.problems) + len(resolved.held)
            held.extend((str(path), problem.line or 0, problem.message) for problem in read.problems)
            held.extend((str(path), line, message) for line, message in resolved.held)
            waiting.extend(f"{path.name}:{line}: {message}" for line, message in resolved.held)
            notes.extend(str(note) for note in read.notes)
            notes.extend(f"{path}:{line}: {message}" for line, message in resolved.notes)
            links.extend(resolved.links)
            parties.extend(resolved.parties)
            resolutions.extend(resolved.resolutions)
        for note in notes:
            typer.echo(f"note: {common.one_line(note)}", err=True)
        for file, line, message in held:
            typer.echo(f"{file}:{line}: {common.one_line(message)}", err=True)
        if total == 0:
            common.fail("no relation in the files: nothing imported")
        if broken / total > limit:
            common.fail(
                f"{broken} of {total} rows are broken or held back, more than --max-loss {limit:g}: "
                "nothing imported, the active graph stays"
            )
        pending = tuple(waiting)
        replaced: list[str] = []
        with graph_store.locked(where):  # read, merge and replace under one lock: no import is lost
            before = _before(where, add=add)
            if add and before is not None:
                kept = {link.key: link for link in before.links}
                replaced = [
                    _replaces(kept[link.key], link) for link in links if _differs(kept.get(link.key), link)
                ]
                kept.update({link.key: link for link in links})
                links = list(kept.values())
                parties = list({p.id: p for p in (*before.parties, *parties)}.values())
                # a file imported again takes the place of its rows still pending from before
                names = {f"{path.name}:" for path in files}
                pending = (*(x for x in before.pending if not x.startswith(tuple(names))), *pending)
            elif before is not None and not allow_shrink and len(links) < SHRINK_KEEP * len(before.links):
                common.fail(
                    f"the new graph keeps {len(links)} relations where the active one has "
                    f"{len(before.links)}: nothing replaced (use --add to add to it, or --allow-shrink to "
                    "replace it)"
                )
            used = {x for link in links for x in (link.parent, link.child)}
            parties = list({p.id: p for p in parties if p.id in used}.values())
            graph = graph_store.new_graph(files=[str(p) for p in files], parties=parties, links=links)
            graph = replace(graph, pending=pending)
            graph_store.save(where, graph)
    except ClearanceError as exc:
        common.fail(str(exc))
    for note in replaced:
        typer.echo(f"note: {common.one_line(note)}", err=True)
    summary = {
        "version": graph.version,
        "relations": len(graph.links),
        "new_parties": len(graph.parties),
        "rows": total,
        "held_back": broken,
        "notes": len(notes),
        "replaced": len(replaced),
        "pending": len(graph.pending),
        "resolved": [
            {"party": r.cell, "entity": r.entity, "how": r.how, "candidates": [list(c) for c in r.candidates]}
            for r in resolutions
        ],
    }
    Store.open().log(
        actor=common.user_of(None),
        action="graph_imported",
        subject=f"graph {graph.version}",
        detail={k: summary[k] for k in ("relations", "new_parties", "rows", "held_back", "replaced")}
        | {"add": add},
    )
    if as_json:
        common.dump(summary)
        return
    matched = sum(1 for r in resolutions if r.how in ("id", "match"))
    typer.echo(
        f"graph {graph.version}: {len(graph.links)} relations, {matched} parties joined to listed or "
        f"built-in entities, {len(graph.parties)} new parties; {broken} of {total} rows held back"
        + (
            f"; {len(replaced)} relations of the active graph replaced with another share or source"
            if replaced
            else ""
        )
    )


def _engine(where: Path, *, add: bool) -> Engine:
    """The engine that resolves the parties. When the active graph cannot be read, an import without
    --add (which replaces it) resolves against the lists without it, as it always does: the graph's
    parties are never candidates."""
    try:
        return common.engine()
    except DataError:
        if add or _unreadable(where) is None:
            raise
    with graph_store.set_aside():
        return common.engine()


def _unreadable(where: Path) -> str | None:
    """Why the active graph cannot be read, or None."""
    try:
        graph_store.active(where)
    except DataError as exc:
        return str(exc)
    return None


def _before(where: Path, *, add: bool) -> Graph | None:
    """The active graph an import adds to or replaces. One that cannot be read (its activation log
    gone, a version not as imported) fails an import with --add, which needs it; an import without
    --add replaces it, as the error asks, and starts the log anew if it is gone."""
    try:
        return graph_store.active(where)
    except DataError as exc:
        if add:
            raise
        typer.echo(f"note: {common.one_line(str(exc))}: this import replaces it", err=True)
        return None


def _differs(old: Link | None, new: Link) -> bool:
    return old is not None and (old.share, old.source) != (new.share, new.source)


def _replaces(old: Link, new: Link) -> str:
    """What an --add import's row does to the relation of the active graph with its key."""

    def said(link: Link) -> str:
        return "share unknown" if link.share is None else f"{link.share:g}%"

    changes = []
    if old.share != new.share:
        changes.append(f"{said(old)} -> {said(new)}")
    if old.source != new.source:
        changes.append(f"source '{old.source}' -> '{new.source}'")
    return (
        f"{new.file}:{new.line} replaces the relation imported from {Path(old.file).name} line {old.line} "
        f"({'; '.join(changes)})"
    )


@app.command()
def show(
    version: Annotated[
        str | None, typer.Argument(help="A version id or its prefix; default: active.")
    ] = None,
    history: Annotated[bool, typer.Option("--history", help="List every version made active.")] = False,
    as_json: AsJson = False,
) -> None:
    """The active ownership graph (or one version): every relation with its share, source, file and
    line."""
    where = home()
    try:
        if history:
            log = graph_store.history(where)
            if as_json:
                common.dump({"history": log})
            for entry in [] if as_json else log:
                typer.echo(f"{entry['at']}  {entry['version']}")
            return
        graph = graph_store.version(where, version) if version else graph_store.active(where)
    except ClearanceError as exc:
        common.fail(str(exc))
    if graph is None:
        common.fail("no ownership graph imported (clearance graph import FILE)")
    if as_json:
        common.dump(graph.to_json())
        return
    typer.echo(f"graph {graph.version} ({len(graph.links)} relations, {len(graph.parties)} new parties)")
    for link in graph.links:
        typer.echo("  " + _line(link))
    if graph.pending:
        typer.echo(
            f"{len(graph.pending)} rows wait for you to confirm a party (their relations do not count yet):"
        )
    for waiting in graph.pending:
        typer.echo(f"  {common.one_line(waiting)}")


@app.command()
def diff(
    old: Annotated[
        str | None, typer.Argument(help="A version id or prefix; default: the one before.")
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="A version id or prefix; default: the active one.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """What changed between two versions of the graph: relations added, removed and changed (share,
    dates, source)."""
    where = home()
    try:
        log = graph_store.history(where)
        if len(log) < (0 if old else 2):
            common.fail("fewer than two versions imported: nothing to compare")
        before = graph_store.version(where, old or log[-2]["version"])
        after = graph_store.version(where, new) if new else graph_store.active(where)
    except ClearanceError as exc:
        common.fail(str(exc))
    if after is None:
        common.fail("no ownership graph imported")
    changes = _changes(before, after)
    if as_json:
        common.dump({"from": before.version, "to": after.version, **changes})
        return
    typer.echo(f"graph {before.version} -> {after.version}")
    for what, sign in (("added", "+"), ("removed", "-"), ("changed", "~")):
        for item in changes[what]:
            typer.echo(f"  {sign} {item['line']}")


def _changes(before: Graph, after: Graph) -> dict[str, list[dict[str, Any]]]:
    old = {link.key: link for link in before.links}
    new = {link.key: link for link in after.links}

    def same(a: Link, b: Link) -> bool:
        return (a.share, a.start, a.end, a.source) == (b.share, b.start, b.end, b.source)

    return {
        "added": [{"line": _line(new[k]), "link": _doc(new[k])} for k in new if k not in old],
        "removed": [{"line": _line(old[k]), "link": _doc(old[k])} for k in old if k not in new],
        "changed": [
            {"line": f"{_line(old[k])}  =>  {_line(new[k])}", "from": _doc(old[k]), "to": _doc(new[k])}
            for k in new
            if k in old and not same(old[k], new[k])
        ],
    }


def _doc(link: Link) -> dict[str, Any]:
    return {k: getattr(link, k) for k in link.__dataclass_fields__}


def _line(link: Link) -> str:
    """A relation as it reads: "PARENT owns 30% CHILD", "CHILD subsidiary_of PARENT"."""
    share = f" {link.share:g}%" if link.share is not None else ""
    dates = f" [{link.start or '…'} to {link.end or '…'}]" if link.start or link.end else ""
    parent, child = f"{link.parent_name} ({link.parent})", f"{link.child_name} ({link.child})"
    upper, lower = (child, parent) if link.relation == "subsidiary_of" else (parent, child)
    return (
        f"{upper} {link.relation}{share} {lower}{dates}"
        f" — {link.source or 'no source'} ({Path(link.file).name}:{link.line})"
    )
