"""Bad requests get a clear application/problem+json answer and change nothing."""

from __future__ import annotations

import uuid

import pytest

from tests.support.api import Api
from tests.support.responses import assert_problem


def test_401_without_or_with_a_wrong_token(api: Api) -> None:
    response = api.client.get("/api/v1/me")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(api.client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}), 401)
    assert_problem(api.client.post("/api/v1/cases", json=api.case_body()), 401)


def test_400_for_malformed_json_writes_nothing(api: Api) -> None:
    case = api.report("worker")
    response = api.client.post(
        f"/api/v1/cases/{case['id']}/accept",
        data="{not json",
        headers={**api.territory.auth("dispatcher"), "Content-Type": "application/json"},
    )
    assert_problem(response, 400)
    assert api.version(f"/cases/{case['id']}") == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"category": "ufo"}, "category"),
        ({"track": "fast"}, "track"),
        ({"channel": "pigeon"}, "channel"),
        ({"title": "   "}, "title"),
        ({"colour": "red"}, "colour"),
        ({"grid": "atlantis"}, "grid"),
        ({"location": {"address": "x", "lat": 123.0}}, "location"),
        ({"reporter": {"phone": "call me"}}, "reporter"),
        ({"attachments": [{"sha256": "xyz", "filename": "a.jpg", "content_type": "image/jpeg"}]}, "attachments"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_422_names_the_field_and_reports_nothing(api: Api, body: dict, field: str) -> None:
    before = api.report("worker")["case_no"]
    problem = assert_problem(api.post("worker", "/cases", api.case_body(**body)), 422)
    assert field in problem["errors"]
    after = api.report("worker")["case_no"]
    # No case number was spent on the refused report.
    assert int(after[-5:]) == int(before[-5:]) + 1


def test_422_for_unknown_department_and_bad_deadline(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    problem = assert_problem(
        api.post("dispatcher", f"/cases/{case['id']}/dispatch", {"lead_department": "no-such-dept"}), 422
    )
    assert "lead_department" in problem["errors"]
    problem = assert_problem(
        api.post(
            "dispatcher",
            f"/cases/{case['id']}/dispatch",
            {"lead_department": t.department("zhujian"), "co_departments": [t.department("zhujian")]},
        ),
        422,
    )
    assert "co_departments" in problem["errors"]
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("zhujian")})
    problem = assert_problem(
        api.post("dispatcher", f"/cases/{case['id']}/extend", {"due_at": "2026-05-01", "reason": "x"}), 422
    )
    assert "due_at" in problem["errors"]
    assert_problem(
        api.post("dispatcher", f"/cases/{case['id']}/extend", {"due_at": "next tuesday", "reason": "x"}), 422
    )
    assert api.version(f"/cases/{case['id']}") == 3


