"""Fixtures of the store's tests: `database_url`, each test's own empty database, once on SQLite and once
on a real PostgreSQL server that the session starts itself (tests/pg_server.py; `make postgres` installs
PostgreSQL). `-m "not postgresql"` runs the SQLite half alone, without starting the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from clearance.store import Store
from pg_server import fresh_database, running_postgres


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One PostgreSQL server for the session: the URL of its maintenance database (`postgres`, empty)."""
    with running_postgres(tmp_path_factory.mktemp("postgres")) as url:
        yield url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL to an empty database of this test's own: a SQLite file, or a PostgreSQL database
    created for it on the session's server and dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/store.db"
        return
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    """A migrated store on `database_url`, its audit key and head in a home of its own."""
    opened = Store.open(home=tmp_path / "home", url=database_url)
    yield opened
    opened.close()


def drop_guards(store: Store) -> None:
    """What someone with the database's owner rights can do: drop the audit table's triggers."""
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_append_only ON audit"))
        else:
            connection.execute(text("DROP TRIGGER audit_no_update"))
            connection.execute(text("DROP TRIGGER audit_no_delete"))
