"""A 交办会 is held on its day or later, and its items are assigned there: earlier is a 409 that writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.api import Api
from tests.support.clock import MovableClock


def test_hold_before_the_day_and_assign_before_the_meeting_are_refused(api: Api, clock: MovableClock) -> None:
    t = api.territory
    # 1 June: the secretary schedules 紫阳镇's meeting for 21 June; a case is escalated to it
    meeting = api.schedule_meeting(title="紫阳镇6月问题交办会", level="town", org="ziyang", scheduled_for="2026-06-21")
    case = api.report("worker", title="安置小区停车位不足")
    api.command("dispatcher", case["id"], "accept")
    escalated = api.command("dispatcher", case["id"], "escalate", {"meeting_id": meeting["id"], "reason": "需统筹"})
    # Assigning before the meeting has sat: 409, the case stays escalated
    assign = {"lead_department": t.department("zhujian"), "deadline": "2026-07-31"}
    response = api.post("secretary", f"/cases/{case['id']}/assign", assign)
    assert response.status_code == 409 and "has not been held yet" in response.get_json()["detail"]
    # Holding it twenty days early, or at 23:59 local on the eve: 409, the meeting stays scheduled
    hold = {"attendees": ["住建"], "minutes": "逐项交办"}
    for moment in (datetime(2026, 6, 1, 2, 0, tzinfo=UTC), datetime(2026, 6, 20, 15, 59, tzinfo=UTC)):
        clock.now = moment
        response = api.post("secretary", f"/meetings/{meeting['id']}/hold", hold)
        assert response.status_code == 409, response.get_json()
        assert "scheduled for 2026-06-21" in response.get_json()["detail"]
    assert api.get("secretary", f"/meetings/{meeting['id']}").get_json()["version"] == meeting["version"] + 1
    assert api.get("auditor", f"/cases/{case['id']}").get_json()["version"] == escalated["version"]
    # 00:00 local on the 21st: it sits, and the item is assigned there
    clock.now = datetime(2026, 6, 20, 16, 0, tzinfo=UTC)
    assert api.post("secretary", f"/meetings/{meeting['id']}/hold", hold).get_json()["status"] == "held"
    assert api.command("secretary", case["id"], "assign", assign)["status"] == "assigned"
