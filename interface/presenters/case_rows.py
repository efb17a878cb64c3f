"""Rows of the case list, the work queues and the audit log; the projections' state."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from domain.case_types import FINISHED
from interface.labels import BY_AGGREGATE, CASE, STAFF, DepartmentNames, labelled
from interface.presenters.times import aware, local_iso
from projections.engine.runner import ProjectionStatus


def case_row(
    row: dict[str, Any], now: datetime, zone: tzinfo, department_name: DepartmentNames | None = None
) -> dict[str, Any]:
    due_at = aware(row["due_at"])
    return labelled(
        {
            "id": row["id"],
            "case_no": row["case_no"],
            "title": row["title"],
            "category": row["category"],
            "channel": row["channel"],
            "track": row["track"],
            "grid": row["grid"],
            "status": row["status"],
            "lead_department": row["lead_department"],
            "co_departments": [code for code in row["co_departments"].split(",") if code],
            "due_at": local_iso(due_at, zone),
            "overdue": is_overdue(row, now),
            "created_at": local_iso(row["created_at"], zone),
            "updated_at": local_iso(row["updated_at"], zone),
            "version": row["version"],
            "position": row["position"],
        },
        CASE,
        department_name,
    )


def is_overdue(row: dict[str, Any], now: datetime) -> bool:
    """A row's running deadline has passed, the case neither finished nor suspended (缓办)."""
    due_at = aware(row["due_at"])
    return due_at is not None and row["status"] not in FINISHED and not row["suspended"] and now > due_at


def queue_row(
    row: dict[str, Any],
    now: datetime,
    zone: tzinfo,
    department_name: DepartmentNames | None = None,
    department: str | None = None,
) -> dict[str, Any]:
    """``department``: the queue's department, whose role in the case (lead or co) the row says."""
    role_in_case = None if department is None else ("lead" if row["lead_department"] == department else "co")
    return {
        **case_row(row, now, zone, department_name),
        "queue": row["queue"],
        "role_in_case": role_in_case,
        "urges": row["urges"],
        "extension_requested": row["extension_requested"],
        "suspended": row["suspended"],
    }


def audit_row(row: dict[str, Any], zone: tzinfo, department_name: DepartmentNames | None = None) -> dict[str, Any]:
    """The event's data is labelled in the words of its own aggregate."""
    return labelled(
        {
            "position": row["position"],
            "at": local_iso(row["at"], zone),
            "aggregate_type": row["aggregate_type"],
            "aggregate_id": row["aggregate_id"],
            "version": row["version"],
            "type": row["event_type"],
            "label": row["label"],
            "actor": {
                "id": row["actor_id"],
                "name": row["actor_name"],
                "role": row["actor_role"],
                "org": row["actor_org"],
            },
            "data": row["data"],
        },
        BY_AGGREGATE.get(row["aggregate_type"], STAFF),
        department_name,
    )


def projection_status(status: ProjectionStatus) -> dict[str, Any]:
    return {
        "name": status.name,
        "position": status.position,
        "head": status.head,
        "lag": status.lag,
        "status": status.status,
        "error": status.error,
    }
