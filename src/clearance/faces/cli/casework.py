"""`clearance cases` and `clearance allowlist`: an analyst's work on the alerts recorded screenings
opened (`--record` on screen, batch and the channels; always in the service)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from clearance.faces.cli import common
from clearance.faces.cli.common import AsJson
from clearance.store import Store
from clearance.store import allowlist as allow
from clearance.store import cases as casebook
from clearance.store.enums import CaseStatus, Disposition

cases_app = typer.Typer(
    help="Alerts grouped in cases per party: list, show, dispose, approve (four eyes).\n\n"
    "A false positive with no blocking alert closes its case; a true match, or any case with a "
    "blocking alert, waits for a second analyst: `clearance cases approve ID --user <another user>`.",
    no_args_is_help=True,
)
allow_app = typer.Typer(
    help="Allowlist entries: this party is not that listed entity, for a while. An entry covers the "
    "same party, listed entity and names only, and lapses when the entity's listing changes.",
    no_args_is_help=True,
)

CaseId = Annotated[
    int, typer.Argument(min=1, max=2**62, help="A case's number, as `clearance cases list` shows it.")
]
EntryId = Annotated[
    int, typer.Argument(min=1, max=2**62, help="The entry's number, as `allowlist list` shows it.")
]
Reason = Annotated[str, typer.Option("--reason", help="Why: kept in the case and the audit log.")]


@cases_app.command("list")
def list_cases(
    status: Annotated[
        str | None,
        typer.Option(help=f"Only cases in this status: {', '.join(CaseStatus)}. Default: not closed."),
    ] = None,
    decision: Annotated[
        str | None, typer.Option(help="Only cases with an alert of this decision: review or block.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The alert queue: cases not closed (or of one status), newest first."""
    if status is not None and status not in set(CaseStatus):
        common.fail(f"unknown status '{status}': use one of {', '.join(CaseStatus)}")
    if decision is not None and decision not in ("review", "block"):
        common.fail(f"unknown decision '{decision}': use review or block")
    rows = casebook.queue(Store.open(), status=status, decision=decision)
    if as_json:
        common.dump({"cases": rows})
        return
    if not rows:
        typer.echo("no cases")
    for row in rows:
        typer.echo(
            f"case {row['id']:>5}  {row['status']:<17} {row['alerts']} alerts ({row['blocks']} block)  "
            f"{row['party']}"
        )


@cases_app.command("show")
def show_case(case_id: CaseId, as_json: AsJson = False) -> None:
    """A case: its party, each alert's hit (names, score, measures), and its trail in the audit log."""
    doc = casebook.case_detail(Store.open(), case_id)
    if as_json:
        common.dump(doc)
        return
    typer.echo(f"case {doc['id']}: {doc['status']}  party {doc['party']['name']!r} ({doc['party']['key']})")
    if doc.get("disposition"):
        typer.echo(f"  disposition: {doc['disposition']} by {doc['proposed_by']}: {doc['reason']}")
    for alert in doc["alerts"]:
        hit: dict[str, Any] = alert["hit"]
        measures = ", ".join(
            f"{m.get('short') or m['id']} {m.get('state', '')}" for m in hit.get("measures", [])
        )
        typer.echo(
            f"  alert {alert['id']} [{alert['status']}] {alert['decision']}: {alert['query_name']!r} ~ "
            f"{alert['matched_name']!r} ({hit.get('name', '')}, {alert['entity_id']}) "
            f"score {alert['score']:.2f}"
        )
        if measures:
            typer.echo(f"      measures: {measures}")
        for step in hit.get("path", []) or []:
            typer.echo(f"      path: {json.dumps(step, ensure_ascii=False)}")
    for record in doc["trail"]:
        typer.echo(
            f"  #{record['seq']} {record['at']} {record['actor']}: {record['action']} {record['detail']}"
        )


@cases_app.command("dispose")
def dispose(
    case_id: CaseId,
    disposition: Annotated[Disposition, typer.Option("--as", help="true_match, false_positive or escalate.")],
    reason: Reason,
    user: common.User = None,
    key: common.Key = None,
) -> None:
    """Dispose a case. A true match, or a case with a blocking alert, then waits for a second analyst."""
    status = casebook.dispose(
        Store.open(), case_id, user=common.acting(user, key), disposition=disposition, reason=reason
    )
    typer.echo(f"case {case_id}: {status}")


@cases_app.command("approve")
def approve(case_id: CaseId, user: common.User = None, reason: Reason = "", key: common.Key = None) -> None:
    """Approve another analyst's disposition: the case closes (four eyes: not your own)."""
    casebook.approve(Store.open(), case_id, user=common.acting(user, key), reason=reason)
    typer.echo(f"case {case_id}: closed")


@cases_app.command("send-back")
def send_back(case_id: CaseId, reason: Reason, user: common.User = None, key: common.Key = None) -> None:
    """Refuse another analyst's disposition: the case is open again."""
    casebook.send_back(Store.open(), case_id, user=common.acting(user, key), reason=reason)
    typer.echo(f"case {case_id}: open")


@allow_app.command("add")
def add(
    alert: Annotated[
        int, typer.Option("--alert", min=1, max=2**62, help="The alert whose pair is not a match.")
    ],
    reason: Reason,
    expires: Annotated[
        str | None,
        typer.Option(help="YYYY-MM-DD, after today and within 3 years; default a year from today."),
    ] = None,
    user: common.User = None,
    key: common.Key = None,
) -> None:
    """Allowlist the pair of an alert (party, listed entity, both names, the listing as it is now)."""
    try:
        day = date.fromisoformat(expires) if expires else None
    except ValueError:
        common.fail(f"--expires must be YYYY-MM-DD, not {expires!r}")
    store = Store.open()
    entry = allow.add_from_alert(store, alert, author=common.acting(user, key), reason=reason, expires=day)
    waiting = next(r for r in allow.entries(store) if r["id"] == entry)["approved_at"] is None
    typer.echo(
        f"allowlist entry {entry}"
        + (
            ": the alert blocks, so it waits for another user's approval "
            f"(clearance allowlist approve {entry})"
            if waiting
            else ""
        )
    )


@allow_app.command("approve")
def approve_entry(entry: EntryId, user: common.User = None, key: common.Key = None) -> None:
    """Approve another user's entry on a blocking alert: it takes effect now (four eyes)."""
    allow.approve(Store.open(), entry, user=common.acting(user, key))
    typer.echo(f"allowlist entry {entry}: in effect")


@allow_app.command("list")
def list_entries(
    live: Annotated[bool, typer.Option("--live", help="Only entries in force now.")] = False,
    as_json: AsJson = False,
) -> None:
    """Allowlist entries, newest first."""
    rows = allow.entries(Store.open(), live_only=live)
    if as_json:
        common.dump({"entries": rows})
        return
    for row in rows:
        state = "revoked" if row["revoked_at"] else f"until {row['expires_at'][:10]}"
        typer.echo(
            f"{row['id']:>5} {row['party_key']} is not {row['entity_id']} ({row['matched_name']!r}) "
            f"{state} by {row['author']}: {row['reason']}"
        )


@allow_app.command("revoke")
def revoke(
    entry: Annotated[int, typer.Argument(help="The entry's number.")],
    reason: Reason,
    user: common.User = None,
    key: common.Key = None,
) -> None:
    """End an allowlist entry now."""
    allow.revoke(Store.open(), entry, user=common.acting(user, key), reason=reason)
    typer.echo(f"allowlist entry {entry}: revoked")
