"""GET/PUT/DELETE /calendar and GET/PUT /time-limits: versions, admin only, problem+json for bad input.

The PostgreSQL database is shared by the whole run and both resources are one per installation: these tests
enter days in 2030 only, clear what they set, and put the default rules back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from domain.ranking import WEIGHTS
from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.responses import assert_ok, assert_problem


@pytest.fixture
def admin_api(api: Api, app: Flask) -> Iterator[Api]:
    yield api
    ledger = app.extensions["gridledger"].ledger
    ledger.clock_rules.set_rules(api.territory.staff["admin"], {}, ranking_weights=WEIGHTS)
    calendar = ledger.clock_rules.calendar()
    for day in calendar.days_of(2030) if calendar else []:
        api.client.delete(f"/api/v1/calendar/{day['date']}", headers=api.territory.auth("admin"))


def put(api: Api, who: str, path: str, body: object, **headers: str) -> object:
    return api.client.put(f"/api/v1{path}", json=body, headers={**api.territory.auth(who), **headers})


def delete(api: Api, who: str, path: str) -> object:
    return api.client.delete(f"/api/v1{path}", headers=api.territory.auth(who))


def test_imported_year_is_listed_with_its_make_up_working_days(admin_api: Api, app: Flask) -> None:
    app.extensions["gridledger"].ledger.clock_rules.import_year(admin_api.territory.staff["admin"], 2026)
    listed = assert_ok(admin_api.get("dispatcher", "/calendar", year=2026))
    days = {day["date"]: (day["kind"], day["name"]) for day in listed["days"]}
    assert days["2026-01-04"] == ("workday", "元旦调休") and days["2026-10-01"] == ("holiday", "国庆节")
    assert listed["version"] >= 2


def test_an_admin_enters_next_years_holiday_and_clears_it(admin_api: Api) -> None:
    before = assert_ok(admin_api.get("admin", "/calendar", year=2030))["version"]

    entered = assert_ok(put(admin_api, "admin", "/calendar/2030-10-08", {"kind": "holiday", "name": "国庆节"}))
    assert entered["version"] == before + 1 and entered["position"] > 0
    assert entered["days"] == [{"date": "2030-10-08", "kind": "holiday", "name": "国庆节"}]
    assert admin_api.get("leader", "/calendar", year=2030).get_json()["days"] == entered["days"]

    cleared = assert_ok(delete(admin_api, "admin", "/calendar/2030-10-08"))
    assert (cleared["version"], cleared["days"]) == (before + 2, [])
    assert_problem(delete(admin_api, "admin", "/calendar/2030-10-08"), 404)


def test_only_an_admin_changes_the_calendar(admin_api: Api) -> None:
    for who in ("dispatcher", "leader", "chengguan"):
        assert_problem(put(admin_api, who, "/calendar/2030-05-06", {"kind": "workday", "name": "调休"}), 403)
    assert admin_api.client.get("/api/v1/calendar").status_code == 401


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/calendar/2030-13-01", {"kind": "holiday", "name": "x"}, "date"),
        ("/calendar/2030-05-06", {"kind": "vacation", "name": "x"}, "kind"),
        ("/calendar/2030-05-06", {"kind": "holiday", "name": " "}, "name"),
        ("/calendar/2030-05-06", {"kind": "holiday", "name": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_calendar_input_is_a_422_naming_the_field(admin_api: Api, path: str, body: object, field: str) -> None:
    problem = assert_problem(put(admin_api, "admin", path, body), 422)
    assert field in problem["errors"]
    assert admin_api.get("admin", "/calendar", year=2030).get_json()["days"] == []


def test_calendar_query_and_if_match(admin_api: Api) -> None:
    assert "year" in assert_problem(admin_api.get("admin", "/calendar", year="next"), 422)["errors"]
    version = admin_api.get("admin", "/calendar", year=2030).get_json()["version"]
    stale = {"If-Match": f'"{version + 5}"'}
    assert_problem(put(admin_api, "admin", "/calendar/2030-05-06", {"kind": "workday", "name": "调休"}, **stale), 412)
    fresh = put(
        admin_api, "admin", "/calendar/2030-05-06", {"kind": "workday", "name": "调休"}, **{"If-Match": f'"{version}"'}
    )
    assert assert_ok(fresh)["version"] == version + 1


def test_time_limits_are_versioned_and_a_new_version_sets_new_deadlines_only(
    admin_api: Api, clock: MovableClock
) -> None:
    before = assert_ok(admin_api.get("dispatcher", "/time-limits"))
    assert set(before["rules"]) >= {"instant", "general"} and before["history"][-1]["version"] == before["version"]
    first = admin_api.report("worker", track="instant", category="sanitation")

    rules = {
        "instant": {"accept": {"hours": 3}},
        "general": {"categories": {"dispute": {"resolve": {"working_days": 15}}}},
    }
    changed = assert_ok(put(admin_api, "admin", "/time-limits", {"rules": rules}))
    assert changed["version"] == before["version"] + 1
    assert changed["rules"]["instant"]["accept"] == {"hours": 3}
    assert changed["rules"]["general"]["categories"]["dispute"]["resolve"] == {"working_days": 15}
    assert changed["history"][-1]["actor"]["role"] == "admin"

    later = admin_api.report("worker", track="instant", category="sanitation")
    reported_at = clock.now
    assert admin_api.get("admin", f"/cases/{first['id']}").get_json()["due_at"] == first["due_at"]
    due = admin_api.get("admin", f"/cases/{later['id']}").get_json()["due_at"]
    assert datetime.fromisoformat(due) == reported_at + timedelta(hours=3)


def _weights(response: object, on_time: object, satisfaction: object) -> dict[str, object]:
    return {"response_rate": response, "on_time_rate": on_time, "satisfaction_rate": satisfaction}


def test_ranking_weights_are_a_version_of_the_rules_and_rankings_say_which(admin_api: Api) -> None:
    before = assert_ok(admin_api.get("auditor", "/time-limits"))
    assert before["ranking_weights"] == dict(WEIGHTS)
    weights = _weights(0.2, 0.3, 0.5)
    changed = assert_ok(put(admin_api, "admin", "/time-limits", {"rules": {}, "ranking_weights": weights}))
    assert changed["version"] == before["version"] + 1 and changed["ranking_weights"] == weights
    rankings = admin_api.read("auditor", "/stats/rankings", changed["position"], month="2026-10")
    assert rankings["weights"] == weights and rankings["weights_version"] == changed["version"]
    # A new version of the rules that names no weights keeps those in force
    kept = assert_ok(put(admin_api, "admin", "/time-limits", {"rules": {"instant": {"accept": {"hours": 3}}}}))
    assert kept["ranking_weights"] == weights and kept["version"] == changed["version"] + 1


def test_a_ranking_as_of_a_past_moment_is_scored_by_the_weights_in_force_then(
    admin_api: Api, clock: MovableClock
) -> None:
    # Later than any other test's versions of the one set of rules (the PostgreSQL database is shared)
    clock.now = datetime(2035, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 on 2 March in 紫阳镇
    first = assert_ok(
        put(admin_api, "admin", "/time-limits", {"rules": {}, "ranking_weights": _weights(0.2, 0.3, 0.5)})
    )
    clock.advance(days=1)
    later = assert_ok(
        put(admin_api, "admin", "/time-limits", {"rules": {}, "ranking_weights": _weights(0.6, 0.2, 0.2)})
    )
    month = {"month": "2035-03", "level": "town"}
    # The meeting of 2 March ranked by the first weights: asked as of that day, the ranking says so
    then = admin_api.read("auditor", "/stats/rankings", later["position"], **month, as_of="2035-03-02")
    assert then["weights"] == first["ranking_weights"] and then["weights_version"] == first["version"]
    now = admin_api.read("auditor", "/stats/rankings", later["position"], **month)
    assert now["weights"] == later["ranking_weights"] and now["weights_version"] == later["version"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rules": {"general": {"claim": {"minutes": 30}}}}, "rules.general.claim"),
        ({"rules": {"general": {"claim": {"hours": -1}}}}, "rules.general.claim.hours"),
        ({"rules": {"express": {}}}, "rules.express"),
        ({"rules": "fast"}, "rules"),
        ({}, "rules"),
        ({"rules": {}, "ranking_weights": _weights(-0.1, 0.55, 0.55)}, "ranking_weights.response_rate"),
        ({"rules": {}, "ranking_weights": _weights(0.2, 0.45, 0.45)}, "ranking_weights"),
        ({"rules": {}, "ranking_weights": {"response_rate": 1.0}}, "ranking_weights"),
        ({"rules": {}, "ranking_weights": {**_weights(0.1, 0.45, 0.45), "speed": 0.0}}, "ranking_weights"),
        ({"rules": {}, "ranking_weights": _weights(0.1, 0.45, "lots")}, "ranking_weights"),
    ],
)
def test_bad_rules_are_a_422_and_change_nothing(admin_api: Api, body: object, field: str) -> None:
    version = admin_api.get("admin", "/time-limits").get_json()["version"]
    problem = assert_problem(put(admin_api, "admin", "/time-limits", body), 422)
    assert field in problem["errors"]
    assert admin_api.get("admin", "/time-limits").get_json()["version"] == version


def test_only_an_admin_puts_time_limits(admin_api: Api) -> None:
    for who in ("dispatcher", "auditor", "leader"):
        assert_problem(put(admin_api, who, "/time-limits", {"rules": {}}), 403)
