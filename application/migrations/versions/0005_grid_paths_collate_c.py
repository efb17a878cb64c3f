"""Grid paths compared byte by byte on PostgreSQL (COLLATE "C"), whatever the database's default collation.

A subtree is a range of materialised paths. Under an ICU or glibc locale the range of "/…/cy/" held "/…/Cy/": a
dispatcher of one community listed another's cases. Changing a column's collation rebuilds its indexes; the rows
stay as they are, so no read model is replayed. SQLite compares bytes already: nothing to do there.

Revision ID: 0005_grid_paths_collate_c
Revises: 0004_meeting_departments
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005_grid_paths_collate_c"
down_revision = "0004_meeting_departments"
branch_labels = None
depends_on = None

GRID_PATH_COLUMNS = [
    ("gridledger_grids", "path"),
    ("rm_case_list", "grid_path"),
    ("rm_work_queue", "grid_path"),
    ("rm_households", "grid_path"),
    ("rm_household_visits", "grid_path"),
    ("rm_patrols", "grid_path"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in GRID_PATH_COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE text COLLATE "C"')


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
