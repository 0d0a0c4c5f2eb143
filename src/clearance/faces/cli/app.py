"""The `clearance` command: a thin face over the engine and the other faces.

Exit codes of the screening commands: 0 when everything is clear, 1 when anything needs review or is
blocked, 2 on a usage or input error. Other commands: 0 on success, 2 on error.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from clearance.errors import ClearanceError
from clearance.faces.cli import batch, screening
from clearance.faces.cli.lists import app as lists_app
from clearance.settings import home
from clearance.version import __version__

app = typer.Typer(
    name="clearance",
    help=(
        "Screen parties, apps and free text against legal restrictions as of a date, with reasons.\n\n"
        'Start with:  clearance screen "Tencent Holdings" --as-of 2021-03-01\n\n'
        "Exit codes of screening commands: 0 clear, 1 review or block, 2 usage or input error. "
        f"Your own data (lists, keys, the case store) lives under CLEARANCE_HOME (now: {home()})."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(screening.screen)
app.command()(screening.measures)
app.command()(screening.entity)
app.command()(screening.compare)
app.command()(batch.batch)
app.add_typer(lists_app, name="lists")


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"clearance {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    pass


def main() -> None:
    try:
        app()
    except ClearanceError as exc:  # a last net: no traceback for an error we raised on purpose
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
