"""The case summary (case list, work queues) is folded from events by projections/case_summary.py, which
re-states the Case lifecycle by hand. Random valid command sequences check that the two agree: after every
command, each case's summary equals what the aggregate says, field by field.

No database: the events are stored by the library's in-memory recorder and decoded by the projections' own
decoder (tests/support/in_memory_store.py), exactly as a batch reaches the fold.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from domain.case import ALLOWED_FROM, Case, report_case
from domain.case_types import FINISHED, Category, Satisfaction, Status, Track
from domain.errors import DomainError
from domain.meeting import Meeting
from projections.case_summary import Summary, fold, join_codes
from tests.support.in_memory_store import InMemoryStore
from tests.support.properties import bounded
from tests.unit.test_case_lifecycle import CHENGGUAN, DISPATCHER, INTAKE, OTHER_WORKER, POLICY, T0, WORKER
from tests.unit.test_meeting_rules import SECRETARY

ZIYANG = ZoneInfo("Asia/Shanghai")  # 紫阳镇's clock, for the handover meeting's day
DEPARTMENTS = ("chengguan", "zhujian", "shichang", "gongan")  # 城管, 住建, 市场监管, 公安
PAUSES = tuple(timedelta(**step) for step in ({"minutes": 5}, {"hours": 1}, {"hours": 7}, {"days": 1}, {"days": 4}))
# What the summary holds beyond the aggregate's public state, each checked on its own below.
FOLD_ONLY = {"working_status", "followed_up", "position"}


class Town:
    """A few cases of 茶苑社区 under way, their meetings, the store and the summaries folded from it."""

    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.now = T0
        self.cases: list[Case] = []
        self.meetings: dict[str, Meeting] = {}
        self.summaries: dict[str, Summary | None] = {}
        self.positions: dict[str, int] = {}
        self.closed_at: dict[str, datetime] = {}  # a closed case still records events (reveal-contact)

    def record(self, *aggregates: Case | Meeting) -> None:
        """Save, then fold the stored events as the case list does (Case events only, in order)."""
        for event in self.store.save_and_read(*aggregates):
            if event.aggregate_type == "Case":
                self.summaries[event.aggregate_id] = fold(self.summaries.get(event.aggregate_id), event)
                self.positions[event.aggregate_id] = event.position


# -- the commands, each with data drawn for it; a command returns the aggregates it changed --------
Command = Callable[[Town, Case, st.DataObject], tuple[Any, ...]]


def _departments(data: st.DataObject) -> tuple[str, list[str]]:
    lead = data.draw(st.sampled_from(DEPARTMENTS), label="lead")
    # Repeats included: the aggregate keeps each co-department once.
    co = data.draw(st.lists(st.sampled_from([d for d in DEPARTMENTS if d != lead]), max_size=3), label="co")
    return lead, co


def _accept(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    case.accept(
        actor=DISPATCHER,
        timestamp=town.now,
        category=data.draw(st.none() | st.sampled_from(Category), label="recategorised"),
        track=data.draw(st.none() | st.sampled_from(Track), label="retracked"),
    )
    return (case,)


def _merge(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    target = town.cases[data.draw(st.integers(0, len(town.cases) - 1), label="merge into")]  # itself: refused
    case.merge_into(target, actor=DISPATCHER, timestamp=town.now)
    return case, target


def _dispatch(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    lead, co = _departments(data)
    case.dispatch(policy=POLICY, actor=DISPATCHER, timestamp=town.now, lead_department=lead, co_departments=co)
    return (case,)


def _extend(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    # From a day before the running deadline (refused) to ten days after it.
    shift = timedelta(hours=data.draw(st.integers(-24, 240), label="hours later"))
    case.extend(actor=CHENGGUAN, timestamp=town.now, due_at=(case.due_at or town.now) + shift, reason="需采购配件")
    return (case,)


def _escalate(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    meeting = Meeting(
        title="紫阳镇问题交办会",
        level="town",
        org="ziyang",
        chair="吴书记",
        scheduled_for=town.now.astimezone(ZIYANG).date().isoformat(),
        actor=SECRETARY.as_record(),
        timestamp=town.now,
    )
    town.meetings[str(meeting.id)] = meeting
    case.escalate(meeting, actor=DISPATCHER, timestamp=town.now, reason="社区无力解决")
    return case, meeting


def _assign(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    assert case.meeting_id is not None
    meeting = town.meetings[case.meeting_id]
    if meeting.status == "scheduled":  # 交办 happens at the meeting: it sits first (time only moves forward)
        meeting.hold(
            actor=SECRETARY,
            timestamp=town.now,
            local_date=town.now.astimezone(ZIYANG).date(),
            attendees=["城管", "住建"],
            minutes="逐项交办",
        )
    lead, co = _departments(data)
    case.assign(
        meeting,
        actor=SECRETARY,
        timestamp=town.now,
        lead_department=lead,
        co_departments=co,
        deadline=town.now + timedelta(days=data.draw(st.integers(1, 30), label="days to deadline")),
    )
    return case, meeting


def _resolve(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    # Still reported: somebody tries 见事管事 on the spot (only the reporting grid worker may, and not always).
    actor = (
        data.draw(st.sampled_from((WORKER, OTHER_WORKER, DISPATCHER)), label="on the spot by")
        if case.status == Status.REPORTED
        else CHENGGUAN
    )
    case.resolve(policy=POLICY, actor=actor, timestamp=town.now, result="已修复")
    return (case,)


def _attempt_or_answer(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    """An unanswered call (attempt) or an answer, maybe saying whether the problem is solved."""
    if data.draw(st.booleans(), label="unanswered"):
        case.follow_up(
            policy=POLICY,
            zone=ZIYANG,
            actor=DISPATCHER,
            timestamp=town.now,
            method="phone",
            satisfaction=None,
            attempt=True,
        )
        return (case,)
    case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=town.now,
        method="phone",
        satisfaction=data.draw(st.sampled_from(Satisfaction), label="answer"),
        solved=data.draw(st.none() | st.booleans(), label="solved"),
    )
    return (case,)


def _redispatch(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    lead, co = _departments(data)
    case.redispatch(
        policy=POLICY, actor=DISPATCHER, timestamp=town.now, lead_department=lead, co_departments=co, reason="职责不符"
    )
    return (case,)


def _request_extension(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    shift = timedelta(hours=data.draw(st.integers(-24, 240), label="hours later"))
    case.request_extension(
        actor=CHENGGUAN, timestamp=town.now, due_at=(case.due_at or town.now) + shift, reason="待审批"
    )
    return (case,)


def _acknowledge(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    department = data.draw(st.sampled_from(DEPARTMENTS), label="acknowledging department")
    case.acknowledge(actor=CHENGGUAN, timestamp=town.now, department=department)
    return (case,)


def _resume(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
    case.resume(
        actor=DISPATCHER, timestamp=town.now, calendar=POLICY.calendar, calendar_version=POLICY.calendar_version
    )
    return (case,)


def _simple(command: Callable[[Case, datetime], None]) -> Command:
    def run(town: Town, case: Case, data: st.DataObject) -> tuple[Any, ...]:
        command(case, town.now)
        return (case,)

    return run


COMMANDS: dict[str, Command] = {
    "accept": _accept,
    "reject": _simple(lambda case, now: case.reject(actor=DISPATCHER, timestamp=now, reason="不属于受理范围")),
    "merge": _merge,
    "dispatch": _dispatch,
    "claim": _simple(lambda case, now: case.claim(actor=CHENGGUAN, timestamp=now)),
    "return": _simple(lambda case, now: case.return_to_centre(actor=CHENGGUAN, timestamp=now, reason="非本部门职责")),
    "note": _simple(lambda case, now: case.add_note(actor=CHENGGUAN, timestamp=now, text="已到现场查看")),
    "extend": _extend,
    "escalate": _escalate,
    "assign": _assign,
    "resolve": _resolve,
    "follow-up": _attempt_or_answer,
    "redispatch": _redispatch,
    "request-extension": _request_extension,
    "refuse-extension": _simple(
        lambda case, now: case.refuse_extension(actor=DISPATCHER, timestamp=now, reason="理由不足")
    ),
    "suspend": _simple(lambda case, now: case.suspend(actor=DISPATCHER, timestamp=now, reason="等待法院判决")),
    "resume": _resume,
    "urge": _simple(lambda case, now: case.urge(actor=DISPATCHER, timestamp=now, note="请尽快办理")),
    "acknowledge": _acknowledge,
    "reveal-contact": _simple(lambda case, now: case.reveal_contact(actor=DISPATCHER, timestamp=now, purpose="回访")),
    "reopen": _simple(lambda case, now: case.reopen(policy=POLICY, actor=DISPATCHER, timestamp=now, reason="问题复发")),
    "close": _simple(lambda case, now: case.close(actor=DISPATCHER, timestamp=now)),
}


def test_every_command_of_the_lifecycle_is_generated() -> None:
    assert set(COMMANDS) == set(ALLOWED_FROM)


# -- what the aggregate says the summary must be ----------------------------------------------------
def expected_summary(case: Case, closed_at: datetime | None) -> Summary:
    return {
        "id": str(case.id),
        "case_no": case.case_no,
        "title": case.title,
        "description": case.description,
        "category": case.category,
        "channel": case.channel,
        "track": case.track,
        "grid": case.grid,
        "status": case.status,
        "lead_department": case.lead_department,
        "co_departments": join_codes(case.co_departments),
        "reported_by": case.reported_by["id"],
        "created_at": case.created_on,
        "updated_at": case.modified_on,
        "version": case.version,
        "accept_due_at": case.deadlines.get("accept", {}).get("due_at"),
        "claim_due_at": case.claim_due_at,
        "resolve_due_at": case.resolve_due_at,
        "follow_up_due_at": case.deadlines.get("follow_up", {}).get("due_at"),
        "suspended": case.suspended,
        "urges": case.urges,
        "extension_requested": case.extension_request is not None,
        "due_at": running_due_at(case),
        "resolved_at": case.resolution["at"] if case.resolution else None,
        "closed_at": closed_at if case.status == Status.CLOSED else None,
        "last_satisfaction": case.follow_ups[-1]["satisfaction"] if case.follow_ups else None,
        "reopen_count": case.reopen_count,
    }


def running_due_at(case: Case) -> datetime | None:
    """What a list shows as due: nothing once finished; for a resolved case, the follow-up call not made yet."""
    if case.status in FINISHED:
        return None
    if case.status == Status.RESOLVED:
        follow_up = case.deadlines.get("follow_up")
        return follow_up["due_at"] if follow_up and follow_up["met_at"] is None else None
    return case.due_at


def may_close(case: Case) -> bool:
    """Whether the aggregate would close the case now (a resolved case needs its 回访 first)."""
    try:
        copy.deepcopy(case).close(actor=DISPATCHER, timestamp=case.modified_on)
    except DomainError:
        return False
    return True


def assert_summaries_match(town: Town) -> None:
    for case in town.cases:
        summary = town.summaries[str(case.id)]
        assert summary is not None
        expected = expected_summary(case, town.closed_at.get(str(case.id)))
        assert set(summary) == set(expected) | FOLD_ONLY, "a summary field the test does not compare"
        assert {key: summary[key] for key in expected} == expected, f"case {case.case_no}"
        assert summary["position"] == town.positions[str(case.id)]
        # The work queues put a resolved case in "follow-up" until it is called back: until it may be closed.
        if case.status == Status.RESOLVED:
            assert summary["followed_up"] == may_close(case), f"case {case.case_no}"


# -- the property -----------------------------------------------------------------------------------
@bounded
@given(st.data())
def test_case_summary_folded_from_the_events_equals_the_aggregate(data: st.DataObject) -> None:
    town = Town()
    # 1. A few reports from 茶苑社区第一网格: by its grid worker or through the E呼即办 mini program.
    for number in range(1, data.draw(st.integers(1, 3), label="cases") + 1):
        reporter = data.draw(st.sampled_from((WORKER, INTAKE)), label="reporter")
        report = {
            "title": "茶苑社区3栋路灯不亮",
            "description": "楼道口一片漆黑",
            "channel": "grid_app",
            "category": data.draw(st.sampled_from(Category), label="category"),
            "track": data.draw(st.sampled_from(Track), label="track"),
            "grid": "chayuan-01",
            "reporter": data.draw(st.sampled_from(({"name": "张阿姨", "phone": "13812345678"}, {"name": "匿名"}))),
        }
        town.cases.append(
            report_case(
                case_no=f"AJ-20260601-{number:04d}",
                report=report,
                actor=reporter.as_record(),
                timestamp=town.now,
                policy=POLICY,
            )
        )
    town.record(*town.cases)
    assert_summaries_match(town)
    # 2. Commands the lifecycle allows, on any of them; the domain may still refuse one (a guard on the data,
    #    见事管事, 回访 before closing): then nothing is recorded and the summaries stay as they were.
    for _ in range(data.draw(st.integers(0, 30), label="steps")):
        case = town.cases[data.draw(st.integers(0, len(town.cases) - 1), label="case")]
        allowed = [command for command, states in ALLOWED_FROM.items() if case.status in states]
        if not allowed:
            continue
        command = data.draw(st.sampled_from(allowed), label="command")
        town.now += data.draw(st.sampled_from(PAUSES), label="pause")
        version = case.version
        try:
            changed = COMMANDS[command](town, case, data)
        except DomainError:
            assert case.version == version
            continue
        if command == "close":
            town.closed_at[str(case.id)] = town.now
        town.record(*changed)
        assert_summaries_match(town)
