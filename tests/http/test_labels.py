"""Codes come with words: every coded field ``x`` has ``x_label`` beside it and every department code its name,
in the case, its history, the lists, the audit log, meetings and their handover list; times are local."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.clock import MovableClock


def _closed_case(api: Api) -> dict[str, Any]:
    """Reported by mini-program on the instant track, dispatched to 城管 with 住建, followed up by SMS."""
    t = api.territory
    case = api.report("intake", channel="mini_program", track="instant")
    api.command("dispatcher", case["id"], "accept", {"category": "sanitation", "track": "general"})
    api.command(
        "dispatcher",
        case["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [t.department("zhujian")]},
    )
    api.command("chengguan", case["id"], "claim")
    api.command("chengguan", case["id"], "resolve", {"result": "已修复"})
    return api.command("dispatcher", case["id"], "follow-up", {"satisfaction": "basically_satisfied", "method": "sms"})


def test_a_case_carries_labels_and_department_names(api: Api) -> None:
    case = _closed_case(api)
    assert (case["channel"], case["channel_label"]) == ("mini_program", "小程序")
    assert (case["track"], case["track_label"]) == ("general", "一般件")
    assert (case["category_label"], case["status_label"]) == ("环境卫生", "已办结")
    assert case["lead_department_name"] == "城管" and case["co_department_names"] == ["住建"]
    assert case["lead_department"] == api.territory.department("chengguan")  # the codes stay as they were
    follow_up = case["follow_ups"][0]
    assert (follow_up["satisfaction"], follow_up["satisfaction_label"]) == ("basically_satisfied", "基本满意")
    assert (follow_up["method"], follow_up["method_label"]) == ("sms", "短信回访")
    assert follow_up["by"]["role_label"] == "综治中心调度员"
    assert case["reported_by"]["role_label"] == "受理渠道" and case["resolution"]["by"]["role_label"] == "职能部门"


def test_the_history_labels_every_code_in_its_events(api: Api) -> None:
    case = _closed_case(api)
    events = {e["type"]: e for e in api.get("auditor", f"/cases/{case['id']}/history").get_json()["events"]}
    report = events["Reported"]["data"]["report"]
    assert (report["channel_label"], report["track_label"], report["category_label"]) == (
        "小程序",
        "E呼即办",
        "市政设施",
    )
    assert (events["Accepted"]["data"]["category_label"], events["Accepted"]["data"]["track_label"]) == (
        "环境卫生",
        "一般件",
    )
    dispatched = events["Dispatched"]["data"]
    assert dispatched["lead_department_name"] == "城管" and dispatched["co_department_names"] == ["住建"]
    followed_up = events["FollowedUp"]["data"]
    assert (followed_up["satisfaction"], followed_up["satisfaction_label"]) == ("basically_satisfied", "基本满意")
    assert (followed_up["method"], followed_up["method_label"]) == ("sms", "短信回访")
    assert [e["actor"]["role_label"] for e in events.values()] == [
        "受理渠道",
        "综治中心调度员",
        "综治中心调度员",
        "职能部门",
        "职能部门",
        "综治中心调度员",
    ]


def test_the_case_list_the_queues_and_the_audit_log_label_too(api: Api) -> None:
    case = _closed_case(api)
    listed = api.get("auditor", "/cases", q=case["case_no"], min_position=case["position"]).get_json()["items"]
    row = next(item for item in listed if item["id"] == case["id"])
    assert (row["channel_label"], row["track_label"]) == ("小程序", "一般件")
    assert row["lead_department_name"] == "城管" and row["co_department_names"] == ["住建"]
    audit = api.get("auditor", "/audit", aggregate_id=case["id"], min_position=case["position"]).get_json()["items"]
    assert [e["actor"]["role_label"] for e in audit][:2] == ["受理渠道", "综治中心调度员"]
    assert audit[0]["data"]["report"]["channel_label"] == "小程序"
    assert audit[-1]["data"]["satisfaction_label"] == "基本满意"


def test_meetings_and_the_handover_list_label_their_codes(api: Api, clock: MovableClock) -> None:
    t = api.territory
    meeting = api.schedule_meeting(
        title="6月问题交办会", level="county", org="wuyuan", scheduled_for="2026-06-10", chair="县委常委"
    )
    assert (meeting["status"], meeting["status_label"], meeting["level_label"]) == ("scheduled", "待召开", "县级")
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "escalate", {"meeting_id": meeting["id"], "reason": "需县级统筹"})
    clock.advance(days=9)
    held = api.post("secretary", f"/meetings/{meeting['id']}/hold", {"attendees": ["城管局"], "minutes": "交办"})
    assert held.get_json()["status_label"] == "已召开"
    assigned = api.command(
        "secretary",
        case["id"],
        "assign",
        {
            "lead_department": t.department("zhujian"),
            "co_departments": [t.department("chengguan")],
            "deadline": "2026-06-30",
        },
    )

    read = api.get("secretary", f"/meetings/{meeting['id']}").get_json()
    item = read["items"][0]
    assert item["submitted_by"]["role_label"] == "综治中心调度员"
    assert item["assignment"]["lead_department_name"] == "住建"
    assert item["assignment"]["co_department_names"] == ["城管"]
    assert item["assignment"]["by"]["role_label"] == "交办会秘书"
    listed = api.get("secretary", "/meetings", org=t.grid("wuyuan"), min_position=assigned["position"])
    assert [(m["status"], m["status_label"], m["level_label"]) for m in listed.get_json()["items"]] == [
        ("held", "已召开", "县级")
    ]

    handover = api.get("secretary", f"/meetings/{meeting['id']}/handover-list").get_json()
    assert handover["meeting"]["status_label"] == "已召开"
    row = handover["items"][0]
    assert (row["lead_department"], row["lead_department_name"]) == (t.department("zhujian"), "住建")
    assert (row["co_departments"], row["co_department_names"]) == ([t.department("chengguan")], ["城管"])
    assert (row["grid"], row["grid_name"]) == (t.grid("chayuan-01"), "茶苑社区第一网格")
    assert (row["status"], row["status_label"]) == ("open", "未销号")


def test_me_and_a_staff_record_give_local_times_and_role_labels(api: Api) -> None:
    t = api.territory
    me = api.get("chengguan", "/me").get_json()
    assert (me["role"], me["role_label"]) == ("department", "职能部门")
    assert me["roles"][0]["valid_from"] == "2026-06-01T09:00:00+08:00"  # the clock's 01:00 UTC, in 紫阳镇
    assert me["roles"][0]["role_label"] == "职能部门" and me["roles"][0]["valid_to"] is None
    record = api.get("auditor", f"/staff/{t.staff['worker'].id}").get_json()
    assert record["role_label"] == "网格员" and record["roles"][0]["valid_from"].endswith("+08:00")


def test_fieldwork_answers_label_their_codes(api: Api) -> None:
    t = api.territory
    patrol = api.post(
        "worker", "/patrols", {"grid": t.grid("chayuan-01"), "kind": "night", "members": [t.staff["worker"].id]}
    ).get_json()
    assert (patrol["status_label"], patrol["kind_label"]) == ("巡查中", "夜间巡逻")
    assert patrol["members"][0]["role_label"] == "网格员"
    history = api.get("worker", f"/patrols/{patrol['id']}/history").get_json()["events"]
    assert history[0]["data"]["kind_label"] == "夜间巡逻" and history[0]["actor"]["role_label"] == "网格员"
    grid = api.get("worker", f"/grids/{t.grid('chayuan')}").get_json()
    assert (grid["level"], grid["level_label"]) == ("community", "社区/村")
