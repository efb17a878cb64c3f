"""Alembic's entry point: migrations run on the connection application/schema.py hands over (it holds the lock)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    on_version_apply=context.config.attributes["on_version_apply"],
    transaction_per_migration=False,
)
context.run_migrations()
