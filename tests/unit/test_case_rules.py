"""The rules that guard the case lifecycle: forbidden transitions, 见事管事 on the spot,
close only after 回访, merging, and the deadlines (办理时限 / 超期)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from domain.actor import Actor
from domain.case import Case
from domain.case_types import MUST_REPORT, Category, Satisfaction, Status, Track
from domain.errors import InvalidCommand, TransitionNotAllowed
from tests.unit.test_case_lifecycle import (
    CHENGGUAN,
    CLAIM_DUE,
    CLOSED_AT,
    DISPATCHER,
    FOLLOWED_UP_AT,
    INTAKE,
    OTHER_WORKER,
    POLICY,
    RESOLVE_DUE,
    RESOLVED_AT,
    WORKER,
    ZHUJIAN,
    ZIYANG,
    at,
    case_in,
    report_case,
)

LATER = at(days=3)  # after every step of the usual journey

# Every command, issued with data that would be valid if the status allowed it.
COMMANDS: dict[str, Callable[[Case], None]] = {
    "accept": lambda case: case.accept(actor=DISPATCHER, timestamp=LATER),
    "reject": lambda case: case.reject(actor=DISPATCHER, timestamp=LATER, reason="不属于受理范围"),
    "merge": lambda case: case.merge_into(report_case(case_no="AJ-20260604-0001"), actor=DISPATCHER, timestamp=LATER),
    "dispatch": lambda case: case.dispatch(
        policy=POLICY, actor=DISPATCHER, timestamp=LATER, lead_department="chengguan", co_departments=[]
    ),
    "claim": lambda case: case.claim(actor=CHENGGUAN, timestamp=LATER),
    "return": lambda case: case.return_to_centre(actor=CHENGGUAN, timestamp=LATER, reason="非本部门职责"),
    "note": lambda case: case.add_note(actor=CHENGGUAN, timestamp=LATER, text="已到现场查看"),
    "extend": lambda case: case.extend(actor=DISPATCHER, timestamp=LATER, due_at=at(days=60), reason="需采购配件"),
    # 见事管事 when still reported: the reporting grid worker; otherwise the department.
    "resolve": lambda case: case.resolve(
        policy=POLICY, actor=WORKER if case.status == Status.REPORTED else CHENGGUAN, timestamp=LATER, result="已修复"
    ),
    "follow-up": lambda case: case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=LATER,
        satisfaction=Satisfaction.SATISFIED,
        method="phone",
    ),
    "reopen": lambda case: case.reopen(policy=POLICY, actor=DISPATCHER, timestamp=LATER, reason="问题复发"),
    "close": lambda case: case.close(actor=DISPATCHER, timestamp=LATER),
}

# The lifecycle of DOMAIN.md; "resolve" when reported (on the spot) and "close" when resolved
# (after a follow-up) are allowed only under conditions, tested further down.
ALLOWED: dict[str, set[str]] = {
    "reported": {"accept", "reject", "merge", "resolve"},
    "accepted": {"dispatch", "note"},  # a note on an accepted case: API.md "Accountability"
    "dispatched": {"claim", "return", "extend"},
    "in_progress": {"note", "extend", "resolve"},
    "resolved": {"follow-up", "reopen", "close"},
    "closed": set(),
    "rejected": set(),
    "merged": set(),
}


# -- the (status × command) matrix -------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "command"),
    [
        pytest.param(status, command, id=f"{status}-{command}")
        for status, allowed in ALLOWED.items()
        for command in COMMANDS
        if command not in allowed
    ],
)
def test_command_not_allowed_in_status_is_refused_without_an_event(status: str, command: str) -> None:
    case = case_in(status, track=Track.INSTANT, followed_up=True)
    before = list(case.pending_events)
    with pytest.raises(TransitionNotAllowed) as refused:
        COMMANDS[command](case)
    assert (refused.value.state, refused.value.command) == (status, command)
    assert f"'{status}'" in str(refused.value) and f"'{command}'" in str(refused.value)
    assert case.pending_events == before and case.status == status


@pytest.mark.parametrize(
    ("status", "command"),
    [
        pytest.param(status, command, id=f"{status}-{command}")
        for status, allowed in ALLOWED.items()
        for command in sorted(allowed)
    ],
)
def test_command_allowed_in_status_records_one_event(status: str, command: str) -> None:
    # An instant-track case, followed up once resolved: the conditional commands may run too.
    case = case_in(status, track=Track.INSTANT, followed_up=True)
    version = case.version
    COMMANDS[command](case)
    assert case.version == version + 1


# -- 见事管事: resolving on the spot -------------------------------------------------------------
def test_grid_worker_resolves_own_instant_report_on_the_spot() -> None:
    # 程晓燕 finds a shared bike blocking the fire lane and moves it herself.
    case = report_case(category=Category.PARKING, track=Track.INSTANT, title="共享单车堵塞消防通道")
    case.resolve(policy=POLICY, actor=WORKER, timestamp=at(minutes=10), result="已挪走并联系运营方")
    assert case.status == Status.RESOLVED and case.version == 2
    assert case.resolution == {"result": "已挪走并联系运营方", "at": at(minutes=10), "by": WORKER.as_record()}
    assert case.pending_events[-1].on_the_spot is True
    # A follow-up is still needed before it is closed.
    case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=at(days=1),
        satisfaction=Satisfaction.SATISFIED,
        method="sms",
    )
    case.close(actor=DISPATCHER, timestamp=at(days=1, hours=1))
    assert case.status == Status.CLOSED


@pytest.mark.parametrize("category", sorted(MUST_REPORT), ids=str)
def test_must_report_category_is_never_resolved_on_the_spot(category: Category) -> None:
    # 4必报: even instant-track and by the reporter, it must go to the governance centre.
    case = report_case(category=category, track=Track.INSTANT)
    with pytest.raises(TransitionNotAllowed, match="4必报") as refused:
        case.resolve(policy=POLICY, actor=WORKER, timestamp=at(minutes=10), result="已劝离")
    assert (refused.value.state, refused.value.command) == ("reported", "resolve")
    assert case.status == Status.REPORTED and len(case.pending_events) == 1


def test_general_track_case_is_not_resolved_on_the_spot() -> None:
    case = report_case(category=Category.MUNICIPAL, track=Track.GENERAL)
    with pytest.raises(TransitionNotAllowed, match="instant-track") as refused:
        case.resolve(policy=POLICY, actor=WORKER, timestamp=at(minutes=10), result="已修好")
    assert (refused.value.state, refused.value.command) == ("reported", "resolve")
    assert case.status == Status.REPORTED and len(case.pending_events) == 1


@pytest.mark.parametrize(
    ("reported_by", "resolver"),
    [
        pytest.param(WORKER, OTHER_WORKER, id="grid-worker-of-another-grid"),
        pytest.param(WORKER, DISPATCHER, id="dispatcher-of-the-centre"),
        pytest.param(WORKER, CHENGGUAN, id="chengguan-department"),
        pytest.param(INTAKE, WORKER, id="resident-report-via-mini-program"),
    ],
)
def test_only_the_reporting_grid_worker_resolves_on_the_spot(reported_by: Actor, resolver: Actor) -> None:
    case = report_case(category=Category.SANITATION, track=Track.INSTANT, by=reported_by)
    with pytest.raises(TransitionNotAllowed, match="grid worker who reported") as refused:
        case.resolve(policy=POLICY, actor=resolver, timestamp=at(minutes=10), result="已清理")
    assert (refused.value.state, refused.value.command) == ("reported", "resolve")
    assert case.status == Status.REPORTED and len(case.pending_events) == 1


# -- close only after a follow-up since the latest resolution ----------------------------------
def test_close_without_follow_up_is_refused() -> None:
    case = case_in("resolved")
    with pytest.raises(TransitionNotAllowed, match="follow-up") as refused:
        case.close(actor=DISPATCHER, timestamp=CLOSED_AT)
    assert (refused.value.state, refused.value.command) == ("resolved", "close")
    assert case.status == Status.RESOLVED and case.version == 5


def test_follow_up_before_a_reopen_does_not_count_for_the_next_close() -> None:
    case = case_in("resolved", followed_up=True)
    # 督查 finds the light broken again: reopened, resolved again, nobody has called back since.
    case.reopen(policy=POLICY, actor=DISPATCHER, timestamp=at(days=3), reason="督查发现未修好")
    case.resolve(policy=POLICY, actor=ZHUJIAN, timestamp=at(days=4), result="更换线路")
    with pytest.raises(TransitionNotAllowed, match="follow-up"):
        case.close(actor=DISPATCHER, timestamp=at(days=4, hours=1))
    # Once the resident is called back again, the case closes.
    case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=at(days=5),
        satisfaction=Satisfaction.SATISFIED,
        method="phone",
    )
    case.close(actor=DISPATCHER, timestamp=at(days=5, hours=1))
    assert case.status == Status.CLOSED and len(case.follow_ups) == 2


def test_unsatisfied_follow_up_does_not_count_after_the_rework() -> None:
    case = case_in("resolved")
    case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=FOLLOWED_UP_AT,
        satisfaction=Satisfaction.UNSATISFIED,
        method="phone",
    )
    case.resolve(policy=POLICY, actor=ZHUJIAN, timestamp=at(days=3), result="返工完成")
    with pytest.raises(TransitionNotAllowed, match="follow-up"):
        case.close(actor=DISPATCHER, timestamp=at(days=3, hours=1))
    assert case.status == Status.RESOLVED and case.reopen_count == 1


# -- merging ------------------------------------------------------------------------------------
def test_case_cannot_be_merged_into_itself() -> None:
    case = report_case()
    with pytest.raises(InvalidCommand, match="itself") as refused:
        case.merge_into(case, actor=DISPATCHER, timestamp=LATER)
    assert refused.value.field == "into"
    assert case.status == Status.REPORTED and len(case.pending_events) == 1


@pytest.mark.parametrize("target_status", ["rejected", "merged"])
def test_case_cannot_be_merged_into_a_rejected_or_merged_case(target_status: str) -> None:
    target = case_in(target_status, case_no="AJ-20260601-0001")
    duplicate = report_case(case_no="AJ-20260601-0002", by=INTAKE)
    target_events = list(target.pending_events)
    with pytest.raises(InvalidCommand, match=target_status) as refused:
        duplicate.merge_into(target, actor=DISPATCHER, timestamp=LATER)
    assert refused.value.field == "into"
    assert duplicate.status == Status.REPORTED and len(duplicate.pending_events) == 1
    assert target.pending_events == target_events and target.merged_cases == []


# -- deadlines (办理时限) and overdue (超期) -------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "due"),
    [
        pytest.param("reported", None, id="reported-none-without-an-accept-deadline"),
        pytest.param("accepted", None, id="accepted-none-until-dispatched"),
        pytest.param("dispatched", CLAIM_DUE, id="dispatched-claim"),
        pytest.param("in_progress", RESOLVE_DUE, id="in_progress-resolve"),
    ],
)
def test_due_at_is_the_deadline_that_runs_now(status: str, due: object) -> None:
    assert case_in(status).due_at == due


@pytest.mark.parametrize(
    ("status", "due"),
    [
        pytest.param("dispatched", CLAIM_DUE, id="dispatched-unclaimed"),
        pytest.param("in_progress", RESOLVE_DUE, id="in_progress-unresolved"),
    ],
)
def test_case_is_overdue_only_after_its_deadline(status: str, due: object) -> None:
    case = case_in(status)
    assert not case.is_overdue(due - timedelta(minutes=1))
    assert not case.is_overdue(due)
    assert case.is_overdue(due + timedelta(minutes=1))


def test_case_is_no_longer_overdue_once_resolved() -> None:
    case = case_in("in_progress")
    assert case.is_overdue(at(days=30))
    # Resolved late, but resolved: the clock stops.
    case.resolve(policy=POLICY, actor=ZHUJIAN, timestamp=at(days=20), result="迟到的办结")
    assert not case.is_overdue(at(days=20, hours=1))
    # … and the follow-up clock (回访) runs: overdue when nobody has called back in time.
    follow_up_due = case.deadlines["follow_up"]["due_at"]
    assert case.due_at == follow_up_due and case.is_overdue(follow_up_due + timedelta(minutes=1))
    assert not case_in("resolved", followed_up=True).is_overdue(RESOLVED_AT + timedelta(days=365))


def test_reported_case_is_never_overdue() -> None:
    assert not case_in("reported").is_overdue(at(days=365))


@pytest.mark.parametrize(
    ("status", "moved", "kept"),
    [
        pytest.param("dispatched", "claim_due_at", "resolve_due_at", id="dispatched-moves-claim-deadline"),
        pytest.param("in_progress", "resolve_due_at", "claim_due_at", id="in_progress-moves-resolve-deadline"),
    ],
)
def test_extension_moves_the_running_deadline(status: str, moved: str, kept: str) -> None:
    case = case_in(status)
    old_due, untouched = getattr(case, moved), getattr(case, kept)
    # 延期: two more weeks, the lamp has to be ordered.
    case.extend(actor=DISPATCHER, timestamp=at(hours=6), due_at=old_due + timedelta(days=14), reason="需采购灯具")
    assert getattr(case, moved) == old_due + timedelta(days=14) == case.due_at
    assert getattr(case, kept) == untouched
    extended = case.pending_events[-1]
    assert (extended.previous_due_at, extended.due_at) == (old_due, old_due + timedelta(days=14))


@pytest.mark.parametrize("status", ["dispatched", "in_progress"])
@pytest.mark.parametrize(
    "shift",
    [
        pytest.param(timedelta(hours=-1), id="earlier"),
        pytest.param(timedelta(0), id="same-time"),
    ],
)
def test_extension_must_be_later_than_the_current_deadline(status: str, shift: timedelta) -> None:
    case = case_in(status)
    version, due = case.version, case.due_at
    with pytest.raises(InvalidCommand) as refused:
        case.extend(actor=DISPATCHER, timestamp=at(hours=6), due_at=due + shift, reason="再缓缓")
    assert refused.value.field == "due_at"
    assert case.due_at == due and case.version == version


def test_extension_of_an_overdue_case_must_still_lie_in_the_future() -> None:
    case = case_in("in_progress")
    # Ten days in, the seven-day deadline has passed; "extending" to yesterday is refused.
    with pytest.raises(InvalidCommand, match="future"):
        case.extend(actor=DISPATCHER, timestamp=at(days=10), due_at=at(days=9), reason="补办延期")
    assert case.resolve_due_at == RESOLVE_DUE


def test_an_unsatisfied_call_after_an_on_the_spot_fix_sends_the_case_back_to_the_centre() -> None:
    from tests.unit.test_case_lifecycle import WORKER as worker
    from tests.unit.test_case_lifecycle import report_case

    # 程晓燕 clears a blocked corridor on the spot; the resident says it is not done.
    case = report_case(track=Track.INSTANT, category=Category.SANITATION)
    case.resolve(policy=POLICY, actor=worker, timestamp=case.modified_on, result="现场清理")
    case.follow_up(
        policy=POLICY,
        zone=ZIYANG,
        actor=DISPATCHER,
        timestamp=case.modified_on,
        satisfaction=Satisfaction.UNSATISFIED,
        method="visit",
    )
    # It is back in the governance centre's triage with a running accept deadline (1 hour on the instant
    # track), and cannot be "fixed on the spot" a second time.
    assert case.status == "reported" and case.reopen_count == 1
    assert case.due_at == case.modified_on + timedelta(hours=1)
    with pytest.raises(TransitionNotAllowed):
        case.resolve(policy=POLICY, actor=worker, timestamp=case.modified_on, result="再次现场处理")
