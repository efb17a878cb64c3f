"""The case list and the work queues learn the accountability clock: the accept and follow-up deadlines, whether
the case is suspended (缓办), how often it was urged (督办) and whether an extension request (延期申请) waits.

Both read models are replayed to fill the new columns.

Revision ID: 0008_case_clock_read_models
Revises: 0007_staff_accounts
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from application.migrations.read_models import reset_read_model

revision = "0008_case_clock_read_models"
down_revision = "0007_staff_accounts"
branch_labels = None
depends_on = None

# (name, type, server default: SQLite adds a NOT NULL column only with one; the code always writes the value)
NEW_COLUMNS = (
    ("accept_due_at", sa.DateTime(timezone=True), None),
    ("follow_up_due_at", sa.DateTime(timezone=True), None),
    ("suspended", sa.Boolean(), sa.false()),
    ("urges", sa.Integer(), sa.text("0")),
    ("extension_requested", sa.Boolean(), sa.false()),
)


def upgrade() -> None:
    reset_read_model("case_list", ["rm_case_list_co_department", "rm_case_list"])
    reset_read_model("work_queues", ["rm_work_queue"])
    for table in ("rm_case_list", "rm_work_queue"):
        with op.batch_alter_table(table) as batch:
            for name, kind, default in NEW_COLUMNS:
                batch.add_column(sa.Column(name, kind, nullable=default is None, server_default=default))


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
