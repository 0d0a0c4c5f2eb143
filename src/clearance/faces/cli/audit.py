"""`clearance audit verify|export` and `clearance rescreen`."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clearance.faces.cli import common
from clearance.faces.cli.common import AsJson
from clearance.faces.service.keys import KeyStore
from clearance.screening.validate import day_of, parse_as_of
from clearance.settings import home
from clearance.store import Store
from clearance.store.rescreen import rescreen as rescreen_parties

audit_app = typer.Typer(
    help="The audit log: every decision, disposition, allowlist change, list import, key and login, "
    "numbered and chained by keyed hashes.",
    no_args_is_help=True,
)


@audit_app.command("verify")
def verify(
    as_json: AsJson = False,
    checkpoint: Annotated[
        str | None,
        typer.Option(
            help="SEQ:MAC as `clearance audit checkpoint` printed it earlier and you kept elsewhere: the "
            "log must still hold that record, as it was.",
        ),
    ] = None,
) -> None:
    """Check the whole chain, then the tables against it. Exit 0 when intact; 1 when a record was edited,
    removed (the first and the last included), inserted or reordered, or a decision, case, alert or
    allowlist row no longer says what the log recorded, naming the first that fails; 2 on an error."""
    mark = None
    if checkpoint is not None:
        seq, _, mac = checkpoint.partition(":")
        if not seq.isdigit() or len(mac) != 64:
            common.fail(
                f"--checkpoint must be SEQ:MAC as `clearance audit checkpoint` prints it, not {checkpoint!r}"
            )
        mark = (int(seq), mac)
    store = Store.open()
    verdict = store.verify(checkpoint=mark)
    if verdict.ok:
        planted = _keys_without_record(store)
        if planted:
            verdict = replace(verdict, ok=False, problem=planted)
    if as_json:
        common.dump(verdict.to_dict())
    elif verdict.ok:
        typer.echo(f"intact: {verdict.records:,} records, head at {verdict.head:,}")
    else:
        where = f" (first failing record: {verdict.failed_at})" if verdict.failed_at is not None else ""
        typer.echo(f"tampered: {verdict.problem}{where}")
    raise typer.Exit(0 if verdict.ok else 1)


@audit_app.command("checkpoint")
def checkpoint_() -> None:
    """Print the newest record as SEQ:MAC, to keep somewhere clearance cannot write (a ticket, a mail to
    the compliance officer): `audit verify --checkpoint SEQ:MAC` then proves that nothing up to it was
    rewritten, even by someone who holds the audit key."""
    seq, mac = Store.open().checkpoint()
    typer.echo(f"{seq}:{mac}")


@audit_app.command("export")
def export(
    since: Annotated[str | None, typer.Option("--from", help="From this date or ISO time (UTC).")] = None,
    until: Annotated[
        str | None, typer.Option("--to", help="Up to this date (the whole day) or ISO time.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or json (JSON lines).")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="A file; default standard output.")
    ] = None,
) -> None:
    """The audit records written between two dates, with their seq, MAC and previous MAC, so that the
    chain can be checked outside clearance too."""
    if fmt not in ("csv", "json"):
        common.fail(f"--format must be csv or json, not {fmt!r}")
    records = Store.open().audit_records(since=_utc(since, "--from"), until=_utc(until, "--to", end=True))
    out = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        if fmt == "json":
            for record in records:
                out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(out)
            writer.writerow(["seq", "at", "actor", "action", "subject", "detail", "prev", "mac"])
            for r in records:
                writer.writerow([r.seq, r.at, r.actor, r.action, r.subject, r.detail, r.prev, r.mac])
    finally:
        if output:
            out.close()
    typer.echo(f"{len(records):,} records", err=True)


def rescreen(
    full: Annotated[
        bool, typer.Option("--full", help="Screen against every listed entity, not the diff.")
    ] = False,
    as_of: common.AsOf = None,
    as_json: AsJson = False,
    user: common.User = None,
    lists_as_of: common.ListsAsOf = None,
) -> None:
    """Screen the stored parties again against what changed in the lists, the built-in data or the
    ownership graph since the last rescreen (new and changed entities only); new hits open alerts. The
    first rescreen of a store sets the starting point and screens nothing (unless --full)."""
    engine = common.engine(lists_as_of=lists_as_of)
    day = day_of(parse_as_of(as_of)) if as_of else None
    err = Console(stderr=True)
    summary = rescreen_parties(
        Store.open(),
        engine,
        actor=common.user_of(user),
        as_of=day,
        full=full,
        progress=lambda n: err.print(f"{n:,} parties", end="\r"),
    )
    if as_json:
        common.dump(summary)
        return
    e = summary["entities"]
    typer.echo(
        f"{summary['parties']:,} parties against {e['added']:,} new and {e['changed']:,} changed entities "
        f"({e['removed']:,} gone): {summary['alerts_opened']:,} alerts opened, {summary['suppressed']:,} "
        f"suppressed, {summary['already_open']:,} already open"
        + (" (first rescreen: starting point set)" if summary["first"] and not full else "")
    )


def _utc(value: str | None, option: str, *, end: bool = False) -> str | None:
    """A date (its start, or with `end` its last microsecond) or an ISO datetime with its zone, as the
    store's UTC text; exits 2 for anything else."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no time zone")
    except ValueError:
        common.fail(f"{option} must be YYYY-MM-DD or an ISO datetime with its zone, not {value!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _keys_without_record(store: Store) -> str:
    """A key of CLEARANCE_HOME/keys.json that the audit log did not see made (planted by editing the
    file), or one it saw revoked that is live again: the first such, said; "" when there is none."""
    made: dict[str, dict[str, str]] = {}
    revoked: set[str] = set()
    for record in store.audit_records():
        if record.action == "key_created":
            made[record.subject] = json.loads(record.detail)
        elif record.action == "key_revoked":
            revoked.add(record.subject)
    for key in KeyStore.under(home()).records():
        seen = made.get(f"key {key.id}")
        if seen is None or seen.get("user") != key.user or seen.get("role") != str(key.role):
            return f"key {key.id} of {key.user} ({key.role}) in keys.json was not made by `keys create`"
        if f"key {key.id}" in revoked and key.revoked is None:
            return f"key {key.id} of {key.user} was revoked, but keys.json has it live again"
    return ""
