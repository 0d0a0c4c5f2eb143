"""What every `clearance` command shares: its options, one-line errors, JSON output, and the engine it
screens with."""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer

from clearance.limits import time_limit
from clearance.matching.config import ScorerConfig
from clearance.screening.engine import Engine
from clearance.screening.prepared import prepared_engine
from clearance.screening.validate import day_of, parse_as_of

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        envvar="CLEARANCE_AS_OF",
        help="The date that matters, YYYY-MM-DD (the end of that day in each measure's own time zone), "
        "or an ISO datetime with zone. Default: today.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of a table.")]
Review = Annotated[
    float,
    typer.Option(
        envvar="CLEARANCE_REVIEW_THRESHOLD", help="Score from which a name match is reported for review."
    ),
]
Strong = Annotated[
    float,
    typer.Option(
        envvar="CLEARANCE_STRONG_THRESHOLD", help="Score from which a name match is strong enough to block."
    ),
]
ListsAsOf = Annotated[
    str | None,
    typer.Option(
        "--lists-as-of",
        envvar="CLEARANCE_LISTS_AS_OF",
        help="Screen against the list snapshots that were current on this day, not the active ones.",
    ),
]


def one_line(message: str) -> str:
    """A message on one line: its line breaks and runs of spaces become single spaces (a message may
    quote a file's content or a list entry)."""
    return " ".join(message.split())


def fail(message: str) -> NoReturn:
    """A usage or input error: one line on standard error, exit 2."""
    typer.echo(f"error: {one_line(message)}", err=True)
    raise typer.Exit(2)


def dump(doc: Any) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def engine(*, review: float = 0.80, strong: float = 0.90, lists_as_of: str | None = None) -> Engine:
    """The engine a command screens with: built-in data and the active snapshots (or those current on
    `lists_as_of`). Raises `InputError` for thresholds outside 0 < review <= strong <= 1."""
    config = ScorerConfig(review=review, strong=strong)
    day = day_of(parse_as_of(lists_as_of)) if lists_as_of else None
    return prepared_engine(config=config, time_limit=time_limit(), lists_as_of=day)


Record = Annotated[
    bool,
    typer.Option(
        "--record/--no-record",
        envvar="CLEARANCE_RECORD",
        help="Record each decision in the case store (CLEARANCE_HOME/store.db or CLEARANCE_DATABASE_URL): "
        "review and block hits open alerts in cases for an analyst (`clearance cases`).",
    ),
]
User = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="CLEARANCE_USER",
        help="Who does this, as the audit log records it (default: your login name).",
        show_default=False,
    ),
]


Key = Annotated[
    str | None,
    typer.Option(
        "--key",
        envvar="CLEARANCE_KEY",
        help="Your API key (`clearance keys create`). Once this home has keys, case work needs yours: the "
        "key, not a name you type, says who you are, so that four eyes are two people.",
        show_default=False,
    ),
]


def user_of(user: str | None) -> str:
    """The acting user: `--user`, CLEARANCE_USER, else the login name."""
    import getpass

    name = (user or "").strip() or getpass.getuser()
    return name


def acting(user: str | None, key: str | None) -> str:
    """Who does a piece of case work: the user of `key` when the home has keys (then a key is needed,
    and `--user`, if given, must be its user); with no key in the home (one operator), `user_of(user)`.
    Exits 2 otherwise."""
    from clearance.faces.service.keys import KeyStore
    from clearance.settings import home
    from clearance.store.users import user_name

    keys = KeyStore.under(home())
    if key:
        record = keys.find(key.strip())
        if record is None or record.revoked:
            fail("the key is unknown or revoked")
        if user and user_name(user) != user_name(record.user):
            fail(f"--user {user} is not the user of this key ({record.user})")
        return record.user
    if any(not r.revoked for r in keys.records()):
        fail("this home has API keys: case work needs yours (--key or CLEARANCE_KEY), which says who you are")
    return user_of(user)
