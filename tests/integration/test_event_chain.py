"""The hash chain on real databases: written with every event by any number of writers at once, added to a
store written before it by the upgrade, and ``gridledger verify`` naming each kind of tampering done to the
events table directly — on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from application.case_commands import CaseCommands
from application.errors import ConcurrentUpdate
from application.event_chain import Link
from application.event_recorder import PREPARED
from application.ledger import GridLedger
from application.settings import Settings
from interface.cli import main
from tests.integration.test_stored_events_keep_loading import FIXTURE, copy_into_postgresql
from tests.support.territory import Territory, build_territory

PROCESSES, THREADS, CASES_EACH = 3, 3, 4


def report(cases: CaseCommands, territory: Territory, n: int) -> str:
    body = {
        "title": f"路灯不亮 #{n}",
        "description": "文公北路12号",
        "category": "municipal",
        "channel": "grid_app",
        "track": "general",
        "grid": territory.grid("chayuan-01"),
    }
    return cases.report(territory.staff["worker"], body).id


@dataclass
class Store:
    url: str
    engine: Engine  # to tamper with the tables directly
    ledger: GridLedger
    territory: Territory


@pytest.fixture
def store(own_database_url: str) -> Iterator[Store]:
    """A store of the territory's staff accounts (one event each) and 8 cases, reported and accepted (16 events)."""
    ledger = GridLedger(Settings(database_url=own_database_url))
    territory, cases = build_territory(ledger), CaseCommands(ledger)
    for n in range(8):
        cases.accept(territory.staff["dispatcher"], report(cases, territory, n))
    engine = create_engine(own_database_url, poolclass=NullPool)
    yield Store(own_database_url, engine, ledger, territory)
    engine.dispose()
    ledger.datastore.engine.dispose()


def verify(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["verify", *args], env={"GRIDLEDGER_DATABASE_URL": url}, catch_exceptions=False)


def sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def test_an_untouched_store_verifies_and_prints_count_head_and_time(store: Store) -> None:
    head = store.ledger.chain_head()

    result = verify(store.url)

    assert result.exit_code == 0, result.output
    events = len(store.territory.staff) + 16
    assert result.output.startswith(f"checked {events} events in ") and " s (" in result.output
    assert f"head: {head}\n" in result.output and head.position == events
    not_ours = verify(store.url, "--anchor", str(Link(8, bytes(32))))
    assert not_ours.exit_code == 1 and "TAMPERED: position 8 was rewritten" in not_ours.output, not_ours.output
    malformed = verify(store.url, "--anchor", "8:abc")
    assert malformed.exit_code == 2 and "POSITION:HASH" in malformed.output


def test_an_edited_event_is_named(store: Store) -> None:
    with store.engine.begin() as connection:
        state = bytes(connection.execute(text("SELECT state FROM gridledger_events WHERE id = 7")).scalar_one())
        connection.execute(text("UPDATE gridledger_events SET state = :s WHERE id = 7"), {"s": state[:-1] + b"\x00"})
    result = verify(store.url)
    assert result.exit_code == 1
    assert "checked 6 events" in result.output and "TAMPERED: position 7 was edited:" in result.output, result.output


def test_a_deleted_event_is_named(store: Store) -> None:
    sql(store.engine, "DELETE FROM gridledger_events WHERE id = 9")
    result = verify(store.url)
    assert result.exit_code == 1 and "TAMPERED: position 9 was deleted:" in result.output, result.output


def test_an_event_deleted_with_its_link_is_named(store: Store) -> None:
    sql(store.engine, "DELETE FROM gridledger_events WHERE id = 9")
    sql(store.engine, "DELETE FROM gridledger_event_chain WHERE position = 9")
    result = verify(store.url)
    assert result.exit_code == 1 and "TAMPERED: position 9 was deleted:" in result.output, result.output


def test_an_inserted_event_is_named(store: Store) -> None:
    sql(
        store.engine,
        "INSERT INTO gridledger_events (originator_id, originator_version, topic, state) "
        "SELECT originator_id, originator_version + 100, topic, state FROM gridledger_events WHERE id = 3",
    )
    result = verify(store.url)
    after_the_last = len(store.territory.staff) + 16 + 1
    assert result.exit_code == 1 and f"TAMPERED: position {after_the_last} was inserted:" in result.output, (
        result.output
    )


def test_reordered_events_are_named(store: Store) -> None:
    sql(store.engine, "UPDATE gridledger_events SET id = -id WHERE id IN (5, 12)")
    sql(store.engine, "UPDATE gridledger_events SET id = CASE WHEN id = -5 THEN 12 ELSE 5 END WHERE id IN (-5, -12)")
    result = verify(store.url)
    assert result.exit_code == 1 and "TAMPERED: position 5 was reordered:" in result.output, result.output
    assert "chained at position 12" in result.output


def test_verify_from_an_anchor_checks_what_follows_it(store: Store) -> None:
    anchor, cases, staff = store.ledger.chain_head(), CaseCommands(store.ledger), store.territory.staff
    cases.accept(staff["dispatcher"], report(cases, store.territory, 99))
    sql(store.engine, "DELETE FROM gridledger_events WHERE id = 2")  # before the anchor: not looked at

    result = verify(store.url, "--anchor", str(anchor))

    assert result.exit_code == 0, result.output
    assert f"checked 3 events from the anchor at position {anchor.position}" in result.output
    assert f"the store matches the anchor {anchor}" in result.output
    assert verify(store.url).exit_code == 1


