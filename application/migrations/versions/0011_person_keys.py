"""Per-person keys for personal data in events (crypto-shredding), the record of keys destroyed, and the head's
person key id in the households read model.

Revision ID: 0011_person_keys
Revises: 0010_statistics_held_hours
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_person_keys"
down_revision = "0010_statistics_held_hours"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridledger_person_keys",
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lookup", "key_id"),
    )
    op.create_index("ix_gridledger_person_keys_key_id", "gridledger_person_keys", ["key_id"])
    op.create_table(
        "gridledger_person_erasures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    # The households read model keeps its head's person key id, so that an erasure can blank the row.
    with op.batch_alter_table("rm_households") as table:
        table.add_column(sa.Column("head_person", sa.String(length=32), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
