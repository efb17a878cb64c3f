"""Projection workers' heartbeats: readiness says "not ready" when events wait and no worker has beaten lately.

Revision ID: 0003_worker_heartbeats
Revises: 0002_case_list_co_departments
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_worker_heartbeats"
down_revision = "0002_case_list_co_departments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridledger_projection_workers",
        sa.Column("worker_id", sa.String(length=255), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
