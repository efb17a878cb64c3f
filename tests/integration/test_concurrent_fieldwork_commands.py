"""Two people act on one household or patrol at the same moment (two API processes): one wins, the other hears 409."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from domain.actor import Role
from tests.support import races
from tests.support.races import history_types, race
from tests.support.territory import Territory

ROUNDS = 20


@pytest.fixture
def two_servers(postgres_database_url: str) -> Iterator[tuple[FlaskClient, FlaskClient, Territory]]:
    """Two API instances; a second (part-time) grid worker of 茶苑社区第一网格."""
    with races.two_servers(
        postgres_database_url,
        {
            "worker_b": lambda t: {
                "name": "第一网格兼职网格员",
                "role": Role.GRID_WORKER,
                "grid": t.grid("chayuan-01"),
            },
        },
    ) as servers:
        yield servers


def _race(first, second) -> list[int]:
    return sorted(race(first, second))


def _rental_with_a_tenant(client: FlaskClient, t: Territory) -> tuple[str, str]:
    home = client.post(
        "/api/v1/households",
        headers=t.auth("worker"),
        json={
            "address": "紫阳镇文公北路12号",
            "grid": t.grid("chayuan-01"),
            "kind": "rental",
            "head": {"name": "房东"},
        },
    )
    home_id = home.get_json()["id"]
    tenant = client.post(
        f"/api/v1/households/{home_id}/members",
        headers=t.auth("worker"),
        json={"name": "租客", "relation": "tenant", "floating": True},
    ).get_json()
    return home_id, next(m["member_id"] for m in tenant["members"] if m["name"] == "租客")


def test_two_move_outs_of_the_same_tenant_at_once(two_servers) -> None:
    a, b, t = two_servers
    for _ in range(ROUNDS):
        home_id, tenant_id = _rental_with_a_tenant(a, t)
        path = f"/api/v1/households/{home_id}/members/{tenant_id}/move-out"
        b.get(f"/api/v1/households/{home_id}", headers=t.auth("worker_b"))  # warm the other cache at version 2
        statuses = _race(
            lambda: a.post(path, json={"reason": "退租"}, headers=t.auth("worker")),
            lambda: b.post(path, json={"reason": "合同到期"}, headers=t.auth("worker_b")),
        )
        assert statuses == [200, 409], statuses
        assert history_types(a, t, f"/households/{home_id}").count("MemberMovedOut") == 1


def test_the_same_care_tag_added_twice_at_once(two_servers) -> None:
    a, b, t = two_servers
    for _ in range(ROUNDS):
        home_id, _ = _rental_with_a_tenant(a, t)
        path = f"/api/v1/households/{home_id}/tags"
        statuses = _race(
            lambda: a.post(path, json={"tag": "needy"}, headers=t.auth("worker")),
            lambda: b.post(path, json={"tag": "needy"}, headers=t.auth("worker_b")),
        )
        assert statuses == [200, 409], statuses
        assert history_types(b, t, f"/households/{home_id}").count("TagAdded") == 1


def test_a_patrol_ended_by_two_members_at_once(two_servers) -> None:
    a, b, t = two_servers
    for _ in range(ROUNDS):
        patrol = a.post(
            "/api/v1/patrols",
            headers=t.auth("worker"),
            json={
                "grid": t.grid("chayuan-01"),
                "kind": "night",
                "members": [t.staff["worker"].id, t.staff["worker_b"].id],
            },
        )
        path = f"/api/v1/patrols/{patrol.get_json()['id']}"
        statuses = _race(
            lambda: a.post(f"{path}/end", json={"summary": "夜巡结束"}, headers=t.auth("worker")),
            lambda: b.post(f"{path}/end", json={"summary": "收队"}, headers=t.auth("worker_b")),
        )
        assert statuses == [200, 409], statuses
        history = a.get(f"{path}/history", headers=t.auth("auditor")).get_json()["events"]
        assert [event["type"] for event in history] == ["Started", "Ended"]
