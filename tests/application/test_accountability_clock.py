"""The accountability clock (issue 13): deadlines per stage by the working-day calendar and versioned rules.

Expected dates come from ``chinese_calendar`` directly, never from the code under test; time moves by the
test's clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.settings import Settings
from domain.case_types import Status
from tests.support.clock import MovableClock
from tests.support.territory import Territory, build_territory

ZIYANG = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZIYANG)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, ZIYANG)


def nth_working_day_after(day: date, n: int) -> date:
    """Counted with chinese_calendar itself: the Nth official working day after ``day``."""
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


class Desk:
    """The people of 紫阳镇 working one general case about a street light, through the application."""

    def __init__(self, ledger: GridLedger, cases: CaseCommands, territory: Territory, clock: MovableClock) -> None:
        self.ledger, self.cases, self.t, self.clock = ledger, cases, territory, clock

    def at(self, moment: datetime) -> None:
        self.clock.now = moment

    def who(self, key: str) -> Any:
        return self.t.staff[key]

    def report(self, **overrides: Any) -> str:
        body = {
            "title": "文公北路路灯不亮",
            "description": "两盏路灯连续三晚不亮",
            "category": "municipal",
            "channel": "grid_app",
            "track": "general",
            "grid": self.t.grid("chayuan-01"),
            **overrides,
        }
        return self.cases.report(self.who("worker"), body).id

    def dispatch(self, case_id: str, co: tuple[str, ...] = ()) -> None:
        self.cases.accept(self.who("dispatcher"), case_id)
        self.cases.dispatch(
            self.who("dispatcher"),
            case_id,
            lead_department=self.t.department("chengguan"),
            co_departments=[self.t.department(d) for d in co],
        )

    def case(self, case_id: str) -> Any:
        return self.ledger.load_case(case_id)


@pytest.fixture
def desk(ledger: GridLedger, cases: CaseCommands, territory: Territory, clock: MovableClock) -> Desk:
    """2026's official calendar and the default rules (the PostgreSQL database is shared by the whole run, and
    an import replaces the year's days: whatever another test set in 2026 is gone)."""
    admin = territory.staff["admin"]
    ledger.clock_rules.import_year(admin, 2026)  # `gridledger calendar import --year 2026`
    ledger.clock_rules.set_rules(admin, {})
    return Desk(ledger, cases, territory, clock)


def test_the_national_day_scenario(desk: Desk) -> None:
    # Reported on Wednesday 2026-09-30 at 16:00: accept by the end of the first working day after it.
    desk.at(local(date(2026, 9, 30), 16))
    case_id = desk.report()
    accept_due = end_of(nth_working_day_after(date(2026, 9, 30), 1))
    assert accept_due == end_of(date(2026, 10, 8))  # 10-01…10-07 are the National Day holiday
    assert desk.case(case_id).due_at == accept_due
    assert desk.case(case_id).deadlines["accept"]["calendar_complete"] is True

    # Accepted on the 8th, dispatched on Friday the 9th at 10:00.
    desk.at(local(date(2026, 10, 8), 9))
    desk.cases.accept(desk.who("dispatcher"), case_id)
    desk.at(local(date(2026, 10, 9), 10))
    desk.cases.dispatch(
        desk.who("dispatcher"), case_id, lead_department=desk.t.department("chengguan"), co_departments=[]
    )
    case = desk.case(case_id)
    assert case.deadlines["accept"]["met_at"] == local(date(2026, 10, 8), 9)
    assert case.claim_due_at == end_of(nth_working_day_after(date(2026, 10, 9), 1)) == end_of(date(2026, 10, 10))
    assert case.resolve_due_at == end_of(nth_working_day_after(date(2026, 10, 9), 5)) == end_of(date(2026, 10, 15))

    # 城管 claims on the 调休 Saturday; suspended 10-13 10:00, resumed 10-15 10:00: two working days.
    desk.at(local(date(2026, 10, 10), 9))
    desk.cases.claim(desk.who("chengguan"), case_id)
    desk.at(local(date(2026, 10, 13), 10))
    desk.cases.suspend(desk.who("dispatcher"), case_id, reason="等待供电公司停电检修")
    desk.at(local(date(2026, 10, 15), 10))
    desk.cases.resume(desk.who("dispatcher"), case_id)

    resolve_due = end_of(nth_working_day_after(date(2026, 10, 15), 2))
    assert resolve_due == end_of(date(2026, 10, 19))  # 10-17/18 are a weekend
    case = desk.case(case_id)
    assert (case.resolve_due_at, case.due_at, case.suspended) == (resolve_due, resolve_due, False)
    assert case.deadlines["resolve"]["rule_version"] == desk.ledger.clock_rules.rules_state()["version"]
    assert case.deadlines["resolve"]["calendar_version"] == desk.ledger.clock_rules.calendar().version


