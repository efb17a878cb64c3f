"""Stores written by earlier code keep loading: the upgrade path for events (issue 11).

tests/fixtures/store-1e8a587/ holds what gridledger at 1e8a587 wrote (the demo plus every event type of every
aggregate; again under a cipher key in encrypted/) and what clients saw of it then. Here today's code opens a
copy the way a user's deployment would — on SQLite the file itself; on PostgreSQL a database laid out by
1e8a587's DDL into which the file's rows are copied unchanged (positions, ids, versions, topics, state bytes,
snapshots, reference tables, read models) — and must show the same: every aggregate at every version, every
history, the audit log, every read model as kept and as rebuilt from the events — and take new commands.
Only what was recorded is compared, so added fields and columns pass; a field that vanishes or changes fails.

When this fails, fix the code (``class_version`` and ``upcast_vN_vN+1`` on the changed event, a migration),
never the fixture: see tests/fixtures/README.md.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg2
import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from application.earlier_accounts import register_earlier_accounts
from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from projections.registry import Projections, rebuild
from projections.storage import tables
from tests.support.recorded_store import (
    FixedClock,
    differences,
    read_model_rows,
    render_audit,
    render_store,
    rows_differences,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store-1e8a587"
STORES = {"plain": FIXTURE, "encrypted": FIXTURE / "encrypted"}
SHOWN = 40  # differences listed in a failure (the rest are counted)


@dataclass
class OpenedStore:
    recorded: Path
    meta: dict[str, Any]
    settings: Settings
    ledger: GridLedger
    projections: Projections
    app: Flask

    def expected(self, name: str) -> Any:
        return json.loads((self.recorded / name).read_text(encoding="utf-8"))


@pytest.fixture(params=list(STORES))
def opened(request: pytest.FixtureRequest, own_database_url: str) -> Iterator[OpenedStore]:
    """The fixture store, copied into the test's own database and opened as a deployment would open it."""
    recorded = STORES[request.param]
    meta = json.loads((recorded / "meta.json").read_text(encoding="utf-8"))
    if own_database_url.startswith("sqlite"):
        shutil.copyfile(recorded / "gridledger.db", make_url(own_database_url).database)
    else:
        copy_into_postgresql(recorded / "gridledger.db", FIXTURE / "schema-postgresql.sql", own_database_url)
    environment = {"GRIDLEDGER_DATABASE_URL": own_database_url, "GRIDLEDGER_CIPHER_KEY": meta["cipher_key"] or ""}
    upgrade_as_serve_does(environment)
    settings = Settings.from_env(environment)
    ledger = GridLedger(settings, clock=FixedClock(datetime.fromisoformat(meta["now"])))
    projections = Projections(ledger)
    app = create_app(
        {"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger, projections=projections
    )
    yield OpenedStore(recorded, meta, settings, ledger, projections, app)
    projections.close()
    ledger.datastore.engine.dispose()


def test_every_aggregate_loads_at_every_version_and_its_history_renders_as_recorded(opened: OpenedStore) -> None:
    recorded = opened.expected("aggregates.json")
    ids = {kind: list(aggregates) for kind, aggregates in recorded.items()}

    current = render_store(opened.app, opened.ledger, opened.meta["admin_token"], ids)

    assert_none(differences(recorded, current), "what clients see of the stored aggregates changed")


def test_the_audit_log_shows_every_stored_event_as_recorded(opened: OpenedStore) -> None:
    recorded = opened.expected("audit.json")

    current = render_audit(opened.app, opened.meta["admin_token"])

    assert_none(differences(recorded, current), "the audit log's pages changed")


def test_read_models_kept_and_rebuilt_from_the_stored_events_hold_the_recorded_rows(opened: OpenedStore) -> None:
    recorded = opened.expected("read_models.json")

    opened.projections.engine.catch_up()
    assert_none(rows_differences(recorded, read_model_rows(opened.projections)), "the read models as kept")

    rebuild(partial(GridLedger, opened.settings), jobs=1)  # `gridledger projections rebuild`
    assert_none(rows_differences(recorded, read_model_rows(opened.projections)), "the read models rebuilt")


def test_a_stored_case_takes_new_commands_after_its_old_events(opened: OpenedStore) -> None:
    """Writing goes on where the old store stopped: the next version, the next position (on PostgreSQL the
    copied rows moved the id sequence on)."""
    cases = opened.expected("aggregates.json")["cases"]
    case_id, recorded = next((case_id, case) for case_id, case in cases.items() if case["now"]["status"] == "reported")
    head = max(case["now"]["position"] for case in cases.values())
    client, token = opened.app.test_client(), opened.meta["admin_token"]

    response = client.post(
        f"/api/v1/cases/{case_id}/accept",
        json={"note": "升级后受理"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "after-upgrade"},
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == recorded["now"]["version"] + 1
    assert response.get_json()["position"] > head


def test_the_recorded_staff_accounts_become_aggregates_once_with_their_role_history(opened: OpenedStore) -> None:
    """Accounts made before accounts were events are registered in the store when it is opened: each one's
    events say what its role history says, nothing is registered twice, and every token keeps working."""
    ledger = opened.ledger
    with ledger.datastore.transaction(commit=False) as session:
        accounts = session.execute(select(tables.staff)).all()
    assert accounts and all(account.in_store for account in accounts)

    for account in accounts:
        aggregate = ledger.load_staff_account(account.id)
        history = ledger.directory.role_history(account.id)
        assert (aggregate.name, aggregate.role.value) == (account.name, account.role)
        assert [role["role"] for role in aggregate.roles] == [role["role"] for role in history]
        assert aggregate.registered_by["id"] == "upgrade"
    assert register_earlier_accounts(ledger) == 0

    me = opened.app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {opened.meta['admin_token']}"})
    assert me.status_code == 200


def test_the_fixture_holds_every_event_type_it_claims() -> None:
    """A guard on the fixture itself: the generator checked every @event of every aggregate was stored."""
    with closing(sqlite3.connect(FIXTURE / "gridledger.db")) as connection:
        topics = dict(connection.execute("SELECT topic, count(*) FROM gridledger_events GROUP BY topic"))
    meta = json.loads((FIXTURE / "meta.json").read_text(encoding="utf-8"))
    assert topics == meta["event_types"]
    assert {topic.split(":")[1].split(".")[0] for topic in topics} == {"Case", "Meeting", "Household", "Patrol"}


# -- opening a store as a deployment would ---------------------------------------------------------------
def upgrade_as_serve_does(environment: dict[str, str]) -> None:
    """``gridledger db upgrade`` before anything opens the store, as ``serve`` and ``projections run`` do: the
    1e8a587 tables are adopted, later revisions applied, and a read model whose tables changed is replayed
    with its progress shown. A second upgrade has nothing to do."""
    from interface.cli import main

    result = CliRunner().invoke(main, ["db", "upgrade"], env=environment, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "applied revision 0001_baseline" in result.output, result.output
    assert "applied revision 0002_case_list_co_departments" in result.output, result.output
    assert "applied revision 0003_worker_heartbeats" in result.output, result.output
    assert "applied revision 0005_grid_paths_collate_c" in result.output, result.output
    assert "read model case_list changed shape" in result.output, result.output
    assert "rebuilt case_list" in result.output, result.output
    assert "read model meetings changed shape" in result.output, result.output
    assert "rebuilt meetings" in result.output, result.output
    again = CliRunner().invoke(main, ["db", "upgrade"], env=environment, catch_exceptions=False)
    assert again.exit_code == 0 and "nothing to do" in again.output, again.output


def copy_into_postgresql(sqlite_file: Path, schema: Path, url: str) -> None:
    """A PostgreSQL deployment of 1e8a587: its DDL (pg_dump of the tables that code created), then every row
    of the SQLite store as it is — the same event ids (positions), originator ids, versions, topics and state
    bytes, the snapshots, the reference and bookkeeping tables, the read models and their positions."""
    engine = create_engine(url, poolclass=NullPool)
    target = engine.raw_connection()
    try:
        cursor = target.cursor()
        cursor.execute(schema.read_text(encoding="utf-8"))
        # Times in the SQLite file are UTC without a zone. The rows were consistent where they come from:
        # foreign keys are not re-checked row by row (tables go in by name, grids refer to grids).
        cursor.execute("SET search_path TO public; SET TIME ZONE 'UTC'; SET session_replication_role = replica")
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'"
        )
        types = {(table, column): data_type for table, column, data_type in cursor.fetchall()}
        with closing(sqlite3.connect(sqlite_file)) as source:
            tables = [
                name
                for (name,) in source.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            for table in tables:
                rows = source.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
                columns = [description[0] for description in rows.description]
                converters = [_converter(types[(table, column)]) for column in columns]
                names = ", ".join(f'"{column}"' for column in columns)
                statement = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["%s"] * len(columns))})'
                cursor.executemany(
                    statement,
                    [tuple(convert(value) for convert, value in zip(converters, row, strict=True)) for row in rows],
                )
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'"
        )
        for table, column in cursor.fetchall():  # new events go on after the copied ones
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max("{column}"), 1), '
                f'max("{column}") IS NOT NULL) FROM "{table}"',
                (table, column),
            )
        target.commit()
    finally:
        target.close()
        engine.dispose()


def _converter(data_type: str) -> Any:
    """SQLite's stored value as PostgreSQL's column takes it (dates and times go in as their text)."""
    if data_type == "uuid":  # SQLite holds the 16 bytes
        return lambda value: value if value is None or isinstance(value, str) else str(UUID(bytes=bytes(value)))
    if data_type == "boolean":
        return lambda value: None if value is None else bool(value)
    if data_type == "bytea":
        return lambda value: None if value is None else psycopg2.Binary(bytes(value))
    return lambda value: value


def assert_none(found: Iterator[str], what: str) -> None:
    problems = list(found)
    shown = "\n  ".join(problems[:SHOWN])
    more = f"\n  … and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    assert not problems, f"{what}: {len(problems)} differences from the fixture\n  {shown}{more}"
