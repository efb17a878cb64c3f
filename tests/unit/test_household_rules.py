"""The rules of a household (户): one head, no two residents with one ID number, malformed personal data
refused before it is stored, care tags ("8必访") added once and removed only when there, visits recorded
with the cases raised for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.actor import Actor, Role
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.household import Household
from domain.household_types import CareTag, HouseholdKind

WORKER = Actor("staff-chengxy", "程晓燕", Role.GRID_WORKER, "chayuan-01")  # 茶苑社区第一网格
LIAISON = {"id": "staff-wangjg", "name": "汪建国", "role": "grid_worker"}  # 联户长
CADRE = {"id": "staff-wumin", "name": "吴敏", "role": "leader"}  # 紫阳镇结对帮扶干部
HEAD_ID, TENANT_ID = "11010519491231002X", "362330199001010016"
REGISTERED_AT = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 09:00 in 紫阳镇


def at(**delta: float) -> datetime:
    return REGISTERED_AT + timedelta(**delta)


def rental_flat() -> Household:
    """程晓燕 registers a rental flat in 茶苑社区, 汪德福 its head."""
    return Household.register(
        address="茶苑社区3栋2单元501",
        grid="chayuan-01",
        kind=HouseholdKind.RENTAL,
        head={"name": "汪德福", "id_number": HEAD_ID, "phone": "13812345678"},
        actor=WORKER,
        timestamp=REGISTERED_AT,
    )


def add_tenant(household: Household, *, id_number: str | None = TENANT_ID, moment: datetime = at(days=1)) -> str:
    return household.add_member(
        actor=WORKER,
        timestamp=moment,
        name="汪小明",
        relation="tenant",
        floating=True,
        id_number=id_number,
        phone="13700001234",
        origin="江西省景德镇市",
    )


def event_names(household: Household) -> list[str]:
    return [type(event).__name__ for event in household.pending_events]


# -- registering ---------------------------------------------------------------------------------
def test_registering_names_the_head_as_its_first_resident() -> None:
    household = rental_flat()
    assert event_names(household) == ["Registered"]
    assert household.head["name"] == "汪德福" and household.head["relation"] == "head"
    assert household.residents == [household.head] and household.floating_count == 0
    assert household.registered_by == WORKER.as_record() and household.tags == [] and household.visits == []


@pytest.mark.parametrize(("field", "value"), [("id_number", "110105194912310021"), ("phone", "1381234")])
def test_malformed_personal_data_of_the_head_is_refused_before_anything_is_recorded(field: str, value: str) -> None:
    head = {"name": "汪德福", "id_number": HEAD_ID, "phone": "13812345678", field: value}
    with pytest.raises(InvalidCommand) as refused:
        Household.register(
            address="茶苑社区3栋2单元501",
            grid="chayuan-01",
            kind=HouseholdKind.OWNER,
            head=head,
            actor=WORKER,
            timestamp=REGISTERED_AT,
        )
    assert refused.value.field == f"head.{field}"


# -- members: tenants check in and out ----------------------------------------------------------------
def test_a_tenant_checks_in_as_floating_population_and_moves_out() -> None:
    household = rental_flat()
    tenant = add_tenant(household)
    assert household.floating_count == 1 and len(household.residents) == 2
    assert household.members[tenant]["origin"] == "江西省景德镇市"
    household.move_out(actor=WORKER, timestamp=at(days=30), member_id=tenant, reason="租约到期")
    assert household.members[tenant]["moved_out_at"] == at(days=30)
    assert household.floating_count == 0 and household.residents == [household.head]
    assert event_names(household) == ["Registered", "MemberAdded", "MemberMovedOut"]


def test_a_second_head_is_refused() -> None:
    household = rental_flat()
    with pytest.raises(InvalidCommand) as refused:
        household.add_member(actor=WORKER, timestamp=at(days=1), name="汪德贵", relation="head", floating=False)
    assert refused.value.field == "relation" and household.version == 1


def test_two_residents_with_one_id_number_are_refused_but_a_former_one_may_return() -> None:
    household = rental_flat()
    tenant = add_tenant(household)
    with pytest.raises(InvalidCommand, match="already lives here"):
        add_tenant(household, moment=at(days=2))
    # Once moved out, the same person may check in again (a new member record).
    household.move_out(actor=WORKER, timestamp=at(days=3), member_id=tenant)
    returned = add_tenant(household, moment=at(days=40))
    assert returned != tenant and household.floating_count == 1


def test_a_member_with_a_malformed_phone_is_refused() -> None:
    household = rental_flat()
    with pytest.raises(InvalidCommand) as refused:
        household.add_member(
            actor=WORKER, timestamp=at(days=1), name="汪小明", relation="tenant", floating=True, phone="12345"
        )
    assert refused.value.field == "phone" and household.version == 1


def test_moving_out_twice_or_an_unknown_member_is_refused() -> None:
    household = rental_flat()
    tenant = add_tenant(household)
    household.move_out(actor=WORKER, timestamp=at(days=3), member_id=tenant)
    with pytest.raises(TransitionNotAllowed, match="'move out' is not allowed when the member is 'moved_out'"):
        household.move_out(actor=WORKER, timestamp=at(days=4), member_id=tenant)
    with pytest.raises(InvalidCommand) as refused:
        household.move_out(actor=WORKER, timestamp=at(days=4), member_id="no-such-member")
    assert refused.value.field == "member_id" and household.version == 3


# -- care tags ("8必访"), liaison and pairing ------------------------------------------------------------
def test_care_tags_are_added_once_and_removed_only_when_there() -> None:
    household = rental_flat()
    household.add_tag(actor=WORKER, timestamp=at(days=1), tag=CareTag.ELDERLY_ALONE)
    household.add_tag(actor=WORKER, timestamp=at(days=1), tag=CareTag.NEEDY)
    with pytest.raises(TransitionNotAllowed, match="tagged elderly_alone"):
        household.add_tag(actor=WORKER, timestamp=at(days=2), tag=CareTag.ELDERLY_ALONE)
    household.remove_tag(actor=WORKER, timestamp=at(days=60), tag=CareTag.ELDERLY_ALONE)
    with pytest.raises(InvalidCommand) as refused:
        household.remove_tag(actor=WORKER, timestamp=at(days=61), tag=CareTag.VETERAN)
    assert refused.value.field == "tag"
    assert household.tags == ["needy"]
    assert event_names(household) == ["Registered", "TagAdded", "TagAdded", "TagRemoved"]


def test_liaison_and_pairing_cadre_are_named_and_replaced() -> None:
    household = rental_flat()
    household.assign_liaison(actor=WORKER, timestamp=at(days=1), staff=LIAISON)
    household.assign_pairing(actor=WORKER, timestamp=at(days=1), staff=CADRE)
    household.assign_pairing(actor=WORKER, timestamp=at(days=90), staff=LIAISON)
    assert household.liaison == {**LIAISON, "since": at(days=1)}
    assert household.pairing == {**LIAISON, "since": at(days=90)}


# -- visits (走访) -------------------------------------------------------------------------------------
def test_a_visit_records_who_came_and_the_cases_raised_for_it() -> None:
    household = rental_flat()
    visit_id = household.record_visit(
        actor=WORKER, timestamp=at(days=7), notes="独居老人，反映楼道灯坏", case_ids=["case-1"]
    )
    assert household.visits == [
        {
            "visit_id": visit_id,
            "at": at(days=7),
            "by": WORKER.as_record(),
            "notes": "独居老人，反映楼道灯坏",
            "case_ids": ["case-1"],
        }
    ]
    assert event_names(household)[-1] == "Visited"