def test_a_suspended_case_is_never_overdue_and_its_deadline_waits(desk: Desk) -> None:
    desk.at(local(date(2026, 11, 2), 9))  # a Monday
    case_id = desk.report()
    desk.dispatch(case_id)
    desk.cases.claim(desk.who("chengguan"), case_id)
    desk.cases.suspend(desk.who("dispatcher"), case_id, reason="当事人住院")

    desk.at(local(date(2026, 12, 1), 9))
    case = desk.case(case_id)
    assert case.suspended and not case.is_overdue(desk.clock.now)
    assert not case.deadline_states(desk.clock.now)["resolve"]["overdue"]

    desk.cases.resume(desk.who("dispatcher"), case_id)
    case = desk.case(case_id)
    assert case.resolve_due_at > desk.clock.now and not case.is_overdue(desk.clock.now)


def test_changing_rules_or_calendar_never_moves_a_deadline_already_set(desk: Desk) -> None:
    admin = desk.who("admin")
    desk.ledger.clock_rules.set_rules(admin, {"general": {"resolve": {"working_days": 3}}})
    rules_then = desk.ledger.clock_rules.rules_state()["version"]
    desk.at(local(date(2026, 11, 2), 9))  # Monday
    first = desk.report()
    desk.dispatch(first)
    set_due = end_of(nth_working_day_after(date(2026, 11, 2), 3))
    assert desk.case(first).resolve_due_at == set_due
    assert desk.case(first).deadlines["resolve"]["rule_version"] == rules_then

    # New rules and a holiday inside the first case's window.
    desk.ledger.clock_rules.set_rules(admin, {"general": {"resolve": {"working_days": 10}}})
    desk.ledger.clock_rules.set_day(admin, date(2026, 11, 3), kind="holiday", name="停电检修日")
    assert desk.case(first).resolve_due_at == set_due

    later = desk.report()
    desk.dispatch(later)
    working = [d for d in (date(2026, 11, 2) + timedelta(days=i) for i in range(1, 30)) if d != date(2026, 11, 3)]
    expected = end_of([d for d in working if chinese_calendar.is_workday(d)][9])
    assert desk.case(later).resolve_due_at == expected
    assert desk.case(later).deadlines["resolve"]["rule_version"] == rules_then + 1


def test_a_year_without_calendar_counts_mon_to_fri_and_says_so(desk: Desk) -> None:
    desk.at(local(date(2027, 3, 1), 9))
    case_id = desk.report()
    accept = desk.case(case_id).deadlines["accept"]
    assert accept["due_at"] == end_of(date(2027, 3, 2)) and accept["calendar_complete"] is False


def test_return_after_claim_only_within_the_return_window(desk: Desk) -> None:
    desk.at(local(date(2026, 11, 2), 9))
    early, late = desk.report(), desk.report()
    for case_id in (early, late):
        desk.dispatch(case_id)
        desk.cases.claim(desk.who("chengguan"), case_id)
    desk.at(local(date(2026, 11, 3), 17))  # within 1 working day after dispatch
    desk.cases.return_to_centre(desk.who("chengguan"), early, reason="属供电公司产权")
    case = desk.case(early)
    assert (case.status, case.returns, case.claim_due_at) == (Status.ACCEPTED, 1, None)

    desk.at(local(date(2026, 11, 4), 9))
    with pytest.raises(Exception, match="'return' is not allowed when the case is 'in_progress'") as error:
        desk.cases.return_to_centre(desk.who("chengguan"), late, reason="太晚了")
    assert type(error.value).__name__ == "TransitionNotAllowed"


