"""Readiness knows when nobody keeps the read models up to date: events wait and no worker beats.

Each test has a database of its own: a heartbeat another test's worker left in a shared one would count.
Time is the ledger's movable clock, so "30 s without a beat" is arranged, never waited for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from interface.cli import main
from projections.engine import heartbeats
from projections.engine.heartbeats import Heartbeat
from projections.registry import Projections
from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.territory import build_territory


@pytest.fixture
def quiet_app(own_database_url: str, clock: MovableClock) -> Iterator[Flask]:
    """The API with no projection worker at all (as on PostgreSQL, where `projections run` is the worker)."""
    ledger = GridLedger(Settings(database_url=own_database_url), clock=clock)
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
    yield app
    app.extensions["gridledger"].projections.close()
    ledger.datastore.engine.dispose()


def test_events_waiting_with_no_worker_beating_is_not_ready(
    quiet_app: Flask, own_database_url: str, clock: MovableClock
) -> None:
    ledger = quiet_app.extensions["gridledger"].ledger
    projections: Projections = quiet_app.extensions["gridledger"].projections
    api = Api(quiet_app.test_client(), build_territory(ledger))
    projections.engine.catch_up()  # the territory's staff accounts are events too (applied as a worker would)
    # 1. Nothing reported yet: no lag, no worker -- nothing to do, so ready.
    assert _readyz(api)[0] == 200

    # 2. 紫阳镇's grid worker reports a case; no worker runs: the events wait, not ready, and it says why.
    api.report("worker")
    status, body = _readyz(api)
    assert status == 503 and "no projection worker has ever beaten" in body["problem"]
    assert body["projections"]["case_list"]["lag"] > 0
    assert body["workers"] == {
        "newest_heartbeat_age_seconds": None,
        "newest_heartbeat_worker": None,
        "stale_after_seconds": 30.0,
    }
    exit_code, last_line = _status_command(own_database_url)
    assert exit_code == 1 and last_line.startswith("NOT READY: 1") and "ever beaten" in last_line

    # 3. A worker beats just now: it will get to them, so ready although they still wait.
    worker = Heartbeat(projections.db, clock, every=0)
    worker.beat()
    status, body = _readyz(api)
    assert status == 200 and body["projections"]["case_list"]["lag"] > 0
    assert body["workers"]["newest_heartbeat_age_seconds"] == 0 and body["workers"]["newest_heartbeat_worker"]

    # 4. 30 s pass: still fine. One more second without a beat: not ready again.
    clock.advance(seconds=30)
    assert _readyz(api)[0] == 200
    clock.advance(seconds=1)
    status, body = _readyz(api)
    assert status == 503 and "no projection worker has beaten for 31 s" in body["problem"]
    worker.beat()
    assert _readyz(api)[0] == 200

    # 5. Everything applied (by a one-off catch-up, not a worker) and no beat for an hour: nothing waits, ready.
    projections.engine.catch_up()
    clock.advance(hours=1)
    status, body = _readyz(api)
    assert status == 200 and all(p["lag"] == 0 for p in body["projections"].values())
    assert body["workers"]["newest_heartbeat_age_seconds"] == 3600
    exit_code, last_line = _status_command(own_database_url)
    assert exit_code == 0 and last_line.startswith("newest worker heartbeat: ") and worker.worker_id in last_line


def test_the_worker_beats_while_idle_and_records_how_far_it_got(quiet_app: Flask, clock: MovableClock) -> None:
    ledger = quiet_app.extensions["gridledger"].ledger
    api = Api(quiet_app.test_client(), build_territory(ledger))
    case = api.report("worker")
    running = Projections(ledger, poll_interval=0.05)
    try:
        running.start()
        beat = _wait_for_beat(running, lambda b: b.position >= case["position"])
        host, pid, tag = beat.worker_id.split(":")
        assert host and int(pid) > 0 and len(tag) == 32 and beat.started_at == beat.beat_at == clock.now
        # Idle now (nothing more to apply); the clock moves on and the worker still beats on its polls.
        clock.advance(minutes=5)
        later = _wait_for_beat(running, lambda b: b.beat_at == clock.now)
        assert later.worker_id == beat.worker_id and later.started_at == beat.started_at
        assert _readyz(api)[0] == 200
    finally:
        running.close()


def _readyz(api: Api) -> tuple[int, dict[str, Any]]:
    response = api.client.get("/readyz")
    return response.status_code, response.get_json()


def _status_command(database_url: str) -> tuple[int, str]:
    """`gridledger projections status`: its exit code and its last line."""
    result = CliRunner().invoke(main, ["projections", "status"], env={"GRIDLEDGER_DATABASE_URL": database_url})
    return result.exit_code, result.output.strip().splitlines()[-1]


def _wait_for_beat(running: Projections, condition: Any, timeout: float = 60.0) -> heartbeats.Beat:
    """Until the worker's newest beat meets ``condition`` (a generous deadline: only a hung worker misses it)."""
    deadline = time.monotonic() + timeout
    while True:
        with running.db.connect() as connection:
            beat = heartbeats.newest(connection)
        if beat is not None and condition(beat):
            return beat
        assert time.monotonic() < deadline, f"no such heartbeat within {timeout} s (newest: {beat})"
        time.sleep(0.02)
