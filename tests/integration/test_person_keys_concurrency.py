"""Per-person keys with several writers, on SQLite and PostgreSQL: processes meeting the same new person at once
end with one key for that person (so one erasure erases every event about them), and a process meeting a person
the store already knows (another process made the key) seals with that key."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
import traceback
from collections.abc import Iterator

import pytest
from eventsourcing.cipher import AESCipher
from sqlalchemy import func, select

from application.case_commands import CaseCommands
from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.settings import Settings
from projections.storage.tables import person_keys
from tests.support.territory import Territory, build_territory

PROCESSES, PEOPLE = 3, 12
PHONE = "1390000{:04d}"


@pytest.fixture
def keyed_store(own_database_url: str) -> Iterator[tuple[Settings, GridLedger, Territory]]:
    settings = Settings(database_url=own_database_url, cipher_key=AESCipher.create_key(16))
    ledger = GridLedger(settings)
    yield settings, ledger, build_territory(ledger)
    ledger.datastore.engine.dispose()


def report(cases: CaseCommands, territory: Territory, phone: str, title: str) -> str:
    body = {
        "title": title,
        "description": "文公北路12号",
        "category": "municipal",
        "channel": "hotline",
        "track": "general",
        "grid": territory.grid("chayuan-01"),
        "reporter": {"name": "刘女士", "phone": phone},
    }
    return cases.report(territory.staff["worker"], body).id


def keys_per_lookup(ledger: GridLedger) -> dict[str, int]:
    with ledger.datastore.transaction(commit=False) as session:
        rows = session.execute(
            select(person_keys.c.lookup, func.count(person_keys.c.key_id)).group_by(person_keys.c.lookup)
        ).all()
    return {row[0]: row[1] for row in rows}


def register(households: HouseholdCommands, territory: Territory, head: dict[str, str]) -> str:
    grid = territory.grid("chayuan-01")
    return households.register(
        territory.staff["worker"], address="紫阳镇文公北路12号", grid=grid, kind="owner", head=head
    ).id


def meet_the_same_people(settings: Settings, territory: Territory, barrier: multiprocessing.synchronize.Barrier):
    """In a forked child: each of the same PEOPLE new people, registered as a household's head by every process
    at the same moment (a report would be serialised by the day's case-number counter), then reporting a case."""
    try:
        ledger = GridLedger(settings)
        households, cases = HouseholdCommands(ledger), CaseCommands(ledger)
        for n in range(PEOPLE):
            barrier.wait(timeout=60)
            register(households, territory, {"name": "刘女士", "phone": PHONE.format(n)})
            report(cases, territory, PHONE.format(n), f"路灯不亮 {os.getpid()}-{n}")
        ledger.datastore.engine.dispose()
        os._exit(0)
    except BaseException:
        traceback.print_exc()
        os._exit(1)


def test_processes_meeting_the_same_new_person_at_once_make_one_key(keyed_store) -> None:
    settings, ledger, territory = keyed_store
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    ledger.datastore.engine.dispose()  # no pooled connection crosses the fork
    writers = [
        context.Process(target=meet_the_same_people, args=(settings, territory, barrier)) for _ in range(PROCESSES)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(300)
    assert [writer.exitcode for writer in writers] == [0] * PROCESSES

    keys = ledger.person_keys
    assert keys is not None
    lookups = [keys.lookup("phone", PHONE.format(n)) for n in range(PEOPLE)]
    counts = keys_per_lookup(ledger)
    assert [counts.get(lookup) for lookup in lookups] == [1] * PEOPLE
    fresh = GridLedger(settings)  # a process with no key in memory reads every case's reporter
    cases = fresh.recorder.select_notifications(start=1, limit=10_000, topics=["domain.case:Case.Reported"])
    reported = [fresh.load_case(case.originator_id).details["reporter"]["phone"] for case in cases]
    fresh.datastore.engine.dispose()
    assert sorted(reported) == sorted(PHONE.format(n) for n in range(PEOPLE) for _ in range(PROCESSES))
    assert ledger.verify_chain().intact


def test_a_person_the_store_knows_is_sealed_with_their_key_by_a_process_that_does_not(keyed_store) -> None:
    settings, ledger, territory = keyed_store
    first = report(CaseCommands(ledger), territory, PHONE.format(1), "路灯不亮")
    other = GridLedger(settings)  # another process: the key is in the store, not in its memory
    try:
        second = report(CaseCommands(other), territory, PHONE.format(1), "路灯又不亮")
        # A household head known by that phone and, new, an ID number: the ID number leads to the same key.
        head = {"name": "刘女士", "id_number": "11010519491231002X", "phone": PHONE.format(1)}
        register(HouseholdCommands(other), territory, head)
    finally:
        other.datastore.engine.dispose()
    keys = ledger.person_keys
    assert keys is not None
    counts = keys_per_lookup(ledger)
    assert counts[keys.lookup("phone", PHONE.format(1))] == 1
    (key_id,) = keys.key_ids(keys.lookup("id_number", "11010519491231002X"))
    assert keys.key_ids(keys.lookup("phone", PHONE.format(1))) == [key_id]
    fresh = GridLedger(settings)
    try:
        assert [fresh.load_case(case).details["reporter"]["person"] for case in (first, second)] == [key_id] * 2
    finally:
        fresh.datastore.engine.dispose()
