"""The admin builds the grid tree and the departments; staff accounts carry a role and a scope."""

from __future__ import annotations

from tests.support.api import Api


def test_admin_builds_a_grid_tree_and_departments(api: Api) -> None:
    suffix = api.territory.suffix
    county = {"code": f"guangchang-{suffix}", "name": "广昌县", "level": "county"}
    town = {"code": f"xujiang-{suffix}", "name": "旴江镇", "level": "town", "parent": county["code"]}
    community = {"code": f"heping-{suffix}", "name": "和平社区", "level": "community", "parent": town["code"]}
    for grid in (county, town, community):
        assert api.post("admin", "/grids", grid).status_code == 201
    tree = api.get("worker", "/grids").get_json()["items"]
    guangchang = next(node for node in tree if node["code"] == county["code"])
    assert guangchang["children"][0]["children"][0]["name"] == "和平社区"
    assert api.get("worker", f"/grids/{community['code']}").get_json()["path"].count("/") == 4
    # A duplicate code, an unknown parent or a level above its parent are refused.
    assert api.post("admin", "/grids", county).status_code == 422
    assert (
        "parent" in api.post("admin", "/grids", {**community, "code": "x1", "parent": "nowhere"}).get_json()["errors"]
    )
    assert "level" in api.post("admin", "/grids", {**community, "code": "x2", "level": "county"}).get_json()["errors"]
    department = {"code": f"xinfang-{suffix}", "name": "信访局"}
    assert api.post("admin", "/departments", department).status_code == 201
    codes = [d["code"] for d in api.get("dispatcher", "/departments").get_json()["items"]]
    assert department["code"] in codes


def test_admin_creates_staff_whose_token_works_at_once(api: Api) -> None:
    t = api.territory
    response = api.post("admin", "/staff", {"name": "陈静", "role": "department", "org": t.department("shichang")})
    assert response.status_code == 201
    token = response.get_json()["token"]
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (me["name"], me["role"], me["org"]) == ("陈静", "department", t.department("shichang"))
    assert me["roles"][0]["granted_by"] == t.staff["admin"].id
    # Department staff need a real department; grid roles need a grid.
    assert "org" in api.post("admin", "/staff", {"name": "x", "role": "department"}).get_json()["errors"]
    assert "grid" in api.post("admin", "/staff", {"name": "x", "role": "grid_worker"}).get_json()["errors"]
    assert api.post("dispatcher", "/staff", {"name": "x", "role": "admin"}).status_code == 403
