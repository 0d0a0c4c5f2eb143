"""`clearance lists ...`: import, update, show, verify and compare the watchlists screening uses.

Exit codes: 0 on success (an import that kept the good rows of a file with some broken ones is a
success: each broken row is named on standard error); 2 when a file cannot be read, is of no known
format, is cut short or damaged, loses more than the allowed share of its rows, would shrink its list by
more than the allowed share, or a download fails (nothing is replaced then), on a usage error, and when
the home is damaged. `lists verify` exits 0 when every snapshot is intact and 1 naming the first that is
not, like `audit verify`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from clearance.datasets.lists.checks import DEFAULT_MAX_LOSS, DEFAULT_MAX_SHRINK, share
from clearance.datasets.lists.updates import Imported
from clearance.errors import ClearanceError, DataError
from clearance.faces.cli.common import user_of
from clearance.settings import home
from clearance.store import Store

app = typer.Typer(
    help="Watchlists: import files, download the official ones, see what is active, compare versions.",
    no_args_is_help=True,
)

MaxLoss = Annotated[
    str,
    typer.Option(
        "--max-loss",
        envvar="CLEARANCE_MAX_LOSS",
        metavar="SHARE",
        help="Largest share (0 to 1) of a file's rows that may be unreadable before the import fails as a "
        "whole.",
    ),
]
MaxShrink = Annotated[
    str,
    typer.Option(
        "--max-shrink",
        envvar="CLEARANCE_MAX_SHRINK",
        metavar="SHARE",
        help="Largest share (0 to 1) of its entries a source may lose against its active snapshot before "
        "the import is refused.",
    ),
]
AllowShrink = Annotated[
    bool,
    typer.Option(
        "--allow-shrink", help="Import even when a list shrinks by more than --max-shrink (it really shrank)."
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)


def _limits(max_loss: str, max_shrink: str) -> tuple[float, float]:
    """The loss and shrink limits, or a usage error (exit 2) when either is not a number from 0 to 1."""
    try:
        return (
            share(max_loss, "--max-loss (CLEARANCE_MAX_LOSS)"),
            share(max_shrink, "--max-shrink (CLEARANCE_MAX_SHRINK)"),
        )
    except ClearanceError as exc:
        _fail(str(exc))


def _audit(imported: list[Imported], action: str) -> None:
    """One audit record per source imported (the case store's log: who, which snapshot, its counts)."""
    store = Store.open()
    for item in imported:
        snap = item.snapshot
        store.log(
            actor=user_of(None),
            action=action,
            subject=f"list {snap.source}",
            detail={
                "snapshot": snap.id,
                "created": item.created,
                "entities": snap.entities,
                "rows": snap.rows,
                "bad_rows": item.data.bad_rows,
            },
        )


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
    max_loss: MaxLoss = str(DEFAULT_MAX_LOSS),
    max_shrink: MaxShrink = str(DEFAULT_MAX_SHRINK),
    allow_shrink: AllowShrink = False,
    as_json: AsJson = False,
) -> None:
    """Import list files as new active snapshots under CLEARANCE_HOME (the files are kept as they came).
    All or nothing: every list is checked (whole, readable, not shrunk) before any becomes active."""
    from clearance.datasets.lists.updates import import_files

    loss, shrink = _limits(max_loss, max_shrink)
    try:
        imported = import_files(
            paths, home(), fmt=fmt, max_loss=loss, max_shrink=shrink, allow_shrink=allow_shrink
        )
    except ClearanceError as exc:
        _fail(str(exc))
    _report(imported, as_json=as_json)
    _audit(imported, "list_imported")


@app.command()
def update(
    sources: Annotated[list[str] | None, typer.Argument(help="Sources to update (default: all).")] = None,
    max_loss: MaxLoss = str(DEFAULT_MAX_LOSS),
    max_shrink: MaxShrink = str(DEFAULT_MAX_SHRINK),
    allow_shrink: AllowShrink = False,
    as_json: AsJson = False,
) -> None:
    """Download the official list files (URLs configurable with CLEARANCE_SOURCE_<NAME>_URL), check that
    they arrived whole, and make each a new snapshot; a failed source keeps its previous snapshot."""
    from clearance.datasets.lists.updates import UpdateFailed
    from clearance.datasets.lists.updates import update as run_update

    loss, shrink = _limits(max_loss, max_shrink)
    try:
        imported = run_update(
            sources or [], home(), max_loss=loss, max_shrink=shrink, allow_shrink=allow_shrink
        )
    except UpdateFailed as exc:
        _report(exc.done, as_json=as_json)
        _audit(exc.done, "list_updated")
        for failure in exc.failures:
            typer.echo(f"error: {' '.join(failure.split())}", err=True)
        raise typer.Exit(2) from None
    except ClearanceError as exc:
        _fail(str(exc))
    _report(imported, as_json=as_json)
    _audit(imported, "list_updated")


@app.command()
def show(
    all_: Annotated[bool, typer.Option("--all", help="Also the older snapshots kept for audit.")] = False,
    as_json: AsJson = False,
) -> None:
    """The snapshots screening uses: source, version, when and where from, content hash, counts."""
    from clearance.datasets.lists.download import SOURCES
    from clearance.datasets.lists.snapshots import active, history

    try:
        snaps = history(home()) if all_ else active(home())
    except ClearanceError as exc:
        _fail(str(exc))
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
    from clearance.datasets.lists.updates import diff as run_diff
    from clearance.datasets.lists.updates import load_ref

    try:
        result = run_diff(load_ref(home(), old), load_ref(home(), new))
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


@app.command()
def verify() -> None:
    """Check every snapshot under CLEARANCE_HOME that is or was active against its manifest, by the
    SHA-256 of each file (screening checks only sizes and times, and hashes a file when they differ).

    Exit 0 when all are intact; 1 when one is not (edited, emptied, missing, or its manifest or ACTIVE
    damaged), naming the first."""
    from clearance.datasets.lists.updates import verify_home

    try:
        checked = verify_home(home())
    except DataError as exc:
        typer.echo(f"damaged: {' '.join(str(exc).split())}", err=True)
        raise typer.Exit(1) from None
    except ClearanceError as exc:
        _fail(str(exc))
    typer.echo(f"{checked} snapshots under {home()}: intact (every file's SHA-256 matches its manifest)")
