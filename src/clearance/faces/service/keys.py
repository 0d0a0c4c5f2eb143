"""API keys as kept: `KeyStore` over `CLEARANCE_HOME/keys.json`, and the roles a key may have.

A key is `clr_` and 43 characters of `secrets.token_urlsafe(32)` (256 random bits). Only its SHA-256 is
kept (mode 0600, written atomically: a temporary file renamed, under a lock), one record per key:

    {"format": 1, "keys": [{"id": "3f9c01ab27de", "user": "ana", "role": "analyst",
                            "sha256": "<hex>", "created": "2025-01-31T09:00:00+00:00", "revoked": null}]}

The digest of a key given is compared with each record's by `hmac.compare_digest`. The file is read
again when it changes, so `clearance keys revoke` reaches a running service at its next request. This
module needs no web framework: the command line (`clearance keys`) imports it alone; `auth` checks
requests with it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from clearance.errors import DataError, InputError
from clearance.store.users import user_name

FORMAT = 1
PREFIX = "clr_"


class Role(StrEnum):
    """What a key may do: an analyst screens and reads; an admin also changes the data."""

    ANALYST = "analyst"
    ADMIN = "admin"

    def may(self, needed: Role) -> bool:
        """Does this role include `needed`? (admin includes analyst)"""
        return self is needed or self is Role.ADMIN


@dataclass(frozen=True)
class KeyRecord:
    """One key as kept: its id, user, role, the SHA-256 of the key (hex), when it was created and
    revoked (ISO datetimes in UTC; `revoked` None while it is valid)."""

    id: str
    user: str
    role: Role
    sha256: str
    created: str
    revoked: str | None = None

    def public(self) -> dict[str, Any]:
        """The record without its digest: what `keys list` shows."""
        doc = asdict(self)
        del doc["sha256"]
        doc["role"] = str(self.role)
        return doc


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class KeyStore:
    """The keys of one `keys.json`. Raises `DataError` for a file that cannot be read as one, and
    `InputError` for an unknown user name, role or key id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._records: tuple[KeyRecord, ...] = ()

    @classmethod
    def under(cls, home: Path) -> KeyStore:
        return cls(home / "keys.json")

    def records(self) -> tuple[KeyRecord, ...]:
        """Every key, revoked ones included, read again when the file changed."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return ()
        except OSError as exc:
            raise DataError(f"cannot read {self.path}: {exc.strerror}") from None
        seen = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            if seen != self._seen:
                self._records = self._read()
                self._seen = seen
            return self._records

    def _read(self) -> tuple[KeyRecord, ...]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            return tuple(KeyRecord(**{**item, "role": Role(item["role"])}) for item in doc.get("keys", []))
        except FileNotFoundError:
            return ()
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise DataError(f"cannot read the keys in {self.path}: {exc}") from None

    def find(self, key: str) -> KeyRecord | None:
        """The record of `key` (revoked or not), or None."""
        wanted = digest(key)
        found = None
        for record in self.records():
            if hmac.compare_digest(record.sha256, wanted):
                found = record
        return found

    def create(self, role: Role | str, user: str) -> tuple[KeyRecord, str]:
        """A new key for `user` with `role`: its record and the key itself (shown once, kept nowhere)."""
        user = user_name(user)  # NFKC, case folded; no control or format character (store.users)
        if any(ch.isspace() for ch in user):
            raise InputError(f"a user name is one word, not '{user}'")
        try:
            the_role = Role(role)
        except ValueError:
            raise InputError(f"unknown role '{role}': use analyst or admin") from None
        key = PREFIX + secrets.token_urlsafe(32)
        with self._locked():
            records = list(self._read())
            taken = {r.id for r in records}
            key_id = secrets.token_hex(6)
            while key_id in taken:
                key_id = secrets.token_hex(6)
            record = KeyRecord(id=key_id, user=user, role=the_role, sha256=digest(key), created=_now())
            self._write([*records, record])
        return record, key

    def revoke(self, key_id: str) -> KeyRecord:
        """Revoke a key by its id; raises `InputError` when there is none. Revoking twice keeps the
        first date."""
        with self._locked():
            records = list(self._read())
            for i, record in enumerate(records):
                if record.id == key_id:
                    if record.revoked is None:
                        records[i] = replace(record, revoked=_now())
                        self._write(records)
                    return records[i]
        raise InputError(f"no key with id '{key_id}' (clearance keys list shows them)")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time (two `keys create` at once must not lose a key)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(".keys.lock"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, records: list[KeyRecord]) -> None:
        doc = {"format": FORMAT, "keys": [{**asdict(r), "role": str(r.role)} for r in records]}
        tmp = self.path.with_name(f".keys.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=2)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            tmp.replace(self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise


@dataclass(frozen=True)
class Caller:
    """Who made a request: the key's id (never the key), its user and its role."""

    key_id: str
    user: str
    role: Role
