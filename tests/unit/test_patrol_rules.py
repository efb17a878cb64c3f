"""The rules of a patrol (巡查): it has a crew, records check-ins and findings only while under way, a finding
is either fixed on the spot or becomes a case, a 4必报 finding is never fixed on the spot, and it ends once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.actor import Actor, Role
from domain.case_types import MUST_REPORT, Category
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.patrol import ENDED, ON_PATROL, Patrol
from domain.patrol_types import PatrolKind

WORKER = Actor("staff-chengxy", "程晓燕", Role.GRID_WORKER, "chayuan-01")  # 茶苑社区第一网格
VOLUNTEER = {"id": "staff-wangjg", "name": "汪建国", "role": "grid_worker"}  # 红袖套 volunteer
SET_OFF = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # 20:00 in 紫阳镇


def at(**delta: float) -> datetime:
    return SET_OFF + timedelta(**delta)


def night_patrol() -> Patrol:
    """程晓燕 and 汪建国 set off on a night patrol of 茶苑社区第一网格."""
    return Patrol.start(grid="chayuan-01", kind=PatrolKind.NIGHT, members=[VOLUNTEER], actor=WORKER, timestamp=SET_OFF)


def find(patrol: Patrol, category: Category, *, fixed: bool, case_id: str | None = None) -> int:
    return patrol.record_finding(
        actor=WORKER,
        timestamp=at(minutes=30),
        description="消防通道堆放杂物",
        category=category,
        resolved_on_spot=fixed,
        case_id=case_id,
    )


def event_names(patrol: Patrol) -> list[str]:
    return [type(event).__name__ for event in patrol.pending_events]


def test_a_patrol_without_a_crew_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        Patrol.start(grid="chayuan-01", kind=PatrolKind.ROUTINE, members=[], actor=WORKER, timestamp=SET_OFF)
    assert refused.value.field == "members"


def test_whoever_started_it_and_its_crew_are_its_members() -> None:
    patrol = night_patrol()
    assert patrol.status == ON_PATROL and event_names(patrol) == ["Started"]
    assert patrol.has_member(WORKER.id) and patrol.has_member(VOLUNTEER["id"])
    assert not patrol.has_member("staff-liqiang")


def test_check_ins_and_findings_are_numbered_in_order() -> None:
    patrol = night_patrol()
    patrol.record_checkpoint(actor=WORKER, timestamp=at(minutes=10), place="茶苑社区北门", lat=29.3, lon=117.86)
    assert find(patrol, Category.PARKING, fixed=True) == 1
    assert find(patrol, Category.MUNICIPAL, fixed=False, case_id="case-1") == 2
    assert [f["number"] for f in patrol.findings] == [1, 2]
    assert patrol.findings[1]["case_id"] == "case-1" and patrol.checkpoints[0]["place"] == "茶苑社区北门"
    assert event_names(patrol) == ["Started", "CheckpointRecorded", "FindingRecorded", "FindingRecorded"]


@pytest.mark.parametrize(("fixed", "case_id"), [(True, "case-1"), (False, None)])
def test_a_finding_is_either_fixed_on_the_spot_or_becomes_a_case(fixed: bool, case_id: str | None) -> None:
    patrol = night_patrol()
    with pytest.raises(InvalidCommand) as refused:
        find(patrol, Category.SANITATION, fixed=fixed, case_id=case_id)
    assert refused.value.field == "case_id" and patrol.findings == []


@pytest.mark.parametrize("category", sorted(MUST_REPORT), ids=str)
def test_a_must_report_finding_is_never_fixed_on_the_spot(category: Category) -> None:
    # 4必报: checked before anything is saved, the case included.
    patrol = night_patrol()
    with pytest.raises(InvalidCommand, match="4必报") as refused:
        patrol.check_finding(category=category, resolved_on_spot=True)
    assert refused.value.field == "resolved_on_spot"
    assert find(patrol, category, fixed=False, case_id="case-1") == 1


def test_an_ended_patrol_records_nothing_more_and_ends_once() -> None:
    patrol = night_patrol()
    patrol.end(actor=WORKER, timestamp=at(hours=2), summary="巡查完毕，未发现异常")
    assert (patrol.status, patrol.ended_at, patrol.summary) == (ENDED, at(hours=2), "巡查完毕，未发现异常")
    refusals = {
        "check in": lambda: patrol.record_checkpoint(actor=WORKER, timestamp=at(hours=3), place="3栋楼道口"),
        "record a finding": lambda: find(patrol, Category.PARKING, fixed=True),
        "end": lambda: patrol.end(actor=WORKER, timestamp=at(hours=3), summary="再次结束"),
    }
    for command, attempt in refusals.items():
        with pytest.raises(TransitionNotAllowed, match=f"'{command}' is not allowed when the patrol is 'ended'"):
            attempt()
    assert patrol.version == 2
