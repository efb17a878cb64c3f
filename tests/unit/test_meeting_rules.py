"""The 问题交办会 keeps to its calendar: it sits on its day or later, and items are assigned at it, once held."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.actor import Actor, Role
from domain.case import Case
from domain.errors import TransitionNotAllowed
from domain.meeting import Meeting

SECRETARY = Actor("staff-zhouhong", "周红", Role.MEETING_SECRETARY)
DISPATCHER = Actor("staff-wangmin", "王敏", Role.DISPATCHER, "ziyang")
WORKER = Actor("staff-chengxy", "程晓燕", Role.GRID_WORKER, "chayuan-01")
SCHEDULED_AT = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)  # 09:00 in 紫阳镇, three weeks ahead of the meeting
MEETING_DAY = date(2026, 6, 10)
ON_THE_DAY = datetime(2026, 6, 10, 1, 30, tzinfo=UTC)  # 09:30 local


def june_meeting() -> Meeting:
    return Meeting(title="紫阳镇6月问题交办会", level="town", org="ziyang", scheduled_for=MEETING_DAY.isoformat(),
                   chair="吴书记", actor=SECRETARY.as_record(), timestamp=SCHEDULED_AT)


def escalated_case(meeting: Meeting) -> Case:
    case = Case(case_no="AJ-20260520-0001", actor=WORKER.as_record(), timestamp=SCHEDULED_AT + timedelta(hours=1),
                report={"title": "和平岗水沟发臭", "description": "污水管网需改造", "category": "sanitation",
                        "channel": "deliberation", "track": "general", "grid": "chayuan-01"})
    at = SCHEDULED_AT + timedelta(hours=2)
    case.accept(actor=DISPATCHER, timestamp=at, claim_due_at=at + timedelta(days=1),
                resolve_due_at=at + timedelta(days=7))
    case.escalate(meeting, actor=DISPATCHER, timestamp=at, reason="社区无力解决")
    return case


def hold(meeting: Meeting, moment: datetime, local_date: date) -> None:
    meeting.hold(actor=SECRETARY, timestamp=moment, local_date=local_date, attendees=["城管"], minutes="逐项交办")


def assign(case: Case, meeting: Meeting, moment: datetime) -> None:
    case.assign(meeting, actor=SECRETARY, timestamp=moment, lead_department="chengguan", co_departments=[],
                deadline=moment + timedelta(days=20))


def test_a_meeting_cannot_be_held_before_its_day() -> None:
    meeting = june_meeting()
    with pytest.raises(TransitionNotAllowed, match=r"scheduled for 2026-06-10 .* not on 2026-05-21"):
        hold(meeting, SCHEDULED_AT + timedelta(days=1), date(2026, 5, 21))
    # The day before, late in the evening local time, is still too early
    with pytest.raises(TransitionNotAllowed):
        hold(meeting, datetime(2026, 6, 9, 15, 0, tzinfo=UTC), date(2026, 6, 9))
    assert meeting.status == "scheduled" and meeting.version == 1


@pytest.mark.parametrize("local_date", [MEETING_DAY, date(2026, 6, 12)])
def test_a_meeting_is_held_on_its_day_or_later(local_date: date) -> None:
    meeting = june_meeting()
    hold(meeting, ON_THE_DAY, local_date)
    assert meeting.status == "held"


def test_items_are_assigned_only_at_a_held_meeting() -> None:
    meeting = june_meeting()
    case = escalated_case(meeting)
    with pytest.raises(TransitionNotAllowed, match="has not been held yet"):
        assign(case, meeting, SCHEDULED_AT + timedelta(days=3))
    assert case.status == "escalated" and meeting.items[str(case.id)]["assignment"] is None
    hold(meeting, ON_THE_DAY, MEETING_DAY)
    assign(case, meeting, ON_THE_DAY + timedelta(minutes=5))
    assert case.status == "assigned" and meeting.departments() == {"chengguan"}
