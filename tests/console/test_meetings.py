"""交办会 in the console: the list, a meeting's handover list, its downloads, and 交办 from the case page."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.meeting_commands import MeetingCommands
from tests.console.test_case_page import act, page_of, report, signed_in
from tests.support.clock import MovableClock
from tests.support.territory import Territory
from tests.support.waiting import wait_until


def escalated(cases: CaseCommands, ledger: GridLedger, territory: Territory) -> tuple[str, str]:
    meetings = MeetingCommands(ledger)
    meeting = meetings.schedule(
        territory.staff["secretary"],
        title="紫阳镇6月问题交办会",
        level="town",
        org=territory.grid("ziyang"),
        scheduled_for=dt.date(2026, 6, 10),
        chair="吴书记",
    )
    case_id = report(cases, territory)
    dispatcher, chengguan = territory.staff["dispatcher"], territory.staff["chengguan"]
    cases.accept(dispatcher, case_id)
    cases.dispatch(dispatcher, case_id, lead_department=territory.department("chengguan"), co_departments=[])
    cases.claim(chengguan, case_id)
    cases.escalate(chengguan, case_id, meeting_id=meeting.id, reason="需镇级统筹")
    return meeting.id, case_id


def test_escalating_offers_the_meetings_by_name(
    app: Flask, territory: Territory, cases: CaseCommands, ledger: GridLedger
) -> None:
    meeting_id, _ = escalated(cases, ledger, territory)
    case_id = report(cases, territory)
    cases.accept(territory.staff["dispatcher"], case_id)
    dispatcher = signed_in(app, territory, "dispatcher")
    wait_until(
        lambda: "紫阳镇6月问题交办会" in page_of(dispatcher, case_id), what="the meetings register holds the meeting"
    )
    page = page_of(dispatcher, case_id)
    answer = act(dispatcher, case_id, "escalate", page, meeting_id=str(meeting_id), reason="需镇级统筹")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert ledger.read_case(territory.staff["admin"], case_id)[0].meeting_id == str(meeting_id)


def test_a_meeting_page_lists_its_items_with_downloads(
    app: Flask, territory: Territory, cases: CaseCommands, ledger: GridLedger, clock: MovableClock
) -> None:
    meeting_id, case_id = escalated(cases, ledger, territory)
    secretary = signed_in(app, territory, "secretary")
    wait_until(
        lambda: "紫阳镇6月问题交办会" in secretary.get("/console/meetings").get_data(as_text=True),
        what="the meetings register holds the meeting",
    )
    page = secretary.get(f"/console/meetings/{meeting_id}").get_data(as_text=True)
    assert "茶苑社区路灯不亮" in page and "下载 CSV" in page
    csv = secretary.get(f"/console/meetings/{meeting_id}/handover.csv")
    assert csv.status_code == 200 and "茶苑社区路灯不亮" in csv.get_data(as_text=True)
    xlsx = secretary.get(f"/console/meetings/{meeting_id}/handover.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    printable = secretary.get(f"/console/meetings/{meeting_id}/handover.html")
    assert printable.status_code == 200 and "交办" in printable.get_data(as_text=True)
    assert secretary.get(f"/console/meetings/{meeting_id}/handover.exe").status_code == 404

    # 交办 at the meeting, from the case page: the deadline picker and the department pickers.
    clock.advance(days=9)
    MeetingCommands(ledger).hold(territory.staff["secretary"], meeting_id, attendees=["城管"], minutes="逐项交办")
    case_page = page_of(secretary, case_id)
    answer = act(
        secretary,
        case_id,
        "assign",
        case_page,
        lead_department=territory.department("zhujian"),
        co_departments=[territory.department("chengguan")],
        deadline="2026-06-30T18:00",
        instruction="月底前修复",
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    case = ledger.read_case(territory.staff["admin"], case_id)[0]
    assert case.status == "assigned" and case.lead_department == territory.department("zhujian")


def test_a_grid_worker_reads_no_meetings(app: Flask, territory: Territory) -> None:
    worker = signed_in(app, territory, "worker")
    assert "交办会" not in worker.get("/console/").get_data(as_text=True)
    answer = worker.get("/console/meetings")
    assert answer.status_code == 403 and "您无权" in answer.get_data(as_text=True)
