"""Fixtures shared by every test: real SQLite and real PostgreSQL, never mocks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from tests.support.clock import MovableClock
from tests.support.postgres import create_database, drop_database, postgres_server_url
from tests.support.territory import Territory, build_territory
from tests.support.waiting import READ_MODEL_WAIT

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """One fresh PostgreSQL database for the whole run, dropped afterwards."""
    server = postgres_server_url()  # raises, never skips, when no server can be had
    name = f"gridledger_test_{uuid.uuid4().hex[:10]}"
    url = create_database(server, name)
    yield url
    drop_database(server, name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/gridledger.db"
    return request.getfixturevalue("postgres_database_url")


@pytest.fixture(params=BACKENDS)
def own_database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    """A store of the test's events only, for tests that put in what would upset every later test of a shared
    one (a corrupt event, events under a cipher key)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/own.db"
        return
    server, name = postgres_server_url(), f"gridledger_test_{uuid.uuid4().hex[:10]}"
    yield create_database(server, name)
    drop_database(server, name)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def ledger(database_url: str, clock: MovableClock, tmp_path: os.PathLike[str]) -> Iterator[GridLedger]:
    # min_position reads wait for the read model as long as a busy machine needs (the default 3 s would 503);
    # attachments are kept in the test's own directory, whichever the database
    settings = Settings(database_url=database_url, min_position_wait=READ_MODEL_WAIT, blob_dir=f"{tmp_path}/blobs")
    ledger = GridLedger(settings, clock=clock)
    yield ledger
    ledger.datastore.engine.dispose()


@pytest.fixture
def cases(ledger: GridLedger) -> CaseCommands:
    return CaseCommands(ledger)


@pytest.fixture
def territory(ledger: GridLedger) -> Territory:
    """婺源县 → 紫阳镇 → 茶苑社区 with grids, departments and one staff member per role."""
    return build_territory(ledger)


@pytest.fixture
def app(ledger: GridLedger) -> Iterator[Flask]:
    """The API with its projections running in a background thread, as on the embedded default."""
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": True}, ledger=ledger)
    yield app
    app.extensions["gridledger"].projections.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With GRIDLEDGER_REQUIRE_POSTGRES set (CI), a run in which no PostgreSQL test passed fails."""
    if os.environ.get("GRIDLEDGER_REQUIRE_POSTGRES") and exitstatus == 0:
        passed = getattr(session.config, "_gridledger_postgres_passed", 0)
        if passed == 0:
            print("\nFAILED: GRIDLEDGER_REQUIRE_POSTGRES is set but no PostgreSQL test passed")
            session.exitstatus = 1


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config._gridledger_postgres_passed = 0  # type: ignore[attr-defined]

    class PostgresCounter:
        @staticmethod
        def pytest_runtest_logreport(report: pytest.TestReport) -> None:
            if report.when == "call" and report.passed and "postgresql" in report.nodeid:
                config._gridledger_postgres_passed += 1  # type: ignore[attr-defined]

    config.pluginmanager.register(PostgresCounter(), "gridledger-postgres-counter")
