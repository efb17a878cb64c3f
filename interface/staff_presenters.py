"""Staff accounts as answers: the account, its role history, its events."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from application.case_history import HistoryEntry
from application.staff import StaffMember
from domain.staff_account import EVENT_LABELS
from interface.labels import STAFF, labelled
from interface.presenters import jsonable, local_time


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
                "valid_from": local_time(row["valid_from"], zone),
                "valid_to": local_time(row["valid_to"], zone),
            }
            for row in rows
        ],
        STAFF,
    )


def history(account_id: str, entries: list[HistoryEntry], zone: tzinfo) -> dict[str, Any]:
    """Every event of the account in order, with Chinese labels; tokens never appear in events."""
    events = [
        {
            "version": entry.version,
            "type": entry.type,
            "label": EVENT_LABELS.get(entry.type, entry.type),
            "at": local_time(entry.at, zone),
            "actor": entry.actor,
            "data": jsonable(entry.data, zone),
        }
        for entry in entries
    ]
    return {"id": account_id, "events": labelled(events, STAFF)}
