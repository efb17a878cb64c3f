"""A case and its history, from the event store."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from application.case_history import HistoryEntry
from domain.actor import Role
from domain.case import Case
from domain.case_types import EVENT_LABELS
from domain.personal_data import mask_phone, masked
from interface.labels import CASE, DepartmentNames, labelled
from interface.presenters.times import jsonable, local_iso


def case_state(
    case: Case,
    *,
    position: int,
    now: datetime,
    zone: tzinfo,
    viewer_role: Role,
    department_name: DepartmentNames | None = None,
) -> dict[str, Any]:
    details = case.details
    return labelled(
        {
            "id": str(case.id),
            "case_no": case.case_no,
            "title": case.title,
            "description": case.description,
            "category": str(case.category),
            "channel": str(case.channel),
            "track": str(case.track),
            "grid": case.grid,
            "status": str(case.status),
            "lead_department": case.lead_department,
            "co_departments": list(case.co_departments),
            "due_at": local_iso(case.due_at, zone),
            "claim_due_at": local_iso(case.claim_due_at, zone),
            "resolve_due_at": local_iso(case.resolve_due_at, zone),
            "overdue": case.is_overdue(now),
            "deadlines": _deadlines(case, now, zone),
            "suspended": case.suspended,
            "returns": case.returns,
            "urges": case.urges,
            "extension_request": _extension_request(case.extension_request, zone),
            "acknowledged_by": list(case.acknowledged_by),
            "follow_up_attempts": [_follow_up(a, zone) for a in case.follow_up_attempts],
            "meeting_id": case.meeting_id,
            "follow_ups": [_follow_up(f, zone) for f in case.follow_ups],
            "resolution": _stamped(case.resolution, zone),
            "reopen_count": case.reopen_count,
            "merged_into": case.merged_into,
            "merged_cases": list(case.merged_cases),
            "location": details.get("location"),
            "reporter": _reporter(details.get("reporter"), viewer_role),
            "household_id": details.get("household_id"),
            "patrol_id": details.get("patrol_id"),
            "attachments": details.get("attachments", []),
            "reported_by": case.reported_by,
            "version": case.version,
            "position": position,
            "created_at": local_iso(case.created_on, zone),
            "updated_at": local_iso(case.modified_on, zone),
        },
        CASE,
        department_name,
    )


def history(
    case: Case,
    entries: list[HistoryEntry],
    zone: tzinfo,
    viewer_role: Role,
    department_name: DepartmentNames | None = None,
) -> dict[str, Any]:
    """The events carry the reporter's phone as given: masked for everyone but an admin."""
    reveal = viewer_role == Role.ADMIN
    return labelled(
        {
            "id": str(case.id),
            "case_no": case.case_no,
            "events": [
                {
                    "version": entry.version,
                    "type": entry.type,
                    "label": _label(entry),
                    "at": local_iso(entry.at, zone),
                    "actor": entry.actor,
                    "data": jsonable(entry.data if reveal else masked(entry.data), zone),
                }
                for entry in entries
            ],
        },
        CASE,
        department_name,
    )


def _label(entry: HistoryEntry) -> str:
    if entry.type == "Resolved" and entry.data.get("on_the_spot"):
        return "就地办结"
    if entry.type == "FollowedUp" and entry.data.get("attempt"):
        return "回访未接通"
    return EVENT_LABELS.get(entry.type, entry.type)


def _reporter(reporter: dict[str, Any] | None, viewer_role: Role) -> dict[str, Any] | None:
    if not reporter or not reporter.get("phone") or viewer_role == Role.ADMIN:
        return reporter
    return {**reporter, "phone": mask_phone(reporter["phone"])}


def _follow_up(follow_up: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    return {**follow_up, "at": local_iso(follow_up["at"], zone)}


STAGES = ("accept", "claim", "resolve", "follow_up")


def _deadlines(case: Case, now: datetime, zone: tzinfo) -> dict[str, Any]:
    states = case.deadline_states(now)
    return {stage: _deadline(states[stage], zone) if stage in states else None for stage in STAGES}


def _deadline(state: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    return {
        "due_at": local_iso(state["due_at"], zone),
        "met_at": local_iso(state["met_at"], zone),
        "overdue": state["overdue"],
        "unit": state.get("unit"),
        "rule_version": state.get("rule_version"),
        "calendar_version": state.get("calendar_version"),
        "calendar_complete": state.get("calendar_complete", True),
    }


def _extension_request(request: dict[str, Any] | None, zone: tzinfo) -> dict[str, Any] | None:
    if request is None:
        return None
    return {**_stamped(request, zone), "due_at": local_iso(request["due_at"], zone)}


def _stamped(record: dict[str, Any] | None, zone: tzinfo) -> dict[str, Any] | None:
    return None if record is None else {**record, "at": local_iso(record["at"], zone)}
