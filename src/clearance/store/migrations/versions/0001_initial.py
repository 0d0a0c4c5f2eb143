"""The first store: audit log, parties, decisions, cases, alerts, allowlist, baseline, settings.

The audit table refuses UPDATE and DELETE through triggers on both databases. That is a first line
only: the chain (store.audit) holds even when someone drops the triggers.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.create_index("audit_subject", "audit", ["subject"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.execute(sa.text("INSERT INTO audit_head (id, seq, mac) VALUES (1, 0, '" + "0" * 64 + "')"))
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reference", sa.Text),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("first_seen", STAMP, nullable=False),
        sa.Column("last_screened", STAMP, nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", STAMP, nullable=False, index=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("reference", sa.Text),
        sa.Column("party_id", sa.Integer, sa.ForeignKey("parties.id"), index=True),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("as_of", STAMP, nullable=False),
        sa.Column("activity", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("engine_version", sa.String(40), nullable=False),
        sa.Column("data_versions", sa.Text, nullable=False),
        sa.Column("thresholds", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("party_id", sa.Integer, sa.ForeignKey("parties.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("opened_at", STAMP, nullable=False),
        sa.Column("disposition", sa.String(20)),
        sa.Column("reason", sa.Text),
        sa.Column("proposed_by", sa.Text),
        sa.Column("proposed_at", STAMP),
        sa.Column("approved_by", sa.Text),
        sa.Column("closed_at", STAMP),
    )
    op.create_table(
        "allowlist",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("party_key", sa.Text, nullable=False),
        sa.Column("entity_id", sa.Text, nullable=False),
        sa.Column("query_name", sa.Text, nullable=False),
        sa.Column("matched_name", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("evidence", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("approved_by", sa.Text),
        sa.Column("approved_at", STAMP),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.Column("revoked_by", sa.Text),
        sa.Column("revoked_at", STAMP),
    )
    op.create_index("allowlist_pair", "allowlist", ["party_key", "entity_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("party_id", sa.Integer, sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("entity_id", sa.Text, nullable=False),
        sa.Column("entity_name", sa.Text, nullable=False),
        sa.Column("matched_name", sa.Text, nullable=False),
        sa.Column("query_name", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("allowlist_id", sa.Integer, sa.ForeignKey("allowlist.id")),
        sa.Column("opened_at", STAMP, nullable=False),
        sa.Column("hit", sa.Text, nullable=False),
    )
    op.create_index("alerts_party_entity", "alerts", ["party_id", "entity_id"])
    op.create_index("alerts_status", "alerts", ["status"])
    op.create_table(
        "baseline",
        sa.Column("entity_id", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    _append_only()


def _append_only() -> None:
    """UPDATE and DELETE on the audit table fail (a first line: the chain is what holds)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            sa.text(
                "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
            )
        )
        op.execute(
            sa.text(
                "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            sa.text(
                f"CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON audit "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        )


def downgrade() -> None:
    for table in ("settings", "baseline", "alerts", "allowlist", "cases", "decisions", "parties"):
        op.drop_table(table)
    op.drop_table("audit_head")
    op.drop_table("audit")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP FUNCTION IF EXISTS audit_append_only()"))
