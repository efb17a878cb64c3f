"""One-time console sign-in codes (``gridledger staff login-link``): only each code's SHA-256 is kept. And the work
queues get an index by category, so that a queue filtered by category (``?category=``) is read in index order too.

Revision ID: 0013_sign_in_codes
Revises: 0012_attachments
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_sign_in_codes"
down_revision = "0012_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridledger_sign_in_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=36), sa.ForeignKey("gridledger_staff.id"), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_index("gridledger_sign_in_codes_staff_idx", "gridledger_sign_in_codes", ["staff_id"])
    op.create_index("rm_work_queue_category_page", "rm_work_queue", ["queue", "category", "due_at", "created_at", "id"])


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
