"""The case list's co-departments as rows (case, department): department scope and filter match exactly.

Before, co-departments were matched with LIKE on a comma-joined column, and `_` in a code matched any character
(a `city_mgmt` clerk saw `cityXmgmt`'s cases). The case list is replayed to fill the new table.

Revision ID: 0002_case_list_co_departments
Revises: 0001_baseline
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from application.migrations.read_models import reset_read_model

revision = "0002_case_list_co_departments"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_case_list_co_department",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "department", name="rm_case_list_co_department_pkey"),
    )
    op.create_index(
        "rm_case_list_co_department_department", "rm_case_list_co_department", ["department", "case_id"], unique=False
    )
    reset_read_model("case_list", ["rm_case_list_co_department", "rm_case_list"])


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
