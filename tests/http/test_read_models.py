"""What staff work from: the case list, the work queues, the audit log — right after they act."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.responses import item_ids


def test_a_dispatched_case_is_in_the_department_queue_at_once(api: Api) -> None:
    t = api.territory
    case = api.report(
        "intake",
        title="和平岗臭水沟",
        category="sanitation",
        track="instant",
        channel="mini_program",
        grid=t.grid("chayuan-02"),
    )
    # 8 a.m.: the dispatcher clears the triage queue ...
    triage = api.read("dispatcher", "/queues/triage", case["position"])
    assert case["id"] in item_ids(triage)
    accepted = api.command("dispatcher", case["id"], "accept")
    assert case["id"] in item_ids(api.read("dispatcher", "/queues/dispatch", accepted["position"]))
    dispatched = api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    # ... and 城管's clerk sees it in the department queue on the very next read.
    queue = api.read("chengguan", "/queues/department", dispatched["position"])
    assert [item["id"] for item in queue["items"]] == [case["id"]]
    assert queue["items"][0]["queue"] == "department" and queue["items"][0]["due_at"] == dispatched["due_at"]
    assert case["id"] not in item_ids(api.read("dispatcher", "/queues/triage", dispatched["position"]))


def test_queues_are_sorted_by_due_time_and_overdue_is_computed_now(api: Api, clock: MovableClock) -> None:
    t = api.territory
    general = api.report("worker", title="一般件", track="general")
    instant = api.report("worker", title="即办件", track="instant", category="sanitation")
    for case in (general, instant):
        api.command("dispatcher", case["id"], "accept")
        last = api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("zhujian")})
    queue = api.read("zhujian", "/queues/department", last["position"])
    assert [item["title"] for item in queue["items"]] == ["即办件", "一般件"]  # 2 h before 1 day
    assert not any(item["overdue"] for item in queue["items"])
    # Three hours later the instant case has not been claimed: it is overdue (超期).
    clock.advance(hours=3)
    overdue = api.read("dispatcher", "/queues/overdue", last["position"])
    assert [item["title"] for item in overdue["items"]] == ["即办件"] and overdue["items"][0]["overdue"]
    claimed = api.command("zhujian", instant["id"], "claim")
    assert api.read("dispatcher", "/queues/overdue", claimed["position"])["total"] == 0


def test_follow_up_queue_holds_resolved_cases_until_called_back(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("zhujian")})
    api.command("zhujian", case["id"], "claim")
    resolved = api.command("zhujian", case["id"], "resolve", {"result": "已修复"})
    assert case["id"] in item_ids(api.read("worker", "/queues/follow-up", resolved["position"]))
    called = api.command("worker", case["id"], "follow-up", {"satisfaction": "satisfied", "method": "phone"})
    assert case["id"] not in item_ids(api.read("worker", "/queues/follow-up", called["position"]))


def test_queue_scoping(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    last = api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    assert api.get("zhujian", "/queues/department", department=t.department("chengguan")).status_code == 403
    assert api.read("zhujian", "/queues/department", last["position"])["total"] == 0
    assert (
        api.read("other_dispatcher", "/queues/department", last["position"], department=t.department("chengguan"))[
            "total"
        ]
        == 0
    )  # 清华镇 sees none of 紫阳镇's
    assert (
        api.read("dispatcher", "/queues/department", last["position"], department=t.department("chengguan"))["total"]
        == 1
    )
    assert api.get("dispatcher", "/queues/nonsense").status_code == 404


def test_case_list_filters_roll_up_the_grid_tree_and_respect_scope(api: Api, clock: MovableClock) -> None:
    t = api.territory
    light = api.report("worker", title="路灯不亮", grid=t.grid("chayuan-01"))
    clock.advance(hours=1)
    ditch = api.report("other_worker", title="臭水沟", category="sanitation", grid=t.grid("chayuan-02"))
    clock.advance(hours=1)
    wages = api.report(
        "intake",
        title="拖欠工资",
        category="dispute",
        grid=t.grid("chayuan"),
        reporter={"name": "工人代表", "phone": "13700001234"},
    )
    api.command("dispatcher", ditch["id"], "accept")
    last = api.command(
        "dispatcher",
        ditch["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [t.department("zhujian")]},
    )
    p = last["position"]
    everything = api.read("dispatcher", "/cases", p)
    assert [item["id"] for item in everything["items"]] == [wages["id"], ditch["id"], light["id"]]  # newest first
    assert everything["total"] == 3
    assert set(item_ids(api.read("dispatcher", "/cases", p, grid=t.grid("chayuan-02")))) == {ditch["id"]}
    assert set(item_ids(api.read("leader", "/cases", p, status="dispatched"))) == {ditch["id"]}
    county = t.grid("wuyuan")  # the auditor sees every county; other tests share the database
    assert set(item_ids(api.read("auditor", "/cases", p, grid=county, category="dispute"))) == {wages["id"]}
    assert set(item_ids(api.read("auditor", "/cases", p, department=t.department("zhujian")))) == {ditch["id"]}
    assert set(item_ids(api.read("auditor", "/cases", p, grid=county, q="水沟"))) == {ditch["id"]}
    assert set(
        item_ids(
            api.read(
                "auditor",
                "/cases",
                p,
                grid=county,
                created_from="2026-06-01T09:30:00+08:00",
                created_to="2026-06-01T10:30:00+08:00",
            )
        )
    ) == {ditch["id"]}
    # Scope: a grid worker sees her own grid; a department what it handles; intake what it reported.
    assert set(item_ids(api.read("worker", "/cases", p))) == {light["id"]}
    assert set(item_ids(api.read("zhujian", "/cases", p))) == {ditch["id"]}
    assert set(item_ids(api.read("intake", "/cases", p))) == {wages["id"]}
    assert api.read("other_dispatcher", "/cases", p)["total"] == 0
    # Pages.
    second = api.read("auditor", "/cases", p, grid=county, per_page=2, page=2)
    assert (second["total"], second["page"], second["per_page"], len(second["items"])) == (3, 2, 2, 1)
    assert api.get("auditor", "/cases", per_page=500).status_code == 422
    assert api.get("auditor", "/cases", status="lost").status_code == 422
    assert api.get("auditor", "/cases", grid="atlantis").status_code == 422


def test_audit_log_shows_every_event_with_its_actor_and_masks_phones(api: Api) -> None:
    t = api.territory
    case = api.report("intake", reporter={"name": "刘女士", "phone": "13812345678"})
    accepted = api.command("dispatcher", case["id"], "accept")
    log = api.read("auditor", "/audit", accepted["position"], aggregate_id=case["id"])
    assert [(e["label"], e["actor"]["name"]) for e in log["items"]] == [("上报", "E呼即办小程序"), ("受理", "王敏")]
    assert log["items"][0]["data"]["report"]["reporter"]["phone"] == "138****5678"
    by_dispatcher = api.read("admin", "/audit", accepted["position"], actor=t.staff["dispatcher"].id)
    assert {e["type"] for e in by_dispatcher["items"]} == {"Accepted"}
    assert api.get("dispatcher", "/audit").status_code == 403


def test_projection_status_readiness_and_a_read_model_that_cannot_catch_up(api: Api, app) -> None:
    case = api.report("worker")
    api.read("admin", "/cases", case["position"])
    status = api.get("admin", "/projections").get_json()
    assert {item["name"] for item in status["items"]} == {
        "case_list",
        "work_queues",
        "audit_log",
        "meetings",
        "households",
        "patrols",
        "statistics",
    }
    case_list = next(item for item in status["items"] if item["name"] == "case_list")
    assert case_list["position"] >= case["position"] and case_list["head"] >= case["position"]
    assert all(item["lag"] == item["head"] - item["position"] for item in status["items"])
    assert api.client.get("/readyz").status_code == 200
    # A position the store has reached but the read model has not: 503 with Retry-After rather than a stale answer.
    from projections.engine import tracking

    running = app.extensions["gridledger"].projections
    original = app.extensions["gridledger"]
    with running.db.begin() as connection:
        tracking.stop(connection, "case_list", "held back by this test")
    try:
        later = api.report("worker")
        app.extensions["gridledger"] = type(original)(**{**original.__dict__, "min_position_wait": 0.2})
        response = api.get("admin", "/cases", min_position=later["position"])
    finally:
        app.extensions["gridledger"] = original
        with running.db.begin() as connection:
            connection.execute(
                tracking.tracking.update()
                .where(tracking.tracking.c.name == "case_list")
                .values(status="running", error=None)
            )
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    # A position beyond the newest event: 503 at once (the contract's answer when it cannot be read yet).
    ahead = api.get("admin", "/cases", min_position=later["position"] + 1000)
    assert ahead.status_code == 503 and ahead.headers["Retry-After"] == "1"
    api.read("admin", "/cases", later["position"])  # and the read model catches up once running again
    # A stopped projection makes the service not ready, and says which.
    with running.db.begin() as connection:
        tracking.stop(connection, "audit_log", "projection 'audit_log' cannot apply event at position 1")
    try:
        ready = api.client.get("/readyz")
        assert ready.status_code == 503 and "audit_log" in ready.get_json()["problem"]
    finally:  # other tests share the PostgreSQL database
        with running.db.begin() as connection:
            connection.execute(
                tracking.tracking.update()
                .where(tracking.tracking.c.name == "audit_log")
                .values(status="running", error=None)
            )
