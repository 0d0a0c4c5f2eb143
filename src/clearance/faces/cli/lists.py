"""`clearance lists ...`: import, update, show and compare the watchlists screening uses.

Exit codes: 0 on success (an import that kept the good rows of a file with some broken ones is a
success: each broken row is named on standard error); 2 when a file cannot be read, is of no known
format, or loses more than the allowed share of its rows, or a download fails. Nothing is replaced then.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from clearance.datasets.lists.updates import Imported
from clearance.errors import ClearanceError
from clearance.settings import home

app = typer.Typer(
    help="Watchlists: import files, download the official ones, see what is active, compare versions.",
    no_args_is_help=True,
)

MaxLoss = Annotated[
    float,
    typer.Option(
        "--max-loss",
        envvar="CLEARANCE_MAX_LOSS",
        help="Largest share of a file's rows that may be unreadable before the import fails as a whole.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _report(imported: list[Imported], *, as_json: bool) -> None:
    docs = []
    for item in imported:
        for problem in item.data.problems:
            typer.echo(f"warning: {problem}", err=True)
        snap = item.snapshot
        docs.append({**asdict(snap), "created": item.created, "bad_rows": item.data.bad_rows})
        if not as_json:
            state = "new snapshot" if item.created else "unchanged"
            typer.echo(
                f"{snap.source}: {snap.entities:,} entries, {snap.names:,} names from {snap.rows:,} rows "
                f"({item.data.bad_rows} unreadable, {snap.problems} problems); {state} {snap.id}"
            )
    if as_json:
        typer.echo(json.dumps({"imported": docs}, indent=2))


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="List files or folders, in any supported format.")],
    fmt: Annotated[
        str, typer.Option("--format", help="auto (detect from content) or a format name.")
    ] = "auto",
    max_loss: MaxLoss = 0.05,
    as_json: AsJson = False,
) -> None:
    """Import list files as new active snapshots under CLEARANCE_HOME (the files are kept as they came)."""
    from clearance.datasets.lists.updates import import_files

    try:
        imported = import_files(paths, home(), fmt, max_loss)
    except ClearanceError as exc:
        _fail(str(exc))
    _report(imported, as_json=as_json)


@app.command()
def update(
    sources: Annotated[list[str] | None, typer.Argument(help="Sources to update (default: all).")] = None,
    max_loss: MaxLoss = 0.05,
    as_json: AsJson = False,
) -> None:
    """Download the official list files (URLs configurable with CLEARANCE_SOURCE_<NAME>_URL), check that
    they arrived whole, and make each a new snapshot; a failed source keeps its previous snapshot."""
    from clearance.datasets.lists.updates import UpdateFailed
    from clearance.datasets.lists.updates import update as run_update

    try:
        imported = run_update(sources or [], home(), max_loss)
    except UpdateFailed as exc:
        _report(exc.done, as_json=as_json)
        for failure in exc.failures:
            typer.echo(f"error: {failure}", err=True)
        raise typer.Exit(2) from None
    except ClearanceError as exc:
        _fail(str(exc))
    _report(imported, as_json=as_json)


@app.command()
def show(
    all_: Annotated[bool, typer.Option("--all", help="Also the older snapshots kept for audit.")] = False,
    as_json: AsJson = False,
) -> None:
    """The snapshots screening uses: source, version, when and where from, content hash, counts."""
    from clearance.datasets.lists.download import SOURCES
    from clearance.datasets.lists.snapshots import active, history

    snaps = history(home()) if all_ else active(home())
    if as_json:
        typer.echo(json.dumps({"home": str(home()), "snapshots": [asdict(s) for s in snaps]}, indent=2))
        return
    if not snaps:
        typer.echo(
            f"no snapshots under {home()}: import files with 'clearance lists import PATH' or "
            f"download with 'clearance lists update' ({', '.join(SOURCES)})"
        )
        return
    for s in snaps:
        typer.echo(
            f"{s.source}/{s.id}  {s.format}  {s.entities:,} entries  {s.names:,} names  "
            f"retrieved {s.retrieved_at} from {s.origin}  sha256 {s.sha256[:16]}"
        )


@app.command()
def diff(
    old: Annotated[
        str, typer.Argument(help="A snapshot (source/id, an id, or a source for its active one) or a file.")
    ],
    new: Annotated[str, typer.Argument(help="The same, to compare against OLD.")],
    as_json: AsJson = False,
) -> None:
    """Entries added, removed and changed between two versions of a list, by list."""
    from clearance.datasets.lists.reading import read
    from clearance.datasets.lists.snapshots import find
    from clearance.datasets.lists.updates import diff as run_diff

    def load(ref: str):  # type: ignore[no-untyped-def]
        snap = find(home(), ref)
        return read(snap.file_paths()[:1]) if snap else read([ref])

    try:
        result = run_diff(load(old), load(new))
    except ClearanceError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps({lid: asdict(d) for lid, d in result.items()}, indent=2))
        return
    if not result:
        typer.echo("no differences")
    for lid, d in result.items():
        typer.echo(f"{lid}: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed")
        for label, ids in (("+", d.added), ("-", d.removed), ("~", d.changed)):
            for eid in ids[:20]:
                typer.echo(f"  {label} {eid}")
            if len(ids) > 20:
                typer.echo(f"  {label} ... {len(ids) - 20} more")
