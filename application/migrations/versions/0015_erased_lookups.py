"""Erased lookups: the keyed lookups (HMACs, never clear values) of every person erased, so that records stored
before per-person keys existed -- residents in clear inside the whole-event encryption -- read "[已删除]" too.
Recording one moves the security generation (a trigger, as revision 0014's on destroyed keys), so that every
process reloads the erased set on its next request.

Revision ID: 0015_erased_lookups
Revises: 0014_security_generation
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_erased_lookups"
down_revision = "0014_security_generation"
branch_labels = None
depends_on = None

BUMP = "UPDATE gridledger_security_generation SET generation = generation + 1"
POSTGRESQL = """CREATE TRIGGER gridledger_lookup_erased AFTER INSERT ON gridledger_erased_lookups
FOR EACH STATEMENT EXECUTE FUNCTION gridledger_bump_security_generation()"""
SQLITE = f"CREATE TRIGGER gridledger_lookup_erased AFTER INSERT ON gridledger_erased_lookups BEGIN {BUMP}; END"


def upgrade() -> None:
    op.create_table(
        "gridledger_erased_lookups",
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lookup"),
    )
    op.execute(POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE)


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
