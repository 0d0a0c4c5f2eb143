"""The store's database fixtures (tests/store/conftest.py, tests/pg_server.py): each test has an empty
database of its own, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect, make_url, select

from pg_server import fresh_database

metadata = MetaData()
things = Table("things", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))


def test_a_table_is_created_written_and_read(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []  # empty at first
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(things.insert(), [{"id": 1, "name": "腾讯控股有限公司"}])
        with engine.connect() as connection:
            assert connection.execute(select(things.c.id, things.c.name)).all() == [(1, "腾讯控股有限公司")]
    finally:
        engine.dispose()


@pytest.mark.postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_postgresql_url_is_a_real_server(database_url: str) -> None:
    url = make_url(database_url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.dialect.name == "postgresql"
            assert connection.exec_driver_sql("SELECT current_database()").scalar() == url.database
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_postgresql_databases_are_isolated(postgres_url: str) -> None:
    """Two databases as `database_url` makes them: a table in one is not in the other, and each is
    dropped afterwards."""
    with fresh_database(postgres_url) as first, fresh_database(postgres_url) as second:
        assert first != second
        engines = [create_engine(first), create_engine(second)]
        try:
            metadata.create_all(engines[0])
            with engines[0].begin() as connection:
                connection.execute(things.insert(), [{"id": 1, "name": "one"}])
            assert inspect(engines[0]).get_table_names() == ["things"]
            assert inspect(engines[1]).get_table_names() == []
        finally:
            engines[1].dispose()  # the first stays connected: dropping it must not wait for that
    admin = create_engine(postgres_url)
    try:
        with admin.connect() as connection:
            names = connection.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
        assert make_url(first).database not in names
        assert make_url(second).database not in names
    finally:
        admin.dispose()
        engines[0].dispose()
