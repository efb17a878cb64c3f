"""The security generation: one counter the database moves on whenever a staff account's row is updated or deleted
(a revocation, a rotated token, a role changed -- by gridledger or by hand in SQL) and whenever a person's key is
destroyed, so that a process may keep bearer tokens and keys in memory and still refuse a revoked token on the very
next request: it reads the counter (one row) and drops what it holds when it moved.

Revision ID: 0014_security_generation
Revises: 0013_sign_in_codes
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_security_generation"
down_revision = "0013_sign_in_codes"
branch_labels = None
depends_on = None

BUMP = "UPDATE gridledger_security_generation SET generation = generation + 1"

POSTGRESQL = [
    f"""CREATE FUNCTION gridledger_bump_security_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP};
  RETURN NULL;
END $$""",
    """CREATE TRIGGER gridledger_staff_changed AFTER UPDATE OR DELETE OR TRUNCATE ON gridledger_staff
FOR EACH STATEMENT EXECUTE FUNCTION gridledger_bump_security_generation()""",
    """CREATE TRIGGER gridledger_person_key_destroyed AFTER INSERT ON gridledger_person_erasures
FOR EACH STATEMENT EXECUTE FUNCTION gridledger_bump_security_generation()""",
]

SQLITE = [
    f"CREATE TRIGGER gridledger_staff_updated AFTER UPDATE ON gridledger_staff BEGIN {BUMP}; END",
    f"CREATE TRIGGER gridledger_staff_deleted AFTER DELETE ON gridledger_staff BEGIN {BUMP}; END",
    f"CREATE TRIGGER gridledger_person_key_destroyed AFTER INSERT ON gridledger_person_erasures BEGIN {BUMP}; END",
]


def upgrade() -> None:
    table = op.create_table(
        "gridledger_security_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "generation": 0}])
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
