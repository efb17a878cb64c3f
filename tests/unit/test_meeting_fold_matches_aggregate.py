"""The meetings register folds a meeting's events into its row (projections/meetings.py: ``fold``). Random valid
command sequences check that, after every command, the row says what the Meeting aggregate says: its calendar
fields, its status, how many items its list holds, and the departments its items were assigned to (who reads it).

No database: events come from the in-memory store, decoded as the projection engine decodes a batch. Each item is
assigned at most once, as on the command path (the case's own assignment refuses a second one).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.meeting import Meeting
from projections import meetings
from tests.support.in_memory_store import InMemoryStore
from tests.support.properties import bounded, commands_in_turn
from tests.unit.test_meeting_rules import SCHEDULED_AT, SECRETARY, june_meeting

DEPARTMENTS = ("chengguan", "zhujian", "shichang", "gongan")  # 城管, 住建, 市场监管, 公安
PAUSES = tuple(timedelta(hours=h) for h in (1, 9, 24 * 7, 24 * 30))


class Register:
    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.row: dict[str, Any] | None = None

    def record(self, meeting: Meeting) -> None:
        for event in self.store.save_and_read(meeting):
            self.row = meetings.fold(self.row, event)

    def assert_row_matches(self, meeting: Meeting) -> None:
        assert self.row is not None
        assert {key: value for key, value in self.row.items() if key != "departments"} == {
            "id": str(meeting.id),
            "title": meeting.title,
            "level": meeting.level,
            "org": meeting.org,
            "scheduled_for": date.fromisoformat(meeting.scheduled_for),
            "chair": meeting.chair,
            "status": meeting.status,
            "items": len(meeting.items),
            "created_at": meeting.created_on,
        }
        assert set(self.row["departments"]) == meeting.departments()
        assert len(self.row["departments"]) == len(meeting.departments())  # each once
        assert meetings.department_rows(self.row) == [
            {"meeting_id": str(meeting.id), "department": department} for department in self.row["departments"]
        ]


def meeting_command(meeting: Meeting, data: st.DataObject, now: Any) -> None:
    command = data.draw(st.sampled_from(("submit", "hold", "assign", "tick off", "close")), label="command")
    if command == "submit":
        meeting.submit(
            case_id=str(uuid4()), case_no="AJ-20260520-0001", reason="社区无力解决", actor=SECRETARY, timestamp=now
        )
    elif command == "hold":
        meeting.hold(actor=SECRETARY, timestamp=now, local_date=now.date(), attendees=["城管"], minutes="逐项交办")
    elif command in ("assign", "tick off"):
        if not meeting.items:
            return
        # By place in the list, not by id: ids are random, the examples must not be.
        case_id = list(meeting.items)[data.draw(st.integers(0, len(meeting.items) - 1), label="item")]
        if command == "tick off":
            meeting.tick_off(case_id=case_id, actor=SECRETARY, timestamp=now)
        elif meeting.items[case_id]["assignment"] is None:
            lead = data.draw(st.sampled_from(DEPARTMENTS), label="lead")
            co = data.draw(st.lists(st.sampled_from([d for d in DEPARTMENTS if d != lead]), max_size=3), label="co")
            meeting.record_assignment(
                case_id=case_id,
                lead_department=lead,
                co_departments=co,
                deadline=now + timedelta(days=20),
                instruction=None,
                actor=SECRETARY,
                timestamp=now,
            )
    else:
        meeting.close(actor=SECRETARY, timestamp=now)


@bounded
@given(st.data())
def test_meeting_row_folded_from_the_events_equals_the_aggregate(data: st.DataObject) -> None:
    register = Register()
    # 1. The meeting secretary schedules 紫阳镇's June 交办会.
    meeting = june_meeting()
    register.record(meeting)
    register.assert_row_matches(meeting)

    # 2. Cases are put on its list, it sits, items are assigned and ticked off, it closes; a refused command
    #    records nothing.
    def recorded() -> None:
        register.record(meeting)
        register.assert_row_matches(meeting)

    commands_in_turn(data, meeting, meeting_command, recorded, now=SCHEDULED_AT, steps=25, pauses=PAUSES)


def test_the_fold_leaves_the_row_it_is_given_alone() -> None:
    register, meeting = Register(), june_meeting()
    register.record(meeting)
    before = register.row
    snapshot = dict(before or {})
    meeting.submit(case_id=str(uuid4()), case_no="AJ-1", reason="r", actor=SECRETARY, timestamp=SCHEDULED_AT)
    register.record(meeting)
    assert before == snapshot and register.row is not before
