"""Patrols over HTTP: a 红袖套 night patrol and a routine one, findings fixed on the spot or raised as cases."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.responses import assert_ok, assert_problem


def _start(api: Api, who: str = "worker", kind: str = "night", members: list[str] | None = None) -> dict:
    t = api.territory
    body = {
        "grid": t.grid("chayuan-01"),
        "kind": kind,
        "members": members or [t.staff["worker"].id, t.staff["other_worker"].id],
    }
    return assert_ok(api.post(who, "/patrols", body), 201)


def test_a_night_patrol_from_start_to_end(api: Api) -> None:
    t = api.territory
    # 1. The 红袖套 night patrol starts in 茶苑社区第一网格.
    response = api.post(
        "worker",
        "/patrols",
        {"grid": t.grid("chayuan-01"), "kind": "night", "members": [t.staff["worker"].id, t.staff["other_worker"].id]},
    )
    patrol = assert_ok(response, 201)
    assert response.headers["Location"] == f"/api/v1/patrols/{patrol['id']}" and response.headers["ETag"] == '"1"'
    assert (patrol["kind"], patrol["kind_label"], patrol["status"], patrol["status_label"]) == (
        "night",
        "夜间巡逻",
        "on_patrol",
        "巡查中",
    )
    assert [m["name"] for m in patrol["members"]] == ["程晓燕", "汪建国"]
    path = f"/patrols/{patrol['id']}"
    # 2. A member checks in at two places.
    assert_ok(api.post("worker", f"{path}/checkpoints", {"place": "茶苑社区东门"}))
    response = api.post("other_worker", f"{path}/checkpoints", {"place": "文公北路12号", "lat": 29.25, "lon": 117.86})
    patrol = assert_ok(response)
    assert response.headers["ETag"] == '"3"' and patrol["position"] > 0
    assert [(c["place"], c["lat"]) for c in patrol["checkpoints"]] == [("茶苑社区东门", None), ("文公北路12号", 29.25)]
    # 3. A finding fixed on the spot raises nothing; one that is not becomes a linked case.
    fixed = assert_ok(
        api.post(
            "worker",
            f"{path}/findings",
            {"description": "楼道堆放杂物，已劝导清理", "category": "sanitation", "resolved_on_spot": True},
        )
    )
    assert fixed["raised_cases"] == [] and fixed["findings"][0]["case_id"] is None
    found = assert_ok(
        api.post(
            "worker",
            f"{path}/findings",
            {
                "description": "车棚内电动车飞线充电，存在火灾隐患",
                "category": "safety_hazard",
                "resolved_on_spot": False,
                "track": "instant",
                "location": {"address": "茶苑社区3栋车棚"},
            },
        )
    )
    raised = found["raised_cases"][0]
    assert found["findings"][1]["case_id"] == raised["id"] and found["findings"][1]["category_label"] == "安全隐患"
    case = assert_ok(api.get("dispatcher", f"/cases/{raised['id']}"))
    assert (case["patrol_id"], case["channel"], case["grid"], case["case_no"], case["track"]) == (
        patrol["id"],
        "patrol",
        t.grid("chayuan-01"),
        raised["case_no"],
        "instant",
    )
    assert case["title"] == "车棚内电动车飞线充电，存在火灾隐患" and case["location"]["address"] == "茶苑社区3栋车棚"
    # 4. The dispatcher of the town may end it; the history tells the whole walk.
    ended = assert_ok(api.post("dispatcher", f"{path}/end", {"summary": "巡查两处，发现隐患一处已上报"}))
    assert (ended["status"], ended["summary"], ended["version"]) == ("ended", "巡查两处，发现隐患一处已上报", 6)
    assert ended["ended_at"].endswith("+08:00")
    history = assert_ok(api.get("leader", f"{path}/history"))
    assert [e["label"] for e in history["events"]] == ["开始巡查", "打卡", "打卡", "巡查发现", "巡查发现", "结束巡查"]
    assert history["events"][4]["data"]["case_id"] == raised["id"]
    assert assert_ok(api.get("auditor", path)) == ended
    # 5. Nothing more after the end: 409, and the version stays.
    for command, body in (
        ("checkpoints", {"place": "x"}),
        ("end", {"summary": "again"}),
        ("findings", {"description": "x", "category": "other", "resolved_on_spot": True}),
    ):
        problem = assert_problem(api.post("worker", f"{path}/{command}", body), 409)
        assert "'ended'" in problem["detail"]
    assert api.version(f"/patrols/{patrol['id']}") == 6


def test_reads_by_id(api: Api) -> None:
    patrol = _start(api, kind="routine")
    response = api.get("dispatcher", f"/patrols/{patrol['id']}")
    assert response.headers["ETag"] == '"1"' and response.get_json() == patrol
    assert response.get_json()["kind_label"] == "日常巡查"


def test_who_may_patrol_and_the_errors(api: Api) -> None:
    t = api.territory
    patrol = _start(api, members=[t.staff["worker"].id])
    path = f"/patrols/{patrol['id']}"
    headers = {**t.auth("worker"), "Content-Type": "application/json"}
    assert_problem(api.client.post(f"/api/v1{path}/checkpoints", data="{not json", headers=headers), 400)
    assert_problem(api.client.get(f"/api/v1{path}"), 401)
    # Reads: department staff, channels and secretaries never; grid roles only in their subtree.
    for who in ("chengguan", "intake", "secretary", "other_worker", "other_dispatcher"):
        assert_problem(api.get(who, path), 403)
        assert_problem(api.get(who, f"{path}/history"), 403)
    # Starting: field staff in their subtree and admins only.
    body = {"grid": t.grid("chayuan-01"), "kind": "routine", "members": [t.staff["worker"].id]}
    for who in ("chengguan", "intake", "leader", "auditor", "other_worker", "other_dispatcher"):
        assert_problem(api.post(who, "/patrols", body), 403)
    # Commands: the patrol's members, the grid's dispatcher, admins; not another grid worker.
    assert_problem(api.post("other_worker", f"{path}/checkpoints", {"place": "x"}), 403)
    assert_problem(api.post("leader", f"{path}/checkpoints", {"place": "x"}), 403)
    assert_ok(api.post("dispatcher", f"{path}/checkpoints", {"place": "综治中心"}))
    # Unknown patrols (a case id is not a patrol id).
    case = api.report("worker")
    for unknown in ("00000000-0000-0000-0000-000000000000", "nope", case["id"]):
        assert_problem(api.get("admin", f"/patrols/{unknown}"), 404)
        assert_problem(api.post("worker", f"/patrols/{unknown}/checkpoints", {"place": "x"}), 404)
    # If-Match.
    stale = api.post("worker", f"{path}/checkpoints", {"place": "x"}, if_match='"1"')
    assert assert_problem(stale, 412) and stale.headers["ETag"] == '"2"'
    # 422: a 4必报 category may not be fixed on the spot; bad bodies; unknown members and grids.
    problem = assert_problem(
        api.post(
            "worker",
            f"{path}/findings",
            {"description": "发现涉黑涉恶线索", "category": "crime_lead", "resolved_on_spot": True},
        ),
        422,
    )
    assert "resolved_on_spot" in problem["errors"]
    for bad, field in (
        ({"category": "ufo"}, "category"),
        ({"resolved_on_spot": "maybe"}, "resolved_on_spot"),
        ({"colour": "red"}, "colour"),
        ({"description": ""}, "description"),
    ):
        finding = {"description": "x", "category": "other", "resolved_on_spot": False, **bad}
        assert field in assert_problem(api.post("worker", f"{path}/findings", finding), 422)["errors"]
    assert "lat" in assert_problem(api.post("worker", f"{path}/checkpoints", {"place": "x", "lat": 91}), 422)["errors"]
    for bad, field in (
        ({"members": []}, "members"),
        ({"members": ["nobody"]}, "members.0"),
        ({"kind": "picnic"}, "kind"),
        ({"grid": "atlantis"}, "grid"),
    ):
        assert field in assert_problem(api.post("worker", "/patrols", {**body, **bad}), 422)["errors"]
    assert api.version(f"/patrols/{patrol['id']}") == 2


def test_a_retried_finding_raises_its_case_once(api: Api) -> None:
    patrol = _start(api)
    path = f"/patrols/{patrol['id']}/findings"
    body = {
        "description": "路灯不亮，夜间行人看不清路",
        "category": "municipal",
        "resolved_on_spot": False,
        "title": "文公北路路灯不亮",
    }
    first = assert_ok(api.post("worker", path, body, idempotency_key="night-7"))
    retry = assert_ok(api.post("worker", path, body, idempotency_key="night-7"))
    assert retry == first and len(first["findings"]) == 1 and first["version"] == 2
    case_no = first["raised_cases"][0]["case_no"]
    assert int(api.report("worker")["case_no"][-5:]) == int(case_no[-5:]) + 1
    assert assert_ok(api.get("worker", f"/cases/{first['raised_cases'][0]['id']}"))["title"] == "文公北路路灯不亮"
    # The same key for another finding is refused rather than silently ignored.
    assert_problem(api.post("worker", path, {**body, "description": "别的"}, idempotency_key="night-7"), 422)
    assert api.version(f"/patrols/{patrol['id']}") == 2
