"""What an auditor sees: the history in order with labels and actors, and any past state."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.clock import MovableClock


def test_history_lists_every_event_in_order_with_labels_and_actors(api: Api, clock: MovableClock) -> None:
    # extend is the dispatcher's, not the department's: 城管 is refused.
    t = api.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    api.command("chengguan", case["id"], "claim")
    api.command("chengguan", case["id"], "extend", {"due_at": "2026-06-20", "reason": "x"}, status=403)
    api.command("dispatcher", case["id"], "extend", {"due_at": "2026-06-20", "reason": "需协调供电公司"})
    api.command("chengguan", case["id"], "resolve", {"result": "已修复"})
    api.command("dispatcher", case["id"], "follow-up", {"satisfaction": "satisfied", "method": "sms"})
    api.command("dispatcher", case["id"], "close")

    history = api.get("auditor", f"/cases/{case['id']}/history").get_json()
    events = history["events"]
    assert [e["version"] for e in events] == list(range(1, 9))
    assert [e["label"] for e in events] == ["上报", "受理", "派单", "接单", "延期", "办结", "回访", "结案"]
    assert [e["actor"]["name"] for e in events] == ["程晓燕", "王敏", "王敏", "李强", "王敏", "李强", "王敏", "王敏"]
    assert events[3]["actor"] == {
        "id": t.staff["chengguan"].id,
        "name": "李强",
        "role": "department",
        "role_label": "职能部门",
        "org": t.department("chengguan"),
    }
    assert events[4]["data"]["due_at"] == "2026-06-20T23:59:59.999999+08:00"
    assert events[4]["data"]["reason"] == "需协调供电公司"


def test_state_at_a_version_and_as_of_a_moment(api: Api, clock: MovableClock) -> None:
    t = api.territory
    case = api.report("worker")  # 09:00 local
    clock.advance(hours=1)
    api.command("dispatcher", case["id"], "accept")  # 10:00
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("chengguan")})
    clock.advance(hours=1)
    api.command("chengguan", case["id"], "claim")  # 11:00

    path = f"/cases/{case['id']}"
    assert api.get("auditor", path, version=1).get_json()["status"] == "reported"
    assert api.get("auditor", path, version=3).get_json()["lead_department"] == t.department("chengguan")
    assert api.get("auditor", path, as_of="2026-06-01T09:30:00+08:00").get_json()["status"] == "reported"
    at_half_ten = api.get("auditor", path, as_of="2026-06-01T10:30:00+08:00").get_json()
    assert (at_half_ten["status"], at_half_ten["version"]) == ("dispatched", 3)
    assert api.get("auditor", path, as_of="2026-06-01").get_json()["status"] == "in_progress"
    # Before the report there was no case; past the last version there is none either.
    assert api.get("auditor", path, as_of="2026-06-01T08:00:00+08:00").status_code == 404
    assert api.get("auditor", path, version=99).status_code == 404
    assert api.get("auditor", path, version=0).status_code == 422
    assert api.get("auditor", path, version=1, as_of="2026-06-01").status_code == 422


def test_reads_are_scoped_by_role(api: Api) -> None:
    t = api.territory
    case = api.report("intake", grid=t.grid("chayuan-02"))
    path = f"/cases/{case['id']}"
    for who in ("dispatcher", "other_worker", "leader", "auditor", "admin", "secretary", "intake"):
        assert api.get(who, path).status_code == 200, who
    for who in ("worker", "other_dispatcher", "chengguan"):
        assert api.get(who, path).status_code == 403, who
    api.command("dispatcher", case["id"], "accept")
    api.command(
        "dispatcher",
        case["id"],
        "dispatch",
        {"lead_department": t.department("chengguan"), "co_departments": [t.department("zhujian")]},
    )
    assert api.get("chengguan", path).status_code == 200
    assert api.get("zhujian", path).status_code == 200
    assert api.get("paichusuo", path).status_code == 403
    # Only the admin sees the reporter's phone number whole.
    other = api.report("intake", reporter={"name": "汪先生", "phone": "13900001111"})
    assert api.get("admin", f"/cases/{other['id']}").get_json()["reporter"]["phone"] == "13900001111"
    assert api.get("auditor", f"/cases/{other['id']}").get_json()["reporter"]["phone"] == "139****1111"


def test_me_and_role_history(api: Api) -> None:
    me = api.get("chengguan", "/me").get_json()
    assert (me["name"], me["role"], me["org"]) == ("李强", "department", api.territory.department("chengguan"))
    assert [r["role"] for r in me["roles"]] == ["department"]
    staff_id = api.territory.staff["chengguan"].id
    assert api.get("auditor", f"/staff/{staff_id}").get_json()["roles"][0]["role"] == "department"
    assert api.get("worker", f"/staff/{staff_id}").status_code == 403


def test_openapi_document_describes_every_command(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for command in (
        "accept",
        "reject",
        "merge",
        "dispatch",
        "claim",
        "return",
        "note",
        "extend",
        "resolve",
        "follow-up",
        "reopen",
        "close",
    ):
        operation = document["paths"][f"/api/v1/cases/{{case_id}}/{command}"]["post"]
        assert "requestBody" in operation
    assert "CaseReport" in document["components"]["schemas"]
