"""The store's tables, as SQLAlchemy Core tables: one description for SQLite and PostgreSQL alike.

Times are ISO 8601 strings in UTC (`2026-12-01T03:12:34.123456+00:00`): they sort as text, hash the
same on both databases (the audit chain signs them) and read back exactly as written. JSON documents
are text in canonical form (sorted keys), for the same reasons.

The migrations under `migrations/versions` create these tables; `tests/store/test_database.py` checks
that the migrated database and this description agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# The append-only audit log: `seq` numbers records from 1 with no gap; `prev` is the previous record's
# `mac` (64 zeros for the first); `mac` is HMAC-SHA-256 over the record (store.audit).
audit = Table(
    "audit",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(60), nullable=False),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
    Index("audit_subject", "subject"),
)

# One row: the last record's seq and mac. Every unit of work writes it first, which takes the
# database's write lock (SQLite) or the row's lock (PostgreSQL): appends are serialised.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("mac", String(64), nullable=False),
)

# A party the user screens, known by its key: the user's own reference when given, else its kind and
# name (store.parties.party_key).
parties = Table(
    "parties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("reference", Text),
    Column("details", Text, nullable=False),  # birth_date, countries, identifiers: the query's evidence
    Column("first_seen", String(40), nullable=False),
    Column("last_screened", String(40), nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(40), nullable=False, index=True),
    Column("source", String(40), nullable=False),  # cli, batch, payments, service, rescreen, ...
    Column("reference", Text),  # the user's reference of the item (row id, EndToEndId, ...)
    Column("party_id", Integer, ForeignKey("parties.id"), index=True),
    Column("actor", Text, nullable=False),
    Column("query", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("as_of", String(40), nullable=False),
    Column("activity", String(20), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("engine_version", String(40), nullable=False),
    Column("data_versions", Text, nullable=False),
    Column("thresholds", Text, nullable=False),
    Column("result", Text, nullable=False),  # the result's document, canonical JSON
    Column("digest", String(64), nullable=False),  # SHA-256 of `result`, also in the audit record
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party_id", Integer, ForeignKey("parties.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False, index=True),  # store.cases.CaseStatus
    Column("opened_at", String(40), nullable=False),
    Column("disposition", String(20)),  # store.cases.Disposition
    Column("reason", Text),
    Column("proposed_by", Text),
    Column("proposed_at", String(40)),
    Column("approved_by", Text),
    Column("closed_at", String(40)),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party_id", Integer, ForeignKey("parties.id"), nullable=False),
    Column("decision_id", Integer, ForeignKey("decisions.id"), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id")),
    Column("entity_id", Text, nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("matched_name", Text, nullable=False),
    Column("query_name", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("decision", String(10), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # the listed entity as it was (store.fingerprints)
    Column("status", String(20), nullable=False),  # store.alerts.AlertStatus
    Column("allowlist_id", Integer, ForeignKey("allowlist.id")),
    Column("opened_at", String(40), nullable=False),
    Column("hit", Text, nullable=False),  # the hit's document, for the case page and reports
    Index("alerts_party_entity", "party_id", "entity_id"),
    Index("alerts_status", "status"),
)

allowlist = Table(
    "allowlist",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("party_key", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("query_name", Text, nullable=False),
    Column("matched_name", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("evidence", String(64), nullable=False),  # SHA-256 of the party's evidence (birth date, ...)
    Column("decision", String(10), nullable=False),  # review or block: an entry on a review covers no block
    Column("reason", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("approved_by", Text),  # a second user, for an entry on a blocking alert (four eyes)
    Column("approved_at", String(40)),  # when it took effect: NULL while it waits for approval
    Column("expires_at", String(40), nullable=False),
    Column("revoked_by", Text),
    Column("revoked_at", String(40)),
    Index("allowlist_pair", "party_key", "entity_id"),
)

# The listed entities as the last rescreen (or the first recording) saw them: what `rescreen` diffs
# the current data against.
baseline = Table(
    "baseline",
    metadata,
    Column("entity_id", Text, primary_key=True),
    Column("fingerprint", String(64), nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
