"""The departments named on a meeting's items, as rows: department staff read only the meetings that name them.

The meetings read model is replayed to fill the new table.

Revision ID: 0004_meeting_departments
Revises: 0003_worker_heartbeats
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from application.migrations.read_models import reset_read_model

revision = "0004_meeting_departments"
down_revision = "0003_worker_heartbeats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_meeting_departments",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "department"),
    )
    op.create_index(
        "rm_meeting_departments_department", "rm_meeting_departments", ["department", "meeting_id"], unique=False
    )
    reset_read_model("meetings", ["rm_meeting_departments", "rm_meetings"])


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
