"""The household registry as staff read it: rentals and their tenants, the monthly "8必访", scope, PIPL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, Table, inspect, select

from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from domain.personal_data import id_number_check_character
from projections.registry import all_projections
from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.responses import item_ids
from tests.support.waiting import READ_MODEL_WAIT

HEAD_PHONE, HEAD_ID = "13812345678", "11010519491231002X"
MEMBER_PHONE = "13987654321"
MEMBER_ID = "36230119900307123" + id_number_check_character("36230119900307123")


@pytest.fixture
def households(ledger: GridLedger) -> HouseholdCommands:
    return HouseholdCommands(ledger)


def _member_id(household, name: str) -> str:
    return next(m["member_id"] for m in household.members.values() if m["name"] == name)


def test_tenants_checking_in_and_out_move_the_floating_count(api: Api, households: HouseholdCommands) -> None:
    """紫阳镇 "平安出租一点通": a rental on 和平岗, three tenants check in, one moves out."""
    t = api.territory
    wang = api.territory.staff["other_worker"]  # 汪建国, the grid worker of 茶苑社区第二网格
    rental = households.register(
        wang,
        address="茶苑社区和平岗8号",
        grid=t.grid("chayuan-02"),
        kind="rental",
        head={"name": "汪房东", "phone": "13912340000"},
    )
    households.register(
        wang, address="茶苑社区和平岗9号", grid=t.grid("chayuan-02"), kind="owner", head={"name": "程大伯"}
    )
    # Three tenants from out of town check in ...
    for name, origin in (("李师傅", "江西上饶"), ("王姐", "安徽黄山"), ("小赵", "浙江衢州")):
        checked_in = households.add_member(
            wang, str(rental.id), name=name, relation="tenant", floating=True, origin=origin
        )
    row = api.read("other_worker", "/households", checked_in.position, kind="rental")["items"]
    assert [(r["id"], r["residents"], r["floating"]) for r in row] == [(str(rental.id), 4, 3)]
    # ... and 王姐 moves out when her lease ends.
    moved = households.move_out(
        wang, str(rental.id), _member_id(households.ledger.state_after(checked_in), "王姐"), reason="退租"
    )

    page = api.read("other_worker", "/households", moved.position, kind="rental")
    assert page["total"] == 1
    item = page["items"][0]
    assert (item["kind"], item["kind_label"], item["residents"], item["floating"]) == ("rental", "出租屋", 3, 2)
    assert item["head"] == {"name": "汪房东", "phone": "139****0000"}
    assert item["address"] == "茶苑社区和平岗8号" and item["grid"] == t.grid("chayuan-02")

    figures = api.read("dispatcher", "/households/floating-population", moved.position, grid=t.grid("chayuan"))
    by_grid = {item["grid"]: item for item in figures["items"]}
    expected = {"households": 2, "rental_households": 1, "residents": 4, "floating_residents": 2}
    assert [item["grid"] for item in figures["items"]] == [t.grid(g) for g in ("chayuan", "chayuan-01", "chayuan-02")]
    assert {k: by_grid[t.grid("chayuan-02")][k] for k in expected} == expected
    assert {k: by_grid[t.grid("chayuan")][k] for k in expected} == expected  # the community rolls up its grids
    assert by_grid[t.grid("chayuan-01")]["households"] == 0
    assert figures["totals"] == expected and figures["total"] == 3
    large = api.read("leader", "/households/floating-population", moved.position, level="grid_large")
    assert [item["grid"] for item in large["items"]] == [t.grid("chayuan-01"), t.grid("chayuan-02")]


def test_visits_due_this_month_and_last_month(api: Api, households: HouseholdCommands, clock: MovableClock) -> None:
    """阳泉 "8必访": an old man living alone and a left-behind child must be visited every month."""
    t, worker = api.territory, api.territory.staff["worker"]
    grid = t.grid("chayuan-01")
    clock.now = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)  # May: both households are registered
    grandpa = households.register(
        worker, address="上站街道南山社区3号楼1单元101", grid=grid, kind="owner", head={"name": "汪大爷"}
    )
    households.add_tag(worker, str(grandpa.id), tag="elderly_alone")
    child = households.register(
        worker, address="上站街道南山社区5号楼2单元302", grid=grid, kind="owner", head={"name": "李奶奶"}
    )
    households.add_tag(worker, str(child.id), tag="left_behind_child")
    households.register(worker, address="上站街道南山社区7号楼", grid=grid, kind="owner", head={"name": "无标签"})
    clock.now = datetime(2026, 5, 20, 2, 0, tzinfo=UTC)
    households.visit(worker, str(child.id), notes="孩子学习正常，奶奶身体尚好")
    # 00:30 on 1 June in 阳泉 (still 31 May in UTC): 汪大爷 is visited — in June, not May.
    clock.now = datetime(2026, 5, 31, 16, 30, tzinfo=UTC)
    visited = households.visit(worker, str(grandpa.id), notes="老人血压偏高，已提醒按时服药")
    clock.now = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)

    june = api.read("worker", "/households/visits-due", visited.position, month="2026-06")
    assert item_ids(june) == [str(child.id)]
    assert june["items"][0]["tags"] == ["left_behind_child"] and june["items"][0]["tag_labels"] == ["留守儿童"]
    assert june["items"][0]["last_visit_at"] == "2026-05-20T10:00:00+08:00"
    assert june["month"] == "2026-06" and june["start"] == "2026-06-01T00:00:00+08:00"
    assert item_ids(api.read("worker", "/households/visits-due", visited.position)) == [str(child.id)]  # this month
    may = api.read("dispatcher", "/households/visits-due", visited.position, month="2026-05")
    assert item_ids(may) == [str(grandpa.id)]
    assert may["items"][0]["tags"] == ["elderly_alone"] and may["items"][0]["last_visit_at"] is None
    april = api.read("worker", "/households/visits-due", visited.position, month="2026-04")
    assert april["items"] == []  # nobody was registered yet

    # Later in June: 李奶奶's grandchild goes back to its parents (the tag is removed), and a needy family
    # moves in. June still asks for both; May's list is what it was; July no longer asks for the child.
    clock.now = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
    households.remove_tag(worker, str(child.id), "left_behind_child")
    needy = households.register(
        worker, address="上站街道南山社区9号楼", grid=grid, kind="rental", head={"name": "赵家"}
    )
    last = households.add_tag(worker, str(needy.id), tag="needy")
    assert set(item_ids(api.read("worker", "/households/visits-due", last.position, month="2026-06"))) == {
        str(child.id),
        str(needy.id),
    }
    assert item_ids(api.read("worker", "/households/visits-due", last.position, month="2026-05")) == [str(grandpa.id)]
    assert item_ids(api.read("worker", "/households/visits-due", last.position, month="2026-07")) == [
        str(grandpa.id),
        str(needy.id),
    ]
    assert item_ids(api.read("worker", "/households/visits-due", last.position, month="2026-07", tag="needy")) == [
        str(needy.id)
    ]
    assert item_ids(api.read("worker", "/households", last.position, tag="elderly_alone")) == [str(grandpa.id)]
    for month in ("2026-13", "June", "2026-6", "0000-01"):
        assert api.get("worker", "/households/visits-due", month=month).status_code == 422, month


def test_households_are_scoped_by_grid_and_hidden_from_departments(api: Api, households: HouseholdCommands) -> None:
    t = api.territory
    first = households.register(
        t.staff["worker"],
        address="茶苑社区1栋",
        grid=t.grid("chayuan-01"),
        kind="owner",
        head={"name": "汪德福", "phone": HEAD_PHONE, "id_number": HEAD_ID},
    )
    second = households.register(
        t.staff["other_worker"], address="茶苑社区20栋", grid=t.grid("chayuan-02"), kind="owner", head={"name": "程"}
    )
    p = second.position
    assert item_ids(api.read("worker", "/households", p)) == [str(first.id)]
    assert item_ids(api.read("other_worker", "/households", p)) == [str(second.id)]
    assert set(item_ids(api.read("leader", "/households", p))) == {str(first.id), str(second.id)}
    second_page = api.read("leader", "/households", p, per_page=1, page=2)
    assert (second_page["total"], second_page["page"], second_page["per_page"]) == (2, 2, 1)
    assert item_ids(second_page) == [str(second.id)]  # grid order: 第一网格 before 第二网格
    assert api.read("other_dispatcher", "/households", p)["total"] == 0  # 清华镇 sees none of 紫阳镇's
    assert api.read("auditor", "/households", p, grid=t.grid("wuyuan"))["total"] == 2
    assert api.read("worker", "/households", p)["items"][0]["head"]["phone"] == "138****5678"
    assert api.get("worker", "/households", grid=t.grid("chayuan-02")).status_code == 403
    assert api.get("dispatcher", "/households", grid="atlantis").status_code == 422
    assert api.get("dispatcher", "/households", tag="rich").status_code == 422
    assert api.get("dispatcher", "/households", per_page=500).status_code == 422
    for who in ("chengguan", "intake", "secretary"):
        for path in ("/households", "/households/visits-due", "/households/floating-population"):
            response = api.get(who, path)
            assert response.status_code == 403, (who, path)
            assert response.content_type == "application/problem+json"


def test_no_read_model_holds_a_phone_or_id_number_in_plain_text(api: Api, app, households: HouseholdCommands) -> None:
    t, worker = api.territory, api.territory.staff["worker"]
    home = households.register(
        worker,
        address="茶苑社区3栋2单元501",
        grid=t.grid("chayuan-01"),
        kind="rental",
        head={"name": "汪德福", "phone": HEAD_PHONE, "id_number": HEAD_ID},
    )
    households.add_member(
        worker, str(home.id), name="李秀英", relation="spouse", floating=False, phone=MEMBER_PHONE, id_number=MEMBER_ID
    )
    households.add_member(worker, str(home.id), name="租客", relation="tenant", floating=True, phone="13700001111")
    last = households.visit(worker, str(home.id), notes=f"户主电话 {HEAD_PHONE[:3]} 已核实")
    running = app.extensions["gridledger"].projections
    assert running.wait_for(last.position, [p.name for p in all_projections()], timeout=READ_MODEL_WAIT)

    secrets = (HEAD_PHONE, HEAD_ID, MEMBER_PHONE, MEMBER_ID, "13700001111")
    tables = [name for name in inspect(running.db).get_table_names() if name.startswith("rm_")]
    assert {"rm_households", "rm_household_members", "rm_household_tags", "rm_household_visits", "rm_patrols"} <= set(
        tables
    )
    with running.db.connect() as connection:
        for name in tables:
            table = Table(name, MetaData(), autoload_with=connection)
            for row in connection.execute(select(table)):
                text = " ".join(str(value) for value in row)
                assert not any(secret in text for secret in secrets), (name, row)


def test_the_audit_log_labels_household_events_in_chinese_and_masks_them(
    api: Api, households: HouseholdCommands
) -> None:
    t = api.territory
    home = households.register(
        t.staff["worker"],
        address="茶苑社区3栋",
        grid=t.grid("chayuan-01"),
        kind="owner",
        head={"name": "乔春梅", "id_number": HEAD_ID, "phone": HEAD_PHONE},
    )
    tagged = households.add_tag(t.staff["worker"], str(home.id), tag="elderly_alone")
    page = api.read("auditor", "/audit", tagged.position, aggregate_id=str(home.id))
    assert [(e["type"], e["label"]) for e in page["items"]] == [("Registered", "登记户"), ("TagAdded", "添加关爱标签")]
    head = page["items"][0]["data"]["head"]
    assert head == {"name": "乔春梅", "id_number": "110***********002X", "phone": "138****5678"}
