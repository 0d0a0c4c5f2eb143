"""Alembic's environment for the store: run on the connection `store.database.migrate` passes in."""

from __future__ import annotations

from alembic import context

from clearance.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
