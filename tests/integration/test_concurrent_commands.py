"""Two people act on one case at the same moment: exactly one wins, the other is told (409/412)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from application.ledger import GridLedger
from application.settings import Settings
from domain.actor import Role
from interface.app import create_app
from tests.support.territory import Territory, build_territory

ROUNDS = 30


@pytest.fixture
def two_servers(postgres_database_url: str) -> Iterator[tuple[FlaskClient, FlaskClient, Territory]]:
    """Two independent API instances (own engine, own aggregate cache), like two gunicorn workers."""
    ledgers = [GridLedger(Settings(database_url=postgres_database_url)) for _ in range(2)]
    territory = build_territory(ledgers[0].directory)
    for key, department in (("chengguan_b", "chengguan"),):
        member, token = ledgers[0].directory.add_staff(name="城管二号", role=Role.DEPARTMENT,
                                                      department=territory.department(department))
        territory.staff[key], territory.tokens[key] = member, token
    member, token = ledgers[0].directory.add_staff(name="调度二号", role=Role.DISPATCHER,
                                                  grid=territory.grid("ziyang"))
    territory.staff["dispatcher_b"], territory.tokens["dispatcher_b"] = member, token
    apps = [create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
            for ledger in ledgers]
    yield apps[0].test_client(), apps[1].test_client(), territory
    for app, ledger in zip(apps, ledgers):
        app.extensions["gridledger"].projections.close()
        ledger.datastore.engine.dispose()


def _race(first, second) -> tuple[int, int]:
    """Run both requests released by one barrier; return their status codes."""
    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def run(index: int, request) -> None:
        barrier.wait()
        statuses[index] = request().status_code

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses[0], statuses[1]


def _new_case(client: FlaskClient, t: Territory, *, dispatched: bool) -> str:
    body = {"title": "商铺占道经营", "description": "步行街", "category": "parking", "channel": "snapshot",
            "track": "general", "grid": t.grid("chayuan-01")}
    case_id = client.post("/api/v1/cases", json=body, headers=t.auth("worker")).get_json()["id"]
    if dispatched:
        client.post(f"/api/v1/cases/{case_id}/accept", json={}, headers=t.auth("dispatcher"))
        client.post(f"/api/v1/cases/{case_id}/dispatch", json={"lead_department": t.department("chengguan")},
                    headers=t.auth("dispatcher"))
    return case_id


def _history_types(client: FlaskClient, t: Territory, case_id: str) -> list[str]:
    response = client.get(f"/api/v1/cases/{case_id}/history", headers=t.auth("auditor"))
    return [event["type"] for event in response.get_json()["events"]]


def test_claim_versus_return_by_two_clerks_of_the_lead_department(two_servers) -> None:
    a, b, t = two_servers
    for _ in range(ROUNDS):
        case_id = _new_case(a, t, dispatched=True)
        a.get(f"/api/v1/cases/{case_id}", headers=t.auth("chengguan"))  # warm both caches at version 3
        b.get(f"/api/v1/cases/{case_id}", headers=t.auth("chengguan_b"))
        statuses = _race(
            lambda: a.post(f"/api/v1/cases/{case_id}/claim", json={}, headers=t.auth("chengguan")),
            lambda: b.post(f"/api/v1/cases/{case_id}/return", json={"reason": "非本部门"},
                           headers=t.auth("chengguan_b")))
        assert sorted(statuses) == [200, 409], statuses
        history = _history_types(a, t, case_id)
        assert len(history) == 4 and history[-1] in ("Claimed", "Returned")


def test_accept_versus_reject_by_two_dispatchers_with_if_match(two_servers) -> None:
    a, b, t = two_servers
    for _ in range(ROUNDS):
        case_id = _new_case(a, t, dispatched=False)
        statuses = _race(
            lambda: a.post(f"/api/v1/cases/{case_id}/accept", json={},
                           headers={**t.auth("dispatcher"), "If-Match": '"1"'}),
            lambda: b.post(f"/api/v1/cases/{case_id}/reject", json={"reason": "重复"},
                           headers={**t.auth("dispatcher_b"), "If-Match": '"1"'}))
        assert sorted(statuses) in ([200, 409], [200, 412]), statuses
        history = _history_types(b, t, case_id)
        assert history[:1] == ["Reported"] and len(history) == 2


def test_same_department_claims_twice_at_once(two_servers) -> None:
    a, b, t = two_servers
    for _ in range(ROUNDS):
        case_id = _new_case(a, t, dispatched=True)
        statuses = _race(
            lambda: a.post(f"/api/v1/cases/{case_id}/claim", json={}, headers=t.auth("chengguan")),
            lambda: b.post(f"/api/v1/cases/{case_id}/claim", json={}, headers=t.auth("chengguan_b")))
        assert sorted(statuses) == [200, 409], statuses
        assert _history_types(a, t, case_id).count("Claimed") == 1
