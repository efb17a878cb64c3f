"""Bad input found by fuzzing the API (schemathesis and by hand): each is a 4xx problem and writes nothing."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from application.ledger import GridLedger
from projections.storage import tables
from tests.support.api import Api
from tests.support.responses import PROBLEM, assert_problem
from tests.support.waiting import READ_MODEL_WAIT


def _post_raw(api: Api, who: str, path: str, raw: str | bytes, content_type: str = "application/json"):
    return api.client.post(
        f"/api/v1{path}", data=raw, headers={**api.territory.auth(who), "Content-Type": content_type}
    )


def _next_case_no(api: Api) -> int:
    return int(api.report("worker")["case_no"][-5:])


@pytest.mark.parametrize(
    "raw", ["[" * 100_000 + "]" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000], ids=["array", "object"]
)
def test_json_nested_too_deeply_is_a_400_not_a_500(api: Api, raw: str) -> None:
    case = api.report("worker")
    problem = assert_problem(_post_raw(api, "dispatcher", f"/cases/{case['id']}/accept", raw), 400)
    assert "nested too deeply" in problem["detail"]
    assert api.version(f"/cases/{case['id']}") == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(api: Api, constant: str) -> None:
    before = _next_case_no(api)
    body = (
        '{"title": "路灯不亮", "description": "不亮", "category": "municipal", "channel": "grid_app",'
        f' "track": "general", "grid": "{api.territory.grid("chayuan-01")}",'
        f' "location": {{"address": "文公北路12号", "lat": {constant}, "lon": 117.8}}}}'
    )
    assert_problem(_post_raw(api, "worker", "/cases", body), 400)
    assert _next_case_no(api) == before + 1  # no case number was spent


# A NUL cannot be stored in a PostgreSQL text column: accepted, it stopped every read model that
# copied the field (case list, work queues, meetings, households, patrols) at that event.
@pytest.mark.parametrize(
    "override, field",
    [
        ({"title": "路灯\x00不亮"}, "title"),
        ({"description": "\x00"}, "description"),
        ({"grid": "chayuan-01\x00"}, "grid"),
        ({"location": {"address": "文公北路\x0012号"}}, "location"),
        ({"reporter": {"name": "张\x00三"}}, "reporter"),
        ({"attachments": [{"sha256": "a" * 64, "filename": "a\x00.jpg", "content_type": "image/jpeg"}]}, "attachments"),
        ({"title": "路灯\x01不亮"}, "title"),  # XLSX refuses C0 controls: the handover list would fail to export
        ({"title": "路灯\ud800不亮"}, "title"),  # a lone surrogate cannot be encoded as UTF-8
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_unsafe_text_in_a_report_is_a_422_and_spends_no_case_number(api: Api, override: dict, field: str) -> None:
    before = _next_case_no(api)
    # json.dumps escapes the surrogate as \ud800, as a client would send it
    problem = assert_problem(_post_raw(api, "worker", "/cases", json.dumps(api.case_body(**override))), 422)
    assert field in problem["errors"]
    after = api.report("worker")
    assert int(after["case_no"][-5:]) == before + 1
    # The read models are still running: the next report shows up in the case list.
    listed = api.get("dispatcher", "/cases", min_position=after["position"], q="路灯")
    assert listed.status_code == 200 and after["id"] in {item["id"] for item in listed.get_json()["items"]}


@pytest.mark.parametrize(
    "command, body, field",
    [
        ("reject", {"reason": "重复\x00上报"}, "reason"),
        ("accept", {"note": "\x00"}, "note"),
        ("merge", {"into": "\x00"}, "into"),
    ],
)
def test_unsafe_text_in_a_command_changes_nothing(api: Api, command: str, body: dict, field: str) -> None:
    case = api.report("worker")
    problem = assert_problem(api.post("dispatcher", f"/cases/{case['id']}/{command}", body), 422)
    assert field in problem["errors"]
    assert api.version(f"/cases/{case['id']}") == 1


def test_unsafe_text_in_lists_and_other_aggregates(api: Api) -> None:
    t = api.territory
    case = api.report("worker")
    api.command("dispatcher", case["id"], "accept")
    problem = assert_problem(
        api.post(
            "dispatcher",
            f"/cases/{case['id']}/dispatch",
            {"lead_department": t.department("chengguan"), "co_departments": ["zhujian\x00"]},
        ),
        422,
    )
    assert "co_departments" in problem["errors"]
    assert api.version(f"/cases/{case['id']}") == 2
    meeting = api.post(
        "secretary",
        "/meetings",
        {
            "title": "交办会",
            "level": "town",
            "org": t.grid("ziyang"),
            "scheduled_for": "2026-12-01",
            "chair": "吴\x00书记",
        },
    )
    assert "chair" in assert_problem(meeting, 422)["errors"]
    patrol = api.post(
        "worker",
        "/patrols",
        {"grid": t.grid("chayuan-01"), "kind": "night", "members": [t.staff["worker"].id + "\x00"]},
    )
    assert "members" in assert_problem(patrol, 422)["errors"]
    household = api.post(
        "worker",
        "/households",
        {"address": "文公北路1号", "grid": t.grid("chayuan-01"), "kind": "rental", "head": {"name": "李\x00四"}},
    )
    assert assert_problem(household, 422)["errors"] == {
        "head": {"name": ["Must not contain NUL, control characters, lone surrogates or noncharacters."]}
    }


def test_a_lone_surrogate_in_a_field_name_still_gets_a_readable_problem(api: Api) -> None:
    case = api.report("worker")
    response = _post_raw(api, "dispatcher", f"/cases/{case['id']}/accept", '{"\\ud800": 1}')
    assert_problem(response, 422)
    assert api.version(f"/cases/{case['id']}") == 1


@pytest.mark.parametrize(
    "path, param",
    [
        ("/cases", "grid"),
        ("/cases", "q"),
        ("/cases", "department"),
        ("/queues/triage", "department"),
        ("/audit", "actor"),
        ("/audit", "aggregate_id"),
        ("/audit", "event_type"),
        ("/meetings", "org"),
        ("/households", "grid"),
        ("/households/visits-due", "grid"),
        ("/patrols", "grid"),
        ("/patrols/coverage", "grid"),
    ],
)
def test_nul_in_a_query_parameter_is_a_422(api: Api, path: str, param: str) -> None:
    assert param in assert_problem(api.get("admin", path, **{param: "a\x00b"}), 422)["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/grids/a%00b",
        "/staff/%00",
        "/cases/%00",
        "/cases/%00/history",
        "/households/%00",
        "/patrols/%00",
        "/meetings/%00",
        "/queues/tri%00age",
    ],
)
def test_nul_in_a_path_is_a_404(api: Api, path: str) -> None:
    assert_problem(api.client.get(f"/api/v1{path}", headers=api.territory.auth("admin")), 404)


def test_nul_in_a_command_path_is_a_404_and_writes_nothing(api: Api) -> None:
    case = api.report("worker")
    assert_problem(api.post("dispatcher", f"/cases/{case['id']}%00/accept"), 404)
    assert api.version(f"/cases/{case['id']}") == 1


def test_an_if_match_of_thousands_of_digits_is_a_400(api: Api) -> None:
    case = api.report("worker")
    assert_problem(api.post("dispatcher", f"/cases/{case['id']}/accept", if_match='"' + "9" * 5000 + '"'), 400)
    # A long but plausible version is merely stale.
    assert_problem(api.post("dispatcher", f"/cases/{case['id']}/accept", if_match='"' + "9" * 18 + '"'), 412)
    assert api.version(f"/cases/{case['id']}") == 1


@pytest.mark.parametrize(
    "path",
    ["/cases", "/queues/triage", "/audit", "/meetings", "/households", "/households/visits-due", "/patrols/coverage"],
)
def test_a_position_beyond_the_newest_event_is_a_503_at_once(api: Api, path: str) -> None:
    for position in (10**20, 10**30, 2**63):
        started = time.monotonic()
        response = api.get("admin", path, min_position=position)
        assert assert_problem(response, 503) and response.headers["Retry-After"] == "1"
        # It does not wait for a position that is not there: a read that did would take the whole wait
        # (a minute in the tests), so this tells the two apart however busy the machine is.
        assert time.monotonic() - started < READ_MODEL_WAIT
    case = api.report("worker")
    assert api.get("admin", path, min_position=case["position"]).status_code == 200


def test_staff_with_an_unknown_department_is_refused_for_every_role(api: Api, ledger: GridLedger) -> None:
    name = f"接线员-{uuid.uuid4().hex[:6]}"
    problem = assert_problem(api.post("admin", "/staff", {"name": name, "role": "intake", "org": "no-such-dept"}), 422)
    assert "org" in problem["errors"]
    with ledger.datastore.transaction(commit=False) as session:
        stored = session.execute(
            select(func.count()).select_from(tables.staff).where(tables.staff.c.name == name)
        ).scalar()
    assert stored == 0


def test_openapi_documents_what_success_and_each_problem_look_like(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    state = {"application/json": {"schema": {"$ref": "#/components/schemas/CaseState"}}}
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert paths["/api/v1/cases"]["post"]["responses"]["201"]["content"] == state
    accept = paths["/api/v1/cases/{case_id}/accept"]["post"]["responses"]
    assert accept["200"]["content"] == state
    assert {status: accept[status]["content"] for status in ("400", "404", "409", "412", "422")} == dict.fromkeys(
        ("400", "404", "409", "412", "422"), problem
    )
    assert "text/csv" in paths["/api/v1/meetings/{meeting_id}/handover-list"]["get"]["responses"]["200"]["content"]
    assert paths["/api/v1/cases"]["get"]["responses"]["422"]["content"] == problem
