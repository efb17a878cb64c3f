"""The case list matches departments exactly and `q` literally (ignoring case): `_` and `%` are plain characters."""

from __future__ import annotations

from application.ledger import GridLedger
from domain.actor import Role
from tests.support.api import Api
from tests.support.clock import MovableClock


def _titles(page: dict) -> set[str]:
    return {item["title"] for item in page["items"]}


def _add_department(api: Api, ledger: GridLedger, key: str, code: str) -> str:
    """A department whose code holds LIKE's wildcards, with one clerk (``key``) in it."""
    code = f"{code}_{api.territory.suffix}"
    ledger.directory.add_department(code=code, name=code)
    member, token = ledger.staff_accounts.add(name=key, role=Role.DEPARTMENT, department=code)
    api.territory.staff[key], api.territory.tokens[key] = member, token
    return code


def test_a_department_sees_only_cases_it_leads_or_co_handles_by_its_exact_code(api: Api, ledger: GridLedger) -> None:
    t = api.territory
    # 城市管理 (city_mgmt) and another office whose code differs in the one place `_` stands for any character.
    city_mgmt = _add_department(api, ledger, "city_mgmt", "city_mgmt")
    other = _add_department(api, ledger, "cityXmgmt", "cityXmgmt")
    co_handled = api.report("worker", title="占道经营（cityXmgmt 配合）")
    led = api.report("worker", title="违章搭建（cityXmgmt 牵头）")
    for case in (co_handled, led):
        api.command("dispatcher", case["id"], "accept")
    api.command(
        "dispatcher",
        co_handled["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [other]},
    )
    last = api.command("dispatcher", led["id"], "dispatch", {"lead_department": other})

    # city_mgmt's clerk sees neither, not even by title; cityXmgmt's sees both.
    assert api.read("city_mgmt", "/cases", last["position"])["items"] == []
    assert api.get("city_mgmt", f"/cases/{co_handled['id']}").status_code == 403
    assert _titles(api.read("cityXmgmt", "/cases", last["position"])) == {co_handled["title"], led["title"]}
    # The department filter is the same exact match.
    assert api.read("dispatcher", "/cases", last["position"], department=city_mgmt)["items"] == []
    assert _titles(api.read("dispatcher", "/cases", last["position"], department=other)) == {
        co_handled["title"],
        led["title"],
    }
    assert _titles(api.read("admin", "/cases", last["position"], department=t.department("chengguan"))) == {
        co_handled["title"]
    }

    # Sent back and dispatched again without it: the co-department no longer sees the case.
    api.command("chengguan", co_handled["id"], "return", {"reason": "不属于本单位职责"})
    again = api.command(
        "dispatcher",
        co_handled["id"],
        "dispatch",
        {"lead_department": t.department("zhujian"), "co_departments": [city_mgmt]},
    )
    assert _titles(api.read("cityXmgmt", "/cases", again["position"])) == {led["title"]}
    assert _titles(api.read("city_mgmt", "/cases", again["position"])) == {co_handled["title"]}
    assert api.read("dispatcher", "/cases", again["position"], department=other)["total"] == 1


def test_the_department_filter_takes_no_wildcards(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    last = api.command(
        "dispatcher",
        case["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [t.department("zhujian")]},
    )
    ours = t.grid("ziyang")
    for pattern in ("zhu%", "%", "_", t.department("zhujian")[:-1] + "_", t.department("chengguan")[:-1] + "_"):
        assert api.read("dispatcher", "/cases", last["position"], department=pattern, grid=ours)["items"] == [], pattern
    for code in (t.department("zhujian"), t.department("chengguan")):
        page = api.read("dispatcher", "/cases", last["position"], department=code, grid=ours)
        assert _titles(page) == {case["title"]}


def test_q_is_a_literal_substring_of_the_title_or_description(api: Api) -> None:
    t = api.territory
    titles = ["打折500元活动", "满50%减免", "路灯_编号12", "反斜杠\\路径", "LED屏不亮", "茶苑社区路灯不亮"]
    last = None
    for title in titles:
        last = api.report("worker", title=title, description="见标题")
    ours = {"grid": t.grid("ziyang")}  # only this test's cases (the database is shared)

    def found(q: str) -> set[str]:
        return _titles(api.read("dispatcher", "/cases", last["position"], q=q, **ours))

    assert found("%") == {"满50%减免"}
    assert found("_") == {"路灯_编号12"}
    assert found("50%") == {"满50%减免"}
    assert found("灯_") == {"路灯_编号12"}
    assert found("\\") == {"反斜杠\\路径"}
    assert found("%%") == set() and found("__") == set()
    assert found("500") == {"打折500元活动"} and found("路灯") == {"路灯_编号12", "茶苑社区路灯不亮"}
    assert found("led") == found("LED") == {"LED屏不亮"}  # ignoring case on both databases
    assert found("见标题") == set(titles)  # the description too
    assert found(last["case_no"]) == {titles[-1]}


def test_a_meeting_assignment_replaces_the_co_departments_a_department_is_matched_by(
    api: Api, ledger: GridLedger, clock: MovableClock
) -> None:
    t = api.territory
    city_mgmt = _add_department(api, ledger, "city_mgmt", "city_mgmt")
    other = _add_department(api, ledger, "cityXmgmt", "cityXmgmt")
    meeting = api.schedule_meeting(
        title="婺源县6月问题交办会", level="county", org="wuyuan", scheduled_for="2026-06-10", chair="县委常委 刘卫东"
    )
    case = api.report("worker", title="污水管网改造")
    api.command("dispatcher", case["id"], "accept")
    api.command(
        "dispatcher",
        case["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [city_mgmt]},
    )
    api.command("chengguan", case["id"], "claim")
    escalated = api.command(
        "chengguan", case["id"], "escalate", {"meeting_id": meeting["id"], "reason": "污水管网改造资金大，社区无力解决"}
    )
    assert _titles(api.read("city_mgmt", "/cases", escalated["position"])) == {case["title"]}
    # At the meeting the item goes to 住建 with cityXmgmt co-handling: city_mgmt is no longer on it.
    clock.advance(days=9)
    api.post("secretary", f"/meetings/{meeting['id']}/hold", {"attendees": ["住建局"], "minutes": "逐项交办"})
    assigned = api.command(
        "secretary",
        case["id"],
        "assign",
        {"lead_department": t.department("zhujian"), "co_departments": [other], "deadline": "2026-06-30"},
    )
    assert api.read("city_mgmt", "/cases", assigned["position"])["items"] == []
    assert _titles(api.read("cityXmgmt", "/cases", assigned["position"])) == {case["title"]}
    assert api.read("dispatcher", "/cases", assigned["position"], department=city_mgmt)["items"] == []
