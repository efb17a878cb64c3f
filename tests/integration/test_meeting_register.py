"""The meetings register and the departments named on each meeting: a rebuild, in any batch size, gives the
same rows; a department is named once however many items name it."""

from __future__ import annotations

from datetime import date

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.meeting_commands import MeetingCommands
from projections import meetings
from projections.registry import MEETINGS, Projections
from tests.support.clock import MovableClock
from tests.support.projection_worker import table_rows
from tests.support.territory import Territory


def _june_meeting(ledger: GridLedger, territory: Territory, clock: MovableClock) -> str:
    """紫阳镇's June meeting: three items, 城管 leading two of them and co-handling the third."""
    t, cases, organiser = territory, CaseCommands(ledger), MeetingCommands(ledger)
    secretary, dispatcher = t.staff["secretary"], t.staff["dispatcher"]
    meeting = str(
        organiser.schedule(
            secretary,
            title="紫阳镇6月问题交办会",
            level="town",
            org=t.grid("ziyang"),
            scheduled_for=date(2026, 6, 10),
            chair="吴书记",
        ).id
    )
    ids = []
    for title in ("污水管网改造", "停车位不足", "电梯加装"):
        case = str(
            cases.report(
                t.staff["worker"],
                {
                    "title": title,
                    "description": "社区无力解决",
                    "category": "municipal",
                    "channel": "deliberation",
                    "track": "general",
                    "grid": t.grid("chayuan-01"),
                },
            ).id
        )
        cases.accept(dispatcher, case)
        cases.escalate(dispatcher, case, meeting_id=meeting, reason="需镇级统筹")
        ids.append(case)
    clock.advance(days=9)
    organiser.hold(secretary, meeting, attendees=["城管", "住建"], minutes="逐项交办")
    for case, lead, co in zip(
        ids, ("chengguan", "chengguan", "zhujian"), ([], ["zhujian"], ["chengguan"]), strict=True
    ):
        cases.assign(
            secretary,
            case,
            lead_department=t.department(lead),
            co_departments=[t.department(name) for name in co],
            deadline=clock.now.replace(year=2027),
        )
    return meeting


def test_a_rebuild_in_any_batch_size_gives_the_same_rows(
    ledger: GridLedger, territory: Territory, clock: MovableClock
) -> None:
    meeting = _june_meeting(ledger, territory, clock)
    running = Projections(ledger, batch_size=2)
    try:
        running.engine.catch_up([MEETINGS])
        before = table_rows(running.db, meetings.metadata.sorted_tables)
        named = sorted(
            department for meeting_id, department in before["rm_meeting_departments"] if meeting_id == meeting
        )
        assert named == sorted([territory.department("chengguan"), territory.department("zhujian")])
        for batch_size in (1000, 1):
            running.engine.batch_size = batch_size
            running.engine.reset([MEETINGS], without_indexes=batch_size == 1000)
            running.engine.catch_up([MEETINGS])
            running.engine.create_indexes([MEETINGS])
            assert table_rows(running.db, meetings.metadata.sorted_tables) == before, batch_size
    finally:
        running.close()
