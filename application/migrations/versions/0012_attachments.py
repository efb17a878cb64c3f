"""Attachments (application/attachments.py): the files kept in the blob directory, who uploaded each and which
aggregates reference each. The tables start empty: no stored event references a file that was ever kept.

Revision ID: 0012_attachments
Revises: 0011_person_keys
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_attachments"
down_revision = "0011_person_keys"
branch_labels = None
depends_on = None


def _file() -> sa.Column:
    return sa.Column("sha256", sa.String(length=64), sa.ForeignKey("gridledger_attachments.sha256"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "gridledger_attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "gridledger_attachment_uploads",
        _file(),
        sa.Column("uploaded_by", sa.String(length=36), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "uploaded_by"),
    )
    op.create_table(
        "gridledger_attachment_references",
        _file(),
        sa.Column("aggregate_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "aggregate_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
