"""Staff accounts over HTTP: list, read, history, role change, revocation and token rotation (issue 16)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from application.ledger import GridLedger
from projections.storage import tables
from tests.support.api import Api
from tests.support.responses import assert_problem as problem


def _account(api: Api, staff_id: str, who: str = "admin") -> dict[str, Any]:
    response = api.get(who, f"/staff/{staff_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_admins_list_every_account_and_dispatchers_only_those_of_their_grid(api: Api) -> None:
    t = api.territory
    town = api.get("admin", "/staff", grid=t.grid("ziyang"), per_page=200).get_json()
    assert {item["name"] for item in town["items"]} == {"王敏", "程晓燕", "汪建国", "吴书记"}
    assert town["total"] == 4 and town["page"] == 1 and town["per_page"] == 200

    seen = api.get("dispatcher", "/staff", per_page=200).get_json()
    assert {item["name"] for item in seen["items"]} == {"王敏", "程晓燕", "汪建国", "吴书记"}
    workers = api.get("leader", "/staff", role="grid_worker", org=t.grid("chayuan-01")).get_json()
    assert [item["name"] for item in workers["items"]] == ["程晓燕"]
    assert workers["items"][0]["role_label"] == "网格员" and workers["items"][0]["active"] is True

    assert api.get("other_dispatcher", f"/staff/{t.staff['worker'].id}").status_code == 403
    assert api.get("dispatcher", f"/staff/{t.staff['worker'].id}").status_code == 200
    for who in ("worker", "chengguan", "secretary", "intake"):
        assert api.get(who, "/staff").status_code == 403, who
    assert problem(api.get("admin", "/staff", role="mayor"), 422)["errors"]["role"]


def test_a_role_change_ends_the_role_before_and_the_history_says_who_did_it(api: Api) -> None:
    t = api.territory
    worker = t.staff["worker"]
    response = api.post("admin", f"/staff/{worker.id}/roles", {"role": "dispatcher", "grid": t.grid("chayuan")})
    assert response.status_code == 200, response.get_json()
    account = response.get_json()
    assert account["role"] == "dispatcher" and account["grid"] == t.grid("chayuan")
    assert response.headers["ETag"] == f'"{account["version"]}"' and account["version"] == 2
    first, second = account["roles"]
    assert first["role"] == "grid_worker" and first["valid_to"] == second["valid_from"]
    assert second["valid_to"] is None and second["granted_by"] == t.staff["admin"].id

    # the new role works at once: a dispatcher's queue
    assert api.get("worker", "/queues/triage").status_code == 200

    history = api.get("auditor", f"/staff/{worker.id}/history").get_json()
    assert [event["label"] for event in history["events"]] == ["开通账号", "变更角色"]
    assert history["events"][1]["actor"]["id"] == t.staff["admin"].id
    assert "token" not in str(history).lower()

    assert api.post("dispatcher", f"/staff/{worker.id}/roles", {"role": "admin"}).status_code == 403
    same = api.post("admin", f"/staff/{worker.id}/roles", {"role": "dispatcher", "grid": t.grid("chayuan")})
    assert "roles" in problem(same, 409)["detail"]
    stale = api.post("admin", f"/staff/{worker.id}/roles", {"role": "leader", "grid": t.grid("ziyang")}, if_match='"1"')
    problem(stale, 412)
    assert "org" in problem(api.post("admin", f"/staff/{worker.id}/roles", {"role": "department"}), 422)["errors"]
    problem(api.post("admin", "/staff/00000000-0000-0000-0000-000000000000/roles", {"role": "admin"}), 404)


def test_a_revoked_token_is_refused_by_the_very_next_request_and_its_events_keep_the_name(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    assert api.get("worker", "/me").status_code == 200

    revoked = api.post("admin", f"/staff/{t.staff['worker'].id}/revoke", {"reason": "调离茶苑社区"})
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False

    refused = api.get("worker", "/me")
    assert problem(refused, 401)["title"] and refused.headers["WWW-Authenticate"].startswith("Bearer")
    history = api.get("auditor", f"/cases/{case['id']}/history").get_json()
    assert history["events"][0]["actor"]["name"] == "程晓燕"
    assert [
        item["name"] for item in api.get("admin", "/staff", grid=t.grid("chayuan"), active="false").get_json()["items"]
    ] == ["程晓燕"]

    assert (
        "revoked" in problem(api.post("admin", f"/staff/{t.staff['worker'].id}/revoke", {"reason": "x"}), 409)["detail"]
    )
    assert (
        "own account"
        in problem(api.post("admin", f"/staff/{t.staff['admin'].id}/revoke", {"reason": "x"}), 409)["detail"]
    )
    assert problem(api.post("admin", f"/staff/{t.staff['leader'].id}/revoke", {}), 422)["errors"]["reason"]
    assert api.post("dispatcher", f"/staff/{t.staff['leader'].id}/revoke", {"reason": "x"}).status_code == 403
    # a revoked member can no longer be named a household's liaison or a patrol's member
    patrol = api.post(
        "dispatcher", "/patrols", {"grid": t.grid("chayuan"), "kind": "routine", "members": [t.staff["worker"].id]}
    )
    assert "members.0" in problem(patrol, 422)["errors"]


def test_a_rotated_token_replaces_the_old_one_at_once_and_is_shown_once(api: Api) -> None:
    t = api.territory
    own = api.post("chengguan", f"/staff/{t.staff['chengguan'].id}/rotate-token", {}, idempotency_key="rotate-1")
    assert own.status_code == 200, own.get_json()
    new_token = own.get_json()["token"]
    assert new_token.startswith("glt_") and new_token != t.tokens["chengguan"]
    assert api.get("chengguan", "/me").status_code == 401
    t.tokens["chengguan"] = new_token
    assert api.get("chengguan", "/me").get_json()["name"] == "李强"

    retried = api.post("chengguan", f"/staff/{t.staff['chengguan'].id}/rotate-token", {}, idempotency_key="rotate-1")
    assert retried.status_code == 200 and retried.get_json()["token"] is None  # shown once, never again
    assert api.get("chengguan", "/me").status_code == 200

    assert api.post("chengguan", f"/staff/{t.staff['zhujian'].id}/rotate-token", {}).status_code == 403
    by_admin = api.post("admin", f"/staff/{t.staff['zhujian'].id}/rotate-token", {})
    assert by_admin.status_code == 200 and api.get("zhujian", "/me").status_code == 401
    labels = [
        event["label"] for event in api.get("admin", f"/staff/{t.staff['chengguan'].id}/history").get_json()["events"]
    ]
    assert labels == ["开通账号", "更换令牌"]


def test_creating_an_account_twice_with_one_key_makes_one_account(api: Api) -> None:
    t = api.territory
    body = {"name": "陈静", "role": "department", "org": t.department("shichang")}
    first = api.post("admin", "/staff", body, idempotency_key="new-clerk")
    again = api.post("admin", "/staff", body, idempotency_key="new-clerk")
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert first.get_json()["token"].startswith("glt_") and again.get_json()["token"] is None
    assert first.headers["Location"] == f"/api/v1/staff/{first.get_json()['id']}"
    clerks = api.get("admin", "/staff", org=t.department("shichang")).get_json()
    assert [item["name"] for item in clerks["items"]] == ["陈静"]


def test_an_account_revoked_or_changed_by_hand_in_the_database_is_seen_by_the_very_next_request(
    api: Api, ledger: GridLedger
) -> None:
    """Tokens are kept in memory between requests; the database's own triggers move the security generation on
    whatever updates a staff row, so a DBA's revocation (or role change) counts at once too."""
    t = api.territory
    for _ in range(2):  # the second answer comes from what the process keeps
        assert api.get("worker", "/me").get_json()["role"] == "grid_worker"
        assert api.get("leader", "/me").status_code == 200
    staff = tables.staff
    with ledger.datastore.transaction(commit=True) as session:
        session.execute(update(staff).where(staff.c.id == t.staff["worker"].id).values(role="dispatcher"))
    assert api.get("worker", "/me").get_json()["role"] == "dispatcher"
    with ledger.datastore.transaction(commit=True) as session:
        session.execute(update(staff).where(staff.c.id == t.staff["leader"].id).values(revoked_at=ledger.clock()))
    problem(api.get("leader", "/me"), 401)
    assert api.get("worker", "/me").status_code == 200
