"""`clearance report blocked|rejected CASE_ID` (the OFAC reports of a closed true-match case,
`store.reports`) and `clearance purge --before YYYY-MM-DD` (record retention, `store.retention`).

Both exit 0 on success and 2 on an error, with one line on standard error (a case not closed as a true
match, a date inside the retention period, an unknown format). The acting user, as the audit log records
it, is `--user`, CLEARANCE_USER, else the login name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from clearance.errors import ClearanceError
from clearance.faces.cli import common
from clearance.faces.cli.common import AsJson
from clearance.store import Store
from clearance.store.report_render import FORMATS, render
from clearance.store.reports import blocked_report, rejected_report
from clearance.store.retention import purge as purge_store

report_app = typer.Typer(
    help="OFAC reports of a case closed as a true match: `blocked` (31 CFR 501.603, blocked property) and "
    "`rejected` (31 CFR 501.604, rejected transaction), one line per field of the regulation, each "
    "filled from the case store or saying why not.",
    no_args_is_help=True,
)

CaseId = Annotated[
    int, typer.Argument(min=1, max=2**62, help="The case's number, as `clearance cases list` shows it.")
]
Format = Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="A file; default standard output.")]


def _filer_option(key: str, what: str) -> Any:
    return typer.Option(
        f"--filer-{key}", envvar=f"CLEARANCE_FILER_{key.upper()}", help=f"The filer's {what}."
    )


FilerName = Annotated[str | None, _filer_option("name", "name (e.g. the bank)")]
FilerAddress = Annotated[str | None, _filer_option("address", "address")]
FilerContact = Annotated[str | None, _filer_option("contact", "contact person")]
FilerPhone = Annotated[str | None, _filer_option("phone", "contact's phone number")]
FilerEmail = Annotated[str | None, _filer_option("email", "contact's email (501.603 asks for it)")]


def _write(report: dict[str, Any], fmt: str, output: Path | None) -> None:
    text = render(report, fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8", newline="")
    typer.echo(
        f"case {report['case']['id']}: {report['filled']} of {report['filled'] + report['unfilled']} fields "
        f"filled from the store; due by {report['due_by']}"
        + (f"; written to {output}" if output else "")
        + "".join(f"\nwarning: {w}" for w in report["warnings"]),
        err=True,
    )


ReportMaker = Callable[..., dict[str, Any]]


def _command(make: ReportMaker, what: str) -> Callable[..., None]:
    """The command that writes one kind of report (`store.reports`): the same options for both."""

    def command(
        case_id: CaseId,
        fmt: Format = "text",
        output: Output = None,
        filer_name: FilerName = None,
        filer_address: FilerAddress = None,
        filer_contact: FilerContact = None,
        filer_phone: FilerPhone = None,
        filer_email: FilerEmail = None,
        user: common.User = None,
        key: common.Key = None,
    ) -> None:
        if fmt not in FORMATS:
            common.fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        filer = {
            "name": filer_name, "address": filer_address, "contact": filer_contact, "phone": filer_phone,
            "email": filer_email,
        }  # fmt: skip
        given = {k: v for k, v in filer.items() if v}
        try:
            report = make(Store.open(), case_id, filer=given, user=common.acting(user, key))
        except ClearanceError as exc:
            common.fail(str(exc))
        _write(report, fmt, output)

    command.__doc__ = (
        f"The {what} of a case closed as a true match.\n\n    Due 10 business days after the approval "
        "that closed the case (counted Monday to Friday: federal\n    holidays are not counted out)."
    )
    return command


report_app.command("blocked")(_command(blocked_report, "blocked property report (31 CFR 501.603)"))
report_app.command("rejected")(_command(rejected_report, "rejected transaction report (31 CFR 501.604)"))


def purge(
    before: Annotated[
        str,
        typer.Option("--before", help="Delete what is older than this day, YYYY-MM-DD.", show_default=False),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would go; delete nothing.")] = False,
    as_json: AsJson = False,
    user: common.User = None,
    key: common.Key = None,
) -> None:
    """Delete records older than --before, outside the retention period (31 CFR 501.601).

    Deletes decisions, closed cases and their alerts, and parties left with nothing. Refused, deleting
    nothing, when --before is within the retention period (at least 10 years; CLEARANCE_RETENTION_YEARS
    may raise it). Open cases, cases closed as a true match, the decisions they hold and the audit log
    are never deleted."""
    try:
        day = date.fromisoformat(before.strip())
    except ValueError:
        common.fail(f"--before must be a date, YYYY-MM-DD, not {before!r}")
    try:
        done = purge_store(Store.open(), before=day, user=common.acting(user, key), dry_run=dry_run)
    except ClearanceError as exc:
        common.fail(str(exc))
    if as_json:
        common.dump(done)
        return
    counts = ", ".join(f"{n:,} {what}" for what, n in done["deleted"].items())
    kept = done["kept"]
    typer.echo(f"{'would delete' if dry_run else 'deleted'}: {counts} (older than {done['before']})")
    typer.echo(
        f"kept, though older: {kept['decisions']:,} decisions held by {kept['open_cases']:,} open cases, "
        f"{kept['true_match_cases']:,} true-match cases and {kept['other_cases']:,} other cases"
    )
