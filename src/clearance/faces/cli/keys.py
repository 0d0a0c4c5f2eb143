"""`clearance keys ...`: the API keys of the HTTP service (`clearance serve`).

A key is shown once, when it is made, and kept only as its SHA-256 in CLEARANCE_HOME/keys.json (mode
0600). Each key belongs to a named user and has a role: `analyst` (screen, search, read measures and
lists) or `admin` (also update the lists). Exit codes: 0 on success, 2 on error.
"""

from __future__ import annotations

import getpass
import json
import os
from typing import Annotated

import typer

from clearance.faces.service.keys import KeyStore, Role  # no web framework: a CLI call stays quick
from clearance.settings import home
from clearance.store import Store

app = typer.Typer(
    help="API keys for `clearance serve`: create (printed once), list, revoke. Keys live hashed in "
    "CLEARANCE_HOME/keys.json.",
    no_args_is_help=True,
)


def _store() -> KeyStore:
    return KeyStore.under(home())


def _actor() -> str:
    """Who makes or revokes a key, as the audit log records it: the user of CLEARANCE_KEY when it is a
    live key of this home, else the login name."""
    given = os.environ.get("CLEARANCE_KEY", "").strip()
    found = _store().find(given) if given else None
    return found.user if found is not None and found.revoked is None else getpass.getuser()


@app.command()
def create(
    role: Annotated[
        Role,
        typer.Option(
            case_sensitive=False,
            help="analyst: screen, search, read measures and lists. admin: also update the lists.",
        ),
    ],
    user: Annotated[
        str | None,
        typer.Option(help="Who the key is for (default: your login name). Four eyes means two users."),
    ] = None,
) -> None:
    """Make a new key and print it alone on the last line of standard output (the rest goes to standard
    error), so that  KEY=$(clearance keys create --role analyst | tail -1)  works. It is shown only now:
    keep it in a secret store. Send it as 'Authorization: Bearer <key>'."""
    owner = user if user is not None else getpass.getuser()
    record, key = _store().create(role, owner)
    Store.open().log(
        actor=_actor(),
        action="key_created",
        subject=f"key {record.id}",
        detail={"user": record.user, "role": str(record.role)},
    )
    typer.echo(
        f"created key {record.id} for {record.user} ({record.role}); it is shown only now, keep it "
        f"secret; revoke it with: clearance keys revoke {record.id}",
        err=True,
    )
    typer.echo(key)


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False) -> None:
    """Every key with its id, user, role, when it was created and revoked; never the key itself."""
    records = _store().records()
    if as_json:
        typer.echo(json.dumps({"keys": [r.public() for r in records]}, indent=2))
        return
    if not records:
        typer.echo(f"no keys under {home()}: make one with 'clearance keys create --role analyst'")
        return
    for r in records:
        state = f"revoked {r.revoked}" if r.revoked else "active"
        typer.echo(f"{r.id}  {r.user}  {r.role}  created {r.created}  {state}")


@app.command()
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id, as `keys list` shows it.")]) -> None:
    """Revoke a key: the service refuses it from its next request on (no restart needed)."""
    record = _store().revoke(key_id)  # an unknown id: InputError, one line and exit 2 (cli.app.Guarded)
    Store.open().log(
        actor=_actor(),
        action="key_revoked",
        subject=f"key {record.id}",
        detail={"user": record.user},
    )
    typer.echo(f"revoked key {record.id} of {record.user} ({record.role}) at {record.revoked}")
