"""The 问题交办会 keeps to its calendar (it sits on its day or later; items are assigned at it, once held) and
to its list (交办清单): each case once, assigned while it sits, ticked off (销号) once, even after it closed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.actor import Actor, Role
from domain.case import Case
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.meeting import Meeting

SECRETARY = Actor("staff-zhouhong", "周红", Role.MEETING_SECRETARY)
DISPATCHER = Actor("staff-wangmin", "王敏", Role.DISPATCHER, "ziyang")
WORKER = Actor("staff-chengxy", "程晓燕", Role.GRID_WORKER, "chayuan-01")
SCHEDULED_AT = datetime(2026, 5, 20, 1, 0, tzinfo=UTC)  # 09:00 in 紫阳镇, three weeks ahead of the meeting
MEETING_DAY = date(2026, 6, 10)
ON_THE_DAY = datetime(2026, 6, 10, 1, 30, tzinfo=UTC)  # 09:30 local


def june_meeting() -> Meeting:
    return Meeting(
        title="紫阳镇6月问题交办会",
        level="town",
        org="ziyang",
        scheduled_for=MEETING_DAY.isoformat(),
        chair="吴书记",
        actor=SECRETARY.as_record(),
        timestamp=SCHEDULED_AT,
    )


def escalated_case(meeting: Meeting) -> Case:
    case = Case(
        case_no="AJ-20260520-0001",
        actor=WORKER.as_record(),
        timestamp=SCHEDULED_AT + timedelta(hours=1),
        accept_deadline=None,
        report={
            "title": "和平岗水沟发臭",
            "description": "污水管网需改造",
            "category": "sanitation",
            "channel": "deliberation",
            "track": "general",
            "grid": "chayuan-01",
        },
    )
    at = SCHEDULED_AT + timedelta(hours=2)
    case.accept(actor=DISPATCHER, timestamp=at)
    case.escalate(meeting, actor=DISPATCHER, timestamp=at, reason="社区无力解决")
    return case


def hold(meeting: Meeting, moment: datetime, local_date: date) -> None:
    meeting.hold(actor=SECRETARY, timestamp=moment, local_date=local_date, attendees=["城管"], minutes="逐项交办")


def assign(case: Case, meeting: Meeting, moment: datetime) -> None:
    case.assign(
        meeting,
        actor=SECRETARY,
        timestamp=moment,
        lead_department="chengguan",
        co_departments=[],
        deadline=moment + timedelta(days=20),
    )


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


# -- its items (交办清单) -----------------------------------------------------------------------------
def test_escalating_puts_the_case_on_the_list_once_and_only_before_it_sits() -> None:
    meeting = june_meeting()
    case = escalated_case(meeting)
    item = meeting.items[str(case.id)]
    assert (item["case_no"], item["reason"], item["assignment"], item["ticked_off_at"]) == (
        "AJ-20260520-0001",
        "社区无力解决",
        None,
        None,
    )
    assert [type(e).__name__ for e in meeting.pending_events] == ["Scheduled", "ItemSubmitted"]
    with pytest.raises(InvalidCommand, match="already on this meeting's list"):
        meeting.submit(
            case_id=str(case.id),
            case_no=case.case_no,
            reason="再次提交",
            actor=DISPATCHER,
            timestamp=SCHEDULED_AT + timedelta(days=1),
        )
    hold(meeting, ON_THE_DAY, MEETING_DAY)
    with pytest.raises(TransitionNotAllowed, match="'escalate to' is not allowed when the meeting is 'held'"):
        escalated_case(meeting)


def test_an_assignment_names_the_departments_and_the_deadline() -> None:
    meeting = june_meeting()
    case = escalated_case(meeting)
    hold(meeting, ON_THE_DAY, MEETING_DAY)
    case.assign(
        meeting,
        actor=SECRETARY,
        timestamp=ON_THE_DAY,
        lead_department="zhujian",
        co_departments=["chengguan"],
        deadline=ON_THE_DAY + timedelta(days=30),
        instruction="月底前完成管网改造",
    )
    assignment = meeting.items[str(case.id)]["assignment"]
    assert (assignment["lead_department"], assignment["co_departments"], assignment["deadline"]) == (
        "zhujian",
        ["chengguan"],
        ON_THE_DAY + timedelta(days=30),
    )
    assert meeting.departments() == {"zhujian", "chengguan"}
    assert (case.lead_department, case.resolve_due_at) == ("zhujian", ON_THE_DAY + timedelta(days=30))


def test_only_the_cases_on_its_list_are_assigned_or_ticked_off() -> None:
    meeting = june_meeting()
    hold(meeting, ON_THE_DAY, MEETING_DAY)
    with pytest.raises(InvalidCommand, match="not on this meeting's list"):
        meeting.record_assignment(
            case_id="case-elsewhere",
            lead_department="chengguan",
            co_departments=[],
            deadline=ON_THE_DAY + timedelta(days=7),
            instruction=None,
            actor=SECRETARY,
            timestamp=ON_THE_DAY,
        )
    with pytest.raises(InvalidCommand, match="not on this meeting's list"):
        meeting.tick_off(case_id="case-elsewhere", actor=SECRETARY, timestamp=ON_THE_DAY)
    assert meeting.version == 2


def test_a_closed_meeting_assigns_nothing_but_ticks_off_its_items_once() -> None:
    # 销号 happens when the item's case is closed, usually weeks after the meeting closed.
    meeting = june_meeting()
    case = escalated_case(meeting)
    hold(meeting, ON_THE_DAY, MEETING_DAY)
    meeting.close(actor=SECRETARY, timestamp=ON_THE_DAY + timedelta(hours=3))
    assert meeting.status == "closed"
    with pytest.raises(TransitionNotAllowed, match="'assign at' is not allowed when the meeting is 'closed'"):
        assign(case, meeting, ON_THE_DAY + timedelta(hours=4))
    ticked_at = ON_THE_DAY + timedelta(days=25)
    meeting.tick_off(case_id=str(case.id), actor=SECRETARY, timestamp=ticked_at)
    assert meeting.items[str(case.id)]["ticked_off_at"] == ticked_at
    with pytest.raises(TransitionNotAllowed, match="'tick off' is not allowed when the item is 'ticked_off'"):
        meeting.tick_off(case_id=str(case.id), actor=SECRETARY, timestamp=ticked_at + timedelta(days=1))


def test_a_meeting_is_held_once_and_closed_only_after_it_sat() -> None:
    meeting = june_meeting()
    with pytest.raises(TransitionNotAllowed, match="'close' is not allowed when the meeting is 'scheduled'"):
        meeting.close(actor=SECRETARY, timestamp=ON_THE_DAY)
    hold(meeting, ON_THE_DAY, MEETING_DAY)
    with pytest.raises(TransitionNotAllowed, match="'hold' is not allowed when the meeting is 'held'"):
        hold(meeting, ON_THE_DAY + timedelta(hours=1), MEETING_DAY)
    assert (meeting.attendees, meeting.minutes) == (["城管"], "逐项交办")
