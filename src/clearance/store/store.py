"""The store: one database (SQLite by default, PostgreSQL when configured) and one audit chain.

    store = Store.open()                      # CLEARANCE_HOME and CLEARANCE_DATABASE_URL
    with store.unit() as unit:                # one transaction; appends to the audit log are serialised
        unit.connection.execute(...)
        unit.audit(actor="ana", action="case_disposed", subject="case 4", detail={...})
    store.verify()                            # the chain, checked (store.audit)

Every change the store makes goes through a unit, and every unit that changes something writes its
audit records in the same transaction: a change and its record land together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from clearance import settings
from clearance.store.audit import Appender, Chain, Record, Verdict, records, verify
from clearance.store.database import StoreError, connect, database_url, migrate, shown
from clearance.store.schema import audit, audit_head


@dataclass
class Unit:
    """One transaction on the store: its connection, and the audit log to append to."""

    connection: Connection
    appender: Appender

    def audit(self, *, actor: str, action: str, subject: str, detail: Mapping[str, Any]) -> int:
        """Append an audit record in this transaction; returns its seq."""
        return self.appender.append(actor=actor, action=action, subject=subject, detail=detail)


class Store:
    """A migrated database and the audit chain of a CLEARANCE_HOME. Raises `StoreError` when the
    database cannot be opened or migrated."""

    def __init__(self, engine: Engine, home: Path) -> None:
        self.engine = engine
        self.home = home
        self.chain = Chain(home)
        self._key_checked = False

    @classmethod
    def open(cls, *, home: Path | None = None, url: str | None = None) -> Store:
        """The store of `home` (default CLEARANCE_HOME) at `url` (default CLEARANCE_DATABASE_URL, else
        SQLite in `home/store.db`), migrated to the newest revision."""
        where = home if home is not None else settings.home()
        engine = connect(url or database_url(where))
        migrate(engine)
        return cls(engine, where)

    @property
    def where(self) -> str:
        """The database, without its password."""
        return shown(str(self.engine.url))

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """A transaction that may append to the audit log; committed when the block ends without an
        exception, rolled back otherwise. Raises `StoreError` when the database refuses."""
        try:
            with self.engine.begin() as connection:
                # written first: takes the write lock, so that two units never append from the same head
                connection.execute(
                    update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq)
                )
                seq, mac = connection.execute(select(audit_head.c.seq, audit_head.c.mac)).one()
                self._check_key(connection, seq)
                unit = Unit(connection, Appender(connection, self.chain, seq, mac))
                yield unit
                unit.appender.flush()
                if unit.appender.seq != seq:
                    connection.execute(
                        update(audit_head)
                        .where(audit_head.c.id == 1)
                        .values(seq=unit.appender.seq, mac=unit.appender.mac)
                    )
        except OperationalError as exc:
            raise StoreError(f"the store {self.where} refused a change: {str(exc).splitlines()[0]}") from None
        if unit.appender.seq != seq:
            self.chain.advance(unit.appender.seq, unit.appender.mac)

    def log(self, *, actor: str, action: str, subject: str, detail: Mapping[str, Any]) -> int:
        """One audit record in a unit of its own (a list import, a key made, a login); returns its seq.
        Raises `InputError` for an actor that is no user's name (`store.users`)."""
        from clearance.store.users import user_name

        with self.unit() as unit:
            return unit.audit(actor=user_name(actor), action=action, subject=subject, detail=detail)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reading."""
        with self.engine.connect() as connection:
            yield connection

    def _check_key(self, connection: Connection, seq: int) -> None:
        """Before the first write: the audit key must be the one the log was signed with (not missing,
        not a wrong CLEARANCE_AUDIT_KEY, not a replaced audit.key), or records signed now would never
        verify; a new key is made only for an empty log. Raises `StoreError`."""
        if self._key_checked:
            return
        if seq == 0:
            self.chain.may_create = True
            self._key_checked = True
            return
        last = connection.execute(select(audit).where(audit.c.seq == seq)).first()
        try:
            good = (
                last is not None
                and self.chain.sign(
                    last.seq, last.at, last.actor, last.action, last.subject, last.detail, last.prev
                )
                == last.mac
            )
        except ValueError as exc:
            raise StoreError(f"{exc}: nothing is written to the audit log without its key") from None
        if not good:
            raise StoreError(
                f"the audit key does not sign this store's log (record {seq}): a wrong CLEARANCE_AUDIT_KEY, "
                "a replaced audit.key or a damaged log (`clearance audit verify`); nothing is written"
            )
        self._key_checked = True

    def verify(self, *, checkpoint: tuple[int, str] | None = None) -> Verdict:
        """The audit chain checked against its MACs, its head and `checkpoint`, and the tables against
        the chain (`store.audit.verify`); a log that cannot be read at all fails too."""
        try:
            with self.reading() as connection:
                return verify(connection, self.chain, checkpoint=checkpoint)
        except SQLAlchemyError as exc:
            return Verdict(False, 0, 0, None, f"the audit log cannot be read: {str(exc).splitlines()[0]}")

    def checkpoint(self) -> tuple[int, str]:
        """The newest record's (seq, mac): to keep outside clearance (a ticket, a mail), and to give back
        to `verify` later, so that even someone who holds the key cannot rewrite what came before it."""
        with self.reading() as connection:
            row = connection.execute(select(audit_head.c.seq, audit_head.c.mac)).one()
        return int(row.seq), str(row.mac)

    def audit_records(self, *, since: str | None = None, until: str | None = None) -> list[Record]:
        with self.reading() as connection:
            return list(records(connection, since=since, until=until))

    def close(self) -> None:
        self.engine.dispose()


def inserted(result: CursorResult[Any]) -> int:
    """The id of the row an INSERT made."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise StoreError("the database gave no id for a new row")
    return int(key[0])
