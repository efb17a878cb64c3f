"""Two API processes racing on one aggregate: independent instances and a barrier that releases two requests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask.testing import FlaskClient

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from tests.support.territory import Territory, build_territory


@contextmanager
def two_servers(
    database_url: str, extra_staff: dict[str, Callable[[Territory], dict[str, Any]]]
) -> Iterator[tuple[FlaskClient, FlaskClient, Territory]]:
    """Two independent API instances (own engine, own aggregate cache), like two gunicorn workers.

    ``extra_staff``: key → the ``Directory.add_staff`` arguments (given the territory), added to its staff
    and tokens.
    """
    ledgers = [GridLedger(Settings(database_url=database_url)) for _ in range(2)]
    territory = build_territory(ledgers[0])
    for key, account in extra_staff.items():
        member, token = ledgers[0].staff_accounts.add(**account(territory))
        territory.staff[key], territory.tokens[key] = member, token
    apps = [
        create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger) for ledger in ledgers
    ]
    try:
        yield apps[0].test_client(), apps[1].test_client(), territory
    finally:
        for app, ledger in zip(apps, ledgers, strict=True):
            app.extensions["gridledger"].projections.close()
            ledger.datastore.engine.dispose()


def history_types(client: FlaskClient, territory: Territory, path: str) -> list[str]:
    """The event types of the aggregate at ``path`` (/cases/<id>, /households/<id>), oldest first."""
    response = client.get(f"/api/v1{path}/history", headers=territory.auth("auditor"))
    return [event["type"] for event in response.get_json()["events"]]


def race(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[int, int]:
    """Run both requests released by one barrier; return their status codes."""
    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def run(index: int, request: Callable[[], Any]) -> None:
        barrier.wait()
        statuses[index] = request().status_code

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses[0], statuses[1]
