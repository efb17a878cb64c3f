"""The accountability clock over HTTP (issue 13): the National Day scenario, suspension, and the queues.

Expected dates come from ``chinese_calendar`` directly, never from the code under test; time moves by the
injectable clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.responses import assert_ok, item_ids

SHANGHAI = ZoneInfo("Asia/Shanghai")


def nth_working_day_after(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def end_of(day: date) -> str:
    return datetime.combine(day, time.max, SHANGHAI).isoformat()


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI)


@pytest.fixture
def calendar_2026(api: Api, app: Flask) -> Iterator[Api]:
    """The 2026 calendar imported and the default rules in force (both are one per installation)."""
    ledger = app.extensions["gridledger"].ledger
    admin = api.territory.staff["admin"]
    ledger.clock_rules.set_rules(admin, {})
    ledger.clock_rules.import_year(admin, 2026)
    return api


def test_national_day_scenario(calendar_2026: Api, clock: MovableClock) -> None:
    api, t = calendar_2026, calendar_2026.territory
    reported_on = date(2026, 9, 30)
    clock.now = local(reported_on, 16)
    case = api.report("worker")
    accept_due = nth_working_day_after(reported_on, 1)
    assert accept_due == date(2026, 10, 8)  # 10-01 … 10-07: the National Day holiday
    assert case["due_at"] == case["deadlines"]["accept"]["due_at"] == end_of(accept_due)
    assert case["deadlines"]["accept"]["rule_version"] >= 1 and case["deadlines"]["claim"] is None
    triage = api.read("dispatcher", "/queues/triage", case["position"])
    assert [item["due_at"] for item in triage["items"] if item["id"] == case["id"]] == [end_of(accept_due)]

    # Nobody accepted it in time: on the morning of 10-09 it is overdue in triage and the overdue queue.
    dispatched_on = date(2026, 10, 9)
    clock.now = local(dispatched_on, 9)
    assert api.get("dispatcher", f"/cases/{case['id']}").get_json()["overdue"] is True
    assert case["id"] in item_ids(api.read("dispatcher", "/queues/overdue", case["position"]))
    accepted = api.command("dispatcher", case["id"], "accept")
    assert accepted["deadlines"]["accept"]["overdue"] is True  # met late
    clock.now = local(dispatched_on, 10)
    dispatched = api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    claim_due, resolve_due = nth_working_day_after(dispatched_on, 1), nth_working_day_after(dispatched_on, 5)
    assert (claim_due, resolve_due) == (date(2026, 10, 10), date(2026, 10, 15))  # 10-10 is a 调休 Saturday
    assert dispatched["deadlines"]["claim"]["due_at"] == dispatched["due_at"] == end_of(claim_due)
    assert dispatched["deadlines"]["resolve"]["due_at"] == end_of(resolve_due)
    clock.now = local(date(2026, 10, 10), 9)
    api.command("chengguan", case["id"], "claim")

    # Suspended 10-13 10:00, resumed 10-15 10:00: two working days; the resolve deadline moves by them.
    clock.now = local(date(2026, 10, 13), 10)
    suspended = api.command("dispatcher", case["id"], "suspend", {"reason": "等待司法鉴定"})
    assert suspended["suspended"] is True
    clock.now = local(date(2026, 10, 16), 9)  # past the old deadline, but suspended: never overdue
    assert api.get("dispatcher", f"/cases/{case['id']}").get_json()["overdue"] is False
    clock.now = local(date(2026, 10, 15), 10)
    resumed = api.command("dispatcher", case["id"], "resume")
    moved = nth_working_day_after(resolve_due, 2)
    assert moved == date(2026, 10, 19)  # 10-17/18 are a weekend
    assert resumed["suspended"] is False and resumed["due_at"] == end_of(moved)
    assert resumed["deadlines"]["resolve"]["due_at"] == end_of(moved)
    listed = api.read("dispatcher", "/cases", resumed["position"], q=case["case_no"])
    assert [item["due_at"] for item in listed["items"]] == [end_of(moved)]


def test_extension_requested_refused_then_granted(calendar_2026: Api, clock: MovableClock) -> None:
    api, t = calendar_2026, calendar_2026.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("zhujian")})
    claimed = api.command("zhujian", case["id"], "claim")
    later = (datetime.fromisoformat(claimed["due_at"]) + timedelta(days=5)).isoformat()
    api.command("dispatcher", case["id"], "request-extension", {"due_at": later, "reason": "x"}, status=403)
    asked = api.command("zhujian", case["id"], "request-extension", {"due_at": later, "reason": "需采购配件"})
    assert asked["extension_request"]["reason"] == "需采购配件" and asked["due_at"] == claimed["due_at"]
    again = api.post("zhujian", f"/cases/{case['id']}/request-extension", {"due_at": later, "reason": "再次"})
    assert again.status_code == 409
    queue = api.read("zhujian", "/queues/department", asked["position"])
    (row,) = [item for item in queue["items"] if item["id"] == case["id"]]
    assert row["extension_requested"] is True and row["role_in_case"] == "lead"
    refused = api.command("dispatcher", case["id"], "refuse-extension", {"reason": "理由不足"})
    assert refused["extension_request"] is None and refused["due_at"] == claimed["due_at"]
    api.command("zhujian", case["id"], "request-extension", {"due_at": later, "reason": "配件到货延迟"})
    granted = api.command("dispatcher", case["id"], "extend", {"due_at": later, "reason": "同意"})
    assert granted["extension_request"] is None
    assert datetime.fromisoformat(granted["due_at"]) == datetime.fromisoformat(later)
    problem = api.post("dispatcher", f"/cases/{case['id']}/refuse-extension", {"reason": "x"}).get_json()
    assert problem["status"] == 409


def test_co_department_queue_acknowledge_urge_and_redispatch(calendar_2026: Api) -> None:
    api, t = calendar_2026, calendar_2026.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    dispatched = api.command(
        "dispatcher",
        case["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [t.department("zhujian")]},
    )
    co_queue = api.read("zhujian", "/queues/department", dispatched["position"])
    (row,) = [item for item in co_queue["items"] if item["id"] == case["id"]]
    assert row["role_in_case"] == "co"
    api.command("chengguan", case["id"], "acknowledge", status=403)  # the lead does not acknowledge
    acknowledged = api.command("zhujian", case["id"], "acknowledge")
    assert acknowledged["acknowledged_by"] == [t.department("zhujian")]
    assert api.post("zhujian", f"/cases/{case['id']}/acknowledge").status_code == 409
    api.command("chengguan", case["id"], "urge", {"note": "快"}, status=403)
    api.command("leader", case["id"], "urge", {"note": "请抓紧办理"})
    urged = api.command("dispatcher", case["id"], "urge", {"note": "再次督办"})
    assert urged["urges"] == 2
    queue = api.read("chengguan", "/queues/department", urged["position"])
    assert [item["urges"] for item in queue["items"] if item["id"] == case["id"]] == [2]
    redispatched = api.command(
        "dispatcher",
        case["id"],
        "redispatch",
        {"lead_department": t.department("paichusuo"), "co_departments": [], "reason": "属公安职责"},
    )
    assert redispatched["status"] == "dispatched" and redispatched["lead_department"] == t.department("paichusuo")
    assert redispatched["acknowledged_by"] == []
    gone = api.read("zhujian", "/queues/department", redispatched["position"])
    assert case["id"] not in item_ids(gone)


def test_return_after_claim_within_the_window_only(calendar_2026: Api, clock: MovableClock) -> None:
    api, t = calendar_2026, calendar_2026.territory
    clock.now = local(date(2026, 6, 1), 9)  # a Monday
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    api.command("chengguan", case["id"], "claim")
    returned = api.command("chengguan", case["id"], "return", {"reason": "非本部门职责"})
    assert returned["status"] == "accepted" and returned["returns"] == 1
    assert returned["deadlines"]["claim"] is None and returned["deadlines"]["resolve"] is None
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    api.command("chengguan", case["id"], "claim")
    clock.now = local(date(2026, 6, 3), 9)  # past the window (one working day after dispatch)
    problem = api.post("chengguan", f"/cases/{case['id']}/return", {"reason": "x"}).get_json()
    assert problem["status"] == 409 and "in_progress" in problem["detail"] and "return" in problem["detail"]


def test_follow_up_attempts_then_unreachable_and_reveal_contact(calendar_2026: Api, clock: MovableClock) -> None:
    api, t = calendar_2026, calendar_2026.territory
    case = api.report("worker", reporter={"name": "张阿姨", "phone": "13812345678"})
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    api.command("chengguan", case["id"], "claim")
    resolved = api.command("chengguan", case["id"], "resolve", {"result": "已修复"})
    assert resolved["deadlines"]["follow_up"]["due_at"] == resolved["due_at"]
    follow_up = api.read("dispatcher", "/queues/follow-up", resolved["position"])
    assert [item["due_at"] for item in follow_up["items"] if item["id"] == case["id"]] == [resolved["due_at"]]

    assert resolved["reporter"]["phone"] != "13812345678"  # masked in the case state
    api.command("chengguan", case["id"], "reveal-contact", {"purpose": "回访"}, status=403)
    revealed = api.command("dispatcher", case["id"], "reveal-contact", {"purpose": "回访"})
    assert revealed["phone"] == "13812345678"
    history = api.get("dispatcher", f"/cases/{case['id']}/history").get_json()["events"]
    assert history[-1]["label"] == "查看联系电话"

    unanswered = {"method": "phone", "attempt": True}
    early = api.post("dispatcher", f"/cases/{case['id']}/follow-up", {"method": "phone", "satisfaction": "unreachable"})
    assert early.status_code == 409
    for _ in range(2):
        api.command("dispatcher", case["id"], "follow-up", unanswered)
        clock.advance(hours=1)
    clock.advance(days=1)
    attempted = api.command("dispatcher", case["id"], "follow-up", unanswered)
    assert len(attempted["follow_up_attempts"]) == 3 and attempted["follow_ups"] == []
    done = api.command("dispatcher", case["id"], "follow-up", {"method": "phone", "satisfaction": "unreachable"})
    assert done["follow_ups"][-1]["satisfaction"] == "unreachable"
    labels = [event["label"] for event in api.get("admin", f"/cases/{case['id']}/history").get_json()["events"]]
    assert labels.count("回访未接通") == 3


@pytest.mark.parametrize(
    ("command", "body", "field"),
    [
        ("redispatch", {"lead_department": "x", "reason": " "}, "reason"),
        ("redispatch", {"reason": "x"}, "lead_department"),
        ("request-extension", {"reason": "x"}, "due_at"),
        ("suspend", {}, "reason"),
        ("suspend", {"reason": "x", "until": "soon"}, "until"),
        ("urge", {}, "note"),
        ("resume", {"why": 1}, "why"),
        ("reveal-contact", {}, "purpose"),
        ("follow-up", {"method": "phone"}, "satisfaction"),
        ("follow-up", {"method": "phone", "attempt": True, "satisfaction": "satisfied"}, "satisfaction"),
    ],
)
def test_bad_bodies_are_a_422_naming_the_field(api: Api, command: str, body: dict, field: str) -> None:
    case = api.report("worker")
    problem = api.post("admin", f"/cases/{case['id']}/{command}", body).get_json()
    assert problem["status"] == 422 and field in problem["errors"]
    assert api.version(f"/cases/{case['id']}") == case["version"]


@pytest.mark.parametrize(
    ("command", "body"),
    [
        ("redispatch", {"lead_department": "chengguan", "reason": "x"}),
        ("request-extension", {"due_at": "2030-01-01", "reason": "x"}),
        ("refuse-extension", {"reason": "x"}),
        ("suspend", {"reason": "x"}),
        ("resume", {}),
        ("acknowledge", {}),
    ],
)
def test_a_reported_case_refuses_department_commands_naming_state_and_command(
    api: Api, command: str, body: dict
) -> None:
    case = api.report("worker")
    if "lead_department" in body:
        body = {**body, "lead_department": api.territory.department("chengguan")}
    who = {"request-extension": "chengguan", "acknowledge": "zhujian"}.get(command, "dispatcher")
    response = api.post(who, f"/cases/{case['id']}/{command}", body)
    problem = response.get_json()
    assert response.status_code == 409, problem
    assert "reported" in problem["detail"] and command in problem["detail"]


def test_suspend_and_resume_are_the_dispatchers(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    for who in ("chengguan", "worker", "leader", "other_dispatcher"):
        api.command(who, case["id"], "suspend", {"reason": "x"}, status=403)
    suspended = api.command("dispatcher", case["id"], "suspend", {"reason": "等待鉴定"})
    assert api.post("chengguan", f"/cases/{case['id']}/claim").status_code == 409  # held while suspended
    api.command("chengguan", case["id"], "resume", status=403)
    assert assert_ok(api.post("admin", f"/cases/{case['id']}/resume"))["version"] == suspended["version"] + 1
