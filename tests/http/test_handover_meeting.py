"""The monthly 问题交办会 in 广昌县's way: escalate, assign at the meeting, tick off (销号), carry over."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.api import Api
from tests.support.browser import ensure_chromium, rendered_dom, screenshot
from tests.support.clock import MovableClock

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _meeting(api: Api, scheduled_for: str, title: str) -> dict:
    return api.schedule_meeting(
        title=title, level="county", org="wuyuan", scheduled_for=scheduled_for, chair="县委常委 刘卫东"
    )


def _escalated_case(api: Api, meeting: dict, title: str, address: str) -> dict:
    t = api.territory
    case = api.report(
        "intake",
        title=title,
        category="sanitation",
        track="general",
        channel="mini_program",
        grid=t.grid("chayuan-02"),
        location={"address": address},
    )
    api.command("dispatcher", case["id"], "accept")
    api.command(
        "dispatcher",
        case["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [t.department("zhujian")]},
    )
    api.command("chengguan", case["id"], "claim")
    return case


@pytest.fixture
def scenario(api: Api, clock: MovableClock) -> dict:
    t = api.territory
    june = _meeting(api, "2026-06-10", "广昌县6月问题交办会")
    # A resident reports a smelly ditch at 和平岗42号 through the mini-program.
    ditch = _escalated_case(api, june, "和平岗42号水沟发臭", "和平岗42号")
    # The part the residents can fix themselves is done; the sewage main is beyond the community.
    api.command("chengguan", ditch["id"], "note", {"text": "已组织居民清理沟内垃圾，污水管网需改造"})
    escalated = api.command(
        "chengguan", ditch["id"], "escalate", {"meeting_id": june["id"], "reason": "污水管网改造资金大，社区无力解决"}
    )
    assert escalated["status"] == "escalated" and escalated["meeting_id"] == june["id"]
    lamp = _escalated_case(api, june, "工业园路灯缺失", "工业园区")
    api.command("dispatcher", lamp["id"], "escalate", {"meeting_id": june["id"], "reason": "需县级统筹"})
    queue = api.get(
        "secretary", "/queues/meeting", min_position=api.get("auditor", f"/cases/{lamp['id']}").get_json()["position"]
    ).get_json()
    assert {ditch["id"], lamp["id"]} <= {item["id"] for item in queue["items"]}
    # At the meeting the secretary assigns each item a lead department and a deadline (交办).
    clock.advance(days=9)
    api.post("secretary", f"/meetings/{june['id']}/hold", {"attendees": ["城管局", "住建局"], "minutes": "逐项交办"})
    assigned = api.command(
        "secretary",
        ditch["id"],
        "assign",
        {
            "lead_department": t.department("chengguan"),
            "co_departments": [t.department("zhujian")],
            "deadline": "2026-06-30",
            "instruction": "月底前完成管网改造",
        },
    )
    assert assigned["status"] == "assigned" and assigned["due_at"] == "2026-06-30T23:59:59.999999+08:00"
    api.command(
        "secretary", lamp["id"], "assign", {"lead_department": t.department("zhujian"), "deadline": "2026-08-31"}
    )
    # 城管 fixes the sewer; the resident is satisfied; the case is closed: the item is ticked off (销号).
    clock.advance(days=10)
    before_tick_off = clock.now.isoformat()
    clock.advance(hours=1)
    api.command("chengguan", ditch["id"], "resolve", {"result": "铺设污水管120米，水沟已不再发臭"})
    api.command("dispatcher", ditch["id"], "follow-up", {"satisfaction": "satisfied", "method": "visit"})
    clock.advance(hours=1)
    api.command("dispatcher", ditch["id"], "close")
    api.post("secretary", f"/meetings/{june['id']}/close")
    july = _meeting(api, "2026-07-10", "广昌县7月问题交办会")
    return {"june": june, "july": july, "ditch": ditch, "lamp": lamp, "before_tick_off": before_tick_off}


def test_items_are_assigned_ticked_off_and_carried_over(api: Api, scenario: dict) -> None:
    june = api.get("leader", f"/meetings/{scenario['june']['id']}/handover-list").get_json()
    assert june["meeting"]["title"] == "广昌县6月问题交办会" and june["meeting"]["status"] == "closed"
    ditch, lamp = june["items"]
    assert (ditch["no"], ditch["case_no"], ditch["status"]) == (1, scenario["ditch"]["case_no"], "ticked_off")
    assert ditch["ticked_off_at"].startswith("2026-06-20") and ditch["status_label"] == "已销号"
    assert ditch["lead_department"] == api.territory.department("chengguan")
    assert ditch["community"] == "茶苑社区" and ditch["submitted_by"] == "李强"
    assert ditch["progress"] == "铺设污水管120米，水沟已不再发臭"
    assert (lamp["status"], lamp["deadline"]) == ("open", "2026-08-31T23:59:59.999999+08:00")
    # The open item comes back on July's list, carried over from June.
    july = api.get("leader", f"/meetings/{scenario['july']['id']}/handover-list").get_json()
    assert [(item["case_id"], item["carried_over_from"]) for item in july["items"]] == [
        (scenario["lamp"]["id"], scenario["june"]["id"])
    ]


def test_as_of_gives_the_list_as_it_stood_before_and_after_the_tick_off(api: Api, scenario: dict) -> None:
    path = f"/meetings/{scenario['june']['id']}/handover-list"
    before = api.get("auditor", path, as_of=scenario["before_tick_off"]).get_json()
    after = api.get("auditor", path).get_json()
    assert [item["status"] for item in before["items"]] == ["open", "open"]
    assert [item["status"] for item in after["items"]] == ["ticked_off", "open"]
    assert before["items"][0]["progress"] == "已组织居民清理沟内垃圾，污水管网需改造"
    # Before the meeting was even scheduled there was no list.
    assert api.get("auditor", path, as_of="2026-05-01").status_code == 404


def test_csv_and_xlsx_hold_the_same_rows_as_the_json(api: Api, scenario: dict) -> None:
    path = f"/meetings/{scenario['june']['id']}/handover-list"
    items = api.get("auditor", path).get_json()["items"]
    response = api.get("auditor", path, format="csv")
    assert response.mimetype == "text/csv" and response.data.startswith("\ufeff".encode())  # BOM for Excel/WPS
    *rows, anchor = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))  # the chain's head last
    assert anchor["序号"] == "存证锚点"
    assert [(row["序号"], row["案件编号"], row["问题"], row["状态"]) for row in rows] == [
        (str(i["no"]), i["case_no"], i["title"], i["status_label"]) for i in items
    ]
    book = load_workbook(io.BytesIO(api.get("auditor", path, format="xlsx").data))
    sheet = book["交办清单"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["序号", "案件编号", "问题"] and sheet.freeze_panes == "A2"
    body = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [(r["序号"], r["案件编号"], r["状态"]) for r in body] == [
        (i["no"], i["case_no"], i["status_label"]) for i in items
    ]
    assert body[1]["办结时限"].isoformat() == "2026-08-31T23:59:59"  # a real date, local time
    assert sheet.column_dimensions["C"].width >= 30


def test_printable_page_and_meeting_rules(api: Api, scenario: dict) -> None:
    page = api.get("leader", f"/meetings/{scenario['june']['id']}/handover-list", format="html")
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html" and "A4 landscape" in html
    assert "广昌县6月问题交办会" in html and "县委常委 刘卫东" in html and "已销号" in html and "未销号" in html
    # Only the secretary (or an admin) runs meetings; a closed meeting takes no more items.
    assert (
        api.post(
            "dispatcher",
            "/meetings",
            {
                "title": "x",
                "level": "county",
                "org": api.territory.grid("wuyuan"),
                "scheduled_for": "2026-08-01",
                "chair": "x",
            },
        ).status_code
        == 403
    )
    assert (
        api.post(
            "secretary",
            "/meetings",
            {
                "title": "x",
                "level": "town",
                "org": api.territory.grid("wuyuan"),
                "scheduled_for": "2026-08-01",
                "chair": "x",
            },
        ).status_code
        == 422
    )
    assert (
        api.post(
            "secretary", f"/meetings/{scenario['june']['id']}/hold", {"attendees": ["x"], "minutes": "x"}
        ).status_code
        == 409
    )
    case = _escalated_case(api, scenario["june"], "新问题", "和平岗")
    response = api.post(
        "dispatcher", f"/cases/{case['id']}/escalate", {"meeting_id": scenario["june"]["id"], "reason": "x"}
    )
    assert response.status_code == 409 and "meeting" in response.get_json()["detail"]
    api.command("dispatcher", case["id"], "escalate", {"meeting_id": scenario["july"]["id"], "reason": "需统筹"})
    assert (
        api.post(
            "dispatcher",
            f"/cases/{case['id']}/assign",
            {"lead_department": api.territory.department("zhujian"), "deadline": "2026-09-01"},
        ).status_code
        == 403
    )


def test_the_printable_page_renders_in_a_real_browser(api: Api, scenario: dict, request) -> None:
    chromium = ensure_chromium()
    html = api.get("leader", f"/meetings/{scenario['june']['id']}/handover-list", format="html").get_data(as_text=True)
    items = api.get("leader", f"/meetings/{scenario['june']['id']}/handover-list").get_json()["items"]
    # Every item is on the page the browser built.
    dom = rendered_dom(chromium, html)
    assert all(item["case_no"] in dom and item["title"] in dom for item in items)
    # It renders: a real A4-landscape-sized screenshot, kept as a test artefact.
    backend = request.node.callspec.params["database_url"]
    png = screenshot(chromium, html, ARTIFACTS / f"handover_list_{backend}.png")
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    # Chinese text is not tofu: two different characters in the page's font render differently.
    glyph = "<html><body style=\"margin:0;font:160px 'Noto Sans CJK SC',sans-serif\">{}</body></html>"
    first = screenshot(chromium, glyph.format("销"), ARTIFACTS / "glyph_xiao.png", width=200, height=200)
    second = screenshot(chromium, glyph.format("号"), ARTIFACTS / "glyph_hao.png", width=200, height=200)
    assert first != second
