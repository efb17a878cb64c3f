"""Whole case journeys over HTTP, as the different staff who take part in them."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.clock import MovableClock


def test_general_track_from_report_to_close(api: Api, clock: MovableClock) -> None:
    t = api.territory
    # 程晓燕, grid worker of 茶苑社区第一网格, reports a broken street light from the app.
    case = api.report("worker")
    assert case["status"] == "reported" and case["version"] == 1
    assert case["case_no"].startswith("AJ-20260601-")
    assert case["due_at"] == "2026-06-02T23:59:59.999999+08:00"  # accept by the end of the next working day
    # 紫阳镇综治中心 accepts it; dispatching starts one working day to claim, five to resolve.
    clock.advance(minutes=30)
    case = api.command("dispatcher", case["id"], "accept", {"note": "属实，派住建"})
    assert case["status"] == "accepted" and case["due_at"] is None
    case = api.command(
        "dispatcher",
        case["id"],
        "dispatch",
        {"lead_department": t.department("zhujian"), "co_departments": [t.department("chengguan")]},
    )
    assert case["lead_department"] == t.department("zhujian")
    assert case["due_at"] == "2026-06-02T23:59:59.999999+08:00"
    # 住建 claims it, reports progress and resolves it.
    clock.advance(hours=2)
    case = api.command("zhujian", case["id"], "claim")
    assert case["status"] == "in_progress"
    assert case["due_at"] == "2026-06-08T23:59:59.999999+08:00"  # 06-02…06-05 and Monday 06-08
    api.command("chengguan", case["id"], "note", {"text": "城管配合封闭施工区域"})
    clock.advance(days=1)
    case = api.command("zhujian", case["id"], "resolve", {"result": "更换灯具两套"})
    assert case["status"] == "resolved" and case["overdue"] is False
    # The centre calls the resident back (回访) and closes the case.
    api.command("dispatcher", case["id"], "follow-up", {"satisfaction": "satisfied", "method": "phone"})
    case = api.command("dispatcher", case["id"], "close")
    assert case["status"] == "closed" and case["version"] == 8
    assert [f["satisfaction"] for f in case["follow_ups"]] == ["satisfied"]


def test_instant_track_with_rework_after_an_unsatisfied_call(api: Api, clock: MovableClock) -> None:
    t = api.territory
    # A resident reports a smelly ditch through the E呼即办 mini-program.
    case = api.report(
        "intake",
        title="和平岗臭水沟",
        category="sanitation",
        track="instant",
        channel="mini_program",
        grid=t.grid("chayuan-02"),
        reporter={"name": "刘女士", "phone": "13812345678"},
    )
    assert case["reporter"]["phone"] == "138****5678"
    assert case["due_at"] == "2026-06-01T10:00:00+08:00"  # accept within 1 hour
    api.command("dispatcher", case["id"], "accept")
    case = api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    assert case["due_at"] == "2026-06-01T11:00:00+08:00"  # claim within 2 hours
    case = api.command("chengguan", case["id"], "claim")
    assert case["due_at"] == "2026-06-02T09:00:00+08:00"  # resolve within 24 hours
    # 25 hours later it is overdue (超期).
    clock.advance(hours=25)
    assert api.get("dispatcher", f"/cases/{case['id']}").get_json()["overdue"] is True
    api.command("chengguan", case["id"], "resolve", {"result": "已清淤"})
    # The resident is not satisfied: the case goes back to 城管 (返工).
    api.command(
        "worker", case["id"], "follow-up", {"satisfaction": "unsatisfied", "method": "visit"}, status=403
    )  # 程晓燕's grid is 第一网格, the ditch is in 第二网格
    case = api.command(
        "other_worker",
        case["id"],
        "follow-up",
        {"satisfaction": "unsatisfied", "method": "visit", "comment": "仍有异味"},
    )
    assert case["status"] == "in_progress" and case["reopen_count"] == 1
    api.command("chengguan", case["id"], "resolve", {"result": "铺设暗管，彻底解决"})
    api.command("dispatcher", case["id"], "follow-up", {"satisfaction": "basically_satisfied", "method": "phone"})
    case = api.command("dispatcher", case["id"], "close")
    assert case["status"] == "closed"
    assert [f["satisfaction"] for f in case["follow_ups"]] == ["unsatisfied", "basically_satisfied"]


def test_grid_worker_resolves_on_the_spot_but_never_a_4bibao_case(api: Api) -> None:
    # 见事管事: a blocked corridor, cleared by the grid worker who reported it.
    case = api.report("worker", title="楼道杂物堆放", category="sanitation", track="instant")
    case = api.command("worker", case["id"], "resolve", {"result": "现场协调清理"})
    assert case["status"] == "resolved"
    history = api.get("auditor", f"/cases/{case['id']}/history").get_json()
    assert [e["label"] for e in history["events"]] == ["上报", "就地办结"]
    # A safety hazard is 4必报: it must go to the governance centre.
    hazard = api.report("worker", title="电动车飞线充电", category="safety_hazard", track="instant")
    response = api.post("worker", f"/cases/{hazard['id']}/resolve", {"result": "已劝导"})
    assert response.status_code == 409
    assert "4必报" in response.get_json()["detail"]


def test_return_and_redispatch_and_merge(api: Api) -> None:
    t = api.territory
    case = api.report("worker", title="夜间装修噪音", category="dispute")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("zhujian")})
    # 住建 returns it (退单): a neighbour dispute is not theirs.
    case = api.command("zhujian", case["id"], "return", {"reason": "属邻里纠纷，建议派出所调解"})
    assert case["status"] == "accepted" and case["lead_department"] is None
    case = api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("paichusuo")})
    assert case["status"] == "dispatched"
    # A second report of the same noise is merged into the first.
    duplicate = api.report("other_worker", title="装修噪音（重复）", category="dispute", grid=t.grid("chayuan-02"))
    merged = api.command("dispatcher", duplicate["id"], "merge", {"into": case["id"]})
    assert merged["status"] == "merged" and merged["merged_into"] == case["id"]
    target = api.get("dispatcher", f"/cases/{case['id']}").get_json()
    assert target["merged_cases"] == [duplicate["id"]]