# -- many writers at once ---------------------------------------------------------------------------
def write_cases(url: str, barrier: multiprocessing.synchronize.Barrier, shared_case: str, tokens: dict) -> None:
    """In a forked child: THREADS threads, each reporting and accepting cases and noting on one shared case
    (where writers collide: a collision rolls back, and on PostgreSQL leaves a gap in the positions)."""
    try:
        ledger = GridLedger(Settings(database_url=url))
        cases = CaseCommands(ledger)
        worker, dispatcher, clerk = (
            ledger.directory.staff_by_token(tokens[key]) for key in ("worker", "dispatcher", "chengguan")
        )
        failures: list[BaseException] = []

        def run(thread_no: int) -> None:
            try:
                for n in range(CASES_EACH):
                    body = {
                        "title": f"路灯不亮 {os.getpid()}-{thread_no}-{n}",
                        "description": "文公北路12号",
                        "category": "municipal",
                        "channel": "grid_app",
                        "track": "general",
                        "grid": tokens["grid"],
                    }
                    cases.accept(dispatcher, cases.report(worker, body).id)
                    try:
                        cases.note(clerk, shared_case, text=f"进展 {os.getpid()}-{thread_no}-{n}")
                    except ConcurrentUpdate:
                        pass
            except BaseException as error:  # noqa: BLE001 - reported through the exit code
                failures.append(error)
                traceback.print_exc()

        barrier.wait(timeout=60)
        threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ledger.datastore.engine.dispose()
        os._exit(1 if failures else 0)
    except BaseException:
        traceback.print_exc()
        os._exit(2)


def test_many_writer_processes_and_threads_at_once_make_one_consistent_chain(own_database_url: str) -> None:
    ledger = GridLedger(Settings(database_url=own_database_url))
    territory, cases = build_territory(ledger), CaseCommands(ledger)
    shared = report(cases, territory, 0)
    cases.accept(territory.staff["dispatcher"], shared)
    cases.dispatch(
        territory.staff["dispatcher"], shared, lead_department=territory.department("chengguan"), co_departments=[]
    )
    cases.claim(territory.staff["chengguan"], shared)
    tokens = {**territory.tokens, "grid": territory.grid("chayuan-01")}
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    writers = [
        context.Process(target=write_cases, args=(own_database_url, barrier, shared, tokens)) for _ in range(PROCESSES)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(300)
    assert [writer.exitcode for writer in writers] == [0] * PROCESSES

    verdict = ledger.verify_chain()
    with ledger.datastore.engine.connect() as connection:
        events = connection.execute(text("SELECT count(*) FROM gridledger_events")).scalar_one()
        links = connection.execute(text("SELECT count(*) FROM gridledger_event_chain")).scalar_one()
    ledger.datastore.engine.dispose()
    assert verdict.intact, verdict.finding
    assert verdict.checked == events == links > 4 + PROCESSES * THREADS * CASES_EACH * 2


# -- a store written before the chain ---------------------------------------------------------------
def test_the_upgrade_chains_a_store_written_before_the_chain_once(own_database_url: str) -> None:
    if own_database_url.startswith("sqlite"):
        shutil.copyfile(FIXTURE / "gridledger.db", make_url(own_database_url).database)
    else:
        copy_into_postgresql(FIXTURE / "gridledger.db", FIXTURE / "schema-postgresql.sql", own_database_url)
    engine = create_engine(own_database_url, poolclass=NullPool)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM gridledger_events")).scalar_one()
        accounts = connection.execute(text("SELECT count(*) FROM gridledger_staff")).scalar_one()
    engine.dispose()
    env = {"GRIDLEDGER_DATABASE_URL": own_database_url}

    upgrade = CliRunner().invoke(main, ["db", "upgrade"], env=env, catch_exceptions=False)

    assert upgrade.exit_code == 0, upgrade.output
    assert f"chained the {stored} events stored before the hash chain" in upgrade.output, upgrade.output
    result = verify(own_database_url)
    # the upgrade then registers each older staff account in the store (one event each), chained as written
    assert result.exit_code == 0 and f"checked {stored + accounts:,} events" in result.output, result.output
    again = CliRunner().invoke(main, ["db", "upgrade"], env=env, catch_exceptions=False)
    assert "nothing to do" in again.output and "chained" not in again.output


def test_a_connection_that_lost_track_of_its_prepared_inserts_asks_the_server(postgres_database_url: str) -> None:
    """The chained INSERT is prepared once per connection; after a failure at an unknown point the recorder reads
    pg_prepared_statements instead of preparing again (which would fail: the statement outlives a rollback)."""
    ledger = GridLedger(Settings(database_url=postgres_database_url))
    territory, cases = build_territory(ledger), CaseCommands(ledger)
    report(cases, territory, 1)  # every pooled connection that inserted has prepared the one-event insert
    pool = ledger.datastore.engine.pool
    connections = [pool.connect() for _ in range(pool.checkedin())]
    for connection in connections:
        connection.info[PREPARED] = None
    for connection in connections:
        connection.close()

    cases.accept(territory.staff["dispatcher"], report(cases, territory, 2))

    assert ledger.verify_chain().intact
    ledger.datastore.engine.dispose()
