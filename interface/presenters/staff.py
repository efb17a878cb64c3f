"""Staff accounts as answers: the account, its role history, its events."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from application.case_history import HistoryEntry
from application.staff import StaffMember
from domain.staff_account import EVENT_LABELS
from interface.labels import STAFF, labelled
from interface.presenters.history import history_answer
from interface.presenters.times import local_iso


def staff_member(member: StaffMember) -> dict[str, Any]:
    return labelled(
        {
            "id": member.id,
            "name": member.name,
            "role": member.role.value,
            "org": member.department,
            "grid": member.grid,
            "active": member.active,
        },
        STAFF,
    )


def role_history(rows: list[dict[str, Any]], zone: tzinfo) -> list[dict[str, Any]]:
    """Each role held and when, in local time like every other answer (the table stores UTC)."""
    return labelled(
        [
            {
                "role": row["role"],
                "org": row["department"],
                "grid": row["grid"],
                "granted_by": row["granted_by"],
                "valid_from": local_iso(row["valid_from"], zone),
                "valid_to": local_iso(row["valid_to"], zone),
            }
            for row in rows
        ],
        STAFF,
    )


def record(member: StaffMember, roles: list[dict[str, Any]], zone: tzinfo, **more: Any) -> dict[str, Any]:
    """The account with every role and scope it has held."""
    return {**staff_member(member), "roles": role_history(roles, zone), **more}


def history(account_id: str, entries: list[HistoryEntry], zone: tzinfo) -> dict[str, Any]:
    """Every event of the account in order, with Chinese labels; tokens never appear in events."""
    return history_answer(account_id, entries, labels=EVENT_LABELS, vocabulary=STAFF, zone=zone)
