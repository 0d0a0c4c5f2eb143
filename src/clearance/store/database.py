"""Where the store lives and how it is brought up to date.

* `database_url(home)`: CLEARANCE_DATABASE_URL when set (a SQLAlchemy URL, e.g.
  `postgresql+psycopg://user@host/clearance`), else SQLite in `home/store.db`.
* `connect(url)`: a SQLAlchemy engine, with SQLite set for several processes at once (WAL journal, a
  30 s busy timeout, foreign keys on).
* `migrate(engine)`: runs Alembic's migrations (`migrations/versions`) up to the newest; a store made
  by a newer clearance is refused (`StoreError`) rather than written to.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from clearance.errors import ClearanceError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(ClearanceError):
    """The store cannot be opened, migrated or written; the message names the database and why."""


def database_url(home: Path) -> str:
    """CLEARANCE_DATABASE_URL, or the SQLite file `home/store.db`."""
    explicit = os.environ.get("CLEARANCE_DATABASE_URL", "").strip()
    return explicit or f"sqlite:///{home / 'store.db'}"


def shown(url: str) -> str:
    """The URL without its password, for messages and the audit log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<an unreadable database URL>"


def connect(url: str) -> Engine:
    """An engine for `url`; raises `StoreError` for a URL SQLAlchemy cannot use."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"CLEARANCE_DATABASE_URL is not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            file = Path(parsed.database)
            file.parent.mkdir(parents=True, exist_ok=True)
            if not file.exists():  # case data: readable by its owner only
                file.touch(mode=0o600)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_settings)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use the database {shown(url)}: {exc}") from None


def _sqlite_settings(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def newest_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the store to the newest revision; raises `StoreError` when the database cannot be reached
    or was made by a newer clearance."""
    try:
        current = current_revision(engine)
        known = {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}
        if current is not None and current not in known:
            raise StoreError(
                f"the store {shown(str(engine.url))} is at revision {current}, which this clearance does "
                "not know (made by a newer version): refusing to write to it"
            )
        if current == newest_revision():
            return
        config = _config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the store {shown(str(engine.url))}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
