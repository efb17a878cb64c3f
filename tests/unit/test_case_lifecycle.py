"""The case lifecycle (案件流程), step by step: every allowed transition, its events, and replay.

Pure domain: no database, no clock; every command gets an explicit actor and UTC timestamp.
The helpers at the top (actors, moments, ``report_case``, ``case_in``) are shared with
``test_case_rules``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.actor import Actor, Role
from domain.case import Case
from domain.case_types import Category, Satisfaction, Status, Track
from domain.errors import InvalidCommand
from domain.time_limit_rules import DeadlinePolicy, validated_rules
from domain.working_days import WorkingDays

# -- the people of 紫阳镇 -----------------------------------------------------------------------
WORKER = Actor("staff-chengxy", "程晓燕", Role.GRID_WORKER, "chayuan-01")  # 茶苑社区第一网格
OTHER_WORKER = Actor("staff-wangjg", "汪建国", Role.GRID_WORKER, "chayuan-02")  # 茶苑社区第二网格
INTAKE = Actor("staff-ehu", "E呼即办小程序", Role.INTAKE)
DISPATCHER = Actor("staff-wangmin", "王敏", Role.DISPATCHER, "ziyang")  # 紫阳镇综治中心
CHENGGUAN = Actor("staff-liqiang", "李强", Role.DEPARTMENT, "chengguan")  # 城管
ZHUJIAN = Actor("staff-liufang", "刘芳", Role.DEPARTMENT, "zhujian")  # 住建

# -- the moments of the usual journey ------------------------------------------------------------
T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in 紫阳镇: the report


def at(**delta: float) -> datetime:
    """A moment counted from the report."""
    return T0 + timedelta(**delta)


ZIYANG = ZoneInfo("Asia/Shanghai")
# Limits in hours keep these tests off the calendar (tests/unit/test_working_days.py counts working days).
POLICY = DeadlinePolicy(
    rules=validated_rules({"general": {"claim": {"hours": 24}, "resolve": {"hours": 7 * 24}}}),
    rule_version=1,
    calendar=WorkingDays({}, ZIYANG),
    calendar_version=0,
)
ACCEPTED_AT = at(minutes=30)
DISPATCHED_AT = at(minutes=40)
CLAIM_DUE = at(days=1, minutes=40)  # 一般件 here: one day to claim from dispatch …
RESOLVE_DUE = at(days=7, minutes=40)  # … and seven to resolve
CLAIMED_AT = at(hours=2)
RESOLVED_AT = at(days=1)
FOLLOWED_UP_AT = at(days=2)
CLOSED_AT = at(days=2, hours=1)


def report_case(
    *,
    category: Category = Category.MUNICIPAL,
    track: Track = Track.GENERAL,
    by: Actor = WORKER,
    case_no: str = "AJ-20260601-0001",
    title: str = "茶苑社区3栋路灯不亮",
) -> Case:
    """程晓燕 (or ``by``) reports a problem in 茶苑社区第一网格 at T0."""
    report = {
        "title": title,
        "description": "晚上路过发现，楼道口一片漆黑",
        "category": str(category),
        "channel": "grid_app",
        "track": str(track),
        "grid": "chayuan-01",
        "location": "茶苑社区3栋楼道口",
    }
    return Case(case_no=case_no, report=report, actor=by.as_record(), timestamp=T0, accept_deadline=None)


def case_in(status: str, *, followed_up: bool = False, **report: Any) -> Case:
    """A case driven along the usual path into ``status`` (its events still pending).

    ``followed_up`` only matters for "resolved": the resident has then been called back, satisfied.
    """
    case = report_case(**report)
    if status == "rejected":
        case.reject(actor=DISPATCHER, timestamp=ACCEPTED_AT, reason="不属于网格事项")
    elif status == "merged":
        original = report_case(**{**report, "case_no": "AJ-20260601-0000"})  # reported first
        case.merge_into(original, actor=DISPATCHER, timestamp=ACCEPTED_AT)
    elif status != "reported":
        last_step = "followed_up" if status == "resolved" and followed_up else status
        for step, command in _USUAL_PATH:
            command(case)
            if step == last_step:
                break
    assert case.status == status, f"case_in cannot reach {status!r}"
    return case


_USUAL_PATH: list[tuple[str, Callable[[Case], None]]] = [
    (
        "accepted",
        lambda c: c.accept(actor=DISPATCHER, timestamp=ACCEPTED_AT),
    ),
    (
        "dispatched",
        lambda c: c.dispatch(
            policy=POLICY,
            actor=DISPATCHER,
            timestamp=DISPATCHED_AT,
            lead_department="zhujian",
            co_departments=["chengguan"],
        ),
    ),
    ("in_progress", lambda c: c.claim(actor=ZHUJIAN, timestamp=CLAIMED_AT)),
    ("resolved", lambda c: c.resolve(policy=POLICY, actor=ZHUJIAN, timestamp=RESOLVED_AT, result="更换灯具两套")),
    (
        "followed_up",
        lambda c: c.follow_up(
            policy=POLICY,
            zone=ZIYANG,
            actor=DISPATCHER,
            timestamp=FOLLOWED_UP_AT,
            satisfaction=Satisfaction.SATISFIED,
            method="phone",
        ),
    ),
    ("closed", lambda c: c.close(actor=DISPATCHER, timestamp=CLOSED_AT)),
]


def state(case: Case) -> dict[str, Any]:
    """Everything the aggregate knows, apart from its not-yet-saved events."""
    return {key: value for key, value in vars(case).items() if key != "_pending_events"}


def replay(events: list[Any]) -> Case:
    case = None
    for event in events:
        case = event.mutate(case)
    assert isinstance(case, Case)
    return case


# -- triage at the governance centre ---------------------------------------------------------------
def test_centre_accepts_a_report_and_dispatching_starts_both_deadlines() -> None:
    case = report_case()
    assert case.status == Status.REPORTED and case.version == 1
    # 王敏 at 紫阳镇综治中心 accepts it half an hour later; the claim and resolve clocks start at dispatch.
    case.accept(actor=DISPATCHER, timestamp=ACCEPTED_AT, note="属实，派住建")
    assert case.status == Status.ACCEPTED and case.version == 2
    assert (case.claim_due_at, case.resolve_due_at) == (None, None)
    case.dispatch(
        policy=POLICY, actor=DISPATCHER, timestamp=DISPATCHED_AT, lead_department="zhujian", co_departments=[]
    )
    assert (case.claim_due_at, case.resolve_due_at) == (CLAIM_DUE, RESOLVE_DUE)
    assert case.deadlines["claim"]["rule_version"] == POLICY.rule_version


def test_centre_may_correct_category_and_track_on_accepting() -> None:
    case = report_case(category=Category.OTHER, track=Track.GENERAL)
    # The report said "其他"; the dispatcher sees an urgent sanitation problem (E呼即办).
    case.accept(
        actor=DISPATCHER,
        timestamp=ACCEPTED_AT,
        category=Category.SANITATION,
        track=Track.INSTANT,
    )
    assert (case.category, case.track) == (Category.SANITATION, Track.INSTANT)


def test_centre_rejects_a_report() -> None:
    case = report_case(title="要求调解婚姻家事")
    case.reject(actor=DISPATCHER, timestamp=ACCEPTED_AT, reason="请通过法院诉讼解决")
    assert case.status == Status.REJECTED
    assert case.pending_events[-1].reason == "请通过法院诉讼解决"


def test_merging_a_duplicate_is_recorded_on_both_cases() -> None:
    # Two residents report the same dark stairwell in 茶苑社区.
    original = report_case(case_no="AJ-20260601-0001")
    duplicate = report_case(case_no="AJ-20260601-0002", by=INTAKE)
    duplicate.merge_into(original, actor=DISPATCHER, timestamp=ACCEPTED_AT)
    # The duplicate is merged and points at the original …
    assert duplicate.status == Status.MERGED and duplicate.merged_into == str(original.id)
    assert duplicate.version == 2
    # … and the original lists the duplicate, without changing its own status.
    assert original.merged_cases == [str(duplicate.id)]
    assert original.status == Status.REPORTED and original.version == 2
    absorbed = original.pending_events[-1]
    assert type(absorbed).__name__ == "DuplicateAbsorbed"
    assert (absorbed.actor, absorbed.timestamp) == (DISPATCHER.as_record(), ACCEPTED_AT)
    # Both histories replay to the same state.
    assert state(replay(original.collect_events())) == state(original)
    assert state(replay(duplicate.collect_events())) == state(duplicate)


# -- departments -------------------------------------------------------------------------------
def test_centre_dispatches_to_a_lead_and_co_departments() -> None:
    case = case_in("accepted")
    # 住建 leads, 城管 co-handles (named twice by mistake: recorded once).
    case.dispatch(
        policy=POLICY,
        actor=DISPATCHER,
        timestamp=DISPATCHED_AT,
        lead_department="zhujian",
        co_departments=["chengguan", "chengguan"],
        note="住建牵头，城管配合",
    )
    assert case.status == Status.DISPATCHED
    assert (case.lead_department, case.co_departments) == ("zhujian", ["chengguan"])


def test_lead_department_cannot_also_co_handle() -> None:
    case = case_in("accepted")
    with pytest.raises(InvalidCommand) as refused:
        case.dispatch(
            policy=POLICY,
            actor=DISPATCHER,
            timestamp=DISPATCHED_AT,
            lead_department="zhujian",
            co_departments=["chengguan", "zhujian"],
        )
    assert refused.value.field == "co_departments"
    assert case.status == Status.ACCEPTED and case.version == 2


def test_department_claims_a_dispatched_case() -> None:
    case = case_in("dispatched")
    case.claim(actor=ZHUJIAN, timestamp=CLAIMED_AT)
    assert case.status == Status.IN_PROGRESS and case.lead_department == "zhujian"


def test_department_returns_a_case_to_the_centre() -> None:
    case = case_in("dispatched")
    # 住建 says street lights are not theirs (退单): back to the centre, nobody leads it now.
    case.return_to_centre(actor=ZHUJIAN, timestamp=CLAIMED_AT, reason="路灯归城管管理")
    assert case.status == Status.ACCEPTED
    assert (case.lead_department, case.co_departments) == (None, [])
    returned = case.pending_events[-1]
    assert (returned.department, returned.reason) == ("zhujian", "路灯归城管管理")
    # The centre dispatches it again, this time to 城管.
    case.dispatch(
        policy=POLICY, actor=DISPATCHER, timestamp=at(hours=3), lead_department="chengguan", co_departments=[]
    )
    assert case.status == Status.DISPATCHED and case.lead_department == "chengguan"


def test_progress_note_while_in_progress_only_adds_to_the_history() -> None:
    case = case_in("in_progress")
    # 城管 co-handles: a progress note (处置进展) with a photo.
    case.add_note(
        actor=CHENGGUAN, timestamp=at(hours=5), text="城管配合封闭施工区域", attachments=[{"name": "现场.jpg"}]
    )
    assert case.status == Status.IN_PROGRESS and case.version == 5
    assert (case.lead_department, case.due_at) == ("zhujian", RESOLVE_DUE)
    note = case.pending_events[-1]
    assert (note.text, note.attachments) == ("城管配合封闭施工区域", [{"name": "现场.jpg"}])


# -- resolution, follow-up, rework and close -----------------------------------------------------
def test_department_resolves_a_case_in_progress() -> None:
    case = case_in("in_progress")
    case.resolve(
        policy=POLICY, actor=ZHUJIAN, timestamp=RESOLVED_AT, result="更换灯具两套", attachments=[{"name": "修复后.jpg"}]
    )
    assert case.status == Status.RESOLVED
    assert case.resolution == {"result": "更换灯具两套", "at": RESOLVED_AT, "by": ZHUJIAN.as_record()}
    assert case.pending_events[-1].on_the_spot is False


@pytest.mark.parametrize(
    "satisfaction",
    [
        Satisfaction.SATISFIED,
        Satisfaction.BASICALLY_SATISFIED,
    ],
    ids=str,
)
def test_follow_up_that_is_not_unsatisfied_keeps_the_case_resolved(satisfaction: Satisfaction) -> None:
    case = case_in("resolved")
    case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=FOLLOWED_UP_AT,
        satisfaction=satisfaction,
        method="phone",
        comment="灯已经亮了",
    )
    assert case.status == Status.RESOLVED and case.reopen_count == 0
    assert case.follow_ups == [
        {
            "satisfaction": str(satisfaction),
            "method": "phone",
            "comment": "灯已经亮了",
            "at": FOLLOWED_UP_AT,
            "by": DISPATCHER.as_record(),
        }
    ]


def test_unsatisfied_follow_up_sends_the_case_back_to_work() -> None:
    case = case_in("resolved")
    # 回访: the resident says the light flickers again (返工).
    case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=FOLLOWED_UP_AT,
        satisfaction=Satisfaction.UNSATISFIED,
        method="visit",
        comment="灯还是一闪一闪",
    )
    assert case.status == Status.IN_PROGRESS and case.reopen_count == 1
    assert case.lead_department == "zhujian" and case.due_at == RESOLVE_DUE
    assert [f["satisfaction"] for f in case.follow_ups] == ["unsatisfied"]


def test_centre_reopens_a_resolved_case() -> None:
    case = case_in("resolved", followed_up=True)
    case.reopen(policy=POLICY, actor=DISPATCHER, timestamp=at(days=3), reason="督查发现问题未彻底解决")
    assert case.status == Status.IN_PROGRESS and case.reopen_count == 1
    assert case.lead_department == "zhujian"


def test_centre_closes_a_followed_up_case() -> None:
    case = case_in("resolved", followed_up=True)
    case.close(actor=DISPATCHER, timestamp=CLOSED_AT)
    assert case.status == Status.CLOSED
    assert not case.is_overdue(at(days=365))


# -- events: actor, time, version, replay --------------------------------------------------------
# A journey with rework: (event expected, who, when, command).
JOURNEY: list[tuple[str, Actor, datetime, Callable[[Case, Actor, datetime], None]]] = [
    (
        "Accepted",
        DISPATCHER,
        ACCEPTED_AT,
        lambda c, who, when: c.accept(actor=who, timestamp=when),
    ),
    (
        "Dispatched",
        DISPATCHER,
        DISPATCHED_AT,
        lambda c, who, when: c.dispatch(
            policy=POLICY, actor=who, timestamp=when, lead_department="zhujian", co_departments=["chengguan"]
        ),
    ),
    (
        "Extended",
        DISPATCHER,
        at(hours=1),
        lambda c, who, when: c.extend(actor=who, timestamp=when, due_at=at(days=2), reason="端午假期"),
    ),
    ("Claimed", ZHUJIAN, CLAIMED_AT, lambda c, who, when: c.claim(actor=who, timestamp=when)),
    (
        "NoteAdded",
        CHENGGUAN,
        at(hours=5),
        lambda c, who, when: c.add_note(actor=who, timestamp=when, text="城管配合封闭施工区域"),
    ),
    (
        "Resolved",
        ZHUJIAN,
        RESOLVED_AT,
        lambda c, who, when: c.resolve(policy=POLICY, actor=who, timestamp=when, result="更换灯具"),
    ),
    (
        "FollowedUp",
        DISPATCHER,
        FOLLOWED_UP_AT,
        lambda c, who, when: c.follow_up(
            policy=POLICY, zone=ZIYANG, actor=who, timestamp=when, satisfaction=Satisfaction.UNSATISFIED, method="phone"
        ),
    ),
    (
        "Extended",
        DISPATCHER,
        at(days=2, hours=2),
        lambda c, who, when: c.extend(actor=who, timestamp=when, due_at=at(days=10), reason="返工需更换线路"),
    ),
    (
        "Resolved",
        ZHUJIAN,
        at(days=4),
        lambda c, who, when: c.resolve(policy=POLICY, actor=who, timestamp=when, result="更换线路和灯具"),
    ),
    (
        "FollowedUp",
        OTHER_WORKER,
        at(days=5),
        lambda c, who, when: c.follow_up(
            policy=POLICY, zone=ZIYANG, actor=who, timestamp=when, satisfaction=Satisfaction.SATISFIED, method="visit"
        ),
    ),
    (
        "Reopened",
        DISPATCHER,
        at(days=6),
        lambda c, who, when: c.reopen(policy=POLICY, actor=who, timestamp=when, reason="督查抽查不合格"),
    ),
    (
        "Resolved",
        ZHUJIAN,
        at(days=7),
        lambda c, who, when: c.resolve(policy=POLICY, actor=who, timestamp=when, result="整改到位"),
    ),
    (
        "FollowedUp",
        DISPATCHER,
        at(days=8),
        lambda c, who, when: c.follow_up(
            policy=POLICY, zone=ZIYANG, actor=who, timestamp=when, satisfaction=Satisfaction.SATISFIED, method="phone"
        ),
    ),
    ("Closed", DISPATCHER, at(days=8, hours=1), lambda c, who, when: c.close(actor=who, timestamp=when)),
]


def test_every_command_is_one_event_with_its_actor_time_and_next_version() -> None:
    case = report_case()
    for version, (_, who, when, command) in enumerate(JOURNEY, start=2):
        command(case, who, when)
        assert case.version == version
    assert case.status == Status.CLOSED and case.reopen_count == 2
    events = case.collect_events()
    assert [type(e).__name__ for e in events] == ["Reported"] + [name for name, *_ in JOURNEY]
    assert [e.originator_version for e in events] == list(range(1, len(JOURNEY) + 2))
    assert [(e.actor, e.timestamp) for e in events] == [(WORKER.as_record(), T0)] + [
        (who.as_record(), when) for _, who, when, _ in JOURNEY
    ]
    assert (case.created_on, case.modified_on) == (T0, at(days=8, hours=1))


@pytest.mark.parametrize(
    ("status", "followed_up"),
    [
        pytest.param(status, False, id=status)
        for status in ("reported", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected", "merged")
    ]
    + [pytest.param("resolved", True, id="resolved-followed_up")],
)
def test_replaying_the_events_rebuilds_the_same_case(status: str, followed_up: bool) -> None:
    case = case_in(status, followed_up=followed_up)
    rebuilt = replay(case.collect_events())
    assert (rebuilt.status, rebuilt.version, rebuilt.follow_ups) == (case.status, case.version, case.follow_ups)
    assert state(rebuilt) == state(case)


def test_replaying_a_journey_with_rework_rebuilds_the_same_case() -> None:
    case = report_case()
    for _, who, when, command in JOURNEY:
        command(case, who, when)
    events = case.collect_events()
    assert state(replay(events)) == state(case)
    # And any prefix of the history is the case as it was then (审计 replays the past).
    halfway = replay(events[:8])  # after the unsatisfied call-back
    assert (halfway.status, halfway.reopen_count, halfway.version) == (Status.IN_PROGRESS, 1, 8)
    assert halfway.resolve_due_at == RESOLVE_DUE
