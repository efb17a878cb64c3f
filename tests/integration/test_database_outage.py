"""A database that goes away: 503 with Retry-After while it is gone, and no failure once it is back.

PostgreSQL: a throwaway cluster of the test's own (never the shared server), stopped with
``pg_ctl stop -m immediate`` and started again on the same port. SQLite has no server to lose: its outage
is the file's write lock held by another process for longer than a writer waits for it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, table
from werkzeug.test import TestResponse

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from tests.conftest import BACKENDS
from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.postgres import ThrowawayCluster, create_database
from tests.support.territory import build_territory


class PostgresOutage:
    """The whole server goes down: every pooled connection dies with it."""

    writes_only = False

    def __init__(self) -> None:
        self.cluster = ThrowawayCluster()
        self.database_url = create_database(self.cluster.start(), "gridledger_outage")

    def begin(self) -> None:
        self.cluster.stop("immediate")

    def end(self) -> None:
        self.cluster.start()

    def restart_unnoticed(self) -> None:
        """Down and up again between two requests: every connection in the pools is dead, none knows it."""
        self.cluster.stop("immediate")
        self.cluster.start()

    def close(self) -> None:
        self.cluster.remove()


class SqliteLockedOut:
    """Another process holds the file's write lock for longer than a writer waits (readers go on: WAL)."""

    writes_only = True

    def __init__(self, directory: str) -> None:
        self.database_url = f"sqlite:///{directory}/outage.db"
        self.holder: sqlite3.Connection | None = None

    def begin(self) -> None:
        self.holder = sqlite3.connect(self.database_url.removeprefix("sqlite:///"), isolation_level=None)
        self.holder.execute("BEGIN EXCLUSIVE")

    def end(self) -> None:
        assert self.holder is not None
        self.holder.execute("ROLLBACK")
        self.holder.close()

    def restart_unnoticed(self) -> None:
        """Nothing to do: a file has no server whose restart could leave dead connections in a pool."""

    def close(self) -> None:
        pass


@pytest.fixture(params=BACKENDS)
def outage(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[Any]:
    made = SqliteLockedOut(str(tmp_path)) if request.param == "sqlite" else PostgresOutage()
    yield made
    made.close()


@pytest.fixture
def outage_app(outage: Any) -> Iterator[Flask]:
    # Reads with min_position wait long: after an outage the worker resumes at the end of its back-off (up to
    # 5 s), however long the outage took on a busy machine.
    settings = Settings(database_url=outage.database_url, min_position_wait=60)
    ledger = GridLedger(settings, clock=MovableClock())
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": True}, ledger=ledger)
    yield app
    app.extensions["gridledger"].projections.close()
    ledger.datastore.engine.dispose()


def test_commands_and_reads_answer_503_while_the_database_is_gone_and_succeed_as_soon_as_it_is_back(
    outage: Any, outage_app: Flask
) -> None:
    ledger = outage_app.extensions["gridledger"].ledger
    api = Api(outage_app.test_client(), build_territory(ledger))
    # 1. 紫阳镇 works normally: cases reported, read back, listed; every pool holds open connections.
    before = [api.report("worker") for _ in range(3)]
    api.command("dispatcher", before[0]["id"], "accept")
    _read_everything(api, before[0])
    events_before = _events_stored(outage.database_url)

    # 2. The database goes away.
    outage.begin()
    try:
        refused = [
            api.post("intake", "/cases", api.case_body(title="停电期间上报"), idempotency_key="outage-1"),
            api.post("dispatcher", f"/cases/{before[1]['id']}/accept"),
        ]
        if not outage.writes_only:
            refused += [
                api.get("worker", f"/cases/{before[0]['id']}"),
                api.get("admin", "/cases"),
                api.get("admin", "/cases", format="csv"),  # the 台账: a problem, not a truncated file
                api.get("admin", "/cases", format="xlsx"),
                api.get("admin", "/projections"),
                api.client.get("/readyz"),
            ]
        for response in refused:
            _assert_unavailable(response)
    finally:
        outage.end()

    # 3. It is back: the very next requests succeed (no dead pooled connection is used), readiness holds.
    retried = api.post("intake", "/cases", api.case_body(title="停电期间上报"), idempotency_key="outage-1")
    assert retried.status_code == 201, retried.get_json()
    assert api.command("dispatcher", before[1]["id"], "accept")["version"] == 2
    _read_everything(api, retried.get_json())
    for _ in range(5):
        assert api.client.get("/readyz").status_code == 200
    # Nothing half-written: the refused commands left no event; their retries wrote one each, once.
    assert _events_stored(outage.database_url) == events_before + 2
    again = api.post("intake", "/cases", api.case_body(title="停电期间上报"), idempotency_key="outage-1")
    assert again.get_json()["id"] == retried.get_json()["id"]

    # 4. A restart between two requests, which no request saw: the pools hold only dead connections, and
    #    still the very next command, read and readiness check succeed.
    outage.restart_unnoticed()
    assert api.client.get("/readyz").status_code == 200
    after = api.report("worker")
    _read_everything(api, after)


def _read_everything(api: Api, case: dict[str, Any]) -> None:
    assert api.get("worker", f"/cases/{case['id']}").status_code == 200
    listed = api.get("admin", "/cases", min_position=case["position"])
    assert listed.status_code == 200 and case["id"] in {item["id"] for item in listed.get_json()["items"]}
    assert api.get("admin", "/projections").status_code == 200
    assert api.client.get("/readyz").status_code == 200


def _assert_unavailable(response: TestResponse) -> None:
    assert response.status_code == 503, (response.request.path, response.get_data(as_text=True))
    if response.request.path != "/readyz":  # readiness answers its own JSON, not a problem
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"].endswith("/database-unavailable")
        assert int(response.headers["Retry-After"]) > 0


def _events_stored(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table("gridledger_events"))).scalar_one()
    finally:
        engine.dispose()
