"""Alembic migrations of the tables gridledger owns (see application/schema.py, which runs them)."""
