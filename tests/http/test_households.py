"""Households over HTTP: 紫阳镇's rentals and the "8必访", every error a problem, personal data masked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.responses import assert_ok, assert_problem

HEAD = {"name": "汪德福", "id_number": "11010519491231002X", "phone": "13812345678"}
TENANT = {
    "name": "李春花",
    "id_number": "360222199001011222",
    "phone": "15907031234",
    "relation": "tenant",
    "floating": True,
    "origin": "江西省上饶市",
}


def _register(api: Api, who: str = "worker", **overrides: Any) -> dict:
    body = {
        "address": "紫阳镇文公北路12号3栋2单元501",
        "grid": api.territory.grid("chayuan-01"),
        "kind": "rental",
        "head": HEAD,
        **overrides,
    }
    response = api.post(who, "/households", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _delete(api: Api, who: str, path: str, **headers: str):
    return api.client.delete(f"/api/v1{path}", headers={**api.territory.auth(who), **headers})


def _stored_events(app) -> int:
    return app.extensions["gridledger"].ledger.recorder.max_notification_id() or 0


def test_register_read_and_history(api: Api) -> None:
    # 1. A grid worker of 茶苑社区 registers a rental household (平安出租一点通).
    response = api.post(
        "worker",
        "/households",
        {"address": "紫阳镇文公北路12号", "kind": "rental", "grid": api.territory.grid("chayuan-01"), "head": HEAD},
    )
    home = assert_ok(response, 201)
    assert response.headers["Location"] == f"/api/v1/households/{home['id']}"
    assert response.headers["ETag"] == '"1"' and home["version"] == 1 and home["position"] > 0
    assert (home["kind"], home["kind_label"], home["residents"], home["floating"]) == ("rental", "出租屋", 1, 0)
    assert home["head"]["name"] == "汪德福" and home["head"]["relation"] == "head"
    assert home["tags"] == [] and home["visits"] == [] and home["liaison"] is None
    assert home["created_at"].endswith("+08:00")
    # 2. Reading it back gives the same state and the position of its last event.
    read = api.get("dispatcher", f"/households/{home['id']}")
    assert read.headers["ETag"] == '"1"' and read.get_json() == home
    # 3. A tenant checks in; the history lists both events with Chinese labels and actors.
    assert_ok(api.post("worker", f"/households/{home['id']}/members", TENANT))
    history = assert_ok(api.get("auditor", f"/households/{home['id']}/history"))
    assert [(e["version"], e["type"], e["label"]) for e in history["events"]] == [
        (1, "Registered", "登记户"),
        (2, "MemberAdded", "登记成员"),
    ]
    assert history["events"][0]["actor"]["name"] == "程晓燕"
    assert history["events"][1]["data"]["member"]["name"] == "李春花"


def test_tenants_check_in_and_out_of_a_rental(api: Api) -> None:
    home = _register(api)
    path = f"/households/{home['id']}"
    for name in ("甲", "乙"):
        home = assert_ok(api.post("worker", f"{path}/members", {**TENANT, "name": name, "id_number": None}))
    home = assert_ok(api.post("worker", f"{path}/members", TENANT))
    assert (home["residents"], home["floating"], home["version"]) == (4, 3, 4)
    tenant = next(m for m in home["members"] if m["name"] == "李春花")
    assert tenant["origin"] == "江西省上饶市" and tenant["floating"] is True and tenant["moved_out_at"] is None
    # The same ID number cannot live here twice.
    assert (
        "id_number" in assert_problem(api.post("worker", f"{path}/members", {**TENANT, "name": "重复"}), 422)["errors"]
    )
    # She moves out (退租): still on record, no longer a resident.
    response = api.post("worker", f"{path}/members/{tenant['member_id']}/move-out", {"reason": "退租"})
    home = assert_ok(response)
    assert response.headers["ETag"] == '"5"' and (home["residents"], home["floating"]) == (3, 2)
    assert next(m for m in home["members"] if m["name"] == "李春花")["moved_out_at"] is not None
    # Moving out twice: 409; an unknown member: 404; nothing written either time.
    problem = assert_problem(api.post("worker", f"{path}/members/{tenant['member_id']}/move-out"), 409)
    assert "move out" in problem["detail"] and "moved_out" in problem["detail"]
    assert_problem(api.post("worker", f"{path}/members/no-such-member/move-out"), 404)
    assert api.version(f"/households/{home['id']}") == 5


def test_care_tags_liaison_and_pairing(api: Api) -> None:
    t = api.territory
    home = _register(api, kind="owner")
    path = f"/households/{home['id']}"
    home = assert_ok(api.post("worker", f"{path}/tags", {"tag": "elderly_alone"}))
    home = assert_ok(api.post("dispatcher", f"{path}/tags", {"tag": "needy"}))
    assert home["tags"] == [
        {"tag": "elderly_alone", "tag_label": "独居老人", "label": "独居老人"},
        {"tag": "needy", "tag_label": "困难群众", "label": "困难群众"},
    ]
    problem = assert_problem(api.post("worker", f"{path}/tags", {"tag": "needy"}), 409)
    assert "add tag" in problem["detail"]
    assert "tag" in assert_problem(api.post("worker", f"{path}/tags", {"tag": "rich"}), 422)["errors"]
    response = _delete(api, "worker", f"{path}/tags/needy")
    assert assert_ok(response)["tags"] == [{"tag": "elderly_alone", "tag_label": "独居老人", "label": "独居老人"}]
    assert response.headers["ETag"] == '"4"'
    assert_problem(_delete(api, "worker", f"{path}/tags/needy"), 404)
    assert_problem(_delete(api, "worker", f"{path}/tags/rich"), 404)
    # 联户长 and 结对帮扶 cadre are staff members.
    home = assert_ok(api.post("worker", f"{path}/liaison", {"staff_id": t.staff["other_worker"].id}))
    assert home["liaison"]["name"] == "汪建国" and home["liaison"]["since"].endswith("+08:00")
    home = assert_ok(api.post("dispatcher", f"{path}/pairing", {"staff_id": t.staff["leader"].id}))
    assert (home["pairing"]["name"], home["pairing"]["role"]) == ("吴书记", "leader")
    assert "staff_id" in assert_problem(api.post("worker", f"{path}/pairing", {"staff_id": "nobody"}), 422)["errors"]
    assert api.version(f"/households/{home['id']}") == 6
    labels = [e["label"] for e in api.get("auditor", f"{path}/history").get_json()["events"]]
    assert labels == ["登记户", "添加关爱标签", "添加关爱标签", "移除关爱标签", "指定联户长", "指定结对帮扶干部"]


def test_a_visit_with_needs_raises_linked_cases_once(api: Api) -> None:
    t = api.territory
    home = _register(api, kind="owner", address="茶苑社区独居老人乔春梅家")
    path = f"/households/{home['id']}"
    need = {
        "title": "储藏室灯不亮",
        "description": "独居老人家储藏室的灯坏了，需上门更换",
        "category": "livelihood",
        "track": "instant",
        "reporter": {"name": "乔春梅", "phone": "13912345678"},
    }
    body = {"notes": "老人身体尚好，反映储藏室灯不亮", "needs": [need]}
    first = api.post("worker", f"{path}/visits", body, idempotency_key="visit-2026-06-01")
    retry = api.post("worker", f"{path}/visits", body, idempotency_key="visit-2026-06-01")
    visited = assert_ok(first)
    assert retry.status_code == 200 and retry.get_json() == visited
    assert visited["version"] == 2 and len(visited["raised_cases"]) == 1
    raised = visited["raised_cases"][0]
    assert visited["visits"][0]["case_ids"] == [raised["id"]] and visited["visits"][0]["notes"].startswith("老人")
    # Linked both ways: the case names the household, with the household's grid and the visit channel.
    case = api.get("dispatcher", f"/cases/{raised['id']}").get_json()
    assert (case["household_id"], case["grid"], case["channel"], case["case_no"]) == (
        home["id"],
        t.grid("chayuan-01"),
        "visit",
        raised["case_no"],
    )
    assert case["location"] == {"address": "茶苑社区独居老人乔春梅家"}
    assert case["reporter"]["phone"] == "139****5678"
    # The retry stored nothing: one visit, and the next case number follows directly.
    assert len(api.get("auditor", f"{path}/history").get_json()["events"]) == 2
    assert int(api.report("worker")["case_no"][-5:]) == int(raised["case_no"][-5:]) + 1
    # A visit without needs raises nothing; a need may not name its own household.
    assert assert_ok(api.post("worker", f"{path}/visits", {"notes": "例行走访"}))["raised_cases"] == []
    bad = {"notes": "x", "needs": [{**need, "household_id": home["id"]}]}
    assert "needs" in assert_problem(api.post("worker", f"{path}/visits", bad), 422)["errors"]
    outside = {"notes": "x", "needs": [{**need, "grid": t.grid("qingshan")}]}
    assert_problem(api.post("worker", f"{path}/visits", outside), 403)
    assert api.version(f"/households/{home['id']}") == 3


def test_malformed_unauthorised_forbidden_unknown_and_stale(api: Api, app) -> None:
    t = api.territory
    home = _register(api)
    path = f"/households/{home['id']}"
    headers = {**t.auth("worker"), "Content-Type": "application/json"}
    assert_problem(api.client.post(f"/api/v1{path}/tags", data="{not json", headers=headers), 400)
    assert_problem(api.client.get(f"/api/v1{path}"), 401)
    assert_problem(api.client.post("/api/v1/households", json={}, headers={"Authorization": "Bearer nope"}), 401)
    # Department staff and channel integrations do not see households; others only their subtree.
    for who in ("chengguan", "intake", "secretary", "other_worker", "other_dispatcher"):
        assert_problem(api.get(who, path), 403)
        assert_problem(api.get(who, f"{path}/history"), 403)
    assert_problem(api.get("chengguan", "/households/00000000-0000-0000-0000-000000000000"), 403)
    for who in ("chengguan", "intake", "leader", "auditor", "other_worker"):
        assert_problem(api.post(who, f"{path}/tags", {"tag": "needy"}), 403)
    assert_problem(
        api.post(
            "intake",
            "/households",
            {"address": "x", "grid": t.grid("chayuan-01"), "kind": "owner", "head": {"name": "x"}},
        ),
        403,
    )
    assert_problem(
        api.post(
            "worker",
            "/households",
            {"address": "x", "grid": t.grid("qingshan"), "kind": "owner", "head": {"name": "x"}},
        ),
        403,
    )
    # Unknown households (and a case id is not a household id).
    case = api.report("worker")
    for unknown in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", case["id"]):
        assert_problem(api.get("admin", f"/households/{unknown}"), 404)
        assert_problem(api.post("worker", f"/households/{unknown}/tags", {"tag": "needy"}), 404)
    # If-Match: a stale version is refused with the current ETag; the right one passes.
    stale = api.post("worker", f"{path}/tags", {"tag": "needy"}, if_match='"7"')
    assert assert_problem(stale, 412) and stale.headers["ETag"] == '"1"'
    assert_problem(api.post("worker", f"{path}/tags", {"tag": "needy"}, if_match="seven"), 400)
    assert api.version(f"/households/{home['id']}") == 1
    assert api.post("worker", f"{path}/tags", {"tag": "needy"}, if_match='"1"').headers["ETag"] == '"2"'
    # Unknown fields, kinds and grids are 422.
    before = _stored_events(app)
    for body, _field in (
        (dict(colour="red"), "colour"),
        (dict(kind="villa"), "kind"),
        (dict(grid="atlantis"), "grid"),
        (dict(head={"phone": "13812345678"}), "head"),
        (dict(address=" "), "address"),
    ):
        assert_problem(
            api.post(
                "worker",
                "/households",
                {"address": "x", "grid": t.grid("chayuan-01"), "kind": "owner", "head": {"name": "x"}, **body},
            ),
            422,
        )
    assert _stored_events(app) == before


BAD_ID_NUMBERS = {
    "wrong check digit": "110105194912310021",
    "bad date": "110105194902300028",
    "17 digits": "11010519491231002",
    "lowercase x": "11010519491231002x",
    "full-width digits": "１１０１０５１９４９１２３１００２X",
    "trailing newline": "11010519491231002X\n",
}
BAD_PHONES = {
    "letters": "call me",
    "too short": "123",
    "full-width": "１３８１２３４５６７８",
    # Hotlines and service numbers are nobody's phone; a landline needs its area code.
    "hotline 12345": "12345",
    "police 110": "110",
    "bank 95588": "95588",
    "400 number": "400-800-1234",
    "no area code": "7361234",
    "12x mobile": "12812345678",
    "10-digit mobile": "1381234567",
    "+86 hotline": "+86 12345",
    "mobile with extension": "13812345678-1",
}


@pytest.mark.parametrize("number", BAD_ID_NUMBERS.values(), ids=BAD_ID_NUMBERS.keys())
def test_422_for_a_bad_id_number_stores_nothing(api: Api, app, number: str) -> None:
    home = _register(api)
    before = _stored_events(app)
    problem = assert_problem(
        api.post(
            "worker",
            "/households",
            {
                "address": "x",
                "grid": api.territory.grid("chayuan-01"),
                "kind": "owner",
                "head": {**HEAD, "id_number": number},
            },
        ),
        422,
    )
    assert "id_number" in problem["errors"]["head"]
    problem = assert_problem(
        api.post("worker", f"/households/{home['id']}/members", {**TENANT, "id_number": number}), 422
    )
    assert "id_number" in problem["errors"]
    assert _stored_events(app) == before and api.version(f"/households/{home['id']}") == 1


@pytest.mark.parametrize("phone", BAD_PHONES.values(), ids=BAD_PHONES.keys())
def test_422_for_a_bad_phone_stores_nothing(api: Api, app, phone: str) -> None:
    home = _register(api)
    before = _stored_events(app)
    problem = assert_problem(
        api.post(
            "worker",
            "/households",
            {
                "address": "x",
                "grid": api.territory.grid("chayuan-01"),
                "kind": "owner",
                "head": {**HEAD, "phone": phone},
            },
        ),
        422,
    )
    assert "phone" in problem["errors"]["head"]
    member = api.post("worker", f"/households/{home['id']}/members", {**TENANT, "phone": phone})
    assert "phone" in assert_problem(member, 422)["errors"]
    problem = assert_problem(api.post("worker", "/cases", api.case_body(reporter={"phone": phone})), 422)
    assert "phone" in problem["errors"]["reporter"]
    assert _stored_events(app) == before and api.version(f"/households/{home['id']}") == 1


@pytest.mark.parametrize("who", ["worker", "dispatcher", "leader", "auditor", "admin"])
def test_id_numbers_and_phones_are_masked_for_everyone_but_an_admin(api: Api, who: str) -> None:
    home = _register(api)
    assert_ok(api.post("worker", f"/households/{home['id']}/members", TENANT))
    visit = {
        "notes": "走访",
        "needs": [
            {
                "title": "求职",
                "description": "困难户希望找工作",
                "category": "livelihood",
                "track": "general",
                "reporter": {"name": "汪德福", "phone": "13812345678"},
            }
        ],
    }
    case_id = assert_ok(api.post("worker", f"/households/{home['id']}/visits", visit))["raised_cases"][0]["id"]
    state = assert_ok(api.get(who, f"/households/{home['id']}"))
    history = assert_ok(api.get(who, f"/households/{home['id']}/history"))
    case = assert_ok(api.get(who, f"/cases/{case_id}"))
    case_history = assert_ok(api.get(who, f"/cases/{case_id}/history"))
    head, tenant = state["members"][0], state["members"][1]
    registered, added = history["events"][0]["data"]["head"], history["events"][1]["data"]["member"]
    reported = case_history["events"][0]["data"]["report"]["reporter"]
    if who == "admin":
        assert (state["head"]["id_number"], state["head"]["phone"]) == ("11010519491231002X", "13812345678")
        assert (tenant["id_number"], tenant["phone"]) == ("360222199001011222", "15907031234")
        assert (registered["id_number"], added["phone"]) == ("11010519491231002X", "15907031234")
        assert case["reporter"]["phone"] == reported["phone"] == "13812345678"
        return
    for person in (state["head"], head, registered):
        assert (person["id_number"], person["phone"]) == ("110***********002X", "138****5678")
    for person in (tenant, added):
        assert (person["id_number"], person["phone"]) == ("360***********1222", "159****1234")
    assert case["reporter"]["phone"] == reported["phone"] == "138****5678"
    for body in (state, history, case, case_history):
        text = str(body)
        assert "11010519491231002X" not in text and "13812345678" not in text and "15907031234" not in text
