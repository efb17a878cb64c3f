"""The handover list (交办清单) of a meeting, as it stands now or stood at any moment.

Built from the meeting's and its cases' events, so ``as_of`` is exact: every item submitted to this
meeting, plus the items of the same organisation's earlier meetings that were still open when this
one was held (carried over, 结转), each with its case's state at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from application.case_history import state_as_of
from application.errors import NotFound
from application.ledger import GridLedger
from domain.case_types import STATUS_LABELS
from domain.meeting import Meeting

STATUS_WORDS = {"open": "未销号", "ticked_off": "已销号", "overdue": "超期"}


@dataclass(frozen=True)
class HandoverItem:
    no: int
    case_id: str
    case_no: str
    title: str
    grid: str
    community: str | None
    submitted_by: str
    lead_department: str | None
    co_departments: list[str]
    deadline: datetime | None
    progress: str
    status: str
    ticked_off_at: datetime | None
    carried_over_from: str | None
    carried_over_label: str | None  # the earlier meeting's date and title, for people


def build(
    ledger: GridLedger, meeting_id: str, *, earlier_meeting_ids: list[str], as_of: datetime | None
) -> tuple[Meeting, list[HandoverItem]]:
    moment = as_of or ledger.clock()
    meeting = _meeting_at(ledger, meeting_id, moment)
    list_drawn_up = datetime.combine(_date(meeting.scheduled_for), time.min, tzinfo=ledger.local_zone)
    entries: list[tuple[dict[str, Any], Meeting | None]] = []
    for earlier_id in earlier_meeting_ids:
        try:
            earlier = _meeting_at(ledger, earlier_id, moment)
        except NotFound:
            continue  # scheduled after the moment asked about
        for item in earlier.items.values():
            if item["ticked_off_at"] is None or item["ticked_off_at"] > list_drawn_up:
                entries.append((item, earlier))
    entries += [(item, None) for item in meeting.items.values()]
    return meeting, [_row(ledger, n, item, origin, moment) for n, (item, origin) in enumerate(entries, 1)]


def _meeting_at(ledger: GridLedger, meeting_id: str, moment: datetime) -> Meeting:
    current = ledger.load_meeting(meeting_id)
    past = state_as_of(list(ledger.events.get(current.id)), moment)
    if past is None:
        raise NotFound(f"meeting '{meeting_id}' did not exist yet at {moment.isoformat()}")
    return past


def _row(ledger: GridLedger, no: int, item: dict[str, Any], origin: Meeting | None, moment: datetime) -> HandoverItem:
    events = list(ledger.events.get(UUID(item["case_id"])))
    case = state_as_of(events, moment)
    assignment = item["assignment"] or {}
    ticked_off_at = item["ticked_off_at"] if item["ticked_off_at"] and item["ticked_off_at"] <= moment else None
    deadline = assignment.get("deadline")
    if ticked_off_at is not None:
        status = "ticked_off"
    elif deadline is not None and deadline < moment:
        status = "overdue"
    else:
        status = "open"
    return HandoverItem(
        no=no,
        case_id=item["case_id"],
        case_no=item["case_no"],
        title=case.title if case else "",
        grid=case.grid if case else "",
        community=ledger.directory.community_name(case.grid) if case else None,
        submitted_by=item["submitted_by"]["name"],
        lead_department=assignment.get("lead_department"),
        co_departments=list(assignment.get("co_departments", [])),
        deadline=deadline,
        progress=_progress(events, moment, case),
        status=status,
        ticked_off_at=ticked_off_at,
        carried_over_from=str(origin.id) if origin else None,
        carried_over_label=f"{origin.scheduled_for} {origin.title}" if origin else None,
    )


def _progress(events: list[Any], moment: datetime, case: Any) -> str:
    """The latest progress note (处置进展) or resolution by then, else the case's status in words."""
    for event in reversed(events):
        if event.timestamp > moment:
            continue
        if type(event).__name__ == "NoteAdded":
            return event.text
        if type(event).__name__ == "Resolved":
            return event.result
    return STATUS_LABELS.get(case.status, str(case.status)) if case else ""


def _date(iso: str) -> date:
    return date.fromisoformat(iso)
