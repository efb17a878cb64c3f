"""Baseline: every table gridledger owned at 1e8a587 (the last release made by ``create_all``).

Databases made by that code already hold these tables: each is created only if missing (IF NOT EXISTS), so the
baseline adopts them as they are. Read-model tables are here too; a later change to one is a revision that
recreates it and resets its position (``reset_read_model``), and ``gridledger db upgrade`` then replays it.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gridledger_case_counters",
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
        if_not_exists=True,
    )
    op.create_table(
        "gridledger_departments",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
        if_not_exists=True,
    )
    op.create_table(
        "gridledger_grids",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("parent", sa.String(length=64), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent"], ["gridledger_grids.code"]),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("path"),
        if_not_exists=True,
    )
    op.create_table(
        "gridledger_idempotency_keys",
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", "key"),
        if_not_exists=True,
    )
    op.create_table(
        "gridledger_staff",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("grid", sa.String(length=64), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["department"], ["gridledger_departments.code"]),
        sa.ForeignKeyConstraint(["grid"], ["gridledger_grids.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        if_not_exists=True,
    )
    op.create_table(
        "gridledger_staff_roles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("grid", sa.String(length=64), nullable=True),
        sa.Column("granted_by", sa.String(length=36), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["gridledger_staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "gridledger_staff_roles_staff_idx",
        "gridledger_staff_roles",
        ["staff_id", "valid_from"],
        unique=False,
        if_not_exists=True,
    )
    op.create_table(
        "gridledger_projection_tracking",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
        if_not_exists=True,
    )
    op.create_table(
        "rm_case_list",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("working_status", sa.String(length=16), nullable=False),
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("grid_path", sa.Text(), nullable=False),
        sa.Column("lead_department", sa.String(length=64), nullable=True),
        sa.Column("co_departments", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followed_up", sa.Boolean(), nullable=False),
        sa.Column("last_satisfaction", sa.String(length=32), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no"),
        if_not_exists=True,
    )
    op.create_index(
        "rm_case_list_category_created", "rm_case_list", ["category", "created_at"], unique=False, if_not_exists=True
    )
    op.create_index("rm_case_list_created", "rm_case_list", ["created_at"], unique=False, if_not_exists=True)
    op.create_index("rm_case_list_due", "rm_case_list", ["due_at"], unique=False, if_not_exists=True)
    op.create_index(
        "rm_case_list_grid_created", "rm_case_list", ["grid_path", "created_at"], unique=False, if_not_exists=True
    )
    op.create_index(
        "rm_case_list_lead_status",
        "rm_case_list",
        ["lead_department", "status", "created_at"],
        unique=False,
        if_not_exists=True,
    )
    op.create_index(
        "rm_case_list_reported_by", "rm_case_list", ["reported_by", "created_at"], unique=False, if_not_exists=True
    )
    op.create_index(
        "rm_case_list_status_created", "rm_case_list", ["status", "created_at"], unique=False, if_not_exists=True
    )
    op.create_index(
        "rm_case_list_status_grid",
        "rm_case_list",
        ["status", "grid_path", "created_at"],
        unique=False,
        if_not_exists=True,
    )
    op.create_table(
        "rm_work_queue",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("track", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("working_status", sa.String(length=16), nullable=False),
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("grid_path", sa.Text(), nullable=False),
        sa.Column("lead_department", sa.String(length=64), nullable=True),
        sa.Column("co_departments", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followed_up", sa.Boolean(), nullable=False),
        sa.Column("last_satisfaction", sa.String(length=32), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("queue", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no"),
        if_not_exists=True,
    )
    op.create_index(
        "rm_work_queue_department_page",
        "rm_work_queue",
        ["queue", "lead_department", "due_at", "created_at", "id"],
        unique=False,
        if_not_exists=True,
    )
    op.create_index("rm_work_queue_due", "rm_work_queue", ["due_at"], unique=False, if_not_exists=True)
    op.create_index(
        "rm_work_queue_grid", "rm_work_queue", ["queue", "grid_path", "due_at"], unique=False, if_not_exists=True
    )
    op.create_index(
        "rm_work_queue_page", "rm_work_queue", ["queue", "due_at", "created_at", "id"], unique=False, if_not_exists=True
    )
    op.create_table(
        "rm_audit_log",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("aggregate_type", sa.String(length=32), nullable=False),
        sa.Column("aggregate_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("position"),
        if_not_exists=True,
    )
    op.create_index("rm_audit_log_actor", "rm_audit_log", ["actor_id", "position"], unique=False, if_not_exists=True)
    op.create_index(
        "rm_audit_log_aggregate", "rm_audit_log", ["aggregate_id", "position"], unique=False, if_not_exists=True
    )
    op.create_index("rm_audit_log_at", "rm_audit_log", ["at"], unique=False, if_not_exists=True)
    op.create_index(
        "rm_audit_log_type",
        "rm_audit_log",
        ["aggregate_type", "event_type", "position"],
        unique=False,
        if_not_exists=True,
    )
    op.create_table(
        "rm_meetings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("org", sa.String(length=64), nullable=False),
        sa.Column("scheduled_for", sa.Date(), nullable=False),
        sa.Column("chair", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "rm_meetings_org_level_date", "rm_meetings", ["org", "level", "scheduled_for"], unique=False, if_not_exists=True
    )
    op.create_table(
        "rm_household_members",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("floating", sa.Boolean(), nullable=False),
        sa.Column("moved_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moved_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("household_id", "member_id"),
        if_not_exists=True,
    )
    op.create_table(
        "rm_household_tags",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("added_version", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("household_id", "added_version"),
        if_not_exists=True,
    )
    op.create_index("rm_household_tags_tag", "rm_household_tags", ["tag", "added_at"], unique=False, if_not_exists=True)
    op.create_table(
        "rm_household_visits",
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("grid_path", sa.Text(), nullable=False),
        sa.Column("visitor_id", sa.String(length=36), nullable=True),
        sa.Column("visitor_name", sa.Text(), nullable=True),
        sa.Column("cases_raised", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("visit_id"),
        if_not_exists=True,
    )
    op.create_index(
        "rm_household_visits_grid_at", "rm_household_visits", ["grid_path", "at"], unique=False, if_not_exists=True
    )
    op.create_index(
        "rm_household_visits_household_at",
        "rm_household_visits",
        ["household_id", "at"],
        unique=False,
        if_not_exists=True,
    )
    op.create_table(
        "rm_households",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("grid_path", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("head_name", sa.Text(), nullable=False),
        sa.Column("head_phone", sa.String(length=32), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("floating", sa.Integer(), nullable=False),
        sa.Column("liaison_id", sa.String(length=36), nullable=True),
        sa.Column("liaison_name", sa.Text(), nullable=True),
        sa.Column("pairing_id", sa.String(length=36), nullable=True),
        sa.Column("pairing_name", sa.Text(), nullable=True),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("last_visit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "rm_households_grid_address", "rm_households", ["grid_path", "address"], unique=False, if_not_exists=True
    )
    op.create_index("rm_households_kind_grid", "rm_households", ["kind", "grid_path"], unique=False, if_not_exists=True)
    op.create_table(
        "rm_patrols",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("grid_path", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("started_by_id", sa.String(length=36), nullable=True),
        sa.Column("started_by_name", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("checkpoints", sa.Integer(), nullable=False),
        sa.Column("last_checkpoint", sa.Text(), nullable=True),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("fixed_on_spot", sa.Integer(), nullable=False),
        sa.Column("cases_raised", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index(
        "rm_patrols_grid_started", "rm_patrols", ["grid_path", "started_at"], unique=False, if_not_exists=True
    )
    op.create_index("rm_patrols_started", "rm_patrols", ["started_at"], unique=False, if_not_exists=True)


def downgrade() -> None:
    raise NotImplementedError("gridledger's schema only moves forward; restore a backup to go back")
