"""The one command path: a small immutable result, linked ids that survive a replay, the state a command left."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from application.commands import CommandResult
from application.errors import Forbidden, VersionMismatch
from application.household_commands import HouseholdCommands
from application.idempotency import IdempotencyKey
from application.ledger import GridLedger
from application.meeting_commands import MeetingCommands
from application.recent_states import RecentStates
from tests.support.territory import Territory

NEED = {"title": "独居老人家中灯泡坏了", "description": "需要上门更换", "category": "livelihood", "track": "instant"}


def test_a_retried_visit_answers_with_the_same_result_and_the_cases_it_raised(
    ledger: GridLedger, territory: Territory
) -> None:
    households, worker = HouseholdCommands(ledger), territory.staff["worker"]
    home = households.register(
        worker, address="茶苑社区3栋", grid=territory.grid("chayuan-01"), kind="owner", head={"name": "汪德福"}
    )
    key = IdempotencyKey.for_request("visit-1", "visit", home.id, {"notes": "n"})
    # 程晓燕 visits 汪德福 and finds a need; her app retries after a timeout.
    first = households.visit(worker, home.id, notes="老人身体尚好", needs=[NEED], idempotency=key)
    ledger.recent_states = RecentStates(size=0)  # the retry lands on another worker: nothing remembered
    again = households.visit(worker, home.id, notes="老人身体尚好", needs=[NEED], idempotency=key)

    assert isinstance(first, CommandResult) and again == first
    assert (first.id, first.version, len(first.linked_ids)) == (home.id, 2, 1)
    assert ledger.load_case(first.linked_ids[0]).details["household_id"] == home.id
    assert ledger.load_household(home.id).version == 2  # the retry wrote nothing
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.version = 3  # type: ignore[misc]


def test_the_state_a_command_left_is_that_version_even_after_later_changes(
    ledger: GridLedger, territory: Territory
) -> None:
    households, worker = HouseholdCommands(ledger), territory.staff["worker"]
    home = households.register(
        worker, address="茶苑社区3栋", grid=territory.grid("chayuan-01"), kind="owner", head={"name": "汪德福"}
    )
    tagged = households.add_tag(worker, home.id, tag="needy")
    households.add_tag(worker, home.id, tag="elderly_alone")
    ledger.recent_states = RecentStates(size=0)

    state = ledger.state_after(tagged)
    assert (state.version, state.tags) == (2, ["needy"])
    with pytest.raises(VersionMismatch):
        households.add_tag(worker, home.id, tag="disabled", expected_version=2)


def test_an_escalation_links_its_meeting_and_only_organisers_run_meetings(
    ledger: GridLedger, territory: Territory, cases
) -> None:
    meetings, staff = MeetingCommands(ledger), territory.staff
    meeting = meetings.schedule(
        staff["secretary"],
        title="紫阳镇6月问题交办会",
        level="town",
        org=territory.grid("ziyang"),
        scheduled_for=date(2099, 6, 10),
        chair="吴书记",
    )
    case = cases.report(
        staff["worker"],
        {
            "title": "污水管网",
            "description": "社区无力解决",
            "category": "sanitation",
            "channel": "grid_app",
            "track": "general",
            "grid": territory.grid("chayuan-01"),
        },
    )
    cases.accept(staff["dispatcher"], case.id)
    escalated = cases.escalate(staff["dispatcher"], case.id, meeting_id=meeting.id, reason="需镇级统筹")
    assert escalated.linked_ids == (meeting.id,)
    # A dispatcher learns nothing about meetings, not even whether one exists.
    with pytest.raises(Forbidden):
        meetings.close(staff["dispatcher"], "00000000-0000-0000-0000-000000000000")