def test_403_out_of_scope_or_wrong_role(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    assert_problem(api.post("other_dispatcher", f"/cases/{case['id']}/accept"), 403)  # 清华镇's dispatcher
    assert_problem(api.post("leader", f"/cases/{case['id']}/accept"), 403)  # leaders only read
    assert_problem(api.post("other_worker", "/cases", api.case_body()), 403)  # not her grid
    api.command("dispatcher", case["id"], "accept")
    api.command("dispatcher", case["id"], "dispatch", {"lead_department": t.department("zhujian")})
    assert_problem(api.post("chengguan", f"/cases/{case['id']}/claim"), 403)  # not the lead
    assert_problem(api.post("dispatcher", "/grids", {"code": "x", "name": "x", "level": "county"}), 403)
    assert api.version(f"/cases/{case['id']}") == 3


def test_404_for_unknown_cases_and_grids(api: Api) -> None:
    assert_problem(api.get("auditor", f"/cases/{uuid.uuid4()}"), 404)
    assert_problem(api.get("auditor", "/cases/not-a-uuid"), 404)
    assert_problem(api.post("dispatcher", f"/cases/{uuid.uuid4()}/accept"), 404)
    assert_problem(api.get("auditor", f"/cases/{uuid.uuid4()}/history"), 404)
    assert_problem(api.get("auditor", "/grids/atlantis"), 404)
    assert_problem(api.get("auditor", "/no/such/path"), 404)


def test_409_names_the_state_and_the_command(api: Api) -> None:
    case = api.report("worker")
    problem = assert_problem(api.post("dispatcher", f"/cases/{case['id']}/close"), 409)
    assert "'close'" in problem["detail"] and "'reported'" in problem["detail"]
    api.command("dispatcher", case["id"], "reject", {"reason": "重复上报"})
    problem = assert_problem(api.post("dispatcher", f"/cases/{case['id']}/accept"), 409)
    assert "'accept'" in problem["detail"] and "'rejected'" in problem["detail"]
    assert api.version(f"/cases/{case['id']}") == 2


def test_405_is_a_problem_too(api: Api) -> None:
    response = api.client.delete("/api/v1/me", headers=api.territory.auth("admin"))
    assert_problem(response, 405)


def test_if_match_makes_a_command_conditional(api: Api) -> None:
    case = api.report("worker")
    response = api.post("dispatcher", f"/cases/{case['id']}/accept", if_match='"1"')
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    # A second dispatcher still looking at version 1 is refused, with the current ETag.
    stale = api.post("dispatcher", f"/cases/{case['id']}/reject", {"reason": "x"}, if_match='"1"')
    assert_problem(stale, 412)
    assert stale.headers["ETag"] == '"2"'
    assert_problem(api.post("dispatcher", f"/cases/{case['id']}/reject", {"reason": "x"}, if_match="seven"), 400)
    assert api.version(f"/cases/{case['id']}") == 2


def test_idempotent_retry_returns_the_first_result_and_stores_nothing(api: Api) -> None:
    body = api.case_body(title="独居老人理发微心愿", category="livelihood")
    first = api.post("intake", "/cases", body, idempotency_key="mini-program-7781")
    retry = api.post("intake", "/cases", body, idempotency_key="mini-program-7781")
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    next_case = api.report("intake")
    assert int(next_case["case_no"][-5:]) == int(first.get_json()["case_no"][-5:]) + 1
    # The same key with a different body is refused rather than silently ignored.
    assert_problem(api.post("intake", "/cases", {**body, "title": "别的事"}, idempotency_key="mini-program-7781"), 422)
    # Commands are idempotent too: a retried claim does not fail with 409.
    case_id = first.get_json()["id"]
    accepted = api.post("dispatcher", f"/cases/{case_id}/accept", idempotency_key="acc-1")
    again = api.post("dispatcher", f"/cases/{case_id}/accept", idempotency_key="acc-1")
    assert accepted.status_code == again.status_code == 200
    assert again.get_json()["version"] == accepted.get_json()["version"] == 2
    assert len(api.get("auditor", f"/cases/{case_id}/history").get_json()["events"]) == 2


@pytest.mark.parametrize(
    "path, params",
    [
        ("/cases", {"created_from": "0001-01-01"}),
        ("/cases", {"created_to": "9999-12-31"}),
        ("/audit", {"from": "0001-01-01T00:00:00"}),
        ("/patrols", {"to": "9999-12-31"}),
    ],
)
def test_dates_that_overflow_in_utc_are_a_422(api: Api, path: str, params: dict) -> None:
    body = assert_problem(api.get("admin", path, **params), 422)
    assert set(body["errors"]) == set(params)


def test_a_deadline_in_year_one_is_a_422_and_changes_nothing(api: Api) -> None:
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    response = api.post("dispatcher", f"/cases/{case['id']}/extend", {"due_at": "0001-01-01", "reason": "x"})
    assert assert_problem(response, 422)["errors"] == {"due_at": ["Must lie between the years 1900 and 9998."]}
    assert api.version(f"/cases/{case['id']}") == 2
