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


def user_of(user: str | None) -> str:
    """The acting user: `--user`, CLEARANCE_USER, else the login name."""
    import getpass

    name = (user or "").strip() or getpass.getuser()
    return name
