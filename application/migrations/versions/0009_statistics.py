"""The statistics read model (projections/statistics.py): a state row per case, its deadlines' spans and its
figure contributions.

The tables start empty and the projection, tracked from position 0, replays the store into them.

Revision ID: 0009_statistics
Revises: 0008_case_clock_read_models
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.storage.tables import GridPath

revision = "0009_statistics"
down_revision = "0008_case_clock_read_models"
branch_labels = None
depends_on = None


def _dimensions() -> list[sa.Column]:
    return [
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("grid_path", GridPath, nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
    ]


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "rm_stats_case",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("accept_due_at", moment, nullable=True),
        sa.Column("claim_due_at", moment, nullable=True),
        sa.Column("resolve_due_at", moment, nullable=True),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("bounces", sa.Integer(), nullable=False),
        sa.Column("claim_span", sa.BigInteger(), nullable=True),
        sa.Column("resolve_span", sa.BigInteger(), nullable=True),
        sa.Column("answer_position", sa.BigInteger(), nullable=True),
        sa.Column("answer_month", sa.String(length=7), nullable=True),
        sa.Column("answer_department", sa.String(length=64), nullable=True),
        sa.Column("answer_seq", sa.Integer(), nullable=True),
        sa.Column("answer_measures", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="rm_stats_case_pkey"),
    )
    op.create_table(
        "rm_stats_deadline",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("set_position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("set_at", moment, nullable=False),
        sa.Column("due_at", moment, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        *_dimensions(),
        sa.PrimaryKeyConstraint("case_id", "stage", "set_position", name="rm_stats_deadline_pkey"),
    )
    op.create_index("rm_stats_deadline_month", "rm_stats_deadline", ["month", "stage", "grid_path"], unique=False)
    op.create_table(
        "rm_stats_deadline_closed",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("set_position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("closed_at", moment, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "stage", "set_position", name="rm_stats_deadline_closed_pkey"),
    )
    op.create_table(
        "rm_stats_contribution",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("measures", sa.Integer(), nullable=False),
        sa.Column("sign", sa.Integer(), nullable=False),
        *_dimensions(),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("decided_at", moment, nullable=False),
        sa.Column("recorded_at", moment, nullable=False),
        sa.Column("retracts_position", sa.BigInteger(), nullable=True),
        sa.Column("retracts_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("position", "seq", name="rm_stats_contribution_pkey"),
    )
    op.create_index("rm_stats_contribution_month", "rm_stats_contribution", ["month", "grid_path"], unique=False)
    op.create_index(
        "rm_stats_contribution_month_position",
        "rm_stats_contribution",
        ["month", "position", "seq"],
        unique=False,
    )
    op.create_index(
        "rm_stats_contribution_retracts", "rm_stats_contribution", ["retracts_position", "retracts_seq"], unique=False
    )


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