def test_redispatch_restarts_the_claim_clock_and_keeps_the_resolve_deadline(desk: Desk) -> None:
    desk.at(local(date(2026, 11, 2), 9))
    case_id = desk.report()
    desk.dispatch(case_id)
    resolve_due = desk.case(case_id).resolve_due_at
    desk.at(local(date(2026, 11, 4), 9))
    desk.cases.redispatch(
        desk.who("dispatcher"), case_id, lead_department=desk.t.department("zhujian"), co_departments=[], reason="改派"
    )
    case = desk.case(case_id)
    assert (case.status, case.lead_department) == (Status.DISPATCHED, desk.t.department("zhujian"))
    assert case.claim_due_at == end_of(nth_working_day_after(date(2026, 11, 4), 1))
    assert case.resolve_due_at == resolve_due


def test_extension_requested_then_granted_or_refused(desk: Desk) -> None:
    desk.at(local(date(2026, 11, 2), 9))
    granted, refused = desk.report(), desk.report()
    for case_id in (granted, refused):
        desk.dispatch(case_id)
        desk.cases.claim(desk.who("chengguan"), case_id)
        desk.cases.request_extension(
            desk.who("chengguan"), case_id, due_at=end_of(date(2026, 11, 30)), reason="需采购灯具"
        )
    with pytest.raises(Exception, match="pending already"):
        desk.cases.request_extension(desk.who("chengguan"), granted, due_at=end_of(date(2026, 12, 5)), reason="再延")

    desk.cases.extend(desk.who("dispatcher"), granted, due_at=end_of(date(2026, 11, 30)), reason="同意")
    desk.cases.refuse_extension(desk.who("dispatcher"), refused, reason="时限足够")
    assert (desk.case(granted).resolve_due_at, desk.case(granted).extension_request) == (
        end_of(date(2026, 11, 30)),
        None,
    )
    assert desk.case(refused).extension_request is None
    assert desk.case(refused).resolve_due_at == end_of(nth_working_day_after(date(2026, 11, 2), 5))
    with pytest.raises(Exception, match="no extension request is pending"):
        desk.cases.refuse_extension(desk.who("dispatcher"), refused, reason="again")


def test_urges_are_counted_and_a_co_department_acknowledges_once(desk: Desk) -> None:
    desk.at(local(date(2026, 11, 2), 9))
    case_id = desk.report()
    desk.dispatch(case_id, co=("zhujian",))
    desk.cases.urge(desk.who("leader"), case_id, note="群众反映强烈，请加快")
    desk.cases.urge(desk.who("dispatcher"), case_id, note="再次催办")
    desk.cases.acknowledge(desk.who("zhujian"), case_id)
    with pytest.raises(Exception, match="acknowledged it already"):
        desk.cases.acknowledge(desk.who("zhujian"), case_id)
    case = desk.case(case_id)
    assert (case.urges, case.acknowledged_by) == (2, [desk.t.department("zhujian")])


def test_follow_up_rules(desk: Desk) -> None:
    desk.at(local(date(2026, 11, 2), 9))
    case_id = desk.report(reporter={"name": "汪大妈", "phone": "13800135678"})
    desk.dispatch(case_id)
    desk.cases.claim(desk.who("chengguan"), case_id)
    desk.cases.resolve(desk.who("chengguan"), case_id, result="更换灯具两套")
    assert desk.case(case_id).due_at == end_of(nth_working_day_after(date(2026, 11, 2), 3))  # follow-up clock

    result, phone = desk.cases.reveal_contact(desk.who("dispatcher"), case_id, purpose="回访")
    assert phone == "13800135678"
    for moment in (local(date(2026, 11, 3), 9), local(date(2026, 11, 3), 15), local(date(2026, 11, 3), 17)):
        desk.at(moment)
        desk.cases.follow_up(desk.who("dispatcher"), case_id, satisfaction=None, method="phone", attempt=True)
    with pytest.raises(Exception, match="at least 2 days"):  # three attempts, but all on one day
        desk.cases.follow_up(desk.who("dispatcher"), case_id, satisfaction="unreachable", method="phone")
    desk.at(local(date(2026, 11, 4), 10))
    desk.cases.follow_up(desk.who("dispatcher"), case_id, satisfaction=None, method="phone", attempt=True)
    desk.cases.follow_up(desk.who("dispatcher"), case_id, satisfaction="unreachable", method="phone", solved=True)
    case = desk.case(case_id)
    assert [f["satisfaction"] for f in case.follow_ups] == ["unreachable"] and len(case.follow_up_attempts) == 4
    assert case.deadlines["follow_up"]["met_at"] == desk.clock.now
    history = [e.type for e in desk.ledger.case_history(desk.who("admin"), case_id)[1]]
    assert "ContactRevealed" in history


