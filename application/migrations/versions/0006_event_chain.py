"""The hash chain over the event store (application/event_chain.py): its table, and every event stored before
it chained once, in position order, while writers wait (PostgreSQL: the events table's lock; SQLite: the
upgrade's exclusive transaction).

Revision ID: 0006_event_chain
Revises: 0005_grid_paths_collate_c
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from application.chain_reading import chain_unchained

revision = "0006_event_chain"
down_revision = "0005_grid_paths_collate_c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridledger_event_chain",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("previous", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    chained = chain_unchained(op.get_bind(), context.config.attributes["events_table"].name)
    if chained:
        context.config.attributes["notes"].append(f"chained the {chained} events stored before the hash chain")


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
