"""The audit log: an append-only chain of numbered records, each signed with the previous one.

Every record is (seq, at, actor, action, subject, detail, prev, mac): `seq` counts from 1 with no gap,
`prev` is the previous record's `mac` (64 zeros before the first), and `mac` is HMAC-SHA-256, under
the store's audit key, of the record's fields in canonical JSON. Why a keyed MAC and not a bare hash:
whoever can edit the table can also recompute plain hashes over the records after the one they
changed; without the key they cannot forge a `mac`.

The key is CLEARANCE_AUDIT_KEY when set, else `CLEARANCE_HOME/audit.key` (32 random bytes, made at
first use, mode 0600). The chain's head (the newest seq and mac) is kept in `CLEARANCE_HOME/audit.head`,
outside the database, so that deleting the newest records is seen too: a database edit (with the
append-only triggers dropped) cannot reach that file.

`verify` reads the whole chain and names the first record that fails: a gap or a repeat in the
numbers (a record removed, the first included, or inserted), a `prev` that is not the previous `mac`
(reordered), a `mac` that does not match (edited), or a chain shorter than its head (the newest
removed). A crash between a commit and the head's write leaves the head one unit behind: the records
after it are still checked by their MACs.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from clearance.store import integrity
from clearance.store.schema import audit, audit_head

GENESIS = "0" * 64


def now() -> str:
    """The time now as the store writes it: ISO 8601, UTC, microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def canonical(doc: Any) -> str:
    """JSON with sorted keys, no spaces and only ASCII (any string, even one no database takes, is
    written escaped): the same document always gives the same text."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)


@dataclass(frozen=True, slots=True)
class Record:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    detail: str  # canonical JSON
    prev: str
    mac: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": json.loads(self.detail),
            "prev": self.prev,
            "mac": self.mac,
        }


class Chain:
    """The audit key and the head file of one CLEARANCE_HOME."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.head_path = home / "audit.head"
        self._key: bytes | None = None
        self.may_create = False  # a new key only for an empty log (`Store.unit` says so)

    def has_key(self) -> bool:
        return bool(os.environ.get("CLEARANCE_AUDIT_KEY")) or (self.home / "audit.key").exists()

    def sign(self, seq: int, at: str, actor: str, action: str, subject: str, detail: str, prev: str) -> str:
        if self._key is None:
            self._key = _key(self.home, create=self.may_create)
        message = canonical([seq, at, actor, action, subject, detail, prev]).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def head(self) -> tuple[int, str] | None:
        """The newest (seq, mac) written to the head file; None when there is no head file. Raises
        `ValueError` for a head file that cannot be read."""
        try:
            doc = json.loads(self.head_path.read_text(encoding="utf-8"))
            return int(doc["seq"]), str(doc["mac"])
        except FileNotFoundError:
            return None
        except (OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"the head file {self.head_path} cannot be read ({exc})") from exc

    def advance(self, seq: int, mac: str) -> None:
        """Move the head file to (seq, mac) unless it is already further (another process wrote after)."""
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / "audit.head.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current = self.head()
            except ValueError:
                current = None  # a damaged head is replaced by the true one; verify said it was damaged
            if current is not None and current[0] >= seq:
                return
            tmp = self.head_path.with_suffix(".tmp")
            tmp.write_text(canonical({"seq": seq, "mac": mac}), encoding="utf-8")
            os.replace(tmp, self.head_path)


def _key(home: Path, *, create: bool) -> bytes:
    """The audit key; raises `ValueError` when it is missing (and may not be made) or unusable."""
    explicit = os.environ.get("CLEARANCE_AUDIT_KEY", "")
    if explicit:
        if len(explicit) < 16:
            raise ValueError("CLEARANCE_AUDIT_KEY is too short to sign with: give at least 16 characters")
        return explicit.encode()
    path = home / "audit.key"
    if not path.exists():
        if not create:
            raise ValueError(f"the audit key ({path} or CLEARANCE_AUDIT_KEY) is missing")
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    key = path.read_text(encoding="ascii").strip().encode()
    if len(key) < 16:
        raise ValueError(f"{path} holds no usable key: restore it from its backup")
    return key


class Appender:
    """Appends records inside one transaction, from (seq, mac) of the chain's newest record."""

    def __init__(self, connection: Connection, chain: Chain, seq: int, mac: str) -> None:
        self.connection = connection
        self.chain = chain
        self.seq = seq
        self.mac = mac
        self._pending: list[dict[str, Any]] = []

    def append(self, *, actor: str, action: str, subject: str, detail: Mapping[str, Any]) -> int:
        """Add a record; returns its seq. Written to the table by `flush` (at the latest on commit)."""
        seq, at, text = self.seq + 1, now(), canonical(dict(detail))
        mac = self.chain.sign(seq, at, actor, action, subject, text, self.mac)
        self._pending.append(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "subject": subject,
                "detail": text,
                "prev": self.mac,
                "mac": mac,
            }
        )
        self.seq, self.mac = seq, mac
        if len(self._pending) >= 1000:
            self.flush()
        return seq

    def flush(self) -> None:
        if self._pending:
            self.connection.execute(audit.insert(), self._pending)
            self._pending = []


