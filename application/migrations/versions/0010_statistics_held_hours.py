"""The statistics read model keeps when a department was dispatched a case (``rm_stats_case.dispatched_at``) and,
on its claim and resolution rows, the dispatch they count from (``rm_stats_contribution.held_since``): the working
hours a department held a case.

The statistics tables are emptied and the projection's tracking dropped, so that it replays the store into them.

Revision ID: 0010_statistics_held_hours
Revises: 0009_statistics
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_statistics_held_hours"
down_revision = "0009_statistics"
branch_labels = None
depends_on = None

TABLES = ("rm_stats_case", "rm_stats_contribution", "rm_stats_deadline", "rm_stats_deadline_closed")


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.add_column("rm_stats_case", sa.Column("dispatched_at", moment, nullable=True))
    op.add_column("rm_stats_contribution", sa.Column("held_since", moment, nullable=True))
    for table in TABLES:
        op.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608 - the names are the constants above
    op.execute(sa.text("DELETE FROM gridledger_projection_tracking WHERE name = 'statistics'"))


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
