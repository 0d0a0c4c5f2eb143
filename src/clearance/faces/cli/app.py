"""The `clearance` command: a thin face over the engine and the other faces.

Exit codes of the screening commands: 0 when everything is clear, 1 when anything needs review or is
blocked, 2 on a usage or input error, 3 on a fault of our own. Other commands: 0 on success, 2 on error,
3 on a fault of our own.

Every error is one line on standard error, whichever command raised it (`Guarded`, the group all
commands run in, so that it holds for `typer.testing.CliRunner` on `app` as for the installed script):

* a `ClearanceError` (bad input, unreadable data) the command did not report itself: `error: <message>`,
  exit 2;
* standard output that cannot be written (a full disk, `> /dev/full`, a closed pipe as in `| head`): exit
  2, since the fault is where the output goes, not in the screening; the output is flushed before the
  command ends so that the error is seen here, not as a traceback when Python exits;
* any other exception is a bug of ours (../shared/CONVENTIONS.md, "Command line"): `error: internal error
  (<type>: <message>); run with --debug or CLEARANCE_DEBUG=1 for the traceback`, exit 3 (never 1, which
  means "review"); with `--debug` (before or after the command's name) or `CLEARANCE_DEBUG=1`, the
  traceback is printed first.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from clearance.errors import ClearanceError
from clearance.faces.cli import batch, channels, screening
from clearance.faces.cli import serve as service
from clearance.faces.cli.audit import audit_app, rescreen
from clearance.faces.cli.casework import allow_app, cases_app
from clearance.faces.cli.common import one_line
from clearance.faces.cli.graph import app as graph_app
from clearance.faces.cli.keys import app as keys_app
from clearance.faces.cli.lists import app as lists_app
from clearance.faces.cli.store_reports import purge, report_app
from clearance.settings import home
from clearance.version import __version__

DEBUG_FLAG = "--debug"
DEBUG_ENV = "CLEARANCE_DEBUG"
INTERNAL_EXIT = 3  # a fault of our own
ERROR_EXIT = 2  # a usage or input error, or output that cannot be written


def _debugging(ctx: typer.Context) -> bool:
    if ctx.meta.get(DEBUG_FLAG):
        return True
    return os.environ.get(DEBUG_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _silence_stdout() -> None:
    """After a write error on standard output: point it at /dev/null, so that Python's last flush at
    exit does not fail again and print "Exception ignored ..." lines."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test runner's buffer)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


def _flush_stdout() -> None:
    stdout = sys.stdout
    if stdout is not None and not stdout.closed:
        stdout.flush()


class Guarded(TyperGroup):
    """The root group: commands run inside `invoke`, where every exception becomes one line and an exit
    code (see the module's docstring). `--debug` is taken wherever it stands before `--`."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        end = args.index("--") if "--" in args else len(args)
        if DEBUG_FLAG in args[:end]:
            ctx.meta[DEBUG_FLAG] = True
            args = [a for a in args[:end] if a != DEBUG_FLAG] + args[end:]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            try:
                return super().invoke(ctx)
            finally:
                _flush_stdout()  # a full disk or a closed pipe shows here, not at interpreter exit
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # an exit, or a usage error the framework reports itself (exit 2)
        except ClearanceError as exc:
            typer.echo(f"error: {one_line(str(exc))}", err=True)
            raise typer.Exit(ERROR_EXIT) from exc
        except OSError as exc:
            self._fail_on_os_error(ctx, exc)
        except Exception as exc:
            if _debugging(ctx):
                traceback.print_exc(file=sys.stderr)
            typer.echo(
                f"error: internal error ({type(exc).__name__}: {one_line(str(exc))}); "
                f"run with {DEBUG_FLAG} or {DEBUG_ENV}=1 for the traceback",
                err=True,
            )
            raise typer.Exit(INTERNAL_EXIT) from exc

    @staticmethod
    def _fail_on_os_error(ctx: typer.Context, exc: OSError) -> None:
        """An operating-system error: standard output that cannot be written, or a file the command
        could not read or write. Neither is a bug of ours: exit 2, one line."""
        if _debugging(ctx):
            traceback.print_exc(file=sys.stderr)
        stdout_broken = isinstance(exc, BrokenPipeError) or exc.filename is None
        if stdout_broken:
            _silence_stdout()
            what = "cannot write to standard output"
        else:
            what = f"cannot use {exc.filename}"
        reason = exc.strerror or type(exc).__name__
        with contextlib.suppress(OSError):  # standard error gone too: the exit code is all that is left
            typer.echo(f"error: {what}: {reason}", err=True)
        raise typer.Exit(ERROR_EXIT) from exc


app = typer.Typer(
    name="clearance",
    cls=Guarded,
    help=(
        "Screen parties, apps and free text against legal restrictions as of a date, with reasons.\n\n"
        'Start with:  clearance screen "Tencent Holdings" --as-of 2021-03-01\n\n'
        "Exit codes of screening commands: 0 clear, 1 review or block, 2 usage or input error, 3 a fault "
        "of ours (one line; the traceback with --debug or CLEARANCE_DEBUG=1). "
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
app.command()(channels.payments)
app.command()(channels.text)
app.command()(channels.apps)
app.command()(channels.portfolio)
app.add_typer(lists_app, name="lists")
app.add_typer(graph_app, name="graph")
app.command()(service.serve)
app.add_typer(keys_app, name="keys")
app.add_typer(cases_app, name="cases")
app.add_typer(allow_app, name="allowlist")
app.add_typer(audit_app, name="audit")
app.command()(rescreen)
app.add_typer(report_app, name="report")
app.command()(purge)


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
    debug: Annotated[
        bool,
        typer.Option(
            DEBUG_FLAG,
            help=f"On a fault of ours (exit 3), print the traceback too; also {DEBUG_ENV}=1, and also "
            "after the command's name.",
        ),
    ] = False,
) -> None:
    pass


def main() -> None:
    try:
        app()
    except ClearanceError as exc:  # a last net: no traceback for an error we raised on purpose
        typer.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(ERROR_EXIT)
