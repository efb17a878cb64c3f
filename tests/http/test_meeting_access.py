"""A 交办会 and its handover list are read by the meeting's people only, as its cases are.

紫阳镇's June meeting has one item, assigned to 城管 with 住建 co-handling; 婺源县's county meeting has none yet.
"""

from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.support.clock import MovableClock

FORMATS = ["json", "csv", "xlsx", "html"]
# who → (reads 紫阳镇's meeting, reads 婺源县's meeting); None: reads no meeting at all (lists too: 403)
READERS = {
    "admin": (True, True),
    "auditor": (True, True),
    "secretary": (True, True),
    "leader": (True, True),  # 紫阳镇: its own town's meeting, and its county's
    "dispatcher": (True, True),
    "other_dispatcher": (False, True),  # 清华镇: not 紫阳镇's meeting, but its county's
    "chengguan": (True, False),
    "zhujian": (True, False),  # lead and co-department of the item
    "paichusuo": (False, False),  # named on no item
    "worker": None,
    "other_worker": None,
    "intake": None,
}


@pytest.fixture
def meetings(api: Api, clock: MovableClock) -> dict:
    t = api.territory

    def schedule(level: str, org: str, title: str) -> str:
        return api.schedule_meeting(title=title, level=level, org=org, scheduled_for="2026-06-10")["id"]

    town, county = schedule("town", "ziyang", "紫阳镇6月问题交办会"), schedule("county", "wuyuan", "婺源县交办会")
    case = api.report("worker", title="和平岗污水管网改造")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "escalate", {"meeting_id": town, "reason": "社区无力解决"})
    clock.advance(days=9)  # 10 June, the meeting's day
    assert (
        api.post("secretary", f"/meetings/{town}/hold", {"attendees": ["城管"], "minutes": "交办"}).status_code == 200
    )
    assigned = api.command(
        "secretary",
        case["id"],
        "assign",
        {
            "lead_department": t.department("chengguan"),
            "co_departments": [t.department("zhujian")],
            "deadline": "2026-06-30",
        },
    )
    return {"town": town, "county": county, "case": case["id"], "position": assigned["position"]}


@pytest.mark.parametrize("who", list(READERS))
def test_a_meeting_and_its_list_in_every_format_are_read_by_its_people_only(api: Api, meetings: dict, who: str) -> None:
    for meeting, may in (
        (meetings["town"], READERS[who] and READERS[who][0]),
        (meetings["county"], READERS[who] and READERS[who][1]),
    ):
        expected = 200 if may else 403
        assert api.get(who, f"/meetings/{meeting}").status_code == expected, (who, meeting)
        for fmt in FORMATS:
            response = api.get(who, f"/meetings/{meeting}/handover-list", format=fmt)
            assert response.status_code == expected, (who, fmt)
            if not may:
                assert "和平岗" not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", list(READERS))
def test_the_meeting_list_shows_what_the_caller_may_read(api: Api, meetings: dict, who: str) -> None:
    t, position = api.territory, meetings["position"]
    for org, meeting, index in (("ziyang", meetings["town"], 0), ("wuyuan", meetings["county"], 1)):
        response = api.get(who, "/meetings", org=t.grid(org), min_position=position)
        if READERS[who] is None:
            assert response.status_code == 403, who
            continue
        assert response.status_code == 200, (who, response.get_json())
        page = response.get_json()
        shown = [item["id"] for item in page["items"]]
        assert shown == ([meeting] if READERS[who][index] else []) and page["total"] == len(shown), (who, org)


def test_the_meeting_queue_is_for_those_who_read_meetings(api: Api, meetings: dict) -> None:
    case = api.report("worker", title="学校周边交通拥堵")
    api.command("dispatcher", case["id"], "accept")
    escalated = api.command(
        "dispatcher", case["id"], "escalate", {"meeting_id": meetings["county"], "reason": "涉及多部门"}
    )
    for who in ("worker", "other_worker", "intake"):
        assert api.get(who, "/queues/meeting").status_code == 403, who
    for who, sees in (("secretary", True), ("dispatcher", True), ("leader", True), ("other_dispatcher", False)):
        response = api.get(who, "/queues/meeting", min_position=escalated["position"], per_page=200)
        assert response.status_code == 200, who
        assert (case["id"] in {item["id"] for item in response.get_json()["items"]}) is sees, who


def test_a_role_that_reads_no_meeting_cannot_probe_which_ids_exist(api: Api, meetings: dict) -> None:
    for meeting in (meetings["town"], "00000000-0000-4000-8000-000000000000"):
        assert api.get("worker", f"/meetings/{meeting}").status_code == 403
        assert api.get("worker", f"/meetings/{meeting}/handover-list").status_code == 403
    assert api.get("admin", "/meetings/00000000-0000-4000-8000-000000000000").status_code == 404