def test_an_unsatisfied_follow_up_of_an_on_the_spot_fix_goes_back_to_triage_with_a_running_deadline(
    desk: Desk,
) -> None:
    desk.at(local(date(2026, 11, 2), 9))
    case_id = desk.report(track="instant", category="sanitation")
    desk.cases.resolve(desk.who("worker"), case_id, result="现场清理")
    desk.at(local(date(2026, 11, 3), 9))
    with pytest.raises(Exception, match="whoever resolved a case may not follow it up"):
        desk.cases.follow_up(desk.who("worker"), case_id, satisfaction="satisfied", method="visit")
    desk.cases.follow_up(desk.who("dispatcher"), case_id, satisfaction="unsatisfied", method="phone")
    case = desk.case(case_id)
    assert case.status == Status.REPORTED
    assert case.due_at == local(date(2026, 11, 3), 10)  # instant track: accept within 1 hour, round the clock
    assert case.is_overdue(local(date(2026, 11, 3), 11))


@pytest.mark.parametrize(
    ("command", "state"),
    [("suspend", "reported"), ("resume", "in_progress"), ("acknowledge", "accepted"), ("redispatch", "accepted")],
)
def test_a_new_command_in_the_wrong_state_names_state_and_command(desk: Desk, command: str, state: str) -> None:
    desk.at(local(date(2026, 11, 2), 9))
    case_id = desk.report()
    if state != "reported":
        desk.cases.accept(desk.who("dispatcher"), case_id)
    if state == "in_progress":
        desk.cases.dispatch(
            desk.who("dispatcher"), case_id, lead_department=desk.t.department("chengguan"), co_departments=[]
        )
        desk.cases.claim(desk.who("chengguan"), case_id)
    issue = {
        "suspend": lambda: desk.cases.suspend(desk.who("dispatcher"), case_id, reason="x"),
        "resume": lambda: desk.cases.resume(desk.who("dispatcher"), case_id),
        "acknowledge": lambda: desk.cases.acknowledge(desk.who("zhujian"), case_id),
        "redispatch": lambda: desk.cases.redispatch(
            desk.who("dispatcher"), case_id, lead_department=desk.t.department("zhujian"), co_departments=[], reason="x"
        ),
    }[command]
    with pytest.raises(Exception, match=f"'{command}' is not allowed when the case is '{state}'") as error:
        issue()
    assert type(error.value).__name__ == "TransitionNotAllowed"


def test_the_time_limits_file_is_version_1_until_an_admin_puts_rules(own_database_url: str, tmp_path: Path) -> None:
    # A file written for older versions (``claim_hours``) still reads.
    limits = tmp_path / "limits.toml"
    limits.write_text("[general]\nclaim_hours = 4\n[general.categories.dispute]\nresolve_hours = 360\n")
    ledger = GridLedger(Settings(database_url=own_database_url, time_limits_file=str(limits)))
    try:
        territory = build_territory(ledger)
        state = ledger.clock_rules.rules_state()
        assert state["version"] == 1 and state["rules"]["general"]["claim"] == {"hours": 4}
        assert state["rules"]["general"]["categories"]["dispute"]["resolve"] == {"hours": 360}
        assert ledger.clock_rules.policy().rule_version == 1

        ledger.clock_rules.set_rules(territory.staff["admin"], {"general": {"claim": {"working_days": 2}}})
        state = ledger.clock_rules.rules_state()
        assert state["version"] == 2 and state["rules"]["general"]["claim"] == {"working_days": 2}
        assert [entry["version"] for entry in state["history"]] == [1, 2]
        assert "limits.toml" in state["history"][0]["source"] and state["history"][1]["actor"]["role"] == "admin"
        assert ledger.clock_rules.policy().rule_version == 2  # the cache saw the new version
    finally:
        ledger.datastore.engine.dispose()
