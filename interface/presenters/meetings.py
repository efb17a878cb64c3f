"""Handover meetings (交办会): a meeting from the event store, and a row of the meetings register."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from domain.meeting import Meeting
from interface.labels import MEETING, DepartmentNames, labelled
from interface.presenters.times import local_iso


def meeting_row(row: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    return labelled(
        {**row, "scheduled_for": row["scheduled_for"].isoformat(), "created_at": local_iso(row["created_at"], zone)},
        MEETING,
    )


def meeting_state(
    meeting: Meeting, position: int | None, zone: tzinfo, department_name: DepartmentNames
) -> dict[str, Any]:
    """A meeting with the items submitted to it (``position``: only in a command's answer)."""
    return labelled(
        {
            "id": str(meeting.id),
            "title": meeting.title,
            "level": meeting.level,
            "org": meeting.org,
            "scheduled_for": meeting.scheduled_for,
            "chair": meeting.chair,
            "status": meeting.status,
            "attendees": list(meeting.attendees),
            "minutes": meeting.minutes,
            "items": [
                {
                    "case_id": item["case_id"],
                    "case_no": item["case_no"],
                    "reason": item["reason"],
                    "submitted_by": item["submitted_by"],
                    "submitted_at": local_iso(item["submitted_at"], zone),
                    "assignment": None
                    if item["assignment"] is None
                    else {
                        **{k: v for k, v in item["assignment"].items() if k not in ("deadline", "at")},
                        "deadline": local_iso(item["assignment"]["deadline"], zone),
                        "at": local_iso(item["assignment"]["at"], zone),
                    },
                    "ticked_off_at": local_iso(item["ticked_off_at"], zone),
                }
                for item in meeting.items.values()
            ],
            "version": meeting.version,
            "position": position,
            "created_at": local_iso(meeting.created_on, zone),
            "updated_at": local_iso(meeting.modified_on, zone),
        },
        MEETING,
        department_name,
    )
