"""Households and patrols through the application service: linked cases saved atomically, roles, states."""

from __future__ import annotations

import pytest

from application.errors import Forbidden, InvalidReference, NotFound
from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.patrol_commands import PatrolCommands
from domain.errors import InvalidCommand, TransitionNotAllowed
from tests.support.territory import Territory

HEAD = {"name": "汪德福", "id_number": "11010519491231002X", "phone": "13812345678"}


@pytest.fixture
def households(ledger: GridLedger) -> HouseholdCommands:
    return HouseholdCommands(ledger)


@pytest.fixture
def patrols(ledger: GridLedger) -> PatrolCommands:
    return PatrolCommands(ledger)


def test_a_visit_with_needs_saves_the_linked_cases_with_it(ledger, households, territory: Territory) -> None:
    worker = territory.staff["worker"]
    home = ledger.state_after(
        households.register(
            worker, address="茶苑社区3栋2单元501", grid=territory.grid("chayuan-01"), kind="owner", head=HEAD
        )
    )
    need = {
        "title": "独居老人家中灯泡坏了",
        "description": "需要上门更换",
        "category": "livelihood",
        "track": "instant",
    }
    outcome = households.visit(worker, str(home.id), notes="老人身体尚好", needs=[need, {**need, "title": "水管漏水"}])

    visit = ledger.state_after(outcome).visits[-1]
    assert len(visit["case_ids"]) == 2 and list(outcome.linked_ids) == visit["case_ids"]
    cases = [ledger.load_case(case_id) for case_id in visit["case_ids"]]
    assert [c.details["household_id"] for c in cases] == [str(home.id)] * 2
    assert {c.channel for c in cases} == {"visit"} and {c.grid for c in cases} == {home.grid}
    assert cases[0].case_no != cases[1].case_no


def test_a_need_in_a_grid_the_worker_may_not_report_in_stores_nothing(ledger, households, territory) -> None:
    worker = territory.staff["worker"]
    home = households.register(
        worker, address="茶苑社区1栋", grid=territory.grid("chayuan-01"), kind="owner", head={"name": "程"}
    )
    need = {
        "title": "t",
        "description": "d",
        "category": "livelihood",
        "track": "general",
        "grid": territory.grid("qingshan"),
    }
    with pytest.raises(Forbidden):
        households.visit(worker, str(home.id), notes="n", needs=[need])
    assert ledger.load_household(home.id).version == 1
    need["grid"] = "nowhere"
    with pytest.raises(InvalidReference):
        households.visit(worker, str(home.id), notes="n", needs=[need])


def test_members_tags_and_scope(ledger, households, territory) -> None:
    worker, other = territory.staff["worker"], territory.staff["other_worker"]
    home = households.register(
        worker, address="出租屋", grid=territory.grid("chayuan-01"), kind="rental", head={"name": "房东"}
    )
    for name in ("甲", "乙", "丙"):
        home = ledger.state_after(
            households.add_member(worker, str(home.id), name=name, relation="tenant", floating=True, origin="江西上饶")
        )
    assert home.floating_count == 3
    tenant = next(m for m in home.members.values() if m["name"] == "乙")
    home = ledger.state_after(households.move_out(worker, str(home.id), tenant["member_id"], reason="退租"))
    assert home.floating_count == 2
    with pytest.raises(TransitionNotAllowed):
        households.move_out(worker, str(home.id), tenant["member_id"])
    with pytest.raises(NotFound):
        households.move_out(worker, str(home.id), "no-such-member")
    with pytest.raises(Forbidden):
        households.add_tag(other, str(home.id), tag="needy")
    with pytest.raises(Forbidden):
        households.add_tag(territory.staff["chengguan"], str(home.id), tag="needy")
    households.add_tag(worker, str(home.id), tag="needy")
    with pytest.raises(TransitionNotAllowed):
        households.add_tag(worker, str(home.id), tag="needy")
    assert ledger.state_after(households.remove_tag(worker, str(home.id), "needy")).tags == []
    with pytest.raises(NotFound):
        households.remove_tag(worker, str(home.id), "needy")
    with pytest.raises(InvalidReference):
        households.assign_liaison(worker, str(home.id), staff_id="nobody")
    liaison = ledger.state_after(households.assign_liaison(worker, str(home.id), staff_id=other.id)).liaison
    assert liaison["name"] == other.name


def test_a_finding_not_fixed_on_the_spot_becomes_a_linked_case(ledger, patrols, territory) -> None:
    worker = territory.staff["worker"]
    patrol = patrols.start(
        worker, grid=territory.grid("chayuan-01"), kind="night", members=[worker.id, territory.staff["other_worker"].id]
    )
    patrols.checkpoint(worker, str(patrol.id), place="茶苑社区东门")
    patrols.finding(worker, str(patrol.id), description="楼道堆放杂物", category="sanitation", resolved_on_spot=True)
    outcome = patrols.finding(
        worker, str(patrol.id), description="路灯不亮，夜间行人看不清路", category="municipal", resolved_on_spot=False
    )
    case = ledger.load_case(outcome.linked_ids[0])
    assert case.details["patrol_id"] == str(patrol.id) and case.channel == "patrol"
    assert case.status == "reported"
    with pytest.raises(InvalidCommand):
        patrols.finding(worker, str(patrol.id), description="电线老化", category="safety_hazard", resolved_on_spot=True)
    with pytest.raises(Forbidden):
        patrols.checkpoint(territory.staff["other_dispatcher"], str(patrol.id), place="x")
    ended = ledger.state_after(patrols.end(worker, str(patrol.id), summary="两处发现"))
    assert ended.status == "ended"
    with pytest.raises(TransitionNotAllowed):
        patrols.checkpoint(worker, str(patrol.id), place="x")
    assert ledger.load_patrol(patrol.id).version == 5