@dataclass(frozen=True, slots=True)
class Verdict:
    """What `verify` found: `ok`, how many records it read, and the first failure (seq and why)."""

    ok: bool
    records: int
    head: int
    failed_at: int | None = None
    problem: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "head": self.head,
            "failed_at": self.failed_at,
            "problem": self.problem,
        }


def records(
    connection: Connection, *, since: str | None = None, until: str | None = None
) -> Iterator[Record]:
    """The records in seq order, those written in [since, until] when given (ISO times or dates)."""
    query = select(audit).order_by(audit.c.seq)
    if since:
        query = query.where(audit.c.at >= since)
    if until:
        query = query.where(audit.c.at <= until)
    for row in connection.execution_options(yield_per=2000).execute(query):
        yield Record(**row._mapping)


def verify(connection: Connection, chain: Chain, *, checkpoint: tuple[int, str] | None = None) -> Verdict:
    """Check the whole chain against its MACs and its head, then the tables against the chain
    (`store.integrity`); `checkpoint` (seq, mac) is one kept outside clearance, which the chain must
    still hold (see the module's docstring)."""
    try:
        head = chain.head()
    except ValueError as exc:
        return Verdict(False, 0, 0, None, str(exc))
    head_seq, head_mac = head or (0, GENESIS)
    try:
        return _verify(connection, chain, head, head_seq, head_mac, checkpoint)
    except ValueError as exc:  # the key is missing or unusable
        return Verdict(False, 0, head_seq, None, f"{exc}: the log cannot be checked without its key")


def _verify(
    connection: Connection,
    chain: Chain,
    head: tuple[int, str] | None,
    head_seq: int,
    head_mac: str,
    checkpoint: tuple[int, str] | None,
) -> Verdict:
    expected, prev, count = 1, GENESIS, 0
    kept: list[Record] = []
    for record in records(connection):
        count += 1
        kept.append(record)
        if record.seq != expected:
            what = "missing" if record.seq > expected else "repeated or out of order"
            return Verdict(
                False, count, head_seq, expected, f"record {expected} is {what} (found {record.seq})"
            )
        if record.prev != prev:
            return Verdict(
                False,
                count,
                head_seq,
                record.seq,
                f"record {record.seq} does not follow record {record.seq - 1}",
            )
        signed = chain.sign(
            record.seq, record.at, record.actor, record.action, record.subject, record.detail, record.prev
        )
        if not hmac.compare_digest(signed, record.mac):
            return Verdict(
                False,
                count,
                head_seq,
                record.seq,
                f"record {record.seq} was changed (its MAC does not match)",
            )
        if record.seq == head_seq and record.mac != head_mac:
            return Verdict(
                False, count, head_seq, record.seq, f"record {record.seq} is not the one the head names"
            )
        if checkpoint and record.seq == checkpoint[0] and record.mac != checkpoint[1]:
            return Verdict(
                False, count, head_seq, record.seq, f"record {record.seq} is not the one the checkpoint names"
            )
        expected, prev = record.seq + 1, record.mac
    last = expected - 1
    if last < head_seq:
        return Verdict(
            False,
            count,
            head_seq,
            last + 1,
            f"record {last + 1} is missing: the head names record {head_seq}, the log ends at {last}",
        )
    if checkpoint and last < checkpoint[0]:
        return Verdict(
            False,
            count,
            head_seq,
            last + 1,
            f"record {last + 1} is missing: the checkpoint names record {checkpoint[0]}",
        )
    if head is None and (last > 0 or _db_head(connection) > 0):
        return Verdict(
            False,
            count,
            0,
            None,
            f"the head file {chain.head_path} is missing: the newest records cannot be checked",
        )
    if _db_head(connection) != last:
        return Verdict(
            False,
            count,
            head_seq,
            last + 1,
            f"the database's head names record {_db_head(connection)}, the log ends at {last}",
        )
    found = integrity.check(connection, kept)
    if found is not None:
        return Verdict(False, count, head_seq, found[0], found[1])
    return Verdict(True, count, head_seq)


def _db_head(connection: Connection) -> int:
    row = connection.execute(select(audit_head.c.seq).where(audit_head.c.id == 1)).first()
    return int(row[0]) if row is not None else -1
