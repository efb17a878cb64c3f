"""The household registry and the patrol log fold a household's or a patrol's events into rows
(projections/households.py, projections/patrols.py). Random valid command sequences check that, after every
command, the rows say what the aggregate says: residents, floating population, care tags, liaison and pairing
cadre, visits; check-ins, findings, cases raised, hours.

No database: events come from the in-memory store, decoded as the projection engine decodes a batch, and go
through each read model's pure fold (the engine loads and stores the rows, and fills ``grid_path`` from ``grid``
as it writes them). Meetings: tests/unit/test_meeting_fold_matches_aggregate.py.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.actor import Actor, Role
from domain.case_types import Category
from domain.household import Household
from domain.household_types import CareTag, HouseholdKind
from domain.patrol import ENDED, Patrol
from domain.patrol_types import PatrolKind
from domain.personal_data import mask_phone
from projections import households, patrols
from projections.households import Household as HouseholdRows
from tests.support.in_memory_store import InMemoryStore
from tests.support.properties import bounded, commands_in_turn
from tests.unit.test_case_lifecycle import T0

WORKER = Actor("staff-chengxy", "程晓燕", Role.GRID_WORKER, "chayuan-01")  # 茶苑社区第一网格
CADRES = (
    {"id": "staff-wangjg", "name": "汪建国", "role": "grid_worker"},  # 联户长 / 结对帮扶 candidates
    {"id": "staff-wumin", "name": "吴敏", "role": "leader"},
)
ID_NUMBERS = ("11010519491231002X", "362330199001010016")  # valid check digits; the same one twice is refused
PHONES = ("13812345678", "13700001234")
PAUSES = tuple(timedelta(minutes=m) for m in (5, 40, 60 * 7, 60 * 24 * 3))


# -- households (户) -----------------------------------------------------------------------------------
class Registry:
    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.states: dict[str, HouseholdRows] = {}
        self.positions: dict[str, int] = {}

    def record(self, household: Household) -> None:
        for event in self.store.save_and_read(household):
            state = households.fold(self.states.get(event.aggregate_id), event)
            assert state is not None
            self.states[event.aggregate_id] = state
            self.positions[event.aggregate_id] = event.position


def household_command(household: Household, data: st.DataObject, now: Any) -> None:
    command = data.draw(
        st.sampled_from(("add member", "move out", "add tag", "remove tag", "liaison", "pairing", "visit")),
        label="command",
    )
    if command == "add member":
        household.add_member(
            actor=WORKER,
            timestamp=now,
            name="汪小明",
            relation=data.draw(st.sampled_from(("spouse", "child", "tenant")), label="relation"),
            floating=data.draw(st.booleans(), label="floating"),
            id_number=data.draw(st.none() | st.sampled_from(ID_NUMBERS), label="id number"),
            phone=data.draw(st.none() | st.sampled_from(PHONES), label="phone"),
        )
    elif command == "move out":  # anyone, the head too; twice is refused
        # By place in the list, not by id: ids are random, the examples must not be.
        member_id = list(household.members)[data.draw(st.integers(0, len(household.members) - 1), label="member")]
        household.move_out(actor=WORKER, timestamp=now, member_id=member_id, reason="租约到期")
    elif command in ("add tag", "remove tag"):  # a tag it has (or has not) is refused
        tag = data.draw(st.sampled_from(CareTag), label="tag")
        (household.add_tag if command == "add tag" else household.remove_tag)(actor=WORKER, timestamp=now, tag=tag)
    elif command in ("liaison", "pairing"):
        staff = data.draw(st.sampled_from(CADRES), label="cadre")
        (household.assign_liaison if command == "liaison" else household.assign_pairing)(
            actor=WORKER, timestamp=now, staff=staff
        )
    else:
        cases = data.draw(st.lists(st.builds(lambda: str(uuid4())), max_size=2), label="cases raised")
        household.record_visit(actor=WORKER, timestamp=now, notes="入户走访，了解近况", case_ids=cases)


def assert_household_rows_match(registry: Registry, household: Household) -> None:
    state = registry.states[str(household.id)]
    head = household.head
    assert state.row == {
        "id": str(household.id),
        "address": household.address,
        "grid": household.grid,
        "kind": household.kind,
        "head_name": head["name"],
        "head_phone": mask_phone(head["phone"]) if head["phone"] else None,
        "head_person": head.get("person"),  # with per-person keys: the head's key id
        "tags": "," + "".join(f"{tag}," for tag in household.tags),
        "residents": len(household.residents),
        "floating": household.floating_count,
        "liaison_id": (household.liaison or {}).get("id"),
        "liaison_name": (household.liaison or {}).get("name"),
        "pairing_id": (household.pairing or {}).get("id"),
        "pairing_name": (household.pairing or {}).get("name"),
        "visits": len(household.visits),
        "last_visit_at": household.visits[-1]["at"] if household.visits else None,
        "registered_at": household.created_on,
        "updated_at": household.modified_on,
        "version": household.version,
        "position": registry.positions[str(household.id)],
    }
    assert {
        member_id: (m["relation"], m["floating"], m["moved_in_at"], m["moved_out_at"])
        for member_id, m in state.members.items()
    } == {
        member_id: (m["relation"], m["floating"], m["added_at"], m["moved_out_at"])
        for member_id, m in household.members.items()
    }
    assert [period["tag"] for period in state.tags if period["removed_at"] is None] == household.tags
    mine = [visit for visit in state.visits if visit["household_id"] == str(household.id)]
    assert [(v["visit_id"], v["at"], v["visitor_id"], v["visitor_name"], v["cases_raised"]) for v in mine] == [
        (v["visit_id"], v["at"], v["by"]["id"], v["by"]["name"], len(v["case_ids"])) for v in household.visits
    ]


@bounded
@given(st.data())
def test_household_rows_folded_from_the_events_equal_the_aggregate(data: st.DataObject) -> None:
    registry, now = Registry(), T0
    # 1. 程晓燕 registers a rental flat in 茶苑社区 (its head's phone given or not).
    household = Household.register(
        address="茶苑社区3栋2单元501",
        grid="chayuan-01",
        actor=WORKER,
        timestamp=now,
        kind=data.draw(st.sampled_from(HouseholdKind), label="kind"),
        head={"name": "汪德福", "id_number": ID_NUMBERS[0], "phone": data.draw(st.none() | st.just(PHONES[0]))},
    )
    registry.record(household)
    assert_household_rows_match(registry, household)

    # 2. Members come and go, tags change, cadres are named, visits are made; a refused command records nothing.
    def recorded() -> None:
        registry.record(household)
        assert_household_rows_match(registry, household)

    commands_in_turn(data, household, household_command, recorded, now=now, steps=25, pauses=PAUSES)


# -- patrols (巡查) --------------------------------------------------------------------------------------
def patrol_command(patrol: Patrol, data: st.DataObject, now: Any) -> None:
    command = data.draw(st.sampled_from(("check in", "finding", "end")), label="command")
    if command == "check in":
        place = data.draw(st.sampled_from(("茶苑社区北门", "3栋楼道口", "和平岗农贸市场")), label="place")
        patrol.record_checkpoint(actor=WORKER, timestamp=now, place=place, lat=29.3, lon=117.86)
    elif command == "finding":  # a 4必报 fixed on the spot is refused
        fixed = data.draw(st.booleans(), label="fixed on the spot")
        patrol.record_finding(
            actor=WORKER,
            timestamp=now,
            description="消防通道堆放杂物",
            category=data.draw(st.sampled_from(Category), label="category"),
            resolved_on_spot=fixed,
            case_id=None if fixed else str(uuid4()),
        )
    else:  # ending twice, or anything after the end, is refused
        patrol.end(actor=WORKER, timestamp=now, summary="巡查完毕，发现问题已处置或上报")


def expected_patrol_row(patrol: Patrol, position: int) -> dict[str, Any]:
    ended = patrol.status == ENDED
    return {
        "id": str(patrol.id),
        "grid": patrol.grid,
        "kind": patrol.kind,
        "status": patrol.status,
        "started_by_id": patrol.started_by["id"],
        "started_by_name": patrol.started_by["name"],
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "duration_seconds": round((patrol.ended_at - patrol.started_at).total_seconds()) if ended else None,
        "checkpoints": len(patrol.checkpoints),
        "last_checkpoint": patrol.checkpoints[-1]["place"] if patrol.checkpoints else None,
        "findings": len(patrol.findings),
        "fixed_on_spot": sum(1 for finding in patrol.findings if finding["resolved_on_spot"]),
        "cases_raised": sum(1 for finding in patrol.findings if finding["case_id"] is not None),
        "summary": patrol.summary,
        "version": patrol.version,
        "position": position,
    }


class PatrolLog:
    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.row: dict[str, Any] | None = None

    def record(self, patrol: Patrol) -> None:
        for event in self.store.save_and_read(patrol):
            self.row = patrols.fold(self.row, event)
            self.position = event.position

    def assert_row_matches(self, patrol: Patrol) -> None:
        assert self.row is not None
        assert json.loads(self.row["members"]) == [
            {"id": m["id"], "name": m["name"], "role": m.get("role")} for m in patrol.members
        ]
        assert {key: value for key, value in self.row.items() if key != "members"} == expected_patrol_row(
            patrol, self.position
        )


@bounded
@given(st.data())
def test_patrol_row_folded_from_the_events_equals_the_aggregate(data: st.DataObject) -> None:
    log, now = PatrolLog(), T0
    # 1. A patrol of 茶苑社区第一网格 sets off: 程晓燕 and one or two others.
    crew = data.draw(st.lists(st.sampled_from(CADRES), min_size=1, max_size=2, unique_by=lambda m: m["id"]))
    patrol = Patrol.start(
        grid="chayuan-01",
        kind=data.draw(st.sampled_from(PatrolKind), label="kind"),
        members=crew,
        actor=WORKER,
        timestamp=now,
    )
    log.record(patrol)
    log.assert_row_matches(patrol)

    # 2. Check-ins and findings on the way, then the end; a refused command records nothing.
    def recorded() -> None:
        log.record(patrol)
        log.assert_row_matches(patrol)

    commands_in_turn(data, patrol, patrol_command, recorded, now=now, steps=20, pauses=PAUSES)
