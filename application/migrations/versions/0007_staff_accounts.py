"""Staff accounts become an event-sourced aggregate: the staff table gains ``revoked_at`` and ``in_store``.

``in_store`` is false for the accounts made before this revision; the application registers each of them in the
event store once (``StaffAccounts.register_earlier_accounts``) and sets it. Their tokens keep working throughout.

Revision ID: 0007_staff_accounts
Revises: 0006_event_chain
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_staff_accounts"
down_revision = "0006_event_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gridledger_staff") as table:
        table.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("in_store", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
